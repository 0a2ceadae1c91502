#include "execution/join.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>

#include <fmt/format.h>

#include "common/bit_util.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"

namespace llkv::execution {

using arrow::ArrayDataPtr;
using arrow::RecordBatch;
using arrow::RecordBatchPtr;

namespace {

// Nullable copies of a schema's fields (outer joins add NULLs).
std::vector<arrow::FieldPtr> Nullable(const arrow::Schema& s) {
  std::vector<arrow::FieldPtr> out;
  for (const auto& f : s.fields())
    out.push_back(arrow::field(f->name(), f->type(), true));
  return out;
}

class Join final : public Operator {
 public:
  Join(OperatorPtr left, OperatorPtr right, JoinSpec spec)
      : left_(std::move(left)), right_(std::move(right)), spec_(std::move(spec)) {
    std::vector<arrow::FieldPtr> fields = Nullable(*left_->schema());
    for (auto& f : Nullable(*right_->schema()))
      fields.push_back(std::move(f));
    pair_schema_ = std::make_shared<arrow::Schema>(std::move(fields));
    schema_ = LeftOnly() ? left_->schema() : pair_schema_;
  }

  arrow::SchemaPtr schema() const override { return schema_; }

  ExplainInfo Explain() const override {
    static const char* kKinds[] = {"INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI"};
    std::string detail = kKinds[static_cast<int>(spec_.kind)];
    for (size_t k = 0; k < spec_.keys.size(); ++k) {
      const bool null_safe = k < spec_.null_safe.size() && spec_.null_safe[k];
      detail +=
          fmt::format("{}{} {} {}", k ? " AND " : " ON ", spec_.keys[k].first->ToString(),
                      null_safe ? "IS NOT DISTINCT FROM" : "=", spec_.keys[k].second->ToString());
    }
    if (spec_.residual) detail += " WHERE " + spec_.residual->ToString();
    const double left = EstimatedRows(*left_), right = EstimatedRows(*right_);
    // An equi-join of a key with a foreign key yields about the larger side.
    double rows = spec_.keys.empty() ? left * right : std::max(left, right);
    if (spec_.residual) rows *= EstimateSelectivity(*spec_.residual);
    if (spec_.kind == JoinKind::kLeft || spec_.kind == JoinKind::kFull) rows = std::max(rows, left);
    if (spec_.kind == JoinKind::kRight || spec_.kind == JoinKind::kFull)
      rows = std::max(rows, right);
    if (LeftOnly()) rows = std::min(rows, left) / (spec_.kind == JoinKind::kAnti ? 2 : 1);
    return {spec_.keys.empty() ? "NestedLoopJoin" : "HashJoin",
            detail,
            rows,
            {left_.get(), right_.get()}};
  }

  RecordBatchPtr NextBatch() override {
    if (!built_) Build();
    // Nothing to pair with: an inner or right join ends without reading the
    // left input (which may be huge, such as range(2^63) joined to an empty
    // table).
    if (right_rows_ == 0 && (spec_.kind == JoinKind::kInner || spec_.kind == JoinKind::kRight ||
                             spec_.kind == JoinKind::kSemi)) {
      return nullptr;
    }
    while (true) {
      if (!pending_ || pending_pos_ >= pending_->num_rows()) {
        pending_ = left_->Next();
        pending_pos_ = 0;
        if (!pending_) break;
      }
      // Without keys every left row pairs with every right row: probe a
      // slice of the left batch at a time to bound the pairs in memory.
      int64_t take = pending_->num_rows() - pending_pos_;
      if (spec_.keys.empty() && right_rows_ > 0) {
        take = std::min(take, std::max<int64_t>(1, kMaxPairs / right_rows_));
      }
      RecordBatchPtr slice = pending_pos_ == 0 && take == pending_->num_rows()
                                 ? pending_
                                 : pending_->Slice(pending_pos_, take);
      pending_pos_ += take;
      RecordBatchPtr out = Probe(*slice);
      if (out && out->num_rows() > 0) return out;
    }
    if ((spec_.kind == JoinKind::kRight || spec_.kind == JoinKind::kFull) && !emitted_right_) {
      emitted_right_ = true;
      return UnmatchedRight();
    }
    return nullptr;
  }

 private:
  bool LeftOnly() const { return spec_.kind == JoinKind::kSemi || spec_.kind == JoinKind::kAnti; }

  void Build() {
    built_ = true;
    build_ = ReadBuildSide(*right_);
    right_rows_ = build_.rows;
    right_columns_ = build_.columns;
    right_matched_.assign(static_cast<size_t>(right_rows_), false);
    if (spec_.keys.empty()) return;
    auto right = build_.Batch(right_->schema());
    std::vector<ArrayDataPtr> keys;
    for (const auto& k : spec_.keys)
      keys.push_back(Evaluate(*k.second, *right));
    std::string key;
    for (int64_t i = 0; i < right_rows_; ++i) {
      if (!EncodeRow(keys, i, &key)) continue;  // NULL keys never match
      table_[key].push_back(i);
    }
  }

  bool EncodeRow(const std::vector<ArrayDataPtr>& keys, int64_t i, std::string* out) const {
    return EncodeJoinKeys(keys, spec_.null_safe, i, out);
  }

  RecordBatchPtr Combine(const RecordBatch& left, const std::vector<int64_t>& li,
                         const std::vector<int64_t>& ri) const {
    std::vector<ArrayDataPtr> columns;
    for (const auto& c : left.columns())
      columns.push_back(arrow::Take(*c, li));
    for (const auto& c : right_columns_)
      columns.push_back(arrow::Take(*c, ri));
    return std::make_shared<RecordBatch>(pair_schema_, static_cast<int64_t>(li.size()),
                                         std::move(columns));
  }

  RecordBatchPtr Probe(const RecordBatch& left) {
    std::vector<int64_t> li, ri;
    if (spec_.keys.empty()) {
      for (int64_t l = 0; l < left.num_rows(); ++l) {
        for (int64_t r = 0; r < right_rows_; ++r) {
          li.push_back(l);
          ri.push_back(r);
        }
      }
    } else {
      std::vector<ArrayDataPtr> keys;
      for (const auto& k : spec_.keys)
        keys.push_back(Evaluate(*k.first, left));
      std::string key;
      for (int64_t l = 0; l < left.num_rows(); ++l) {
        if (!EncodeRow(keys, l, &key)) continue;
        auto it = table_.find(key);
        if (it == table_.end()) continue;
        for (int64_t r : it->second) {
          li.push_back(l);
          ri.push_back(r);
        }
      }
    }
    RecordBatchPtr pairs = Combine(left, li, ri);
    std::vector<int64_t> keep_l, keep_r;
    if (spec_.residual && pairs->num_rows() > 0) {
      ArrayDataPtr mask = Evaluate(*spec_.residual, *pairs);
      const uint8_t* bits = mask->buffers[1]->data();
      for (size_t p = 0; p < li.size(); ++p) {
        const auto i = static_cast<int64_t>(p);
        if (mask->IsValid(i) && bit_util::GetBit(bits, mask->offset + i)) {
          keep_l.push_back(li[p]);
          keep_r.push_back(ri[p]);
        }
      }
    } else {
      keep_l = std::move(li);
      keep_r = std::move(ri);
    }
    for (int64_t r : keep_r)
      right_matched_[static_cast<size_t>(r)] = true;
    if (LeftOnly()) {
      // Left rows with a match (SEMI) or without (ANTI), once each, in order.
      std::vector<bool> matched(static_cast<size_t>(left.num_rows()), false);
      for (int64_t l : keep_l)
        matched[static_cast<size_t>(l)] = true;
      std::vector<int64_t> rows;
      for (int64_t l = 0; l < left.num_rows(); ++l) {
        if (matched[static_cast<size_t>(l)] == (spec_.kind == JoinKind::kSemi)) rows.push_back(l);
      }
      std::vector<ArrayDataPtr> columns;
      for (const auto& c : left.columns())
        columns.push_back(arrow::Take(*c, rows));
      return std::make_shared<RecordBatch>(schema_, static_cast<int64_t>(rows.size()),
                                           std::move(columns));
    }
    if (spec_.kind == JoinKind::kLeft || spec_.kind == JoinKind::kFull) {
      std::vector<bool> matched(static_cast<size_t>(left.num_rows()), false);
      for (int64_t l : keep_l)
        matched[static_cast<size_t>(l)] = true;
      // Unmatched left rows, in order, with NULL right columns.
      std::vector<int64_t> out_l, out_r;
      size_t k = 0;
      for (int64_t l = 0; l < left.num_rows(); ++l) {
        while (k < keep_l.size() && keep_l[k] == l) {
          out_l.push_back(l);
          out_r.push_back(keep_r[k++]);
        }
        if (!matched[static_cast<size_t>(l)]) {
          out_l.push_back(l);
          out_r.push_back(-1);
        }
      }
      return Combine(left, out_l, out_r);
    }
    if (keep_l.size() == static_cast<size_t>(pairs->num_rows())) return pairs;
    return Combine(left, keep_l, keep_r);
  }

  RecordBatchPtr UnmatchedRight() {
    std::vector<int64_t> ri;
    for (int64_t r = 0; r < right_rows_; ++r) {
      if (!right_matched_[static_cast<size_t>(r)]) ri.push_back(r);
    }
    return UnmatchedBuildRows(schema_, *left_->schema(), build_, ri);
  }

  static constexpr int64_t kMaxPairs = 1 << 16;

  OperatorPtr left_, right_;
  JoinSpec spec_;
  RecordBatchPtr pending_;  // the left batch being probed
  int64_t pending_pos_ = 0;
  arrow::SchemaPtr schema_;       // the output
  arrow::SchemaPtr pair_schema_;  // a left row and a right row side by side
  bool built_ = false;
  bool emitted_right_ = false;
  BuildSide build_;
  std::vector<ArrayDataPtr> right_columns_;
  int64_t right_rows_ = 0;
  std::vector<bool> right_matched_;
  absl::flat_hash_map<std::string, std::vector<int64_t>> table_;
};

}  // namespace

bool EncodeJoinKeys(const std::vector<ArrayDataPtr>& keys, const std::vector<bool>& null_safe,
                    int64_t i, std::string* out) {
  out->clear();
  for (size_t k = 0; k < keys.size(); ++k) {
    const bool safe = k < null_safe.size() && null_safe[k];
    if (!safe && keys[k]->IsNull(i)) return false;
    EncodeValueKey(Value::FromArray(*keys[k], i), out);
  }
  return true;
}

RecordBatchPtr BuildSide::Batch(const arrow::SchemaPtr& schema) const {
  return std::make_shared<RecordBatch>(schema, rows, columns);
}

BuildSide ReadBuildSide(Operator& input) {
  BuildSide out;
  const std::vector<RecordBatchPtr> batches = Collect(input);
  const arrow::Schema& s = *input.schema();
  for (int c = 0; c < s.num_fields(); ++c) {
    std::vector<ArrayDataPtr> parts;
    for (const auto& b : batches)
      parts.push_back(b->column(c));
    out.columns.push_back(parts.empty() ? arrow::MakeNullArray(s.field(c)->type(), 0)
                                        : arrow::Concatenate(parts));
  }
  for (const auto& b : batches)
    out.rows += b->num_rows();
  return out;
}

RecordBatchPtr UnmatchedBuildRows(const arrow::SchemaPtr& out, const arrow::Schema& left,
                                  const BuildSide& build, const std::vector<int64_t>& rows) {
  if (rows.empty()) return nullptr;
  std::vector<ArrayDataPtr> columns;
  for (const auto& f : left.fields())
    columns.push_back(arrow::MakeNullArray(f->type(), static_cast<int64_t>(rows.size())));
  for (const auto& c : build.columns)
    columns.push_back(arrow::Take(*c, rows));
  return std::make_shared<RecordBatch>(out, static_cast<int64_t>(rows.size()), std::move(columns));
}

OperatorPtr MakeJoin(OperatorPtr left, OperatorPtr right, JoinSpec spec) {
  return std::make_unique<Join>(std::move(left), std::move(right), std::move(spec));
}

}  // namespace llkv::execution
