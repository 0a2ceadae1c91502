// The Pager: LLKV's storage seam.
//
// Design note. Everything LLKV persists is a set of values under 64-bit
// physical keys. The pager contract is deliberately small so that new
// backends (a distributed key-value store, a fault-injecting test double)
// need only these operations:
//
//   * alloc_many(n) returns n keys that have never been returned before by
//     this store, including across close and reopen. Keys below
//     kFirstAllocatableKey are never allocated; upper layers use them as
//     fixed roots (the column store's catalog lives at kColumnStoreCatalogKey).
//   * batch_get(keys) returns, per key, a handle to its current bytes or
//     nothing. Handles are zero-copy where the backend allows it: the bytes
//     stay valid and unchanged for as long as the handle (or a copy of it)
//     lives, even if the key is overwritten or freed meanwhile. Payloads of
//     more than a few KiB start on a 64-byte boundary so that Arrow buffers
//     can point straight into them.
//   * commit(batch) applies a set of puts and frees atomically: after it
//     returns every change is visible and (for persistent pagers, with the
//     default sync mode) durable; if it throws, none is. A key may appear at
//     most once in a batch.
//
// Pagers are safe to use from many threads at once; a commit is atomic with
// respect to concurrent batch_get calls (a get sees all of a batch or none).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace llkv::storage {

using PhysicalKey = uint64_t;

// Keys [0, kFirstAllocatableKey) are fixed roots for upper layers.
inline constexpr PhysicalKey kColumnStoreCatalogKey = 0;
inline constexpr PhysicalKey kTransactionStateKey = 1;  // runtime::Database
inline constexpr PhysicalKey kFirstAllocatableKey = 16;

// Read-only bytes of one value, kept alive by the handle.
class EntryHandle {
 public:
  EntryHandle(const uint8_t* data, size_t size, std::shared_ptr<const void> owner)
      : data_(data), size_(size), owner_(std::move(owner)) {}

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  // Whatever keeps the bytes alive; share it to extend their lifetime.
  const std::shared_ptr<const void>& owner() const { return owner_; }

 private:
  const uint8_t* data_;
  size_t size_;
  std::shared_ptr<const void> owner_;
};

struct PutEntry {
  PhysicalKey key;
  std::span<const uint8_t> bytes;  // read during commit only; the caller owns them
};

struct WriteBatch {
  std::vector<PutEntry> puts;
  std::vector<PhysicalKey> frees;  // freeing an absent key is not an error
};

class Pager {
 public:
  virtual ~Pager() = default;

  virtual std::vector<PhysicalKey> alloc_many(size_t n) = 0;
  virtual std::vector<std::optional<EntryHandle>> batch_get(std::span<const PhysicalKey> keys) = 0;
  virtual void commit(const WriteBatch& batch) = 0;

  // Conveniences over commit().
  void batch_put(std::span<const PutEntry> puts);
  void free_many(std::span<const PhysicalKey> keys);
  std::optional<EntryHandle> get(PhysicalKey key);

  // A short description for messages, e.g. "memory" or the database path.
  virtual std::string name() const = 0;
  // Whether committed values outlive the process (false for memory).
  virtual bool persistent() const { return true; }
};

using PagerPtr = std::shared_ptr<Pager>;

}  // namespace llkv::storage
