// Subqueries inside expressions: scalar, EXISTS and IN.
//
// A subquery is planned by the SQL layer for each distinct combination of
// the outer values it references (correlated columns are constants in each
// instantiation); results are memoized per combination, so an uncorrelated
// subquery runs once per statement and a correlated one once per distinct
// outer key. A correlated subquery the SQL layer decorrelated (outer_keys
// set) runs once instead: its rows carry key columns, are hashed by key,
// and each outer row looks its key up (a hash semi-join).
#pragma once

#include <memory>
#include <vector>

#include "execution/operators.h"

namespace llkv::execution {

// kQuantified: x op ANY (subquery) / x op ALL (subquery).
enum class SubqueryKind { kScalar, kExists, kIn, kQuantified };

class SubqueryRunner {
 public:
  virtual ~SubqueryRunner() = default;
  // A plan of the subquery for one outer row (every column of the batch the
  // expression is evaluated over, in order).
  virtual OperatorPtr Plan(const std::vector<Value>& outer_row) = 0;

  // The decorrelated plan: the subquery's columns followed by one column
  // per key (the inner sides of its `inner = outer` conditions).
  virtual OperatorPtr PlanKeyed() { return nullptr; }
  // For a decorrelated aggregating subquery: a plan of it over no rows,
  // whose result outer rows without a matching key get. Null otherwise.
  virtual OperatorPtr PlanEmpty() { return nullptr; }

  SubqueryKind kind = SubqueryKind::kScalar;
  // kScalar: more than one row is an Invalid Input Error (DuckDB's rule);
  // otherwise the first row is the value (SQLite's).
  bool error_on_multiple_rows = false;
  // kQuantified: the comparison (kEqual ... kGreaterEqual) and ALL (else ANY).
  ExprOp quantified_op = ExprOp::kEqual;
  bool quantified_all = false;
  // kIn / kQuantified over a row, (a, b) IN (SELECT x, y ...): the width
  // (>= 2); the subquery's columns are compared as one STRUCT, field by
  // field with SQL's three-valued rules (RowComparison). 0: one column.
  int row_width = 0;
  // kIn / kQuantified over one column: an expression over one column (the
  // subquery's values, of the compared type) giving what is compared in
  // their place, such as a collation key; null: the values themselves.
  BoundExprPtr value_key;
  // Outer columns the subquery reads; empty when it is uncorrelated.
  std::vector<int> correlated_columns;
  // Decorrelated: the outer sides of the keys (over the outer batch) and
  // the types both sides compare in. Empty: planned per outer row.
  std::vector<BoundExprPtr> outer_keys;
  std::vector<arrow::TypePtr> key_types;
  // Decorrelated EXISTS: further comparisons `inner op outer` that a row of
  // the outer row's key must pass. The keyed plan outputs the inner sides
  // after the keys; these are the outer sides (over the outer batch), the
  // types both sides compare in, and the operators.
  std::vector<BoundExprPtr> residual_outer;
  std::vector<arrow::TypePtr> residual_types;
  std::vector<ExprOp> residual_ops;
  // The keyed plan's rows grouped by key, built on first use.
  std::shared_ptr<void> keyed_results;
};

// `x op y` for two rows (STRUCT values of one type) as SQL compares rows:
// = is TRUE when every field is equal, FALSE when one pair differs, else
// unknown (a NULL); <, <=, >, >= decide at the first pair that differs
// (unknown if a NULL comes first). Returns 1 (TRUE), 0 (FALSE) or -1.
int RowComparison(ExprOp op, const Value& x, const Value& y);

// How many times subquery plans were run in this process (per outer key
// when correlated, once when uncorrelated or decorrelated): a diagnostic
// for tests and EXPLAIN ANALYZE.
uint64_t SubqueryRuns();

// Evaluates a subquery expression over `input`. For kIn, `test` holds the
// left operand's values; `negated` gives NOT EXISTS / NOT IN. `type` is the
// scalar subquery's result type.
arrow::ArrayDataPtr EvaluateSubquery(SubqueryRunner& runner, const arrow::RecordBatch& input,
                                     const arrow::ArrayData* test, bool negated,
                                     const arrow::TypePtr& type, bool incomparable = false);

}  // namespace llkv::execution
