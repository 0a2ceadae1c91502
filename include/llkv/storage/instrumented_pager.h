// InstrumentedPager: wraps any Pager and counts what passes through it, in
// total and for the most recent batch of each kind. Counters are atomic, so
// the wrapper is as thread-safe as the pager it wraps; the "last batch"
// figures are only meaningful when one thread drives the pager.
#pragma once

#include <atomic>
#include <mutex>

#include "llkv/storage/pager.h"

namespace llkv::storage {

struct PagerStats {
  uint64_t get_batches = 0;
  uint64_t gets = 0;        // keys requested
  uint64_t get_misses = 0;  // keys with no value
  uint64_t bytes_read = 0;
  uint64_t commits = 0;
  uint64_t puts = 0;
  uint64_t bytes_written = 0;
  uint64_t frees = 0;
  uint64_t alloc_batches = 0;
  uint64_t allocs = 0;
};

class InstrumentedPager final : public Pager {
 public:
  explicit InstrumentedPager(PagerPtr inner) : inner_(std::move(inner)) {}

  std::vector<PhysicalKey> alloc_many(size_t n) override;
  std::vector<std::optional<EntryHandle>> batch_get(std::span<const PhysicalKey> keys) override;
  void commit(const WriteBatch& batch) override;
  std::string name() const override { return inner_->name(); }
  bool persistent() const override { return inner_->persistent(); }

  PagerStats totals() const;
  // Counts of the most recent get batch, commit and alloc only.
  PagerStats last_batch() const;
  void reset();
  const PagerPtr& inner() const { return inner_; }

 private:
  PagerPtr inner_;
  std::atomic<uint64_t> get_batches_{0}, gets_{0}, get_misses_{0}, bytes_read_{0}, commits_{0},
      puts_{0}, bytes_written_{0}, frees_{0}, alloc_batches_{0}, allocs_{0};
  mutable std::mutex last_mu_;
  PagerStats last_;
};

}  // namespace llkv::storage
