// Subqueries inside expressions: scalar, EXISTS and IN.
//
// A subquery is planned by the SQL layer for each distinct combination of
// the outer values it references (correlated columns are constants in each
// instantiation); results are memoized per combination, so an uncorrelated
// subquery runs once per statement and a correlated one once per distinct
// outer key. (Decorrelation into joins is a later optimisation.)
#pragma once

#include <memory>
#include <vector>

#include "execution/operators.h"

namespace llkv::execution {

enum class SubqueryKind { kScalar, kExists, kIn };

class SubqueryRunner {
 public:
  virtual ~SubqueryRunner() = default;
  // A plan of the subquery for one outer row (every column of the batch the
  // expression is evaluated over, in order).
  virtual OperatorPtr Plan(const std::vector<Value>& outer_row) = 0;

  SubqueryKind kind = SubqueryKind::kScalar;
  // Outer columns the subquery reads; empty when it is uncorrelated.
  std::vector<int> correlated_columns;
};

// Evaluates a subquery expression over `input`. For kIn, `test` holds the
// left operand's values; `negated` gives NOT EXISTS / NOT IN. `type` is the
// scalar subquery's result type.
arrow::ArrayDataPtr EvaluateSubquery(SubqueryRunner& runner, const arrow::RecordBatch& input,
                                     const arrow::ArrayData* test, bool negated,
                                     const arrow::TypePtr& type, bool incomparable = false);

}  // namespace llkv::execution
