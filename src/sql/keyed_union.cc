#include "sql/keyed_union.h"

#include <algorithm>

#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"
#include "sql/binder.h"
#include "sql/collation.h"

namespace llkv::sql::plan {

namespace {

// The column of `schema` named `name` (case-insensitive), or -1.
int ColumnNamed(const arrow::Schema& schema, const std::string& name) {
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (EqualsIgnoreCase(schema.field(i)->name(), name)) return i;
  }
  return -1;
}

// The one column an aggregate call's first argument reads (arg_min(via,
// len): via), or "" when it reads none or several.
std::string OnlyColumn(const Expr& call) {
  std::vector<const Expr*> columns;
  if (!call.args.empty()) CollectBareColumns(*call.args[0], &columns);
  std::string name;
  for (const Expr* c : columns) {
    if (!name.empty() && !EqualsIgnoreCase(name, c->names.back())) return "";
    name = c->names.back();
  }
  return name;
}

bool SameRow(const std::vector<Value>& a, const std::vector<Value>& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_null() != b[i].is_null()) return false;
    if (!a[i].is_null() && execution::CompareValues(a[i], b[i]) != 0) return false;
  }
  return true;
}

}  // namespace

KeyedUnion::KeyedUnion(arrow::SchemaPtr input, const std::vector<SelectItem>& items, bool distinct,
                       runtime::Database& db)
    : input_(std::move(input)), distinct_(distinct) {
  Scope scope;
  for (int i = 0; i < input_->num_fields(); ++i) {
    scope.push_back(FieldColumn("", input_->field(i)->name(), i, *input_->field(i)));
  }
  for (const ScopeColumn& c : scope) {
    BoundExprPtr image = SortKeyOf(ScopeRef(c));
    images_.push_back(image->op == execution::ExprOp::kColumn ? nullptr : std::move(image));
  }
  Binder binder(scope, nullptr, false, &db);
  std::vector<arrow::FieldPtr> fields = input_->fields();
  aggregates_.reserve(items.size());
  auto name_of = [&](int column) { return input_->field(column)->name(); };
  for (const SelectItem& item : items) {
    const Expr& e = *item.expr;
    if (IsAggregateCall(e)) {
      const std::string target = item.alias.empty() ? OnlyColumn(e) : item.alias;
      const int column = target.empty() ? -1 : ColumnNamed(*input_, target);
      if (column < 0) {
        Fail(ErrorKind::kBinder,
             "In USING KEY, an aggregate must either have a column reference as its first "
             "argument or an AS alias naming a column of the CTE: {}",
             e.ToString());
      }
      for (int other : aggregate_column_) {
        if (other == column) {
          Fail(ErrorKind::kBinder,
               "USING KEY: column \"{}\" is referenced multiple times in the aggregates",
               name_of(column));
        }
      }
      execution::AggregateSpec spec = BindAggregate(e, binder);
      if (!spec.order_by.empty()) {
        Fail(ErrorKind::kNotImplemented, "ORDER BY inside a USING KEY aggregate ({})",
             e.ToString());
      }
      fields[static_cast<size_t>(column)] =
          arrow::field(fields[static_cast<size_t>(column)]->name(), execution::AggregateType(spec));
      aggregates_.push_back(std::move(spec));
      aggregate_column_.push_back(column);
      continue;
    }
    if (e.kind != ExprKind::kColumnRef || !item.alias.empty()) {
      Fail(ErrorKind::kBinder,
           "{} can't be used in the USING KEY clause: it takes key columns and aggregates",
           e.ToString());
    }
    const int column = ColumnNamed(*input_, e.names.back());
    if (column < 0) {
      Fail(ErrorKind::kBinder, "USING KEY column \"{}\" is not a column of the CTE",
           e.names.back());
    }
    key_columns_.push_back(column);
  }
  if (key_columns_.empty()) {
    Fail(ErrorKind::kBinder, "USING KEY requires at least one key column");
  }
  for (int column : aggregate_column_) {
    if (std::find(key_columns_.begin(), key_columns_.end(), column) != key_columns_.end()) {
      Fail(ErrorKind::kBinder, "USING KEY: column \"{}\" cannot be used as both key and aggregate",
           name_of(column));
    }
  }
  output_ = std::make_shared<arrow::Schema>(std::move(fields));
  is_key_.assign(static_cast<size_t>(input_->num_fields()), false);
  is_aggregate_.assign(static_cast<size_t>(input_->num_fields()), false);
  for (int c : key_columns_)
    is_key_[static_cast<size_t>(c)] = true;
  for (int c : aggregate_column_)
    is_aggregate_[static_cast<size_t>(c)] = true;
}

std::vector<Value> KeyedUnion::Finish(const Entry& e) const {
  std::vector<Value> row = e.latest;
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    // Finishing may consume what an accumulator holds (ordered input), so
    // a copy finishes; the original goes on accumulating.
    execution::Accumulator copy = e.accumulators[a];
    const int column = aggregate_column_[a];
    row[static_cast<size_t>(column)] = copy.Finish(output_->field(column)->type());
  }
  return row;
}

std::vector<arrow::RecordBatchPtr> KeyedUnion::Apply(
    std::vector<arrow::RecordBatchPtr> candidates) {
  std::erase_if(candidates, [](const auto& b) { return b->num_rows() == 0; });
  std::vector<size_t> touched;  // entries_ positions, first touch order
  absl::flat_hash_map<size_t, bool> seen;
  std::string key;
  for (const auto& batch : candidates) {
    std::vector<arrow::ArrayDataPtr> args, args2;
    for (const auto& spec : aggregates_) {
      args.push_back(spec.arg ? execution::Evaluate(*spec.arg, *batch) : nullptr);
      args2.push_back(spec.arg2 ? execution::Evaluate(*spec.arg2, *batch) : nullptr);
    }
    // Each column as it compares: its collation key, or itself.
    std::vector<arrow::ArrayDataPtr> images;
    for (int c = 0; c < batch->num_columns(); ++c) {
      const auto& image = images_[static_cast<size_t>(c)];
      images.push_back(image ? execution::Evaluate(*image, *batch) : batch->column(c));
    }
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      key.clear();
      for (int c : key_columns_)
        execution::EncodeValueKey(Value::FromArray(*images[static_cast<size_t>(c)], i), &key);
      auto [it, inserted] = index_.try_emplace(key, entries_.size());
      if (inserted) {
        Entry e;
        for (const auto& spec : aggregates_)
          e.accumulators.emplace_back(spec);
        entries_.push_back(std::move(e));
      }
      Entry& e = entries_[it->second];
      std::vector<Value> row, image;
      for (int c = 0; c < batch->num_columns(); ++c) {
        const bool key_column = is_key_[static_cast<size_t>(c)];
        row.push_back(key_column && !e.latest.empty() ? e.latest[static_cast<size_t>(c)]
                                                      : Value::FromArray(*batch->column(c), i));
        image.push_back(Value::FromArray(*images[static_cast<size_t>(c)], i));
      }
      e.latest = std::move(row);
      e.latest_image = std::move(image);
      for (size_t a = 0; a < aggregates_.size(); ++a) {
        const Value v = args[a] ? Value::FromArray(*args[a], i) : Value();
        const Value v2 = args2[a] ? Value::FromArray(*args2[a], i) : Value();
        e.accumulators[a].Add(v, v2);
      }
      if (seen.try_emplace(it->second, true).second) touched.push_back(it->second);
    }
  }
  std::vector<const std::vector<Value>*> work;
  for (size_t position : touched) {
    Entry& e = entries_[position];
    std::vector<Value> finished = Finish(e);
    // Compared as images: collated columns by their keys.
    std::vector<Value> image = finished;
    for (size_t c = 0; c < image.size(); ++c) {
      if (images_[c] && !is_aggregate_[c]) image[c] = e.latest_image[c];
    }
    const bool changed = e.finished.empty() || !SameRow(image, e.finished_image);
    e.finished = std::move(finished);
    e.finished_image = std::move(image);
    if (changed) work.push_back(&e.finished);
  }
  if (!distinct_) return candidates;
  if (work.empty()) return {};
  return {ToBatch(work)};
}

std::vector<arrow::RecordBatchPtr> KeyedUnion::Rows() const {
  std::vector<const std::vector<Value>*> rows;
  for (const Entry& e : entries_)
    rows.push_back(&e.finished);
  if (rows.empty()) return {};
  return {ToBatch(rows)};
}

arrow::RecordBatchPtr KeyedUnion::ToBatch(
    const std::vector<const std::vector<Value>*>& rows) const {
  std::vector<arrow::ArrayDataPtr> columns;
  for (int c = 0; c < output_->num_fields(); ++c) {
    auto builder = arrow::MakeBuilder(output_->field(c)->type());
    for (const auto* row : rows)
      execution::AppendValue(builder.get(), (*row)[static_cast<size_t>(c)]);
    columns.push_back(builder->Finish());
  }
  return arrow::RecordBatch::Make(output_, static_cast<int64_t>(rows.size()), std::move(columns));
}

}  // namespace llkv::sql::plan
