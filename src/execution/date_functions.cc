// Date and time functions of the library: make_date, last_day, date_trunc,
// date_diff / datediff, strftime, strptime, current_date / today,
// now / current_timestamp / get_current_timestamp (epoch functions:
// epoch_functions.cc).
// Dates are days since 1970-01-01, timestamps microseconds since then (no
// time zone); the calendar is the proleptic Gregorian one.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "arrow/temporal.h"
#include "common/ascii.h"
#include "execution/expression.h"
#include "execution/function_registry.h"

namespace llkv::execution {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

bool IsTemporal(const arrow::DataType& t) {
  return t.id() == arrow::TypeId::kDate32 || t.id() == arrow::TypeId::kTimestamp;
}

// A date or timestamp argument as microseconds.
// A date or timestamp as microseconds since the epoch; an Out of Range
// error for a date beyond the timestamp range (about 290,000 years).
int64_t Micros(const Value& v) {
  const int64_t raw = v.int64();
  const bool infinite =
      v.type()->id() == arrow::TypeId::kDate32
          ? std::abs(raw) == arrow::kDateInfinity
          : raw == arrow::kTimestampInfinity || raw == arrow::kTimestampNegativeInfinity;
  if (infinite) {
    Fail(ErrorKind::kOutOfRange, "{} is infinite: it has no calendar fields", v.ToString());
  }
  if (v.type()->id() != arrow::TypeId::kDate32) return raw;
  int64_t out = 0;
  if (__builtin_mul_overflow(v.int64(), kMicrosPerDay, &out)) {
    Fail(ErrorKind::kOutOfRange, "date {} is out of the timestamp range", v.ToString());
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// `t` (microseconds) truncated to the start of its `part`.
int64_t Truncate(const std::string& part_in, int64_t t) {
  const std::string part = Lower(part_in);
  const int64_t days = FloorDiv(t, kMicrosPerDay);
  const int64_t micros = t - days * kMicrosPerDay;
  const arrow::CivilDate c = arrow::CivilFromDays(days);
  auto at_day = [](int64_t d) { return d * kMicrosPerDay; };
  if (part == "millennium" || part == "millennia") {
    return at_day(arrow::DaysFromCivil(FloorDiv(c.year - 1, 1000) * 1000 + 1, 1, 1));
  }
  if (part == "century" || part == "centuries") {
    return at_day(arrow::DaysFromCivil(FloorDiv(c.year - 1, 100) * 100 + 1, 1, 1));
  }
  if (part == "decade" || part == "decades") {
    return at_day(arrow::DaysFromCivil(FloorDiv(c.year, 10) * 10, 1, 1));
  }
  if (part == "year" || part == "years" || part == "y" || part == "yr") {
    return at_day(arrow::DaysFromCivil(c.year, 1, 1));
  }
  if (part == "quarter" || part == "quarters") {
    return at_day(arrow::DaysFromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1));
  }
  if (part == "month" || part == "months" || part == "mon") {
    return at_day(arrow::DaysFromCivil(c.year, c.month, 1));
  }
  if (part == "week" || part == "weeks" || part == "w" || part == "yearweek") {
    const int64_t isodow = ((days % 7) + 7 + 3) % 7;  // Monday = 0
    return at_day(days - isodow);
  }
  if (part == "isoyear") {
    // The Monday of ISO week 1: the week holding January 4th.
    auto week1 = [](int64_t year) {
      const int64_t jan4 = arrow::DaysFromCivil(year, 1, 4);
      return jan4 - ((jan4 % 7) + 7 + 3) % 7;
    };
    int64_t start = week1(c.year + 1);
    if (days < start) start = week1(c.year);
    if (days < start) start = week1(c.year - 1);
    return at_day(start);
  }
  if (part == "day" || part == "days" || part == "d" || part == "dayofmonth" || part == "doy" ||
      part == "dayofyear" || part == "dow" || part == "dayofweek" || part == "isodow" ||
      part == "julian") {
    return at_day(days);
  }
  if (part == "hour" || part == "hours" || part == "h") {
    return at_day(days) + micros / 3600000000 * 3600000000;
  }
  if (part == "minute" || part == "minutes" || part == "min" || part == "m") {
    return at_day(days) + micros / 60000000 * 60000000;
  }
  if (part == "second" || part == "seconds" || part == "s" || part == "sec") {
    return at_day(days) + micros / kMicrosPerSecond * kMicrosPerSecond;
  }
  if (part == "millisecond" || part == "milliseconds" || part == "ms") {
    return at_day(days) + micros / 1000 * 1000;
  }
  if (part == "microsecond" || part == "microseconds" || part == "us") return t;
  Fail(ErrorKind::kInvalidInput, "unsupported date part \"{}\" for date_trunc", part_in);
}

// The number of `part` boundaries crossed from a to b (DuckDB's date_diff).
int64_t Diff(const std::string& part_in, int64_t a, int64_t b) {
  const std::string part = Lower(part_in);
  const arrow::CivilDate ca = arrow::CivilFromDays(FloorDiv(a, kMicrosPerDay));
  const arrow::CivilDate cb = arrow::CivilFromDays(FloorDiv(b, kMicrosPerDay));
  if (part == "year" || part == "years" || part == "y" || part == "yr") return cb.year - ca.year;
  if (part == "quarter" || part == "quarters") {
    return (cb.year - ca.year) * 4 + (cb.month - 1) / 3 - (ca.month - 1) / 3;
  }
  if (part == "month" || part == "months" || part == "mon") {
    return (cb.year - ca.year) * 12 + cb.month - ca.month;
  }
  if (part == "decade" || part == "decades") return FloorDiv(cb.year, 10) - FloorDiv(ca.year, 10);
  if (part == "century" || part == "centuries") {
    return FloorDiv(cb.year - 1, 100) - FloorDiv(ca.year - 1, 100);
  }
  if (part == "week" || part == "weeks" || part == "w") {
    return (Truncate("week", b) - Truncate("week", a)) / (7 * kMicrosPerDay);
  }
  auto units = [&](int64_t unit) { return FloorDiv(b, unit) - FloorDiv(a, unit); };
  if (part == "day" || part == "days" || part == "d" || part == "dayofmonth") {
    return units(kMicrosPerDay);
  }
  if (part == "hour" || part == "hours" || part == "h") return units(3600 * kMicrosPerSecond);
  if (part == "minute" || part == "minutes" || part == "min" || part == "m") {
    return units(60 * kMicrosPerSecond);
  }
  if (part == "second" || part == "seconds" || part == "s" || part == "sec") {
    return units(kMicrosPerSecond);
  }
  if (part == "millisecond" || part == "milliseconds" || part == "ms") return units(1000);
  if (part == "microsecond" || part == "microseconds" || part == "us") return b - a;
  Fail(ErrorKind::kInvalidInput, "unsupported date part \"{}\" for date_diff", part_in);
}

// strftime's conversions (%Y %m %d %H %M %S %f %g %j %a %A %b %B %y %p %I
// %e %u %w %G %U %W %V %c %x %X %z %Z %F %T %%) over a timestamp; %-d and the
// like drop the zero padding. The session's time zone is UTC (%z +00).
std::string Strftime(int64_t t, const std::string& format) {
  static const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                "Thursday", "Friday", "Saturday"};
  static const char* kMonths[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
  const int64_t days = FloorDiv(t, kMicrosPerDay);
  const int64_t micros = t - days * kMicrosPerDay;
  const arrow::CivilDate c = arrow::CivilFromDays(days);
  const int64_t dow = ((days % 7) + 7 + 4) % 7;  // Sunday = 0
  const int64_t hour = micros / 3600000000, minute = micros / 60000000 % 60,
                second = micros / kMicrosPerSecond % 60, fraction = micros % kMicrosPerSecond;
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out += format[i];
      continue;
    }
    bool unpadded = false;
    if (format[i + 1] == '-' && i + 2 < format.size()) {
      unpadded = true;
      ++i;
    }
    auto padded = [&](int64_t v, int width) {
      return unpadded ? std::to_string(v) : fmt::format("{:0{}}", v, width);
    };
    const int64_t day_of_year = days - arrow::DaysFromCivil(c.year, 1, 1);  // 0-based
    const char f = format[++i];
    switch (f) {
      case 'Y':
        out += fmt::format("{:04}", c.year);
        break;
      case 'G': {
        int64_t iso_year = 0, week = 0;
        IsoWeek(days, &iso_year, &week);
        out += fmt::format("{:04}", iso_year);
        break;
      }
      case 'V': {
        int64_t iso_year = 0, week = 0;
        IsoWeek(days, &iso_year, &week);
        out += padded(week, 2);
        break;
      }
      case 'U':  // weeks starting on Sunday; days before the first Sunday are week 0
        out += padded((day_of_year + 7 - dow) / 7, 2);
        break;
      case 'W':  // the same with Monday
        out += padded((day_of_year + 7 - (dow + 6) % 7) / 7, 2);
        break;
      case 'y':
        out += padded(((c.year % 100) + 100) % 100, 2);
        break;
      case 'm':
        out += padded(c.month, 2);
        break;
      case 'd':
        out += padded(c.day, 2);
        break;
      case 'e':
        out += fmt::format("{:2}", c.day);
        break;
      case 'H':
        out += padded(hour, 2);
        break;
      case 'I':
        out += padded(hour % 12 == 0 ? 12 : hour % 12, 2);
        break;
      case 'p':
        out += hour < 12 ? "AM" : "PM";
        break;
      case 'M':
        out += padded(minute, 2);
        break;
      case 'S':
        out += padded(second, 2);
        break;
      case 'c':
        out += fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day, hour,
                           minute, second);
        break;
      case 'x':
        out += fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
        break;
      case 'X':
        out += fmt::format("{:02}:{:02}:{:02}", hour, minute, second);
        break;
      case 'z':
        out += "+00";
        break;
      case 'Z':
        break;
      case 'f':
        out += fmt::format("{:06}", fraction);
        break;
      case 'g':
        out += fmt::format("{:03}", fraction / 1000);
        break;
      case 'j':
        out += padded(day_of_year + 1, 3);
        break;
      case 'a':
        out += std::string(kDays[dow]).substr(0, 3);
        break;
      case 'A':
        out += kDays[dow];
        break;
      case 'b':
      case 'h':
        out += std::string(kMonths[c.month - 1]).substr(0, 3);
        break;
      case 'B':
        out += kMonths[c.month - 1];
        break;
      case 'w':
        out += std::to_string(dow);
        break;
      case 'u':
        out += std::to_string(dow == 0 ? 7 : dow);
        break;
      case 'F':
        out += fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
        break;
      case 'T':
        out += fmt::format("{:02}:{:02}:{:02}", hour, minute, second);
        break;
      case '%':
        out += '%';
        break;
      default:
        Fail(ErrorKind::kInvalidInput, "strftime: unsupported format specifier %{}", f);
    }
  }
  return out;
}

// strptime: `text` read by `format` (%Y %m %d %H %M %S %f %y %j %b %B %p
// %I %%, literal characters); a mismatch is an Invalid Input Error.
int64_t Strptime(const std::string& text, const std::string& format) {
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
  int64_t year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0;
  bool pm = false, twelve = false;
  size_t p = 0;
  auto fail = [&]() -> int64_t {
    Fail(ErrorKind::kInvalidInput,
         "Could not parse string \"{}\" according to format specifier \"{}\"", text, format);
  };
  auto number = [&](size_t max_digits) {
    size_t start = p;
    bool negative = false;
    if (p < text.size() && (text[p] == '-' || text[p] == '+')) negative = text[p++] == '-';
    int64_t v = 0;
    while (p < text.size() && p - start < max_digits + (negative ? 1 : 0) &&
           std::isdigit(static_cast<unsigned char>(text[p])))
      v = v * 10 + (text[p++] - '0');
    if (p == start) fail();
    return negative ? -v : v;
  };
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      if (p >= text.size() || text[p] != format[i]) fail();
      ++p;
      continue;
    }
    const char f = format[++i];
    switch (f) {
      case 'Y':
        year = number(6);
        break;
      case 'y':
        year = number(2);
        year += year < 69 ? 2000 : 1900;
        break;
      case 'm':
        month = number(2);
        break;
      case 'd':
      case 'e':
        day = number(2);
        break;
      case 'H':
        hour = number(2);
        break;
      case 'I':
        hour = number(2);
        twelve = true;
        break;
      case 'M':
        minute = number(2);
        break;
      case 'S':
        second = number(2);
        break;
      case 'f': {
        const size_t start = p;
        micros = number(9);
        for (size_t digits = p - start; digits < 6; ++digits)
          micros *= 10;
        for (size_t digits = p - start; digits > 6; --digits)
          micros /= 10;
        break;
      }
      case 'p': {
        if (p + 2 > text.size()) fail();
        const std::string ap = Lower(text.substr(p, 2));
        if (ap != "am" && ap != "pm") fail();
        pm = ap == "pm";
        p += 2;
        break;
      }
      case 'b':
      case 'B':
      case 'h': {
        bool found = false;
        for (int m = 0; m < 12 && !found; ++m) {
          if (Lower(text.substr(p, 3)) == kMonths[m]) {
            month = m + 1;
            found = true;
            p += 3;
            while (p < text.size() && std::isalpha(static_cast<unsigned char>(text[p])))
              ++p;
          }
        }
        if (!found) fail();
        break;
      }
      case '%':
        if (p >= text.size() || text[p] != '%') fail();
        ++p;
        break;
      default:
        Fail(ErrorKind::kInvalidInput, "strptime: unsupported format specifier %{}", f);
    }
  }
  if (p != text.size()) fail();
  if (twelve) hour = hour % 12 + (pm ? 12 : 0);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) fail();
  const int64_t days = arrow::DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
  if (arrow::CivilFromDays(days).day != day) fail();
  return days * kMicrosPerDay + ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + micros;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A binding of a part name and a date or timestamp (date_trunc's shape).
FunctionBinding PartAndTemporal(const std::string& name, const std::vector<arrow::TypePtr>& types,
                                size_t temporals) {
  CheckArity(name, types, 1 + temporals, static_cast<long>(1 + temporals));
  FunctionBinding b;
  b.arg_types.push_back(arrow::utf8());
  bool any_timestamp = false;
  for (size_t i = 1; i < types.size(); ++i) {
    if (IsTextType(*types[i]) || types[i]->id() == arrow::TypeId::kTimestamp) {
      any_timestamp = true;
    } else if (!IsTemporal(*types[i]) && !IsNullType(*types[i])) {
      NoMatch(name, types);
    }
  }
  for (size_t i = 1; i < types.size(); ++i)
    b.arg_types.push_back(any_timestamp ? arrow::timestamp() : arrow::date32());
  return b;
}

}  // namespace

// `t` (microseconds) moved by `v`: months first (the day clamped to the
// last of the month: Jan 31 + 1 month is Feb 28/29), then days, then time.
int64_t AddInterval(int64_t t, const arrow::MonthDayNano& v, int sign) {
  int64_t days = FloorDiv(t, kMicrosPerDay);
  const int64_t micros = t - days * kMicrosPerDay;
  if (v.months != 0) {
    const arrow::CivilDate c = arrow::CivilFromDays(days);
    const int64_t month_index = c.year * 12 + (c.month - 1) + sign * int64_t{v.months};
    const int64_t year = FloorDiv(month_index, 12);
    const int month = static_cast<int>(month_index - year * 12) + 1;
    const int64_t first = arrow::DaysFromCivil(year, month, 1);
    const int64_t next = month == 12 ? arrow::DaysFromCivil(year + 1, 1, 1)
                                     : arrow::DaysFromCivil(year, month + 1, 1);
    days = first + std::min<int64_t>(c.day, next - first) - 1;
  }
  days += sign * int64_t{v.days};
  int64_t out = 0;
  if (__builtin_mul_overflow(days, kMicrosPerDay, &out) ||
      __builtin_add_overflow(out, micros + sign * (v.nanoseconds / 1000), &out) ||
      out < arrow::kTimestampMinMicros || out > arrow::kTimestampMaxMicros) {
    Fail(ErrorKind::kConversion, "Date and time not in timestamp range");
  }
  return out;
}

namespace {

arrow::MonthDayNano IntervalOf(int64_t months, int64_t days, int64_t nanos) {
  if (months > INT32_MAX || months < INT32_MIN || days > INT32_MAX || days < INT32_MIN) {
    Fail(ErrorKind::kOutOfRange, "interval is out of range");
  }
  return {static_cast<int32_t>(months), static_cast<int32_t>(days), nanos};
}

// `x` times `k`: fractions of months and days carry into the smaller units
// (a month is 30 days).
arrow::MonthDayNano ScaleInterval(const arrow::MonthDayNano& x, double k) {
  const double months = x.months * k;
  const double days = x.days * k + (months - std::trunc(months)) * 30;
  const double nanos = static_cast<double>(x.nanoseconds) * k + (days - std::trunc(days)) * 86400e9;
  if (!(std::fabs(months) < 2147483648.0 && std::fabs(days) < 2147483648.0 &&
        std::fabs(nanos) < 9e18)) {
    Fail(ErrorKind::kOutOfRange, "interval is out of range");
  }
  return IntervalOf(static_cast<int64_t>(months), static_cast<int64_t>(days),
                    static_cast<int64_t>(std::llround(nanos)));
}

// An operator's function: fixed argument and result types.
void Operator(FunctionRegistry& r, const char* name, std::vector<arrow::TypePtr> args,
              arrow::TypePtr result, RowFunction f) {
  ScalarFunction fn;
  fn.name = name;
  fn.bind = [args, result](const std::vector<arrow::TypePtr>&) {
    return FunctionBinding{args, result};
  };
  fn.kernel = RowKernel(std::move(f));
  r[name] = std::move(fn);
}

}  // namespace

namespace {

// time_bucket's bucket start for `t` (microseconds): widths of months count
// whole months from the first of the origin's month (DuckDB's rule); other
// widths count from the origin itself.
int64_t BucketStart(const arrow::MonthDayNano& width, int64_t t, int64_t origin) {
  if (width.months != 0) {
    const arrow::CivilDate c = arrow::CivilFromDays(FloorDiv(t, kMicrosPerDay));
    const arrow::CivilDate o = arrow::CivilFromDays(FloorDiv(origin, kMicrosPerDay));
    const int64_t months = (c.year - o.year) * 12 + (c.month - o.month);
    const int64_t first = arrow::DaysFromCivil(o.year, o.month, 1) * kMicrosPerDay;
    const int64_t buckets = FloorDiv(months, width.months);
    return AddInterval(first, {static_cast<int32_t>(buckets * width.months), 0, 0}, 1);
  }
  // In 128 bits: t - origin can pass int64's range at the ends of time.
  const __int128 w = static_cast<__int128>(width.days) * kMicrosPerDay + width.nanoseconds / 1000;
  const __int128 d = static_cast<__int128>(t) - origin;
  const __int128 q = d / w - ((d % w != 0 && d < 0) ? 1 : 0);
  const __int128 start = origin + q * w;
  if (start < arrow::kTimestampMinMicros || start > arrow::kTimestampMaxMicros) {
    Fail(ErrorKind::kOutOfRange, "time_bucket: the bucket's start is out of the timestamp range");
  }
  return static_cast<int64_t>(start);
}

}  // namespace

void RegisterDateFunctions(FunctionRegistry& r) {
  // time_bucket(width, t[, origin | offset]): the start of the bucket of
  // `width` holding t, buckets counted from the origin (default 2000-01-03,
  // a Monday, or 2000-01-01 for widths in months), or shifted by an
  // offset. A DATE gives a DATE; infinities stay as they are.
  {
    ScalarFunction fn;
    fn.name = "time_bucket";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) -> FunctionBinding {
      CheckArity("time_bucket", types, 2, 3);
      auto temporal = [](const arrow::DataType& t) {
        return t.id() == arrow::TypeId::kDate32 || t.id() == arrow::TypeId::kTimestamp;
      };
      if (types[0]->id() != arrow::TypeId::kIntervalMonthDayNano && !IsNullType(*types[0])) {
        NoMatch("time_bucket", types);
      }
      arrow::TypePtr value = IsNullType(*types[1]) ? arrow::timestamp() : types[1];
      if (!temporal(*value)) NoMatch("time_bucket", types);
      std::vector<arrow::TypePtr> args{arrow::interval_month_day_nano(), value};
      if (types.size() == 3) {
        if (types[2]->id() == arrow::TypeId::kIntervalMonthDayNano) {
          args.push_back(types[2]);
        } else if (temporal(*types[2]) || IsNullType(*types[2])) {
          args.push_back(arrow::timestamp());
        } else {
          NoMatch("time_bucket", types);
        }
      }
      return {args, value};
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr& result) {
      const bool date = result->id() == arrow::TypeId::kDate32;
      const int64_t raw = a[1].int64();
      if (date ? std::abs(raw) == arrow::kDateInfinity
               : (raw == arrow::kTimestampInfinity || raw == arrow::kTimestampNegativeInfinity)) {
        return a[1];
      }
      const arrow::MonthDayNano& width = a[0].interval();
      if (width.months != 0 && (width.days != 0 || width.nanoseconds != 0)) {
        Fail(ErrorKind::kInvalidInput,
             "time_bucket: a bucket width is in months, or in days and time, not both");
      }
      if (width.months < 0 ||
          (width.months == 0 && width.days * kMicrosPerDay + width.nanoseconds / 1000 <= 0)) {
        Fail(ErrorKind::kOutOfRange, "time_bucket: the bucket width must be positive");
      }
      int64_t t = Micros(a[1]);
      int64_t origin = width.months != 0 ? arrow::DaysFromCivil(2000, 1, 1) * kMicrosPerDay
                                         : arrow::DaysFromCivil(2000, 1, 3) * kMicrosPerDay;
      arrow::MonthDayNano offset{0, 0, 0};
      if (a.size() == 3) {
        if (a[2].type()->id() == arrow::TypeId::kIntervalMonthDayNano) {
          offset = a[2].interval();
          t = AddInterval(t, offset, -1);
        } else {
          origin = Micros(a[2]);
        }
      }
      int64_t start = BucketStart(width, t, origin);
      if (a.size() == 3 && a[2].type()->id() == arrow::TypeId::kIntervalMonthDayNano) {
        start = AddInterval(start, offset, 1);
      }
      if (date) return Value::Integer(result, FloorDiv(start, kMicrosPerDay));
      return Value::Integer(result, start);
    });
    r["time_bucket"] = std::move(fn);
  }
  // date_part(part, value) with a part that varies by row (the binder
  // evaluates a constant part as a vectorized kDatePart instead).
  {
    ScalarFunction fn;
    fn.name = "date_part";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) -> FunctionBinding {
      CheckArity("date_part", types, 2, 2);
      if (!IsTextType(*types[0]) && !IsNullType(*types[0])) NoMatch("date_part", types);
      const auto id = types[1]->id();
      arrow::TypePtr value = types[1];
      if (IsNullType(*types[1]) || IsTextType(*types[1])) {
        value = arrow::timestamp();
      } else if (id != arrow::TypeId::kDate32 && id != arrow::TypeId::kTimestamp &&
                 id != arrow::TypeId::kTime64) {
        NoMatch("date_part", types);
      }
      return {{arrow::utf8(), value}, arrow::int64()};
    };
    fn.kernel = [](const std::vector<arrow::ArrayDataPtr>& args, const arrow::TypePtr&,
                   int64_t rows) {
      arrow::Int64Builder b(arrow::int64());
      for (int64_t i = 0; i < rows; ++i) {
        if (args[0]->IsNull(i) || args[1]->IsNull(i)) {
          b.AppendNull();
          continue;
        }
        std::string part = AsciiLower(arrow::BinaryValueAt(*args[0], i));
        if (!IsDatePart(part)) {
          Fail(ErrorKind::kInvalidInput, "unsupported date part \"{}\"", part);
        }
        b.AppendRange(*DatePart(part, *arrow::ArrayData::Slice(args[1], i, 1)), 0, 1);
      }
      return b.Finish();
    };
    r["date_part"] = std::move(fn);
  }
  // Operators on dates, timestamps and intervals (their names cannot be
  // written as calls: the binder picks them for +, - and *).
  const arrow::TypePtr date = arrow::date32(), ts = arrow::timestamp(),
                       iv = arrow::interval_month_day_nano(), i64 = arrow::int64(),
                       f64 = arrow::float64();
  // A date moved by a number of days: infinite dates stay; a finite one
  // must stay finite (the infinities are the int32 extremes).
  auto add_days = [](int64_t date, int64_t days) {
    if (std::abs(date) == arrow::kDateInfinity) return Value::Date32(static_cast<int32_t>(date));
    int64_t d = 0;
    if (__builtin_add_overflow(date, days, &d) || d >= arrow::kDateInfinity ||
        d <= arrow::kDateNegativeInfinity) {
      Fail(ErrorKind::kOutOfRange, "Date out of range: {} + {} days",
           arrow::FormatDate32(static_cast<int32_t>(date)), days);
    }
    return Value::Date32(static_cast<int32_t>(d));
  };
  Operator(r, "date + days", {date, i64}, date,
           [add_days](const std::vector<Value>& a, const arrow::TypePtr&) {
             return add_days(a[0].int64(), a[1].int64());
           });
  Operator(r, "date - days", {date, i64}, date,
           [add_days](const std::vector<Value>& a, const arrow::TypePtr&) {
             if (a[1].int64() == INT64_MIN) Fail(ErrorKind::kOutOfRange, "Date out of range");
             return add_days(a[0].int64(), -a[1].int64());
           });
  Operator(r, "date - date", {date, date}, i64,
           [](const std::vector<Value>& a, const arrow::TypePtr&) {
             return Value::Int64(a[0].int64() - a[1].int64());
           });
  Operator(r, "timestamp + interval", {ts, iv}, ts,
           [](const std::vector<Value>& a, const arrow::TypePtr&) {
             return Value::Timestamp(AddInterval(a[0].int64(), a[1].interval(), 1));
           });
  Operator(r, "timestamp - interval", {ts, iv}, ts,
           [](const std::vector<Value>& a, const arrow::TypePtr&) {
             return Value::Timestamp(AddInterval(a[0].int64(), a[1].interval(), -1));
           });
  // TIME: a time of day; arithmetic wraps around midnight (PostgreSQL).
  const arrow::TypePtr time = arrow::time64();
  auto wrap = [](__int128 micros) {
    const __int128 m = micros % kMicrosPerDay;
    return Value::Integer(arrow::time64(), static_cast<int64_t>(m < 0 ? m + kMicrosPerDay : m));
  };
  Operator(r, "date + time", {date, time}, ts,
           [](const std::vector<Value>& a, const arrow::TypePtr&) {
             return Value::Timestamp(a[0].int64() * kMicrosPerDay + a[1].int64());
           });
  Operator(r, "time + interval", {time, iv}, time,
           [wrap](const std::vector<Value>& a, const arrow::TypePtr&) {
             return wrap(__int128{a[0].int64()} + a[1].interval().nanoseconds / 1000);
           });
  Operator(r, "time - interval", {time, iv}, time,
           [wrap](const std::vector<Value>& a, const arrow::TypePtr&) {
             return wrap(__int128{a[0].int64()} - a[1].interval().nanoseconds / 1000);
           });
  Operator(r, "time - time", {time, time}, iv,
           [](const std::vector<Value>& a, const arrow::TypePtr&) {
             return Value::Interval(IntervalOf(0, 0, (a[0].int64() - a[1].int64()) * 1000));
           });
  Operator(r, "timestamp - timestamp", {ts, ts}, iv,
           [](const std::vector<Value>& a, const arrow::TypePtr&) {
             int64_t diff = 0;
             if (__builtin_sub_overflow(a[0].int64(), a[1].int64(), &diff)) {
               Fail(ErrorKind::kOutOfRange, "timestamp difference is out of range");
             }
             const int64_t days = diff / kMicrosPerDay;
             return Value::Interval(IntervalOf(0, days, (diff - days * kMicrosPerDay) * 1000));
           });
  Operator(
      r, "interval + interval", {iv, iv}, iv,
      [](const std::vector<Value>& a, const arrow::TypePtr&) {
        const auto& x = a[0].interval();
        const auto& y = a[1].interval();
        return Value::Interval(IntervalOf(int64_t{x.months} + y.months, int64_t{x.days} + y.days,
                                          x.nanoseconds + y.nanoseconds));
      });
  Operator(
      r, "interval - interval", {iv, iv}, iv,
      [](const std::vector<Value>& a, const arrow::TypePtr&) {
        const auto& x = a[0].interval();
        const auto& y = a[1].interval();
        return Value::Interval(IntervalOf(int64_t{x.months} - y.months, int64_t{x.days} - y.days,
                                          x.nanoseconds - y.nanoseconds));
      });
  Operator(r, "interval * number", {iv, f64}, iv,
           [](const std::vector<Value>& a, const arrow::TypePtr&) {
             return Value::Interval(ScaleInterval(a[0].interval(), a[1].float64()));
           });
  // interval / n: each field divided (truncated) by a whole n, so that
  // 1 year / 2 is 6 months; other n divide as * (1 / n); / 0 is NULL.
  Operator(r, "interval / number", {iv, f64}, iv,
           [](const std::vector<Value>& a, const arrow::TypePtr& result) {
             const auto& x = a[0].interval();
             const double k = a[1].float64();
             if (k == 0) return Value::Null(result);
             if (k == std::trunc(k) && std::fabs(k) < 9e18) {
               const auto n = static_cast<int64_t>(k);
               if (n == -1 &&
                   (x.months == INT32_MIN || x.days == INT32_MIN || x.nanoseconds == INT64_MIN)) {
                 Fail(ErrorKind::kOutOfRange, "interval is out of range");
               }
               return Value::Interval(IntervalOf(x.months / n, x.days / n, x.nanoseconds / n));
             }
             return Value::Interval(ScaleInterval(x, 1.0 / k));
           });
  Operator(r, "- interval", {iv}, iv, [](const std::vector<Value>& a, const arrow::TypePtr&) {
    const auto& x = a[0].interval();
    return Value::Interval(IntervalOf(-int64_t{x.months}, -int64_t{x.days}, -x.nanoseconds));
  });
  {
    // date_add(date | timestamp, interval): a timestamp (DuckDB's rule).
    ScalarFunction fn;
    fn.name = "date_add";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("date_add", types, 2, 2);
      if (!IsTemporal(*types[0]) && !IsNullType(*types[0])) NoMatch("date_add", types);
      return FunctionBinding{{arrow::timestamp(), arrow::interval_month_day_nano()},
                             arrow::timestamp()};
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr&) {
      return Value::Timestamp(AddInterval(a[0].int64(), a[1].interval(), 1));
    });
    r["date_add"] = std::move(fn);
  }
  {
    // age(a, b): a - b in years, months and days (PostgreSQL's rule); age(a):
    // from a to the current date's midnight.
    ScalarFunction fn;
    fn.name = "age";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("age", types, 1, 2);
      for (const auto& t : types) {
        if (!IsTemporal(*t) && !IsTextType(*t) && !IsNullType(*t)) NoMatch("age", types);
      }
      return AllAs(types, arrow::timestamp(), arrow::interval_month_day_nano());
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr&) {
      const int64_t x =
          a.size() == 2 ? a[0].int64() : FloorDiv(NowMicros(), kMicrosPerDay) * kMicrosPerDay;
      const int64_t y = a.size() == 2 ? a[1].int64() : a[0].int64();
      const bool negative = x < y;
      const int64_t hi = negative ? y : x, lo = negative ? x : y;
      const int64_t hd = FloorDiv(hi, kMicrosPerDay), ld = FloorDiv(lo, kMicrosPerDay);
      int64_t hmicros = hi - hd * kMicrosPerDay;
      const int64_t lmicros = lo - ld * kMicrosPerDay;
      arrow::CivilDate h = arrow::CivilFromDays(hd);
      const arrow::CivilDate l = arrow::CivilFromDays(ld);
      int64_t months = (h.year - l.year) * 12 + (h.month - l.month);
      int64_t days = h.day - l.day;
      if (hmicros < lmicros) {
        hmicros += kMicrosPerDay;
        --days;
      }
      if (days < 0) {
        --months;
        // Borrow the length of the month before hi's.
        const int64_t first = arrow::DaysFromCivil(h.year, h.month, 1);
        const arrow::CivilDate prev = arrow::CivilFromDays(first - 1);
        days += prev.day;
      }
      const int sign = negative ? -1 : 1;
      return Value::Interval(
          IntervalOf(sign * months, sign * days, sign * (hmicros - lmicros) * 1000));
    });
    r["age"] = std::move(fn);
  }
  // to_years(n), to_months(n), ...: intervals of n units.
  static const std::pair<const char*, arrow::MonthDayNano> kUnits[] = {
      {"to_years", {12, 0, 0}},
      {"to_months", {1, 0, 0}},
      {"to_weeks", {0, 7, 0}},
      {"to_days", {0, 1, 0}},
      {"to_hours", {0, 0, int64_t{3600} * 1000000000}},
      {"to_minutes", {0, 0, int64_t{60} * 1000000000}},
      {"to_seconds", {0, 0, 1000000000}},
      {"to_milliseconds", {0, 0, 1000000}},
      {"to_microseconds", {0, 0, 1000}}};
  for (const auto& [name, unit] : kUnits) {
    ScalarFunction fn;
    fn.name = name;
    fn.bind = [n = std::string(name)](const std::vector<arrow::TypePtr>& types) {
      CheckArity(n, types, 1, 1);
      if (!types[0]->is_integer() && !IsNullType(*types[0])) NoMatch(n, types);
      return FunctionBinding{{arrow::int64()}, arrow::interval_month_day_nano()};
    };
    fn.kernel = RowKernel([u = unit](const std::vector<Value>& a, const arrow::TypePtr&) {
      const int64_t k = a[0].int64();
      int64_t nanos = 0;
      if (__builtin_mul_overflow(u.nanoseconds, k, &nanos)) {
        Fail(ErrorKind::kOutOfRange, "interval is out of range");
      }
      int64_t months = 0, days = 0;
      if (__builtin_mul_overflow(int64_t{u.months}, k, &months) ||
          __builtin_mul_overflow(int64_t{u.days}, k, &days)) {
        Fail(ErrorKind::kOutOfRange, "interval is out of range");
      }
      return Value::Interval(IntervalOf(months, days, nanos));
    });
    r[name] = std::move(fn);
  }
  {
    ScalarFunction fn;
    fn.name = "make_date";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("make_date", types, 3, 3);
      for (const auto& t : types) {
        if (!t->is_integer() && !IsNullType(*t)) NoMatch("make_date", types);
      }
      return AllAs(types, arrow::int64(), arrow::date32());
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr&) {
      const int64_t y = a[0].int64(), m = a[1].int64(), d = a[2].int64();
      // Far beyond any date32 (and DaysFromCivil's arithmetic).
      if (y > 6000000 || y < -6000000)
        Fail(ErrorKind::kConversion, "Date out of range: {}-{}-{}", y, m, d);
      const int64_t days = m >= 1 && m <= 12 && d >= 1
                               ? arrow::DaysFromCivil(y, static_cast<int>(m), static_cast<int>(d))
                               : 0;
      if (m < 1 || m > 12 || d < 1 || arrow::CivilFromDays(days).day != d || days > INT32_MAX ||
          days < INT32_MIN) {
        Fail(ErrorKind::kConversion, "Date out of range: {}-{}-{}", y, m, d);
      }
      return Value::Date32(static_cast<int32_t>(days));
    });
    r["make_date"] = std::move(fn);
  }
  {
    // make_timestamp(microseconds since the epoch) or make_timestamp(year,
    // month, day, hour, minute, seconds), seconds with a fraction.
    ScalarFunction fn;
    fn.name = "make_timestamp";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      if (types.size() != 1 && types.size() != 6) NoMatch("make_timestamp", types);
      if (types.size() == 1) return AllAs(types, arrow::int64(), arrow::timestamp());
      FunctionBinding b = AllAs(types, arrow::int64(), arrow::timestamp());
      b.arg_types[5] = arrow::float64();
      return b;
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr&) {
      if (a.size() == 1) return Value::Timestamp(a[0].int64());
      const int64_t y = a[0].int64(), mo = a[1].int64(), d = a[2].int64();
      const int64_t h = a[3].int64(), mi = a[4].int64();
      const double sec = a[5].float64();
      const int64_t days = mo >= 1 && mo <= 12 && d >= 1 && y > -300000 && y < 300000
                               ? arrow::DaysFromCivil(y, static_cast<int>(mo), static_cast<int>(d))
                               : 0;
      if (mo < 1 || mo > 12 || d < 1 || y <= -300000 || y >= 300000 ||
          arrow::CivilFromDays(days).day != d || h < 0 || h > 23 || mi < 0 || mi > 59 ||
          !(sec >= 0 && sec < 60)) {
        Fail(ErrorKind::kConversion, "Timestamp out of range: {}-{}-{} {}:{}:{}", y, mo, d, h, mi,
             sec);
      }
      const int64_t micros = static_cast<int64_t>(std::llround(sec * 1e6));
      return Value::Timestamp(((days * 24 + h) * 60 + mi) * 60000000 + micros);
    });
    r["make_timestamp"] = std::move(fn);
  }
  {
    ScalarFunction fn;
    fn.name = "last_day";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("last_day", types, 1, 1);
      if (!IsTemporal(*types[0]) && !IsTextType(*types[0]) && !IsNullType(*types[0])) {
        NoMatch("last_day", types);
      }
      return FunctionBinding{{arrow::date32()}, arrow::date32()};
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr& result) {
      // An infinite date has no month (NULL, as in DuckDB).
      if (std::abs(a[0].int64()) == arrow::kDateInfinity) return Value::Null(result);
      const arrow::CivilDate c = arrow::CivilFromDays(a[0].int64());
      const int64_t next = c.month == 12 ? arrow::DaysFromCivil(c.year + 1, 1, 1)
                                         : arrow::DaysFromCivil(c.year, c.month + 1, 1);
      return Value::Date32(static_cast<int32_t>(next - 1));
    });
    r["last_day"] = std::move(fn);
  }
  {
    // date_trunc(part, date or timestamp) is a TIMESTAMP (DuckDB's
    // result type, also for a DATE); an infinite value stays infinite.
    ScalarFunction fn;
    fn.name = "date_trunc";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      FunctionBinding b = PartAndTemporal("date_trunc", types, 1);
      b.result =
          b.arg_types[1]->id() == arrow::TypeId::kDate32 ? arrow::timestamp() : b.arg_types[1];
      return b;
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr& result) {
      const bool date = a[1].type()->id() == arrow::TypeId::kDate32;
      const int64_t v = a[1].int64();
      if (date ? (v == arrow::kDateInfinity || v == arrow::kDateNegativeInfinity)
               : (v == arrow::kTimestampInfinity || v == arrow::kTimestampNegativeInfinity)) {
        const bool positive = v > 0;
        return Value::Integer(
            result, positive ? arrow::kTimestampInfinity : arrow::kTimestampNegativeInfinity);
      }
      return Value::Integer(result, Truncate(a[0].str(), Micros(a[1])));
    });
    r["date_trunc"] = std::move(fn);
    r["datetrunc"] = r["date_trunc"];
  }
  for (const char* name : {"date_diff", "datediff"}) {
    ScalarFunction fn;
    fn.name = name;
    fn.bind = [n = std::string(name)](const std::vector<arrow::TypePtr>& types) {
      FunctionBinding b = PartAndTemporal(n, types, 2);
      b.result = arrow::int64();
      return b;
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr&) {
      return Value::Int64(Diff(a[0].str(), Micros(a[1]), Micros(a[2])));
    });
    r[name] = std::move(fn);
  }
  {
    ScalarFunction fn;
    fn.name = "strftime";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("strftime", types, 2, 2);
      // strftime(value, format), or SQLite's strftime(format, value).
      const bool sqlite_order = IsTextType(*types[0]) && !IsTextType(*types[1]);
      const arrow::TypePtr& v = sqlite_order ? types[1] : types[0];
      if (!IsTemporal(*v) && !IsTextType(*v) && !IsNullType(*v)) NoMatch("strftime", types);
      FunctionBinding b;
      b.arg_types = sqlite_order ? std::vector<arrow::TypePtr>{arrow::utf8(), arrow::timestamp()}
                                 : std::vector<arrow::TypePtr>{arrow::timestamp(), arrow::utf8()};
      b.result = arrow::utf8();
      return b;
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr&) {
      const bool sqlite_order = a[0].type()->id() == arrow::TypeId::kUtf8;
      const int64_t t = a[sqlite_order ? 1 : 0].int64();
      // An infinite instant has no calendar fields to format (as date_part).
      if (t == arrow::kTimestampInfinity || t == arrow::kTimestampNegativeInfinity) {
        return Value::Null(arrow::utf8());
      }
      return Value::String(sqlite_order ? Strftime(t, a[0].str()) : Strftime(t, a[1].str()));
    });
    r["strftime"] = std::move(fn);
  }
  {
    ScalarFunction fn;
    fn.name = "strptime";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("strptime", types, 2, 2);
      return AllAs(types, arrow::utf8(), arrow::timestamp());
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr&) {
      return Value::Timestamp(Strptime(a[0].str(), a[1].str()));
    });
    r["strptime"] = std::move(fn);
  }
  for (const char* name : {"current_date", "today"}) {
    ScalarFunction fn;
    fn.name = name;
    fn.bind = [n = std::string(name)](const std::vector<arrow::TypePtr>& types) {
      CheckArity(n, types, 0, 0);
      return FunctionBinding{{}, arrow::date32()};
    };
    fn.kernel = [](const std::vector<arrow::ArrayDataPtr>&, const arrow::TypePtr&, int64_t rows) {
      return Value::Date32(static_cast<int32_t>(FloorDiv(NowMicros(), kMicrosPerDay)))
          .ToArray(rows);
    };
    r[name] = std::move(fn);
  }
  for (const char* name : {"now", "current_timestamp", "get_current_timestamp", "localtimestamp"}) {
    ScalarFunction fn;
    fn.name = name;
    fn.bind = [n = std::string(name)](const std::vector<arrow::TypePtr>& types) {
      CheckArity(n, types, 0, 0);
      return FunctionBinding{{}, arrow::timestamp()};
    };
    fn.kernel = [](const std::vector<arrow::ArrayDataPtr>&, const arrow::TypePtr&, int64_t rows) {
      return Value::Timestamp(NowMicros()).ToArray(rows);
    };
    r[name] = std::move(fn);
  }
}

}  // namespace llkv::execution
