// Builders: the only way LLKV creates arrays from values. Each builder
// appends values and nulls and finishes into an immutable ArrayData with an
// exact null count; the validity bitmap is only allocated once a null is
// appended. Builders are single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/bit_util.h"
#include "llkv/arrow/array.h"
#include "llkv/arrow/buffer.h"

namespace llkv::arrow {

// Tracks validity for a builder; materialises the bitmap on the first null.
class ValidityBuilder {
 public:
  void Append(bool valid) {
    if (valid) {
      if (materialized_) {
        EnsureBits(length_ + 1);
        bit_util::SetBit(bits_.data(), length_);
      }
    } else {
      if (!materialized_) Materialize();
      EnsureBits(length_ + 1);
      ++null_count_;
    }
    ++length_;
  }
  void AppendValid(int64_t n);
  void AppendNulls(int64_t n);
  // Appends `length` validity bits from `bits` (null: all valid) at `offset`.
  void AppendBits(const uint8_t* bits, int64_t offset, int64_t length);
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }
  // The bitmap, or null when no value was null.
  BufferPtr Finish();

 private:
  void Materialize();
  void EnsureBits(int64_t bits);

  BufferBuilder bits_;
  bool materialized_ = false;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
};

class ArrayBuilder {
 public:
  explicit ArrayBuilder(TypePtr type) : type_(std::move(type)) {}
  virtual ~ArrayBuilder() = default;
  ArrayBuilder(const ArrayBuilder&) = delete;
  ArrayBuilder& operator=(const ArrayBuilder&) = delete;

  const TypePtr& type() const { return type_; }
  int64_t length() const { return validity_.length(); }
  int64_t null_count() const { return validity_.null_count(); }

  virtual void AppendNull() { AppendNulls(1); }
  virtual void AppendNulls(int64_t n) = 0;
  // Appends rows [offset, offset + length) of `array`, which must have this
  // builder's type. Fast for every layout; the basis of Take and Concatenate.
  virtual void AppendRange(const ArrayData& array, int64_t offset, int64_t length) = 0;
  // Pre-sizes for `n` more values (a hint).
  virtual void Reserve(int64_t /*n*/) {}
  // Returns the built array and leaves the builder empty and reusable.
  virtual ArrayDataPtr Finish() = 0;

 protected:
  TypePtr type_;
  ValidityBuilder validity_;
};

// Builder for every fixed-width type (integers, floats, decimal128, date32,
// timestamp, interval); T is the physical value type.
template <typename T>
class FixedWidthBuilder : public ArrayBuilder {
 public:
  using ArrayBuilder::ArrayBuilder;
  void Append(T v) {
    validity_.Append(true);
    values_.AppendValue(v);
  }
  void UnsafeAppendValues(const T* v, int64_t n) {
    validity_.AppendValid(n);
    values_.Append(v, n * static_cast<int64_t>(sizeof(T)));
  }
  void AppendNulls(int64_t n) override {
    validity_.AppendNulls(n);
    values_.Extend(n * static_cast<int64_t>(sizeof(T)));
  }
  void AppendRange(const ArrayData& array, int64_t offset, int64_t length) override {
    validity_.AppendBits(array.validity(), array.offset + offset, length);
    values_.Append(array.values<T>() + offset, length * static_cast<int64_t>(sizeof(T)));
  }
  void Reserve(int64_t n) override { values_.Reserve(n * static_cast<int64_t>(sizeof(T))); }
  ArrayDataPtr Finish() override;

 private:
  BufferBuilder values_;
};

using Int8Builder = FixedWidthBuilder<int8_t>;
using Int16Builder = FixedWidthBuilder<int16_t>;
using Int32Builder = FixedWidthBuilder<int32_t>;
using Int64Builder = FixedWidthBuilder<int64_t>;
using UInt8Builder = FixedWidthBuilder<uint8_t>;
using UInt16Builder = FixedWidthBuilder<uint16_t>;
using UInt32Builder = FixedWidthBuilder<uint32_t>;
using UInt64Builder = FixedWidthBuilder<uint64_t>;
using FloatBuilder = FixedWidthBuilder<float>;
using DoubleBuilder = FixedWidthBuilder<double>;
using Decimal128Builder = FixedWidthBuilder<Decimal128>;
using MonthDayNanoBuilder = FixedWidthBuilder<MonthDayNano>;

class BooleanBuilder : public ArrayBuilder {
 public:
  BooleanBuilder() : ArrayBuilder(boolean()) {}
  explicit BooleanBuilder(TypePtr type) : ArrayBuilder(std::move(type)) {}
  void Append(bool v);
  void AppendNulls(int64_t n) override;
  void AppendRange(const ArrayData& array, int64_t offset, int64_t length) override;
  ArrayDataPtr Finish() override;

 private:
  BufferBuilder bits_;
  int64_t length_ = 0;
};

class NullBuilder : public ArrayBuilder {
 public:
  NullBuilder() : ArrayBuilder(null()) {}
  explicit NullBuilder(TypePtr type) : ArrayBuilder(std::move(type)) {}
  void AppendNulls(int64_t n) override { validity_.AppendNulls(n); }
  void AppendRange(const ArrayData&, int64_t, int64_t length) override { AppendNulls(length); }
  ArrayDataPtr Finish() override;
};

// utf8 and binary (int32 offsets) or large_utf8 (int64 offsets). Throws
// OutOfRange when an int32-offset array would exceed 2 GiB of data.
template <typename Offset>
class BaseBinaryBuilder : public ArrayBuilder {
 public:
  explicit BaseBinaryBuilder(TypePtr type);
  void Append(std::string_view v);
  void AppendNulls(int64_t n) override;
  void AppendRange(const ArrayData& array, int64_t offset, int64_t length) override;
  void Reserve(int64_t n) override { offsets_.Reserve(n * static_cast<int64_t>(sizeof(Offset))); }
  void ReserveData(int64_t bytes) { data_.Reserve(bytes); }
  ArrayDataPtr Finish() override;

 private:
  void CheckSize(int64_t more) const;

  BufferBuilder offsets_;
  BufferBuilder data_;
};

using StringBuilder = BaseBinaryBuilder<int32_t>;
using BinaryBuilder = BaseBinaryBuilder<int32_t>;
using LargeStringBuilder = BaseBinaryBuilder<int64_t>;

// Append(valid) adds one struct slot; the caller then appends exactly one
// value (or null) to every field builder. AppendNull(s) does that itself.
class StructBuilder : public ArrayBuilder {
 public:
  explicit StructBuilder(TypePtr type);
  void Append(bool valid = true) { validity_.Append(valid); }
  ArrayBuilder* field_builder(int i) { return children_[static_cast<size_t>(i)].get(); }
  int num_fields() const { return static_cast<int>(children_.size()); }
  void AppendNulls(int64_t n) override;
  void AppendRange(const ArrayData& array, int64_t offset, int64_t length) override;
  ArrayDataPtr Finish() override;

 private:
  std::vector<std::unique_ptr<ArrayBuilder>> children_;
};

// Append() starts a new list; the caller then appends its elements to
// value_builder(). Throws OutOfRange past 2^31 - 1 elements in total.
class ListBuilder : public ArrayBuilder {
 public:
  explicit ListBuilder(TypePtr type);
  void Append(bool valid = true);
  ArrayBuilder* value_builder() { return values_.get(); }
  void AppendNulls(int64_t n) override;
  void AppendRange(const ArrayData& array, int64_t offset, int64_t length) override;
  ArrayDataPtr Finish() override;

 private:
  void CloseList();

  BufferBuilder offsets_;
  std::unique_ptr<ArrayBuilder> values_;
  bool open_ = false;
};

// A builder for any type.
std::unique_ptr<ArrayBuilder> MakeBuilder(const TypePtr& type);

}  // namespace llkv::arrow
