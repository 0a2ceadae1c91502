// Instants as numbers and back: epoch (seconds, DOUBLE), epoch_ms,
// epoch_us, epoch_ns (integers), julian (the Julian day, DOUBLE),
// nanosecond (of the minute), to_timestamp (seconds to a TIMESTAMP) and
// epoch_ms(n) (milliseconds to a TIMESTAMP). An infinite date or timestamp
// has no epoch: NULL, as in DuckDB.
#include <cmath>
#include <optional>

#include "arrow/temporal.h"
#include "execution/function_registry.h"

namespace llkv::execution {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
// Julian day number of 1970-01-01.
constexpr double kJulianEpoch = 2440588;

bool IsDateOrTimestamp(const arrow::DataType& t) {
  return t.id() == arrow::TypeId::kDate32 || t.id() == arrow::TypeId::kTimestamp;
}

// Microseconds since the epoch of a date or (microsecond) timestamp; none
// when it is infinite.
std::optional<int64_t> MicrosOf(const Value& v) {
  const int64_t raw = v.int64();
  if (v.type()->id() == arrow::TypeId::kDate32) {
    if (std::abs(raw) == arrow::kDateInfinity) return std::nullopt;
    return raw * kMicrosPerDay;  // |days| < 2^31: no overflow
  }
  if (raw == arrow::kTimestampInfinity || raw == arrow::kTimestampNegativeInfinity) {
    return std::nullopt;
  }
  return raw;
}

int64_t FloorDivide(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Registers `name`(date | timestamp | time?) returning `result` from the
// value's microseconds (time of day for a TIME).
void Register(FunctionRegistry& r, const char* name, const arrow::TypePtr& result, bool time_too,
              std::function<Value(int64_t micros, const Value& arg)> f) {
  ScalarFunction fn;
  fn.name = name;
  fn.bind = [n = std::string(name), result, time_too](const std::vector<arrow::TypePtr>& types) {
    CheckArity(n, types, 1, 1);
    const arrow::DataType& t = *types[0];
    if (t.id() == arrow::TypeId::kTime64 && time_too) return FunctionBinding{{types[0]}, result};
    if (IsDateOrTimestamp(t)) return FunctionBinding{{types[0]}, result};
    if (IsTextType(t) || IsNullType(t)) return FunctionBinding{{arrow::timestamp()}, result};
    NoMatch(n, types);
  };
  fn.kernel = RowKernel([f, result](const std::vector<Value>& a, const arrow::TypePtr&) {
    if (a[0].type()->id() == arrow::TypeId::kTime64) return f(a[0].int64(), a[0]);
    const std::optional<int64_t> micros = MicrosOf(a[0]);
    return micros ? f(*micros, a[0]) : Value::Null(result);
  });
  r[name] = std::move(fn);
}

}  // namespace

void RegisterEpochFunctions(FunctionRegistry& r) {
  Register(r, "epoch", arrow::float64(), true, [](int64_t micros, const Value&) {
    return Value::Double(static_cast<double>(micros) / kMicrosPerSecond);
  });
  Register(r, "epoch_us", arrow::int64(), true,
           [](int64_t micros, const Value&) { return Value::Int64(micros); });
  Register(r, "epoch_ns", arrow::int64(), true, [](int64_t micros, const Value& v) {
    int64_t ns = 0;
    if (__builtin_mul_overflow(micros, int64_t{1000}, &ns)) {
      Fail(ErrorKind::kOutOfRange, "epoch_ns({}): nanoseconds past the BIGINT range", v.ToString());
    }
    return Value::Int64(ns);
  });
  Register(r, "julian", arrow::float64(), false, [](int64_t micros, const Value&) {
    return Value::Double(kJulianEpoch + static_cast<double>(micros) / kMicrosPerDay);
  });
  Register(r, "nanosecond", arrow::int64(), true, [](int64_t micros, const Value&) {
    const int64_t of_minute =
        micros - FloorDivide(micros, 60 * kMicrosPerSecond) * 60 * kMicrosPerSecond;
    return Value::Int64(of_minute * 1000);
  });
  {
    // epoch_ms(date | timestamp): milliseconds since the epoch;
    // epoch_ms(n): the timestamp n milliseconds after it.
    ScalarFunction fn;
    fn.name = "epoch_ms";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("epoch_ms", types, 1, 1);
      if (types[0]->is_integer()) return FunctionBinding{{arrow::int64()}, arrow::timestamp()};
      if (IsDateOrTimestamp(*types[0]) || IsNullType(*types[0])) {
        return FunctionBinding{{IsNullType(*types[0]) ? arrow::timestamp() : types[0]},
                               arrow::int64()};
      }
      NoMatch("epoch_ms", types);
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr& result) {
      if (result->id() == arrow::TypeId::kTimestamp) {
        int64_t micros = 0;
        if (__builtin_mul_overflow(a[0].int64(), int64_t{1000}, &micros)) {
          Fail(ErrorKind::kOutOfRange, "epoch_ms({}) is out of the timestamp range", a[0].int64());
        }
        return Value::Timestamp(micros);
      }
      const std::optional<int64_t> micros = MicrosOf(a[0]);
      return micros ? Value::Int64(FloorDivide(*micros, 1000)) : Value::Null(arrow::int64());
    });
    r["epoch_ms"] = std::move(fn);
  }
  {
    ScalarFunction fn;
    fn.name = "to_timestamp";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("to_timestamp", types, 1, 1);
      if (!IsNumericType(*types[0]) && !IsNullType(*types[0])) NoMatch("to_timestamp", types);
      return FunctionBinding{{arrow::float64()}, arrow::timestamp()};
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr&) {
      const double s = a[0].float64();
      if (!std::isfinite(s) || std::fabs(s) > 9.2e12) {
        Fail(ErrorKind::kOutOfRange, "to_timestamp({}) is out of range", s);
      }
      return Value::Timestamp(static_cast<int64_t>(std::llround(s * kMicrosPerSecond)));
    });
    r["to_timestamp"] = std::move(fn);
  }
}

}  // namespace llkv::execution
