#include "arrow/ipc_metadata.h"

#include "llkv/common/error.h"

namespace llkv::arrow::ipc {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

namespace {

Offset<flatbuffers::Vector<Offset<fb::KeyValue>>> BuildMetadata(FlatBufferBuilder& b,
                                                                const KeyValueMetadata& md) {
  if (md.empty()) return 0;
  std::vector<Offset<fb::KeyValue>> kvs;
  for (const auto& [k, v] : md)
    kvs.push_back(fb::CreateKeyValueDirect(b, k.c_str(), v.c_str()));
  return b.CreateVector(kvs);
}

Offset<fb::Field> BuildField(FlatBufferBuilder& b, const Field& f);

// The Type union member of `t`: (tag, offset of the type table).
std::pair<fb::Type, Offset<void>> BuildType(FlatBufferBuilder& b, const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull:
      return {fb::Type_Null, fb::CreateNull(b).Union()};
    case TypeId::kBool:
      return {fb::Type_Bool, fb::CreateBool(b).Union()};
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
      return {fb::Type_Int, fb::CreateInt(b, t.bit_width(), t.is_signed_integer()).Union()};
    case TypeId::kFloat32:
      return {fb::Type_FloatingPoint, fb::CreateFloatingPoint(b, fb::Precision_SINGLE).Union()};
    case TypeId::kFloat64:
      return {fb::Type_FloatingPoint, fb::CreateFloatingPoint(b, fb::Precision_DOUBLE).Union()};
    case TypeId::kDecimal128:
      return {fb::Type_Decimal, fb::CreateDecimal(b, t.precision(), t.scale(), 128).Union()};
    case TypeId::kUtf8:
      return {fb::Type_Utf8, fb::CreateUtf8(b).Union()};
    case TypeId::kLargeUtf8:
      return {fb::Type_LargeUtf8, fb::CreateLargeUtf8(b).Union()};
    case TypeId::kBinary:
      return {fb::Type_Binary, fb::CreateBinary(b).Union()};
    case TypeId::kDate32:
      return {fb::Type_Date, fb::CreateDate(b, fb::DateUnit_DAY).Union()};
    case TypeId::kTimestamp: {
      auto tz = t.timezone().empty() ? 0 : b.CreateString(t.timezone());
      static constexpr fb::TimeUnit kUnits[] = {fb::TimeUnit_SECOND, fb::TimeUnit_MILLISECOND,
                                                fb::TimeUnit_MICROSECOND, fb::TimeUnit_NANOSECOND};
      return {fb::Type_Timestamp,
              fb::CreateTimestamp(b, kUnits[static_cast<int>(t.unit())], tz).Union()};
    }
    case TypeId::kTime64:
      return {fb::Type_Time, fb::CreateTime(b, fb::TimeUnit_MICROSECOND, 64).Union()};
    case TypeId::kIntervalMonthDayNano:
      return {fb::Type_Interval, fb::CreateInterval(b, fb::IntervalUnit_MONTH_DAY_NANO).Union()};
    case TypeId::kStruct:
      return {fb::Type_Struct_, fb::CreateStruct_(b).Union()};
    case TypeId::kList:
      if (IsMap(t)) return {fb::Type_Map, fb::CreateMap(b, false).Union()};
      return {fb::Type_List, fb::CreateList(b).Union()};
  }
  Fail(ErrorKind::kInternal, "no IPC type for {}", t.ToString());
}

Offset<fb::Field> BuildField(FlatBufferBuilder& b, const Field& f) {
  // Children, strings and the type table must exist before the field table.
  std::vector<Offset<fb::Field>> children;
  for (const auto& c : f.type()->fields())
    children.push_back(BuildField(b, *c));
  auto name = b.CreateString(f.name());
  auto [type_tag, type] = BuildType(b, *f.type());
  auto kids = b.CreateVector(children);
  auto md = BuildMetadata(b, f.metadata());
  return fb::CreateField(b, name, f.nullable(), type_tag, type, 0, kids, md);
}

[[noreturn]] void Unsupported(const std::string& source, const std::string& field,
                              const std::string& what) {
  Fail(ErrorKind::kInvalidInput, "{}: field '{}' has {}, which LLKV does not support", source,
       field, what);
}

KeyValueMetadata ParseMetadata(const flatbuffers::Vector<Offset<fb::KeyValue>>* md) {
  KeyValueMetadata out;
  if (md == nullptr) return out;
  for (const auto* kv : *md) {
    out.emplace_back(kv->key() ? kv->key()->str() : "", kv->value() ? kv->value()->str() : "");
  }
  return out;
}

FieldPtr ParseField(const fb::Field* f, const std::string& source) {
  if (f == nullptr) Fail(ErrorKind::kInvalidInput, "{}: a null field in the schema", source);
  const std::string name = f->name() ? f->name()->str() : "";
  if (f->dictionary() != nullptr) Unsupported(source, name, "dictionary encoding");
  std::vector<FieldPtr> children;
  if (f->children() != nullptr) {
    for (const auto* c : *f->children())
      children.push_back(ParseField(c, source));
  }
  auto leaf = [&](TypePtr t) {
    if (!children.empty()) {
      Fail(ErrorKind::kInvalidInput, "{}: field '{}' of type {} has children", source, name,
           t->ToString());
    }
    return t;
  };
  TypePtr type;
  switch (f->type_type()) {
    case fb::Type_Null:
      type = leaf(null());
      break;
    case fb::Type_Bool:
      type = leaf(boolean());
      break;
    case fb::Type_Int: {
      const auto* t = f->type_as_Int();
      const bool s = t->is_signed();
      switch (t->bitWidth()) {
        case 8:
          type = leaf(s ? int8() : uint8());
          break;
        case 16:
          type = leaf(s ? int16() : uint16());
          break;
        case 32:
          type = leaf(s ? int32() : uint32());
          break;
        case 64:
          type = leaf(s ? int64() : uint64());
          break;
        default:
          Unsupported(source, name, fmt::format("a {}-bit integer type", t->bitWidth()));
      }
      break;
    }
    case fb::Type_FloatingPoint:
      switch (f->type_as_FloatingPoint()->precision()) {
        case fb::Precision_SINGLE:
          type = leaf(float32());
          break;
        case fb::Precision_DOUBLE:
          type = leaf(float64());
          break;
        default:
          Unsupported(source, name, "type float16");
      }
      break;
    case fb::Type_Decimal: {
      const auto* t = f->type_as_Decimal();
      if (t->bitWidth() != 128)
        Unsupported(source, name, fmt::format("a {}-bit decimal", t->bitWidth()));
      type = leaf(decimal128(t->precision(), t->scale()));
      break;
    }
    case fb::Type_Utf8:
      type = leaf(utf8());
      break;
    case fb::Type_LargeUtf8:
      type = leaf(large_utf8());
      break;
    case fb::Type_Binary:
      type = leaf(binary());
      break;
    case fb::Type_Date:
      if (f->type_as_Date()->unit() != fb::DateUnit_DAY) Unsupported(source, name, "type date64");
      type = leaf(date32());
      break;
    case fb::Type_Timestamp: {
      const auto* t = f->type_as_Timestamp();
      TimeUnit unit = TimeUnit::kMicro;
      switch (t->unit()) {
        case fb::TimeUnit_SECOND:
          unit = TimeUnit::kSecond;
          break;
        case fb::TimeUnit_MILLISECOND:
          unit = TimeUnit::kMilli;
          break;
        case fb::TimeUnit_MICROSECOND:
          break;
        case fb::TimeUnit_NANOSECOND:
          unit = TimeUnit::kNano;
          break;
        default:
          Unsupported(source, name,
                      fmt::format("a timestamp in unit {}", fb::EnumNameTimeUnit(t->unit())));
      }
      type = leaf(timestamp(unit, t->timezone() ? t->timezone()->str() : ""));
      break;
    }
    case fb::Type_Time: {
      const auto* t = f->type_as_Time();
      if (t->unit() != fb::TimeUnit_MICROSECOND || t->bitWidth() != 64) {
        Unsupported(source, name,
                    fmt::format("a time in unit {} (LLKV stores 64-bit microseconds)",
                                fb::EnumNameTimeUnit(t->unit())));
      }
      type = leaf(time64());
      break;
    }
    case fb::Type_Interval:
      if (f->type_as_Interval()->unit() != fb::IntervalUnit_MONTH_DAY_NANO) {
        Unsupported(source, name,
                    fmt::format("an interval in unit {}",
                                fb::EnumNameIntervalUnit(f->type_as_Interval()->unit())));
      }
      type = leaf(interval_month_day_nano());
      break;
    case fb::Type_Struct_:
      type = struct_(std::move(children));
      break;
    case fb::Type_List:
      if (children.size() != 1) {
        Fail(ErrorKind::kInvalidInput, "{}: list field '{}' has {} children, needs 1", source, name,
             children.size());
      }
      type = list(children[0]);
      break;
    case fb::Type_Map: {
      const auto& kv = children.size() == 1 ? children[0]->type()->fields() : children;
      if (children.size() != 1 || children[0]->type()->id() != TypeId::kStruct || kv.size() != 2) {
        Fail(ErrorKind::kInvalidInput,
             "{}: map field '{}' needs one child, a struct of a key and a value", source, name);
      }
      type = map(kv[0]->type(), kv[1]->type());
      break;
    }
    default:
      Unsupported(source, name, fmt::format("type {}", fb::EnumNameType(f->type_type())));
  }
  if (type == nullptr) {
    Fail(ErrorKind::kInvalidInput, "{}: field '{}' has no type", source, name);
  }
  return field(name, type, f->nullable(), ParseMetadata(f->custom_metadata()));
}

}  // namespace

Offset<fb::Schema> BuildSchema(FlatBufferBuilder& b, const Schema& schema) {
  std::vector<Offset<fb::Field>> fields;
  for (const auto& f : schema.fields())
    fields.push_back(BuildField(b, *f));
  auto fv = b.CreateVector(fields);
  auto md = BuildMetadata(b, schema.metadata());
  return fb::CreateSchema(b, fb::Endianness_Little, fv, md);
}

SchemaPtr ParseSchema(const fb::Schema* schema, const std::string& source) {
  if (schema == nullptr) Fail(ErrorKind::kInvalidInput, "{}: missing schema", source);
  if (schema->endianness() != fb::Endianness_Little) {
    Fail(ErrorKind::kInvalidInput, "{}: big-endian data is not supported", source);
  }
  std::vector<FieldPtr> fields;
  if (schema->fields() != nullptr) {
    for (const auto* f : *schema->fields())
      fields.push_back(ParseField(f, source));
  }
  return std::make_shared<Schema>(std::move(fields), ParseMetadata(schema->custom_metadata()));
}

}  // namespace llkv::arrow::ipc
