// The public C++ API: databases, connections, streaming results, prepared
// statements with ? and $n parameters, and its errors.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "llkv/arrow/array.h"
#include "llkv/llkv.h"
#include "test_util.h"

namespace llkv {
namespace {

int64_t CountRows(Result& r) {
  int64_t n = 0;
  for (const auto& batch : r)
    n += batch->num_rows();
  return n;
}

int64_t Scalar(Connection& conn, const std::string& sql) {
  Result r = conn.Execute(sql);
  auto batch = r.Next();
  EXPECT_TRUE(batch);
  EXPECT_EQ(batch->num_rows(), 1);
  return batch->column(0)->values<int64_t>()[0];
}

TEST(ApiTest, ExecuteReportsRowsChangedAndRows) {
  auto db = Database::Open();
  auto conn = db->Connect();
  EXPECT_EQ(conn->Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)").rows_changed(), -1);
  EXPECT_EQ(conn->Execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, NULL)").rows_changed(), 3);
  EXPECT_EQ(conn->Execute("UPDATE t SET name = 'z' WHERE id >= 2").rows_changed(), 2);
  Result r = conn->Execute("SELECT id, name FROM t ORDER BY id");
  ASSERT_TRUE(r.has_rows());
  EXPECT_EQ(r.schema()->num_fields(), 2);
  EXPECT_EQ(r.schema()->field(0)->name(), "id");
  EXPECT_EQ(CountRows(r), 3);
  EXPECT_EQ(r.Next(), nullptr);  // stays at the end
  EXPECT_EQ(db->TableNames(), std::vector<std::string>{"t"});
  ASSERT_FALSE(db->SchemaSql("T").empty());
  EXPECT_EQ(db->SchemaSql("T")[0], "CREATE TABLE t(id INTEGER NOT NULL, name VARCHAR);");
}

TEST(ApiTest, QueryStreamsBatchesOfABigTable) {
  auto conn = Database::Open()->Connect();
  conn->Execute("CREATE TABLE big(x INTEGER)");
  auto insert = conn->Prepare("INSERT INTO big SELECT x FROM (VALUES (?), (?), (?), (?)) v(x)");
  for (int i = 0; i < 5000; ++i)
    insert.Execute({4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3});
  Result r = conn->Query("SELECT x FROM big WHERE x % 2 = 0");
  int64_t rows = 0, batches = 0, sum = 0;
  for (const auto& batch : r) {
    ++batches;
    rows += batch->num_rows();
    for (int64_t i = 0; i < batch->num_rows(); ++i)
      sum += batch->column(0)->values<int64_t>()[i];
  }
  EXPECT_EQ(rows, 10000);
  EXPECT_EQ(sum, 2 * (9999LL * 10000 / 2));
  EXPECT_GT(batches, 1) << "a scan of 20,000 rows arrives in several batches";
}

TEST(ApiTest, PreparedStatementsTakeQuestionMarksAndNumberedParameters) {
  auto conn = Database::Open()->Connect();
  conn->Execute("CREATE TABLE p(id INTEGER, name TEXT, score DOUBLE, data BLOB, ok BOOLEAN)");
  auto insert = conn->Prepare("INSERT INTO p VALUES (?, ?, ?, ?, ?)");
  EXPECT_EQ(insert.parameter_count(), 5);
  EXPECT_EQ(
      insert.Execute({1, "one", 1.5, Param::Blob(std::string("\0\1", 2)), true}).rows_changed(), 1);
  EXPECT_EQ(insert.Execute({2, "two", nullptr, Param(), false}).rows_changed(), 1);
  auto select = conn->Prepare("SELECT count(*) FROM p WHERE id = $1 OR name = $2");
  EXPECT_EQ(select.parameter_count(), 2);
  auto count = [&](const std::vector<Param>& values) {
    Result r = select.Execute(values);
    return r.Next()->column(0)->values<int64_t>()[0];
  };
  EXPECT_EQ(count({1, "nobody"}), 1);
  EXPECT_EQ(count({7, "two"}), 1);
  EXPECT_EQ(count({7, nullptr}), 0);
  // A parameter used twice, and inside a subquery.
  auto twice = conn->Prepare(
      "SELECT count(*) FROM p WHERE id >= $1 AND id IN (SELECT id FROM p WHERE id = $1)");
  Result r = twice.Execute({2});
  EXPECT_EQ(r.Next()->column(0)->values<int64_t>()[0], 1);
  EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM p WHERE score IS NULL AND data IS NULL"), 1);
}

TEST(ApiTest, MisuseGivesClearErrors) {
  auto conn = Database::Open()->Connect();
  conn->Execute("CREATE TABLE t(a INTEGER)");
  auto stmt = conn->Prepare("SELECT a FROM t WHERE a = ?");
  EXPECT_THROW(stmt.Bind(0, 1), Error);
  EXPECT_THROW(stmt.Bind(2, 1), Error);
  EXPECT_THROW(stmt.BindAll({1, 2}), Error);
  try {
    stmt.Execute();
    FAIL() << "an unbound parameter must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("parameter $1 has no value"), std::string::npos)
        << e.what();
  }
  try {
    conn->Execute("SELECT ?");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Prepare()"), std::string::npos) << e.what();
  }
  EXPECT_THROW(conn->Prepare("SELECT 1; SELECT 2"), Error);
  try {
    conn->Execute("SELECT nme FROM t");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBinder);
  }
  // Binding while a stream of the statement is open would change its rows.
  conn->Execute("INSERT INTO t VALUES (1)");
  stmt.Bind(1, 1);
  {
    Result open = stmt.Query();
    EXPECT_THROW(stmt.Bind(1, 2), Error);
  }
  stmt.Bind(1, 2);  // fine once the result is gone
  Result done = stmt.Query();
  done.Collect();
  stmt.Bind(1, 1);  // and once it was read to the end
  // The connection still works after every error above.
  EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM t"), 1);
}

TEST(ApiTest, RunHandsOutEachStatementsResultInOrder) {
  auto conn = Database::Open()->Connect();
  std::vector<int64_t> changed;
  std::vector<bool> rows;
  conn->Run("CREATE TABLE t(a INTEGER); INSERT INTO t VALUES (1), (2); SELECT * FROM t;",
            [&](Result& r) {
              changed.push_back(r.rows_changed());
              rows.push_back(r.has_rows());
            });
  EXPECT_EQ(changed, (std::vector<int64_t>{-1, 2, -1}));
  EXPECT_EQ(rows, (std::vector<bool>{false, false, true}));
  // The first failing statement stops the script.
  EXPECT_THROW(conn->Execute("INSERT INTO t VALUES (3); SELECT nope; INSERT INTO t VALUES (4)"),
               Error);
  EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM t"), 3);
}

TEST(ApiTest, InsertRunsAppendAtOnceButReportPerStatement) {
  auto conn = Database::Open()->Connect();
  conn->Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER)");
  std::vector<int64_t> changed;
  auto record = [&](Result& r) { changed.push_back(r.rows_changed()); };
  conn->Run(
      "INSERT INTO t VALUES (1, 'a', 1); INSERT INTO t VALUES (2, 'b', 2), (3, 'c', 3);"
      "INSERT INTO t(v, id) VALUES ('d', 4); INSERT INTO t SELECT 5, 'e', 5;",
      record);
  EXPECT_EQ(changed, (std::vector<int64_t>{1, 2, 1, 1}));
  EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM t"), 5);
  // Each failing statement fails alone: the ones before it are applied,
  // the ones after it do not run.
  const char* failing[] = {
      "INSERT INTO t VALUES (10, 'x', 1); INSERT INTO t VALUES (6, 'dup', 1), (6, 'dup', 2);"
      "INSERT INTO t VALUES (11, 'y', 1)",
      "INSERT INTO t VALUES (12, 'x', 1); INSERT INTO t VALUES (12, 'again', 1);"
      "INSERT INTO t VALUES (13, 'y', 1)",
      "INSERT INTO t VALUES (14, 'x', 1); INSERT INTO t VALUES (15, NULL, 1);"
      "INSERT INTO t VALUES (16, 'y', 1)",
      "INSERT INTO t VALUES (17, 'x', 1); INSERT INTO t VALUES (18, 'z', 'not a number');"
      "INSERT INTO t VALUES (19, 'y', 1)",
      "INSERT INTO t VALUES (20, 'x', 1); INSERT INTO t VALUES (1, 'exists', 1);"
      "INSERT INTO t VALUES (21, 'y', 1)"};
  const ErrorKind kinds[] = {ErrorKind::kConstraint, ErrorKind::kConstraint, ErrorKind::kConstraint,
                             ErrorKind::kConversion, ErrorKind::kConstraint};
  int64_t expected = 5;
  for (size_t k = 0; k < std::size(failing); ++k) {
    changed.clear();
    try {
      conn->Run(failing[k], record);
      ADD_FAILURE() << failing[k];
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), kinds[k]) << e.what();
    }
    EXPECT_EQ(changed, std::vector<int64_t>{1}) << failing[k];
    EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM t"), ++expected) << failing[k];
  }
  EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM t WHERE id IN (11, 13, 16, 19, 21)"), 0);
}

// Connections on different threads: statements and streaming reads
// interleave safely (one at a time) and none is lost.
TEST(ApiTest, ConnectionsWorkFromManyThreads) {
  auto db = Database::Open();
  db->Connect()->Execute("CREATE TABLE t(thread INTEGER, n INTEGER, PRIMARY KEY (thread, n))");
  constexpr int kThreads = 4, kRows = 150;
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      try {
        auto conn = db->Connect();
        auto insert = conn->Prepare("INSERT INTO t VALUES ($1, $2)");
        for (int n = 0; n < kRows; ++n) {
          insert.Execute({w, n});
          if (n % 25 == 0) {
            // A streaming read interleaved with the other threads' writes.
            int64_t seen = 0;
            for (const auto& batch :
                 conn->Query("SELECT n FROM t WHERE thread = " + std::to_string(w)))
              seen += batch->num_rows();
            if (seen != n + 1) ++errors;
          }
        }
        conn->Execute("BEGIN");
        conn->Execute("INSERT INTO t VALUES (" + std::to_string(w) + ", -1)");
        conn->Execute(w % 2 == 0 ? "COMMIT" : "ROLLBACK");
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(errors.load(), 0);
  auto conn = db->Connect();
  EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM t WHERE n >= 0"), kThreads * kRows);
  EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM t WHERE n = -1"), kThreads / 2);
}

TEST(ApiTest, FileDatabaseKeepsDataAcrossReopen) {
  testing::TempDir dir;
  const std::string path = dir.file("api.llkv").string();
  {
    auto conn = Database::Open(path)->Connect();
    conn->Execute("CREATE TABLE t(a INTEGER, b TEXT)");
    auto insert = conn->Prepare("INSERT INTO t VALUES ($1, $2)");
    for (int i = 0; i < 100; ++i)
      insert.Execute({i, "v" + std::to_string(i)});
  }
  auto conn = Database::Open(path)->Connect();
  EXPECT_EQ(Scalar(*conn, "SELECT sum(a) FROM t"), 4950);
  EXPECT_THROW(Database::Open(dir.file("missing/dir/x.llkv").string()), Error);
}

}  // namespace
}  // namespace llkv
