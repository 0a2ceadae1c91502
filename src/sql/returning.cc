#include "sql/returning.h"

#include <algorithm>

#include "execution/expression.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"
#include "sql/binder.h"
#include "sql/planner_internal.h"
#include "sql/table_rules.h"

namespace llkv::sql {

using namespace plan;

StatementResult ReturningRows(const std::vector<SelectItem>& items,
                              const std::shared_ptr<table::Table>& t, const std::string& alias,
                              std::span<const uint64_t> row_ids, runtime::Database& db,
                              int64_t rows_changed) {
  const auto& def = t->def();
  std::vector<size_t> all(def.columns.size());
  Scope scope;
  std::vector<arrow::FieldPtr> fields;
  for (size_t i = 0; i < all.size(); ++i) {
    all[i] = i;
    scope.push_back({alias.empty() ? ShortName(def.name) : alias, def.columns[i].name,
                     static_cast<int>(i), def.columns[i].type, false, true,
                     ColumnCollation(*t, i)});
    fields.push_back(arrow::field(def.columns[i].name, def.columns[i].type, true));
  }
  // Fetch wants ascending ids; the rows come back in the order written.
  std::vector<uint64_t> sorted(row_ids.begin(), row_ids.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> order(row_ids.size());
  for (size_t i = 0; i < row_ids.size(); ++i) {
    order[i] = std::lower_bound(sorted.begin(), sorted.end(), row_ids[i]) - sorted.begin();
  }
  std::vector<arrow::ArrayDataPtr> columns;
  for (auto& c : t->Fetch(all, sorted))
    columns.push_back(arrow::Take(*c, order));
  const auto rows =
      arrow::RecordBatch::Make(std::make_shared<arrow::Schema>(std::move(fields)),
                               static_cast<int64_t>(row_ids.size()), std::move(columns));
  Binder binder(scope, nullptr, false, &db);
  std::vector<arrow::FieldPtr> out_fields;
  std::vector<arrow::ArrayDataPtr> out_columns;
  auto add = [&](const std::string& name, const execution::BoundExpr& e) {
    out_fields.push_back(arrow::field(name, e.type, true));
    out_columns.push_back(execution::Evaluate(e, *rows));
  };
  for (const auto& item : items) {
    if (item.expr->kind == ExprKind::kStar) {
      const Expr& star = *item.expr;
      for (const auto& qualified : star.star_exclude) {
        const std::string& name = qualified.back();
        if (!def.FindColumn(name)) {
          Fail(ErrorKind::kBinder, "Column \"{}\" in EXCLUDE list not found in {}", name, def.name);
        }
      }
      for (const auto& name : star.star_replace) {
        if (!def.FindColumn(name)) {
          Fail(ErrorKind::kBinder, "Column \"{}\" in REPLACE list not found in {}", name, def.name);
        }
      }
      for (size_t i = 0; i < all.size(); ++i) {
        const std::string& name = def.columns[i].name;
        auto named = [&](const std::string& n) { return EqualsIgnoreCase(n, name); };
        if (std::any_of(star.star_exclude.begin(), star.star_exclude.end(),
                        [&](const auto& q) { return named(q.back()); })) {
          continue;
        }
        const auto r = std::find_if(star.star_replace.begin(), star.star_replace.end(), named);
        if (r != star.star_replace.end()) {
          add(name, *binder.Bind(*star.args[static_cast<size_t>(r - star.star_replace.begin())]));
        } else {
          add(name, *execution::ColumnRef(static_cast<int>(i), def.columns[i].type));
        }
      }
      continue;
    }
    add(ColumnName(item), *binder.Bind(*item.expr));
  }
  StatementResult out;
  out.schema = std::make_shared<arrow::Schema>(std::move(out_fields));
  out.batches.push_back(
      arrow::RecordBatch::Make(out.schema, rows->num_rows(), std::move(out_columns)));
  out.rows_changed = rows_changed;
  return out;
}

}  // namespace llkv::sql
