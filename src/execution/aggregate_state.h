// Aggregate states as values: DuckDB's agg(...) EXPORT_STATE, finalize()
// and combine(). A query exports a state per group; a later query (over a
// table that stored them, a UNION of partial results, ...) merges states of
// the same aggregate row by row with combine(state, state) and finishes one
// with finalize(state), which gives what the aggregate would have returned
// over all of the rows the states saw.
//
// Type. A state is a STRUCT of one field (arrow::IsAggregateState). The
// field's name describes the aggregate for people and for type equality
// ("avg(INTEGER)", "string_agg(VARCHAR, '|')"): states of different
// aggregates are different types, so a UNION or combine() of them is an
// error. Its metadata (arrow::kAggregateStateMetadata) holds the aggregate
// spec, encoded (the kind, its options and its argument types), from which
// finalize() and combine() rebuild the accumulator. The field's value is the
// state proper, shown and cast as itself: a number (count, sum, bit_and,
// bool_and), a STRUCT of the running figures ({count, mean, dsquared} for
// the variances, {arg, by} for arg_min, ...) or a LIST of the values held
// (median, quantiles, mode, list; ordered aggregates hold their rows with
// their sort keys). The layouts follow DuckDB's where DuckDB documents one.
//
// A state is NULL when no row reached the aggregate (count's is 0), so
// finalize(NULL state) is the aggregate over no rows.
//
// Not exported: DISTINCT aggregates (the state would be the set of values
// seen), arg_min / arg_max with n or nulls_last. Those are Binder Errors.
#pragma once

#include "execution/aggregate.h"

namespace llkv::execution {

// The state type of `spec` (whose export_state is set). Throws a Binder
// Error naming the function when its state cannot be exported.
arrow::TypePtr AggregateStateType(const AggregateSpec& spec);

// The spec a state of type `state_type` (arrow::IsAggregateState) was
// exported from, export_state unset; its argument expressions are NULL
// constants of the argument types (an accumulator does not evaluate them).
// Throws Invalid Input when the encoding is damaged.
AggregateSpec StateSpec(const arrow::DataType& state_type);

// `state` (an expression of the state type's field type) as a state of
// `state_type`: DuckDB's to_aggregate_state. A NULL value is a NULL state.
BoundExprPtr MakeState(BoundExprPtr state, arrow::TypePtr state_type);

}  // namespace llkv::execution
