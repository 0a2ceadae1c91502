// Durability and recovery, in process: a "crash" is a pager below that
// starts failing every commit, so nothing after that point reaches the
// file, and the process goes on to reopen it.
#include <gtest/gtest.h>

#include "llkv/common/error.h"
#include "llkv/storage/instrumented_pager.h"
#include "llkv/storage/lmdb_pager.h"
#include "sql/sql_engine.h"
#include "test_util.h"

namespace llkv::sql {
namespace {

// Passes everything to an LMDB file until `crashed`, then refuses commits.
class CrashablePager final : public storage::Pager {
 public:
  explicit CrashablePager(storage::PagerPtr inner) : inner_(std::move(inner)) {}
  std::vector<storage::PhysicalKey> alloc_many(size_t n) override { return inner_->alloc_many(n); }
  std::vector<std::optional<storage::EntryHandle>> batch_get(
      std::span<const storage::PhysicalKey> keys) override {
    return inner_->batch_get(keys);
  }
  void commit(const storage::WriteBatch& batch) override {
    if (crashed) Fail(ErrorKind::kIO, "simulated crash");
    ++commits;
    inner_->commit(batch);
  }
  std::string name() const override { return inner_->name(); }
  bool crashed = false;
  int commits = 0;

 private:
  storage::PagerPtr inner_;
};

std::string Query(SqlEngine& engine, const std::string& sql) {
  return arrow::FormatTable(engine.Execute(sql).back().batches);
}

TEST(RecoveryTest, ATransactionInProgressAtACrashIsUndoneOnOpen) {
  testing::TempDir dir;
  const std::string path = dir.file("db.llkv").string();
  {
    auto pager = std::make_shared<CrashablePager>(storage::LmdbPager::Open(path));
    auto db = runtime::Database::Open(path, pager);
    SqlEngine setup(db), writer(db), other(db);
    setup.Execute(
        "CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER); INSERT INTO t VALUES (1, 1), (2, 2)");
    writer.Execute(
        "BEGIN; INSERT INTO t VALUES (3, 3); UPDATE t SET b = 20 WHERE a = 2; "
        "DELETE FROM t WHERE a = 1; CREATE TABLE t2(x INTEGER); INSERT INTO t2 VALUES (1)");
    // Its writes reach the file, recorded as in progress ...
    const int before = pager->commits;
    db->Checkpoint();
    EXPECT_EQ(pager->commits, before + 1);
    // ... and stay there while another session commits (one commit each).
    other.Execute("INSERT INTO t VALUES (4, 4)");
    EXPECT_EQ(pager->commits, before + 2);
    pager->crashed = true;  // writer never commits; nothing more is written
  }
  auto db = runtime::Database::Open(path);
  EXPECT_EQ(db->recovered_transactions(), 1u);
  SqlEngine engine(db);
  EXPECT_EQ(db->FindTable("t2"), nullptr);
  const std::string rows = Query(engine, "SELECT a, b FROM t ORDER BY a");
  EXPECT_NE(rows.find("│     1 │     1 │\n│     2 │     2 │\n│     4 │     4 │"), std::string::npos)
      << rows;
  EXPECT_NE(rows.find("3 rows"), std::string::npos) << rows;
  // The primary key index agrees: 3 is free again, 1 is still taken.
  engine.Execute("INSERT INTO t VALUES (3, 30)");
  EXPECT_THROW(engine.Execute("INSERT INTO t VALUES (1, 10)"), Error);
}

TEST(RecoveryTest, ACommitIsOneDurableWriteAndSurvivesTheCrashAfterIt) {
  testing::TempDir dir;
  const std::string path = dir.file("db.llkv").string();
  {
    auto pager = std::make_shared<CrashablePager>(storage::LmdbPager::Open(path));
    auto db = runtime::Database::Open(path, pager);
    SqlEngine engine(db);
    engine.Execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
    const int before = pager->commits;
    engine.Execute("BEGIN");
    for (int i = 0; i < 50; ++i)
      engine.Execute("INSERT INTO t VALUES (" + std::to_string(i) + ", 'row')");
    engine.Execute("UPDATE t SET b = 'changed' WHERE a < 10; DELETE FROM t WHERE a >= 40");
    EXPECT_EQ(pager->commits, before);  // nothing written before COMMIT
    engine.Execute("COMMIT");
    EXPECT_EQ(pager->commits, before + 1);
    engine.Execute("BEGIN; DELETE FROM t");
    pager->crashed = true;
  }
  auto db = runtime::Database::Open(path);
  EXPECT_EQ(db->recovered_transactions(), 0u);  // the uncommitted delete never reached the file
  SqlEngine engine(db);
  const std::string out =
      Query(engine, "SELECT count(*), count(*) FILTER (WHERE b = 'changed') FROM t");
  EXPECT_NE(out.find("│       40 │                                      10 │"), std::string::npos)
      << out;
}

TEST(RecoveryTest, DropsAreDurableAtCommitAndUndoneByACrashBefore) {
  testing::TempDir dir;
  const std::string path = dir.file("db.llkv").string();
  {
    auto pager = std::make_shared<CrashablePager>(storage::LmdbPager::Open(path));
    auto db = runtime::Database::Open(path, pager);
    SqlEngine a(db), b(db), reader(db);
    a.Execute(
        "CREATE TABLE gone(x INTEGER); INSERT INTO gone VALUES (1); "
        "CREATE TABLE kept(x INTEGER); INSERT INTO kept VALUES (2)");
    // An old snapshot holds the dropped table's storage past the commit.
    reader.Execute("BEGIN; SELECT * FROM gone");
    a.Execute("DROP TABLE gone");
    b.Execute("BEGIN; DROP TABLE kept");
    db->Checkpoint();
    pager->crashed = true;
  }
  auto db = runtime::Database::Open(path);
  SqlEngine engine(db);
  EXPECT_EQ(db->FindTable("gone"), nullptr);
  EXPECT_NE(db->FindTable("kept"), nullptr);
  EXPECT_NE(Query(engine, "SELECT x FROM kept").find("│     2 │"), std::string::npos);
  // The dropped table's columns did not outlive the reopen.
  for (const auto& c : db->FindTable("kept")->store()->Columns())
    EXPECT_TRUE(c.id.table_id == 0 || c.id.table_id == db->FindTable("kept")->id())
        << "orphan column of table " << c.id.table_id;
}

// A sequence value, once handed out, is durable: after a crash the next one
// is still new.
TEST(RecoveryTest, SequenceValuesSurviveACrash) {
  testing::TempDir dir;
  const std::string path = dir.file("db.llkv").string();
  {
    auto pager = std::make_shared<CrashablePager>(storage::LmdbPager::Open(path));
    auto db = runtime::Database::Open(path, pager);
    SqlEngine a(db);
    a.Execute("CREATE SEQUENCE s; SELECT nextval('s'); SELECT nextval('s')");
    EXPECT_NE(Query(a, "SELECT nextval('s')").find(" 3 │"), std::string::npos);
    pager->crashed = true;
  }
  auto db = runtime::Database::Open(path);
  SqlEngine engine(db);
  const std::string out = Query(engine, "SELECT nextval('s')");
  EXPECT_NE(out.find(" 4 │"), std::string::npos) << out;
}

TEST(RecoveryTest, AnAlterIsDurableAtCommitAndUndoneByACrashBefore) {
  testing::TempDir dir;
  const std::string path = dir.file("db.llkv").string();
  {
    auto pager = std::make_shared<CrashablePager>(storage::LmdbPager::Open(path));
    auto db = runtime::Database::Open(path, pager);
    SqlEngine a(db), b(db);
    a.Execute(
        "CREATE TABLE done(id INTEGER PRIMARY KEY, v VARCHAR); INSERT INTO done VALUES (1, 'a'); "
        "CREATE INDEX done_v ON done(v); "
        "CREATE TABLE open(x INTEGER); INSERT INTO open VALUES (2)");
    a.Execute(
        "ALTER TABLE done ADD COLUMN k INTEGER DEFAULT 7; ALTER TABLE done RENAME COLUMN v TO w");
    b.Execute("BEGIN; ALTER TABLE open RENAME TO moved; ALTER TABLE moved ADD COLUMN y INTEGER");
    db->Checkpoint();
    pager->crashed = true;
  }
  auto db = runtime::Database::Open(path);
  EXPECT_EQ(db->recovered_transactions(), 1u);
  SqlEngine engine(db);
  EXPECT_EQ(db->FindTable("moved"), nullptr);
  ASSERT_NE(db->FindTable("open"), nullptr);
  EXPECT_EQ(db->FindTable("open")->def().columns.size(), 1u);
  const std::string rows = Query(engine, "SELECT * FROM done WHERE w = 'a'");
  EXPECT_NE(rows.find("│     1 │ a    │     7 │"), std::string::npos) << rows;
  // The key and the index came through the ALTERs.
  EXPECT_THROW(engine.Execute("INSERT INTO done VALUES (1, 'b', 0)"), Error);
  EXPECT_NE(db->FindIndex("done_v"), nullptr);
  // Only the live tables own columns.
  for (const auto& c : db->FindTable("done")->store()->Columns()) {
    EXPECT_TRUE(c.id.table_id == 0 || c.id.table_id == db->FindTable("done")->id() ||
                c.id.table_id == db->FindTable("open")->id())
        << "orphan column of table " << c.id.table_id;
  }
}

}  // namespace
}  // namespace llkv::sql
