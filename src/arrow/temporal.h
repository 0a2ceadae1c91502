// Calendar arithmetic on the proleptic Gregorian calendar, used to render
// and (later) parse date32, timestamp and interval values.
#pragma once

#include <cstdint>
#include <string>

#include "llkv/arrow/type.h"

namespace llkv::arrow {

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01 of a civil date, and back; exact for any int32 day.
int64_t DaysFromCivil(int64_t year, int month, int day);
CivilDate CivilFromDays(int64_t days);

std::string FormatDate32(int32_t days);                 // 2024-02-29
std::string FormatTimestampMicros(int64_t micros);      // 2024-02-29 13:45:00[.123456]
std::string FormatTimeMicros(int64_t micros);           // 13:45:00[.123456] (time of day)
std::string FormatMonthDayNano(const MonthDayNano& v);  // 1 month 2 days 00:00:01.5
std::string FormatDecimal128(Decimal128 value, int scale);

}  // namespace llkv::arrow
