// One conformance suite that every Pager implementation passes.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <set>
#include <thread>

#include "llkv/common/error.h"
#include "llkv/storage/buffered_pager.h"
#include "llkv/storage/instrumented_pager.h"
#include "llkv/storage/lmdb_pager.h"
#include "llkv/storage/mem_pager.h"
#include "test_util.h"

namespace llkv::storage {
namespace {

// Opens a pager; persistent kinds reopen the same database when called again.
struct PagerKind {
  std::string name;
  bool persistent;
  std::function<PagerPtr(const std::filesystem::path& dir)> open;
};

std::vector<uint8_t> Bytes(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<uint8_t>(seed + i * 31);
  return v;
}

std::vector<uint8_t> Read(const EntryHandle& h) {
  return {h.data(), h.data() + h.size()};
}

class PagerConformance : public ::testing::TestWithParam<PagerKind> {
 protected:
  PagerPtr Open() { return GetParam().open(dir_.path()); }
  testing::TempDir dir_;
};

TEST_P(PagerConformance, AllocatesUniqueKeysAboveTheRoots) {
  auto pager = Open();
  auto a = pager->alloc_many(100);
  auto b = pager->alloc_many(5);
  std::set<PhysicalKey> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  EXPECT_EQ(all.size(), 105u);
  EXPECT_GE(*all.begin(), kFirstAllocatableKey);
}

TEST_P(PagerConformance, PutGetOverwriteFree) {
  auto pager = Open();
  auto keys = pager->alloc_many(3);
  auto small = Bytes(10, 1), large = Bytes(1 << 20, 2), empty = Bytes(0, 0);
  pager->batch_put(std::vector<PutEntry>{{keys[0], small}, {keys[1], large}, {keys[2], empty}});
  auto got = pager->batch_get(keys);
  ASSERT_TRUE(got[0] && got[1] && got[2]);
  EXPECT_EQ(Read(*got[0]), small);
  EXPECT_EQ(Read(*got[1]), large);
  EXPECT_EQ(got[2]->size(), 0u);

  // Handles keep their bytes through overwrites and frees.
  auto replacement = Bytes(1 << 20, 9);
  pager->batch_put(std::vector<PutEntry>{{keys[1], replacement}});
  pager->free_many(std::vector<PhysicalKey>{keys[0], 999999 /* absent: fine */});
  EXPECT_EQ(Read(*got[1]), large);
  EXPECT_EQ(Read(*got[0]), small);
  auto again = pager->batch_get(keys);
  EXPECT_FALSE(again[0]);
  EXPECT_EQ(Read(*again[1]), replacement);
  EXPECT_FALSE(pager->get(kColumnStoreCatalogKey));
}

TEST_P(PagerConformance, RootKeysAreWritable) {
  auto pager = Open();
  auto v = Bytes(40, 3);
  pager->batch_put(std::vector<PutEntry>{{kColumnStoreCatalogKey, v}});
  EXPECT_EQ(Read(*pager->get(kColumnStoreCatalogKey)), v);
}

TEST_P(PagerConformance, LargePayloadsAre64ByteAligned) {
  auto pager = Open();
  auto keys = pager->alloc_many(8);
  std::vector<std::vector<uint8_t>> values;
  std::vector<PutEntry> puts;
  for (size_t i = 0; i < keys.size(); ++i)
    values.push_back(Bytes(5000 + i * 7777, uint8_t(i)));
  for (size_t i = 0; i < keys.size(); ++i)
    puts.push_back({keys[i], values[i]});
  pager->batch_put(puts);
  auto got = pager->batch_get(keys);
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE(got[i]);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(got[i]->data()) % 64, 0u) << "value " << i;
    EXPECT_EQ(Read(*got[i]), values[i]);
  }
}

TEST_P(PagerConformance, BatchWithRepeatedKeyIsRejectedWhole) {
  auto pager = Open();
  auto keys = pager->alloc_many(2);
  auto v = Bytes(8, 1);
  WriteBatch bad;
  bad.puts = {{keys[0], v}, {keys[1], v}};
  bad.frees = {keys[0]};
  EXPECT_THROW(pager->commit(bad), Error);
  auto got = pager->batch_get(keys);
  EXPECT_FALSE(got[0]);
  EXPECT_FALSE(got[1]);
}

TEST_P(PagerConformance, ReadersSeeWholeBatches) {
  auto pager = Open();
  auto keys = pager->alloc_many(16);
  auto write = [&](uint64_t value) {
    std::vector<uint8_t> bytes(64 * 1024);
    std::memcpy(bytes.data(), &value, sizeof value);
    std::vector<PutEntry> puts;
    for (auto k : keys)
      puts.push_back({k, bytes});
    pager->batch_put(puts);
  };
  write(0);
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto got = pager->batch_get(keys);
        uint64_t first;
        std::memcpy(&first, got[0]->data(), sizeof first);
        for (auto& h : got) {
          uint64_t v;
          std::memcpy(&v, h->data(), sizeof v);
          if (v != first) ++torn;
        }
      }
    });
  }
  for (uint64_t i = 1; i <= 200; ++i)
    write(i);
  stop = true;
  for (auto& r : readers)
    r.join();
  EXPECT_EQ(torn.load(), 0);
}

TEST_P(PagerConformance, SurvivesReopen) {
  if (!GetParam().persistent) GTEST_SKIP() << "in-memory pager";
  std::vector<PhysicalKey> keys;
  auto v = Bytes(100000, 5);
  {
    auto pager = Open();
    keys = pager->alloc_many(3);
    pager->batch_put(std::vector<PutEntry>{{keys[0], v}, {keys[2], v}});
  }
  auto pager = Open();
  auto got = pager->batch_get(keys);
  EXPECT_EQ(Read(*got[0]), v);
  EXPECT_FALSE(got[1]);
  EXPECT_EQ(Read(*got[2]), v);
  // Keys are never handed out twice, even across reopen.
  auto fresh = pager->alloc_many(10);
  for (auto k : fresh)
    EXPECT_GT(k, keys[2]);
}

PagerPtr OpenLmdb(const std::filesystem::path& dir) {
  return LmdbPager::Open(dir / "db.llkv", LmdbPagerOptions{.sync = SyncMode::kNone});
}

INSTANTIATE_TEST_SUITE_P(
    AllPagers, PagerConformance,
    ::testing::Values(
        PagerKind{"Mem", false, [](const auto&) { return std::make_shared<MemPager>(); }},
        PagerKind{"Lmdb", true, OpenLmdb},
        PagerKind{"InstrumentedMem", false,
                  [](const auto&) {
                    return std::make_shared<InstrumentedPager>(std::make_shared<MemPager>());
                  }},
        PagerKind{
            "InstrumentedLmdb", true,
            [](const auto& dir) { return std::make_shared<InstrumentedPager>(OpenLmdb(dir)); }},
        // Without a flush nothing reaches the pager below: memory semantics.
        PagerKind{"BufferedMem", false,
                  [](const auto&) {
                    return std::make_shared<BufferedPager>(std::make_shared<MemPager>());
                  }},
        PagerKind{"BufferedLmdb", false,
                  [](const auto& dir) { return std::make_shared<BufferedPager>(OpenLmdb(dir)); }}),
    [](const auto& info) { return info.param.name; });

// A pager below whose commits fail on demand.
class FailingPager final : public Pager {
 public:
  explicit FailingPager(PagerPtr inner) : inner_(std::move(inner)) {}
  std::vector<PhysicalKey> alloc_many(size_t n) override { return inner_->alloc_many(n); }
  std::vector<std::optional<EntryHandle>> batch_get(std::span<const PhysicalKey> keys) override {
    return inner_->batch_get(keys);
  }
  void commit(const WriteBatch& batch) override {
    if (fail) Fail(ErrorKind::kIO, "injected commit failure");
    inner_->commit(batch);
  }
  std::string name() const override { return "failing"; }
  bool fail = false;

 private:
  PagerPtr inner_;
};

TEST(BufferedPagerTest, FlushAppliesEverythingInOneCommit) {
  auto counted = std::make_shared<InstrumentedPager>(std::make_shared<MemPager>());
  auto below = std::make_shared<FailingPager>(counted);
  BufferedPager pager(below);
  auto keys = pager.alloc_many(3);
  const auto a = Bytes(10, 1), b = Bytes(20000, 2), c = Bytes(5, 3);
  below->batch_put(std::vector<PutEntry>{{keys[2], c}});  // already below
  counted->reset();
  pager.batch_put(std::vector<PutEntry>{{keys[0], a}});
  pager.batch_put(std::vector<PutEntry>{{keys[1], b}, {keys[0], b}});
  pager.free_many(std::vector<PhysicalKey>{keys[2]});
  EXPECT_EQ(counted->totals().commits, 0u);
  // Reads see the buffer: overwrites, and a free hiding the value below.
  auto got = pager.batch_get(keys);
  EXPECT_EQ(Read(*got[0]), b);
  EXPECT_EQ(Read(*got[1]), b);
  EXPECT_FALSE(got[2]);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(got[1]->data()) % 64, 0u);
  EXPECT_EQ(pager.buffered_bytes(), 2 * b.size());
  // A failed flush changes nothing, below or in the buffer.
  below->fail = true;
  EXPECT_THROW(pager.Flush(), Error);
  EXPECT_FALSE(below->get(keys[0]));
  EXPECT_TRUE(below->get(keys[2]));
  EXPECT_EQ(Read(*pager.get(keys[0])), b);
  below->fail = false;
  const auto extra = Bytes(7, 9);
  pager.Flush([&] {
    return std::vector<BufferedPager::OwnedPut>{{kColumnStoreCatalogKey + 1, extra}};
  });
  EXPECT_EQ(counted->totals().commits, 1u);
  EXPECT_EQ(pager.buffered_bytes(), 0u);
  EXPECT_EQ(Read(*below->get(keys[0])), b);
  EXPECT_EQ(Read(*below->get(keys[1])), b);
  EXPECT_FALSE(below->get(keys[2]));
  EXPECT_EQ(Read(*below->get(kColumnStoreCatalogKey + 1)), extra);
  // Handles read before the flush stay valid; an empty flush writes nothing.
  EXPECT_EQ(Read(*got[0]), b);
  pager.Flush();
  EXPECT_EQ(counted->totals().commits, 1u);
}

TEST(InstrumentedPagerTest, CountsTotalsAndLastBatch) {
  auto pager = std::make_shared<InstrumentedPager>(std::make_shared<MemPager>());
  auto keys = pager->alloc_many(3);
  auto v = Bytes(100, 1);
  pager->batch_put(std::vector<PutEntry>{{keys[0], v}, {keys[1], v}});
  pager->batch_get(keys);
  pager->free_many(std::vector<PhysicalKey>{keys[0]});
  auto t = pager->totals();
  EXPECT_EQ(t.allocs, 3u);
  EXPECT_EQ(t.alloc_batches, 1u);
  EXPECT_EQ(t.puts, 2u);
  EXPECT_EQ(t.bytes_written, 200u);
  EXPECT_EQ(t.commits, 2u);
  EXPECT_EQ(t.frees, 1u);
  EXPECT_EQ(t.gets, 3u);
  EXPECT_EQ(t.get_misses, 1u);
  EXPECT_EQ(t.bytes_read, 200u);
  auto last = pager->last_batch();
  EXPECT_EQ(last.puts, 0u);  // the last commit only freed
  EXPECT_EQ(last.frees, 1u);
  pager->reset();
  EXPECT_EQ(pager->totals().gets, 0u);
}

}  // namespace
}  // namespace llkv::storage

namespace llkv::storage {
namespace {

TEST(LmdbPagerTest, LargeReadsAreZeroCopyIntoTheMap) {
  testing::TempDir dir;
  auto pager = LmdbPager::Open(dir.file("db"), LmdbPagerOptions{.sync = SyncMode::kNone});
  auto keys = pager->alloc_many(20);
  std::vector<std::vector<uint8_t>> values;
  std::vector<PutEntry> puts;
  for (size_t i = 0; i < keys.size(); ++i)
    values.push_back(Bytes(4096 + i * 100003, uint8_t(i)));
  for (size_t i = 0; i < keys.size(); ++i)
    puts.push_back({keys[i], values[i]});
  pager->batch_put(puts);
  auto got = pager->batch_get(keys);
  for (size_t i = 0; i < keys.size(); ++i)
    EXPECT_EQ(Read(*got[i]), values[i]);
  EXPECT_EQ(pager->copied_reads(), 0u);
}

}  // namespace
}  // namespace llkv::storage
