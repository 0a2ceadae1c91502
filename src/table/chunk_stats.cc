#include "table/chunk_stats.h"

#include <cmath>
#include <string_view>

#include "common/bit_util.h"

namespace llkv::table {

using arrow::ArrayData;
using arrow::TypeId;
using Int = __int128;

namespace {

// A value lifted into one of three comparable domains.
struct Num {
  bool is_float;
  Int i;
  double d;
};

int CompareDouble(double a, double b) {
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Exact comparison of an integer with a double.
int CompareIntDouble(Int i, double d) {
  if (std::isnan(d)) return -1;
  constexpr double kTwo127 = 170141183460469231731687303715884105728.0;
  if (d >= kTwo127) return -1;
  if (d < -kTwo127) return 1;
  const double t = std::trunc(d);
  const Int ti = static_cast<Int>(t);
  if (i != ti) return i < ti ? -1 : 1;
  const double frac = d - t;
  return frac > 0 ? -1 : (frac < 0 ? 1 : 0);
}

int CompareNum(const Num& a, const Num& b) {
  if (!a.is_float && !b.is_float) return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  if (a.is_float && b.is_float) return CompareDouble(a.d, b.d);
  if (!a.is_float) return CompareIntDouble(a.i, b.d);
  return -CompareIntDouble(b.i, a.d);
}

std::optional<Num> AsNum(const StatValue& v) {
  switch (v.index()) {
    case 1:
      return Num{false, std::get<int64_t>(v), 0};
    case 2:
      return Num{false, static_cast<Int>(std::get<uint64_t>(v)), 0};
    case 3:
      return Num{true, 0, std::get<double>(v)};
    case 4:
      return Num{false, std::get<arrow::Decimal128>(v), 0};
    default:
      return std::nullopt;
  }
}

const char* KindName(const StatValue& v) {
  switch (v.index()) {
    case 0:
      return "null";
    case 5:
      return "string";
    default:
      return "number";
  }
}

}  // namespace

int CompareStatValues(const StatValue& a, const StatValue& b) {
  auto na = AsNum(a), nb = AsNum(b);
  if (na && nb) return CompareNum(*na, *nb);
  if (a.index() == 5 && b.index() == 5) {
    const int c = std::get<std::string>(a).compare(std::get<std::string>(b));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  Fail(ErrorKind::kInvalidInput, "cannot compare a {} with a {}", KindName(a), KindName(b));
}

namespace {

enum class Domain { kInt, kUInt, kFloat, kDecimal, kString, kNone };

Domain DomainOf(const arrow::DataType& t) {
  switch (t.id()) {
    case TypeId::kBool:
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDate32:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
      return Domain::kInt;
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
      return Domain::kUInt;
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return Domain::kFloat;
    case TypeId::kDecimal128:
      return Domain::kDecimal;
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary:
      return Domain::kString;
    default:
      return Domain::kNone;
  }
}

// Calls f(i, value) for every valid row, with value typed per layout.
template <typename F>
void ForEachValid(const ArrayData& a, F&& f) {
  const uint8_t* validity = a.validity();
  auto valid = [&](int64_t i) {
    return validity == nullptr || bit_util::GetBit(validity, a.offset + i);
  };
  switch (a.type->id()) {
    case TypeId::kBool: {
      const uint8_t* bits = a.buffers[1]->data();
      for (int64_t i = 0; i < a.length; ++i)
        if (valid(i)) f(i, StatValue(int64_t{bit_util::GetBit(bits, a.offset + i)}));
      return;
    }
#define LLKV_STAT_CASE(ID, CT, ST)                          \
  case TypeId::ID: {                                        \
    const CT* v = a.values<CT>();                           \
    for (int64_t i = 0; i < a.length; ++i)                  \
      if (valid(i)) f(i, StatValue(static_cast<ST>(v[i]))); \
    return;                                                 \
  }
      LLKV_STAT_CASE(kInt8, int8_t, int64_t)
      LLKV_STAT_CASE(kInt16, int16_t, int64_t)
      LLKV_STAT_CASE(kInt32, int32_t, int64_t)
      LLKV_STAT_CASE(kDate32, int32_t, int64_t)
      LLKV_STAT_CASE(kInt64, int64_t, int64_t)
      LLKV_STAT_CASE(kTimestamp, int64_t, int64_t)
      LLKV_STAT_CASE(kTime64, int64_t, int64_t)
      LLKV_STAT_CASE(kUInt8, uint8_t, uint64_t)
      LLKV_STAT_CASE(kUInt16, uint16_t, uint64_t)
      LLKV_STAT_CASE(kUInt32, uint32_t, uint64_t)
      LLKV_STAT_CASE(kUInt64, uint64_t, uint64_t)
      LLKV_STAT_CASE(kFloat32, float, double)
      LLKV_STAT_CASE(kFloat64, double, double)
      LLKV_STAT_CASE(kDecimal128, arrow::Decimal128, arrow::Decimal128)
#undef LLKV_STAT_CASE
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary:
      for (int64_t i = 0; i < a.length; ++i)
        if (valid(i)) f(i, StatValue(std::string(arrow::BinaryValueAt(a, i))));
      return;
    default:
      return;
  }
}

// Typed min/max without building a StatValue per row.
template <typename CT, typename ST>
ChunkStats NumericStats(const ArrayData& a) {
  const CT* v = a.values<CT>();
  const uint8_t* validity = a.validity();
  bool any = false;
  CT lo{}, hi{};
  bool nan = false;
  for (int64_t i = 0; i < a.length; ++i) {
    if (validity && !bit_util::GetBit(validity, a.offset + i)) continue;
    const CT x = v[i];
    if constexpr (std::is_floating_point_v<CT>) {
      if (std::isnan(x)) {
        nan = true;
        continue;
      }
    }
    if (!any) {
      lo = hi = x;
      any = true;
    } else {
      if (x < lo) lo = x;
      if (hi < x) hi = x;
    }
  }
  ChunkStats s;
  if (any) {
    s.min = StatValue(static_cast<ST>(lo));
    s.max = StatValue(static_cast<ST>(hi));
  }
  if (nan) {  // NaN is the greatest value
    if (!any) s.min = StatValue(std::nan(""));
    s.max = StatValue(std::nan(""));
  }
  return s;
}

}  // namespace

bool SupportsPredicates(const arrow::DataType& type) {
  return DomainOf(type) != Domain::kNone;
}

ChunkStats ComputeStats(const ArrayData& a) {
  switch (a.type->id()) {
    case TypeId::kInt8:
      return NumericStats<int8_t, int64_t>(a);
    case TypeId::kInt16:
      return NumericStats<int16_t, int64_t>(a);
    case TypeId::kInt32:
    case TypeId::kDate32:
      return NumericStats<int32_t, int64_t>(a);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
      return NumericStats<int64_t, int64_t>(a);
    case TypeId::kUInt8:
      return NumericStats<uint8_t, uint64_t>(a);
    case TypeId::kUInt16:
      return NumericStats<uint16_t, uint64_t>(a);
    case TypeId::kUInt32:
      return NumericStats<uint32_t, uint64_t>(a);
    case TypeId::kUInt64:
      return NumericStats<uint64_t, uint64_t>(a);
    case TypeId::kFloat32:
      return NumericStats<float, double>(a);
    case TypeId::kFloat64:
      return NumericStats<double, double>(a);
    case TypeId::kDecimal128:
      return NumericStats<arrow::Decimal128, arrow::Decimal128>(a);
    case TypeId::kBool: {
      ChunkStats s;
      ForEachValid(a, [&](int64_t, const StatValue& v) {
        if (!s.min || CompareStatValues(v, *s.min) < 0) s.min = v;
        if (!s.max || CompareStatValues(v, *s.max) > 0) s.max = v;
      });
      return s;
    }
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary: {
      std::optional<std::string_view> lo, hi;
      const uint8_t* validity = a.validity();
      for (int64_t i = 0; i < a.length; ++i) {
        if (validity && !bit_util::GetBit(validity, a.offset + i)) continue;
        std::string_view v = arrow::BinaryValueAt(a, i);
        if (!lo || v < *lo) lo = v;
        if (!hi || v > *hi) hi = v;
      }
      ChunkStats s;
      if (lo) s.min = StatValue(std::string(lo->substr(0, kMaxStatBytes)));
      if (hi && hi->size() <= kMaxStatBytes) s.max = StatValue(std::string(*hi));
      return s;
    }
    default:
      return {};
  }
}

namespace {

void EncodeValue(ByteWriter& w, const std::optional<StatValue>& v) {
  if (!v) {
    w.Put(uint8_t{0xFF});
    return;
  }
  w.Put(static_cast<uint8_t>(v->index()));
  switch (v->index()) {
    case 1:
      w.Put(std::get<int64_t>(*v));
      break;
    case 2:
      w.Put(std::get<uint64_t>(*v));
      break;
    case 3:
      w.Put(std::get<double>(*v));
      break;
    case 4:
      w.Put(std::get<arrow::Decimal128>(*v));
      break;
    case 5:
      w.PutString(std::get<std::string>(*v));
      break;
    default:
      break;
  }
}

std::optional<StatValue> DecodeValue(ByteReader& r) {
  switch (r.Get<uint8_t>()) {
    case 0xFF:
      return std::nullopt;
    case 0:
      return StatValue{};
    case 1:
      return StatValue(r.Get<int64_t>());
    case 2:
      return StatValue(r.Get<uint64_t>());
    case 3:
      return StatValue(r.Get<double>());
    case 4:
      return StatValue(r.Get<arrow::Decimal128>());
    case 5:
      return StatValue(r.GetString());
    default:
      r.Corrupt("unknown statistics value kind");
  }
}

}  // namespace

void EncodeStats(ByteWriter& w, const ChunkStats& s) {
  EncodeValue(w, s.min);
  EncodeValue(w, s.max);
}

ChunkStats DecodeStats(ByteReader& r) {
  ChunkStats s;
  s.min = DecodeValue(r);
  s.max = DecodeValue(r);
  return s;
}

std::string Predicate::ToString() const {
  auto show = [](const StatValue& v) -> std::string {
    switch (v.index()) {
      case 1:
        return std::to_string(std::get<int64_t>(v));
      case 2:
        return std::to_string(std::get<uint64_t>(v));
      case 3:
        return fmt::format("{}", std::get<double>(v));
      case 4:
        return "decimal";
      case 5:
        return "'" + std::get<std::string>(v) + "'";
      default:
        return "NULL";
    }
  };
  switch (op) {
    case Op::kEq:
      return "= " + show(value);
    case Op::kNe:
      return "<> " + show(value);
    case Op::kLt:
      return "< " + show(value);
    case Op::kLe:
      return "<= " + show(value);
    case Op::kGt:
      return "> " + show(value);
    case Op::kGe:
      return ">= " + show(value);
    case Op::kBetween:
      return "BETWEEN " + show(value) + " AND " + show(upper);
    case Op::kIsNull:
      return "IS NULL";
    case Op::kIsNotNull:
      return "IS NOT NULL";
  }
  return "?";
}

void CheckPredicate(const Predicate& p, const arrow::DataType& type) {
  const Domain d = DomainOf(type);
  if (d == Domain::kNone) {
    if (p.op == Predicate::Op::kIsNull || p.op == Predicate::Op::kIsNotNull) return;
    Fail(ErrorKind::kInvalidInput, "column of type {} does not support predicate {}",
         type.ToString(), p.ToString());
  }
  auto check = [&](const StatValue& v) {
    const bool is_string = v.index() == 5;
    if (v.index() == 0 || is_string != (d == Domain::kString)) {
      Fail(ErrorKind::kInvalidInput, "predicate {} does not apply to a column of type {}",
           p.ToString(), type.ToString());
    }
  };
  switch (p.op) {
    case Predicate::Op::kIsNull:
    case Predicate::Op::kIsNotNull:
      return;
    case Predicate::Op::kBetween:
      check(p.upper);
      [[fallthrough]];
    default:
      check(p.value);
  }
}

bool MayMatch(const Predicate& p, const ChunkStats& s, uint64_t rows, uint64_t null_count) {
  using Op = Predicate::Op;
  if (p.op == Op::kIsNull) return null_count > 0;
  if (p.op == Op::kIsNotNull) return null_count < rows;
  if (null_count == rows) return false;  // comparisons never match NULL
  // c(x) < 0: x below the predicate value; unknown bounds never prune.
  const bool has_min = s.min && s.min->index() != 0, has_max = s.max && s.max->index() != 0;
  switch (p.op) {
    case Op::kEq:
      return !(has_min && CompareStatValues(*s.min, p.value) > 0) &&
             !(has_max && CompareStatValues(*s.max, p.value) < 0);
    case Op::kNe:
      return !(has_min && has_max && CompareStatValues(*s.min, p.value) == 0 &&
               CompareStatValues(*s.max, p.value) == 0);
    case Op::kLt:
      return !(has_min && CompareStatValues(*s.min, p.value) >= 0);
    case Op::kLe:
      return !(has_min && CompareStatValues(*s.min, p.value) > 0);
    case Op::kGt:
      return !(has_max && CompareStatValues(*s.max, p.value) <= 0);
    case Op::kGe:
      return !(has_max && CompareStatValues(*s.max, p.value) < 0);
    case Op::kBetween:
      return !(has_max && CompareStatValues(*s.max, p.value) < 0) &&
             !(has_min && CompareStatValues(*s.min, p.upper) > 0);
    default:
      return true;
  }
}

namespace {

bool Satisfies(const Predicate& p, int c_value, int c_upper) {
  using Op = Predicate::Op;
  switch (p.op) {
    case Op::kEq:
      return c_value == 0;
    case Op::kNe:
      return c_value != 0;
    case Op::kLt:
      return c_value < 0;
    case Op::kLe:
      return c_value <= 0;
    case Op::kGt:
      return c_value > 0;
    case Op::kGe:
      return c_value >= 0;
    case Op::kBetween:
      return c_value >= 0 && c_upper <= 0;
    default:
      return false;
  }
}

// Typed filter: compares each value with the predicate bounds lifted to Num.
template <typename CT>
void FilterNumeric(const Predicate& p, const ArrayData& a, bool is_float,
                   std::vector<int64_t>& out) {
  const Num lo = *AsNum(p.value);
  const std::optional<Num> hi =
      p.op == Predicate::Op::kBetween ? AsNum(p.upper) : std::optional<Num>{};
  const CT* v = a.values<CT>();
  const uint8_t* validity = a.validity();
  for (int64_t i = 0; i < a.length; ++i) {
    if (validity && !bit_util::GetBit(validity, a.offset + i)) continue;
    Num x =
        is_float ? Num{true, 0, static_cast<double>(v[i])} : Num{false, static_cast<Int>(v[i]), 0};
    if (Satisfies(p, CompareNum(x, lo), hi ? CompareNum(x, *hi) : 0)) out.push_back(i);
  }
}

}  // namespace

std::vector<int64_t> FilterPositions(const Predicate& p, const ArrayData& a) {
  CheckPredicate(p, *a.type);
  std::vector<int64_t> out;
  using Op = Predicate::Op;
  if (p.op == Op::kIsNull || p.op == Op::kIsNotNull) {
    const bool want_null = p.op == Op::kIsNull;
    for (int64_t i = 0; i < a.length; ++i) {
      if (a.IsNull(i) == want_null) out.push_back(i);
    }
    return out;
  }
  switch (a.type->id()) {
    case TypeId::kInt8:
      FilterNumeric<int8_t>(p, a, false, out);
      break;
    case TypeId::kInt16:
      FilterNumeric<int16_t>(p, a, false, out);
      break;
    case TypeId::kInt32:
    case TypeId::kDate32:
      FilterNumeric<int32_t>(p, a, false, out);
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
      FilterNumeric<int64_t>(p, a, false, out);
      break;
    case TypeId::kUInt8:
      FilterNumeric<uint8_t>(p, a, false, out);
      break;
    case TypeId::kUInt16:
      FilterNumeric<uint16_t>(p, a, false, out);
      break;
    case TypeId::kUInt32:
      FilterNumeric<uint32_t>(p, a, false, out);
      break;
    case TypeId::kUInt64:
      FilterNumeric<uint64_t>(p, a, false, out);
      break;
    case TypeId::kFloat32:
      FilterNumeric<float>(p, a, true, out);
      break;
    case TypeId::kFloat64:
      FilterNumeric<double>(p, a, true, out);
      break;
    case TypeId::kDecimal128:
      FilterNumeric<arrow::Decimal128>(p, a, false, out);
      break;
    default:
      ForEachValid(a, [&](int64_t i, const StatValue& v) {
        const int c = CompareStatValues(v, p.value);
        const int cu = p.op == Op::kBetween ? CompareStatValues(v, p.upper) : 0;
        if (Satisfies(p, c, cu)) out.push_back(i);
      });
      break;
  }
  return out;
}

}  // namespace llkv::table
