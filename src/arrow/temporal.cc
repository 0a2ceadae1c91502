#include "arrow/temporal.h"

#include <fmt/format.h>

#include <cstdlib>

namespace llkv::arrow {

// Shifts the year to start in March so that the leap day is the last day of
// the year; a 400-year era then has exactly 146097 days.
int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t shifted_month = month > 2 ? month - 3 : month + 9;
  const int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  return {year_of_era + era * 400 + (month <= 2), month, day};
}

namespace {
std::string FormatCivil(const CivilDate& d) {
  if (d.year <= 0) return fmt::format("{:04}-{:02}-{:02} (BC)", 1 - d.year, d.month, d.day);
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

// A time of day counted in units of which `per_second` make a second; the
// fraction shows the unit's digits without trailing zeros.
std::string FormatTimeOfDay(int64_t units_of_day, int64_t per_second = 1000000) {
  const int64_t secs = units_of_day / per_second;
  const int64_t frac = units_of_day % per_second;
  std::string s = fmt::format("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
  if (frac != 0) {
    int digits = 0;
    for (int64_t p = per_second; p > 1; p /= 10)
      ++digits;
    std::string f = fmt::format("{:0{}}", frac, digits);
    while (!f.empty() && f.back() == '0')
      f.pop_back();
    s += "." + f;
  }
  return s;
}
}  // namespace

std::string FormatDate32(int32_t days) {
  if (days == kDateInfinity) return "infinity";
  if (days == kDateNegativeInfinity) return "-infinity";
  return FormatCivil(CivilFromDays(days));
}

std::string FormatTimestampMicros(int64_t micros) {
  return FormatTimestamp(micros, TimeUnit::kMicro);
}

std::string FormatTimestamp(int64_t value, TimeUnit unit) {
  if (value == kTimestampInfinity) return "infinity";
  if (value == kTimestampNegativeInfinity) return "-infinity";
  const int64_t per_second = UnitsPerSecond(unit);
  const int64_t per_day = 86400 * per_second;
  int64_t days = value / per_day;
  int64_t rem = value % per_day;
  if (rem < 0) {
    rem += per_day;
    --days;
  }
  return FormatCivil(CivilFromDays(days)) + " " + FormatTimeOfDay(rem, per_second);
}

std::string FormatTimeMicros(int64_t micros) {
  // 24:00:00 is a valid TIME (the end of a day), as in PostgreSQL.
  if (micros == 86400LL * 1000000LL) return "24:00:00";
  return FormatTimeOfDay(micros);
}

std::string FormatMonthDayNano(const MonthDayNano& v) {
  std::string s;
  auto part = [&s](int64_t n, const char* unit) {
    if (n == 0) return;
    if (!s.empty()) s += " ";
    s += fmt::format("{} {}{}", n, unit, std::llabs(n) == 1 ? "" : "s");
  };
  const int64_t years = v.months / 12;
  part(years, "year");
  part(v.months % 12, "month");
  part(v.days, "day");
  if (v.nanoseconds != 0 || s.empty()) {
    if (!s.empty()) s += " ";
    const int64_t nanos = v.nanoseconds;
    const uint64_t mag =
        nanos < 0 ? static_cast<uint64_t>(-(nanos + 1)) + 1 : static_cast<uint64_t>(nanos);
    const uint64_t secs = mag / 1000000000ULL;
    const uint64_t frac = mag % 1000000000ULL;
    s += fmt::format("{}{:02}:{:02}:{:02}", nanos < 0 ? "-" : "", secs / 3600, secs / 60 % 60,
                     secs % 60);
    if (frac != 0) {
      std::string f = fmt::format("{:09}", frac);
      while (f.back() == '0')
        f.pop_back();
      s += "." + f;
    }
  }
  return s;
}

}  // namespace llkv::arrow
