// Arrow C Data Interface: export and import of schemas and arrays.
#include "llkv/arrow/c_data.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>

#include "common/bit_util.h"
#include "llkv/common/error.h"

namespace llkv::arrow {

// ============================================================ schema export

namespace {

// Owns every string and child a exported ArrowSchema points to.
struct SchemaPrivate {
  std::string format;
  std::string name;
  std::string metadata;  // encoded as the specification says; empty = none
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_pointers;
};

void ReleaseSchema(ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) return;
  auto* priv = static_cast<SchemaPrivate*>(schema->private_data);
  for (auto& child : priv->children) {
    if (child.release != nullptr) child.release(&child);
  }
  delete priv;
  schema->release = nullptr;
}

std::string FormatString(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull:
      return "n";
    case TypeId::kBool:
      return "b";
    case TypeId::kInt8:
      return "c";
    case TypeId::kInt16:
      return "s";
    case TypeId::kInt32:
      return "i";
    case TypeId::kInt64:
      return "l";
    case TypeId::kUInt8:
      return "C";
    case TypeId::kUInt16:
      return "S";
    case TypeId::kUInt32:
      return "I";
    case TypeId::kUInt64:
      return "L";
    case TypeId::kFloat32:
      return "f";
    case TypeId::kFloat64:
      return "g";
    case TypeId::kDecimal128:
      return fmt::format("d:{},{}", type.precision(), type.scale());
    case TypeId::kUtf8:
      return "u";
    case TypeId::kLargeUtf8:
      return "U";
    case TypeId::kBinary:
      return "z";
    case TypeId::kDate32:
      return "tdD";
    case TypeId::kTimestamp:
      return std::string("ts") + "smun"[static_cast<int>(type.unit())] + ":" + type.timezone();
    case TypeId::kTime64:
      return "ttu";
    case TypeId::kIntervalMonthDayNano:
      return "tin";
    case TypeId::kStruct:
      return "+s";
    case TypeId::kList:
      return IsMap(type) ? "+m" : "+l";
  }
  Fail(ErrorKind::kInternal, "no C format for type {}", type.ToString());
}

std::string EncodeMetadata(const KeyValueMetadata& md) {
  if (md.empty()) return {};
  std::string out;
  auto put_i32 = [&out](size_t v) {
    const auto n = static_cast<int32_t>(v);
    out.append(reinterpret_cast<const char*>(&n), 4);
  };
  put_i32(md.size());
  for (const auto& [k, v] : md) {
    put_i32(k.size());
    out += k;
    put_i32(v.size());
    out += v;
  }
  return out;
}

void FillSchema(ArrowSchema* out, const std::string& name, const DataType& type, bool nullable,
                const KeyValueMetadata& metadata) {
  auto priv = std::make_unique<SchemaPrivate>();
  priv->format = FormatString(type);
  priv->name = name;
  priv->metadata = EncodeMetadata(metadata);
  priv->children.resize(type.fields().size());
  for (size_t i = 0; i < type.fields().size(); ++i) {
    const Field& f = *type.fields()[i];
    try {
      FillSchema(&priv->children[i], f.name(), *f.type(), f.nullable(), f.metadata());
    } catch (...) {
      for (size_t j = 0; j < i; ++j)
        priv->children[j].release(&priv->children[j]);
      throw;
    }
  }
  for (auto& c : priv->children)
    priv->child_pointers.push_back(&c);
  out->format = priv->format.c_str();
  out->name = priv->name.c_str();
  out->metadata = priv->metadata.empty() ? nullptr : priv->metadata.data();
  out->flags = nullable ? ARROW_FLAG_NULLABLE : 0;
  out->n_children = static_cast<int64_t>(priv->children.size());
  out->children = priv->child_pointers.empty() ? nullptr : priv->child_pointers.data();
  out->dictionary = nullptr;
  out->release = ReleaseSchema;
  out->private_data = priv.release();
}

}  // namespace

void ExportType(const DataType& type, ArrowSchema* out) {
  FillSchema(out, "", type, true, {});
}

void ExportField(const Field& field, ArrowSchema* out) {
  FillSchema(out, field.name(), *field.type(), field.nullable(), field.metadata());
}

void ExportSchema(const Schema& schema, ArrowSchema* out) {
  FillSchema(out, "", *struct_(schema.fields()), false, schema.metadata());
}

// ============================================================ schema import

namespace {

// Releases a consumer-owned ArrowSchema when it goes out of scope.
struct SchemaGuard {
  ArrowSchema* s;
  ~SchemaGuard() {
    if (s != nullptr && s->release != nullptr) s->release(s);
  }
};

KeyValueMetadata DecodeMetadata(const char* md) {
  KeyValueMetadata out;
  if (md == nullptr) return out;
  auto get_i32 = [&md]() {
    int32_t v;
    std::memcpy(&v, md, 4);
    md += 4;
    if (v < 0) Fail(ErrorKind::kInvalidInput, "C data schema: negative metadata length");
    return static_cast<size_t>(v);
  };
  const size_t n = get_i32();
  for (size_t i = 0; i < n; ++i) {
    const size_t kl = get_i32();
    std::string k(md, kl);
    md += kl;
    const size_t vl = get_i32();
    std::string v(md, vl);
    md += vl;
    out.emplace_back(std::move(k), std::move(v));
  }
  return out;
}

FieldPtr ParseField(const ArrowSchema* s);

TypePtr ParseType(const ArrowSchema* s) {
  if (s->format == nullptr) Fail(ErrorKind::kInvalidInput, "C data schema without a format");
  const std::string_view f = s->format;
  if (s->dictionary != nullptr) {
    Fail(ErrorKind::kInvalidInput, "C data schema: dictionary-encoded '{}' is not supported", f);
  }
  auto no_children = [&](TypePtr t) {
    if (s->n_children != 0) {
      Fail(ErrorKind::kInvalidInput, "C data schema: format '{}' cannot have children", f);
    }
    return t;
  };
  if (f == "n") return no_children(null());
  if (f == "b") return no_children(boolean());
  if (f == "c") return no_children(int8());
  if (f == "s") return no_children(int16());
  if (f == "i") return no_children(int32());
  if (f == "l") return no_children(int64());
  if (f == "C") return no_children(uint8());
  if (f == "S") return no_children(uint16());
  if (f == "I") return no_children(uint32());
  if (f == "L") return no_children(uint64());
  if (f == "f") return no_children(float32());
  if (f == "g") return no_children(float64());
  if (f == "u") return no_children(utf8());
  if (f == "U") return no_children(large_utf8());
  if (f == "z") return no_children(binary());
  if (f == "tdD") return no_children(date32());
  if (f == "ttu") return no_children(time64());
  if (f == "tin") return no_children(interval_month_day_nano());
  if (f.size() >= 4 && f.starts_with("ts") && f[3] == ':') {
    static constexpr std::string_view kUnits = "smun";
    const size_t u = kUnits.find(f[2]);
    if (u != std::string_view::npos) {
      return no_children(timestamp(static_cast<TimeUnit>(u), std::string(f.substr(4))));
    }
  }
  if (f.starts_with("d:")) {
    int precision = 0, scale = 0;
    const char* p = f.data() + 2;
    const char* end = f.data() + f.size();
    auto r1 = std::from_chars(p, end, precision);
    if (r1.ec == std::errc() && r1.ptr < end && *r1.ptr == ',') {
      auto r2 = std::from_chars(r1.ptr + 1, end, scale);
      if (r2.ec == std::errc() && r2.ptr == end) return no_children(decimal128(precision, scale));
    }
    Fail(ErrorKind::kInvalidInput,
         "C data schema: unsupported decimal format '{}' (only "
         "128-bit decimals 'd:precision,scale')",
         f);
  }
  if (f == "+s" || f == "+l" || f == "+m") {
    if (s->n_children < 0 || (s->n_children > 0 && s->children == nullptr)) {
      Fail(ErrorKind::kInvalidInput, "C data schema: '{}' with a bad child list", f);
    }
    std::vector<FieldPtr> fields;
    for (int64_t i = 0; i < s->n_children; ++i)
      fields.push_back(ParseField(s->children[i]));
    if (f == "+s") return struct_(std::move(fields));
    if (f == "+m") {
      if (fields.size() != 1 || fields[0]->type()->id() != TypeId::kStruct ||
          fields[0]->type()->fields().size() != 2) {
        Fail(ErrorKind::kInvalidInput,
             "C data schema: a map needs one child, a struct of a key and a value");
      }
      const auto& kv = fields[0]->type()->fields();
      return map(kv[0]->type(), kv[1]->type());
    }
    if (fields.size() != 1) {
      Fail(ErrorKind::kInvalidInput, "C data schema: a list has {} children, needs 1",
           fields.size());
    }
    return list(fields[0]);
  }
  Fail(ErrorKind::kInvalidInput, "C data schema: unsupported format '{}'", f);
}

FieldPtr ParseField(const ArrowSchema* s) {
  if (s == nullptr || s->release == nullptr) {
    Fail(ErrorKind::kInvalidInput, "C data schema is null or already released");
  }
  return field(s->name ? s->name : "", ParseType(s), (s->flags & ARROW_FLAG_NULLABLE) != 0,
               DecodeMetadata(s->metadata));
}

}  // namespace

FieldPtr ImportField(ArrowSchema* schema) {
  SchemaGuard guard{schema};
  return ParseField(schema);
}

TypePtr ImportType(ArrowSchema* schema) {
  return ImportField(schema)->type();
}

SchemaPtr ImportSchema(ArrowSchema* schema) {
  SchemaGuard guard{schema};
  FieldPtr f = ParseField(schema);
  if (f->type()->id() != TypeId::kStruct) {
    Fail(ErrorKind::kInvalidInput, "C data schema: a schema must be a struct ('+s'), not '{}'",
         schema->format);
  }
  return std::make_shared<Schema>(f->type()->fields(), f->metadata());
}

// ============================================================ array export

namespace {

// Keeps the exported ArrayData (and so every buffer) alive until release.
struct ArrayPrivate {
  ArrayDataPtr data;
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_pointers;
};

void ReleaseArray(ArrowArray* array) {
  if (array == nullptr || array->release == nullptr) return;
  auto* priv = static_cast<ArrayPrivate*>(array->private_data);
  for (auto& child : priv->children) {
    if (child.release != nullptr) child.release(&child);
  }
  delete priv;
  array->release = nullptr;
}

// A non-null pointer for an empty buffer (some consumers reject null data
// pointers even for empty arrays).
const void* EmptyBufferAddress() {
  alignas(64) static const uint8_t kZeros[64] = {};
  return kZeros;
}

void FillArray(const ArrayDataPtr& data, ArrowArray* out) {
  auto priv = std::make_unique<ArrayPrivate>();
  priv->data = data;
  for (size_t i = 0; i < data->buffers.size(); ++i) {
    const BufferPtr& b = data->buffers[i];
    // The validity buffer may be null (no nulls); others must point somewhere.
    priv->buffers.push_back(b ? static_cast<const void*>(b->data())
                              : (i == 0 ? nullptr : EmptyBufferAddress()));
  }
  priv->children.resize(data->children.size());
  for (size_t i = 0; i < data->children.size(); ++i) {
    try {
      FillArray(data->children[i], &priv->children[i]);
    } catch (...) {
      for (size_t j = 0; j < i; ++j)
        priv->children[j].release(&priv->children[j]);
      throw;
    }
  }
  for (auto& c : priv->children)
    priv->child_pointers.push_back(&c);
  out->length = data->length;
  out->null_count = data->null_count;
  out->offset = data->offset;
  out->n_buffers = static_cast<int64_t>(priv->buffers.size());
  out->n_children = static_cast<int64_t>(priv->children.size());
  out->buffers = priv->buffers.empty() ? nullptr : priv->buffers.data();
  out->children = priv->child_pointers.empty() ? nullptr : priv->child_pointers.data();
  out->dictionary = nullptr;
  out->release = ReleaseArray;
  out->private_data = priv.release();
}

}  // namespace

void ExportArray(const ArrayDataPtr& array, ArrowArray* out) {
  FillArray(array, out);
}

void ExportRecordBatch(const RecordBatch& batch, ArrowArray* out) {
  auto data = std::make_shared<ArrayData>();
  data->type = struct_(batch.schema()->fields());
  data->length = batch.num_rows();
  data->null_count = 0;
  data->buffers = {nullptr};
  data->children = batch.columns();
  FillArray(data, out);
}

// ============================================================ array import

namespace {

// Owns a moved-in producer array; its release runs when the last buffer
// wrapping its memory is dropped.
struct ImportedArray {
  ArrowArray array;
  ~ImportedArray() {
    if (array.release != nullptr) array.release(&array);
  }
};

class Importer {
 public:
  explicit Importer(std::shared_ptr<const ImportedArray> owner) : owner_(std::move(owner)) {}

  ArrayDataPtr Import(const ArrowArray* a, const TypePtr& type, const std::string& path) {
    if (a == nullptr) Fail(ErrorKind::kInvalidInput, "C data array {}: null child", path);
    if (a->length < 0 || a->offset < 0) {
      Fail(ErrorKind::kInvalidInput, "C data array {}: negative length or offset", path);
    }
    if (a->dictionary != nullptr) {
      Fail(ErrorKind::kInvalidInput, "C data array {}: unexpected dictionary", path);
    }
    auto out = std::make_shared<ArrayData>();
    out->type = type;
    out->length = a->length;
    out->offset = a->offset;
    const TypeId id = type->id();
    const int64_t end = a->offset + a->length;
    std::vector<int64_t> sizes;  // bytes each buffer must hold
    switch (id) {
      case TypeId::kNull:
        break;
      case TypeId::kStruct:
        sizes = {bit_util::BytesForBits(end)};
        break;
      case TypeId::kList:
        sizes = {bit_util::BytesForBits(end), (end + 1) * 4};
        break;
      case TypeId::kUtf8:
      case TypeId::kBinary:
        sizes = {bit_util::BytesForBits(end), (end + 1) * 4, -1};
        break;
      case TypeId::kLargeUtf8:
        sizes = {bit_util::BytesForBits(end), (end + 1) * 8, -1};
        break;
      default:
        sizes = {bit_util::BytesForBits(end), bit_util::BytesForBits(end * type->bit_width())};
    }
    if (a->n_buffers != static_cast<int64_t>(sizes.size()) ||
        (a->n_buffers > 0 && a->buffers == nullptr)) {
      Fail(ErrorKind::kInvalidInput, "C data array {} of type {}: {} buffers, the layout has {}",
           path, type->ToString(), a->n_buffers, sizes.size());
    }
    for (size_t i = 0; i < sizes.size(); ++i) {
      int64_t size = sizes[i];
      if (size < 0) {  // a data buffer: its size is the last offset
        if (a->length == 0 && a->buffers[1] == nullptr) {
          size = 0;
        } else if (id == TypeId::kLargeUtf8) {
          size = static_cast<const int64_t*>(a->buffers[1])[end];
        } else {
          size = static_cast<const int32_t*>(a->buffers[1])[end];
        }
        if (size < 0) Fail(ErrorKind::kInvalidInput, "C data array {}: negative offset", path);
      }
      const void* p = a->buffers[i];
      if (p == nullptr) {
        if (i == 0) {
          out->buffers.push_back(nullptr);
          continue;
        }
        if (size > 0 && !(i == 1 && a->length == 0)) {
          Fail(ErrorKind::kInvalidInput, "C data array {}: buffer {} is null", path, i);
        }
        // An empty array may omit its buffers; offsets still need one zero.
        out->buffers.push_back(Buffer::Allocate(std::max<int64_t>(size, 8)));
        continue;
      }
      out->buffers.push_back(Buffer::Wrap(static_cast<const uint8_t*>(p), size, owner_));
    }
    if (id == TypeId::kNull) {
      out->null_count = a->length;
    } else {
      out->null_count = CountNulls(out->validity(), out->offset, out->length);
      if (a->null_count >= 0 && a->null_count != out->null_count) {
        Fail(ErrorKind::kInvalidInput, "C data array {}: null_count {} but the bitmap has {} nulls",
             path, a->null_count, out->null_count);
      }
    }
    const size_t expected_children = id == TypeId::kStruct ? type->fields().size()
                                     : id == TypeId::kList ? 1
                                                           : 0;
    if (a->n_children != static_cast<int64_t>(expected_children) ||
        (a->n_children > 0 && a->children == nullptr)) {
      Fail(ErrorKind::kInvalidInput, "C data array {}: {} children, type {} has {}", path,
           a->n_children, type->ToString(), expected_children);
    }
    for (size_t i = 0; i < expected_children; ++i) {
      const TypePtr& child_type =
          id == TypeId::kList ? type->value_type() : type->fields()[i]->type();
      out->children.push_back(Import(a->children[i], child_type, fmt::format("{}.{}", path, i)));
    }
    return out;
  }

 private:
  std::shared_ptr<const ImportedArray> owner_;
};

}  // namespace

ArrayDataPtr ImportArray(ArrowArray* array, const TypePtr& type) {
  if (array == nullptr || array->release == nullptr) {
    Fail(ErrorKind::kInvalidInput, "C data array is null or already released");
  }
  auto owner = std::make_shared<ImportedArray>();
  owner->array = *array;  // move: the producer's struct is now ours
  array->release = nullptr;
  ArrayDataPtr out = Importer(owner).Import(&owner->array, type, "root");
  out->Validate();
  return out;
}

RecordBatchPtr ImportRecordBatch(ArrowArray* array, const SchemaPtr& schema) {
  ArrayDataPtr s = ImportArray(array, struct_(schema->fields()));
  if (s->null_count != 0) {
    Fail(ErrorKind::kInvalidInput, "C data record batch: the top-level struct holds nulls");
  }
  std::vector<ArrayDataPtr> columns;
  for (size_t i = 0; i < s->children.size(); ++i) {
    ArrayDataPtr c = s->children[i];
    if (s->offset != 0 || c->length != s->length) c = ArrayData::Slice(c, s->offset, s->length);
    columns.push_back(std::move(c));
  }
  return RecordBatch::Make(schema, s->length, std::move(columns));
}

}  // namespace llkv::arrow
