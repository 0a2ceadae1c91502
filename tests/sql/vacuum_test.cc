// Vacuum: an update-heavy table does not grow without bound, and versions a
// snapshot in use can still read are kept until it ends.
#include <gtest/gtest.h>

#include "llkv/storage/mem_pager.h"
#include "sql/sql_engine.h"

namespace llkv::sql {
namespace {

int64_t Scalar(SqlEngine& engine, const std::string& sql) {
  auto r = engine.Execute(sql);
  return r.back().batches.at(0)->column(0)->values<int64_t>()[0];
}

TEST(VacuumTest, UpdatingTheSameRowsAThousandTimesKeepsStorageBounded) {
  auto pager = std::make_shared<storage::MemPager>();
  auto db = runtime::Database::Open(":memory:", pager);
  SqlEngine engine(db);
  engine.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
  std::string values;
  for (int i = 0; i < 100; ++i)
    values += (i ? ",(" : "(") + std::to_string(i) + ", 0, 'some text for row " +
              std::to_string(i) + "')";
  engine.Execute("INSERT INTO t VALUES " + values);
  auto t = db->FindTable("t");
  // Peak storage over the first 100 rounds (several vacuum cycles) and
  // over the 900 after.
  size_t bytes_at_100 = 0, max_bytes = 0;
  uint64_t max_versions = 0;
  for (int round = 1; round <= 1000; ++round) {
    engine.Execute("UPDATE t SET v = v + 1");
    size_t& peak = round <= 100 ? bytes_at_100 : max_bytes;
    peak = std::max(peak, pager->total_bytes());
    max_versions = std::max(max_versions, t->row_count());
  }
  EXPECT_EQ(Scalar(engine, "SELECT sum(v) FROM t"), 100 * 1000);
  EXPECT_EQ(Scalar(engine, "SELECT count(*) FROM t WHERE id = 42"), 1);
  // Auto-vacuum runs once a quarter of the table (at least 1,024 versions)
  // is dead: the table holds at most that many extra versions ...
  EXPECT_LE(max_versions, 100 + runtime::Database::kAutoVacuumRows + 100);
  // ... and its storage does not grow after the first 100 rounds.
  EXPECT_LE(max_bytes, bytes_at_100 * 3 / 2) << "peak in rounds 1-100: " << bytes_at_100;
  std::printf(
      "vacuum: 100 rows updated 1,000 times: at most %llu stored versions; storage "
      "peak %zu bytes in rounds 1-100, %zu in rounds 101-1,000\n",
      static_cast<unsigned long long>(max_versions), bytes_at_100, max_bytes);
  engine.Execute("VACUUM t");
  EXPECT_EQ(t->row_count(), 100u);
}

TEST(VacuumTest, VersionsASnapshotInUseCanReadAreKept) {
  auto db = runtime::Database::Open(":memory:");
  SqlEngine writer(db), reader(db);
  writer.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)");
  writer.Execute("INSERT INTO t VALUES (1, 10), (2, 20)");
  reader.Execute("BEGIN");
  EXPECT_EQ(Scalar(reader, "SELECT sum(v) FROM t"), 30);
  for (int i = 0; i < 2000; ++i)
    writer.Execute("UPDATE t SET v = v + 1");
  writer.Execute("VACUUM");
  // The reader's snapshot still needs the original versions.
  EXPECT_EQ(Scalar(reader, "SELECT sum(v) FROM t"), 30);
  EXPECT_EQ(Scalar(reader, "SELECT v FROM t WHERE id = 2"), 20);
  EXPECT_EQ(Scalar(writer, "SELECT sum(v) FROM t"), 4030);
  reader.Execute("COMMIT");
  writer.Execute("VACUUM");
  EXPECT_EQ(db->FindTable("t")->row_count(), 2u);
  EXPECT_EQ(Scalar(reader, "SELECT sum(v) FROM t"), 4030);
  EXPECT_EQ(Scalar(reader, "SELECT v FROM t WHERE id = 2"), 2020);
}

}  // namespace
}  // namespace llkv::sql
