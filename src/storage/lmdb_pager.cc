#include "llkv/storage/lmdb_pager.h"

#include <lmdb.h>
#include <sys/stat.h>
#include <unistd.h>

#include <absl/container/flat_hash_map.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "common/bit_util.h"
#include "common/checksum.h"
#include "llkv/common/error.h"
#include "storage/write_batch_check.h"

namespace llkv::storage {

namespace {

// The "meta" sub-database's keys.
constexpr std::string_view kFormatKey = "format";
constexpr std::string_view kNextKeyKey = "next_key";
// Value of kFormatKey: identifies the file as LLKV's and versions the layout.
constexpr std::string_view kFormatTag = "llkv-lmdb-pager";
constexpr uint32_t kFormatVersion = 1;

// Value header: magic, header length, reserved, checksum; large payloads get
// 32 more zero bytes so that the payload is 64-byte aligned (see the header).
constexpr uint32_t kValueMagic = 0x31564B4C;  // "LKV1"
constexpr size_t kSmallHeader = 16;
constexpr size_t kLargeHeader = 48;

struct ValueHeader {
  uint32_t magic;
  uint8_t header_len;
  uint8_t reserved[3];
  uint64_t checksum;
};
static_assert(sizeof(ValueHeader) == kSmallHeader);

MDB_val Val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}

// Owns the LMDB environment; read snapshots keep it alive past the pager.
struct Env {
  MDB_env* env = nullptr;
  ~Env() {
    if (env) mdb_env_close(env);
  }
};

// One read-only transaction shared by every handle read through it.
struct Snapshot {
  std::shared_ptr<Env> env;
  MDB_txn* txn = nullptr;
  std::mutex mu;  // mdb_get on one txn is not safe from several threads at once
  ~Snapshot() {
    if (txn) mdb_txn_abort(txn);
  }
};

}  // namespace

struct LmdbPager::Impl {
  std::string path;
  LmdbPagerOptions options;
  std::shared_ptr<Env> env;
  MDB_dbi data_dbi = 0;
  MDB_dbi meta_dbi = 0;

  std::mutex write_mu;
  std::mutex alloc_mu;
  PhysicalKey next_key = kFirstAllocatableKey;  // guarded by alloc_mu
  PhysicalKey persisted_next_key = 0;           // guarded by write_mu

  std::mutex snapshot_mu;
  std::shared_ptr<Snapshot> current;  // guarded by snapshot_mu

  std::mutex verified_mu;
  absl::flat_hash_map<PhysicalKey, uint64_t> verified;  // key -> verified checksum
  std::atomic<uint64_t> copied_reads{0};

  [[noreturn]] void Throw(int rc, std::string_view what) const {
    if (rc == MDB_MAP_FULL) {
      Fail(ErrorKind::kFull,
           "database '{}' is full: {} reached the map size limit of {} bytes "
           "(LmdbPagerOptions::map_size)",
           path, what, options.map_size);
    }
    if (rc == ENOSPC)
      Fail(ErrorKind::kFull, "database '{}': {}: no space left on device", path, what);
    if (rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_INVALID) {
      Fail(ErrorKind::kCorruption, "database '{}' is corrupt: {}: {}", path, what,
           mdb_strerror(rc));
    }
    Fail(ErrorKind::kIO, "database '{}': {}: {}", path, what, mdb_strerror(rc));
  }
  void Check(int rc, std::string_view what) const {
    if (rc != MDB_SUCCESS) Throw(rc, what);
  }

  std::shared_ptr<Snapshot> CurrentSnapshot() {
    std::lock_guard lock(snapshot_mu);
    if (!current) {
      auto snap = std::make_shared<Snapshot>();
      snap->env = env;
      Check(mdb_txn_begin(env->env, nullptr, MDB_RDONLY, &snap->txn), "begin read");
      current = std::move(snap);
    }
    return current;
  }

  // Checks a stored value and returns its payload.
  std::span<const uint8_t> Payload(PhysicalKey key, const MDB_val& v) {
    ValueHeader h;
    if (v.mv_size < kSmallHeader) {
      Fail(ErrorKind::kCorruption, "database '{}' is corrupt: value of key {} has only {} bytes",
           path, key, v.mv_size);
    }
    std::memcpy(&h, v.mv_data, sizeof h);
    if (h.magic != kValueMagic || (h.header_len != kSmallHeader && h.header_len != kLargeHeader) ||
        v.mv_size < h.header_len) {
      Fail(ErrorKind::kCorruption, "database '{}' is corrupt: value of key {} has a bad header",
           path, key);
    }
    std::span<const uint8_t> payload(static_cast<const uint8_t*>(v.mv_data) + h.header_len,
                                     v.mv_size - h.header_len);
    if (options.checksums != ChecksumPolicy::kNever) {
      bool need = true;
      if (options.checksums == ChecksumPolicy::kFirstRead) {
        std::lock_guard lock(verified_mu);
        auto it = verified.find(key);
        need = it == verified.end() || it->second != h.checksum;
      }
      if (need) {
        if (Checksum64(payload.data(), payload.size()) != h.checksum) {
          Fail(ErrorKind::kCorruption,
               "database '{}' is corrupt: checksum mismatch in the value of key {} ({} bytes)",
               path, key, payload.size());
        }
        if (options.checksums == ChecksumPolicy::kFirstRead) {
          std::lock_guard lock(verified_mu);
          verified[key] = h.checksum;
        }
      }
    }
    return payload;
  }

  std::string_view GetMeta(MDB_txn* txn, std::string_view key) {
    MDB_val k = Val(key), v;
    int rc = mdb_get(txn, meta_dbi, &k, &v);
    if (rc == MDB_NOTFOUND) return {};
    Check(rc, "read meta");
    return {static_cast<const char*>(v.mv_data), v.mv_size};
  }
};

namespace {

std::string FormatRecord() {
  std::string rec(kFormatTag);
  rec.append(reinterpret_cast<const char*>(&kFormatVersion), sizeof kFormatVersion);
  return rec;
}

}  // namespace

std::shared_ptr<LmdbPager> LmdbPager::Open(const std::filesystem::path& path,
                                           const LmdbPagerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path.string();
  impl->options = options;
  const std::string& p = impl->path;

  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  const bool exists = std::filesystem::exists(status);
  if (exists && std::filesystem::is_directory(status)) {
    Fail(ErrorKind::kInvalidInput, "cannot open database '{}': it is a directory", p);
  }
  if (exists && !std::filesystem::is_regular_file(status)) {
    Fail(ErrorKind::kInvalidInput, "cannot open database '{}': not a regular file", p);
  }
  if (!exists && (!options.create_if_missing || options.read_only)) {
    Fail(ErrorKind::kNotFound, "database '{}' does not exist", p);
  }

  impl->env = std::make_shared<Env>();
  impl->Check(mdb_env_create(&impl->env->env), "create environment");
  MDB_env* env = impl->env->env;
  impl->Check(mdb_env_set_maxdbs(env, 4), "set max dbs");
  impl->Check(mdb_env_set_maxreaders(env, options.max_readers), "set max readers");
  impl->Check(mdb_env_set_mapsize(env, options.map_size), "set map size");
  unsigned flags = MDB_NOSUBDIR | MDB_NOTLS | MDB_NORDAHEAD;
  if (options.read_only) flags |= MDB_RDONLY;
  if (options.sync == SyncMode::kNoMetaSync) flags |= MDB_NOMETASYNC;
  if (options.sync == SyncMode::kNone) flags |= MDB_NOSYNC;
  int rc = mdb_env_open(env, p.c_str(), flags, 0644);
  if (rc == MDB_INVALID) {
    Fail(ErrorKind::kInvalidInput, "'{}' is not an LLKV database (no valid LMDB header)", p);
  }
  if (rc == MDB_VERSION_MISMATCH) {
    Fail(ErrorKind::kInvalidInput, "'{}' was written by an incompatible LMDB version", p);
  }
  if (rc == EACCES || rc == EPERM || rc == EROFS) {
    Fail(ErrorKind::kIO,
         "cannot open database '{}': {} (the file and its directory must be "
         "writable; its lock file is '{}-lock')",
         p, std::strerror(rc), p);
  }
  if (rc != MDB_SUCCESS) {
    Fail(ErrorKind::kIO, "cannot open database '{}': {}", p, mdb_strerror(rc));
  }
  int dead = 0;
  mdb_reader_check(env, &dead);  // clear reader slots of killed processes

  // A file cut short would make LMDB touch pages past its end (SIGBUS), so
  // refuse it up front. LMDB itself may leave the last few pages unwritten:
  // pages a transaction allocated and freed again before its commit ("loose"
  // pages) count in the last page number but are never written, so a process
  // killed right after such a commit leaves a file that ends early. Such a
  // short tail (at most kLooseTailPages) is extended with zeros, which no
  // page references; a larger shortfall is a truncated file.
  MDB_envinfo info;
  MDB_stat st;
  impl->Check(mdb_env_info(env, &info), "read environment info");
  impl->Check(mdb_env_stat(env, &st), "read environment stat");
  struct stat file_stat;
  if (::stat(p.c_str(), &file_stat) != 0) {
    Fail(ErrorKind::kIO, "cannot stat database '{}': {}", p, std::strerror(errno));
  }
  const uint64_t needed = (static_cast<uint64_t>(info.me_last_pgno) + 1) * st.ms_psize;
  const auto size = static_cast<uint64_t>(file_stat.st_size);
  constexpr uint64_t kLooseTailPages = 64;
  bool extended = false;  // if opening fails after all, the file gets its size back
  if (size < needed) {
    const bool loose_tail = needed - size <= kLooseTailPages * st.ms_psize;
    if (!loose_tail || options.read_only ||
        ::truncate(p.c_str(), static_cast<off_t>(needed)) != 0) {
      Fail(ErrorKind::kCorruption,
           "database '{}' is truncated: the file holds {} bytes but its pages need {}", p, size,
           needed);
    }
    extended = true;
  }

  // Identify (or initialise) the LLKV layout inside the LMDB file.
  MDB_txn* txn = nullptr;
  impl->Check(mdb_txn_begin(env, nullptr, options.read_only ? MDB_RDONLY : 0, &txn), "begin");
  try {
    rc = mdb_dbi_open(txn, "meta", 0, &impl->meta_dbi);
    if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE) {
      MDB_stat main_stat;
      impl->Check(mdb_stat(txn, 1 /* MAIN_DBI */, &main_stat), "stat main db");
      if (main_stat.ms_entries != 0 || rc == MDB_INCOMPATIBLE) {
        Fail(ErrorKind::kInvalidInput,
             "'{}' is not an LLKV database (an LMDB file of another "
             "program)",
             p);
      }
      if (options.read_only) Fail(ErrorKind::kNotFound, "database '{}' is empty", p);
      impl->Check(mdb_dbi_open(txn, "meta", MDB_CREATE, &impl->meta_dbi), "create meta db");
      impl->Check(mdb_dbi_open(txn, "data", MDB_CREATE | MDB_INTEGERKEY, &impl->data_dbi),
                  "create data db");
      std::string rec = FormatRecord();
      MDB_val k = Val(kFormatKey), v = Val(rec);
      impl->Check(mdb_put(txn, impl->meta_dbi, &k, &v, 0), "write format tag");
    } else {
      impl->Check(rc, "open meta db");
      const std::string_view format = impl->GetMeta(txn, kFormatKey);
      if (format.substr(0, kFormatTag.size()) != kFormatTag ||
          format.size() != kFormatTag.size() + sizeof(uint32_t)) {
        Fail(ErrorKind::kInvalidInput, "'{}' is not an LLKV database (unknown format tag)", p);
      }
      uint32_t version;
      std::memcpy(&version, format.data() + kFormatTag.size(), sizeof version);
      if (version != kFormatVersion) {
        Fail(ErrorKind::kInvalidInput,
             "database '{}' has format version {}; this build reads version {}", p, version,
             kFormatVersion);
      }
      rc = mdb_dbi_open(txn, "data", MDB_INTEGERKEY, &impl->data_dbi);
      if (rc == MDB_NOTFOUND) {
        Fail(ErrorKind::kCorruption, "database '{}' is corrupt: its data table is missing", p);
      }
      impl->Check(rc, "open data db");
      const std::string_view next = impl->GetMeta(txn, kNextKeyKey);
      if (next.size() == sizeof(PhysicalKey)) {
        std::memcpy(&impl->next_key, next.data(), sizeof(PhysicalKey));
      } else if (!next.empty()) {
        Fail(ErrorKind::kCorruption, "database '{}' is corrupt: bad key allocator record", p);
      }
    }
    // Never hand out a key at or below one already stored, whatever the mark says.
    MDB_cursor* cur = nullptr;
    impl->Check(mdb_cursor_open(txn, impl->data_dbi, &cur), "open cursor");
    MDB_val k, v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    mdb_cursor_close(cur);
    if (rc == MDB_SUCCESS && k.mv_size == sizeof(PhysicalKey)) {
      PhysicalKey last;
      std::memcpy(&last, k.mv_data, sizeof last);
      impl->next_key = std::max(impl->next_key, last + 1);
    } else if (rc != MDB_NOTFOUND) {
      impl->Check(rc, "find the last key");
    }
    impl->next_key = std::max(impl->next_key, kFirstAllocatableKey);
    impl->persisted_next_key = impl->next_key;
    if (options.read_only) {
      mdb_txn_abort(txn);
    } else {
      impl->Check(mdb_txn_commit(txn), "initialise");
    }
  } catch (const Error& e) {
    mdb_txn_abort(txn);
    if (extended) {  // the missing pages were not a loose tail
      if (::truncate(p.c_str(), static_cast<off_t>(size)) != 0) {
        Fail(ErrorKind::kIO, "database '{}': restoring its size after a failed open: {}", p,
             std::strerror(errno));
      }
      Fail(ErrorKind::kCorruption,
           "database '{}' is truncated: the file holds {} bytes but its pages need {} ({})", p,
           size, needed, e.message());
    }
    throw;
  } catch (...) {
    mdb_txn_abort(txn);
    throw;
  }
  return std::make_shared<LmdbPager>(path, std::move(impl));
}

LmdbPager::LmdbPager(std::filesystem::path path, std::unique_ptr<Impl> impl)
    : path_(std::move(path)), impl_(std::move(impl)) {}

LmdbPager::~LmdbPager() = default;

uint64_t LmdbPager::copied_reads() const {
  return impl_->copied_reads;
}

std::vector<PhysicalKey> LmdbPager::alloc_many(size_t n) {
  std::lock_guard lock(impl_->alloc_mu);
  std::vector<PhysicalKey> keys(n);
  for (auto& k : keys)
    k = impl_->next_key++;
  return keys;
}

std::vector<std::optional<EntryHandle>> LmdbPager::batch_get(std::span<const PhysicalKey> keys) {
  std::vector<std::optional<EntryHandle>> out(keys.size());
  if (keys.empty()) return out;
  std::shared_ptr<Snapshot> snap = impl_->CurrentSnapshot();
  std::lock_guard lock(snap->mu);
  for (size_t i = 0; i < keys.size(); ++i) {
    PhysicalKey key = keys[i];
    MDB_val k{sizeof key, &key}, v;
    int rc = mdb_get(snap->txn, impl_->data_dbi, &k, &v);
    if (rc == MDB_NOTFOUND) continue;
    impl_->Check(rc, fmt::format("read key {}", key));
    std::span<const uint8_t> payload = impl_->Payload(key, v);
    if (reinterpret_cast<uintptr_t>(payload.data()) % bit_util::kAlignment == 0) {
      out[i].emplace(payload.data(), payload.size(), snap);
    } else {
      // Small values live inside B-tree nodes at arbitrary addresses.
      const size_t cap = static_cast<size_t>(bit_util::RoundUp(
          static_cast<int64_t>(std::max<size_t>(payload.size(), 1)), bit_util::kAlignment));
      auto* copy = static_cast<uint8_t*>(std::aligned_alloc(bit_util::kAlignment, cap));
      if (copy == nullptr) Fail(ErrorKind::kOutOfRange, "out of memory reading key {}", key);
      std::memcpy(copy, payload.data(), payload.size());
      std::shared_ptr<const void> owner(copy,
                                        [](const void* q) { std::free(const_cast<void*>(q)); });
      out[i].emplace(copy, payload.size(), std::move(owner));
      if (payload.size() >= kAlignedPayloadThreshold) ++impl_->copied_reads;
    }
  }
  return out;
}

void LmdbPager::commit(const WriteBatch& batch) {
  if (impl_->options.read_only) {
    Fail(ErrorKind::kInvalidInput, "database '{}' is open read-only", impl_->path);
  }
  CheckWriteBatch(batch, impl_->path);
  std::lock_guard lock(impl_->write_mu);
  PhysicalKey next_key;
  {
    std::lock_guard alloc_lock(impl_->alloc_mu);
    next_key = impl_->next_key;
  }
  MDB_txn* txn = nullptr;
  impl_->Check(mdb_txn_begin(impl_->env->env, nullptr, 0, &txn), "begin write");
  try {
    for (const auto& p : batch.puts) {
      PhysicalKey key = p.key;
      const size_t header =
          p.bytes.size() >= kAlignedPayloadThreshold ? kLargeHeader : kSmallHeader;
      MDB_val k{sizeof key, &key};
      MDB_val v{header + p.bytes.size(), nullptr};
      int rc = mdb_put(txn, impl_->data_dbi, &k, &v, MDB_RESERVE);
      if (rc != MDB_SUCCESS) impl_->Throw(rc, fmt::format("write key {}", key));
      auto* dst = static_cast<uint8_t*>(v.mv_data);
      ValueHeader h{kValueMagic,
                    static_cast<uint8_t>(header),
                    {0, 0, 0},
                    Checksum64(p.bytes.data(), p.bytes.size())};
      std::memset(dst, 0, header);
      std::memcpy(dst, &h, sizeof h);
      if (!p.bytes.empty()) std::memcpy(dst + header, p.bytes.data(), p.bytes.size());
    }
    for (PhysicalKey key : batch.frees) {
      MDB_val k{sizeof key, &key};
      int rc = mdb_del(txn, impl_->data_dbi, &k, nullptr);
      if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND)
        impl_->Throw(rc, fmt::format("free key {}", key));
    }
    if (next_key != impl_->persisted_next_key) {
      MDB_val k = Val(kNextKeyKey);
      MDB_val v{sizeof next_key, &next_key};
      impl_->Check(mdb_put(txn, impl_->meta_dbi, &k, &v, 0), "write key allocator");
    }
  } catch (...) {
    mdb_txn_abort(txn);
    throw;
  }
  int rc = mdb_txn_commit(txn);  // frees txn whatever the outcome
  if (rc != MDB_SUCCESS) impl_->Throw(rc, "commit");
  impl_->persisted_next_key = next_key;
  std::lock_guard snap_lock(impl_->snapshot_mu);
  impl_->current.reset();  // later reads see this commit
}

}  // namespace llkv::storage
