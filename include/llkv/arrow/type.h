// Arrow logical types, fields and schemas, as the Arrow columnar format
// specification defines them. Types are immutable and shared by pointer
// (TypePtr); compare them with Equals, never by pointer identity.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace llkv::arrow {

// The numeric values are stored in column descriptors (docs/storage-format.md):
// never reorder; add new ids at the end.
enum class TypeId : uint8_t {
  kNull,
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kDecimal128,
  kUtf8,
  kLargeUtf8,
  kBinary,
  kDate32,                // days since 1970-01-01, int32
  kTimestamp,             // int64 count of its TimeUnit since the epoch, optional time zone
  kIntervalMonthDayNano,  // {int32 months, int32 days, int64 nanoseconds}
  kStruct,
  kList,  // int32 offsets
  // (Values are stored on disk: new types go at the end.)
  kTime64,  // microseconds since midnight, int64 (time of day)
  // 22 and 23 are taken: the type codec's tags for a timestamp with a unit
  // and for a BIT string (docs/storage-format.md). The next new type is 24.
};

// The resolution of a timestamp. Microseconds is SQL's TIMESTAMP; the others
// are DuckDB's TIMESTAMP_S, TIMESTAMP_MS and TIMESTAMP_NS (and Arrow's units).
enum class TimeUnit : uint8_t { kSecond, kMilli, kMicro, kNano };

// Units of `unit` in one second (1, 1000, 1000000, 1000000000).
int64_t UnitsPerSecond(TimeUnit unit);

// Key/value metadata on fields and schemas, in insertion order.
using KeyValueMetadata = std::vector<std::pair<std::string, std::string>>;

class DataType;
class Field;
using TypePtr = std::shared_ptr<const DataType>;
using FieldPtr = std::shared_ptr<const Field>;

class DataType {
 public:
  TypeId id() const { return id_; }

  // Width in bits of one value of a fixed-width type (bool: 1); 0 for types
  // without a fixed width (null, variable-length and nested types).
  int bit_width() const;
  bool is_fixed_width() const { return bit_width() > 0; }
  bool is_integer() const;
  bool is_signed_integer() const;
  bool is_unsigned_integer() const;
  bool is_floating() const { return id_ == TypeId::kFloat32 || id_ == TypeId::kFloat64; }
  // utf8, large_utf8 and binary: validity, offsets, data.
  bool is_binary_like() const;
  bool is_nested() const { return id_ == TypeId::kStruct || id_ == TypeId::kList; }

  // Decimal128 only.
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  // Timestamp only; empty when the timestamp has no time zone.
  const std::string& timezone() const { return timezone_; }
  // Timestamp only: the unit its int64 values count (microseconds by default).
  TimeUnit unit() const { return unit_; }
  // Struct: its fields. List: one field, the value field.
  const std::vector<FieldPtr>& fields() const { return fields_; }
  const TypePtr& value_type() const;  // List only.

  bool Equals(const DataType& other) const;
  // e.g. "int64", "decimal128(12, 2)", "struct<a: int32, b: utf8>".
  std::string ToString() const;

  // Construction goes through the factory functions below.
  DataType(TypeId id, int precision, int scale, std::string timezone, std::vector<FieldPtr> fields,
           TimeUnit unit = TimeUnit::kMicro);

 private:
  TypeId id_;
  int precision_ = 0;
  int scale_ = 0;
  std::string timezone_;
  std::vector<FieldPtr> fields_;
  TimeUnit unit_ = TimeUnit::kMicro;
};

inline bool operator==(const DataType& a, const DataType& b) {
  return a.Equals(b);
}

TypePtr null();
TypePtr boolean();
TypePtr int8();
TypePtr int16();
TypePtr int32();
TypePtr int64();
TypePtr uint8();
TypePtr uint16();
TypePtr uint32();
TypePtr uint64();
TypePtr float32();
TypePtr float64();
// Requires 1 <= precision <= 38 and 0 <= scale <= precision; throws
// InvalidInput otherwise.
TypePtr decimal128(int precision, int scale);
TypePtr utf8();
TypePtr large_utf8();
TypePtr binary();
// DuckDB's BIT (BITSTRING): a string of bits in the binary layout. Each
// value's byte 0 holds the count of padding bits (0-7) that start byte 1;
// the bits follow, most significant first. id() is kBinary; bit_string()
// does not equal binary().
TypePtr bit_string();
TypePtr date32();
TypePtr timestamp(std::string timezone = "");  // microsecond unit
TypePtr timestamp(TimeUnit unit, std::string timezone = "");
TypePtr time64();  // microsecond unit
TypePtr interval_month_day_nano();
TypePtr struct_(std::vector<FieldPtr> fields);
TypePtr list(FieldPtr value_field);
TypePtr list(TypePtr value_type);  // value field named "item", nullable
// A MAP (Arrow's Map layout): a LIST of non-null "entries" STRUCTs of a
// non-null "key" and a "value"; the entries field carries kMapMetadata.
// Keys are unique within a map (the functions that build maps check).
TypePtr map(TypePtr key_type, TypePtr value_type);

class Field {
 public:
  Field(std::string name, TypePtr type, bool nullable = true, KeyValueMetadata metadata = {})
      : name_(std::move(name)),
        type_(std::move(type)),
        nullable_(nullable),
        metadata_(std::move(metadata)) {}

  const std::string& name() const { return name_; }
  const TypePtr& type() const { return type_; }
  bool nullable() const { return nullable_; }
  const KeyValueMetadata& metadata() const { return metadata_; }

  bool Equals(const Field& other, bool check_metadata = false) const;
  std::string ToString() const;

 private:
  std::string name_;
  TypePtr type_;
  bool nullable_;
  KeyValueMetadata metadata_;
};

FieldPtr field(std::string name, TypePtr type, bool nullable = true,
               KeyValueMetadata metadata = {});

class Schema {
 public:
  explicit Schema(std::vector<FieldPtr> fields, KeyValueMetadata metadata = {})
      : fields_(std::move(fields)), metadata_(std::move(metadata)) {}

  const std::vector<FieldPtr>& fields() const { return fields_; }
  int num_fields() const { return static_cast<int>(fields_.size()); }
  const FieldPtr& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  const KeyValueMetadata& metadata() const { return metadata_; }
  // Index of the first field named `name`, if any.
  std::optional<int> FieldIndex(const std::string& name) const;

  bool Equals(const Schema& other, bool check_metadata = false) const;
  std::string ToString() const;

 private:
  std::vector<FieldPtr> fields_;
  KeyValueMetadata metadata_;
};

using SchemaPtr = std::shared_ptr<const Schema>;

// An aggregate's exported state (DuckDB's AGGREGATE_STATE, from
// agg(...) EXPORT_STATE) is a STRUCT of one field, the state itself, whose
// metadata holds this key (the aggregate's encoded description, see
// execution/aggregate_state.h). It is shown as its field.
inline constexpr const char* kAggregateStateMetadata = "llkv.aggregate_state";
// Whether `t` is such a state.
bool IsAggregateState(const DataType& t);

// The metadata key that marks a LIST's entries field as a MAP's (map()).
inline constexpr const char* kMapMetadata = "llkv.map";
// Whether `t` is a BIT string (bit_string()).
bool IsBitString(const DataType& t);
// Whether `t` is a MAP (map()). Its key type is t.value_type()->fields()[0]
// ->type(), its value type ...fields()[1]->type().
bool IsMap(const DataType& t);

// C++ value types for fixed-width Arrow types.
using Decimal128 = __int128;
struct MonthDayNano {
  int32_t months;
  int32_t days;
  int64_t nanoseconds;
  friend bool operator==(const MonthDayNano&, const MonthDayNano&) = default;
};
static_assert(sizeof(MonthDayNano) == 16);

}  // namespace llkv::arrow
