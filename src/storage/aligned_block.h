// AlignedBlock: one immutable value copied into 64-byte-aligned heap memory,
// shared with the handles that read it (in-memory pagers keep values so).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "common/bit_util.h"
#include "llkv/common/error.h"
#include "llkv/storage/pager.h"

namespace llkv::storage {

struct AlignedBlock {
  uint8_t* data = nullptr;
  size_t size = 0;
  explicit AlignedBlock(std::span<const uint8_t> bytes) : size(bytes.size()) {
    const size_t cap = static_cast<size_t>(
        bit_util::RoundUp(static_cast<int64_t>(std::max<size_t>(size, 1)), bit_util::kAlignment));
    data = static_cast<uint8_t*>(std::aligned_alloc(bit_util::kAlignment, cap));
    if (data == nullptr) Fail(ErrorKind::kOutOfRange, "out of memory storing {} bytes", size);
    if (size > 0) std::memcpy(data, bytes.data(), size);
  }
  ~AlignedBlock() { std::free(data); }
  AlignedBlock(const AlignedBlock&) = delete;
  AlignedBlock& operator=(const AlignedBlock&) = delete;

  static EntryHandle Handle(const std::shared_ptr<const AlignedBlock>& b) {
    return EntryHandle(b->data, b->size, b);
  }
  // Copies of a batch's put values, in order (made before taking a lock:
  // if memory runs out, nothing has changed).
  static std::vector<std::shared_ptr<const AlignedBlock>> CopyPuts(const WriteBatch& batch) {
    std::vector<std::shared_ptr<const AlignedBlock>> blocks;
    blocks.reserve(batch.puts.size());
    for (const auto& p : batch.puts)
      blocks.push_back(std::make_shared<const AlignedBlock>(p.bytes));
    return blocks;
  }
};

}  // namespace llkv::storage
