#include "llkv/storage/instrumented_pager.h"

namespace llkv::storage {

std::vector<PhysicalKey> InstrumentedPager::alloc_many(size_t n) {
  auto keys = inner_->alloc_many(n);
  alloc_batches_ += 1;
  allocs_ += n;
  std::lock_guard lock(last_mu_);
  last_.alloc_batches = 1;
  last_.allocs = n;
  return keys;
}

std::vector<std::optional<EntryHandle>> InstrumentedPager::batch_get(
    std::span<const PhysicalKey> keys) {
  auto out = inner_->batch_get(keys);
  uint64_t bytes = 0, misses = 0;
  for (const auto& h : out) {
    if (h)
      bytes += h->size();
    else
      ++misses;
  }
  get_batches_ += 1;
  gets_ += keys.size();
  get_misses_ += misses;
  bytes_read_ += bytes;
  std::lock_guard lock(last_mu_);
  last_.get_batches = 1;
  last_.gets = keys.size();
  last_.get_misses = misses;
  last_.bytes_read = bytes;
  return out;
}

void InstrumentedPager::commit(const WriteBatch& batch) {
  inner_->commit(batch);  // counted only once it succeeded
  uint64_t bytes = 0;
  for (const auto& p : batch.puts)
    bytes += p.bytes.size();
  commits_ += 1;
  puts_ += batch.puts.size();
  frees_ += batch.frees.size();
  bytes_written_ += bytes;
  std::lock_guard lock(last_mu_);
  last_.commits = 1;
  last_.puts = batch.puts.size();
  last_.frees = batch.frees.size();
  last_.bytes_written = bytes;
}

PagerStats InstrumentedPager::totals() const {
  PagerStats s;
  s.get_batches = get_batches_;
  s.gets = gets_;
  s.get_misses = get_misses_;
  s.bytes_read = bytes_read_;
  s.commits = commits_;
  s.puts = puts_;
  s.bytes_written = bytes_written_;
  s.frees = frees_;
  s.alloc_batches = alloc_batches_;
  s.allocs = allocs_;
  return s;
}

PagerStats InstrumentedPager::last_batch() const {
  std::lock_guard lock(last_mu_);
  return last_;
}

void InstrumentedPager::reset() {
  for (auto* c : {&get_batches_, &gets_, &get_misses_, &bytes_read_, &commits_, &puts_,
                  &bytes_written_, &frees_, &alloc_batches_, &allocs_}) {
    *c = 0;
  }
  std::lock_guard lock(last_mu_);
  last_ = PagerStats{};
}

}  // namespace llkv::storage
