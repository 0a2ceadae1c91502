// Grouped aggregation: a hash aggregate over group keys with SQL's
// aggregate functions.
//
// Semantics (SQLite's and DuckDB's, where they agree):
//   * NULL inputs are ignored by every function but count(*);
//   * count returns 0 on no input; sum, avg, min, max and group_concat
//     return NULL; total returns 0.0;
//   * sum of integers is an integer and an "Out of Range Error" on int64
//     overflow; sum of reals and avg are double;
//   * DISTINCT feeds each distinct non-null value once per group;
//   * without group keys there is exactly one output row, even for empty
//     input; with keys, one row per group, in order of first appearance.
#pragma once

#include <string>
#include <vector>

#include "execution/operators.h"

namespace llkv::execution {

// kAnyValue yields the value of the group's first row: SQLite's meaning of
// a column that is neither grouped nor aggregated.
enum class AggKind { kCountStar, kCount, kSum, kAvg, kMin, kMax, kTotal, kGroupConcat, kAnyValue };

struct AggregateSpec {
  AggKind kind = AggKind::kCountStar;
  BoundExprPtr arg;  // over the input; null for count(*)
  bool distinct = false;
  std::string separator = ",";  // group_concat
  std::string name;             // output column name
};

// The result type of `kind` applied to `arg_type` (null for count(*)).
arrow::TypePtr AggregateType(AggKind kind, const arrow::TypePtr& arg_type);

// Output: the group keys (named `key_names`), then one column per aggregate.
OperatorPtr MakeHashAggregate(OperatorPtr input, std::vector<BoundExprPtr> keys,
                              std::vector<std::string> key_names,
                              std::vector<AggregateSpec> aggregates);

}  // namespace llkv::execution
