#include "execution/asof_join.h"

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include <algorithm>

#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"

namespace llkv::execution {

using arrow::ArrayDataPtr;
using arrow::RecordBatch;
using arrow::RecordBatchPtr;

namespace {

class AsOfJoin final : public Operator {
 public:
  AsOfJoin(OperatorPtr left, OperatorPtr right, AsOfSpec spec)
      : left_(std::move(left)), right_(std::move(right)), spec_(std::move(spec)) {
    std::vector<arrow::FieldPtr> fields;
    for (const auto* side : {left_.get(), right_.get()}) {
      for (const auto& f : side->schema()->fields())
        fields.push_back(arrow::field(f->name(), f->type(), true));
    }
    schema_ = std::make_shared<arrow::Schema>(std::move(fields));
  }

  arrow::SchemaPtr schema() const override { return schema_; }

  ExplainInfo Explain() const override {
    static const char* kKinds[] = {"INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI"};
    std::string detail = kKinds[static_cast<int>(spec_.kind)];
    for (size_t k = 0; k < spec_.keys.size(); ++k) {
      detail += fmt::format("{}{} = {}", k ? " AND " : " ON ", spec_.keys[k].first->ToString(),
                            spec_.keys[k].second->ToString());
    }
    detail += fmt::format("{}{} {} {}", spec_.keys.empty() ? " ON " : " AND ",
                          spec_.left_value->ToString(), OpSymbol(spec_.op),
                          spec_.right_value->ToString());
    return {"AsOfJoin", detail, EstimatedRows(*left_), {left_.get(), right_.get()}};
  }

  RecordBatchPtr NextBatch() override {
    if (!built_) Build();
    while (auto batch = left_->Next()) {
      if (auto out = Probe(*batch)) return out;
    }
    if ((spec_.kind == JoinKind::kRight || spec_.kind == JoinKind::kFull) && !emitted_right_) {
      emitted_right_ = true;
      return UnmatchedRight();
    }
    return nullptr;
  }

 private:
  struct Entry {
    Value value;
    int64_t row;
  };

  bool EncodeKeys(const std::vector<ArrayDataPtr>& keys, int64_t i, std::string* out) const {
    return EncodeJoinKeys(keys, spec_.null_safe, i, out);
  }

  void Build() {
    built_ = true;
    build_ = ReadBuildSide(*right_);
    right_rows_ = build_.rows;
    right_matched_.assign(static_cast<size_t>(right_rows_), false);
    auto right = build_.Batch(right_->schema());
    std::vector<ArrayDataPtr> keys;
    for (const auto& k : spec_.keys)
      keys.push_back(Evaluate(*k.second, *right));
    const ArrayDataPtr values = Evaluate(*spec_.right_value, *right);
    std::string key;
    for (int64_t i = 0; i < right_rows_; ++i) {
      if (values->IsNull(i) || !EncodeKeys(keys, i, &key)) continue;
      groups_[key].push_back({Value::FromArray(*values, i), i});
    }
    for (auto& [k, entries] : groups_) {
      std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return CompareValues(a.value, b.value) < 0;
      });
    }
  }

  // The right row `left op right` picks for `v` among `entries` (sorted by
  // value), or -1.
  int64_t Pick(const std::vector<Entry>& entries, const Value& v) const {
    auto less = [](const Entry& e, const Value& x) { return CompareValues(e.value, x) < 0; };
    auto greater = [](const Value& x, const Entry& e) { return CompareValues(x, e.value) < 0; };
    switch (spec_.op) {
      case ExprOp::kGreaterEqual: {  // the last entry <= v
        auto it = std::upper_bound(entries.begin(), entries.end(), v, greater);
        return it == entries.begin() ? -1 : std::prev(it)->row;
      }
      case ExprOp::kGreater: {  // the last entry < v
        auto it = std::lower_bound(entries.begin(), entries.end(), v, less);
        return it == entries.begin() ? -1 : std::prev(it)->row;
      }
      case ExprOp::kLessEqual: {  // the first entry >= v (the last of its ties)
        auto it = std::lower_bound(entries.begin(), entries.end(), v, less);
        if (it == entries.end()) return -1;
        auto last = std::upper_bound(it, entries.end(), it->value, greater);
        return std::prev(last)->row;
      }
      case ExprOp::kLess: {  // the first entry > v (the last of its ties)
        auto it = std::upper_bound(entries.begin(), entries.end(), v, greater);
        if (it == entries.end()) return -1;
        auto last = std::upper_bound(it, entries.end(), it->value, greater);
        return std::prev(last)->row;
      }
      default:
        Fail(ErrorKind::kInternal, "ASOF join on {}", OpSymbol(spec_.op));
    }
  }

  RecordBatchPtr Probe(const RecordBatch& left) {
    std::vector<ArrayDataPtr> keys;
    for (const auto& k : spec_.keys)
      keys.push_back(Evaluate(*k.first, left));
    const ArrayDataPtr values = Evaluate(*spec_.left_value, left);
    const ArrayDataPtr filter = spec_.left_filter ? Evaluate(*spec_.left_filter, left) : nullptr;
    const bool keep_unmatched = spec_.kind == JoinKind::kLeft || spec_.kind == JoinKind::kFull;
    std::vector<int64_t> li, ri;
    std::string key;
    for (int64_t l = 0; l < left.num_rows(); ++l) {
      int64_t r = -1;
      const bool passes = !filter || (filter->IsValid(l) && arrow::BooleanArray(filter).Value(l));
      if (passes && !values->IsNull(l) && EncodeKeys(keys, l, &key)) {
        auto it = groups_.find(key);
        if (it != groups_.end()) r = Pick(it->second, Value::FromArray(*values, l));
      }
      if (r < 0 && !keep_unmatched) continue;
      if (r >= 0) right_matched_[static_cast<size_t>(r)] = true;
      li.push_back(l);
      ri.push_back(r);
    }
    if (li.empty()) return nullptr;
    std::vector<ArrayDataPtr> columns;
    for (const auto& c : left.columns())
      columns.push_back(arrow::Take(*c, li));
    for (const auto& c : build_.columns)
      columns.push_back(arrow::Take(*c, ri));
    return std::make_shared<RecordBatch>(schema_, static_cast<int64_t>(li.size()),
                                         std::move(columns));
  }

  RecordBatchPtr UnmatchedRight() {
    std::vector<int64_t> ri;
    for (int64_t r = 0; r < right_rows_; ++r) {
      if (!right_matched_[static_cast<size_t>(r)]) ri.push_back(r);
    }
    return UnmatchedBuildRows(schema_, *left_->schema(), build_, ri);
  }

  OperatorPtr left_, right_;
  AsOfSpec spec_;
  arrow::SchemaPtr schema_;
  bool built_ = false;
  bool emitted_right_ = false;
  BuildSide build_;
  int64_t right_rows_ = 0;
  std::vector<bool> right_matched_;
  absl::flat_hash_map<std::string, std::vector<Entry>> groups_;
};

}  // namespace

OperatorPtr MakeAsOfJoin(OperatorPtr left, OperatorPtr right, AsOfSpec spec) {
  if (!spec.left_value || !spec.right_value) {
    Fail(ErrorKind::kInternal, "an ASOF join needs its inequality");
  }
  return std::make_unique<AsOfJoin>(std::move(left), std::move(right), std::move(spec));
}

}  // namespace llkv::execution
