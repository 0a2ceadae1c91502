#include "execution/operators.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>

#include "common/bit_util.h"
#include "execution/value.h"
#include "llkv/arrow/builder.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"

namespace llkv::execution {

using arrow::ArrayDataPtr;
using arrow::RecordBatch;
using arrow::RecordBatchPtr;
using arrow::SchemaPtr;

arrow::RecordBatchPtr FilterBatch(const RecordBatch& batch, const arrow::ArrayData& mask) {
  std::vector<int64_t> keep;
  const uint8_t* bits = mask.buffers[1]->data();
  for (int64_t i = 0; i < mask.length; ++i) {
    if (mask.IsValid(i) && bit_util::GetBit(bits, mask.offset + i)) keep.push_back(i);
  }
  if (static_cast<int64_t>(keep.size()) == batch.num_rows()) {
    return std::make_shared<RecordBatch>(batch);
  }
  std::vector<ArrayDataPtr> columns;
  for (const auto& c : batch.columns())
    columns.push_back(arrow::Take(*c, keep));
  return std::make_shared<RecordBatch>(batch.schema(), static_cast<int64_t>(keep.size()),
                                       std::move(columns));
}

std::vector<RecordBatchPtr> Collect(Operator& op) {
  std::vector<RecordBatchPtr> out;
  while (auto b = op.Next())
    out.push_back(std::move(b));
  return out;
}

namespace {

// What a scan of `columns` of `t` yields: "row_id" first if asked, then
// the columns as the table names them.
SchemaPtr ScanSchema(const table::Table& t, const std::vector<size_t>& columns, bool with_row_id) {
  std::vector<arrow::FieldPtr> fields;
  if (with_row_id) fields.push_back(arrow::field("row_id", arrow::uint64(), false));
  for (size_t c : columns) {
    const auto& def = t.def().columns[c];
    fields.push_back(arrow::field(def.name, def.type, def.nullable));
  }
  return std::make_shared<arrow::Schema>(std::move(fields));
}

// The columns a scan reads, by name.
std::string ColumnList(const table::Table& t, const std::vector<size_t>& columns) {
  std::string out;
  for (size_t c : columns)
    out += (out.empty() ? "" : ", ") + t.def().columns[c].name;
  return out;
}

std::string ExprList(const std::vector<BoundExprPtr>& exprs) {
  std::string out;
  for (const auto& e : exprs)
    out += (out.empty() ? "" : ", ") + e->ToString();
  return out;
}

class TableScan final : public Operator {
 public:
  TableScan(std::shared_ptr<table::Table> t, std::vector<size_t> columns,
            table::SnapshotPtr snapshot, bool with_row_id,
            const std::optional<table::Table::ScanFilter>& filter)
      : table_(std::move(t)),
        columns_(std::move(columns)),
        snapshot_(std::move(snapshot)),
        with_row_id_(with_row_id),
        filter_(filter) {
    if (!snapshot_) Fail(ErrorKind::kInternal, "a table scan needs a snapshot");
    schema_ = ScanSchema(*table_, columns_, with_row_id_);
  }
  SchemaPtr schema() const override { return schema_; }
  ExplainInfo Explain() const override {
    ExplainInfo info{"TableScan",
                     table_->def().name + " [" + ColumnList(*table_, columns_) + "]",
                     static_cast<double>(table_->row_count()),
                     {}};
    // The Filter above a pushed-down filter estimates its effect.
    if (filter_)
      info.detail += " pushed-down filter on " + table_->def().columns[filter_->column].name;
    return info;
  }
  RecordBatchPtr NextBatch() override {
    // Opened on first use: a plan may be replaced (by an index lookup)
    // before it runs.
    if (!scanner_) scanner_ = table_->Scan(columns_, /*with_versions=*/true, filter_);
    arrow::RecordBatchPtr raw;
    while (scanner_->Next(&raw)) {
      // Columns: row_id, created_by, deleted_by, then the user columns.
      std::vector<int64_t> visible;
      if (snapshot_->all_versions) {
        visible.resize(static_cast<size_t>(raw->num_rows()));
        std::iota(visible.begin(), visible.end(), 0);
      } else {
        const auto& created = *raw->column(1);
        const auto& deleted = *raw->column(2);
        const uint64_t* c = created.values<uint64_t>();
        const uint64_t* d = deleted.buffers[1] ? deleted.values<uint64_t>() : nullptr;
        for (int64_t i = 0; i < raw->num_rows(); ++i) {
          const table::TxnId deleted_by = d && deleted.IsValid(i) ? d[i] : 0;
          if (snapshot_->Visible(c[i], deleted_by)) visible.push_back(i);
        }
      }
      if (visible.empty()) continue;
      const bool all = static_cast<int64_t>(visible.size()) == raw->num_rows();
      std::vector<ArrayDataPtr> out;
      if (with_row_id_) {
        const ArrayDataPtr& ids = raw->column(0);
        out.push_back(all ? ids : arrow::Take(*ids, visible));
      }
      for (size_t c = 0; c < columns_.size(); ++c) {
        const ArrayDataPtr& col = raw->column(static_cast<int>(3 + c));
        out.push_back(all ? col : arrow::Take(*col, visible));
      }
      return std::make_shared<RecordBatch>(schema_, static_cast<int64_t>(visible.size()),
                                           std::move(out));
    }
    return nullptr;
  }

 private:
  std::shared_ptr<table::Table> table_;
  std::vector<size_t> columns_;
  table::SnapshotPtr snapshot_;
  bool with_row_id_;
  SchemaPtr schema_;
  std::optional<table::Table::ScanFilter> filter_;
  std::unique_ptr<table::TableScanner> scanner_;
};

// Rows of a table at given row ids (an index lookup's candidates), fetched
// a batch at a time; those the snapshot does not see are dropped.
class RowIdScan final : public Operator {
 public:
  RowIdScan(std::shared_ptr<table::Table> t, std::vector<size_t> columns,
            std::vector<uint64_t> row_ids, table::SnapshotPtr snapshot, bool with_row_id)
      : table_(std::move(t)),
        columns_(std::move(columns)),
        row_ids_(std::move(row_ids)),
        snapshot_(std::move(snapshot)),
        with_row_id_(with_row_id) {
    if (!snapshot_) Fail(ErrorKind::kInternal, "a row id scan needs a snapshot");
    schema_ = ScanSchema(*table_, columns_, with_row_id_);
  }
  SchemaPtr schema() const override { return schema_; }
  ExplainInfo Explain() const override {
    return {"IndexLookup",
            fmt::format("{} [{}] {} candidate rows", table_->def().name,
                        ColumnList(*table_, columns_), row_ids_.size()),
            static_cast<double>(row_ids_.size()),
            {}};
  }
  RecordBatchPtr NextBatch() override {
    constexpr size_t kBatch = 4096;
    while (next_ < row_ids_.size()) {
      const size_t n = std::min(kBatch, row_ids_.size() - next_);
      std::span<const uint64_t> candidates(row_ids_.data() + next_, n);
      next_ += n;
      std::vector<uint64_t> ids;
      for (int64_t i : table_->VisibleRows(candidates, *snapshot_))
        ids.push_back(candidates[static_cast<size_t>(i)]);
      if (ids.empty()) continue;
      std::vector<ArrayDataPtr> out;
      if (with_row_id_) {
        arrow::UInt64Builder b(arrow::uint64());
        b.Reserve(static_cast<int64_t>(ids.size()));
        for (uint64_t id : ids)
          b.Append(id);
        out.push_back(b.Finish());
      }
      for (auto& col : table_->Fetch(columns_, ids))
        out.push_back(std::move(col));
      return std::make_shared<RecordBatch>(schema_, static_cast<int64_t>(ids.size()),
                                           std::move(out));
    }
    return nullptr;
  }

 private:
  std::shared_ptr<table::Table> table_;
  std::vector<size_t> columns_;
  std::vector<uint64_t> row_ids_;
  table::SnapshotPtr snapshot_;
  bool with_row_id_;
  size_t next_ = 0;
  SchemaPtr schema_;
};

class Widen final : public Operator {
 public:
  Widen(OperatorPtr input, SchemaPtr schema, std::vector<int> source)
      : input_(std::move(input)), schema_(std::move(schema)), source_(std::move(source)) {}
  SchemaPtr schema() const override { return schema_; }
  ExplainInfo Explain() const override {
    return {"Widen",
            fmt::format("to {} columns", source_.size()),
            EstimatedRows(*input_),
            {input_.get()}};
  }
  RecordBatchPtr NextBatch() override {
    RecordBatchPtr batch = input_->Next();
    if (!batch) return nullptr;
    std::vector<ArrayDataPtr> columns;
    for (size_t i = 0; i < source_.size(); ++i) {
      columns.push_back(source_[i] >= 0
                            ? batch->column(source_[i])
                            : arrow::MakeNullArray(schema_->field(static_cast<int>(i))->type(),
                                                   batch->num_rows()));
    }
    return std::make_shared<RecordBatch>(schema_, batch->num_rows(), std::move(columns));
  }

 private:
  OperatorPtr input_;
  SchemaPtr schema_;
  std::vector<int> source_;
};

class Values final : public Operator {
 public:
  Values(SchemaPtr schema, std::vector<RecordBatchPtr> batches)
      : schema_(std::move(schema)), batches_(std::move(batches)) {}
  SchemaPtr schema() const override { return schema_; }
  ExplainInfo Explain() const override {
    double rows = 0;
    for (const auto& b : batches_)
      rows += static_cast<double>(b->num_rows());
    return {"Values", fmt::format("{} columns", schema_->num_fields()), rows, {}};
  }
  RecordBatchPtr NextBatch() override {
    while (next_ < batches_.size()) {
      RecordBatchPtr b = batches_[next_++];
      if (b->num_rows() > 0) return b;
    }
    return nullptr;
  }

 private:
  SchemaPtr schema_;
  std::vector<RecordBatchPtr> batches_;
  size_t next_ = 0;
};

class Filter final : public Operator {
 public:
  Filter(OperatorPtr input, BoundExprPtr predicate)
      : input_(std::move(input)), predicate_(std::move(predicate)) {}
  SchemaPtr schema() const override { return input_->schema(); }
  ExplainInfo Explain() const override {
    return {"Filter",
            predicate_->ToString(),
            EstimatedRows(*input_) * EstimateSelectivity(*predicate_),
            {input_.get()}};
  }
  RecordBatchPtr NextBatch() override {
    while (RecordBatchPtr b = input_->Next()) {
      ArrayDataPtr mask = Evaluate(*predicate_, *b);
      RecordBatchPtr kept = FilterBatch(*b, *mask);
      if (kept->num_rows() > 0) return kept;
    }
    return nullptr;
  }

 private:
  OperatorPtr input_;
  BoundExprPtr predicate_;
};

class Project final : public Operator {
 public:
  Project(OperatorPtr input, std::vector<BoundExprPtr> exprs, std::vector<std::string> names)
      : input_(std::move(input)), exprs_(std::move(exprs)) {
    std::vector<arrow::FieldPtr> fields;
    for (size_t i = 0; i < exprs_.size(); ++i) {
      arrow::KeyValueMetadata metadata;
      if (!exprs_[i]->collation.empty())
        metadata.emplace_back(kCollationMetadata, exprs_[i]->collation);
      fields.push_back(arrow::field(names[i], exprs_[i]->type, true, std::move(metadata)));
    }
    schema_ = std::make_shared<arrow::Schema>(std::move(fields));
  }
  SchemaPtr schema() const override { return schema_; }
  ExplainInfo Explain() const override {
    return {"Project", ExprList(exprs_), EstimatedRows(*input_), {input_.get()}};
  }
  RecordBatchPtr NextBatch() override {
    RecordBatchPtr b = input_->Next();
    if (!b) return nullptr;
    std::vector<ArrayDataPtr> columns;
    for (const auto& e : exprs_)
      columns.push_back(Evaluate(*e, *b));
    return std::make_shared<RecordBatch>(schema_, b->num_rows(), std::move(columns));
  }

 private:
  OperatorPtr input_;
  std::vector<BoundExprPtr> exprs_;
  SchemaPtr schema_;
};

class Limit final : public Operator {
 public:
  Limit(OperatorPtr input, int64_t limit, int64_t offset)
      : input_(std::move(input)),
        remaining_(limit),
        skip_(offset),
        limit_(limit),
        offset_(offset) {}
  SchemaPtr schema() const override { return input_->schema(); }
  ExplainInfo Explain() const override {
    double rows = std::max(0.0, EstimatedRows(*input_) - static_cast<double>(offset_));
    if (limit_ >= 0) rows = std::min(rows, static_cast<double>(limit_));
    std::string detail = limit_ >= 0 ? fmt::format("{}", limit_) : "ALL";
    if (offset_ > 0) detail += fmt::format(" OFFSET {}", offset_);
    return {"Limit", detail, rows, {input_.get()}};
  }
  RecordBatchPtr NextBatch() override {
    while (remaining_ != 0) {
      RecordBatchPtr b = input_->Next();
      if (!b) return nullptr;
      int64_t start = 0;
      if (skip_ > 0) {
        start = std::min(skip_, b->num_rows());
        skip_ -= start;
      }
      int64_t n = b->num_rows() - start;
      if (remaining_ > 0) n = std::min(n, remaining_);
      if (n <= 0) continue;
      if (remaining_ > 0) remaining_ -= n;
      return (start == 0 && n == b->num_rows()) ? b : b->Slice(start, n);
    }
    return nullptr;
  }

 private:
  OperatorPtr input_;
  int64_t remaining_;  // negative: unlimited
  int64_t skip_;
  const int64_t limit_, offset_;  // as planned, for EXPLAIN
};

class LimitPercent final : public Operator {
 public:
  LimitPercent(OperatorPtr input, double percent, int64_t offset)
      : input_(std::move(input)), percent_(percent), offset_(offset) {}
  SchemaPtr schema() const override { return input_->schema(); }
  ExplainInfo Explain() const override {
    const double rows = EstimatedRows(*input_);
    std::string detail = fmt::format("{}%", percent_);
    if (offset_ > 0) detail += fmt::format(" OFFSET {}", offset_);
    return {"Limit",
            detail,
            std::max(0.0, std::min(rows * percent_ / 100, rows - static_cast<double>(offset_))),
            {input_.get()}};
  }
  RecordBatchPtr NextBatch() override {
    if (!limit_) {
      // The count is known only once the input is read.
      batches_ = Collect(*input_);
      int64_t rows = 0;
      for (const auto& b : batches_)
        rows += b->num_rows();
      limit_ = static_cast<int64_t>(std::floor(static_cast<double>(rows) * percent_ / 100));
      inner_ = MakeLimit(MakeValues(input_->schema(), std::move(batches_)), *limit_, offset_);
    }
    return inner_->Next();
  }

 private:
  OperatorPtr input_;
  const double percent_;
  const int64_t offset_;
  std::vector<RecordBatchPtr> batches_;
  std::optional<int64_t> limit_;  // rows to pass, once the input is counted
  OperatorPtr inner_;
};

// ORDER BY, stable. With a limit (top-N: ORDER BY ... LIMIT n) it keeps
// only the best `limit` rows seen so far, so memory is bounded by the
// limit and the batch size, not the input.
class Sort final : public Operator {
 public:
  Sort(OperatorPtr input, std::vector<SortKey> keys, int64_t limit)
      : input_(std::move(input)), keys_(std::move(keys)), limit_(limit) {}
  SchemaPtr schema() const override { return input_->schema(); }
  ExplainInfo Explain() const override {
    std::string detail;
    for (const auto& k : keys_) {
      detail += (detail.empty() ? "" : ", ") + k.expr->ToString() + (k.descending ? " DESC" : "") +
                (k.nulls_first ? " NULLS FIRST" : " NULLS LAST");
    }
    double rows = EstimatedRows(*input_);
    if (limit_ >= 0) {
      detail += fmt::format(" LIMIT {}", limit_);
      rows = std::min(rows, static_cast<double>(limit_));
    }
    return {limit_ >= 0 ? "TopN" : "Sort", detail, rows, {input_.get()}};
  }
  RecordBatchPtr NextBatch() override {
    if (done_) return nullptr;
    done_ = true;
    const SchemaPtr s = input_->schema();
    std::vector<RecordBatchPtr> pending;
    int64_t pending_rows = 0;
    while (auto batch = input_->Next()) {
      pending_rows += batch->num_rows();
      pending.push_back(std::move(batch));
      // Cut back to the best `limit` rows once twice as many are held.
      if (limit_ >= 0 && pending_rows > std::max<int64_t>(2 * limit_, 1024)) {
        pending = {SortRows(Concat(s, pending), limit_)};
        pending_rows = pending[0]->num_rows();
      }
    }
    if (pending.empty()) return nullptr;
    RecordBatchPtr out = SortRows(Concat(s, pending), limit_);
    return out->num_rows() == 0 ? nullptr : out;
  }

 private:
  static RecordBatchPtr Concat(const SchemaPtr& s, const std::vector<RecordBatchPtr>& batches) {
    if (batches.size() == 1) return batches[0];
    std::vector<ArrayDataPtr> columns;
    for (int c = 0; c < s->num_fields(); ++c) {
      std::vector<ArrayDataPtr> parts;
      for (const auto& b : batches)
        parts.push_back(b->column(c));
      columns.push_back(arrow::Concatenate(parts));
    }
    int64_t rows = 0;
    for (const auto& b : batches)
      rows += b->num_rows();
    return std::make_shared<RecordBatch>(s, rows, std::move(columns));
  }

  // The rows of `all` in key order (ties in input order), at most `limit`
  // of them when limit >= 0.
  RecordBatchPtr SortRows(const RecordBatchPtr& all, int64_t limit) const {
    const int64_t rows = all->num_rows();
    std::vector<std::vector<Value>> key_values(keys_.size());
    for (size_t k = 0; k < keys_.size(); ++k) {
      ArrayDataPtr v = Evaluate(*keys_[k].expr, *all);
      key_values[k].reserve(static_cast<size_t>(rows));
      for (int64_t i = 0; i < rows; ++i)
        key_values[k].push_back(Value::FromArray(*v, i));
    }
    std::vector<int64_t> order(static_cast<size_t>(rows));
    std::iota(order.begin(), order.end(), 0);
    auto before = [&](int64_t x, int64_t y) {
      for (size_t k = 0; k < keys_.size(); ++k) {
        const Value& a = key_values[k][static_cast<size_t>(x)];
        const Value& b = key_values[k][static_cast<size_t>(y)];
        if (a.is_null() || b.is_null()) {
          if (a.is_null() && b.is_null()) continue;
          return a.is_null() == keys_[k].nulls_first;
        }
        const int c = CompareValues(a, b);
        if (c != 0) return keys_[k].descending ? c > 0 : c < 0;
      }
      return x < y;  // stable
    };
    if (limit >= 0 && limit < rows) {
      std::partial_sort(order.begin(), order.begin() + limit, order.end(), before);
      order.resize(static_cast<size_t>(limit));
    } else {
      std::sort(order.begin(), order.end(), before);
    }
    std::vector<ArrayDataPtr> sorted;
    for (const auto& c : all->columns())
      sorted.push_back(arrow::Take(*c, order));
    return std::make_shared<RecordBatch>(all->schema(), static_cast<int64_t>(order.size()),
                                         std::move(sorted));
  }

  OperatorPtr input_;
  std::vector<SortKey> keys_;
  int64_t limit_;
  bool done_ = false;
};

}  // namespace

OperatorPtr MakeTableScan(std::shared_ptr<table::Table> table, std::vector<size_t> columns,
                          table::SnapshotPtr snapshot, bool with_row_id,
                          const std::optional<table::Table::ScanFilter>& filter) {
  return std::make_unique<TableScan>(std::move(table), std::move(columns), std::move(snapshot),
                                     with_row_id, filter);
}
OperatorPtr MakeRowIdScan(std::shared_ptr<table::Table> table, std::vector<size_t> columns,
                          std::vector<uint64_t> row_ids, table::SnapshotPtr snapshot,
                          bool with_row_id) {
  return std::make_unique<RowIdScan>(std::move(table), std::move(columns), std::move(row_ids),
                                     std::move(snapshot), with_row_id);
}
OperatorPtr MakeWiden(OperatorPtr input, SchemaPtr schema, std::vector<int> source) {
  return std::make_unique<Widen>(std::move(input), std::move(schema), std::move(source));
}
OperatorPtr MakeValues(SchemaPtr schema, std::vector<RecordBatchPtr> batches) {
  return std::make_unique<Values>(std::move(schema), std::move(batches));
}
OperatorPtr MakeFilter(OperatorPtr input, BoundExprPtr predicate) {
  return std::make_unique<Filter>(std::move(input), std::move(predicate));
}
OperatorPtr MakeProject(OperatorPtr input, std::vector<BoundExprPtr> exprs,
                        std::vector<std::string> names) {
  return std::make_unique<Project>(std::move(input), std::move(exprs), std::move(names));
}
namespace {

class FirstPerKey final : public Operator {
 public:
  FirstPerKey(OperatorPtr input, std::vector<int> keys)
      : input_(std::move(input)), keys_(std::move(keys)) {}
  arrow::SchemaPtr schema() const override { return input_->schema(); }
  ExplainInfo Explain() const override {
    std::string detail;
    for (int k : keys_)
      detail += fmt::format("{}#{}", detail.empty() ? "" : ", ", k);
    return {"FirstPerKey", detail, EstimatedRows(*input_) * kGroupsPerRow, {input_.get()}};
  }
  arrow::RecordBatchPtr NextBatch() override {
    while (auto batch = input_->Next()) {
      arrow::BooleanBuilder keep(arrow::boolean());
      bool any = false;
      std::string key;
      for (int64_t i = 0; i < batch->num_rows(); ++i) {
        key.clear();
        for (int k : keys_)
          EncodeValueKey(Value::FromArray(*batch->column(k), i), &key);
        const bool first = seen_.insert(key).second;
        keep.Append(first);
        any = any || first;
      }
      if (any) return FilterBatch(*batch, *keep.Finish());
    }
    return nullptr;
  }

 private:
  OperatorPtr input_;
  std::vector<int> keys_;
  std::unordered_set<std::string> seen_;
};

}  // namespace

OperatorPtr MakeFirstPerKey(OperatorPtr input, std::vector<int> keys) {
  return std::make_unique<FirstPerKey>(std::move(input), std::move(keys));
}

OperatorPtr MakeLimit(OperatorPtr input, int64_t limit, int64_t offset) {
  return std::make_unique<Limit>(std::move(input), limit, offset);
}

OperatorPtr MakeLimitPercent(OperatorPtr input, double percent, int64_t offset) {
  return std::make_unique<LimitPercent>(std::move(input), percent, offset);
}
OperatorPtr MakeSort(OperatorPtr input, std::vector<SortKey> keys, int64_t limit) {
  return std::make_unique<Sort>(std::move(input), std::move(keys), limit);
}

}  // namespace llkv::execution
