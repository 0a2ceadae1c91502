// BufferedPager: a Pager whose commits collect in memory until Flush()
// applies them to the pager below as one atomic commit.
//
// Design note.
//   * The runtime makes a transaction durable with one commit of the pager
//     below, however many column store commits its statements made: the
//     commits go to this buffer (visible at once to every reader of this
//     pager), and COMMIT flushes the buffer together with the record of
//     which transactions were still in progress (runtime/database.h).
//   * A crash loses exactly what was not flushed. What was flushed is a
//     prefix of the commits made here, so the pager below always holds a
//     state that existed between two commits.
//   * Reads look in the buffer first (a buffered free hides the key), then
//     below. Values in the buffer are 64-byte-aligned copies shared with
//     their handles, so handles stay valid across overwrites and flushes.
//   * Keys come from the pager below (alloc_many), so they never repeat
//     there either.
//
// Thread safety: all methods may be called concurrently. A flush is atomic
// with respect to reads: a read sees the buffer before it or the pager below
// after it, which hold the same values.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "llkv/storage/pager.h"

namespace llkv::storage {

struct AlignedBlock;  // storage/aligned_block.h

class BufferedPager final : public Pager {
 public:
  explicit BufferedPager(PagerPtr base);
  ~BufferedPager() override;

  std::vector<PhysicalKey> alloc_many(size_t n) override;
  std::vector<std::optional<EntryHandle>> batch_get(std::span<const PhysicalKey> keys) override;
  void commit(const WriteBatch& batch) override;
  std::string name() const override { return base_->name(); }
  bool persistent() const override { return base_->persistent(); }

  // Applies every buffered commit and the puts `extra` returns (they
  // override the buffer's for the same keys) to the pager below in one
  // commit, then empties the buffer. `extra` runs under the buffer's lock,
  // so no commit lands between it and the flush: what it describes (the
  // transactions in progress) covers everything flushed. If the commit
  // below throws, the buffer is unchanged and nothing below changed. With
  // an empty buffer and no extra puts, nothing is written.
  struct OwnedPut {
    PhysicalKey key;
    std::vector<uint8_t> bytes;
  };
  using ExtraPuts = std::function<std::vector<OwnedPut>()>;
  void Flush(const ExtraPuts& extra = nullptr);

  // Bytes of values in the buffer.
  size_t buffered_bytes() const;
  const PagerPtr& base() const { return base_; }

 private:
  PagerPtr base_;
  mutable std::mutex mu_;
  // Buffered values by key; null marks a buffered free.
  std::map<PhysicalKey, std::shared_ptr<const AlignedBlock>> buffer_;
  size_t buffered_bytes_ = 0;
};

}  // namespace llkv::storage
