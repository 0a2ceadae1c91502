// LATERAL joins: a subquery in FROM that reads the columns of the FROM items
// before it is planned once per distinct combination of the values it
// reads (as a correlated subquery in an expression is) and its rows are
// paired with each left row that has those values.
#pragma once

#include <memory>

#include "execution/join.h"
#include "execution/subquery.h"

namespace llkv::execution {

// For each row of `left`, the rows `runner` plans for it (its outer row is
// the left row), as left columns followed by columns of `right_schema`.
// With `condition` (over the joined row; null: none), only pairs for which
// it is TRUE. With kind kLeft, a left row that pairs with nothing is kept
// once with NULLs on the right; kInner drops it. Results are memoized by
// the values of runner->correlated_columns (one result when it is empty).
OperatorPtr MakeLateralJoin(OperatorPtr left, std::shared_ptr<SubqueryRunner> runner,
                            arrow::SchemaPtr right_schema, JoinKind kind, BoundExprPtr condition);

}  // namespace llkv::execution
