// Layout-level kernels over arrays of any type.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "llkv/arrow/array.h"

namespace llkv::arrow {

// Gathers `indices` from `array`; an index of -1 yields a null. Indices must
// be in [0, length) otherwise (InvalidInput if not).
ArrayDataPtr Take(const ArrayData& array, std::span<const int64_t> indices);

// Concatenates arrays of one type into one new array (a zero-copy pass-through
// when there is exactly one input). Requires at least one input.
ArrayDataPtr Concatenate(std::span<const ArrayDataPtr> arrays);

// The array itself when its layout starts at the beginning of its buffers
// (offset 0 throughout, first offset 0), else a compacted copy that does.
// Serializers (column chunks, IPC) write normalized arrays.
ArrayDataPtr Normalize(const ArrayDataPtr& array);

}  // namespace llkv::arrow
