// The flattened form of an array shared by LLKV's serializers (column
// chunks, Arrow IPC): a depth-first list of nodes (length, null count) and
// a list of buffers, both in the order the Arrow IPC format defines (a
// field's node, its buffers in layout order, then its children's).
#pragma once

#include <cstdint>
#include <vector>

#include "llkv/arrow/array.h"

namespace llkv::arrow {

struct FlatNode {
  int64_t length;
  int64_t null_count;
};

struct FlatBuffer {
  const uint8_t* data;  // null for an absent validity bitmap
  int64_t size;         // bytes the layout needs (0 when absent)
};

// Flattens `array`, which must be normalized (see Normalize in compute.h).
void Flatten(const ArrayData& array, std::vector<FlatNode>* nodes,
             std::vector<FlatBuffer>* buffers);

// Supplies nodes and buffers, in flattened order, to Assemble.
class FlatSource {
 public:
  virtual ~FlatSource() = default;
  virtual FlatNode NextNode() = 0;
  // The next buffer; `validity` says whether it is a validity bitmap, which
  // may be returned as null (absent). Other buffers must not be null.
  virtual BufferPtr NextBuffer(bool validity) = 0;
  // Throws the source's own error kind (InvalidInput or Corruption).
  [[noreturn]] virtual void Invalid(const std::string& problem) const = 0;
};

// Rebuilds an array of `type` from `source`. The result is not yet
// validated: callers run ArrayData::Validate on it.
ArrayDataPtr Assemble(const TypePtr& type, FlatSource& source);

}  // namespace llkv::arrow
