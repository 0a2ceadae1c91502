#include "execution/aggregate_state.h"

#include <fmt/format.h>

#include <cmath>

#include "common/bytes.h"
#include "execution/function_registry.h"
#include "llkv/common/error.h"
#include "table/type_codec.h"

namespace llkv::execution {

using arrow::TypeId;
using arrow::TypePtr;

bool IsTimeCount(const arrow::DataType& t);  // aggregate.cc

namespace {

constexpr uint8_t kEncodingVersion = 1;

bool IsListState(AggKind kind) {
  switch (kind) {
    case AggKind::kList:
    case AggKind::kMedian:
    case AggKind::kQuantileCont:
    case AggKind::kQuantileDisc:
    case AggKind::kMode:
    case AggKind::kMad:
    case AggKind::kEntropy:
    case AggKind::kApproxTopK:
    case AggKind::kHistogram:
    case AggKind::kBitstringAgg:
      return true;
    default:
      return false;
  }
}

// The variances' and the paired moments' layouts.
bool IsVariance(AggKind kind) {
  return kind == AggKind::kStddevSamp || kind == AggKind::kStddevPop || kind == AggKind::kVarSamp ||
         kind == AggKind::kVarPop || kind == AggKind::kSem;
}
bool IsPowerSums(AggKind kind) {
  return kind == AggKind::kSkewness || kind == AggKind::kKurtosis || kind == AggKind::kKurtosisPop;
}

arrow::FieldPtr F(const char* name, TypePtr type) {
  return arrow::field(name, std::move(type));
}

TypePtr Struct(std::vector<arrow::FieldPtr> fields) {
  return arrow::struct_(std::move(fields));
}

const TypePtr& ArgType(const AggregateSpec& spec) {
  static const TypePtr kNone = arrow::int64();  // count(*)
  return spec.arg ? spec.arg->type : kNone;
}

// The state proper: see aggregate_state.h.
TypePtr InnerType(const AggregateSpec& spec) {
  const TypePtr& at = ArgType(spec);
  const TypePtr f64 = arrow::float64();
  const TypePtr i64 = arrow::int64();
  if (!spec.order_by.empty()) {
    // The rows held, in the order they came: v0 the argument, v1 the
    // second one (if any), then the sort keys.
    std::vector<arrow::FieldPtr> fields;
    fields.push_back(arrow::field("v0", at));
    if (spec.arg2) fields.push_back(arrow::field("v1", spec.arg2->type));
    for (const SortKey& k : spec.order_by)
      fields.push_back(arrow::field(fmt::format("v{}", fields.size()), k.expr->type));
    return arrow::list(Struct(std::move(fields)));
  }
  if (IsListState(spec.kind)) return arrow::list(at);
  if (IsVariance(spec.kind)) return Struct({F("count", i64), F("mean", f64), F("dsquared", f64)});
  if (IsPowerSums(spec.kind)) {
    return Struct(
        {F("n", i64), F("sum", f64), F("sum_sqr", f64), F("sum_cub", f64), F("sum_four", f64)});
  }
  switch (spec.kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
    case AggKind::kRegrCount:
      return i64;
    case AggKind::kSum:
      return AggregateType(spec.kind, at);
    case AggKind::kTotal:
      return f64;
    case AggKind::kAvg:
      if (at->id() == TypeId::kIntervalMonthDayNano) {
        return Struct({F("count", i64), F("months", i64), F("days", i64),
                       F("nanos", arrow::decimal128(38, 0))});
      }
      if (IsTimeCount(*at)) return Struct({F("count", i64), F("value", arrow::decimal128(38, 0))});
      if (at->id() == TypeId::kDecimal128) {
        return Struct({F("count", i64), F("value", arrow::decimal128(38, at->scale()))});
      }
      return Struct({F("count", i64), F("value", f64)});
    case AggKind::kDecimalAvg:
      return Struct({F("count", i64), F("value", arrow::decimal128(38, at->scale()))});
    case AggKind::kKahanSum:
      return Struct({F("value", f64), F("err", f64)});
    case AggKind::kKahanAvg:
      return Struct({F("count", i64), F("value", f64), F("err", f64)});
    case AggKind::kWeightedAvg:
      return Struct({F("count", i64), F("sum", f64), F("weights", f64)});
    case AggKind::kGeoMean:
      return Struct({F("count", i64), F("sum_log", f64)});
    case AggKind::kProduct:
      return f64;
    case AggKind::kCovarPop:
    case AggKind::kCovarSamp:
      return Struct({F("count", i64), F("meanx", f64), F("meany", f64), F("co_moment", f64)});
    case AggKind::kRegrAvgX:
    case AggKind::kRegrAvgY:
      return Struct({F("sum", f64), F("count", i64)});
    case AggKind::kBoolAnd:
    case AggKind::kBoolOr:
      return arrow::boolean();
    case AggKind::kBitAnd:
    case AggKind::kBitOr:
    case AggKind::kBitXor:
      return i64;
    case AggKind::kMin:
    case AggKind::kMax:
    case AggKind::kAnyValue:
    case AggKind::kAnyNonNull:
    case AggKind::kLast:
      return Struct({F("value", at)});
    case AggKind::kArgMin:
    case AggKind::kArgMax:
      return Struct({F("arg", at), F("by", spec.arg2->type)});
    case AggKind::kGroupConcat:
      return arrow::utf8();
    default:
      // corr and the regressions: the paired moments.
      return Struct({F("count", i64), F("meanx", f64), F("meany", f64), F("co_moment", f64),
                     F("m2x", f64), F("m2y", f64)});
  }
}

std::string Quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += '\'';
    q += c;
  }
  return q + "'";
}

// The state's name: the aggregate as SQL would call it, with its argument
// types and every option that changes its result.
std::string Description(const AggregateSpec& spec) {
  std::string name = AggKindName(spec.kind);
  if (spec.keep_null_arg) name += "_null";
  std::vector<std::string> args;
  if (spec.arg) args.push_back(SqlTypeName(*spec.arg->type));
  if (spec.arg2) args.push_back(SqlTypeName(*spec.arg2->type));
  if (spec.kind == AggKind::kGroupConcat) args.push_back(Quoted(spec.separator));
  if (spec.kind == AggKind::kApproxTopK) args.push_back(std::to_string(spec.top_n));
  if (spec.values_descending) args.push_back("DESC");
  if (spec.kind == AggKind::kQuantileCont || spec.kind == AggKind::kQuantileDisc) {
    if (spec.fractions.empty()) {
      args.push_back(fmt::format("{}", spec.fraction));
    } else {
      args.push_back(fmt::format("[{}]", fmt::join(spec.fractions, ", ")));
    }
  }
  std::string out = name + "(" + fmt::format("{}", fmt::join(args, ", "));
  for (size_t k = 0; k < spec.order_by.size(); ++k) {
    const SortKey& key = spec.order_by[k];
    out += fmt::format("{}{}{}{}", k == 0 ? " ORDER BY " : ", ", SqlTypeName(*key.expr->type),
                       key.descending ? " DESC" : " ASC",
                       key.nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  return out + ")";
}

std::string Hex(const std::vector<uint8_t>& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::vector<uint8_t> Unhex(const std::string& text) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    const int hi = digit(text[i]), lo = digit(text[i + 1]);
    if (hi < 0 || lo < 0) Fail(ErrorKind::kInvalidInput, "damaged aggregate state type");
    out.push_back(static_cast<uint8_t>(hi * 16 + lo));
  }
  if (text.size() % 2 != 0) Fail(ErrorKind::kInvalidInput, "damaged aggregate state type");
  return out;
}

void PutOptionalType(ByteWriter& w, const BoundExprPtr& e) {
  w.Put<uint8_t>(e != nullptr);
  if (e) table::EncodeType(w, *e->type);
}

BoundExprPtr GetOptionalType(ByteReader& r) {
  if (r.Get<uint8_t>() == 0) return nullptr;
  return Constant(Value::Null(table::DecodeType(r)));
}

std::string EncodeSpec(const AggregateSpec& spec) {
  ByteWriter w;
  w.Put<uint8_t>(kEncodingVersion);
  w.Put<uint8_t>(static_cast<uint8_t>(spec.kind));
  w.Put<uint8_t>(spec.keep_null_arg);
  w.Put<int64_t>(spec.top_n);
  w.Put<uint8_t>(spec.values_descending);
  w.PutString(spec.separator);
  w.Put<double>(spec.fraction);
  w.Put(static_cast<uint32_t>(spec.fractions.size()));
  for (double f : spec.fractions)
    w.Put<double>(f);
  PutOptionalType(w, spec.arg);
  PutOptionalType(w, spec.arg2);
  w.Put(static_cast<uint32_t>(spec.order_by.size()));
  for (const SortKey& k : spec.order_by) {
    w.Put<uint8_t>(k.descending);
    w.Put<uint8_t>(k.nulls_first);
    table::EncodeType(w, *k.expr->type);
  }
  return Hex(w.Take());
}

}  // namespace

TypePtr AggregateStateType(const AggregateSpec& spec) {
  const std::string name = Description(spec);
  if (spec.distinct) {
    Fail(ErrorKind::kBinder,
         "EXPORT_STATE of {}: a DISTINCT aggregate's state (the set of values seen) cannot be "
         "exported",
         name);
  }
  if (spec.kind == AggKind::kCombineStates) {
    Fail(ErrorKind::kBinder, "EXPORT_STATE of combine_aggr: export the states' own aggregate");
  }
  if (!spec.bins.empty() || spec.exact_bins) {
    Fail(ErrorKind::kBinder,
         "EXPORT_STATE of {}: its constant arguments (bins, a range) cannot be exported", name);
  }
  if (spec.kind != AggKind::kApproxTopK && (spec.top_n > 0 || spec.nulls_last)) {
    Fail(ErrorKind::kBinder,
         "EXPORT_STATE of {}: arg_min / arg_max with n or nulls_last cannot "
         "export their state",
         name);
  }
  arrow::KeyValueMetadata metadata = {{arrow::kAggregateStateMetadata, EncodeSpec(spec)}};
  return arrow::struct_({arrow::field(name, InnerType(spec), true, std::move(metadata))});
}

AggregateSpec StateSpec(const arrow::DataType& state_type) {
  if (!arrow::IsAggregateState(state_type)) {
    Fail(ErrorKind::kInvalidInput, "{} is not an aggregate state", SqlTypeName(state_type));
  }
  std::string encoded;
  for (const auto& [key, value] : state_type.fields()[0]->metadata()) {
    if (key == arrow::kAggregateStateMetadata) encoded = value;
  }
  const std::vector<uint8_t> bytes = Unhex(encoded);
  ByteReader r(bytes, "aggregate state type");
  if (r.Get<uint8_t>() != kEncodingVersion) {
    Fail(ErrorKind::kInvalidInput, "aggregate state of an unknown encoding version");
  }
  AggregateSpec spec;
  const uint8_t kind = r.Get<uint8_t>();
  if (kind > static_cast<uint8_t>(AggKind::kBitstringAgg) ||
      kind == static_cast<uint8_t>(AggKind::kCombineStates)) {  // (combine_aggr exports none)
    Fail(ErrorKind::kInvalidInput, "aggregate state of an unknown aggregate ({})", kind);
  }
  spec.kind = static_cast<AggKind>(kind);
  spec.keep_null_arg = r.Get<uint8_t>() != 0;
  spec.top_n = r.Get<int64_t>();
  spec.values_descending = r.Get<uint8_t>() != 0;
  spec.separator = r.GetString();
  spec.fraction = r.Get<double>();
  for (uint32_t n = r.GetCount(sizeof(double)); n > 0; --n)
    spec.fractions.push_back(r.Get<double>());
  spec.arg = GetOptionalType(r);
  spec.arg2 = GetOptionalType(r);
  for (uint32_t n = r.GetCount(3); n > 0; --n) {
    SortKey key;
    key.descending = r.Get<uint8_t>() != 0;
    key.nulls_first = r.Get<uint8_t>() != 0;
    key.expr = Constant(Value::Null(table::DecodeType(r)));
    spec.order_by.push_back(std::move(key));
  }
  spec.name = state_type.fields()[0]->name();
  return spec;
}

namespace {

Value I64(int64_t v) {
  return Value::Int64(v);
}
Value F64(double v) {
  return Value::Double(v);
}
Value Dec(arrow::Decimal128 v, const TypePtr& type) {
  return Value::Decimal(v, type->precision(), type->scale());
}

// Field `i` of STRUCT value `s` as a number.
int64_t IntAt(const Value& s, size_t i) {
  return s.elements()[i].is_null() ? 0 : s.elements()[i].int64();
}
double DoubleAt(const Value& s, size_t i) {
  return s.elements()[i].is_null() ? 0 : s.elements()[i].float64();
}
arrow::Decimal128 DecimalAt(const Value& s, size_t i) {
  return s.elements()[i].is_null() ? 0 : s.elements()[i].decimal();
}

}  // namespace

Value Accumulator::ExportState(const TypePtr& state_type) const {
  const TypePtr& type = state_type->fields()[0]->type();
  const AggKind kind = spec_->kind;
  const bool counts =
      kind == AggKind::kCountStar || kind == AggKind::kCount || kind == AggKind::kRegrCount;
  const bool empty = spec_->order_by.empty() ? count_ == 0 : pending_.empty();
  if (empty && !counts) return Value::Null(state_type);
  auto wrap = [&](Value inner) { return Value::Struct(state_type, {std::move(inner)}); };
  auto fields = [&](std::vector<Value> v) { return wrap(Value::Struct(type, std::move(v))); };
  const auto n = static_cast<double>(count_);
  if (!spec_->order_by.empty()) {
    const TypePtr& row_type = type->value_type();
    std::vector<Value> rows;
    for (const Pending& p : pending_) {
      std::vector<Value> row = {p.v};
      if (spec_->arg2) row.push_back(p.v2);
      row.insert(row.end(), p.keys.begin(), p.keys.end());
      rows.push_back(Value::Struct(row_type, std::move(row)));
    }
    return wrap(Value::List(type, std::move(rows)));
  }
  if (IsListState(kind)) return wrap(Value::List(type, values_));
  if (IsVariance(kind)) return fields({I64(count_), F64(mean_), F64(m2_)});
  if (IsPowerSums(kind)) {
    std::vector<Value> v = {I64(count_)};
    for (long double p : power_sums_)
      v.push_back(F64(static_cast<double>(p)));
    return fields(std::move(v));
  }
  switch (kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
    case AggKind::kRegrCount:
      return wrap(I64(count_));
    case AggKind::kSum:
      if (type->id() == TypeId::kDecimal128) return wrap(Dec(decimal_sum_, type));
      return wrap(type->id() == TypeId::kInt64 ? I64(int_sum_) : F64(sum_));
    case AggKind::kTotal:
      return wrap(F64(sum_));
    case AggKind::kAvg: {
      const TypePtr& value_type = type->fields()[1]->type();
      if (type->fields().size() == 4) {  // intervals
        return fields({I64(count_), I64(int_sum_), I64(day_sum_),
                       Dec(decimal_sum_, type->fields()[3]->type())});
      }
      if (value_type->id() == TypeId::kDecimal128) {
        return fields({I64(count_), Dec(decimal_sum_, value_type)});
      }
      return fields({I64(count_), F64(sum_)});
    }
    case AggKind::kDecimalAvg:
      return fields({I64(count_), Dec(decimal_sum_, type->fields()[1]->type())});
    case AggKind::kKahanSum:
      return fields({F64(sum_), F64(compensation_)});
    case AggKind::kKahanAvg:
      return fields({I64(count_), F64(sum_), F64(compensation_)});
    case AggKind::kWeightedAvg:
      return fields({I64(count_), F64(sum_), F64(product_)});
    case AggKind::kGeoMean:
      return fields({I64(count_), F64(sum_)});
    case AggKind::kProduct:
      return wrap(F64(product_));
    case AggKind::kCovarPop:
    case AggKind::kCovarSamp:
      return fields({I64(count_), F64(mean_x_), F64(mean_y_), F64(co_moment_)});
    case AggKind::kRegrAvgX:
      return fields({F64(mean_x_ * n), I64(count_)});
    case AggKind::kRegrAvgY:
      return fields({F64(mean_y_ * n), I64(count_)});
    case AggKind::kBoolAnd:
    case AggKind::kBoolOr:
      return wrap(Value::Bool(flag_));
    case AggKind::kBitAnd:
    case AggKind::kBitOr:
    case AggKind::kBitXor:
      return wrap(I64(int_sum_));
    case AggKind::kMin:
    case AggKind::kMax:
    case AggKind::kAnyValue:
    case AggKind::kAnyNonNull:
    case AggKind::kLast:
      return fields({best_});
    case AggKind::kArgMin:
    case AggKind::kArgMax:
      return fields({best_, best_key_});
    case AggKind::kGroupConcat:
      return wrap(Value::String(text_));
    default:
      return fields(
          {I64(count_), F64(mean_x_), F64(mean_y_), F64(co_moment_), F64(m2_x_), F64(m2_y_)});
  }
}

void Accumulator::MergeState(const Value& s) {
  const AggKind kind = spec_->kind;
  if (!spec_->order_by.empty()) {
    for (const Value& row : s.elements()) {
      const std::vector<Value>& f = row.elements();
      Pending p;
      p.v = f[0];
      size_t next = 1;
      if (spec_->arg2) p.v2 = f[next++];
      p.keys.assign(f.begin() + static_cast<std::ptrdiff_t>(next), f.end());
      pending_.push_back(std::move(p));
    }
    return;
  }
  if (IsListState(kind)) {
    values_.insert(values_.end(), s.elements().begin(), s.elements().end());
    count_ += static_cast<int64_t>(s.elements().size());
    return;
  }
  // Chan et al.'s pairwise update of means and sums of squared deviations:
  // the other side's n, means and co-moment merged into these.
  auto merge_moments = [&](int64_t other_n, double mx, double my, double co, double m2x,
                           double m2y) {
    if (other_n == 0) return;
    const double na = static_cast<double>(count_), nb = static_cast<double>(other_n);
    const double total = na + nb;
    const double dx = mx - mean_x_, dy = my - mean_y_;
    co_moment_ += co + dx * dy * na * nb / total;
    m2_x_ += m2x + dx * dx * na * nb / total;
    m2_y_ += m2y + dy * dy * na * nb / total;
    mean_x_ += dx * nb / total;
    mean_y_ += dy * nb / total;
    count_ += other_n;
  };
  if (IsVariance(kind)) {
    const int64_t other = IntAt(s, 0);
    if (other == 0) return;
    const double na = static_cast<double>(count_), nb = static_cast<double>(other);
    const double delta = DoubleAt(s, 1) - mean_;
    m2_ += DoubleAt(s, 2) + delta * delta * na * nb / (na + nb);
    mean_ += delta * nb / (na + nb);
    count_ += other;
    return;
  }
  if (IsPowerSums(kind)) {
    count_ += IntAt(s, 0);
    for (size_t i = 0; i < 4; ++i)
      power_sums_[i] += DoubleAt(s, i + 1);
    return;
  }
  switch (kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
    case AggKind::kRegrCount:
      count_ += s.int64();
      return;
    // A state of one value merges as that value fed.
    case AggKind::kSum:
    case AggKind::kTotal:
    case AggKind::kProduct:
    case AggKind::kBoolAnd:
    case AggKind::kBoolOr:
    case AggKind::kBitAnd:
    case AggKind::kBitOr:
    case AggKind::kBitXor:
    case AggKind::kGroupConcat:
      Feed(s, Value());
      return;
    case AggKind::kMin:
    case AggKind::kMax:
    case AggKind::kAnyValue:
    case AggKind::kAnyNonNull:
    case AggKind::kLast:
      Feed(s.elements()[0], Value());
      return;
    case AggKind::kArgMin:
    case AggKind::kArgMax:
      Feed(s.elements()[0], s.elements()[1]);
      return;
    case AggKind::kAvg:
    case AggKind::kDecimalAvg: {
      count_ += IntAt(s, 0);
      if (s.elements().size() == 4) {  // intervals
        int_sum_ += IntAt(s, 1);
        day_sum_ += IntAt(s, 2);
        decimal_sum_ += DecimalAt(s, 3);
        return;
      }
      const TypePtr& value_type = s.type()->fields()[1]->type();
      if (value_type->id() != TypeId::kDecimal128) {
        sum_ += DoubleAt(s, 1);
        return;
      }
      if (__builtin_add_overflow(decimal_sum_, DecimalAt(s, 1), &decimal_sum_)) {
        Fail(ErrorKind::kOutOfRange, "Overflow in {}: the DECIMAL sum exceeds 38 digits",
             AggKindName(kind));
      }
      // An average of decimals (not of times) finishes from the sum at
      // this scale.
      if (kind == AggKind::kAvg && spec_->arg && spec_->arg->type->id() == TypeId::kDecimal128) {
        arg_decimal_scale_ = value_type->scale();
      }
      return;
    }
    case AggKind::kKahanSum:
    case AggKind::kKahanAvg: {
      const size_t at = kind == AggKind::kKahanAvg ? 1 : 0;
      count_ += kind == AggKind::kKahanAvg ? IntAt(s, 0) : 1;
      const double x = DoubleAt(s, at);
      const double t = sum_ + x;
      compensation_ += std::fabs(sum_) >= std::fabs(x) ? (sum_ - t) + x : (x - t) + sum_;
      compensation_ += DoubleAt(s, at + 1);
      sum_ = t;
      return;
    }
    case AggKind::kWeightedAvg:
      product_ = count_ == 0 ? DoubleAt(s, 2) : product_ + DoubleAt(s, 2);  // the weights
      count_ += IntAt(s, 0);
      sum_ += DoubleAt(s, 1);
      return;
    case AggKind::kGeoMean:
      count_ += IntAt(s, 0);
      sum_ += DoubleAt(s, 1);
      return;
    case AggKind::kCovarPop:
    case AggKind::kCovarSamp:
      merge_moments(IntAt(s, 0), DoubleAt(s, 1), DoubleAt(s, 2), DoubleAt(s, 3), 0, 0);
      return;
    case AggKind::kRegrAvgX:
    case AggKind::kRegrAvgY: {
      const int64_t other = IntAt(s, 1);
      if (other == 0) return;
      const double mean = DoubleAt(s, 0) / static_cast<double>(other);
      if (kind == AggKind::kRegrAvgX) {
        merge_moments(other, mean, 0, 0, 0, 0);
      } else {
        merge_moments(other, 0, mean, 0, 0, 0);
      }
      return;
    }
    default:
      merge_moments(IntAt(s, 0), DoubleAt(s, 1), DoubleAt(s, 2), DoubleAt(s, 3), DoubleAt(s, 4),
                    DoubleAt(s, 5));
      return;
  }
}

namespace {

// The state of row `i` of `states`, or null when the row has none.
const Value* StateAt(const arrow::ArrayData& states, int64_t i, Value* holder) {
  *holder = Value::FromArray(states, i);
  if (holder->is_null() || holder->elements()[0].is_null()) return nullptr;
  return &holder->elements()[0];
}

[[noreturn]] void NotAState(const char* function, const TypePtr& type) {
  Fail(ErrorKind::kBinder,
       "{}() takes an aggregate state (agg(...) EXPORT_STATE), not a value of type {}", function,
       SqlTypeName(*type));
}

}  // namespace

BoundExprPtr MakeState(BoundExprPtr state, TypePtr state_type) {
  auto fn = std::make_shared<ScalarFunction>();
  fn->name = "to_aggregate_state";
  fn->bind = [state_type](const std::vector<TypePtr>& types) {
    return FunctionBinding{types, state_type};
  };
  fn->kernel = [](const std::vector<arrow::ArrayDataPtr>& args, const TypePtr& result,
                  int64_t rows) {
    std::vector<Value> out;
    for (int64_t i = 0; i < rows; ++i) {
      Value v = Value::FromArray(*args[0], i);
      out.push_back(v.is_null() ? Value::Null(result) : Value::Struct(result, {std::move(v)}));
    }
    return ValuesToArray(result, out);
  };
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(state));
  auto out = Call(ExprOp::kFunction, std::move(state_type), std::move(args));
  out->function = fn.get();
  out->owned_function = std::move(fn);
  return out;
}

void RegisterAggregateStateFunctions(FunctionRegistry& r) {
  ScalarFunction finalize;
  finalize.name = "finalize";
  finalize.bind = [](const std::vector<TypePtr>& types) {
    CheckArity("finalize", types, 1, 1);
    if (!arrow::IsAggregateState(*types[0])) NotAState("finalize", types[0]);
    return FunctionBinding{types, AggregateType(StateSpec(*types[0]))};
  };
  finalize.kernel = [](const std::vector<arrow::ArrayDataPtr>& args, const TypePtr& result,
                       int64_t rows) {
    const AggregateSpec spec = StateSpec(*args[0]->type);
    std::vector<Value> out;
    Value holder;
    for (int64_t i = 0; i < rows; ++i) {
      Accumulator acc(spec);
      if (const Value* s = StateAt(*args[0], i, &holder)) acc.MergeState(*s);
      out.push_back(acc.Finish(result));
    }
    return ValuesToArray(result, out);
  };
  r["finalize"] = std::move(finalize);

  ScalarFunction combine;
  combine.name = "combine";
  combine.bind = [](const std::vector<TypePtr>& types) {
    CheckArity("combine", types, 2, 2);
    const TypePtr* state = nullptr;
    for (const TypePtr& t : types) {
      if (IsNullType(*t)) continue;
      if (!arrow::IsAggregateState(*t)) NotAState("combine", t);
      if (state && !(*state)->Equals(*t)) {
        Fail(ErrorKind::kBinder, "combine() takes two states of one aggregate, not {} and {}",
             (*state)->fields()[0]->name(), t->fields()[0]->name());
      }
      state = &t;
    }
    if (!state) NotAState("combine", types[0]);
    return FunctionBinding{{*state, *state}, *state};
  };
  combine.kernel = [](const std::vector<arrow::ArrayDataPtr>& args, const TypePtr& result,
                      int64_t rows) {
    const AggregateSpec spec = StateSpec(*result);
    std::vector<Value> out;
    Value a, b;
    for (int64_t i = 0; i < rows; ++i) {
      const Value* x = StateAt(*args[0], i, &a);
      const Value* y = StateAt(*args[1], i, &b);
      if (!x && !y) {
        // Both NULL, or states holding NULL: whichever is there.
        out.push_back(a.is_null() ? b : a);
        continue;
      }
      Accumulator acc(spec);
      if (x) acc.MergeState(*x);
      if (y) acc.MergeState(*y);
      out.push_back(acc.ExportState(result));
    }
    return ValuesToArray(result, out);
  };
  r["combine"] = std::move(combine);
}

}  // namespace llkv::execution
