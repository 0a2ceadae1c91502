// The stored form of one column chunk: Arrow's own buffers laid end to end.
//
//   header   u32 magic "LKCH", u16 version, u16 reserved,
//            u32 node_count, u32 buffer_count
//   nodes    node_count x {i64 length, i64 null_count}     (depth-first)
//   buffers  buffer_count x {u64 offset, u64 length}, offset = ~0 when absent
//   (zero padding to 64 bytes)
//   bodies   each buffer at its offset, 64-byte aligned, padded with zeros
//
// Nodes and buffers are listed in the order of Arrow's IPC format (a field's
// node, then its buffers in layout order, then its children's), and the type
// is not stored: it comes from the column's descriptor. Decoding builds
// ArrayData whose buffers point into the stored bytes, so a chunk read from a
// zero-copy pager is never copied.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "llkv/arrow/array.h"

namespace llkv::table {

// Serializes `array` (any offset; it is normalised to offset 0).
std::vector<uint8_t> EncodeChunk(const arrow::ArrayDataPtr& array);

// Decodes a chunk of `type` from `bytes`, which `owner` keeps alive. Throws
// Corruption naming `what` when the bytes do not hold a valid array. The
// header and buffer table are always checked; `validate_values` also
// checks the layout's contents (offsets, null counts), which callers may
// skip for bytes they have validated before (pager keys are written once).
arrow::ArrayDataPtr DecodeChunk(const arrow::TypePtr& type, std::span<const uint8_t> bytes,
                                std::shared_ptr<const void> owner, const std::string& what,
                                bool validate_values = true);

}  // namespace llkv::table
