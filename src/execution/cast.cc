// CAST between the SQL types LLKV's planner produces.
//
// Numbers: integers widen freely and narrow with a range check; reals to
// integers truncate toward zero (SQLite's rule) and must fit; decimals
// scale exactly. Text parses strictly (surrounding spaces allowed) and
// anything that is not a number, boolean or date of the target type is a
// Conversion Error naming the value and both types.
#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "arrow/temporal.h"
#include "common/ascii.h"
#include "common/bit_util.h"
#include "execution/bit_string.h"
#include "execution/expression.h"
#include "execution/scalar_function.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {

using arrow::ArrayData;
using arrow::ArrayDataPtr;
using arrow::TypeId;

namespace {

[[noreturn]] void CannotConvert(std::string_view value, const arrow::DataType& from,
                                const arrow::DataType& to) {
  const bool text = from.id() == TypeId::kUtf8 || from.id() == TypeId::kLargeUtf8;
  // DuckDB quotes the text with " for a DECIMAL target, with ' otherwise.
  const char quote = to.id() == TypeId::kDecimal128 ? '"' : '\'';
  Fail(ErrorKind::kConversion, "Could not convert {} {}{}{} to {}",
       text ? "string" : SqlTypeName(from), quote, value, quote, SqlTypeName(to));
}

// Row i of a numeric array as int64 / double / (unscaled, scale).
bool IsIntegerType(const arrow::DataType& t) {
  return t.is_integer();
}

int64_t IntAt(const ArrayData& a, int64_t i) {
  const int64_t k = a.offset + i;
  const uint8_t* p = a.buffers[1]->data();
  switch (a.type->id()) {
    case TypeId::kInt8:
      return reinterpret_cast<const int8_t*>(p)[k];
    case TypeId::kInt16:
      return reinterpret_cast<const int16_t*>(p)[k];
    case TypeId::kInt32:
      return reinterpret_cast<const int32_t*>(p)[k];
    case TypeId::kInt64:
      return reinterpret_cast<const int64_t*>(p)[k];
    case TypeId::kUInt8:
      return reinterpret_cast<const uint8_t*>(p)[k];
    case TypeId::kUInt16:
      return reinterpret_cast<const uint16_t*>(p)[k];
    case TypeId::kUInt32:
      return reinterpret_cast<const uint32_t*>(p)[k];
    case TypeId::kUInt64: {
      const uint64_t v = reinterpret_cast<const uint64_t*>(p)[k];
      if (v > static_cast<uint64_t>(INT64_MAX)) {
        Fail(ErrorKind::kConversion, "Type uint64 with value {} is out of range for int64", v);
      }
      return static_cast<int64_t>(v);
    }
    case TypeId::kBool:
      return bit_util::GetBit(p, k) ? 1 : 0;
    default:
      Fail(ErrorKind::kInternal, "IntAt on {}", a.type->ToString());
  }
}

double DoubleAt(const ArrayData& a, int64_t i) {
  const int64_t k = a.offset + i;
  switch (a.type->id()) {
    case TypeId::kFloat32:
      return a.buffers[1]->data_as<float>()[k];
    case TypeId::kFloat64:
      return a.buffers[1]->data_as<double>()[k];
    case TypeId::kDecimal128:
      return static_cast<double>(a.buffers[1]->data_as<arrow::Decimal128>()[k]) /
             std::pow(10.0, a.type->scale());
    default:
      return static_cast<double>(IntAt(a, i));
  }
}

// The shortest text that reads back as the same double, with ".0" for
// whole numbers so that reals stay recognisable (DuckDB's rendering).
std::string DoubleText(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{}", d);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

// Appends value (already range-checked for the target) to an integer builder.
void AppendInt(arrow::ArrayBuilder* b, TypeId id, int64_t v) {
  switch (id) {
    case TypeId::kInt8:
      static_cast<arrow::Int8Builder*>(b)->Append(static_cast<int8_t>(v));
      break;
    case TypeId::kInt16:
      static_cast<arrow::Int16Builder*>(b)->Append(static_cast<int16_t>(v));
      break;
    case TypeId::kInt32:
      static_cast<arrow::Int32Builder*>(b)->Append(static_cast<int32_t>(v));
      break;
    case TypeId::kInt64:
      static_cast<arrow::Int64Builder*>(b)->Append(v);
      break;
    case TypeId::kUInt8:
      static_cast<arrow::UInt8Builder*>(b)->Append(static_cast<uint8_t>(v));
      break;
    case TypeId::kUInt16:
      static_cast<arrow::UInt16Builder*>(b)->Append(static_cast<uint16_t>(v));
      break;
    case TypeId::kUInt32:
      static_cast<arrow::UInt32Builder*>(b)->Append(static_cast<uint32_t>(v));
      break;
    case TypeId::kUInt64:
      static_cast<arrow::UInt64Builder*>(b)->Append(static_cast<uint64_t>(v));
      break;
    default:
      Fail(ErrorKind::kInternal, "AppendInt to {}", static_cast<int>(id));
  }
}

// DuckDB's physical name of an integer type (INT32, UINT8, ...), which its
// range errors use; the SQL name of any other type.
std::string PhysicalName(const arrow::DataType& t) {
  if (!t.is_integer()) return SqlTypeName(t);
  return fmt::format("{}INT{}", t.is_signed_integer() ? "" : "U", t.bit_width());
}

void CheckIntRange(int64_t v, const arrow::DataType& to, const std::string& shown,
                   const arrow::DataType& from) {
  const int bits = to.bit_width();
  bool fits;
  if (to.is_signed_integer()) {
    fits = bits == 64 || (v >= -(int64_t{1} << (bits - 1)) && v < (int64_t{1} << (bits - 1)));
  } else {
    fits = v >= 0 && (bits == 64 || v < (int64_t{1} << bits));
  }
  if (!fits) {
    Fail(ErrorKind::kConversion,
         "Type {} with value {} can't be cast because the value is out of "
         "range for the destination type {}",
         PhysicalName(from), shown, PhysicalName(to));
  }
}

int64_t ParseInt(std::string_view s, const arrow::DataType& from, const arrow::DataType& to) {
  const std::string_view t = Trim(s);
  int64_t v = 0;
  const char* begin = t.data() + (!t.empty() && t[0] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(begin, t.data() + t.size(), v);
  if (ec == std::errc() && end == t.data() + t.size() && begin != end) return v;
  // "1.5" and "1e3" convert through double, as DuckDB does.
  double d = 0;
  auto [dend, dec] = std::from_chars(t.data(), t.data() + t.size(), d);
  if (dec == std::errc() && dend == t.data() + t.size() && std::isfinite(d) &&
      std::fabs(d) < 9.2e18) {
    return static_cast<int64_t>(std::nearbyint(d));
  }
  CannotConvert(s, from, to);
}

double ParseDouble(std::string_view s, const arrow::DataType& from, const arrow::DataType& to) {
  const std::string_view t = Trim(s);
  double d = 0;
  const char* begin = t.data() + (!t.empty() && t[0] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(begin, t.data() + t.size(), d);
  if (ec == std::errc() && end == t.data() + t.size() && begin != end) return d;
  CannotConvert(s, from, to);
}

// x / 10^n rounded half away from zero (as PostgreSQL and DuckDB round).
arrow::Decimal128 DivideRounded(arrow::Decimal128 x, int n) {
  if (n <= 0) return x;
  const arrow::Decimal128 p = DecimalPow10(n);
  const arrow::Decimal128 q = x / p, r = x % p;
  if (r >= 0 ? 2 * r >= p : -2 * r >= p) return x < 0 ? q - 1 : q + 1;
  return q;
}

// Text as an unscaled decimal of `scale` digits after the point, exactly:
// [+-]digits[.digits][e[+-]n], rounded half away from zero. False when the
// text is not a number or has more than 38 significant digits.
bool ParseDecimal(std::string_view s, int scale, arrow::Decimal128* out) {
  const std::string_view t = Trim(s);
  size_t i = 0;
  bool negative = false;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) negative = t[i++] == '-';
  std::string digits;  // all digits, without the point
  int fraction = 0;    // how many of them follow the point
  bool point = false, any = false;
  for (; i < t.size(); ++i) {
    const char c = t[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (!(digits.empty() && c == '0')) digits += c;  // leading zeros add nothing
      if (point) ++fraction;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any) return false;
  int exponent = 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    auto [end, ec] = std::from_chars(t.data() + i + 1 + (i + 1 < t.size() && t[i + 1] == '+'),
                                     t.data() + t.size(), exponent);
    if (ec != std::errc() || exponent > 100 || exponent < -100) return false;
    i = static_cast<size_t>(end - t.data());
  }
  if (i != t.size()) return false;
  // value = digits * 10^(exponent - fraction); wanted: value * 10^scale.
  const int shift = scale + exponent - fraction;
  if (shift < 0 && static_cast<int>(digits.size()) + shift <= 0) {
    // Every digit is below the last place kept: 0, or 1 unit when the
    // first dropped digit rounds up.
    const bool up =
        static_cast<int>(digits.size()) + shift == 0 && !digits.empty() && digits[0] >= '5';
    *out = up ? (negative ? -1 : 1) : 0;
    return true;
  }
  arrow::Decimal128 v = 0;
  const size_t keep = shift >= 0 ? digits.size() : digits.size() - static_cast<size_t>(-shift);
  if (keep + static_cast<size_t>(std::max(shift, 0)) > 38) return false;
  for (size_t k = 0; k < keep; ++k)
    v = v * 10 + (digits[k] - '0');
  if (shift > 0) v *= DecimalPow10(shift);
  if (keep < digits.size() && digits[keep] >= '5') v += 1;
  *out = negative ? -v : v;
  return true;
}

bool ParseBool(std::string_view s, const arrow::DataType& from, const arrow::DataType& to) {
  std::string t(Trim(s));
  for (char& c : t)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "true" || t == "t" || t == "1" || t == "yes" || t == "y") return true;
  if (t == "false" || t == "f" || t == "0" || t == "no" || t == "n") return false;
  CannotConvert(s, from, to);
}

// 'infinity' / '-infinity' (any case, an optional '+'): 1 or -1; else 0.
int Infinity(std::string_view t) {
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
    return EqualsIgnoreCase(t.substr(1), "infinity") ? (t[0] == '-' ? -1 : 1) : 0;
  }
  return EqualsIgnoreCase(t, "infinity") ? 1 : 0;
}

bool ParseTimeOfDay(std::string_view time, int64_t* micros, int64_t* sub_micro_nanos = nullptr);
int64_t TakeUtcOffset(std::string_view* t);

// 'YYYY-MM-DD' (or with '/', ' ' or '\\' between the fields), 'YYYY-MM-DD
// (BC)' (year 1 BC is year 0) or [-]infinity. With `time_allowed`, a time
// of day may follow (and is ignored: a timestamp's text read as a DATE).
int32_t ParseDate(std::string_view s, const arrow::DataType& to, bool time_allowed = true) {
  std::string_view t = Trim(s);
  // DuckDB's messages: "invalid date field format" or "date field value
  // out of range" (timestamp for a timestamp's text).
  auto fail = [&](bool range) -> int32_t {
    const bool date = to.id() == TypeId::kDate32;
    Fail(ErrorKind::kConversion, "{}: \"{}\", expected format is ({})",
         range ? (date ? "date field value out of range" : "timestamp field value out of range")
               : (date ? "invalid date field format" : "invalid timestamp field format"),
         s, date ? "YYYY-MM-DD" : "YYYY-MM-DD HH:MM:SS[.US][+HH:MM]");
  };
  if (const int inf = Infinity(t)) {
    return inf > 0 ? arrow::kDateInfinity : arrow::kDateNegativeInfinity;
  }
  bool bc = false;
  if (t.size() > 4 && EqualsIgnoreCase(t.substr(t.size() - 4), "(BC)")) {
    bc = true;
    t = Trim(t.substr(0, t.size() - 4));
  }
  int64_t y = 0;
  int m = 0, d = 0;
  const char* p = t.data();
  const char* end = t.data() + t.size();
  auto r1 = std::from_chars(p, end, y);
  if (r1.ec != std::errc() || r1.ptr >= end) return fail(false);
  const char sep = *r1.ptr;
  if (sep != '-' && sep != '/' && sep != ' ' && sep != '\\') {
    return fail(false);
  }
  auto r2 = std::from_chars(r1.ptr + 1, end, m);
  if (r2.ec != std::errc() || r2.ptr >= end || *r2.ptr != sep) {
    return fail(false);
  }
  auto r3 = std::from_chars(r2.ptr + 1, end, d);
  if (r3.ec != std::errc()) return fail(false);
  std::string_view rest(r3.ptr, static_cast<size_t>(end - r3.ptr));
  if (!rest.empty()) {
    // A time of day after the date (a timestamp's text): read and dropped.
    int64_t micros = 0;
    std::string_view time = Trim(rest);
    if (!time_allowed || !(std::isspace(static_cast<unsigned char>(rest[0])) || rest[0] == 'T')) {
      return fail(false);
    }
    if (!time.empty() && time[0] == 'T') time.remove_prefix(1);
    TakeUtcOffset(&time);
    if (!ParseTimeOfDay(Trim(time), &micros)) return fail(false);
  }
  const bool year_ok = bc ? y >= 1 : y >= -5877641;
  if (m >= 1 && m <= 12 && d >= 1 && year_ok && y <= 5881580) {
    if (bc) y = 1 - y;
    const int64_t days = arrow::DaysFromCivil(y, m, d);
    if (arrow::CivilFromDays(days).day == d && days > arrow::kDateNegativeInfinity &&
        days < arrow::kDateInfinity) {
      return static_cast<int32_t>(days);
    }
  }
  return fail(true);
}

// 'YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]]' as microseconds since the epoch.
// HH:MM[:SS[.ffffff]] as microseconds since midnight (up to 24:00:00);
// false when the text is not a time of day. Fraction digits past the sixth
// are dropped, or given as nanoseconds (0-999) in `sub_micro_nanos`.
bool ParseTimeOfDay(std::string_view time, int64_t* micros, int64_t* sub_micro_nanos) {
  {
    int h = 0, m = 0, sec = 0;
    const char* p = time.data();
    const char* end = time.data() + time.size();
    auto r1 = std::from_chars(p, end, h);
    bool ok = r1.ec == std::errc() && r1.ptr < end && *r1.ptr == ':';
    const char* q = ok ? r1.ptr + 1 : end;
    auto r2 = std::from_chars(q, end, m);
    ok = ok && r2.ec == std::errc();
    q = r2.ptr;
    if (ok && q < end && *q == ':') {
      auto r3 = std::from_chars(q + 1, end, sec);
      ok = r3.ec == std::errc();
      q = r3.ptr;
    }
    int64_t fraction = 0;
    int64_t nanos = 0;
    if (ok && q < end && *q == '.') {
      int digits = 0;
      for (++q; q < end && std::isdigit(static_cast<unsigned char>(*q)); ++q, ++digits) {
        if (digits < 6) {
          fraction = fraction * 10 + (*q - '0');
        } else if (digits < 9) {
          nanos = nanos * 10 + (*q - '0');
        }
      }
      for (int d = digits; d < 6; ++d)
        fraction *= 10;
      for (int d = std::max(digits, 6); d < 9; ++d)
        nanos *= 10;
    }
    if (sub_micro_nanos != nullptr) *sub_micro_nanos = nanos;
    if (!ok || q != end || h < 0 || m < 0 || sec < 0 || h > 24 || m > 59 || sec > 60) return false;
    *micros = ((int64_t{h} * 60 + m) * 60 + sec) * 1000000 + fraction;
    return *micros <= int64_t{86400} * 1000000;
  }
}

// The UTC offset at the end of a timestamp's text ("+02", "-05:30", "+0530",
// "Z", " UTC"), in microseconds, removed from `t`; 0 when there is none.
int64_t TakeUtcOffset(std::string_view* t) {
  std::string_view v = *t;
  if (v.ends_with("Z") || v.ends_with("z")) {
    *t = Trim(v.substr(0, v.size() - 1));
    return 0;
  }
  for (std::string_view utc : {"UTC", "GMT"}) {
    if (v.size() > utc.size() && EqualsIgnoreCase(v.substr(v.size() - utc.size()), utc)) {
      *t = Trim(v.substr(0, v.size() - utc.size()));
      return 0;
    }
  }
  // [+-]HH[[:]MM] after the time of day (which contains a ':').
  const size_t sign = v.find_last_of("+-");
  if (sign == std::string_view::npos || sign < v.find(':')) return 0;
  std::string_view zone = v.substr(sign + 1);
  int h = 0, m = 0;
  std::string digits;
  for (char c : zone) {
    if (c != ':') digits += c;
  }
  if ((digits.size() != 2 && digits.size() != 4) ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return 0;
  }
  h = (digits[0] - '0') * 10 + (digits[1] - '0');
  if (digits.size() == 4) m = (digits[2] - '0') * 10 + (digits[3] - '0');
  if (h > 15 || m > 59) return 0;
  *t = Trim(v.substr(0, sign));
  const int64_t offset = (int64_t{h} * 60 + m) * 60 * 1000000;
  return v[sign] == '+' ? offset : -offset;
}

// The text of a timestamp as a count of `to`'s unit since the epoch. Digits
// finer than the unit are dropped (the instant is truncated, as DuckDB does).
int64_t ParseTimestamp(std::string_view s, const arrow::DataType& to) {
  std::string_view t = Trim(s);
  if (const int inf = Infinity(t)) {
    return inf > 0 ? arrow::kTimestampInfinity : arrow::kTimestampNegativeInfinity;
  }
  // A zone offset gives the UTC instant (also for a plain TIMESTAMP, as in
  // DuckDB).
  const int64_t offset = TakeUtcOffset(&t);
  size_t split = t.find_first_of(" T");
  std::string date(t.substr(0, split));
  std::string_view time = split == std::string_view::npos ? "" : Trim(t.substr(split + 1));
  if (time.size() >= 4 && EqualsIgnoreCase(time.substr(0, 4), "(BC)")) {  // date (BC) time
    date += " (BC)";
    time = Trim(time.substr(4));
  }
  const int64_t days = ParseDate(date, to, /*time_allowed=*/false);
  int64_t micros = 0;
  int64_t sub_micro = 0;
  if (!time.empty() && !ParseTimeOfDay(time, &micros, &sub_micro)) {
    Fail(ErrorKind::kConversion,
         "invalid timestamp field format: \"{}\", expected format is (YYYY-MM-DD "
         "HH:MM:SS[.US][+HH:MM])",
         s);
  }
  int64_t out = 0;
  if (days == arrow::kDateInfinity || days == arrow::kDateNegativeInfinity ||
      __builtin_mul_overflow(days, int64_t{86400} * 1000000, &out) ||
      __builtin_add_overflow(out, micros - offset, &out) || out == arrow::kTimestampInfinity ||
      out == arrow::kTimestampNegativeInfinity) {
    Fail(ErrorKind::kConversion, "timestamp field value out of range: \"{}\"", s);
  }
  switch (to.unit()) {
    case arrow::TimeUnit::kMicro:
      return out;
    case arrow::TimeUnit::kSecond:
    case arrow::TimeUnit::kMilli: {
      const int64_t per = 1000000 / arrow::UnitsPerSecond(to.unit());
      return out / per - (out % per < 0 ? 1 : 0);
    }
    case arrow::TimeUnit::kNano:
      if (__builtin_mul_overflow(out, int64_t{1000}, &out) ||
          __builtin_add_overflow(out, sub_micro, &out) || out == arrow::kTimestampInfinity ||
          out == arrow::kTimestampNegativeInfinity) {
        Fail(ErrorKind::kConversion, "Could not convert string '{}' to INT64", s);
      }
      return out;
  }
  return out;
}

// A timestamp array in another unit: finer units multiply (a Conversion
// Error past the int64 range), coarser ones round to the nearest, halves
// away from zero. Infinities stay infinite.
ArrayDataPtr RescaleTimestamps(const ArrayData& a, const arrow::TypePtr& to) {
  const int64_t from_per = arrow::UnitsPerSecond(a.type->unit());
  const int64_t to_per = arrow::UnitsPerSecond(to->unit());
  arrow::Int64Builder b(to);
  b.Reserve(a.length);
  const int64_t* in = a.values<int64_t>();
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsNull(i)) {
      b.AppendNull();
      continue;
    }
    int64_t v = in[i];
    if (v != arrow::kTimestampInfinity && v != arrow::kTimestampNegativeInfinity) {
      if (to_per > from_per) {
        if (__builtin_mul_overflow(v, to_per / from_per, &v) || v == arrow::kTimestampInfinity ||
            v == arrow::kTimestampNegativeInfinity) {
          Fail(ErrorKind::kConversion, "Could not cast {} {} to {}: out of range",
               SqlTypeName(*a.type), arrow::FormatValue(a, i), SqlTypeName(*to));
        }
      } else {
        const int64_t per = from_per / to_per;
        const int64_t q = v / per;
        const int64_t r = v % per;
        v = q + (2 * r >= per ? 1 : 2 * r <= -per ? -1 : 0);
      }
    }
    b.Append(v);
  }
  return b.Finish();
}

}  // namespace

namespace {

// Text as a BLOB (DuckDB's rule): each character its byte, \xHH a byte
// by its hex digits.
std::string TextToBlob(std::string_view text) {
  std::string out;
  for (size_t k = 0; k < text.size(); ++k) {
    if (text[k] != '\\') {
      out += text[k];
      continue;
    }
    auto hex = [&](size_t at) {
      return at < text.size() && std::isxdigit(static_cast<unsigned char>(text[at]));
    };
    if (k + 1 >= text.size() || (text[k + 1] != 'x' && text[k + 1] != 'X') || !hex(k + 2) ||
        !hex(k + 3)) {
      Fail(ErrorKind::kConversion,
           "Could not convert string '{}' to BLOB: a backslash must start an escape \\xHH "
           "(two hex digits)",
           text);
    }
    out += static_cast<char>(std::stoi(std::string(text.substr(k + 2, 2)), nullptr, 16));
    k += 3;
  }
  return out;
}

}  // namespace

ArrayDataPtr Cast(const ArrayData& a, const arrow::TypePtr& to) {
  const arrow::DataType& from = *a.type;
  if (from.Equals(*to)) return std::make_shared<ArrayData>(a);
  if (from.id() == TypeId::kNull) return arrow::MakeNullArray(to, a.length);
  if (arrow::IsAggregateState(from) && !arrow::IsAggregateState(*to)) {
    // An aggregate state casts as the state it holds.
    const arrow::TypePtr& inner = from.fields()[0]->type();
    std::vector<Value> values;
    for (int64_t i = 0; i < a.length; ++i) {
      const Value s = Value::FromArray(a, i);
      values.push_back(s.is_null() ? Value::Null(inner) : s.elements()[0]);
    }
    return Cast(*ValuesToArray(inner, values), to);
  }
  if (from.is_nested() || to->is_nested()) return CastNested(a, to);
  if (arrow::IsBitString(from) || arrow::IsBitString(*to)) return CastBitString(a, to);
  const bool from_text = from.id() == TypeId::kUtf8 || from.id() == TypeId::kLargeUtf8;
  // Timestamps in units other than microseconds convert through a timestamp
  // in microseconds, except from and to text, which keep every digit.
  const bool from_ts = from.id() == TypeId::kTimestamp;
  const bool to_ts = to->id() == TypeId::kTimestamp;
  const bool to_text = to->id() == TypeId::kUtf8 || to->id() == TypeId::kLargeUtf8;
  if (from_ts && to_ts && from.unit() != to->unit()) return RescaleTimestamps(a, to);
  if (from_ts && from.unit() != arrow::TimeUnit::kMicro && !to_ts && !to_text) {
    return Cast(*RescaleTimestamps(a, arrow::timestamp(from.timezone())), to);
  }
  if (to_ts && to->unit() != arrow::TimeUnit::kMicro && !from_ts && !from_text) {
    return RescaleTimestamps(*Cast(a, arrow::timestamp(to->timezone())), to);
  }
  auto b = arrow::MakeBuilder(to);
  b->Reserve(a.length);
  // Numbers and booleans come only from numbers, booleans and text.
  auto number_like = [](const arrow::DataType& t) {
    return t.is_integer() || t.is_floating() || t.id() == TypeId::kDecimal128 ||
           t.id() == TypeId::kBool;
  };
  if (number_like(*to) && !number_like(from) && !from_text) {
    Fail(ErrorKind::kConversion, "Unimplemented type for cast ({} -> {})", SqlTypeName(from),
         SqlTypeName(*to));
  }
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsNull(i)) {
      b->AppendNull();
      continue;
    }
    switch (to->id()) {
      case TypeId::kInt8:
      case TypeId::kInt16:
      case TypeId::kInt32:
      case TypeId::kInt64:
      case TypeId::kUInt8:
      case TypeId::kUInt16:
      case TypeId::kUInt32:
      case TypeId::kUInt64: {
        int64_t v;
        std::string shown;
        if (from_text) {
          v = ParseInt(arrow::BinaryValueAt(a, i), from, *to);
          shown = std::string(arrow::BinaryValueAt(a, i));
        } else if (IsIntegerType(from) || from.id() == TypeId::kBool) {
          v = IntAt(a, i);
          shown = std::to_string(v);
        } else if (from.id() == TypeId::kDecimal128) {
          const arrow::Decimal128 raw = a.buffers[1]->data_as<arrow::Decimal128>()[a.offset + i];
          const arrow::Decimal128 whole = raw / DecimalPow10(from.scale());
          shown = arrow::FormatDecimal128(raw, from.scale());
          const int64_t bits = to->bit_width();
          const bool fits = to->is_signed_integer()
                                ? whole >= -(arrow::Decimal128(1) << (bits - 1)) &&
                                      whole < (arrow::Decimal128(1) << (bits - 1))
                                : whole >= 0 && whole < (arrow::Decimal128(1) << bits);
          if (!fits) {
            Fail(ErrorKind::kConversion, "Failed to cast decimal value {} to type {}", shown,
                 SqlTypeName(*to));
          }
          v = static_cast<int64_t>(whole);
        } else if (from.is_floating()) {
          const double d = DoubleAt(a, i);
          shown = DoubleText(d);
          if (!std::isfinite(d) || std::fabs(d) >= 9.2233720368547758e18) {
            Fail(ErrorKind::kConversion,
                 "Type {} with value {} can't be cast because the value is out of range for "
                 "the destination type {}",
                 PhysicalName(from), shown, PhysicalName(*to));
          }
          v = static_cast<int64_t>(std::nearbyint(d));
        } else {
          Fail(ErrorKind::kConversion, "Unimplemented type for cast ({} -> {})", from.ToString(),
               to->ToString());
        }
        CheckIntRange(v, *to, shown, from);
        AppendInt(b.get(), to->id(), v);
        break;
      }
      case TypeId::kFloat32:
      case TypeId::kFloat64: {
        const double d =
            from_text ? ParseDouble(arrow::BinaryValueAt(a, i), from, *to) : DoubleAt(a, i);
        if (to->id() == TypeId::kFloat32)
          static_cast<arrow::FloatBuilder*>(b.get())->Append(static_cast<float>(d));
        else
          static_cast<arrow::DoubleBuilder*>(b.get())->Append(d);
        break;
      }
      case TypeId::kDecimal128: {
        const arrow::Decimal128 scale = DecimalPow10(to->scale());
        const arrow::Decimal128 limit = DecimalPow10(to->precision());
        arrow::Decimal128 v;
        bool overflow = false;
        if (IsIntegerType(from) || from.id() == TypeId::kBool) {
          overflow = __builtin_mul_overflow(arrow::Decimal128(IntAt(a, i)), scale, &v);
        } else if (from.id() == TypeId::kDecimal128) {
          const arrow::Decimal128 raw = a.buffers[1]->data_as<arrow::Decimal128>()[a.offset + i];
          const int diff = to->scale() - from.scale();
          if (diff >= 0) {
            overflow = __builtin_mul_overflow(raw, DecimalPow10(diff), &v);
          } else {
            v = DivideRounded(raw, -diff);
          }
        } else if (from_text) {
          if (!ParseDecimal(arrow::BinaryValueAt(a, i), to->scale(), &v)) {
            CannotConvert(arrow::BinaryValueAt(a, i), from, *to);
          }
        } else {
          const double scaled = std::round(DoubleAt(a, i) * std::pow(10.0, to->scale()));
          overflow = !std::isfinite(scaled) || std::fabs(scaled) >= 1e38;
          if (!overflow) v = static_cast<arrow::Decimal128>(scaled);
        }
        if (overflow || v >= limit || v <= -limit) {
          if (from_text) CannotConvert(arrow::BinaryValueAt(a, i), from, *to);
          // DuckDB's two wordings: from a DECIMAL, and from a number.
          if (from.id() == TypeId::kDecimal128) {
            Fail(ErrorKind::kConversion,
                 "Casting value \"{}\" to type {} failed: value is out of range!",
                 arrow::FormatValue(a, i), SqlTypeName(*to));
          }
          Fail(ErrorKind::kConversion, "Could not cast value {} to {}", arrow::FormatValue(a, i),
               SqlTypeName(*to));
        }
        static_cast<arrow::Decimal128Builder*>(b.get())->Append(v);
        break;
      }
      case TypeId::kBool: {
        bool v;
        if (from_text)
          v = ParseBool(arrow::BinaryValueAt(a, i), from, *to);
        else if (from.is_floating())
          v = DoubleAt(a, i) != 0;
        else
          v = IntAt(a, i) != 0;
        static_cast<arrow::BooleanBuilder*>(b.get())->Append(v);
        break;
      }
      case TypeId::kUtf8:
      case TypeId::kLargeUtf8: {
        const std::string text =
            from.is_floating() ? DoubleText(DoubleAt(a, i)) : arrow::FormatValue(a, i);
        if (to->id() == TypeId::kUtf8)
          static_cast<arrow::StringBuilder*>(b.get())->Append(text);
        else
          static_cast<arrow::LargeStringBuilder*>(b.get())->Append(text);
        break;
      }
      case TypeId::kIntervalMonthDayNano: {
        if (!from_text) {
          Fail(ErrorKind::kConversion, "Unimplemented type for cast ({} -> interval)",
               from.ToString());
        }
        static_cast<arrow::MonthDayNanoBuilder*>(b.get())->Append(
            ParseInterval(arrow::BinaryValueAt(a, i)));
        break;
      }
      case TypeId::kTimestamp: {
        int64_t v;
        if (from_text) {
          v = ParseTimestamp(arrow::BinaryValueAt(a, i), *to);
        } else if (from.id() == TypeId::kDate32) {
          const int32_t d = a.values<int32_t>()[i];
          if (d == arrow::kDateInfinity || d == arrow::kDateNegativeInfinity) {
            v = d > 0 ? arrow::kTimestampInfinity : arrow::kTimestampNegativeInfinity;
          } else if (__builtin_mul_overflow(int64_t{d}, int64_t{86400} * 1000000, &v)) {
            Fail(ErrorKind::kConversion, "date {} is out of the timestamp range",
                 arrow::FormatValue(a, i));
          }
        } else if (from.id() == TypeId::kTimestamp) {
          // With and without a time zone: the session's zone is UTC.
          v = a.values<int64_t>()[i];
        } else {
          Fail(ErrorKind::kConversion, "Unimplemented type for cast ({} -> timestamp)",
               from.ToString());
        }
        static_cast<arrow::Int64Builder*>(b.get())->Append(v);
        break;
      }
      case TypeId::kTime64: {
        int64_t v = 0;
        if (from_text) {
          if (!ParseTimeOfDay(Trim(arrow::BinaryValueAt(a, i)), &v)) {
            CannotConvert(arrow::BinaryValueAt(a, i), from, *to);
          }
        } else if (from.id() == TypeId::kTimestamp) {
          const int64_t day = int64_t{86400} * 1000000;
          v = a.values<int64_t>()[i] % day;
          if (v < 0) v += day;
        } else {
          Fail(ErrorKind::kConversion, "Unimplemented type for cast ({} -> time)", from.ToString());
        }
        static_cast<arrow::Int64Builder*>(b.get())->Append(v);
        break;
      }
      case TypeId::kDate32: {
        if (from.id() == TypeId::kTimestamp) {
          const int64_t t = a.values<int64_t>()[i];
          if (t == arrow::kTimestampInfinity || t == arrow::kTimestampNegativeInfinity) {
            static_cast<arrow::Int32Builder*>(b.get())->Append(
                t > 0 ? arrow::kDateInfinity : arrow::kDateNegativeInfinity);
            break;
          }
          const int64_t day = int64_t{86400} * 1000000;
          static_cast<arrow::Int32Builder*>(b.get())->Append(
              static_cast<int32_t>(t / day - (t % day < 0 ? 1 : 0)));
          break;
        }
        if (!from_text) {
          Fail(ErrorKind::kConversion, "Unimplemented type for cast ({} -> date32)",
               from.ToString());
        }
        static_cast<arrow::Int32Builder*>(b.get())->Append(
            ParseDate(arrow::BinaryValueAt(a, i), *to));
        break;
      }
      case TypeId::kBinary: {
        if (!from_text) {
          Fail(ErrorKind::kConversion, "Unimplemented type for cast ({} -> BLOB)",
               SqlTypeName(from));
        }
        static_cast<arrow::BinaryBuilder*>(b.get())->Append(TextToBlob(arrow::BinaryValueAt(a, i)));
        break;
      }
      default:
        Fail(ErrorKind::kConversion, "Unimplemented type for cast ({} -> {})", from.ToString(),
             to->ToString());
    }
  }
  return b->Finish();
}

ArrayDataPtr TextToReal(const ArrayData& a) {
  arrow::DoubleBuilder b(arrow::float64());
  b.Reserve(a.length);
  for (int64_t i = 0; i < a.length; ++i) {
    if (!a.IsValid(i)) {
      b.AppendNull();
      continue;
    }
    std::string_view t = arrow::BinaryValueAt(a, i);
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front())))
      t.remove_prefix(1);
    if (!t.empty() && t[0] == '+') t.remove_prefix(1);
    double d = 0;
    // from_chars stops at the first character that cannot continue a
    // number, which is the prefix SQLite reads; it also accepts "inf" and
    // "nan", which SQLite does not.
    const bool word =
        !t.empty() &&
        (std::isalpha(static_cast<unsigned char>(t[0])) ||
         (t.size() > 1 && t[0] == '-' && std::isalpha(static_cast<unsigned char>(t[1]))));
    if (!word) std::from_chars(t.data(), t.data() + t.size(), d);
    b.Append(d);
  }
  return b.Finish();
}

}  // namespace llkv::execution
