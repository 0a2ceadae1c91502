// Arrow arrays: ArrayData (the physical layout: buffers, children, offset,
// length, null count) and typed read-only views over it.
//
// Layouts follow the Arrow columnar format exactly:
//   null                          no buffers
//   bool, fixed-width             [validity, values]
//   utf8, binary / large_utf8     [validity, int32 / int64 offsets, data]
//   struct                        [validity], one child per field
//   list                          [validity, int32 offsets], one child
// A validity buffer may be null, meaning all values are valid. `offset` is a
// logical offset in elements into the array's own buffers; for structs it
// also applies to the children, as the specification says.
//
// ArrayData is immutable once built and may be shared across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "llkv/arrow/buffer.h"
#include "llkv/arrow/type.h"

namespace llkv::arrow {

struct ArrayData;
using ArrayDataPtr = std::shared_ptr<const ArrayData>;

inline constexpr int64_t kUnknownNullCount = -1;

struct ArrayData {
  TypePtr type;
  int64_t length = 0;
  int64_t offset = 0;
  int64_t null_count = 0;  // exact; builders and importers compute it
  std::vector<BufferPtr> buffers;
  std::vector<ArrayDataPtr> children;

  bool IsValid(int64_t i) const;
  bool IsNull(int64_t i) const { return !IsValid(i); }
  const uint8_t* validity() const {
    return buffers.empty() || !buffers[0] ? nullptr : buffers[0]->data();
  }
  // Typed pointer to buffer `i` with this array's offset applied in units of T.
  template <typename T>
  const T* values(size_t i = 1) const {
    return buffers[i]->data_as<T>() + offset;
  }

  // Zero-copy slice [offset, offset + length) of this array.
  static ArrayDataPtr Slice(const ArrayDataPtr& data, int64_t offset, int64_t length);

  // Checks the layout against the type: buffer count and sizes, offsets
  // monotonic and in bounds, children lengths. Throws InvalidInput (or
  // Corruption when `corruption` is set, for data read from storage) naming
  // the first problem. Imported and deserialized arrays are always validated.
  void Validate(bool corruption = false) const;
};

// Counts the nulls of a validity bitmap range (0 when `validity` is null).
int64_t CountNulls(const uint8_t* validity, int64_t offset, int64_t length);

// Makes an all-null array of `type` and `length`.
ArrayDataPtr MakeNullArray(const TypePtr& type, int64_t length);

// Typed views. A view holds a reference to its ArrayData; it is cheap to copy.
class Array {
 public:
  Array() = default;
  explicit Array(ArrayDataPtr data) : data_(std::move(data)) {}

  const ArrayDataPtr& data() const { return data_; }
  const TypePtr& type() const { return data_->type; }
  int64_t length() const { return data_->length; }
  int64_t offset() const { return data_->offset; }
  int64_t null_count() const { return data_->null_count; }
  bool IsNull(int64_t i) const { return data_->IsNull(i); }
  bool IsValid(int64_t i) const { return data_->IsValid(i); }
  Array Slice(int64_t offset, int64_t length) const {
    return Array(ArrayData::Slice(data_, offset, length));
  }

 protected:
  ArrayDataPtr data_;
};

template <typename T>
class PrimitiveArray : public Array {
 public:
  using Array::Array;
  using value_type = T;
  explicit PrimitiveArray(const Array& a) : Array(a.data()) {}
  const T* raw_values() const { return data_->values<T>(1); }
  T Value(int64_t i) const { return raw_values()[i]; }
  std::span<const T> values() const { return {raw_values(), static_cast<size_t>(data_->length)}; }
};

using Int8Array = PrimitiveArray<int8_t>;
using Int16Array = PrimitiveArray<int16_t>;
using Int32Array = PrimitiveArray<int32_t>;
using Int64Array = PrimitiveArray<int64_t>;
using UInt8Array = PrimitiveArray<uint8_t>;
using UInt16Array = PrimitiveArray<uint16_t>;
using UInt32Array = PrimitiveArray<uint32_t>;
using UInt64Array = PrimitiveArray<uint64_t>;
using FloatArray = PrimitiveArray<float>;
using DoubleArray = PrimitiveArray<double>;
using Date32Array = PrimitiveArray<int32_t>;
using TimestampArray = PrimitiveArray<int64_t>;
using Decimal128Array = PrimitiveArray<Decimal128>;
using MonthDayNanoArray = PrimitiveArray<MonthDayNano>;

class BooleanArray : public Array {
 public:
  using Array::Array;
  explicit BooleanArray(const Array& a) : Array(a.data()) {}
  bool Value(int64_t i) const;
};

template <typename Offset>
class BaseBinaryArray : public Array {
 public:
  using Array::Array;
  explicit BaseBinaryArray(const Array& a) : Array(a.data()) {}
  const Offset* raw_offsets() const { return data_->values<Offset>(1); }
  const uint8_t* raw_data() const { return data_->buffers[2]->data(); }
  std::string_view Value(int64_t i) const {
    const Offset* o = raw_offsets();
    return {reinterpret_cast<const char*>(raw_data()) + o[i], static_cast<size_t>(o[i + 1] - o[i])};
  }
};

using BinaryArray = BaseBinaryArray<int32_t>;  // utf8 and binary
using StringArray = BaseBinaryArray<int32_t>;
using LargeStringArray = BaseBinaryArray<int64_t>;

class StructArray : public Array {
 public:
  using Array::Array;
  explicit StructArray(const Array& a) : Array(a.data()) {}
  int num_fields() const { return static_cast<int>(data_->children.size()); }
  // Child `i` sliced to this array's offset and length.
  Array field(int i) const;
};

class ListArray : public Array {
 public:
  using Array::Array;
  explicit ListArray(const Array& a) : Array(a.data()) {}
  const int32_t* raw_offsets() const { return data_->values<int32_t>(1); }
  // The whole child array (not sliced); elements of list i are
  // values()[value_offset(i), value_offset(i + 1)).
  Array values() const { return Array(data_->children[0]); }
  int32_t value_offset(int64_t i) const { return raw_offsets()[i]; }
  int32_t value_length(int64_t i) const { return raw_offsets()[i + 1] - raw_offsets()[i]; }
  Array value_slice(int64_t i) const { return values().Slice(value_offset(i), value_length(i)); }
};

// Bytes of value `i` of a utf8, binary or large_utf8 array (offset applied).
std::string_view BinaryValueAt(const ArrayData& array, int64_t i);

// Logical equality: same type, length, validity and valid values (offsets
// and padding may differ). Floats compare bitwise, so NaN equals NaN.
bool ArrayEquals(const ArrayData& a, const ArrayData& b);

// Renders value `i` for display: NULL, numbers, quoted nothing; dates as
// YYYY-MM-DD, timestamps as YYYY-MM-DD HH:MM:SS[.ffffff], decimals exactly,
// structs as {'a': 1, 'b': x}, lists as [1, 2] (DuckDB's text: inside them,
// text is quoted only where it would read as something else, and floats
// keep a fraction, 1.0).
std::string FormatValue(const ArrayData& array, int64_t i);
// The '0'/'1' text of a BIT string's bytes (bit_string()'s layout).
std::string FormatBitString(std::string_view bits);

}  // namespace llkv::arrow
