#include "execution/value.h"

#include <cmath>

#include <fmt/format.h>

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
    case TypeId::kList: {
      const int32_t* o = a.values<int32_t>(1);
      std::vector<Value> elements;
      elements.reserve(static_cast<size_t>(o[i + 1] - o[i]));
      for (int32_t e = o[i]; e < o[i + 1]; ++e)
        elements.push_back(FromArray(*a.children[0], e));
      return List(a.type, std::move(elements));
    }
    case TypeId::kStruct: {
      std::vector<Value> fields;
      fields.reserve(a.children.size());
      for (const auto& c : a.children)
        fields.push_back(FromArray(*c, k));
      return Struct(a.type, std::move(fields));
    }
    default:
      Fail(ErrorKind::kNotImplemented, "values of type {} as scalars", a.type->ToString());
  }
}

bool operator==(const Value& a, const Value& b) {
  if (!a.type_->Equals(*b.type_)) return false;
  if (std::holds_alternative<Value::Elements>(a.data_) &&
      std::holds_alternative<Value::Elements>(b.data_)) {
    return a.elements() == b.elements();
  }
  return a.data_ == b.data_;
}

void AppendValue(arrow::ArrayBuilder* b, const Value& v) {
  if (v.is_null()) {
    b->AppendNull();
    return;
  }
  switch (b->type()->id()) {
    case TypeId::kBool:
      static_cast<arrow::BooleanBuilder*>(b)->Append(v.boolean());
      break;
    case TypeId::kInt8:
      static_cast<arrow::Int8Builder*>(b)->Append(static_cast<int8_t>(v.int64()));
      break;
    case TypeId::kInt16:
      static_cast<arrow::Int16Builder*>(b)->Append(static_cast<int16_t>(v.int64()));
      break;
    case TypeId::kInt32:
    case TypeId::kDate32:
      static_cast<arrow::Int32Builder*>(b)->Append(static_cast<int32_t>(v.int64()));
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
      static_cast<arrow::Int64Builder*>(b)->Append(v.int64());
      break;
    case TypeId::kUInt8:
      static_cast<arrow::UInt8Builder*>(b)->Append(static_cast<uint8_t>(v.int64()));
      break;
    case TypeId::kUInt16:
      static_cast<arrow::UInt16Builder*>(b)->Append(static_cast<uint16_t>(v.int64()));
      break;
    case TypeId::kUInt32:
      static_cast<arrow::UInt32Builder*>(b)->Append(static_cast<uint32_t>(v.int64()));
      break;
    case TypeId::kUInt64:
      static_cast<arrow::UInt64Builder*>(b)->Append(static_cast<uint64_t>(v.int64()));
      break;
    case TypeId::kFloat32:
      static_cast<arrow::FloatBuilder*>(b)->Append(static_cast<float>(v.float64()));
      break;
    case TypeId::kFloat64:
      static_cast<arrow::DoubleBuilder*>(b)->Append(v.float64());
      break;
    case TypeId::kDecimal128:
      static_cast<arrow::Decimal128Builder*>(b)->Append(v.decimal());
      break;
    case TypeId::kIntervalMonthDayNano:
      static_cast<arrow::MonthDayNanoBuilder*>(b)->Append(v.interval());
      break;
    case TypeId::kUtf8:
    case TypeId::kBinary:
      static_cast<arrow::StringBuilder*>(b)->Append(v.str());
      break;
    case TypeId::kLargeUtf8:
      static_cast<arrow::LargeStringBuilder*>(b)->Append(v.str());
      break;
    case TypeId::kList: {
      auto* list = static_cast<arrow::ListBuilder*>(b);
      list->Append(true);
      for (const Value& e : v.elements())
        AppendValue(list->value_builder(), e);
      break;
    }
    case TypeId::kStruct: {
      auto* st = static_cast<arrow::StructBuilder*>(b);
      st->Append(true);
      for (int f = 0; f < st->num_fields(); ++f)
        AppendValue(st->field_builder(f), v.elements()[static_cast<size_t>(f)]);
      break;
    }
    default:
      Fail(ErrorKind::kNotImplemented, "values of type {} in arrays", b->type()->ToString());
  }
}

arrow::ArrayDataPtr Value::ToArray(int64_t length) const {
  if (is_null()) return arrow::MakeNullArray(type_, length);
  auto builder = arrow::MakeBuilder(type_);
  builder->Reserve(length);
  for (int64_t i = 0; i < length; ++i)
    AppendValue(builder.get(), *this);
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
    case TypeId::kList:
    case TypeId::kStruct: {
      const uint32_t n = static_cast<uint32_t>(v.elements().size());
      out->append(reinterpret_cast<const char*>(&n), sizeof n);
      for (const Value& e : v.elements())
        EncodeValueKey(e, out);
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
    case TypeId::kList:
    case TypeId::kStruct: {
      const auto& x = a.elements();
      const auto& y = b.elements();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (x[i].is_null() || y[i].is_null()) {
          if (x[i].is_null() != y[i].is_null()) return x[i].is_null() ? 1 : -1;
          continue;
        }
        const int c = CompareValues(x[i], y[i]);
        if (c != 0) return c;
      }
      return x.size() < y.size() ? -1 : (y.size() < x.size() ? 1 : 0);
    }
    default:
      return a.int64() < b.int64() ? -1 : (b.int64() < a.int64() ? 1 : 0);
  }
}

std::string SqlTypeName(const arrow::DataType& t) {
  if (arrow::IsAggregateState(t)) return "AGGREGATE_STATE";
  switch (t.id()) {
    case arrow::TypeId::kNull:
      return "\"NULL\"";
    case arrow::TypeId::kBool:
      return "BOOLEAN";
    case arrow::TypeId::kInt8:
      return "TINYINT";
    case arrow::TypeId::kInt16:
      return "SMALLINT";
    case arrow::TypeId::kInt32:
      return "INTEGER";
    case arrow::TypeId::kInt64:
      return "BIGINT";
    case arrow::TypeId::kUInt8:
      return "UTINYINT";
    case arrow::TypeId::kUInt16:
      return "USMALLINT";
    case arrow::TypeId::kUInt32:
      return "UINTEGER";
    case arrow::TypeId::kUInt64:
      return "UBIGINT";
    case arrow::TypeId::kFloat32:
      return "FLOAT";
    case arrow::TypeId::kFloat64:
      return "DOUBLE";
    case arrow::TypeId::kDecimal128:
      return fmt::format("DECIMAL({},{})", t.precision(), t.scale());
    case arrow::TypeId::kUtf8:
    case arrow::TypeId::kLargeUtf8:
      return "VARCHAR";
    case arrow::TypeId::kBinary:
      return arrow::IsBitString(t) ? "BIT" : "BLOB";
    case arrow::TypeId::kDate32:
      return "DATE";
    case arrow::TypeId::kTimestamp: {
      if (!t.timezone().empty()) return "TIMESTAMP WITH TIME ZONE";
      static constexpr const char* kNames[] = {"TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP",
                                               "TIMESTAMP_NS"};
      return kNames[static_cast<int>(t.unit())];
    }
    case arrow::TypeId::kTime64:
      return "TIME";
    case arrow::TypeId::kIntervalMonthDayNano:
      return "INTERVAL";
    case arrow::TypeId::kList:
      if (arrow::IsMap(t)) {
        const auto& kv = t.value_type()->fields();
        return "MAP(" + SqlTypeName(*kv[0]->type()) + ", " + SqlTypeName(*kv[1]->type()) + ")";
      }
      return SqlTypeName(*t.value_type()) + "[]";
    case arrow::TypeId::kStruct: {
      std::string out = "STRUCT(";
      for (size_t i = 0; i < t.fields().size(); ++i) {
        if (i > 0) out += ", ";
        out += t.fields()[i]->name() + " " + SqlTypeName(*t.fields()[i]->type());
      }
      return out + ")";
    }
    default:
      return t.ToString();
  }
}

}  // namespace llkv::execution
