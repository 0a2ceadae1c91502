// Value: one typed SQL value (or NULL of a type), for constants, parameters
// and results of scalar subqueries. Integers of every width are held as
// int64 and decimals as their unscaled int128; the Arrow type says which.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "llkv/arrow/array.h"
#include "llkv/arrow/builder.h"

namespace llkv::execution {

class Value {
 public:
  Value() : type_(arrow::null()) {}

  static Value Null(arrow::TypePtr type = arrow::null()) { return Value(std::move(type), {}); }
  static Value Bool(bool v) { return Value(arrow::boolean(), v); }
  static Value Int64(int64_t v) { return Value(arrow::int64(), v); }
  // An integer of any integer type (v must fit it).
  static Value Integer(arrow::TypePtr type, int64_t v) { return Value(std::move(type), v); }
  static Value Double(double v) { return Value(arrow::float64(), v); }
  static Value Decimal(arrow::Decimal128 unscaled, int precision, int scale) {
    return Value(arrow::decimal128(precision, scale), unscaled);
  }
  static Value String(std::string v) { return Value(arrow::utf8(), std::move(v)); }
  static Value Blob(std::string bytes) { return Value(arrow::binary(), std::move(bytes)); }
  static Value Date32(int32_t days) { return Value(arrow::date32(), int64_t{days}); }
  static Value Timestamp(int64_t micros) { return Value(arrow::timestamp(), micros); }
  static Value Interval(arrow::MonthDayNano v) {
    return Value(arrow::interval_month_day_nano(), v);
  }

  // A LIST of `type` (arrow list) or a STRUCT of `type` (one value per
  // field, in field order); each element null or of the element type.
  static Value List(arrow::TypePtr type, std::vector<Value> elements) {
    return Value(std::move(type), std::make_shared<const std::vector<Value>>(std::move(elements)));
  }
  static Value Struct(arrow::TypePtr type, std::vector<Value> fields) {
    return List(std::move(type), std::move(fields));
  }

  // Value of row i of `array` (its type included).
  static Value FromArray(const arrow::ArrayData& array, int64_t i);

  const arrow::TypePtr& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }

  // Accessors; each requires the matching non-null kind.
  bool boolean() const { return std::get<bool>(data_); }
  int64_t int64() const { return std::get<int64_t>(data_); }  // integers, dates, timestamps
  double float64() const { return std::get<double>(data_); }
  arrow::Decimal128 decimal() const { return std::get<arrow::Decimal128>(data_); }
  const std::string& str() const { return std::get<std::string>(data_); }  // text and blobs
  const arrow::MonthDayNano& interval() const { return std::get<arrow::MonthDayNano>(data_); }
  // The elements of a LIST, or the fields of a STRUCT.
  const std::vector<Value>& elements() const { return *std::get<Elements>(data_); }

  // An array of `length` copies of this value, of its type.
  arrow::ArrayDataPtr ToArray(int64_t length) const;
  // Display text, as the shell shows it ("NULL" for null).
  std::string ToString() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  using Elements = std::shared_ptr<const std::vector<Value>>;
  using Data = std::variant<std::monostate, bool, int64_t, double, arrow::Decimal128, std::string,
                            arrow::MonthDayNano, Elements>;
  Value(arrow::TypePtr type, Data data) : type_(std::move(type)), data_(std::move(data)) {}

  arrow::TypePtr type_;
  Data data_;
};

// DuckDB's name of type `t` (INTEGER, DECIMAL(9,2), VARCHAR[], ...): what
// typeof() returns and what error messages name.
std::string SqlTypeName(const arrow::DataType& t);

// Orders two non-null values of one type: numbers numerically (NaN equal to
// itself and above every number), text and blobs bytewise, false < true,
// intervals by their length with a month as 30 days (DuckDB's rule); lists
// element by element (a prefix first) and structs field by field, a NULL
// inside them after every value.
int CompareValues(const Value& a, const Value& b);

// Appends `v` (null or of the builder's type) to `builder`.
void AppendValue(arrow::ArrayBuilder* builder, const Value& v);

// Appends a value's identity to a hash key (group keys, DISTINCT, memo
// keys): a tag and the payload, so that equal values of one type, and only
// they, encode equally (-0.0 as 0.0, every NaN alike).
void EncodeValueKey(const Value& v, std::string* out);

}  // namespace llkv::execution
