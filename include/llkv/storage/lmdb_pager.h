// LmdbPager: the persistent Pager, one LMDB database file.
//
// Design note (the on-disk format is documented in docs/storage-format.md).
//   * One file at `path` (LMDB with MDB_NOSUBDIR) plus LMDB's lock file at
//     `path-lock`. Two LMDB sub-databases: "data" maps physical keys (native
//     u64, MDB_INTEGERKEY) to values; "meta" holds the format tag and the
//     key allocator's high-water mark.
//   * Every value is stored behind a small header that carries an XXH3-64
//     checksum of the payload. Payloads of kAlignedPayloadThreshold bytes or
//     more get a 48-byte header: LMDB places such values on overflow pages,
//     whose data starts 16 bytes into a page, so the payload starts 64 bytes
//     into a page and Arrow buffers inside it are 64-byte aligned in the map.
//   * Reads are zero-copy: a handle points into the memory map and holds a
//     shared read transaction open, which makes LMDB keep those pages intact
//     until the last handle is dropped. The pager reuses one read transaction
//     for all reads between two commits. Small or unaligned payloads are
//     copied into aligned memory instead.
//   * A commit is one LMDB write transaction: all puts, frees and the new
//     allocator mark become visible and durable together, or not at all.
//   * Checksums are verified the first time this pager object reads a value
//     version (ChecksumPolicy::kFirstRead); a mismatch is a Corruption error
//     naming the file and the key. kAlways re-verifies on every read.
//
// Thread safety: all methods may be called concurrently. Writers are
// serialized. Each live handle set pins one LMDB reader slot; holding more than
// max_readers distinct read snapshots at once fails with an IO error.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "llkv/storage/pager.h"

namespace llkv::storage {

enum class SyncMode {
  kFull,        // fsync data and meta page on every commit (default): durable
  kNoMetaSync,  // skip the meta-page fsync: a system crash may lose the last
                // commits, but the database stays consistent
  kNone,        // no fsync at all: fastest; a system (not process) crash may
                // corrupt the file. Process crashes lose nothing committed.
};

enum class ChecksumPolicy { kFirstRead, kAlways, kNever };

struct LmdbPagerOptions {
  bool create_if_missing = true;
  bool read_only = false;
  SyncMode sync = SyncMode::kFull;
  ChecksumPolicy checksums = ChecksumPolicy::kFirstRead;
  // Upper bound of the database file size; reaching it makes commits fail with
  // a Storage Full error. Address space only: the file grows as data is added.
  size_t map_size = size_t{256} << 30;
  unsigned max_readers = 1024;
};

class LmdbPager final : public Pager {
 public:
  static constexpr size_t kAlignedPayloadThreshold = 4096;

  // Opens (or creates) the database at `path`. Throws an Error naming the
  // file when it cannot be opened, is not an LLKV database, is truncated, or
  // was written by an incompatible format version.
  static std::shared_ptr<LmdbPager> Open(const std::filesystem::path& path,
                                         const LmdbPagerOptions& options = {});
  ~LmdbPager() override;

  std::vector<PhysicalKey> alloc_many(size_t n) override;
  std::vector<std::optional<EntryHandle>> batch_get(std::span<const PhysicalKey> keys) override;
  void commit(const WriteBatch& batch) override;
  std::string name() const override { return path_.string(); }

  const std::filesystem::path& path() const { return path_; }
  // Reads whose payload was not 64-byte aligned in the map and was copied.
  uint64_t copied_reads() const;

  struct Impl;
  LmdbPager(std::filesystem::path path, std::unique_ptr<Impl> impl);

 private:
  std::filesystem::path path_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace llkv::storage
