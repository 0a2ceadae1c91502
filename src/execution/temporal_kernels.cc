// Kernels over dates and timestamps: date_part and the functions built on
// it (extract, year(), month(), ...).
#include <cstdlib>
#include <string>

#include "arrow/temporal.h"
#include "execution/expression.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// The canonical name of a part, or "" when unknown.
std::string Canonical(const std::string& part) {
  static const std::pair<const char*, const char*> kNames[] = {{"year", "year"},
                                                               {"years", "year"},
                                                               {"y", "year"},
                                                               {"yr", "year"},
                                                               {"yrs", "year"},
                                                               {"month", "month"},
                                                               {"months", "month"},
                                                               {"mon", "month"},
                                                               {"mons", "month"},
                                                               {"day", "day"},
                                                               {"days", "day"},
                                                               {"d", "day"},
                                                               {"dayofmonth", "day"},
                                                               {"quarter", "quarter"},
                                                               {"quarters", "quarter"},
                                                               {"week", "week"},
                                                               {"weeks", "week"},
                                                               {"w", "week"},
                                                               {"weekofyear", "week"},
                                                               {"dow", "dow"},
                                                               {"dayofweek", "dow"},
                                                               {"weekday", "dow"},
                                                               {"isodow", "isodow"},
                                                               {"doy", "doy"},
                                                               {"dayofyear", "doy"},
                                                               {"decade", "decade"},
                                                               {"decades", "decade"},
                                                               {"century", "century"},
                                                               {"centuries", "century"},
                                                               {"millennium", "millennium"},
                                                               {"millennia", "millennium"},
                                                               {"hour", "hour"},
                                                               {"hours", "hour"},
                                                               {"h", "hour"},
                                                               {"minute", "minute"},
                                                               {"minutes", "minute"},
                                                               {"min", "minute"},
                                                               {"m", "minute"},
                                                               {"second", "second"},
                                                               {"seconds", "second"},
                                                               {"sec", "second"},
                                                               {"s", "second"},
                                                               {"millisecond", "millisecond"},
                                                               {"milliseconds", "millisecond"},
                                                               {"ms", "millisecond"},
                                                               {"microsecond", "microsecond"},
                                                               {"microseconds", "microsecond"},
                                                               {"us", "microsecond"},
                                                               {"epoch", "epoch"},
                                                               {"isoyear", "isoyear"},
                                                               {"yearweek", "yearweek"},
                                                               {"era", "era"},
                                                               {"timezone", "timezone"},
                                                               {"timezone_hour", "timezone"},
                                                               {"timezone_minute", "timezone"}};
  for (const auto& [alias, name] : kNames) {
    if (part == alias) return name;
  }
  return "";
}

int64_t Part(const std::string& part, int64_t days, int64_t micros_of_day) {
  const arrow::CivilDate c = arrow::CivilFromDays(days);
  if (part == "year") return c.year;
  if (part == "month") return c.month;
  if (part == "day") return c.day;
  if (part == "quarter") return (c.month - 1) / 3 + 1;
  if (part == "dow") return ((days % 7) + 7 + 4) % 7;  // Sunday = 0
  if (part == "isodow") return ((days % 7) + 7 + 3) % 7 + 1;
  if (part == "doy") return days - arrow::DaysFromCivil(c.year, 1, 1) + 1;
  if (part == "decade") return c.year / 10;  // truncated, as DuckDB: year -15 is decade -1
  if (part == "century") return c.year > 0 ? (c.year - 1) / 100 + 1 : -((-c.year) / 100 + 1);
  if (part == "millennium") return c.year > 0 ? (c.year - 1) / 1000 + 1 : -((-c.year) / 1000 + 1);
  if (part == "era") return c.year > 0 ? 1 : 0;
  // The session's time zone is UTC: every offset is 0.
  if (part == "timezone") return 0;
  if (part == "week" || part == "isoyear" || part == "yearweek") {
    int64_t iso_year = 0, week = 0;
    IsoWeek(days, &iso_year, &week);
    if (part == "week") return week;
    if (part == "isoyear") return iso_year;
    return iso_year * 100 + (iso_year < 0 ? -week : week);  // 44 BC week 11: -4311
  }
  if (part == "hour") return micros_of_day / 3600000000;
  if (part == "minute") return micros_of_day / 60000000 % 60;
  if (part == "second") return micros_of_day / 1000000 % 60;
  if (part == "millisecond") return micros_of_day / 1000 % 60000;
  if (part == "microsecond") return micros_of_day % 60000000;
  if (part == "epoch") return days * 86400 + micros_of_day / 1000000;
  Fail(ErrorKind::kInternal, "date part {}", part);
}

}  // namespace

// ISO 8601 week number and its year of the date `days`.
void IsoWeek(int64_t days, int64_t* iso_year, int64_t* week) {
  // Monday = 1 .. Sunday = 7; 1970-01-01 was a Thursday.
  const int64_t dow = ((days % 7) + 7 + 3) % 7 + 1;
  // The Thursday of this week decides the ISO year.
  const int64_t thursday = days - dow + 4;
  const arrow::CivilDate t = arrow::CivilFromDays(thursday);
  *iso_year = t.year;
  *week = (thursday - arrow::DaysFromCivil(t.year, 1, 1)) / 7 + 1;
}

bool IsDatePart(const std::string& part) {
  return !Canonical(part).empty();
}

arrow::ArrayDataPtr DatePart(const std::string& name, const arrow::ArrayData& a) {
  const std::string part = Canonical(name);
  if (part.empty()) Fail(ErrorKind::kConversion, "unsupported date part \"{}\"", name);
  const bool date = a.type->id() == arrow::TypeId::kDate32;
  const bool time = a.type->id() == arrow::TypeId::kTime64;
  if (!date && !time && a.type->id() != arrow::TypeId::kTimestamp) {
    Fail(ErrorKind::kInternal, "date_part over {}", a.type->ToString());
  }
  // A TIME has the parts of a time of day only.
  if (time && part != "hour" && part != "minute" && part != "second" && part != "millisecond" &&
      part != "microsecond" && part != "epoch") {
    Fail(ErrorKind::kBinder, "\"{}\" is not a part of a TIME", name);
  }
  arrow::Int64Builder b(arrow::int64());
  b.Reserve(a.length);
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsNull(i)) {
      b.AppendNull();
      continue;
    }
    int64_t days, micros = 0;
    // An infinite date or timestamp has no parts (NULL, as in DuckDB).
    if (date ? std::abs(a.values<int32_t>()[i]) == arrow::kDateInfinity
             : !time && (a.values<int64_t>()[i] == arrow::kTimestampInfinity ||
                         a.values<int64_t>()[i] == arrow::kTimestampNegativeInfinity)) {
      b.AppendNull();
      continue;
    }
    if (date) {
      days = a.values<int32_t>()[i];
    } else {
      const int64_t t = a.values<int64_t>()[i];
      days = FloorDiv(t, kMicrosPerDay);
      micros = t - days * kMicrosPerDay;
    }
    b.Append(Part(part, days, micros));
  }
  return b.Finish();
}

}  // namespace llkv::execution
