#include "table/type_codec.h"

#include "table/logical_field_id.h"

namespace llkv::table {

using arrow::TypeId;

namespace {

// A timestamp in a unit other than microseconds is written under this tag,
// which no TypeId uses (see TypeId), then its u8 unit and time zone; the
// microsecond form keeps tag 17 as files written before units existed.
constexpr uint8_t kTimestampWithUnitTag = 22;
// A BIT string (a binary type, arrow::bit_string()): this tag alone.
constexpr uint8_t kBitStringTag = 23;

void EncodeField(ByteWriter& w, const arrow::Field& f) {
  w.PutString(f.name());
  w.Put<uint8_t>(f.nullable());
  EncodeType(w, *f.type());
  w.Put(static_cast<uint32_t>(f.metadata().size()));
  for (const auto& [k, v] : f.metadata()) {
    w.PutString(k);
    w.PutString(v);
  }
}

arrow::FieldPtr DecodeField(ByteReader& r, int depth);

arrow::TypePtr DecodeTypeAt(ByteReader& r, int depth) {
  if (depth > 64) r.Corrupt("type nesting deeper than 64");
  const uint8_t tag = r.Get<uint8_t>();
  if (tag == kBitStringTag) return arrow::bit_string();
  if (tag == kTimestampWithUnitTag) {
    const uint8_t unit = r.Get<uint8_t>();
    if (unit > static_cast<uint8_t>(arrow::TimeUnit::kNano)) r.Corrupt("bad timestamp unit");
    return arrow::timestamp(static_cast<arrow::TimeUnit>(unit), r.GetString());
  }
  const auto id = static_cast<TypeId>(tag);
  switch (id) {
    case TypeId::kNull:
      return arrow::null();
    case TypeId::kBool:
      return arrow::boolean();
    case TypeId::kInt8:
      return arrow::int8();
    case TypeId::kInt16:
      return arrow::int16();
    case TypeId::kInt32:
      return arrow::int32();
    case TypeId::kInt64:
      return arrow::int64();
    case TypeId::kUInt8:
      return arrow::uint8();
    case TypeId::kUInt16:
      return arrow::uint16();
    case TypeId::kUInt32:
      return arrow::uint32();
    case TypeId::kUInt64:
      return arrow::uint64();
    case TypeId::kFloat32:
      return arrow::float32();
    case TypeId::kFloat64:
      return arrow::float64();
    case TypeId::kUtf8:
      return arrow::utf8();
    case TypeId::kLargeUtf8:
      return arrow::large_utf8();
    case TypeId::kBinary:
      return arrow::binary();
    case TypeId::kDate32:
      return arrow::date32();
    case TypeId::kTime64:
      return arrow::time64();
    case TypeId::kIntervalMonthDayNano:
      return arrow::interval_month_day_nano();
    case TypeId::kDecimal128: {
      const int p = r.Get<uint8_t>();
      const int s = r.Get<uint8_t>();
      if (p < 1 || p > 38 || s > p) r.Corrupt("bad decimal precision or scale");
      return arrow::decimal128(p, s);
    }
    case TypeId::kTimestamp:
      return arrow::timestamp(r.GetString());
    case TypeId::kStruct: {
      const uint32_t n = r.GetCount(4);
      std::vector<arrow::FieldPtr> fields;
      for (uint32_t i = 0; i < n; ++i)
        fields.push_back(DecodeField(r, depth + 1));
      return arrow::struct_(std::move(fields));
    }
    case TypeId::kList:
      return arrow::list(DecodeField(r, depth + 1));
  }
  r.Corrupt("unknown type id " + std::to_string(static_cast<int>(id)));
}

arrow::FieldPtr DecodeField(ByteReader& r, int depth) {
  std::string name = r.GetString();
  const bool nullable = r.Get<uint8_t>() != 0;
  arrow::TypePtr type = DecodeTypeAt(r, depth);
  const uint32_t n = r.GetCount(8);
  arrow::KeyValueMetadata md;
  for (uint32_t i = 0; i < n; ++i) {
    std::string k = r.GetString();
    md.emplace_back(std::move(k), r.GetString());
  }
  return arrow::field(std::move(name), std::move(type), nullable, std::move(md));
}

}  // namespace

void EncodeType(ByteWriter& w, const arrow::DataType& type) {
  if (arrow::IsBitString(type)) {
    w.Put(kBitStringTag);
    return;
  }
  if (type.id() == TypeId::kTimestamp && type.unit() != arrow::TimeUnit::kMicro) {
    w.Put(kTimestampWithUnitTag);
    w.Put(static_cast<uint8_t>(type.unit()));
    w.PutString(type.timezone());
    return;
  }
  w.Put(static_cast<uint8_t>(type.id()));
  switch (type.id()) {
    case TypeId::kDecimal128:
      w.Put(static_cast<uint8_t>(type.precision()));
      w.Put(static_cast<uint8_t>(type.scale()));
      break;
    case TypeId::kTimestamp:
      w.PutString(type.timezone());
      break;
    case TypeId::kStruct:
      w.Put(static_cast<uint32_t>(type.fields().size()));
      for (const auto& f : type.fields())
        EncodeField(w, *f);
      break;
    case TypeId::kList:
      EncodeField(w, *type.fields()[0]);
      break;
    default:
      break;
  }
}

arrow::TypePtr DecodeType(ByteReader& r) {
  return DecodeTypeAt(r, 0);
}

std::string LogicalFieldId::ToString() const {
  const char* names[] = {"user", "rowid", "created_by", "deleted_by"};
  const auto n = static_cast<size_t>(ns);
  return std::string(n < 4 ? names[n] : "ns" + std::to_string(n)) + ":" + std::to_string(table_id) +
         "." + std::to_string(field_id);
}

}  // namespace llkv::table
