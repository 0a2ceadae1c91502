#include "llkv/storage/pager.h"

namespace llkv::storage {

void Pager::batch_put(std::span<const PutEntry> puts) {
  WriteBatch batch;
  batch.puts.assign(puts.begin(), puts.end());
  commit(batch);
}

void Pager::free_many(std::span<const PhysicalKey> keys) {
  WriteBatch batch;
  batch.frees.assign(keys.begin(), keys.end());
  commit(batch);
}

std::optional<EntryHandle> Pager::get(PhysicalKey key) {
  auto r = batch_get(std::span<const PhysicalKey>(&key, 1));
  return std::move(r[0]);
}

}  // namespace llkv::storage
