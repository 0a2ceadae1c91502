#include "llkv/arrow/compute.h"

#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::arrow {

namespace {

template <typename T>
ArrayDataPtr TakeFixed(const ArrayData& array, std::span<const int64_t> indices) {
  FixedWidthBuilder<T> builder(array.type);
  builder.Reserve(static_cast<int64_t>(indices.size()));
  const T* values = array.values<T>();
  const bool no_nulls = array.null_count == 0;
  for (int64_t idx : indices) {
    if (idx < 0 || (!no_nulls && array.IsNull(idx))) {
      builder.AppendNull();
    } else {
      builder.Append(values[idx]);
    }
  }
  return builder.Finish();
}

}  // namespace

ArrayDataPtr Take(const ArrayData& array, std::span<const int64_t> indices) {
  for (int64_t idx : indices) {
    if (idx < -1 || idx >= array.length) {
      Fail(ErrorKind::kInvalidInput, "take index {} outside an array of length {}", idx,
           array.length);
    }
  }
  switch (array.type->id()) {
    case TypeId::kInt8:
    case TypeId::kUInt8:
      return TakeFixed<uint8_t>(array, indices);
    case TypeId::kInt16:
    case TypeId::kUInt16:
      return TakeFixed<uint16_t>(array, indices);
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32:
    case TypeId::kDate32:
      return TakeFixed<uint32_t>(array, indices);
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
      return TakeFixed<uint64_t>(array, indices);
    case TypeId::kDecimal128:
    case TypeId::kIntervalMonthDayNano:
      return TakeFixed<Decimal128>(array, indices);
    default:
      break;
  }
  // Variable-length and nested layouts: copy one element range at a time.
  auto builder = MakeBuilder(array.type);
  builder->Reserve(static_cast<int64_t>(indices.size()));
  for (int64_t idx : indices) {
    if (idx < 0) {
      builder->AppendNull();
    } else {
      builder->AppendRange(array, idx, 1);
    }
  }
  return builder->Finish();
}

ArrayDataPtr Concatenate(std::span<const ArrayDataPtr> arrays) {
  LLKV_CHECK(!arrays.empty(), "concatenate of no arrays");
  if (arrays.size() == 1) return arrays[0];
  auto builder = MakeBuilder(arrays[0]->type);
  int64_t total = 0;
  for (const auto& a : arrays)
    total += a->length;
  builder->Reserve(total);
  for (const auto& a : arrays) {
    if (!a->type->Equals(*arrays[0]->type)) {
      Fail(ErrorKind::kInvalidInput, "cannot concatenate {} with {}", a->type->ToString(),
           arrays[0]->type->ToString());
    }
    builder->AppendRange(*a, 0, a->length);
  }
  return builder->Finish();
}

namespace {

bool IsNormalized(const ArrayData& a) {
  if (a.offset != 0) return false;
  switch (a.type->id()) {
    case TypeId::kUtf8:
    case TypeId::kBinary:
      return a.length == 0 || a.values<int32_t>(1)[0] == 0;
    case TypeId::kLargeUtf8:
      return a.length == 0 || a.values<int64_t>(1)[0] == 0;
    case TypeId::kList:
      return (a.length == 0 || a.values<int32_t>(1)[0] == 0) && IsNormalized(*a.children[0]);
    case TypeId::kStruct:
      for (const auto& c : a.children) {
        if (c->length != a.length || !IsNormalized(*c)) return false;
      }
      return true;
    default:
      return true;
  }
}

}  // namespace

ArrayDataPtr Normalize(const ArrayDataPtr& array) {
  if (IsNormalized(*array)) return array;
  auto b = MakeBuilder(array->type);
  b->AppendRange(*array, 0, array->length);
  return b->Finish();
}

}  // namespace llkv::arrow
