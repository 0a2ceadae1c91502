// Calendar arithmetic on the proleptic Gregorian calendar, used to render
// and (later) parse date32, timestamp and interval values.
#pragma once

#include <cstdint>
#include <string>

#include "llkv/arrow/type.h"

namespace llkv::arrow {

// DuckDB's infinite dates and timestamps: the largest magnitudes of their
// storage types, ordered after (before) every finite value.
inline constexpr int32_t kDateInfinity = INT32_MAX;
inline constexpr int32_t kDateNegativeInfinity = -INT32_MAX;
inline constexpr int64_t kTimestampInfinity = INT64_MAX;
inline constexpr int64_t kTimestampNegativeInfinity = -INT64_MAX;
// The finite timestamps (microseconds), as DuckDB bounds them:
// 290309-12-22 (BC) 00:00:00 to 294247-01-10 04:00:54.775806.
inline constexpr int64_t kTimestampMinMicros = -9223372022400000000;
inline constexpr int64_t kTimestampMaxMicros = INT64_MAX - 1;

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01 of a civil date, and back; exact for any int32 day.
int64_t DaysFromCivil(int64_t year, int month, int day);
CivilDate CivilFromDays(int64_t days);

// Years before 1 AD as DuckDB writes them: year 0 is 0001-01-01 (BC).
std::string FormatDate32(int32_t days);                     // 2024-02-29, infinity
std::string FormatTimestampMicros(int64_t micros);          // 2024-02-29 13:45:00[.123456]
std::string FormatTimestamp(int64_t value, TimeUnit unit);  // the unit's fraction digits
std::string FormatTimeMicros(int64_t micros);               // 13:45:00[.123456] (time of day)
std::string FormatMonthDayNano(const MonthDayNano& v);      // 1 month 2 days 00:00:01.5
std::string FormatDecimal128(Decimal128 value, int scale);

}  // namespace llkv::arrow
