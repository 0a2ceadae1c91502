// Bad input for the persistent pager: truncated, corrupted and foreign
// files, unwritable directories and a full database. Each must give an Error
// naming the file and the problem, never a crash, and must leave committed
// data intact.
#include <gtest/gtest.h>
#include <lmdb.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "llkv/common/error.h"
#include "llkv/storage/lmdb_pager.h"
#include "test_util.h"

namespace llkv::storage {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> Pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<uint8_t>(seed ^ (i * 131));
  return v;
}

// Expects `f` to throw an Error of `kind` whose message contains every one of `parts`.
template <typename F>
void ExpectError(F&& f, ErrorKind kind, std::vector<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const auto& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

class LmdbBadInput : public ::testing::Test {
 protected:
  // A database holding `values` large values under the returned keys.
  std::vector<PhysicalKey> MakeDatabase(const fs::path& path, int values = 8) {
    auto pager = LmdbPager::Open(path);
    auto keys = pager->alloc_many(static_cast<size_t>(values));
    std::vector<std::vector<uint8_t>> bytes;
    std::vector<PutEntry> puts;
    for (int i = 0; i < values; ++i)
      bytes.push_back(Pattern(50000, static_cast<uint8_t>(i)));
    for (int i = 0; i < values; ++i)
      puts.push_back({keys[static_cast<size_t>(i)], bytes[static_cast<size_t>(i)]});
    pager->batch_put(puts);
    return keys;
  }
  testing::TempDir dir_;
};

TEST_F(LmdbBadInput, TruncatedFileIsRefusedByName) {
  const auto path = dir_.file("t.llkv");
  MakeDatabase(path);
  fs::resize_file(path, fs::file_size(path) / 2);
  ExpectError([&] { LmdbPager::Open(path); }, ErrorKind::kCorruption, {path.string(), "truncated"});
}

// LMDB may count pages it never wrote (allocated and freed in one commit)
// at the end of the file, so a process killed after such a commit leaves a
// file a few pages short that is sound. A file one page short therefore
// opens when that page is such an unwritten one, and otherwise is refused as
// truncated with its size left as it was; never a crash.
TEST_F(LmdbBadInput, FileAPageShortOpensOrIsRefusedUnchanged) {
  const auto path = dir_.file("s.llkv");
  auto keys = MakeDatabase(path);
  const auto short_size = fs::file_size(path) - 4096;
  fs::resize_file(path, short_size);
  try {
    auto pager = LmdbPager::Open(path);
    for (PhysicalKey k : keys) {
      try {
        auto v = pager->get(k);
        if (v) {
          EXPECT_EQ(v->size(), 50000u);
        }
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kCorruption) << e.what();
      }
    }
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruption) << e.what();
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    EXPECT_EQ(fs::file_size(path), short_size);
  }
}

TEST_F(LmdbBadInput, CorruptedValueFailsItsChecksum) {
  const auto path = dir_.file("c.llkv");
  auto keys = MakeDatabase(path);
  // Flip one byte in the middle of value 3's payload, found by its pattern.
  const auto needle = Pattern(50000, 3);
  std::string file;
  {
    std::ifstream in(path, std::ios::binary);
    file.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto at = file.find(std::string(needle.begin() + 1000, needle.begin() + 1100));
  ASSERT_NE(at, std::string::npos);
  file[at + 50] = static_cast<char>(file[at + 50] ^ 0x40);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(file.data(), static_cast<std::streamsize>(file.size()));
  }
  auto pager = LmdbPager::Open(path);
  ExpectError([&] { pager->get(keys[3]); }, ErrorKind::kCorruption,
              {path.string(), "checksum mismatch", "key " + std::to_string(keys[3])});
  // Other values are unaffected.
  EXPECT_EQ(pager->get(keys[2])->size(), 50000u);
}

TEST_F(LmdbBadInput, DamagedHeaderIsNotADatabase) {
  const auto path = dir_.file("h.llkv");
  MakeDatabase(path);
  {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    const std::string zeros(8192, '\0');  // both LMDB meta pages
    f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  ExpectError([&] { LmdbPager::Open(path); }, ErrorKind::kInvalidInput,
              {path.string(), "not an LLKV database"});
}

TEST_F(LmdbBadInput, ForeignFilesAreRefused) {
  const auto text = dir_.file("notes.txt");
  std::ofstream(text) << std::string(20000, 'x');
  ExpectError([&] { LmdbPager::Open(text); }, ErrorKind::kInvalidInput,
              {text.string(), "not an LLKV database"});

  // An LMDB file written by another program.
  const auto other = dir_.file("other.mdb");
  MDB_env* env;
  ASSERT_EQ(mdb_env_create(&env), 0);
  ASSERT_EQ(mdb_env_open(env, other.c_str(), MDB_NOSUBDIR, 0644), 0);
  MDB_txn* txn;
  MDB_dbi dbi;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  ASSERT_EQ(mdb_dbi_open(txn, nullptr, 0, &dbi), 0);
  char k[] = "hello", v[] = "world";
  MDB_val key{5, k}, val{5, v};
  ASSERT_EQ(mdb_put(txn, dbi, &key, &val, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
  ExpectError([&] { LmdbPager::Open(other); }, ErrorKind::kInvalidInput,
              {other.string(), "not an LLKV database"});

  ExpectError([&] { LmdbPager::Open(dir_.path()); }, ErrorKind::kInvalidInput,
              {dir_.path().string(), "directory"});
  ExpectError([&] { LmdbPager::Open(dir_.file("missing/dir/x.llkv")); }, ErrorKind::kIO,
              {"missing/dir/x.llkv"});
  ExpectError([&] { LmdbPager::Open(dir_.file("absent.llkv"), {.create_if_missing = false}); },
              ErrorKind::kNotFound, {"absent.llkv", "does not exist"});
}

TEST_F(LmdbBadInput, UnwritableDirectoryIsReportedByName) {
  // Root ignores permissions, so the attempt runs in a child that drops to
  // an unprivileged user first.
  const auto locked = dir_.file("locked");
  fs::create_directories(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  fs::permissions(dir_.path(), fs::perms::all);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
    std::string message = "no error";
    try {
      LmdbPager::Open(locked / "db.llkv");
    } catch (const Error& e) {
      message = e.what();
    }
    if (::write(fds[1], message.data(), message.size()) < 0) ::_exit(4);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string message;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
    message.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  EXPECT_NE(message.find("IO Error"), std::string::npos) << message;
  EXPECT_NE(message.find((locked / "db.llkv").string()), std::string::npos) << message;
  EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
}

TEST_F(LmdbBadInput, FullDatabaseFailsCleanlyAndKeepsCommittedData) {
  const auto path = dir_.file("full.llkv");
  std::vector<PhysicalKey> committed;
  {
    auto pager = LmdbPager::Open(path, {.map_size = size_t{1} << 20});
    bool full = false;
    for (int i = 0; i < 100 && !full; ++i) {
      auto keys = pager->alloc_many(2);
      auto a = Pattern(60000, static_cast<uint8_t>(i)),
           b = Pattern(60000, static_cast<uint8_t>(i + 1));
      try {
        pager->batch_put(std::vector<PutEntry>{{keys[0], a}, {keys[1], b}});
        committed.insert(committed.end(), keys.begin(), keys.end());
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kFull) << e.what();
        EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("map_size"), std::string::npos) << e.what();
        full = true;
        // The failed batch left nothing behind.
        auto got = pager->batch_get(keys);
        EXPECT_FALSE(got[0]);
        EXPECT_FALSE(got[1]);
      }
    }
    ASSERT_TRUE(full);
    ASSERT_FALSE(committed.empty());
    // Freeing space makes the database writable again.
    pager->free_many(std::vector<PhysicalKey>{committed.back()});
    committed.pop_back();
  }
  auto pager = LmdbPager::Open(path);  // default, larger map
  auto got = pager->batch_get(committed);
  for (size_t i = 0; i < committed.size(); ++i) {
    ASSERT_TRUE(got[i]) << "committed key " << committed[i] << " lost";
    EXPECT_EQ(got[i]->size(), 60000u);
  }
}

}  // namespace
}  // namespace llkv::storage
