#include "llkv/arrow/builder.h"

#include <limits>

#include "llkv/common/error.h"

namespace llkv::arrow {

// ---------------------------------------------------------------- validity

void ValidityBuilder::EnsureBits(int64_t bits) {
  const int64_t bytes = bit_util::BytesForBits(bits);
  if (bytes > bits_.size()) bits_.Resize(bytes);
}

void ValidityBuilder::Materialize() {
  materialized_ = true;
  EnsureBits(length_);
  bit_util::SetBitsTo(bits_.data(), 0, length_, true);
}

void ValidityBuilder::AppendValid(int64_t n) {
  if (materialized_) {
    EnsureBits(length_ + n);
    bit_util::SetBitsTo(bits_.data(), length_, n, true);
  }
  length_ += n;
}

void ValidityBuilder::AppendNulls(int64_t n) {
  if (n == 0) return;
  if (!materialized_) Materialize();
  EnsureBits(length_ + n);  // new bytes are zero: null
  bit_util::SetBitsTo(bits_.data(), length_, n, false);
  length_ += n;
  null_count_ += n;
}

void ValidityBuilder::AppendBits(const uint8_t* bits, int64_t offset, int64_t length) {
  if (bits == nullptr) {
    AppendValid(length);
    return;
  }
  const int64_t nulls = length - bit_util::CountSetBits(bits, offset, length);
  if (nulls == 0) {
    AppendValid(length);
    return;
  }
  if (!materialized_) Materialize();
  EnsureBits(length_ + length);
  bit_util::CopyBits(bits, offset, length, bits_.data(), length_);
  length_ += length;
  null_count_ += nulls;
}

BufferPtr ValidityBuilder::Finish() {
  BufferPtr out = null_count_ > 0 ? bits_.Finish() : nullptr;
  bits_ = BufferBuilder();
  materialized_ = false;
  length_ = 0;
  null_count_ = 0;
  return out;
}

// ---------------------------------------------------------------- fixed width

template <typename T>
ArrayDataPtr FixedWidthBuilder<T>::Finish() {
  auto out = std::make_shared<ArrayData>();
  out->type = type_;
  out->length = validity_.length();
  out->null_count = validity_.null_count();
  out->buffers = {validity_.Finish(), values_.Finish()};
  return out;
}

template class FixedWidthBuilder<int8_t>;
template class FixedWidthBuilder<int16_t>;
template class FixedWidthBuilder<int32_t>;
template class FixedWidthBuilder<int64_t>;
template class FixedWidthBuilder<uint8_t>;
template class FixedWidthBuilder<uint16_t>;
template class FixedWidthBuilder<uint32_t>;
template class FixedWidthBuilder<uint64_t>;
template class FixedWidthBuilder<float>;
template class FixedWidthBuilder<double>;
template class FixedWidthBuilder<Decimal128>;
template class FixedWidthBuilder<MonthDayNano>;

// ---------------------------------------------------------------- boolean

void BooleanBuilder::Append(bool v) {
  validity_.Append(true);
  if (bit_util::BytesForBits(length_ + 1) > bits_.size()) bits_.Resize(bits_.size() + 1);
  if (v) bit_util::SetBit(bits_.data(), length_);
  ++length_;
}

void BooleanBuilder::AppendNulls(int64_t n) {
  validity_.AppendNulls(n);
  length_ += n;
  bits_.Resize(bit_util::BytesForBits(length_));
}

void BooleanBuilder::AppendRange(const ArrayData& array, int64_t offset, int64_t length) {
  validity_.AppendBits(array.validity(), array.offset + offset, length);
  bits_.Resize(bit_util::BytesForBits(length_ + length));
  bit_util::CopyBits(array.buffers[1]->data(), array.offset + offset, length, bits_.data(),
                     length_);
  length_ += length;
}

ArrayDataPtr BooleanBuilder::Finish() {
  auto out = std::make_shared<ArrayData>();
  out->type = type_;
  out->length = validity_.length();
  out->null_count = validity_.null_count();
  out->buffers = {validity_.Finish(), bits_.Finish()};
  length_ = 0;
  return out;
}

// ---------------------------------------------------------------- null

ArrayDataPtr NullBuilder::Finish() {
  auto out = std::make_shared<ArrayData>();
  out->type = type_;
  out->length = validity_.length();
  out->null_count = out->length;
  validity_.Finish();
  return out;
}

// ---------------------------------------------------------------- binary

template <typename Offset>
BaseBinaryBuilder<Offset>::BaseBinaryBuilder(TypePtr type) : ArrayBuilder(std::move(type)) {
  offsets_.AppendValue(Offset{0});
}

template <typename Offset>
void BaseBinaryBuilder<Offset>::CheckSize(int64_t more) const {
  if (data_.size() + more > static_cast<int64_t>(std::numeric_limits<Offset>::max())) {
    Fail(ErrorKind::kOutOfRange,
         "{} array data would exceed {} bytes; use large_utf8 for bigger columns",
         type_->ToString(), std::numeric_limits<Offset>::max());
  }
}

template <typename Offset>
void BaseBinaryBuilder<Offset>::Append(std::string_view v) {
  CheckSize(static_cast<int64_t>(v.size()));
  validity_.Append(true);
  data_.Append(v.data(), static_cast<int64_t>(v.size()));
  offsets_.AppendValue(static_cast<Offset>(data_.size()));
}

template <typename Offset>
void BaseBinaryBuilder<Offset>::AppendNulls(int64_t n) {
  validity_.AppendNulls(n);
  const Offset end = static_cast<Offset>(data_.size());
  offsets_.Reserve(n * static_cast<int64_t>(sizeof(Offset)));
  for (int64_t i = 0; i < n; ++i)
    offsets_.AppendValue(end);
}

template <typename Offset>
void BaseBinaryBuilder<Offset>::AppendRange(const ArrayData& array, int64_t offset,
                                            int64_t length) {
  if (length == 0) return;
  const Offset* src = array.values<Offset>(1) + offset;
  const int64_t begin = src[0];
  const int64_t bytes = src[length] - begin;
  CheckSize(bytes);
  validity_.AppendBits(array.validity(), array.offset + offset, length);
  const int64_t base = data_.size();
  data_.Append(array.buffers[2]->data() + begin, bytes);
  offsets_.Reserve(length * static_cast<int64_t>(sizeof(Offset)));
  for (int64_t i = 1; i <= length; ++i) {
    offsets_.AppendValue(static_cast<Offset>(base + (src[i] - begin)));
  }
}

template <typename Offset>
ArrayDataPtr BaseBinaryBuilder<Offset>::Finish() {
  auto out = std::make_shared<ArrayData>();
  out->type = type_;
  out->length = validity_.length();
  out->null_count = validity_.null_count();
  out->buffers = {validity_.Finish(), offsets_.Finish(), data_.Finish()};
  offsets_.AppendValue(Offset{0});
  return out;
}

template class BaseBinaryBuilder<int32_t>;
template class BaseBinaryBuilder<int64_t>;

// ---------------------------------------------------------------- struct

StructBuilder::StructBuilder(TypePtr type) : ArrayBuilder(std::move(type)) {
  for (const auto& f : type_->fields())
    children_.push_back(MakeBuilder(f->type()));
}

void StructBuilder::AppendNulls(int64_t n) {
  validity_.AppendNulls(n);
  for (auto& c : children_)
    c->AppendNulls(n);
}

void StructBuilder::AppendRange(const ArrayData& array, int64_t offset, int64_t length) {
  validity_.AppendBits(array.validity(), array.offset + offset, length);
  for (size_t i = 0; i < children_.size(); ++i) {
    children_[i]->AppendRange(*array.children[i], array.offset + offset, length);
  }
}

ArrayDataPtr StructBuilder::Finish() {
  auto out = std::make_shared<ArrayData>();
  out->type = type_;
  out->length = validity_.length();
  out->null_count = validity_.null_count();
  out->buffers = {validity_.Finish()};
  for (auto& c : children_) {
    ArrayDataPtr child = c->Finish();
    LLKV_CHECK(child->length == out->length, "struct field has {} values for {} slots",
               child->length, out->length);
    out->children.push_back(std::move(child));
  }
  return out;
}

// ---------------------------------------------------------------- list

ListBuilder::ListBuilder(TypePtr type)
    : ArrayBuilder(std::move(type)), values_(MakeBuilder(type_->value_type())) {
  offsets_.AppendValue(int32_t{0});
}

void ListBuilder::CloseList() {
  if (!open_) return;
  if (values_->length() > std::numeric_limits<int32_t>::max()) {
    Fail(ErrorKind::kOutOfRange, "list array exceeds 2^31 - 1 elements");
  }
  offsets_.AppendValue(static_cast<int32_t>(values_->length()));
  open_ = false;
}

void ListBuilder::Append(bool valid) {
  CloseList();
  validity_.Append(valid);
  open_ = true;
}

void ListBuilder::AppendNulls(int64_t n) {
  CloseList();
  validity_.AppendNulls(n);
  for (int64_t i = 0; i < n; ++i)
    offsets_.AppendValue(static_cast<int32_t>(values_->length()));
}

void ListBuilder::AppendRange(const ArrayData& array, int64_t offset, int64_t length) {
  CloseList();
  if (length == 0) return;
  const int32_t* src = array.values<int32_t>(1) + offset;
  validity_.AppendBits(array.validity(), array.offset + offset, length);
  const int64_t base = values_->length();
  values_->AppendRange(*array.children[0], src[0], src[length] - src[0]);
  if (values_->length() > std::numeric_limits<int32_t>::max()) {
    Fail(ErrorKind::kOutOfRange, "list array exceeds 2^31 - 1 elements");
  }
  for (int64_t i = 1; i <= length; ++i) {
    offsets_.AppendValue(static_cast<int32_t>(base + (src[i] - src[0])));
  }
}

ArrayDataPtr ListBuilder::Finish() {
  CloseList();
  auto out = std::make_shared<ArrayData>();
  out->type = type_;
  out->length = validity_.length();
  out->null_count = validity_.null_count();
  out->buffers = {validity_.Finish(), offsets_.Finish()};
  out->children = {values_->Finish()};
  offsets_.AppendValue(int32_t{0});
  return out;
}

// ---------------------------------------------------------------- factory

std::unique_ptr<ArrayBuilder> MakeBuilder(const TypePtr& type) {
  switch (type->id()) {
    case TypeId::kNull:
      return std::make_unique<NullBuilder>(type);
    case TypeId::kBool:
      return std::make_unique<BooleanBuilder>(type);
    case TypeId::kInt8:
      return std::make_unique<Int8Builder>(type);
    case TypeId::kInt16:
      return std::make_unique<Int16Builder>(type);
    case TypeId::kInt32:
    case TypeId::kDate32:
      return std::make_unique<Int32Builder>(type);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
      return std::make_unique<Int64Builder>(type);
    case TypeId::kUInt8:
      return std::make_unique<UInt8Builder>(type);
    case TypeId::kUInt16:
      return std::make_unique<UInt16Builder>(type);
    case TypeId::kUInt32:
      return std::make_unique<UInt32Builder>(type);
    case TypeId::kUInt64:
      return std::make_unique<UInt64Builder>(type);
    case TypeId::kFloat32:
      return std::make_unique<FloatBuilder>(type);
    case TypeId::kFloat64:
      return std::make_unique<DoubleBuilder>(type);
    case TypeId::kDecimal128:
      return std::make_unique<Decimal128Builder>(type);
    case TypeId::kIntervalMonthDayNano:
      return std::make_unique<MonthDayNanoBuilder>(type);
    case TypeId::kUtf8:
    case TypeId::kBinary:
      return std::make_unique<StringBuilder>(type);
    case TypeId::kLargeUtf8:
      return std::make_unique<LargeStringBuilder>(type);
    case TypeId::kStruct:
      return std::make_unique<StructBuilder>(type);
    case TypeId::kList:
      return std::make_unique<ListBuilder>(type);
  }
  Fail(ErrorKind::kInternal, "no builder for type {}", type->ToString());
}

}  // namespace llkv::arrow
