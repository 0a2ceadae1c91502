#include "llkv/storage/mem_pager.h"

#include <cstdlib>
#include <cstring>

#include "common/bit_util.h"
#include "llkv/common/error.h"
#include "storage/aligned_block.h"
#include "storage/write_batch_check.h"

namespace llkv::storage {

std::vector<PhysicalKey> MemPager::alloc_many(size_t n) {
  std::lock_guard lock(mu_);
  std::vector<PhysicalKey> keys(n);
  for (auto& k : keys)
    k = next_key_++;
  return keys;
}

std::vector<std::optional<EntryHandle>> MemPager::batch_get(std::span<const PhysicalKey> keys) {
  std::vector<std::optional<EntryHandle>> out(keys.size());
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = values_.find(keys[i]);
    if (it != values_.end()) out[i] = AlignedBlock::Handle(it->second);
  }
  return out;
}

void MemPager::commit(const WriteBatch& batch) {
  CheckWriteBatch(batch, name());
  std::vector<std::shared_ptr<const AlignedBlock>> blocks = AlignedBlock::CopyPuts(batch);
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < batch.puts.size(); ++i) {
    auto& slot = values_[batch.puts[i].key];
    if (slot) total_bytes_ -= slot->size;
    total_bytes_ += blocks[i]->size;
    slot = std::move(blocks[i]);
  }
  for (PhysicalKey k : batch.frees) {
    auto it = values_.find(k);
    if (it == values_.end()) continue;
    total_bytes_ -= it->second->size;
    values_.erase(it);
  }
}

size_t MemPager::size() const {
  std::lock_guard lock(mu_);
  return values_.size();
}

size_t MemPager::total_bytes() const {
  std::lock_guard lock(mu_);
  return total_bytes_;
}

}  // namespace llkv::storage
