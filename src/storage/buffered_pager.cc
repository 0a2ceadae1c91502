#include "llkv/storage/buffered_pager.h"

#include "storage/aligned_block.h"
#include "storage/write_batch_check.h"

namespace llkv::storage {

BufferedPager::BufferedPager(PagerPtr base) : base_(std::move(base)) {
  if (!base_) Fail(ErrorKind::kInvalidInput, "BufferedPager needs a pager to write to");
}

BufferedPager::~BufferedPager() = default;

std::vector<PhysicalKey> BufferedPager::alloc_many(size_t n) {
  return base_->alloc_many(n);
}

std::vector<std::optional<EntryHandle>> BufferedPager::batch_get(
    std::span<const PhysicalKey> keys) {
  std::vector<std::optional<EntryHandle>> out(keys.size());
  std::vector<PhysicalKey> below;
  std::vector<size_t> below_at;
  // Held across the read below so that a flush cannot move a key from the
  // buffer to the base between the two lookups.
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = buffer_.find(keys[i]);
    if (it == buffer_.end()) {
      below.push_back(keys[i]);
      below_at.push_back(i);
    } else if (it->second) {
      out[i] = AlignedBlock::Handle(it->second);
    }
  }
  if (!below.empty()) {
    auto got = base_->batch_get(below);
    for (size_t j = 0; j < got.size(); ++j)
      out[below_at[j]] = std::move(got[j]);
  }
  return out;
}

void BufferedPager::commit(const WriteBatch& batch) {
  CheckWriteBatch(batch, name());
  std::vector<std::shared_ptr<const AlignedBlock>> blocks = AlignedBlock::CopyPuts(batch);
  std::lock_guard lock(mu_);
  auto set = [&](PhysicalKey key, std::shared_ptr<const AlignedBlock> block) {
    auto& slot = buffer_[key];
    if (slot) buffered_bytes_ -= slot->size;
    if (block) buffered_bytes_ += block->size;
    slot = std::move(block);
  };
  for (size_t i = 0; i < batch.puts.size(); ++i)
    set(batch.puts[i].key, std::move(blocks[i]));
  for (PhysicalKey k : batch.frees)
    set(k, nullptr);
}

void BufferedPager::Flush(const ExtraPuts& extra) {
  std::lock_guard lock(mu_);
  std::vector<OwnedPut> owned;
  if (extra) owned = extra();
  if (buffer_.empty() && owned.empty()) return;
  WriteBatch batch;
  std::map<PhysicalKey, std::span<const uint8_t>> extras;
  for (const auto& e : owned)
    extras[e.key] = e.bytes;
  for (const auto& [key, block] : buffer_) {
    if (extras.contains(key)) continue;
    if (block) {
      batch.puts.push_back({key, std::span<const uint8_t>(block->data, block->size)});
    } else {
      batch.frees.push_back(key);
    }
  }
  for (const auto& [key, bytes] : extras)
    batch.puts.push_back({key, bytes});
  base_->commit(batch);
  buffer_.clear();
  buffered_bytes_ = 0;
}

size_t BufferedPager::buffered_bytes() const {
  std::lock_guard lock(mu_);
  return buffered_bytes_;
}

}  // namespace llkv::storage
