#include "llkv/storage/mem_pager.h"

#include <cstdlib>
#include <cstring>

#include "common/bit_util.h"
#include "llkv/common/error.h"
#include "storage/write_batch_check.h"

namespace llkv::storage {

// One immutable, 64-byte-aligned value.
struct MemPager::Block {
  uint8_t* data = nullptr;
  size_t size = 0;
  explicit Block(std::span<const uint8_t> bytes) : size(bytes.size()) {
    const size_t cap = static_cast<size_t>(
        bit_util::RoundUp(static_cast<int64_t>(std::max<size_t>(size, 1)), bit_util::kAlignment));
    data = static_cast<uint8_t*>(std::aligned_alloc(bit_util::kAlignment, cap));
    if (data == nullptr) Fail(ErrorKind::kOutOfRange, "out of memory storing {} bytes", size);
    if (size > 0) std::memcpy(data, bytes.data(), size);
  }
  ~Block() { std::free(data); }
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;
};

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
    if (it != values_.end()) out[i].emplace(it->second->data, it->second->size, it->second);
  }
  return out;
}

void MemPager::commit(const WriteBatch& batch) {
  CheckWriteBatch(batch, name());
  // Copy first, outside the lock: if memory runs out, nothing has changed.
  std::vector<std::shared_ptr<const Block>> blocks;
  blocks.reserve(batch.puts.size());
  for (const auto& p : batch.puts)
    blocks.push_back(std::make_shared<const Block>(p.bytes));
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
