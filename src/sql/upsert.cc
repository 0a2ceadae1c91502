#include "sql/upsert.h"

#include "common/bit_util.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"
#include "runtime/constraints.h"
#include "sql/binder.h"
#include "sql/table_rules.h"

namespace llkv::sql {

using namespace plan;

int64_t Upsert(runtime::Database& db, const std::shared_ptr<table::Table>& t,
               const arrow::RecordBatch& rows, const InsertStatement& s,
               const runtime::Database::Index& target, const RowWriter& writer) {
  const auto& def = t->def();
  const auto n_cols = def.columns.size();
  // The existing row's columns, then the proposed row's as `excluded`.
  Scope scope;
  for (size_t i = 0; i < n_cols; ++i) {
    scope.push_back({s.alias.empty() ? ShortName(def.name) : s.alias, def.columns[i].name,
                     static_cast<int>(i), def.columns[i].type, false, true,
                     ColumnCollation(*t, i)});
  }
  for (size_t i = 0; i < n_cols; ++i) {
    scope.push_back({"excluded", def.columns[i].name, static_cast<int>(n_cols + i),
                     def.columns[i].type, /*qualified_only=*/true, true, ColumnCollation(*t, i)});
  }
  Binder binder(scope, nullptr, false, &db, nullptr);
  std::vector<size_t> set_columns;
  std::vector<execution::BoundExprPtr> set_values;
  for (const auto& item : s.conflict_set) {
    auto c = def.FindColumn(item.column);
    if (!c) {
      Fail(ErrorKind::kBinder, "Table \"{}\" does not have a column named \"{}\"", def.name,
           item.column);
    }
    auto value = BindSetValue(binder, *item.value, db, *t, *c);
    auto previous = std::find(set_columns.begin(), set_columns.end(), *c);
    if (previous != set_columns.end()) {
      set_values[static_cast<size_t>(previous - set_columns.begin())] = std::move(value);
    } else {
      set_columns.push_back(*c);
      set_values.push_back(std::move(value));
    }
  }
  execution::BoundExprPtr where;
  if (s.conflict_where) where = binder.Condition(*s.conflict_where);

  std::vector<size_t> all(n_cols);
  for (size_t i = 0; i < n_cols; ++i)
    all[i] = i;
  const std::vector<size_t> key_columns = runtime::Database::IndexColumns(*t, target);
  const auto data = db.IndexData(target);
  std::vector<arrow::FieldPtr> combined_fields;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& c : def.columns)
      combined_fields.push_back(arrow::field(c.name, c.type));
  }
  auto combined_schema = std::make_shared<arrow::Schema>(std::move(combined_fields));
  int64_t changed = 0;
  std::string key;
  for (int64_t i = 0; i < rows.num_rows(); ++i) {
    std::vector<arrow::ArrayDataPtr> proposed;
    for (const auto& c : rows.columns())
      proposed.push_back(arrow::Take(*c, std::vector<int64_t>{i}));
    auto row = arrow::RecordBatch::Make(rows.schema(), 1, proposed);
    std::vector<arrow::ArrayDataPtr> key_values;
    for (size_t c : key_columns)
      key_values.push_back(proposed[c]);
    key.clear();
    std::optional<uint64_t> existing;
    if (runtime::OrderedIndex::EncodeKey(key_values, 0, &key)) {
      const auto live = runtime::LiveRows(db, *t, writer.txn, data->Equal(key), "insert");
      if (!live.empty()) existing = live.back();
    }
    if (!existing) {
      runtime::CheckUnique(db, t, writer.txn, {row}, {});
      writer.append(t, *row);
      ++changed;
      continue;
    }
    const uint64_t id = *existing;
    std::vector<arrow::ArrayDataPtr> columns = t->Fetch(all, std::span<const uint64_t>(&id, 1));
    std::vector<arrow::ArrayDataPtr> both = columns;
    both.insert(both.end(), proposed.begin(), proposed.end());
    const arrow::RecordBatch input(combined_schema, 1, both);
    if (where) {
      const auto keep = execution::Evaluate(*where, input);
      if (!keep->IsValid(0) || !bit_util::GetBit(keep->buffers[1]->data(), keep->offset)) continue;
    }
    for (size_t k = 0; k < set_columns.size(); ++k)
      columns[set_columns[k]] = execution::Evaluate(*set_values[k], input);
    auto updated =
        ComputeGenerated(db, *t, arrow::RecordBatch::Make(rows.schema(), 1, std::move(columns)));
    runtime::CheckUnique(db, t, writer.txn, {updated}, std::span<const uint64_t>(&id, 1));
    writer.append(t, *updated);
    ApplyReferentialActions(db, t, std::span<const uint64_t>(&id, 1), updated.get(), writer);
    writer.remove(t, std::span<const uint64_t>(&id, 1));
    ++changed;
  }
  return changed;
}

}  // namespace llkv::sql
