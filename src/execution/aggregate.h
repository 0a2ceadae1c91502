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

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "execution/operators.h"

namespace llkv::execution {

// kAnyValue yields the value of the group's first row, NULL included:
// SQLite's meaning of a column that is neither grouped nor aggregated, and
// DuckDB's first(); kLast the last row's; kAnyNonNull the first non-NULL
// value (DuckDB's any_value).
enum class AggKind {
  kCountStar,
  kCount,
  kSum,
  kAvg,
  kMin,
  kMax,
  kTotal,
  kGroupConcat,
  kAnyValue,
  kAnyNonNull,
  kLast,
  kStddevSamp,  // sample standard deviation (n - 1); NULL for fewer than 2 values
  kStddevPop,
  kVarSamp,
  kVarPop,
  kBoolAnd,
  kBoolOr,
  kProduct,
  kMedian,        // numbers: the interpolated middle; other types: the lower middle
  kQuantileCont,  // `fraction`: interpolated
  kQuantileDisc,  // `fraction`: the value at floor((n - 1) * fraction) in order
  kMode,          // the most frequent value (the first seen among ties)
  kArgMin,        // arg at the row where arg2 is least (arg2 non-NULL)
  kArgMax,
  kBitAnd,
  kBitOr,
  kBitXor,
  kMad,          // median absolute deviation from the median (numbers)
  kSkewness,     // sample skewness; NULL for fewer than 3 values
  kKurtosis,     // sample excess kurtosis; NULL for fewer than 4 values
  kKurtosisPop,  // population excess kurtosis
  kCovarPop,     // arg y, arg2 x: population covariance (rows with both non-NULL)
  kCovarSamp,
  kCorr,  // Pearson correlation
  kList,  // array_agg / list: every value, NULLs included, as a LIST
  // SQL's linear regression of y (arg) on x (arg2), over rows with both
  // non-NULL: regr_count, the means, slope, intercept, R², and the sums of
  // squares and of products of deviations.
  kRegrCount,
  kRegrAvgX,
  kRegrAvgY,
  kRegrSlope,
  kRegrIntercept,
  kRegrR2,
  kRegrSxx,
  kRegrSyy,
  kRegrSxy,
  kKahanSum,       // fsum / sumkahan / kahan_sum: a compensated (Kahan-Babuska) DOUBLE sum
  kKahanAvg,       // favg: the compensated sum over the count
  kSem,            // standard error of the mean: stddev_pop / sqrt(n)
  kEntropy,        // Shannon entropy (base 2) of the values' frequencies
  kWeightedAvg,    // weighted_avg(x, w): sum(x * w) / sum(w) over rows with both
  kDecimalAvg,     // decimal_average: a DECIMAL's exact mean in its own type, ties to even
  kGeoMean,        // geomean: the geometric mean, exp of the mean of the logarithms
  kCombineStates,  // combine_aggr: aggregate states (aggregate_state.h) merged into one
  // approx_top_k(x, k): the top_n most frequent values, most frequent
  // first (ties: the first seen first), exactly.
  kApproxTopK,
  // histogram(x): a MAP of each distinct value to its count, by value.
  // With `bins` (histogram(x, bins), histogram_exact(x, bins)): each bin to
  // the count of values in it; values in none count in the type's "other"
  // bin (HistogramOtherBin), shown when not empty.
  kHistogram,
  // bitstring_agg(x[, min, max]): a BIT string with bit x - min set for
  // each integer x; min and max are `bins` (two values) or the input's own.
  kBitstringAgg,
};

// Whether `kind` aggregates (y, x) pairs of numbers (covariance,
// correlation, regression).
bool IsPairedNumeric(AggKind kind);

struct AggregateSpec {
  AggKind kind = AggKind::kCountStar;
  BoundExprPtr arg;   // over the input; null for count(*)
  BoundExprPtr arg2;  // kArgMin / kArgMax: the value compared
  // kArgMin / kArgMax as arg_min_null / arg_max_null: a row whose arg is
  // NULL counts too (its NULL can be the result).
  bool keep_null_arg = false;
  // arg_min_nulls_last / arg_max_nulls_last: rows whose arg2 is NULL count
  // too, ordered after every value (with keep_null_arg).
  bool nulls_last = false;
  // arg_min(x, y, n), arg_max(x, y, n): the n values of the least
  // (greatest) keys, as a LIST in key order; 0: one value. approx_top_k's k.
  int64_t top_n = 0;
  bool distinct = false;
  std::string separator = ",";    // group_concat
  double fraction = 0.5;          // quantiles
  std::vector<double> fractions;  // quantiles over a list: one result each, as a LIST
  // kHistogram with bins: their bounds, ascending and distinct, of arg's
  // type. A value counts in the first bin >= it (exact_bins: equal to it).
  std::vector<Value> bins;
  bool exact_bins = false;
  // Quantiles and median over the values in descending order (quantile(x,
  // f ORDER BY x DESC), percentile_disc(f) WITHIN GROUP (ORDER BY x DESC)).
  bool values_descending = false;
  // agg(x ORDER BY ...): the values are fed in this order (over the input).
  std::vector<SortKey> order_by;
  // FILTER (WHERE ...) of a kind that reads NULLs (first, last, list):
  // rows where it is not true are skipped. (Other kinds bind FILTER as
  // CASE WHEN cond THEN arg END, a NULL they skip.)
  BoundExprPtr filter;
  std::string name;  // output column name
  // agg(...) EXPORT_STATE: the result is the aggregate's state, a value
  // finalize() finishes and combine() merges (aggregate_state.h).
  bool export_state = false;
};

// histogram's bin for the values in no other bin: the largest value of
// `type` (an infinity for reals, dates and timestamps), '' for text, [] for
// lists, such a struct for structs.
Value HistogramOtherBin(const arrow::TypePtr& type);

// The results of kHistogram and kBitstringAgg (of `type`) over `values`,
// the group's non-NULL arguments (at least one) (aggregate_sets.cc).
Value HistogramOf(const AggregateSpec& spec, const std::vector<Value>& values,
                  const arrow::TypePtr& type);
Value BitstringOf(const AggregateSpec& spec, const std::vector<Value>& values,
                  const arrow::TypePtr& type);

// Whether `t` is a DECIMAL with a fractional part, whose median and
// quantile_cont interpolate in its own type (a scale of 0, HUGEINT among
// them, interpolates as a DOUBLE, as integers do).
bool IsFractionalDecimal(const arrow::DataType& t);

// Whether `kind` reads NULL arguments too (the others skip them).
bool TakesNulls(AggKind kind);

// Whether `kind` aggregates numbers as DOUBLEs into a DOUBLE (stddev,
// variance, product, quantile_cont, mad, skewness, kurtosis, covariance,
// corr): the binder casts its arguments.
bool TakesDoubles(AggKind kind);

// The SQL name of `kind` ("count_star", "sum", "quantile_cont", ...).
const char* AggKindName(AggKind kind);

// The result type of `kind` applied to `arg_type` (null for count(*)).
arrow::TypePtr AggregateType(AggKind kind, const arrow::TypePtr& arg_type);
// The result type of `spec` (a LIST for quantiles over a list of fractions).
arrow::TypePtr AggregateType(const AggregateSpec& spec);

// One aggregate's running state over values fed one at a time.
class Accumulator {
 public:
  explicit Accumulator(const AggregateSpec& spec) : spec_(&spec) {}
  // Feeds one row: its argument value (ignored for count(*)) and, for
  // kArgMin / kArgMax, the compared value; `keys` are its ORDER BY values
  // (the row is held until Finish when the spec orders its input).
  void Add(const Value& v, const Value& v2 = Value(), std::vector<Value> keys = {});
  // The aggregate's value, of `type` (AggregateType); with export_state,
  // its state (ExportState).
  Value Finish(const arrow::TypePtr& type);
  // The state fed so far, as a value of `state_type` (AggregateStateType):
  // NULL when nothing was fed (count's state is then 0).
  Value ExportState(const arrow::TypePtr& state_type) const;
  // Merges an exported state's (non-null) field into this state, as if
  // its rows had been fed here after the rows fed so far.
  void MergeState(const Value& state);

 private:
  void Feed(const Value& v, const Value& v2);

  const AggregateSpec* spec_;
  int64_t count_ = 0;
  int64_t int_sum_ = 0;
  int64_t day_sum_ = 0;  // avg of intervals: the days (int_sum_ the months, decimal_sum_ the nanos)
  arrow::Decimal128 decimal_sum_ = 0;  // unscaled, in the argument's scale
  int arg_decimal_scale_ = -1;         // that scale (-1: not a DECIMAL argument)
  double sum_ = 0, mean_ = 0, m2_ = 0, product_ = 1;
  double compensation_ = 0;  // Kahan-Babuska: the low-order part of sum_
  // Skewness and kurtosis: sums of powers. Covariance: the means, the
  // co-moment and x's and y's second moments, updated as Welford does.
  long double power_sums_[4] = {0, 0, 0, 0};
  double mean_x_ = 0, mean_y_ = 0, co_moment_ = 0, m2_x_ = 0, m2_y_ = 0;
  bool flag_ = false;  // bool_and / bool_or
  Value best_, best_key_;
  std::string text_;
  absl::flat_hash_set<std::string> seen_;  // DISTINCT
  std::vector<Value> values_;              // quantiles, median, mode, top n
  std::vector<Value> top_keys_;            // top n of arg_min / arg_max: the keys
  struct Pending {
    Value v, v2;
    std::vector<Value> keys;
  };
  std::vector<Pending> pending_;  // ORDER BY inside the call
  // kCombineStates: the states' own aggregate, and the state merged so far.
  std::shared_ptr<const AggregateSpec> state_spec_;
  std::shared_ptr<Accumulator> merged_;
};

// Output: the group keys (named `key_names`), then one column per aggregate.
OperatorPtr MakeHashAggregate(OperatorPtr input, std::vector<BoundExprPtr> keys,
                              std::vector<std::string> key_names,
                              std::vector<AggregateSpec> aggregates);

}  // namespace llkv::execution
