#include <fmt/format.h>

#include "execution/aggregate.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "execution/aggregate_state.h"
#include "execution/bit_string.h"
#include "execution/scalar_function.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {

using arrow::ArrayDataPtr;
using arrow::TypeId;

bool IsFractionalDecimal(const arrow::DataType& t) {
  return t.id() == TypeId::kDecimal128 && t.scale() > 0;
}

bool TakesDoubles(AggKind kind) {
  if (IsPairedNumeric(kind)) return kind != AggKind::kRegrCount;
  switch (kind) {
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop:
    case AggKind::kVarSamp:
    case AggKind::kVarPop:
    case AggKind::kProduct:
    case AggKind::kQuantileCont:
    case AggKind::kMad:
    case AggKind::kSkewness:
    case AggKind::kKurtosis:
    case AggKind::kKurtosisPop:
    case AggKind::kCovarPop:
    case AggKind::kCovarSamp:
    case AggKind::kCorr:
    case AggKind::kKahanSum:
    case AggKind::kKahanAvg:
    case AggKind::kSem:
    case AggKind::kWeightedAvg:
    case AggKind::kGeoMean:
      return true;
    default:
      return false;
  }
}

// Timestamps and times of day: interpolated (median), averaged and spread
// (mad, an interval) as their int64 counts.
bool IsTimeCount(const arrow::DataType& t) {
  return t.id() == TypeId::kTimestamp || t.id() == TypeId::kTime64;
}

arrow::TypePtr AggregateType(AggKind kind, const arrow::TypePtr& arg_type) {
  if ((kind == AggKind::kMedian || kind == AggKind::kQuantileCont) &&
      (IsTimeCount(*arg_type) || arg_type->id() == TypeId::kIntervalMonthDayNano)) {
    return arg_type;
  }
  if (kind == AggKind::kMad && IsTimeCount(*arg_type)) return arrow::interval_month_day_nano();
  if (kind == AggKind::kQuantileCont && IsFractionalDecimal(*arg_type)) return arg_type;
  if (TakesDoubles(kind)) return arrow::float64();
  switch (kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
    case AggKind::kRegrCount:
      return arrow::int64();
    case AggKind::kSum:
      // An exact DECIMAL sum keeps the scale with the most digits (DuckDB).
      if (arg_type->id() == TypeId::kDecimal128) return arrow::decimal128(38, arg_type->scale());
      return arg_type->is_integer() ? arrow::int64() : arrow::float64();
    case AggKind::kAvg:
      if (IsTimeCount(*arg_type) || arg_type->id() == TypeId::kIntervalMonthDayNano)
        return arg_type;
      return arrow::float64();
    case AggKind::kTotal:
      return arrow::float64();
    case AggKind::kMedian:
      // (A DECIMAL's median stays a DECIMAL of its type.)
      return IsNumericType(*arg_type) && !IsFractionalDecimal(*arg_type) ? arrow::float64()
                                                                         : arg_type;
    case AggKind::kBoolAnd:
    case AggKind::kBoolOr:
      return arrow::boolean();
    case AggKind::kBitAnd:
    case AggKind::kBitOr:
    case AggKind::kBitXor:
      return arrow::IsBitString(*arg_type) ? arg_type : arrow::int64();
    case AggKind::kBitstringAgg:
      return arrow::bit_string();
    case AggKind::kMin:
    case AggKind::kMax:
    case AggKind::kAnyValue:
    case AggKind::kAnyNonNull:
    case AggKind::kLast:
    case AggKind::kQuantileDisc:
    case AggKind::kMode:
    case AggKind::kArgMin:
    case AggKind::kArgMax:
    case AggKind::kDecimalAvg:
      return arg_type;
    case AggKind::kGroupConcat:
      return arrow::utf8();
    case AggKind::kCombineStates:
    case AggKind::kApproxTopK:  // (a LIST of them: AggregateType(spec))
      return arg_type;
    case AggKind::kList:
      return arrow::list(arg_type);
    case AggKind::kHistogram:
      return arrow::map(arg_type, arrow::uint64());
    default:  // TakesDoubles
      break;
  }
  return arrow::float64();
}

arrow::TypePtr AggregateType(const AggregateSpec& spec) {
  if (spec.export_state) return AggregateStateType(spec);
  arrow::TypePtr t = AggregateType(spec.kind, spec.arg ? spec.arg->type : nullptr);
  return spec.fractions.empty() && spec.top_n == 0 ? t : arrow::list(t);
}

namespace {

// `micros` as an interval of whole days and the rest.
Value MicrosInterval(double micros) {
  const double days = std::trunc(micros / 86400e6);
  if (!(std::fabs(days) < 2147483648.0)) Fail(ErrorKind::kOutOfRange, "interval is out of range");
  const double nanos = std::round((micros - days * 86400e6) * 1000);
  return Value::Interval({0, static_cast<int32_t>(days), static_cast<int64_t>(nanos)});
}

double AsDouble(const Value& v) {
  if (v.type()->is_integer() || IsTimeCount(*v.type())) return static_cast<double>(v.int64());
  if (v.type()->id() == TypeId::kDecimal128) {
    return static_cast<double>(v.decimal()) / std::pow(10.0, v.type()->scale());
  }
  if (v.type()->id() == TypeId::kBool) return v.boolean() ? 1 : 0;
  return v.float64();
}

}  // namespace

bool TakesNulls(AggKind kind) {
  return kind == AggKind::kCountStar || kind == AggKind::kAnyValue || kind == AggKind::kLast ||
         kind == AggKind::kList;
}

void Accumulator::Add(const Value& v, const Value& v2, std::vector<Value> keys) {
  if (!spec_->order_by.empty()) {
    pending_.push_back({v, v2, std::move(keys)});
    return;
  }
  Feed(v, v2);
}

void Accumulator::Feed(const Value& v, const Value& v2) {
  const AggKind kind = spec_->kind;
  if (kind == AggKind::kCountStar) {
    ++count_;
    return;
  }
  if (kind == AggKind::kAnyValue) {
    if (count_++ == 0) best_ = v;
    return;
  }
  if (kind == AggKind::kLast) {
    ++count_;
    best_ = v;
    return;
  }
  if (kind == AggKind::kList) {
    ++count_;
    if (spec_->distinct) {
      std::string key;
      EncodeValueKey(v, &key);
      if (!seen_.insert(std::move(key)).second) return;
    }
    values_.push_back(v);
    return;
  }
  if (kind == AggKind::kCombineStates) {
    if (v.is_null() || v.elements()[0].is_null()) return;
    if (!merged_) {
      state_spec_ = std::make_shared<const AggregateSpec>(StateSpec(*v.type()));
      merged_ = std::make_shared<Accumulator>(*state_spec_);
    }
    merged_->MergeState(v.elements()[0]);
    ++count_;
    return;
  }
  const bool paired = kind == AggKind::kArgMin || kind == AggKind::kArgMax ||
                      kind == AggKind::kWeightedAvg || IsPairedNumeric(kind);
  if (v.is_null() && !spec_->keep_null_arg) return;
  if (paired && v2.is_null() && !spec_->nulls_last) return;
  if (spec_->distinct) {
    std::string key;
    EncodeValueKey(v, &key);
    if (!seen_.insert(std::move(key)).second) return;
  }
  ++count_;
  switch (kind) {
    case AggKind::kSum:
    case AggKind::kAvg:
    case AggKind::kTotal:
      if (kind == AggKind::kAvg && IsTimeCount(*v.type())) {
        decimal_sum_ += v.int64();
        break;
      }
      if (kind == AggKind::kAvg && v.type()->id() == TypeId::kIntervalMonthDayNano) {
        const auto& x = v.interval();
        int_sum_ += x.months;
        day_sum_ += x.days;
        decimal_sum_ += x.nanoseconds;
        break;
      }
      if (v.type()->is_integer()) {
        if (kind == AggKind::kSum && __builtin_add_overflow(int_sum_, v.int64(), &int_sum_)) {
          Fail(ErrorKind::kOutOfRange, "Overflow in sum: integer result exceeds BIGINT");
        }
        sum_ += static_cast<double>(v.int64());
      } else {
        if (kind != AggKind::kTotal && v.type()->id() == TypeId::kDecimal128) {
          arg_decimal_scale_ = v.type()->scale();
          if (__builtin_add_overflow(decimal_sum_, v.decimal(), &decimal_sum_)) {
            Fail(ErrorKind::kOutOfRange, "Overflow in sum: the DECIMAL result exceeds 38 digits");
          }
        }
        sum_ += AsDouble(v);
      }
      break;
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop:
    case AggKind::kVarSamp:
    case AggKind::kVarPop:
    case AggKind::kSem: {
      // Welford's update: stable for values far from zero.
      const double x = AsDouble(v);
      const double delta = x - mean_;
      mean_ += delta / static_cast<double>(count_);
      m2_ += delta * (x - mean_);
      break;
    }
    case AggKind::kProduct:
      product_ *= AsDouble(v);
      break;
    case AggKind::kGeoMean:
      sum_ += std::log(AsDouble(v));  // negative values: nan, zero: -inf (exp gives 0)
      break;
    case AggKind::kKahanSum:
    case AggKind::kKahanAvg: {
      // Neumaier's variant: the lost low-order bits of each addition.
      const double x = AsDouble(v);
      const double t = sum_ + x;
      compensation_ += std::fabs(sum_) >= std::fabs(x) ? (sum_ - t) + x : (x - t) + sum_;
      sum_ = t;
      break;
    }
    case AggKind::kWeightedAvg: {
      const double w = AsDouble(v2);
      sum_ += AsDouble(v) * w;
      product_ = count_ == 1 ? w : product_ + w;  // the weights' sum
      break;
    }
    case AggKind::kEntropy:
      values_.push_back(v);
      break;
    case AggKind::kDecimalAvg:
      // The sum in 128 bits: past them is an error, not a wrapped value.
      if (__builtin_add_overflow(decimal_sum_, v.decimal(), &decimal_sum_)) {
        Fail(ErrorKind::kOutOfRange,
             "decimal_average: the intermediate sum overflowed HUGEINT range");
      }
      break;
    case AggKind::kBoolAnd:
      flag_ = count_ == 1 ? v.boolean() : (flag_ && v.boolean());
      break;
    case AggKind::kBoolOr:
      flag_ = count_ == 1 ? v.boolean() : (flag_ || v.boolean());
      break;
    case AggKind::kBitAnd:
    case AggKind::kBitOr:
    case AggKind::kBitXor:
      if (arrow::IsBitString(*v.type())) {  // BIT strings, bit by bit
        const char op = kind == AggKind::kBitAnd ? '&' : kind == AggKind::kBitOr ? '|' : '^';
        best_ = count_ == 1
                    ? v
                    : Value::FromArray(
                          *ValuesToArray(v.type(),
                                         {Value::Blob(bits::Bitwise(best_.str(), v.str(), op))}),
                          0);
      } else if (kind == AggKind::kBitAnd) {
        int_sum_ = count_ == 1 ? v.int64() : (int_sum_ & v.int64());
      } else if (kind == AggKind::kBitOr) {
        int_sum_ = count_ == 1 ? v.int64() : (int_sum_ | v.int64());
      } else {
        int_sum_ = count_ == 1 ? v.int64() : (int_sum_ ^ v.int64());
      }
      break;
    case AggKind::kMin:
      if (count_ == 1 || CompareValues(v, best_) < 0) best_ = v;
      break;
    case AggKind::kMax:
      if (count_ == 1 || CompareValues(v, best_) > 0) best_ = v;
      break;
    case AggKind::kAnyNonNull:
      if (count_ == 1) best_ = v;
      break;
    case AggKind::kArgMin:
    case AggKind::kArgMax: {
      if (spec_->top_n > 0 || spec_->nulls_last) {
        values_.push_back(v);
        top_keys_.push_back(v2);
        break;
      }
      const int c = count_ == 1 ? 0 : CompareValues(v2, best_key_);
      if (count_ == 1 || (kind == AggKind::kArgMin ? c < 0 : c > 0)) {
        best_ = v;
        best_key_ = v2;
      }
      break;
    }
    case AggKind::kGroupConcat:
      if (count_ > 1) text_ += spec_->separator;
      text_ += v.str();
      break;
    case AggKind::kMedian:
    case AggKind::kQuantileCont:
    case AggKind::kQuantileDisc:
    case AggKind::kMode:
    case AggKind::kMad:
    case AggKind::kApproxTopK:
    case AggKind::kHistogram:
    case AggKind::kBitstringAgg:
      values_.push_back(v);
      break;
    case AggKind::kSkewness:
    case AggKind::kKurtosis:
    case AggKind::kKurtosisPop: {
      const long double x = AsDouble(v);
      long double p = x;
      for (long double& s : power_sums_) {
        s += p;
        p *= x;
      }
      break;
    }
    default:
      // covariance, correlation and the regressions: running moments of
      // (y, x) pairs, updated as Welford does.
      if (IsPairedNumeric(kind)) {
        const double y = AsDouble(v), x = AsDouble(v2);
        const double n = static_cast<double>(count_);
        const double dx = x - mean_x_, dy = y - mean_y_;
        mean_x_ += dx / n;
        mean_y_ += dy / n;
        co_moment_ += dx * (y - mean_y_);
        m2_x_ += dx * (x - mean_x_);
        m2_y_ += dy * (y - mean_y_);
      }
      break;
  }
}

namespace {

// `x`, which must be finite (sums of powers of huge values overflow).
Value Finite(const char* name, double x) {
  if (!std::isfinite(x)) Fail(ErrorKind::kOutOfRange, "{} is out of range!", name);
  return Value::Double(x);
}

// The `k` most frequent of `values` (non-empty), most frequent first;
// ties in the order of their first appearance.
std::vector<Value> MostFrequent(const std::vector<Value>& values, int64_t k) {
  absl::flat_hash_map<std::string, size_t> slot;   // value key -> index into counts
  std::vector<std::pair<int64_t, size_t>> counts;  // count, first index
  std::string key;
  for (size_t i = 0; i < values.size(); ++i) {
    key.clear();
    EncodeValueKey(values[i], &key);
    auto [it, inserted] = slot.try_emplace(key, counts.size());
    if (inserted) counts.emplace_back(0, i);
    ++counts[it->second].first;
  }
  std::stable_sort(counts.begin(), counts.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<Value> out;
  for (size_t i = 0; i < counts.size() && static_cast<int64_t>(i) < k; ++i)
    out.push_back(values[counts[i].second]);
  return out;
}

// The interpolated median of numbers `v` (sorted here).
double MedianOf(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  const double pos = 0.5 * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const auto hi = static_cast<size_t>(std::ceil(pos));
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

Value Accumulator::Finish(const arrow::TypePtr& type) {
  if (spec_->export_state) return ExportState(type);
  if (!pending_.empty()) {
    const auto& order = spec_->order_by;
    std::stable_sort(pending_.begin(), pending_.end(), [&](const Pending& a, const Pending& b) {
      for (size_t k = 0; k < order.size(); ++k) {
        const Value& x = a.keys[k];
        const Value& y = b.keys[k];
        if (x.is_null() != y.is_null()) return x.is_null() == order[k].nulls_first;
        if (x.is_null()) continue;
        const int c = CompareValues(x, y);
        if (c != 0) return order[k].descending ? c > 0 : c < 0;
      }
      return false;
    });
    std::vector<Pending> rows = std::move(pending_);
    pending_.clear();
    for (const auto& r : rows)
      Feed(r.v, r.v2);
  }
  const AggKind kind = spec_->kind;
  switch (kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
    case AggKind::kRegrCount:
      return Value::Int64(count_);
    case AggKind::kTotal:
      return Value::Double(sum_);
    case AggKind::kCombineStates:
      return merged_ ? merged_->ExportState(type) : Value::Null(type);
    default:
      break;
  }
  if (count_ == 0) return Value::Null(type);
  if (kind == AggKind::kApproxTopK) return Value::List(type, MostFrequent(values_, spec_->top_n));
  if (kind == AggKind::kHistogram) return HistogramOf(*spec_, values_, type);
  if (spec_->top_n > 0 || spec_->nulls_last) {
    const std::vector<Value>& keys = top_keys_;
    const bool descending = kind == AggKind::kArgMax;
    std::vector<size_t> order(values_.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const Value& x = keys[a];
      const Value& y = keys[b];
      if (x.is_null() || y.is_null()) return !x.is_null() && y.is_null();  // NULLs last
      const int c = CompareValues(x, y);
      return descending ? c > 0 : c < 0;
    });
    if (spec_->top_n == 0) return values_[order[0]];
    std::vector<Value> top;
    for (size_t i = 0; i < order.size() && static_cast<int64_t>(i) < spec_->top_n; ++i)
      top.push_back(values_[order[i]]);
    return Value::List(type, std::move(top));
  }
  switch (kind) {
    case AggKind::kSum:
      if (type->id() == TypeId::kDecimal128) {
        const arrow::Decimal128 limit = DecimalPow10(38);
        if (decimal_sum_ >= limit || decimal_sum_ <= -limit) {
          Fail(ErrorKind::kOutOfRange, "Overflow in sum: the DECIMAL result exceeds 38 digits");
        }
        return Value::Decimal(decimal_sum_, type->precision(), type->scale());
      }
      return type->id() == TypeId::kInt64 ? Value::Int64(int_sum_) : Value::Double(sum_);
    case AggKind::kAvg:
      if (IsTimeCount(*type)) {
        const long double mean =
            static_cast<long double>(decimal_sum_) / static_cast<long double>(count_);
        return Value::Integer(type, static_cast<int64_t>(std::llround(mean)));
      }
      if (type->id() == TypeId::kIntervalMonthDayNano) {
        // Each field's mean, exactly; the remainders of months and days
        // carry down (a month is 30 days), as DuckDB's interval division
        // does. Truncated to microseconds, the precision intervals show.
        const __int128 n = count_;
        const __int128 months = int_sum_ / n;
        const __int128 days_total = day_sum_ + (int_sum_ % n) * 30;
        const __int128 days = days_total / n;
        const __int128 nanos =
            (decimal_sum_ + (days_total % n) * __int128{86400000000000}) / n / 1000 * 1000;
        if (months > INT32_MAX || months < INT32_MIN || days > INT32_MAX || days < INT32_MIN) {
          Fail(ErrorKind::kOutOfRange, "interval is out of range");
        }
        return Value::Interval({static_cast<int32_t>(months), static_cast<int32_t>(days),
                                static_cast<int64_t>(nanos)});
      }
      if (arg_decimal_scale_ >= 0) {  // from the exact sum
        return Value::Double(static_cast<double>(static_cast<long double>(decimal_sum_) /
                                                 std::pow(10.0L, arg_decimal_scale_) /
                                                 static_cast<long double>(count_)));
      }
      return Value::Double(sum_ / static_cast<double>(count_));
    case AggKind::kStddevSamp:
    case AggKind::kVarSamp: {
      if (count_ < 2) return Value::Null(type);
      const double var = m2_ / static_cast<double>(count_ - 1);
      return Value::Double(kind == AggKind::kVarSamp ? var : std::sqrt(var));
    }
    case AggKind::kStddevPop:
    case AggKind::kVarPop: {
      const double var = m2_ / static_cast<double>(count_);
      return Value::Double(kind == AggKind::kVarPop ? var : std::sqrt(var));
    }
    case AggKind::kProduct:
      return Value::Double(product_);
    case AggKind::kDecimalAvg: {
      // sum / count rounded to the nearest, ties to even, without negating
      // the sum (it may be the smallest 128-bit value).
      const arrow::Decimal128 n = count_;
      arrow::Decimal128 q = decimal_sum_ / n;
      const arrow::Decimal128 r = decimal_sum_ % n;  // the sign of the sum
      const arrow::Decimal128 twice = r < 0 ? -2 * r : 2 * r;
      if (twice > n || (twice == n && q % 2 != 0)) q += r < 0 ? -1 : 1;
      return Value::Decimal(q, type->precision(), type->scale());
    }
    case AggKind::kKahanSum:
      return Value::Double(sum_ + compensation_);
    case AggKind::kKahanAvg:
      return Value::Double((sum_ + compensation_) / static_cast<double>(count_));
    case AggKind::kGeoMean:
      if (count_ == 0) return Value::Null(type);
      return Value::Double(std::exp(sum_ / static_cast<double>(count_)));
    case AggKind::kSem:
      return Value::Double(std::sqrt(m2_ / static_cast<double>(count_)) /
                           std::sqrt(static_cast<double>(count_)));
    case AggKind::kWeightedAvg:
      // Weights summing to zero give NaN (or an infinity), as in DuckDB.
      return Value::Double(sum_ / product_);
    case AggKind::kEntropy: {
      absl::flat_hash_map<std::string, int64_t> counts;
      for (const Value& x : values_) {
        std::string key;
        EncodeValueKey(x, &key);
        ++counts[key];
      }
      double h = 0;
      const auto n = static_cast<double>(values_.size());
      for (const auto& [key, c] : counts) {
        const double p = static_cast<double>(c) / n;
        h -= p * std::log2(p);
      }
      return Value::Double(h);
    }
    case AggKind::kBoolAnd:
    case AggKind::kBoolOr:
      return Value::Bool(flag_);
    case AggKind::kBitAnd:
    case AggKind::kBitOr:
    case AggKind::kBitXor:
      return arrow::IsBitString(*type) ? best_ : Value::Int64(int_sum_);
    case AggKind::kBitstringAgg:
      return BitstringOf(*spec_, values_, type);
    case AggKind::kGroupConcat:
      return Value::String(text_);
    case AggKind::kMedian:
    case AggKind::kQuantileCont:
    case AggKind::kQuantileDisc: {
      std::vector<Value>& v = values_;
      const bool descending = spec_->values_descending;
      std::sort(v.begin(), v.end(), [descending](const Value& a, const Value& b) {
        return descending ? CompareValues(a, b) > 0 : CompareValues(a, b) < 0;
      });
      const bool temporal = IsTimeCount(*v[0].type());
      const bool interval = v[0].type()->id() == TypeId::kIntervalMonthDayNano;
      const bool interpolate =
          kind == AggKind::kQuantileCont ||
          (kind == AggKind::kMedian && (IsNumericType(*v[0].type()) || temporal || interval));
      auto at = [&](double q) {
        const double pos = q * static_cast<double>(v.size() - 1);
        if (!interpolate) {
          // The first value whose cumulative share reaches q (SQL's
          // percentile_disc): index ceil(n * q) - 1. (The tolerance keeps
          // 10 * 0.3 from rounding up past 3.)
          const double n = static_cast<double>(v.size());
          const double k = std::ceil(n * q - 1e-9) - 1;
          return v[static_cast<size_t>(std::clamp(k, 0.0, n - 1))];
        }
        const auto lo = static_cast<size_t>(std::floor(pos));
        const auto hi = static_cast<size_t>(std::ceil(pos));
        if (interval) {
          // lo + (hi - lo) * f, field by field; fractions of months and
          // days carry down (a month is 30 days), as DuckDB interpolates.
          const auto& a = v[lo].interval();
          const auto& b = v[hi].interval();
          const long double f = pos - std::floor(pos);
          const long double months = static_cast<long double>(int64_t{b.months} - a.months) * f;
          const long double days = static_cast<long double>(int64_t{b.days} - a.days) * f +
                                   (months - std::trunc(months)) * 30;
          const long double nanos = static_cast<long double>(b.nanoseconds - a.nanoseconds) * f +
                                    (days - std::trunc(days)) * 86400e9L;
          return Value::Interval(
              {static_cast<int32_t>(a.months + static_cast<int64_t>(std::trunc(months))),
               static_cast<int32_t>(a.days + static_cast<int64_t>(std::trunc(days))),
               a.nanoseconds + static_cast<int64_t>(std::llroundl(nanos / 1000)) * 1000});
        }
        if (temporal) {
          // In the values' own unit, exact for int64 counts.
          const long double a = static_cast<long double>(v[lo].int64());
          const long double b = static_cast<long double>(v[hi].int64());
          const long double x = a + (b - a) * static_cast<long double>(pos - std::floor(pos));
          return Value::Integer(v[lo].type(), static_cast<int64_t>(std::llroundl(x)));
        }
        if (IsFractionalDecimal(*v[lo].type())) {
          // In the DECIMAL's own scale, truncated (DuckDB's rule): exact
          // where the result fits the scale, never a DOUBLE.
          const arrow::Decimal128 a = v[lo].decimal(), b = v[hi].decimal();
          const long double step =
              static_cast<long double>(b - a) * static_cast<long double>(pos - std::floor(pos));
          const auto& t = *v[lo].type();
          return Value::Decimal(a + static_cast<arrow::Decimal128>(std::trunc(step)), t.precision(),
                                t.scale());
        }
        const double a = AsDouble(v[lo]), b = AsDouble(v[hi]);
        return Value::Double(a + (b - a) * (pos - static_cast<double>(lo)));
      };
      if (!spec_->fractions.empty()) {
        std::vector<Value> out;
        for (double q : spec_->fractions)
          out.push_back(at(q));
        return Value::List(type, std::move(out));
      }
      return at(kind == AggKind::kMedian ? 0.5 : spec_->fraction);
    }
    case AggKind::kMad: {
      std::vector<double> x;
      for (const auto& v : values_)
        x.push_back(AsDouble(v));
      const double median = MedianOf(x);
      for (double& d : x)
        d = std::fabs(d - median);
      if (type->id() == TypeId::kIntervalMonthDayNano) {
        // Of timestamps (microseconds) or times of day.
        return MicrosInterval(MedianOf(x));
      }
      return Value::Double(MedianOf(x));
    }
    case AggKind::kSkewness: {
      // As DuckDB computes it, from the sums of powers.
      const long double n = static_cast<long double>(count_);
      if (count_ <= 2) return Value::Null(type);
      const long double s = power_sums_[0], s2 = power_sums_[1], s3 = power_sums_[2];
      const long double t = 1 / n;
      const long double div = std::sqrt(std::pow(t * (s2 - s * s * t), 3));
      if (div == 0) return Value::Null(type);
      const long double t1 = std::sqrt(n * (n - 1)) / (n - 2);
      return Finite(
          "skewness",
          static_cast<double>(t1 * t * (s3 - 3 * s2 * s * t + 2 * std::pow(s, 3) * t * t) / div));
    }
    case AggKind::kKurtosis:
    case AggKind::kKurtosisPop: {
      const long double n = static_cast<long double>(count_);
      if (kind == AggKind::kKurtosis && count_ <= 3) return Value::Null(type);
      const long double s = power_sums_[0], s2 = power_sums_[1], s3 = power_sums_[2],
                        s4 = power_sums_[3];
      const long double t = 1 / n;
      const long double m4 =
          t * (s4 - 4 * s3 * s * t + 6 * s2 * s * s * t * t - 3 * std::pow(s, 4) * std::pow(t, 3));
      const long double m2 = t * (s2 - s * s * t);
      if (m2 <= 0) return Value::Null(type);
      if (kind == AggKind::kKurtosisPop) {
        return Finite("kurtosis_pop", static_cast<double>(m4 / (m2 * m2) - 3));
      }
      return Finite("kurtosis",
                    static_cast<double>((n - 1) * ((n + 1) * m4 / (m2 * m2) - 3 * (n - 1)) /
                                        ((n - 2) * (n - 3))));
    }
    case AggKind::kCovarPop:
      return Value::Double(co_moment_ / static_cast<double>(count_));
    case AggKind::kCovarSamp:
      if (count_ < 2) return Value::Null(type);
      return Value::Double(co_moment_ / static_cast<double>(count_ - 1));
    case AggKind::kCorr:  // NaN when either side has no variance (DuckDB)
      return Value::Double(co_moment_ / std::sqrt(m2_x_ * m2_y_));
    // The regressions follow DuckDB: slope is covar_pop / var_pop(x) (NaN
    // when x does not vary), the intercept NULL when the slope is not
    // finite, R² NULL when x does not vary and 1 when only y does not.
    case AggKind::kRegrAvgX:
      return Value::Double(mean_x_);
    case AggKind::kRegrAvgY:
      return Value::Double(mean_y_);
    case AggKind::kRegrSxx:
      return Value::Double(m2_x_);
    case AggKind::kRegrSyy:
      return Value::Double(m2_y_);
    case AggKind::kRegrSxy:
      return Value::Double(co_moment_);
    case AggKind::kRegrSlope:
      return Value::Double(co_moment_ / m2_x_);
    case AggKind::kRegrIntercept: {
      const double slope = co_moment_ / m2_x_;
      if (!std::isfinite(slope)) return Value::Null(type);
      return Value::Double(mean_y_ - slope * mean_x_);
    }
    case AggKind::kRegrR2: {
      const double n = static_cast<double>(count_);
      const double var_x = m2_x_ / n, var_y = m2_y_ / n;
      if (var_x == 0) return Value::Null(type);
      if (var_y == 0) return Value::Double(1);
      const double r = (co_moment_ / n) / std::sqrt(var_x * var_y);
      return Value::Double(r * r);
    }
    case AggKind::kList:
      if (count_ == 0) return Value::Null(type);
      return Value::List(type, values_);
    case AggKind::kMode:
      return MostFrequent(values_, 1)[0];
    default:
      return best_;  // min, max, any_value, last, arg_min, arg_max
  }
}

bool IsPairedNumeric(AggKind kind) {
  switch (kind) {
    case AggKind::kCovarPop:
    case AggKind::kCovarSamp:
    case AggKind::kCorr:
    case AggKind::kRegrCount:
    case AggKind::kRegrAvgX:
    case AggKind::kRegrAvgY:
    case AggKind::kRegrSlope:
    case AggKind::kRegrIntercept:
    case AggKind::kRegrR2:
    case AggKind::kRegrSxx:
    case AggKind::kRegrSyy:
    case AggKind::kRegrSxy:
      return true;
    default:
      return false;
  }
}

const char* AggKindName(AggKind kind) {
  static const char* kNames[] = {
      "count_star",    "count",        "sum",          "avg",          "min",
      "max",           "total",        "string_agg",   "first",        "any_value",
      "last",          "stddev_samp",  "stddev_pop",   "var_samp",     "var_pop",
      "bool_and",      "bool_or",      "product",      "median",       "quantile_cont",
      "quantile_disc", "mode",         "arg_min",      "arg_max",      "bit_and",
      "bit_or",        "bit_xor",      "mad",          "skewness",     "kurtosis",
      "kurtosis_pop",  "covar_pop",    "covar_samp",   "corr",         "list",
      "regr_count",    "regr_avgx",    "regr_avgy",    "regr_slope",   "regr_intercept",
      "regr_r2",       "regr_sxx",     "regr_syy",     "regr_sxy",     "fsum",
      "favg",          "sem",          "entropy",      "weighted_avg", "decimal_average",
      "geomean",       "combine_aggr", "approx_top_k", "histogram",    "bitstring_agg"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) ==
                static_cast<size_t>(AggKind::kBitstringAgg) + 1);
  return kNames[static_cast<int>(kind)];
}

namespace {

class HashAggregate final : public Operator {
 public:
  HashAggregate(OperatorPtr input, std::vector<BoundExprPtr> keys,
                std::vector<std::string> key_names, std::vector<AggregateSpec> aggs)
      : input_(std::move(input)), keys_(std::move(keys)), aggs_(std::move(aggs)) {
    std::vector<arrow::FieldPtr> fields;
    for (size_t k = 0; k < keys_.size(); ++k)
      fields.push_back(arrow::field(key_names[k], keys_[k]->type));
    for (const auto& a : aggs_) {
      fields.push_back(arrow::field(a.name, AggregateType(a)));
    }
    schema_ = std::make_shared<arrow::Schema>(std::move(fields));
  }

  arrow::SchemaPtr schema() const override { return schema_; }

  ExplainInfo Explain() const override {
    std::string detail;
    for (const auto& k : keys_)
      detail += (detail.empty() ? "keys " : ", ") + k->ToString();
    for (size_t a = 0; a < aggs_.size(); ++a) {
      const AggregateSpec& agg = aggs_[a];
      detail += fmt::format("{}{}({}{}{})", a == 0 ? (keys_.empty() ? "" : "; ") : ", ",
                            AggKindName(agg.kind), agg.distinct ? "DISTINCT " : "",
                            agg.arg ? agg.arg->ToString() : "",
                            agg.arg2 ? ", " + agg.arg2->ToString() : "");
    }
    const double rows = keys_.empty() ? 1.0 : std::max(1.0, EstimatedRows(*input_) * kGroupsPerRow);
    return {"HashAggregate", detail, rows, {input_.get()}};
  }

  arrow::RecordBatchPtr NextBatch() override {
    if (done_) return nullptr;
    done_ = true;
    while (auto batch = input_->Next())
      Consume(*batch);
    if (keys_.empty() && groups_.empty()) NewGroup({});
    return Finish();
  }

 private:
  size_t NewGroup(std::vector<Value> key) {
    group_keys_.push_back(std::move(key));
    std::vector<Accumulator> states;
    states.reserve(aggs_.size());
    for (const auto& a : aggs_)
      states.emplace_back(a);
    states_.push_back(std::move(states));
    return group_keys_.size() - 1;
  }

  void Consume(const arrow::RecordBatch& batch) {
    std::vector<ArrayDataPtr> key_cols, arg_cols, arg2_cols, filter_cols;
    std::vector<std::vector<ArrayDataPtr>> order_cols(aggs_.size());
    for (const auto& k : keys_)
      key_cols.push_back(Evaluate(*k, batch));
    for (size_t a = 0; a < aggs_.size(); ++a) {
      arg_cols.push_back(aggs_[a].arg ? Evaluate(*aggs_[a].arg, batch) : nullptr);
      filter_cols.push_back(aggs_[a].filter ? Evaluate(*aggs_[a].filter, batch) : nullptr);
      arg2_cols.push_back(aggs_[a].arg2 ? Evaluate(*aggs_[a].arg2, batch) : nullptr);
      for (const auto& o : aggs_[a].order_by)
        order_cols[a].push_back(Evaluate(*o.expr, batch));
    }
    std::string encoded;
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      encoded.clear();
      for (const auto& c : key_cols)
        EncodeValueKey(Value::FromArray(*c, row), &encoded);
      auto [it, inserted] = groups_.try_emplace(encoded, 0);
      if (inserted) {
        std::vector<Value> key;
        for (const auto& c : key_cols)
          key.push_back(Value::FromArray(*c, row));
        it->second = NewGroup(std::move(key));
      }
      std::vector<Accumulator>& states = states_[it->second];
      for (size_t a = 0; a < aggs_.size(); ++a) {
        if (filter_cols[a] &&
            (filter_cols[a]->IsNull(row) || !arrow::BooleanArray(filter_cols[a]).Value(row))) {
          continue;
        }
        const Value v = arg_cols[a] ? Value::FromArray(*arg_cols[a], row) : Value();
        if (v.is_null() && !TakesNulls(aggs_[a].kind) && !aggs_[a].arg2) continue;
        const Value v2 = arg2_cols[a] ? Value::FromArray(*arg2_cols[a], row) : Value();
        std::vector<Value> order;
        for (const auto& c : order_cols[a])
          order.push_back(Value::FromArray(*c, row));
        states[a].Add(v, v2, std::move(order));
      }
    }
  }

  arrow::RecordBatchPtr Finish() {
    const auto rows = static_cast<int64_t>(group_keys_.size());
    std::vector<ArrayDataPtr> columns;
    for (size_t k = 0; k < keys_.size(); ++k) {
      std::vector<Value> values;
      for (const auto& key : group_keys_)
        values.push_back(key[k]);
      columns.push_back(ValuesToArray(keys_[k]->type, values));
    }
    for (size_t a = 0; a < aggs_.size(); ++a) {
      const arrow::TypePtr type = schema_->field(static_cast<int>(keys_.size() + a))->type();
      std::vector<Value> values;
      for (auto& states : states_)
        values.push_back(states[a].Finish(type));
      columns.push_back(ValuesToArray(type, values));
    }
    if (rows == 0) return nullptr;
    return std::make_shared<arrow::RecordBatch>(schema_, rows, std::move(columns));
  }

  OperatorPtr input_;
  std::vector<BoundExprPtr> keys_;
  std::vector<AggregateSpec> aggs_;
  arrow::SchemaPtr schema_;
  bool done_ = false;
  absl::flat_hash_map<std::string, size_t> groups_;
  std::vector<std::vector<Value>> group_keys_;
  std::vector<std::vector<Accumulator>> states_;
};

}  // namespace

OperatorPtr MakeHashAggregate(OperatorPtr input, std::vector<BoundExprPtr> keys,
                              std::vector<std::string> key_names,
                              std::vector<AggregateSpec> aggregates) {
  return std::make_unique<HashAggregate>(std::move(input), std::move(keys), std::move(key_names),
                                         std::move(aggregates));
}

}  // namespace llkv::execution
