// Access paths: whether a base table is read by a full scan or through one
// of its indexes, chosen from the WHERE conjuncts that compare a column
// with a constant.
#pragma once

#include <memory>
#include <vector>

#include "execution/operators.h"
#include "execution/value.h"
#include "runtime/database.h"

namespace llkv::sql {

// `column op value`, with `column` a position in the table's columns and
// `value` a non-null constant. kEqual with several `values` is an IN list.
struct ColumnPredicate {
  size_t column = 0;
  execution::ExprOp op = execution::ExprOp::kEqual;
  std::vector<execution::Value> values;
};

// An index lookup producing the table's rows that may satisfy
// `predicates` (a superset of those that do: the caller still filters),
// shaped as MakeTableScan(table, columns, with_row_id) would; or null when
// no index applies or a full scan is cheaper. Equality on an index's first
// column always pays; a range pays when it selects under a quarter of the
// table.
execution::OperatorPtr ChooseIndexScan(runtime::Database& db,
                                       const std::shared_ptr<table::Table>& table,
                                       const std::vector<size_t>& columns, bool with_row_id,
                                       const std::vector<ColumnPredicate>& predicates);

// A predicate among `predicates` the column store can apply while scanning
// (skipping chunks by their min/max and dropping rows), when one compares a
// column with a constant of the same kind (integers with integers, reals
// with reals, text with text), so that the store's comparison is exactly
// SQL's; nullopt otherwise.
std::optional<table::Table::ScanFilter> ChooseScanFilter(
    const table::Table& table, const std::vector<ColumnPredicate>& predicates);

}  // namespace llkv::sql
