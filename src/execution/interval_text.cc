// Interval text, as PostgreSQL and DuckDB read it: an optional '@', then
// numbers with units ("1 year 2 mons", "-2yrs", "3.5 days", "1H"), times of
// day ("05:12:34.5", "-876:54:32"), a bare number (seconds), and an
// optional trailing "ago" that negates the whole. Values are exact to the
// microsecond; each field must fit its type (months and days int32,
// microseconds int64), and every way of leaving them is an error naming why.
#include <charconv>
#include <cmath>
#include <string>

#include "common/ascii.h"
#include "execution/expression.h"
#include "llkv/common/error.h"

namespace llkv::execution {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

enum class Unit {
  kMillennium,
  kCentury,
  kDecade,
  kYear,
  kQuarter,
  kMonth,
  kWeek,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kMillisecond,
  kMicrosecond,
  kUnknown,
  kNotAnIntervalUnit,  // a date part (doy, yearweek, ...) an interval has not
};

Unit UnitNamed(std::string name) {
  for (char& c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  struct Alias {
    const char* name;
    Unit unit;
  };
  static const Alias kAliases[] = {
      {"millennium", Unit::kMillennium},
      {"millennia", Unit::kMillennium},
      {"millenniums", Unit::kMillennium},
      {"mil", Unit::kMillennium},
      {"mils", Unit::kMillennium},
      {"century", Unit::kCentury},
      {"centuries", Unit::kCentury},
      {"c", Unit::kCentury},
      {"cent", Unit::kCentury},
      {"decade", Unit::kDecade},
      {"decades", Unit::kDecade},
      {"dec", Unit::kDecade},
      {"decs", Unit::kDecade},
      {"year", Unit::kYear},
      {"years", Unit::kYear},
      {"y", Unit::kYear},
      {"yr", Unit::kYear},
      {"yrs", Unit::kYear},
      {"quarter", Unit::kQuarter},
      {"quarters", Unit::kQuarter},
      {"month", Unit::kMonth},
      {"months", Unit::kMonth},
      {"mon", Unit::kMonth},
      {"mons", Unit::kMonth},
      {"week", Unit::kWeek},
      {"weeks", Unit::kWeek},
      {"w", Unit::kWeek},
      {"day", Unit::kDay},
      {"days", Unit::kDay},
      {"d", Unit::kDay},
      {"hour", Unit::kHour},
      {"hours", Unit::kHour},
      {"h", Unit::kHour},
      {"hr", Unit::kHour},
      {"hrs", Unit::kHour},
      {"minute", Unit::kMinute},
      {"minutes", Unit::kMinute},
      {"min", Unit::kMinute},
      {"mins", Unit::kMinute},
      {"m", Unit::kMinute},
      {"second", Unit::kSecond},
      {"seconds", Unit::kSecond},
      {"sec", Unit::kSecond},
      {"secs", Unit::kSecond},
      {"s", Unit::kSecond},
      {"millisecond", Unit::kMillisecond},
      {"milliseconds", Unit::kMillisecond},
      {"ms", Unit::kMillisecond},
      {"msec", Unit::kMillisecond},
      {"msecs", Unit::kMillisecond},
      {"msecond", Unit::kMillisecond},
      {"mseconds", Unit::kMillisecond},
      {"millisecon", Unit::kMillisecond},
      {"microsecond", Unit::kMicrosecond},
      {"microseconds", Unit::kMicrosecond},
      {"us", Unit::kMicrosecond},
      {"usec", Unit::kMicrosecond},
      {"usecs", Unit::kMicrosecond},
      {"usecond", Unit::kMicrosecond},
      {"useconds", Unit::kMicrosecond},
  };
  for (const auto& a : kAliases) {
    if (name == a.name) return a.unit;
  }
  if (IsDatePart(name)) return Unit::kNotAnIntervalUnit;
  return Unit::kUnknown;
}

class IntervalReader {
 public:
  explicit IntervalReader(std::string_view text) : text_(text), t_(Trim(text)) {}

  arrow::MonthDayNano Read() {
    if (i_ < t_.size() && t_[i_] == '@') ++i_;
    bool any = false, ago = false;
    while (true) {
      SkipSpace();
      if (i_ >= t_.size()) break;
      if (ago) BadFormat();
      if (Word() == "ago") {
        ago = true;
        i_ += 3;
        continue;
      }
      ReadItem();
      any = true;
    }
    if (!any) BadFormat();
    if (ago) {
      if (months_ == INT32_MIN || days_ == INT32_MIN || micros_ == INT64_MIN) {
        Fail(ErrorKind::kOutOfRange, "AGO interval value is out of range: '{}'", text_);
      }
      months_ = -months_;
      days_ = -days_;
      micros_ = -micros_;
    }
    // Stored as nanoseconds (Arrow's month_day_nano): about 2,562,047 hours.
    int64_t nanos = 0;
    if (__builtin_mul_overflow(micros_, int64_t{1000}, &nanos)) {
      Fail(ErrorKind::kOutOfRange,
           "interval value is out of range: '{}' (the time part holds at most 2562047 hours)",
           text_);
    }
    return {static_cast<int32_t>(months_), static_cast<int32_t>(days_), nanos};
  }

 private:
  [[noreturn]] void BadFormat() const {
    Fail(ErrorKind::kConversion, "Could not convert string '{}' to INTERVAL", text_);
  }
  [[noreturn]] void OutOfRange() const {
    Fail(ErrorKind::kOutOfRange, "interval value is out of range: '{}'", text_);
  }

  void SkipSpace() {
    while (i_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[i_])))
      ++i_;
  }
  std::string Word() const {
    size_t j = i_;
    while (j < t_.size() && std::isalpha(static_cast<unsigned char>(t_[j])))
      ++j;
    std::string w(t_.substr(i_, j - i_));
    for (char& c : w)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return w;
  }

  // A number, a time of day or a number with its unit.
  void ReadItem() {
    const size_t start = i_;
    bool negative = false;
    if (t_[i_] == '+' || t_[i_] == '-') negative = t_[i_++] == '-';
    const size_t digits = i_;
    while (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_])))
      ++i_;
    const std::string_view whole = t_.substr(digits, i_ - digits);
    std::string_view fraction;
    if (i_ < t_.size() && t_[i_] == '.') {
      const size_t f = ++i_;
      while (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_])))
        ++i_;
      fraction = t_.substr(f, i_ - f);
    }
    if (whole.empty() && fraction.empty()) BadFormat();
    if (i_ < t_.size() && t_[i_] == ':') {
      if (!fraction.empty()) BadFormat();
      ReadTime(negative, whole);
      return;
    }
    // The integer part must be an int64; the fraction is kept to the
    // microsecond (units above days carry it down: 1.5 years, 0.5 months).
    int64_t n = 0;
    if (!whole.empty()) {
      const auto r = std::from_chars(whole.data(), whole.data() + whole.size(), n);
      if (r.ec != std::errc()) {
        Fail(ErrorKind::kInvalidInput, "Could not convert string '{}' to INT64 in interval '{}'",
             t_.substr(start, i_ - start), text_);
      }
    }
    if (negative) n = -n;
    long double frac = 0;
    if (!fraction.empty()) {
      frac = std::stold("0." + std::string(fraction));
      if (negative) frac = -frac;
    }
    SkipSpace();
    const size_t unit_start = i_;
    while (i_ < t_.size() && std::isalpha(static_cast<unsigned char>(t_[i_])))
      ++i_;
    const std::string unit_text(t_.substr(unit_start, i_ - unit_start));
    if (unit_text.empty()) {  // a bare number: seconds
      AddMicros(n, kMicrosPerSecond, frac);
      return;
    }
    switch (UnitNamed(unit_text)) {
      case Unit::kUnknown:
        Fail(ErrorKind::kConversion, "extract specifier \"{}\" not recognized in interval '{}'",
             unit_text, text_);
      case Unit::kNotAnIntervalUnit:
        Fail(ErrorKind::kConversion, "extract specifier \"{}\" not supported for interval in '{}'",
             unit_text, text_);
      case Unit::kMillennium:
        return AddMonths(n, 12000, frac);
      case Unit::kCentury:
        return AddMonths(n, 1200, frac);
      case Unit::kDecade:
        return AddMonths(n, 120, frac);
      case Unit::kYear:
        return AddMonths(n, 12, frac);
      case Unit::kQuarter:
        return AddMonths(n, 3, frac);
      case Unit::kMonth:
        return AddMonths(n, 1, frac);
      case Unit::kWeek:
        return AddDays(n, 7, frac);
      case Unit::kDay:
        return AddDays(n, 1, frac);
      case Unit::kHour:
        return AddMicros(n, 3600 * kMicrosPerSecond, frac);
      case Unit::kMinute:
        return AddMicros(n, 60 * kMicrosPerSecond, frac);
      case Unit::kSecond:
        return AddMicros(n, kMicrosPerSecond, frac);
      case Unit::kMillisecond:
        return AddMicros(n, 1000, frac);
      case Unit::kMicrosecond:
        return AddMicros(n, 1, frac);
    }
  }

  // [-]H:MM[:SS[.f]] (hours up to 9 digits; a trailing ':' is allowed).
  void ReadTime(bool negative, std::string_view hours_text) {
    if (hours_text.size() > 9) BadFormat();
    int64_t hours = 0, minutes = 0, seconds = 0, micros = 0;
    std::from_chars(hours_text.data(), hours_text.data() + hours_text.size(), hours);
    auto field = [&](int64_t* out) {
      const size_t f = i_;
      while (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_])))
        ++i_;
      if (i_ - f > 2) BadFormat();
      if (i_ > f) std::from_chars(t_.data() + f, t_.data() + i_, *out);
    };
    ++i_;  // ':'
    field(&minutes);
    if (i_ < t_.size() && t_[i_] == ':') {
      ++i_;
      field(&seconds);
      if (i_ < t_.size() && t_[i_] == '.') {
        const size_t f = ++i_;
        while (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_])))
          ++i_;
        std::string digits(t_.substr(f, std::min<size_t>(i_ - f, 6)));
        digits.resize(6, '0');
        std::from_chars(digits.data(), digits.data() + 6, micros);
      }
    }
    if (minutes > 59 || seconds > 59) BadFormat();
    const int64_t total =
        ((hours * 60 + minutes) * 60 + seconds) * kMicrosPerSecond + micros;  // < 2^63
    Accumulate(&micros_, negative ? -total : total, INT64_MIN, INT64_MAX);
  }

  void Accumulate(int64_t* field, int64_t add, int64_t lo, int64_t hi) {
    int64_t out = 0;
    if (__builtin_add_overflow(*field, add, &out) || out < lo || out > hi) OutOfRange();
    *field = out;
  }

  // A part that must fit int32 by itself (DuckDB: "can't be cast").
  int64_t Int32Part(__int128 v) const {
    if (v > INT32_MAX || v < INT32_MIN) {
      Fail(ErrorKind::kInvalidInput,
           "Type INT64 with value {} can't be cast because the value is out of range for the "
           "destination type INT32 (interval '{}')",
           static_cast<long double>(v), text_);
    }
    return static_cast<int64_t>(v);
  }

  void AddMonths(int64_t n, int64_t per, long double frac) {
    Accumulate(&months_, Int32Part(static_cast<__int128>(n) * per), INT32_MIN, INT32_MAX);
    if (frac != 0) {  // the fraction of a month is 30 days
      const long double months = frac * static_cast<long double>(per);
      const auto whole = static_cast<int64_t>(months);
      Accumulate(&months_, whole, INT32_MIN, INT32_MAX);
      AddDays(0, 1, (months - static_cast<long double>(whole)) * 30);
    }
  }
  void AddDays(int64_t n, int64_t per, long double frac) {
    Accumulate(&days_, Int32Part(static_cast<__int128>(n) * per), INT32_MIN, INT32_MAX);
    if (frac != 0) {
      const long double days = frac * static_cast<long double>(per);
      const auto whole = static_cast<int64_t>(days);
      Accumulate(&days_, whole, INT32_MIN, INT32_MAX);
      AddMicros(0, kMicrosPerDay, days - static_cast<long double>(whole));
    }
  }
  void AddMicros(int64_t n, int64_t per, long double frac) {
    int64_t v = 0;
    if (__builtin_mul_overflow(n, per, &v)) OutOfRange();
    Accumulate(&micros_, v, INT64_MIN, INT64_MAX);
    if (frac != 0) {
      Accumulate(&micros_,
                 static_cast<int64_t>(std::llroundl(frac * static_cast<long double>(per))),
                 INT64_MIN, INT64_MAX);
    }
  }

  std::string_view text_;  // as given, for messages
  std::string_view t_;     // trimmed
  size_t i_ = 0;
  int64_t months_ = 0, days_ = 0, micros_ = 0;
};

}  // namespace

arrow::MonthDayNano ParseInterval(std::string_view s) {
  return IntervalReader(s).Read();
}

}  // namespace llkv::execution
