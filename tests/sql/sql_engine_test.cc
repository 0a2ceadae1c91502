// SqlEngine end to end on a persistent database: what one session creates
// and inserts is there after reopening, and errors leave data intact.
#include <gtest/gtest.h>

#include "llkv/common/error.h"
#include "sql/sql_engine.h"
#include "test_util.h"

namespace llkv::sql {
namespace {

std::string Query(SqlEngine& engine, const std::string& sql) {
  auto results = engine.Execute(sql);
  return arrow::FormatTable(results.back().batches);
}

TEST(SqlEngineTest, TablesAndRowsSurviveReopen) {
  testing::TempDir dir;
  const std::string path = dir.file("db.llkv").string();
  {
    SqlEngine engine(runtime::Database::Open(path));
    engine.Execute(
        "CREATE TABLE t(a INTEGER NOT NULL, b TEXT, c DECIMAL(8,2)); "
        "INSERT INTO t VALUES (1, 'one', 1.5), (2, NULL, 2.25);");
    EXPECT_THROW(engine.Execute("INSERT INTO t VALUES (NULL, 'x', 1)"), Error);
    engine.Execute("CREATE TABLE gone(x INTEGER); DROP TABLE gone;");
  }
  SqlEngine engine(runtime::Database::Open(path));
  EXPECT_EQ(engine.database()->Tables().size(), 1u);
  const std::string out = Query(engine, "SELECT a, b, c FROM t ORDER BY a");
  EXPECT_NE(out.find("│     1 │ one  │             1.50 │"), std::string::npos) << out;
  EXPECT_NE(out.find("│     2 │ NULL │             2.25 │"), std::string::npos) << out;
  EXPECT_NE(out.find("2 rows"), std::string::npos) << out;
  auto inserted = engine.Execute("INSERT INTO t(a) VALUES (3)");
  EXPECT_EQ(inserted[0].rows_changed, 1);
  try {
    engine.Execute("SELECT x FROM t");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBinder);
  }
}

}  // namespace
}  // namespace llkv::sql
