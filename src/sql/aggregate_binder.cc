// Aggregate calls (in GROUP BY queries and as window functions) bound to
// execution::AggregateSpec: the function by name, its argument's type
// rules, DISTINCT, FILTER (WHERE ...) and ORDER BY inside the call.
#include <algorithm>
#include <cmath>

#include "execution/aggregate.h"
#include "execution/aggregate_state.h"
#include "execution/expression.h"
#include "execution/scalar_function.h"
#include "llkv/common/error.h"
#include "sql/binder.h"
#include "sql/collation.h"
#include "sql/parser.h"
#include "sql/planner_internal.h"
#include "sql/settings.h"

namespace llkv::sql::plan {

namespace {

using execution::AggKind;

struct AggregateName {
  const char* name;
  AggKind kind;
  size_t min_args, max_args;
};

constexpr AggregateName kAggregates[] = {
    {"count", AggKind::kCount, 0, 1},
    {"count_star", AggKind::kCountStar, 0, 0},
    {"sum", AggKind::kSum, 1, 1},
    {"avg", AggKind::kAvg, 1, 1},
    {"mean", AggKind::kAvg, 1, 1},
    {"min", AggKind::kMin, 1, 1},
    {"max", AggKind::kMax, 1, 1},
    {"total", AggKind::kTotal, 1, 1},
    {"group_concat", AggKind::kGroupConcat, 1, 2},
    {"string_agg", AggKind::kGroupConcat, 1, 2},
    {"listagg", AggKind::kGroupConcat, 1, 2},
    {"first", AggKind::kAnyValue, 1, 1},
    {"arbitrary", AggKind::kAnyValue, 1, 1},
    {"last", AggKind::kLast, 1, 1},
    {"any_value", AggKind::kAnyNonNull, 1, 1},
    {"stddev", AggKind::kStddevSamp, 1, 1},
    {"stddev_samp", AggKind::kStddevSamp, 1, 1},
    {"stddev_pop", AggKind::kStddevPop, 1, 1},
    {"variance", AggKind::kVarSamp, 1, 1},
    {"var_samp", AggKind::kVarSamp, 1, 1},
    {"var_pop", AggKind::kVarPop, 1, 1},
    {"bool_and", AggKind::kBoolAnd, 1, 1},
    {"bool_or", AggKind::kBoolOr, 1, 1},
    {"every", AggKind::kBoolAnd, 1, 1},
    {"product", AggKind::kProduct, 1, 1},
    {"median", AggKind::kMedian, 1, 1},
    {"quantile_cont", AggKind::kQuantileCont, 2, 2},
    {"quantile_disc", AggKind::kQuantileDisc, 2, 2},
    {"quantile", AggKind::kQuantileDisc, 2, 2},
    {"mode", AggKind::kMode, 1, 1},
    {"arg_min", AggKind::kArgMin, 2, 3},
    {"arg_min_null", AggKind::kArgMin, 2, 2},
    {"arg_max_null", AggKind::kArgMax, 2, 2},
    {"arg_min_nulls_last", AggKind::kArgMin, 2, 3},
    {"arg_max_nulls_last", AggKind::kArgMax, 2, 3},
    {"argmin", AggKind::kArgMin, 2, 3},
    {"min_by", AggKind::kArgMin, 2, 3},
    {"arg_max", AggKind::kArgMax, 2, 3},
    {"argmax", AggKind::kArgMax, 2, 3},
    {"max_by", AggKind::kArgMax, 2, 3},
    {"bit_and", AggKind::kBitAnd, 1, 1},
    {"bit_or", AggKind::kBitOr, 1, 1},
    {"bit_xor", AggKind::kBitXor, 1, 1},
    {"mad", AggKind::kMad, 1, 1},
    {"skewness", AggKind::kSkewness, 1, 1},
    {"kurtosis", AggKind::kKurtosis, 1, 1},
    {"kurtosis_pop", AggKind::kKurtosisPop, 1, 1},
    {"covar_pop", AggKind::kCovarPop, 2, 2},
    {"covar_samp", AggKind::kCovarSamp, 2, 2},
    {"corr", AggKind::kCorr, 2, 2},
    {"regr_count", AggKind::kRegrCount, 2, 2},
    {"regr_avgx", AggKind::kRegrAvgX, 2, 2},
    {"regr_avgy", AggKind::kRegrAvgY, 2, 2},
    {"regr_slope", AggKind::kRegrSlope, 2, 2},
    {"regr_intercept", AggKind::kRegrIntercept, 2, 2},
    {"regr_r2", AggKind::kRegrR2, 2, 2},
    {"regr_sxx", AggKind::kRegrSxx, 2, 2},
    {"regr_syy", AggKind::kRegrSyy, 2, 2},
    {"regr_sxy", AggKind::kRegrSxy, 2, 2},
    {"list", AggKind::kList, 1, 1},
    {"array_agg", AggKind::kList, 1, 1},
    {"decimal_average", AggKind::kDecimalAvg, 1, 1},
    {"fsum", AggKind::kKahanSum, 1, 1},
    {"sumkahan", AggKind::kKahanSum, 1, 1},
    {"kahan_sum", AggKind::kKahanSum, 1, 1},
    {"favg", AggKind::kKahanAvg, 1, 1},
    {"sem", AggKind::kSem, 1, 1},
    {"entropy", AggKind::kEntropy, 1, 1},
    {"weighted_avg", AggKind::kWeightedAvg, 2, 2},
    {"geomean", AggKind::kGeoMean, 1, 1},
    {"geometric_mean", AggKind::kGeoMean, 1, 1},
    {"count_if", AggKind::kCount, 1, 1},  // the rows where the condition is true
    {"countif", AggKind::kCount, 1, 1},
    {"wavg", AggKind::kWeightedAvg, 2, 2},
    {"combine_aggr", AggKind::kCombineStates, 1, 1},
    {"approx_top_k", AggKind::kApproxTopK, 2, 2},
    {"histogram", AggKind::kHistogram, 1, 2},
    {"histogram_exact", AggKind::kHistogram, 2, 2},
    {"bitstring_agg", AggKind::kBitstringAgg, 1, 3},
    // Exact answers are within any approximation's bounds: the count of
    // distinct values, and the quantile of the sorted values.
    {"approx_count_distinct", AggKind::kCount, 1, 1},
    {"approx_quantile", AggKind::kQuantileDisc, 2, 2},
    {"reservoir_quantile", AggKind::kQuantileDisc, 2, 3},
};

const AggregateName* FindAggregate(const std::string& name) {
  for (const auto& a : kAggregates) {
    if (name == a.name) return &a;
  }
  return nullptr;
}

}  // namespace

void RefuseNamedArguments(const Expr& call, const std::string& name) {
  for (const std::string& n : call.arg_names) {
    if (!n.empty()) {
      Fail(ErrorKind::kBinder, "{}() does not take named arguments (\"{}\" := ...)", name, n);
    }
  }
}

execution::SortKey BindSortKey(const OrderItem& o, Binder& binder) {
  execution::SortKey key;
  key.expr = SortKeyOf(binder.Bind(*o.expr));
  key.descending = Descending(o);
  key.nulls_first = o.nulls == NullOrder::kDefault ? CurrentSettings().NullsFirst(key.descending)
                                                   : o.nulls == NullOrder::kFirst;
  return key;
}

bool IsAggregateName(const std::string& name, size_t args) {
  // min(a, b, ...) and max(a, b, ...) with several arguments are SQLite's
  // scalar functions.
  if ((name == "min" || name == "max") && args > 1) return false;
  return FindAggregate(name) != nullptr;
}

execution::AggregateSpec BindAggregate(const Expr& call, Binder& binder) {
  execution::AggregateSpec spec;
  const std::string n = Lower(call.names.back());
  const AggregateName* found = FindAggregate(n);
  if (!found) Fail(ErrorKind::kCatalog, "{}() is not an aggregate function", n);
  RefuseNamedArguments(call, n);
  // (sum(sum(x)) OVER () is fine: a window over the grouped rows.)
  for (const auto& a : call.args) {
    if (call.window) break;
    std::vector<const Expr*> nested;
    CollectAggregates(*a, &nested);
    if (!nested.empty()) {
      Fail(ErrorKind::kBinder, "aggregate function calls cannot be nested: {}() inside {}()",
           Lower(nested[0]->names.back()), n);
    }
  }
  spec.kind = found->kind;
  spec.nulls_last = n == "arg_min_nulls_last" || n == "arg_max_nulls_last";
  spec.keep_null_arg = n == "arg_min_null" || n == "arg_max_null" || spec.nulls_last;
  // arg_min(x, y, n): the top n as a LIST. (min(x, n) is not taken: two
  // arguments make SQLite's scalar min.)
  const bool by_arg = spec.kind == AggKind::kArgMin || spec.kind == AggKind::kArgMax;
  const bool top_k = spec.kind == AggKind::kApproxTopK && call.args.size() == 2;
  if ((by_arg && call.args.size() == 3) || top_k) {
    const char* what = top_k ? "approx_top_k" : "arg_min/arg_max";
    Value v;
    try {
      v = EvaluateConstant(*call.args.back());
    } catch (const Error&) {
      if (IsConstant(*call.args.back())) throw;
      Fail(ErrorKind::kBinder, "{}(): its {} must be a constant expression, not {}", n,
           top_k ? "k" : "n", call.args.back()->ToString());
    }
    const char* which = top_k ? "k" : "n";
    if (v.is_null())
      Fail(ErrorKind::kInvalidInput, "Invalid input for {}: {} value cannot be NULL", what, which);
    if (!v.type()->is_integer()) {
      Fail(ErrorKind::kInvalidInput, "Invalid input for {}: {} value must be an integer, not {}",
           what, which, v.ToString());
    }
    if (v.int64() <= 0)
      Fail(ErrorKind::kInvalidInput, "Invalid input for {}: {} value must be > 0", what, which);
    if (v.int64() >= 1000000) {
      Fail(ErrorKind::kInvalidInput, "Invalid input for {}: {} value must be < 1000000", what,
           which);
    }
    spec.top_n = v.int64();
  }
  spec.distinct = call.distinct || n == "approx_count_distinct";
  spec.name = call.ToString();
  if (call.star_arg || (n == "count" && call.args.empty())) {  // count() is count(*) (DuckDB)
    if (n != "count") Fail(ErrorKind::kBinder, "{}(*) is not an aggregate function", n);
    spec.kind = AggKind::kCountStar;
  } else if (call.args.size() < std::max<size_t>(found->min_args, 1) &&
             spec.kind != AggKind::kCountStar) {
    Fail(ErrorKind::kBinder,
         "No function matches the given name and argument types '{}()': it takes {} argument{}", n,
         found->min_args == 2 ? "two" : "one", found->min_args == 2 ? "s" : "");
  }
  if (call.args.size() > found->max_args) {
    Fail(ErrorKind::kBinder,
         "No function matches the given name and argument types '{}(...)': it takes at most {} "
         "argument{}",
         n, found->max_args, found->max_args == 1 ? "" : "s");
  }
  if (!call.args.empty()) {
    BoundExprPtr arg = binder.Bind(*call.args[0]);
    if (n == "count_if" || n == "countif") {
      std::vector<BoundExprPtr> when;
      when.push_back(binder.Condition(*call.args[0]));
      when.push_back(execution::Constant(Value::Int64(1)));
      arg = execution::Call(ExprOp::kCase, arrow::int64(), std::move(when));
    }
    // sum of booleans counts the true ones (DuckDB).
    if (spec.kind == AggKind::kSum && arg->type->id() == arrow::TypeId::kBool)
      arg = execution::CastTo(std::move(arg), arrow::int64());
    const auto id = arg->type->id();
    const bool numeric = IsNumeric(*arg->type) || id == arrow::TypeId::kNull;
    switch (spec.kind) {
      case AggKind::kSum:
      case AggKind::kAvg:
      case AggKind::kTotal:
        if (id == arrow::TypeId::kUtf8) {
          // Text is summed as the number it starts with (SQLite).
          std::vector<BoundExprPtr> args;
          args.push_back(std::move(arg));
          arg = execution::Call(ExprOp::kTextToReal, arrow::float64(), std::move(args));
        } else if (spec.kind == AggKind::kAvg &&
                   (id == arrow::TypeId::kDate32 || id == arrow::TypeId::kTimestamp ||
                    id == arrow::TypeId::kTime64 || id == arrow::TypeId::kIntervalMonthDayNano)) {
          // The mean instant, time of day or interval (a date's: a timestamp).
          if (id == arrow::TypeId::kDate32)
            arg = execution::CastTo(std::move(arg), arrow::timestamp());
        } else if (!numeric) {
          Fail(ErrorKind::kBinder, "No function matches {}({})", n, arg->type->ToString());
        }
        break;
      case AggKind::kDecimalAvg:
        if (id != arrow::TypeId::kDecimal128 && id != arrow::TypeId::kNull) {
          Fail(ErrorKind::kBinder, "No function matches the given name and argument types '{}({})'",
               n, execution::SqlTypeName(*arg->type));
        }
        break;
      case AggKind::kMedian:
      case AggKind::kQuantileCont:
        // Dates, timestamps and times interpolate in their own type (a date
        // as its midnight): the median of two days is the noon between them.
        // Intervals: median only (DuckDB has no quantile_cont of them).
        if (id == arrow::TypeId::kDate32 || id == arrow::TypeId::kTimestamp ||
            id == arrow::TypeId::kTime64 ||
            (id == arrow::TypeId::kIntervalMonthDayNano && spec.kind == AggKind::kMedian)) {
          if (id == arrow::TypeId::kDate32)
            arg = execution::CastTo(std::move(arg), arrow::timestamp());
          break;
        }
        if (spec.kind == AggKind::kMedian) break;
        if (!numeric) {
          Fail(ErrorKind::kBinder, "No function matches {}({})", n, arg->type->ToString());
        }
        // A DECIMAL interpolates in its own type (exactly, truncated).
        if (!execution::IsFractionalDecimal(*arg->type))
          arg = execution::CastTo(std::move(arg), arrow::float64());
        break;
      default:
        if (spec.kind == AggKind::kMad &&
            (id == arrow::TypeId::kDate32 || id == arrow::TypeId::kTimestamp ||
             id == arrow::TypeId::kTime64)) {
          // The spread of instants or times of day: an interval.
          if (id != arrow::TypeId::kTime64)
            arg = execution::CastTo(std::move(arg), arrow::timestamp());
          break;
        }
        if (!execution::TakesDoubles(spec.kind) && !execution::IsPairedNumeric(spec.kind)) break;
        if (!numeric) {
          Fail(ErrorKind::kBinder, "No function matches {}({})", n, arg->type->ToString());
        }
        arg = execution::CastTo(std::move(arg), arrow::float64());
        break;
      case AggKind::kBitAnd:
      case AggKind::kBitOr:
      case AggKind::kBitXor:
        if (arrow::IsBitString(*arg->type)) break;
        if (!arg->type->is_integer() && id != arrow::TypeId::kNull) {
          Fail(ErrorKind::kBinder, "No function matches {}({})", n, arg->type->ToString());
        }
        arg = execution::CastTo(std::move(arg), arrow::int64());
        break;
      case AggKind::kBitstringAgg: {
        const bool hugeint = id == arrow::TypeId::kDecimal128 && arg->type->scale() == 0;
        if (!arg->type->is_integer() && !hugeint && id != arrow::TypeId::kNull) {
          Fail(ErrorKind::kBinder, "No function matches {}({}): it takes integers", n,
               execution::SqlTypeName(*arg->type));
        }
        if (call.args.size() == 2) {
          Fail(ErrorKind::kBinder, "{}() takes a value, or a value, a minimum and a maximum", n);
        }
        for (size_t i = 1; i < call.args.size(); ++i) {
          const Value bound = EvaluateConstant(*call.args[i]);
          if (bound.is_null() ||
              (!bound.type()->is_integer() &&
               !(bound.type()->id() == arrow::TypeId::kDecimal128 && bound.type()->scale() == 0))) {
            Fail(ErrorKind::kBinder, "{}(): its minimum and maximum must be integers, not {}", n,
                 bound.ToString());
          }
          spec.bins.push_back(bound);
        }
        break;
      }
      case AggKind::kBoolAnd:
      case AggKind::kBoolOr:
        arg = binder.Condition(*call.args[0]);
        break;
      case AggKind::kCombineStates:
        if (!arrow::IsAggregateState(*arg->type)) {
          Fail(ErrorKind::kBinder,
               "combine_aggr() takes aggregate states (agg(...) EXPORT_STATE), not {}",
               execution::SqlTypeName(*arg->type));
        }
        break;
      case AggKind::kGroupConcat:
        arg = execution::CastTo(std::move(arg), arrow::utf8());
        if (call.args.size() == 2) {
          const Value sep = EvaluateConstant(*call.args[1]);
          spec.separator = sep.is_null() ? "" : sep.ToString();
        }
        if (call.distinct && call.args.size() > 1 && n == "group_concat") {
          Fail(ErrorKind::kBinder, "DISTINCT aggregates must have exactly one argument");
        }
        break;
    }
    if (arg->type->id() == arrow::TypeId::kNull) {
      arg = execution::CastTo(std::move(arg),
                              spec.kind == AggKind::kGroupConcat ? arrow::utf8() : arrow::int64());
    }
    spec.arg = std::move(arg);
    if (spec.kind == AggKind::kHistogram && call.args.size() == 2) {
      // The bins: a constant list, in the argument's type, sorted.
      Value bins;
      try {
        bins = EvaluateConstant(*call.args[1]);
      } catch (const Error&) {
        if (IsConstant(*call.args[1])) throw;
        Fail(ErrorKind::kBinder, "{}(): its bins must be a constant list, not {}", n,
             call.args[1]->ToString());
      }
      if (bins.is_null() || bins.type()->id() != arrow::TypeId::kList) {
        Fail(ErrorKind::kBinder, "{}(): its bins must be a list, not {}", n, bins.ToString());
      }
      const arrow::ArrayDataPtr cast = execution::Cast(
          *execution::ValuesToArray(bins.type()->value_type(), bins.elements()), spec.arg->type);
      for (int64_t i = 0; i < cast->length; ++i) {
        Value b = Value::FromArray(*cast, i);
        if (b.is_null()) Fail(ErrorKind::kBinder, "{}(): a bin cannot be NULL", n);
        spec.bins.push_back(std::move(b));
      }
      std::sort(spec.bins.begin(), spec.bins.end(),
                [](const Value& a, const Value& b) { return execution::CompareValues(a, b) < 0; });
      spec.bins.erase(std::unique(spec.bins.begin(), spec.bins.end(),
                                  [](const Value& a, const Value& b) {
                                    return execution::CompareValues(a, b) == 0;
                                  }),
                      spec.bins.end());
      if (spec.bins.empty()) Fail(ErrorKind::kBinder, "{}(): its list of bins is empty", n);
      spec.exact_bins = n == "histogram_exact";
    }
    if (spec.kind == AggKind::kQuantileCont || spec.kind == AggKind::kQuantileDisc) {
      // One fraction, or a list of them (the result is then a list).
      const Value q = EvaluateConstant(*call.args[1]);
      auto fraction = [](const Value& v) {
        const double f = v.is_null()               ? -1
                         : v.type()->is_integer()  ? static_cast<double>(v.int64())
                         : v.type()->is_floating() ? v.float64()
                         : v.type()->id() == arrow::TypeId::kDecimal128
                             ? static_cast<double>(v.decimal()) / std::pow(10.0, v.type()->scale())
                             : -1;
        if (!(f >= 0 && f <= 1)) {  // (NaN too)
          Fail(ErrorKind::kBinder, "QUANTILE can only take parameters in the range [0, 1], not {}",
               v.ToString());
        }
        return f;
      };
      if (!q.is_null() && q.type()->id() == arrow::TypeId::kList) {
        if (q.elements().empty()) Fail(ErrorKind::kBinder, "QUANTILE needs at least one fraction");
        for (const Value& f : q.elements())
          spec.fractions.push_back(fraction(f));
      } else {
        spec.fraction = fraction(q);
      }
    }
    const bool numbers =
        execution::IsPairedNumeric(spec.kind) || spec.kind == AggKind::kWeightedAvg;
    if (spec.kind == AggKind::kArgMin || spec.kind == AggKind::kArgMax || numbers) {
      spec.arg2 = binder.Bind(*call.args[1]);
    }
    if (numbers) {
      if (!IsNumeric(*spec.arg2->type) && spec.arg2->type->id() != arrow::TypeId::kNull) {
        Fail(ErrorKind::kBinder, "No function matches {}(..., {})", n, spec.arg2->type->ToString());
      }
      spec.arg2 = execution::CastTo(std::move(spec.arg2), arrow::float64());
    }
  }
  // min and max of collated text: the value whose collation key is least
  // (greatest), as SQLite's min and max compare by the column's collation.
  if ((spec.kind == AggKind::kMin || spec.kind == AggKind::kMax) && spec.arg) {
    if (const std::string collation = OwnCollation(*spec.arg); !collation.empty()) {
      spec.kind = spec.kind == AggKind::kMin ? AggKind::kArgMin : AggKind::kArgMax;
      spec.arg2 = CollationKey(binder.Bind(*call.args[0]), collation);
    }
  }
  for (const auto& o : call.order_by)
    spec.order_by.push_back(BindSortKey(o, binder));
  // A quantile or median ordered by its own argument reads its values in
  // that order: the fraction counts from the other end when descending.
  const bool quantile = spec.kind == AggKind::kMedian || spec.kind == AggKind::kQuantileCont ||
                        spec.kind == AggKind::kQuantileDisc;
  if (quantile && spec.order_by.size() == 1 && !call.order_by.empty() &&
      call.order_by[0].expr->ToString() == call.args[0]->ToString()) {
    spec.values_descending = spec.order_by[0].descending;
    spec.order_by.clear();
  }
  spec.export_state = call.export_state;
  if (call.filter && (execution::TakesNulls(spec.kind) || spec.keep_null_arg) &&
      spec.kind != AggKind::kCountStar) {
    spec.filter = binder.Condition(*call.filter);
  } else if (call.filter) {
    // agg(x) FILTER (WHERE c) is agg(CASE WHEN c THEN x END): every
    // aggregate skips NULL inputs, and count(*) counts a constant.
    if (spec.kind == AggKind::kCountStar) {
      spec.kind = AggKind::kCount;
      spec.arg = execution::Constant(Value::Int64(1));
    }
    std::vector<BoundExprPtr> args;
    args.push_back(binder.Condition(*call.filter));
    const arrow::TypePtr type = spec.arg->type;
    args.push_back(std::move(spec.arg));
    spec.arg = execution::Call(ExprOp::kCase, type, std::move(args));
  }
  return spec;
}

BoundExprPtr BindToAggregateState(const Expr& call, Binder& binder) {
  if (call.args.size() != 3 || call.distinct || call.star_arg) {
    Fail(ErrorKind::kBinder,
         "to_aggregate_state(state, 'aggregate', ['argument type', ...]) takes three arguments");
  }
  const Value name = EvaluateConstant(*call.args[1]);
  const Value types = EvaluateConstant(*call.args[2]);
  if (name.is_null() || name.type()->id() != arrow::TypeId::kUtf8 || types.is_null() ||
      types.type()->id() != arrow::TypeId::kList) {
    Fail(ErrorKind::kBinder,
         "to_aggregate_state(state, 'aggregate', ['argument type', ...]) takes the aggregate's "
         "name and a list of its argument types, as constants");
  }
  // The aggregate called over NULLs of the argument types names the state.
  std::string quoted_name;
  for (char c : name.str())
    quoted_name += c == '"' ? std::string("\"\"") : std::string(1, c);
  std::string sql = "SELECT \"" + quoted_name + "\"(";
  for (size_t i = 0; i < types.elements().size(); ++i) {
    const Value& t = types.elements()[i];
    if (t.is_null()) Fail(ErrorKind::kBinder, "to_aggregate_state: an argument type is NULL");
    sql += (i > 0 ? ", CAST(NULL AS " : "CAST(NULL AS ") + t.ToString() + ")";
  }
  sql += ") EXPORT_STATE";
  std::vector<StatementPtr> parsed;
  try {
    parsed = ParseSql(sql);
  } catch (const Error& e) {
    Fail(ErrorKind::kBinder, "to_aggregate_state: {}() over {} is not an aggregate call: {}",
         name.str(), types.ToString(), e.what());
  }
  const SelectStmt* select = parsed.size() == 1 && parsed[0]->kind == StatementKind::kSelect
                                 ? static_cast<const SelectStatement&>(*parsed[0]).query.get()
                                 : nullptr;
  if (!select || select->select_list.size() != 1) {
    Fail(ErrorKind::kBinder, "to_aggregate_state: the argument types {} are not types",
         types.ToString());
  }
  const Expr& aggregate = *select->select_list[0].expr;
  if (aggregate.kind != ExprKind::kFunction ||
      !IsAggregateName(Lower(name.str()), types.elements().size())) {
    Fail(ErrorKind::kBinder, "to_aggregate_state: {}() is not an aggregate function", name.str());
  }
  const arrow::TypePtr state_type = AggregateType(BindAggregate(aggregate, binder));
  return execution::MakeState(
      execution::CastTo(binder.Bind(*call.args[0]), state_type->fields()[0]->type()), state_type);
}

}  // namespace llkv::sql::plan
