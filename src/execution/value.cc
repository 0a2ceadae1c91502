#include "execution/value.h"

#include <cmath>

#include "common/bit_util.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {

using arrow::TypeId;

namespace {

__int128 IntervalNanos(const arrow::MonthDayNano& v) {
  constexpr __int128 kDay = __int128{86400} * 1000000000;
  return (__int128{v.months} * 30 + v.days) * kDay + v.nanoseconds;
}

}  // namespace

Value Value::FromArray(const arrow::ArrayData& a, int64_t i) {
  if (a.IsNull(i)) return Null(a.type);
  const int64_t k = a.offset + i;
  const uint8_t* values = a.buffers.size() > 1 && a.buffers[1] ? a.buffers[1]->data() : nullptr;
  switch (a.type->id()) {
    case TypeId::kBool:
      return Bool(bit_util::GetBit(values, k));
    case TypeId::kInt8:
      return Integer(a.type, reinterpret_cast<const int8_t*>(values)[k]);
    case TypeId::kInt16:
      return Integer(a.type, reinterpret_cast<const int16_t*>(values)[k]);
    case TypeId::kInt32:
    case TypeId::kDate32:
      return Integer(a.type, reinterpret_cast<const int32_t*>(values)[k]);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
      return Integer(a.type, reinterpret_cast<const int64_t*>(values)[k]);
    case TypeId::kUInt8:
      return Integer(a.type, reinterpret_cast<const uint8_t*>(values)[k]);
    case TypeId::kUInt16:
      return Integer(a.type, reinterpret_cast<const uint16_t*>(values)[k]);
    case TypeId::kUInt32:
      return Integer(a.type, reinterpret_cast<const uint32_t*>(values)[k]);
    case TypeId::kUInt64:
      // Held as int64's bits (row ids; compared and hashed as such).
      return Integer(a.type, static_cast<int64_t>(reinterpret_cast<const uint64_t*>(values)[k]));
    case TypeId::kFloat32:
      return Value(a.type, double{reinterpret_cast<const float*>(values)[k]});
    case TypeId::kFloat64:
      return Double(reinterpret_cast<const double*>(values)[k]);
    case TypeId::kDecimal128:
      return Value(a.type, reinterpret_cast<const arrow::Decimal128*>(values)[k]);
    case TypeId::kIntervalMonthDayNano:
      return Value(a.type, reinterpret_cast<const arrow::MonthDayNano*>(values)[k]);
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary:
      return Value(a.type, std::string(arrow::BinaryValueAt(a, i)));
    default:
      Fail(ErrorKind::kNotImplemented, "values of type {} as scalars", a.type->ToString());
  }
}

arrow::ArrayDataPtr Value::ToArray(int64_t length) const {
  if (is_null()) return arrow::MakeNullArray(type_, length);
  auto builder = arrow::MakeBuilder(type_);
  builder->Reserve(length);
  auto repeat = [&](auto* b, auto v) {
    for (int64_t i = 0; i < length; ++i)
      b->Append(v);
  };
  switch (type_->id()) {
    case TypeId::kBool:
      repeat(static_cast<arrow::BooleanBuilder*>(builder.get()), boolean());
      break;
    case TypeId::kInt8:
      repeat(static_cast<arrow::Int8Builder*>(builder.get()), static_cast<int8_t>(int64()));
      break;
    case TypeId::kInt16:
      repeat(static_cast<arrow::Int16Builder*>(builder.get()), static_cast<int16_t>(int64()));
      break;
    case TypeId::kInt32:
    case TypeId::kDate32:
      repeat(static_cast<arrow::Int32Builder*>(builder.get()), static_cast<int32_t>(int64()));
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
      repeat(static_cast<arrow::Int64Builder*>(builder.get()), int64());
      break;
    case TypeId::kUInt8:
      repeat(static_cast<arrow::UInt8Builder*>(builder.get()), static_cast<uint8_t>(int64()));
      break;
    case TypeId::kUInt16:
      repeat(static_cast<arrow::UInt16Builder*>(builder.get()), static_cast<uint16_t>(int64()));
      break;
    case TypeId::kUInt32:
      repeat(static_cast<arrow::UInt32Builder*>(builder.get()), static_cast<uint32_t>(int64()));
      break;
    case TypeId::kUInt64:
      repeat(static_cast<arrow::UInt64Builder*>(builder.get()), static_cast<uint64_t>(int64()));
      break;
    case TypeId::kFloat32:
      repeat(static_cast<arrow::FloatBuilder*>(builder.get()), static_cast<float>(float64()));
      break;
    case TypeId::kFloat64:
      repeat(static_cast<arrow::DoubleBuilder*>(builder.get()), float64());
      break;
    case TypeId::kDecimal128:
      repeat(static_cast<arrow::Decimal128Builder*>(builder.get()), decimal());
      break;
    case TypeId::kIntervalMonthDayNano:
      repeat(static_cast<arrow::MonthDayNanoBuilder*>(builder.get()), interval());
      break;
    case TypeId::kUtf8:
    case TypeId::kBinary:
      repeat(static_cast<arrow::StringBuilder*>(builder.get()), std::string_view(str()));
      break;
    case TypeId::kLargeUtf8:
      repeat(static_cast<arrow::LargeStringBuilder*>(builder.get()), std::string_view(str()));
      break;
    default:
      Fail(ErrorKind::kNotImplemented, "arrays of {} constants", type_->ToString());
  }
  return builder->Finish();
}

std::string Value::ToString() const {
  if (is_null()) return "NULL";
  return arrow::FormatValue(*ToArray(1), 0);
}

void EncodeValueKey(const Value& v, std::string* out) {
  if (v.is_null()) {
    out->push_back('\0');
    return;
  }
  out->push_back('\1');
  switch (v.type()->id()) {
    case TypeId::kBool:
      out->push_back(v.boolean() ? '1' : '0');
      break;
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double d = v.float64();
      if (d == 0) d = 0;  // -0.0 groups with 0.0
      if (std::isnan(d)) d = NAN;
      out->append(reinterpret_cast<const char*>(&d), sizeof d);
      break;
    }
    case TypeId::kDecimal128: {
      const arrow::Decimal128 d = v.decimal();
      out->append(reinterpret_cast<const char*>(&d), sizeof d);
      break;
    }
    case TypeId::kIntervalMonthDayNano: {
      // Equal intervals are equal lengths (1 month = 30 days).
      const __int128 n = IntervalNanos(v.interval());
      out->append(reinterpret_cast<const char*>(&n), sizeof n);
      break;
    }
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary: {
      const uint32_t n = static_cast<uint32_t>(v.str().size());
      out->append(reinterpret_cast<const char*>(&n), sizeof n);
      out->append(v.str());
      break;
    }
    default: {
      const int64_t i = v.int64();
      out->append(reinterpret_cast<const char*>(&i), sizeof i);
    }
  }
}

int CompareValues(const Value& a, const Value& b) {
  switch (a.type()->id()) {
    case TypeId::kBool:
      return int{a.boolean()} - int{b.boolean()};
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      const double x = a.float64(), y = b.float64();
      const bool xn = std::isnan(x), yn = std::isnan(y);
      if (xn || yn) return xn == yn ? 0 : (xn ? 1 : -1);
      return x < y ? -1 : (y < x ? 1 : 0);
    }
    case TypeId::kDecimal128:
      return a.decimal() < b.decimal() ? -1 : (b.decimal() < a.decimal() ? 1 : 0);
    case TypeId::kIntervalMonthDayNano: {
      const __int128 x = IntervalNanos(a.interval()), y = IntervalNanos(b.interval());
      return x < y ? -1 : (y < x ? 1 : 0);
    }
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary:
      return a.str().compare(b.str());
    case TypeId::kNull:
      return 0;
    default:
      return a.int64() < b.int64() ? -1 : (b.int64() < a.int64() ? 1 : 0);
  }
}

}  // namespace llkv::execution
