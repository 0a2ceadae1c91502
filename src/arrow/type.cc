#include "llkv/arrow/type.h"

#include <fmt/format.h>

#include "llkv/common/error.h"

namespace llkv::arrow {

DataType::DataType(TypeId id, int precision, int scale, std::string timezone,
                   std::vector<FieldPtr> fields, TimeUnit unit)
    : id_(id),
      precision_(precision),
      scale_(scale),
      timezone_(std::move(timezone)),
      fields_(std::move(fields)),
      unit_(unit) {}

int64_t UnitsPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return 1;
    case TimeUnit::kMilli:
      return 1000;
    case TimeUnit::kMicro:
      return 1000000;
    case TimeUnit::kNano:
      return 1000000000;
  }
  return 1000000;
}

int DataType::bit_width() const {
  switch (id_) {
    case TypeId::kBool:
      return 1;
    case TypeId::kInt8:
    case TypeId::kUInt8:
      return 8;
    case TypeId::kInt16:
    case TypeId::kUInt16:
      return 16;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32:
    case TypeId::kDate32:
      return 32;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
      return 64;
    case TypeId::kDecimal128:
    case TypeId::kIntervalMonthDayNano:
      return 128;
    default:
      return 0;
  }
}

bool DataType::is_signed_integer() const {
  return id_ == TypeId::kInt8 || id_ == TypeId::kInt16 || id_ == TypeId::kInt32 ||
         id_ == TypeId::kInt64;
}
bool DataType::is_unsigned_integer() const {
  return id_ == TypeId::kUInt8 || id_ == TypeId::kUInt16 || id_ == TypeId::kUInt32 ||
         id_ == TypeId::kUInt64;
}
bool DataType::is_integer() const {
  return is_signed_integer() || is_unsigned_integer();
}
bool DataType::is_binary_like() const {
  return id_ == TypeId::kUtf8 || id_ == TypeId::kLargeUtf8 || id_ == TypeId::kBinary;
}

const TypePtr& DataType::value_type() const {
  LLKV_CHECK(id_ == TypeId::kList, "value_type() on {}", ToString());
  return fields_[0]->type();
}

bool DataType::Equals(const DataType& other) const {
  if (id_ != other.id_) return false;
  switch (id_) {
    case TypeId::kDecimal128:
      return precision_ == other.precision_ && scale_ == other.scale_;
    case TypeId::kBinary:  // BLOB or BIT
      return precision_ == other.precision_;
    case TypeId::kTimestamp:
      return timezone_ == other.timezone_ && unit_ == other.unit_;
    case TypeId::kStruct:
    case TypeId::kList:
      if (fields_.size() != other.fields_.size()) return false;
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (!fields_[i]->Equals(*other.fields_[i])) return false;
      }
      return true;
    default:
      return true;
  }
}

std::string DataType::ToString() const {
  switch (id_) {
    case TypeId::kNull:
      return "null";
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt8:
      return "int8";
    case TypeId::kInt16:
      return "int16";
    case TypeId::kInt32:
      return "int32";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kUInt8:
      return "uint8";
    case TypeId::kUInt16:
      return "uint16";
    case TypeId::kUInt32:
      return "uint32";
    case TypeId::kUInt64:
      return "uint64";
    case TypeId::kFloat32:
      return "float";
    case TypeId::kFloat64:
      return "double";
    case TypeId::kDecimal128:
      return fmt::format("decimal128({}, {})", precision_, scale_);
    case TypeId::kUtf8:
      return "utf8";
    case TypeId::kLargeUtf8:
      return "large_utf8";
    case TypeId::kBinary:
      return precision_ == 1 ? "bit" : "binary";
    case TypeId::kDate32:
      return "date32";
    case TypeId::kTimestamp: {
      static constexpr const char* kUnits[] = {"s", "ms", "us", "ns"};
      const char* u = kUnits[static_cast<int>(unit_)];
      return timezone_.empty() ? fmt::format("timestamp[{}]", u)
                               : fmt::format("timestamp[{}, tz={}]", u, timezone_);
    }
    case TypeId::kTime64:
      return "time64[us]";
    case TypeId::kIntervalMonthDayNano:
      return "month_day_nano_interval";
    case TypeId::kStruct: {
      std::string s = "struct<";
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i) s += ", ";
        s += fields_[i]->ToString();
      }
      return s + ">";
    }
    case TypeId::kList:
      if (IsMap(*this)) {
        const auto& kv = fields_[0]->type()->fields();
        return fmt::format("map<{}, {}>", kv[0]->type()->ToString(), kv[1]->type()->ToString());
      }
      return fmt::format("list<{}>", fields_[0]->ToString());
  }
  return "unknown";
}

namespace {
TypePtr Simple(TypeId id) {
  return std::make_shared<DataType>(id, 0, 0, "", std::vector<FieldPtr>{});
}
}  // namespace

#define LLKV_SIMPLE_TYPE(fn, id)            \
  TypePtr fn() {                            \
    static const TypePtr type = Simple(id); \
    return type;                            \
  }
LLKV_SIMPLE_TYPE(null, TypeId::kNull)
LLKV_SIMPLE_TYPE(boolean, TypeId::kBool)
LLKV_SIMPLE_TYPE(int8, TypeId::kInt8)
LLKV_SIMPLE_TYPE(int16, TypeId::kInt16)
LLKV_SIMPLE_TYPE(int32, TypeId::kInt32)
LLKV_SIMPLE_TYPE(int64, TypeId::kInt64)
LLKV_SIMPLE_TYPE(uint8, TypeId::kUInt8)
LLKV_SIMPLE_TYPE(uint16, TypeId::kUInt16)
LLKV_SIMPLE_TYPE(uint32, TypeId::kUInt32)
LLKV_SIMPLE_TYPE(uint64, TypeId::kUInt64)
LLKV_SIMPLE_TYPE(float32, TypeId::kFloat32)
LLKV_SIMPLE_TYPE(float64, TypeId::kFloat64)
LLKV_SIMPLE_TYPE(utf8, TypeId::kUtf8)
LLKV_SIMPLE_TYPE(large_utf8, TypeId::kLargeUtf8)
LLKV_SIMPLE_TYPE(binary, TypeId::kBinary)

// (A BIT string is a binary type whose precision is 1.)
TypePtr bit_string() {
  static const TypePtr type =
      std::make_shared<DataType>(TypeId::kBinary, 1, 0, "", std::vector<FieldPtr>{});
  return type;
}

bool IsBitString(const DataType& t) {
  return t.id() == TypeId::kBinary && t.precision() == 1;
}
LLKV_SIMPLE_TYPE(date32, TypeId::kDate32)
LLKV_SIMPLE_TYPE(time64, TypeId::kTime64)
LLKV_SIMPLE_TYPE(interval_month_day_nano, TypeId::kIntervalMonthDayNano)
#undef LLKV_SIMPLE_TYPE

TypePtr decimal128(int precision, int scale) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    Fail(ErrorKind::kInvalidInput,
         "decimal128({}, {}): precision must be in [1, 38] and scale in [0, precision]", precision,
         scale);
  }
  return std::make_shared<DataType>(TypeId::kDecimal128, precision, scale, "",
                                    std::vector<FieldPtr>{});
}

TypePtr timestamp(std::string timezone) {
  return timestamp(TimeUnit::kMicro, std::move(timezone));
}

TypePtr timestamp(TimeUnit unit, std::string timezone) {
  return std::make_shared<DataType>(TypeId::kTimestamp, 0, 0, std::move(timezone),
                                    std::vector<FieldPtr>{}, unit);
}

TypePtr struct_(std::vector<FieldPtr> fields) {
  return std::make_shared<DataType>(TypeId::kStruct, 0, 0, "", std::move(fields));
}

TypePtr list(FieldPtr value_field) {
  return std::make_shared<DataType>(TypeId::kList, 0, 0, "",
                                    std::vector<FieldPtr>{std::move(value_field)});
}

TypePtr list(TypePtr value_type) {
  return list(field("item", std::move(value_type), true));
}

TypePtr map(TypePtr key_type, TypePtr value_type) {
  auto entries = struct_(
      {field("key", std::move(key_type), false), field("value", std::move(value_type), true)});
  return list(field("entries", std::move(entries), false, {{kMapMetadata, ""}}));
}

bool IsMap(const DataType& t) {
  if (t.id() != TypeId::kList || t.fields()[0]->name() != "entries") return false;
  for (const auto& [key, value] : t.fields()[0]->metadata()) {
    if (key == kMapMetadata) return true;
  }
  return false;
}

bool Field::Equals(const Field& other, bool check_metadata) const {
  return name_ == other.name_ && nullable_ == other.nullable_ && type_->Equals(*other.type_) &&
         (!check_metadata || metadata_ == other.metadata_);
}

std::string Field::ToString() const {
  return fmt::format("{}: {}{}", name_, type_->ToString(), nullable_ ? "" : " not null");
}

FieldPtr field(std::string name, TypePtr type, bool nullable, KeyValueMetadata metadata) {
  return std::make_shared<Field>(std::move(name), std::move(type), nullable, std::move(metadata));
}

bool IsAggregateState(const DataType& t) {
  if (t.id() != TypeId::kStruct || t.fields().size() != 1) return false;
  for (const auto& [key, value] : t.fields()[0]->metadata()) {
    if (key == kAggregateStateMetadata) return true;
  }
  return false;
}

std::optional<int> Schema::FieldIndex(const std::string& name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i]->name() == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

bool Schema::Equals(const Schema& other, bool check_metadata) const {
  if (fields_.size() != other.fields_.size()) return false;
  if (check_metadata && metadata_ != other.metadata_) return false;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!fields_[i]->Equals(*other.fields_[i], check_metadata)) return false;
  }
  return true;
}

std::string Schema::ToString() const {
  std::string s;
  for (const auto& f : fields_) {
    if (!s.empty()) s += "\n";
    s += f->ToString();
  }
  return s;
}

}  // namespace llkv::arrow
