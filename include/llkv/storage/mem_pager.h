// MemPager: a heap-backed Pager for :memory: databases, transaction staging
// and tests. Values live in 64-byte-aligned heap blocks shared with the
// handles that read them, so an overwrite never disturbs a reader.
#pragma once

#include <mutex>
#include <unordered_map>

#include "llkv/storage/pager.h"

namespace llkv::storage {

struct AlignedBlock;  // storage/aligned_block.h

class MemPager final : public Pager {
 public:
  MemPager() = default;

  std::vector<PhysicalKey> alloc_many(size_t n) override;
  std::vector<std::optional<EntryHandle>> batch_get(std::span<const PhysicalKey> keys) override;
  void commit(const WriteBatch& batch) override;
  std::string name() const override { return "memory"; }
  bool persistent() const override { return false; }

  // Number of stored values and their total bytes.
  size_t size() const;
  size_t total_bytes() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<PhysicalKey, std::shared_ptr<const AlignedBlock>> values_;
  PhysicalKey next_key_ = kFirstAllocatableKey;
  size_t total_bytes_ = 0;
};

}  // namespace llkv::storage
