// TxnIdManager: ids never repeat (also across reopen) and cost a catalog
// write once per block; the commit watermark; snapshot visibility.
#include <gtest/gtest.h>

#include "llkv/common/error.h"
#include "llkv/storage/instrumented_pager.h"
#include "llkv/storage/lmdb_pager.h"
#include "runtime/database.h"
#include "test_util.h"

namespace llkv::runtime {
namespace {

TEST(TxnIdManagerTest, IdsNeverRepeatAcrossReopenAndPersistOncePerBlock) {
  testing::TempDir dir;
  const std::string path = dir.file("txn.llkv").string();
  TxnId last = 0;
  for (int round = 0; round < 3; ++round) {
    auto pager = std::make_shared<storage::InstrumentedPager>(storage::LmdbPager::Open(path));
    auto db = Database::Open(path, pager);
    const uint64_t commits_before = pager->totals().commits;
    for (TxnId n = 0; n < 2 * TxnIdManager::kBlock + 10; ++n) {
      const TxnId id = db->txn_ids().Begin();
      EXPECT_GT(id, last);
      last = id;
      db->txn_ids().Commit(id);
    }
    // Three blocks were reserved: three catalog commits, not one per id.
    EXPECT_LE(pager->totals().commits - commits_before, 3u);
  }
}

TEST(TxnIdManagerTest, WatermarkIsTheOldestActiveTransaction) {
  auto db = Database::Open(":memory:");
  TxnIdManager& m = db->txn_ids();
  const TxnId a = m.Begin(), b = m.Begin(), c = m.Begin();
  EXPECT_EQ(m.Watermark(), a);
  m.Commit(b);
  EXPECT_EQ(m.Watermark(), a);
  m.Abort(a);
  EXPECT_EQ(m.Watermark(), c);
  m.Commit(c);
  EXPECT_EQ(m.Watermark(), m.next());
  try {
    m.Commit(c);
    FAIL() << "committing twice must fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kTransaction);
  }
}

TEST(TxnIdManagerTest, SnapshotsSeeExactlyWhatCommittedBeforeThemAndTheirOwnWrites) {
  auto db = Database::Open(":memory:");
  TxnIdManager& m = db->txn_ids();
  const TxnId done = m.Begin();
  m.Commit(done);
  const TxnId running = m.Begin();
  const TxnId me = m.Begin();
  const Snapshot s = *m.TakeSnapshot(me);
  const TxnId later = m.Begin();
  m.Commit(later);
  m.Commit(running);  // after the snapshot: still invisible to it
  EXPECT_TRUE(s.Sees(done));
  EXPECT_TRUE(s.Sees(me));
  EXPECT_FALSE(s.Sees(running));
  EXPECT_FALSE(s.Sees(later));
  EXPECT_TRUE(s.Visible(done, 0));
  EXPECT_FALSE(s.Visible(done, me));      // deleted by me
  EXPECT_TRUE(s.Visible(done, running));  // deleter not visible
  EXPECT_TRUE(s.Visible(done, later));    // deleter began after the snapshot
  EXPECT_FALSE(s.Visible(done, done));    // deleted by a committed one
  EXPECT_TRUE(s.Visible(me, 0));
  EXPECT_FALSE(s.Visible(running, 0));
  EXPECT_FALSE(s.Visible(later, 0));
  // A read outside any transaction sees what is committed now.
  const Snapshot now = *m.TakeSnapshot(0);
  EXPECT_TRUE(now.Sees(running));
  EXPECT_FALSE(now.Sees(me));
  m.Commit(me);
}

}  // namespace
}  // namespace llkv::runtime
