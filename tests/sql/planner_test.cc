// Planner choices: index access paths (which predicates an index answers,
// that the answer is the matching live rows, that the key encoding keeps
// SQL order) and decorrelated subqueries.
#include <gtest/gtest.h>

#include <random>

#include "execution/subquery.h"
#include "llkv/storage/instrumented_pager.h"
#include "llkv/storage/mem_pager.h"
#include "runtime/ordered_index.h"
#include "sql/access_path.h"
#include "sql/sql_engine.h"

namespace llkv::sql {
namespace {

using execution::ExprOp;
using execution::Value;

int64_t Rows(execution::Operator& op) {
  int64_t n = 0;
  while (auto b = op.Next())
    n += b->num_rows();
  return n;
}

TEST(AccessPathTest, EqualityUsesAnIndexRangesOnlyWhenSelective) {
  auto db = runtime::Database::Open(":memory:");
  SqlEngine engine(db);
  engine.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT)");
  std::string insert = "INSERT INTO t VALUES ";
  for (int i = 0; i < 1000; ++i)
    insert += (i ? ", (" : "(") + std::to_string(i) + ", " + std::to_string(i % 10) + ", 'x')";
  engine.Execute(insert);
  auto t = db->FindTable("t");
  const std::vector<size_t> all = {0, 1, 2};
  // id = 42 through the primary key.
  auto scan = ChooseIndexScan(*db, t, all, false, {{0, ExprOp::kEqual, {Value::Int64(42)}}});
  ASSERT_NE(scan, nullptr);
  EXPECT_EQ(Rows(*scan), 1);
  // No index on k: a full scan.
  EXPECT_EQ(ChooseIndexScan(*db, t, all, false, {{1, ExprOp::kEqual, {Value::Int64(3)}}}), nullptr);
  // A narrow range pays, a wide one does not.
  scan = ChooseIndexScan(
      *db, t, all, false,
      {{0, ExprOp::kGreaterEqual, {Value::Int64(10)}}, {0, ExprOp::kLess, {Value::Int64(20)}}});
  ASSERT_NE(scan, nullptr);
  EXPECT_EQ(Rows(*scan), 10);
  EXPECT_EQ(ChooseIndexScan(*db, t, all, false, {{0, ExprOp::kGreater, {Value::Int64(10)}}}),
            nullptr);
  // Deleted rows leave the index.
  engine.Execute("DELETE FROM t WHERE id < 15");
  scan = ChooseIndexScan(
      *db, t, all, false,
      {{0, ExprOp::kGreaterEqual, {Value::Int64(10)}}, {0, ExprOp::kLess, {Value::Int64(20)}}});
  ASSERT_NE(scan, nullptr);
  EXPECT_EQ(Rows(*scan), 5);
}

TEST(AccessPathTest, KeyEncodingKeepsSqlOrder) {
  std::mt19937_64 rng(7);
  auto check = [](const std::vector<Value>& values) {
    for (const auto& a : values) {
      for (const auto& b : values) {
        std::string x, y;
        runtime::OrderedIndex::EncodeValue(a, &x);
        runtime::OrderedIndex::EncodeValue(b, &y);
        const int c = execution::CompareValues(a, b);
        EXPECT_EQ(c < 0, x < y) << a.ToString() << " vs " << b.ToString();
        EXPECT_EQ(c == 0, x == y) << a.ToString() << " vs " << b.ToString();
      }
    }
  };
  std::vector<Value> ints = {Value::Int64(INT64_MIN), Value::Int64(-1), Value::Int64(0),
                             Value::Int64(1), Value::Int64(INT64_MAX)};
  std::vector<Value> doubles = {Value::Double(-1e300), Value::Double(-1.5), Value::Double(0.0),
                                Value::Double(1e-300), Value::Double(2.5),  Value::Double(1e300)};
  std::vector<Value> texts = {Value::String(""),  Value::String(std::string("a\0b", 3)),
                              Value::String("a"), Value::String("ab"),
                              Value::String("b"), Value::String("\xff")};
  for (int i = 0; i < 50; ++i) {
    ints.push_back(Value::Int64(static_cast<int64_t>(rng())));
    doubles.push_back(Value::Double(static_cast<double>(static_cast<int64_t>(rng())) / 1e6));
  }
  check(ints);
  check(doubles);
  check(texts);
}

// A correlated subquery whose outer references are `inner = outer` keys
// (an EXISTS also other comparisons beside such keys) runs once,
// not once per outer key; one that reads an outer column elsewhere still
// runs per key.
TEST(DecorrelationTest, EqualityCorrelatedSubqueriesRunOnce) {
  auto db = runtime::Database::Open(":memory:");
  SqlEngine engine(db);
  engine.Execute("CREATE TABLE o(k INTEGER); CREATE TABLE i(k INTEGER, v INTEGER)");
  std::string rows;
  for (int n = 0; n < 500; ++n)
    rows += (n ? ", (" : "(") + std::to_string(n) + ")";
  engine.Execute("INSERT INTO o VALUES " + rows);
  engine.Execute("INSERT INTO i SELECT k, k * 2 FROM o WHERE k % 2 = 0");
  auto count = [&](const std::string& sql) {
    auto r = engine.Execute(sql);
    return r.back().batches.at(0)->column(0)->values<int64_t>()[0];
  };
  uint64_t before = execution::SubqueryRuns();
  EXPECT_EQ(count("SELECT count(*) FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.k = o.k)"), 250);
  EXPECT_EQ(execution::SubqueryRuns() - before, 1u);
  before = execution::SubqueryRuns();
  EXPECT_EQ(count("SELECT count(*) FROM o WHERE (SELECT v FROM i WHERE i.k = o.k) = o.k * 2"), 250);
  EXPECT_EQ(execution::SubqueryRuns() - before, 1u);
  // An aggregate: once grouped by key, once over no rows for missing keys.
  before = execution::SubqueryRuns();
  EXPECT_EQ(count("SELECT count(*) FROM o WHERE (SELECT count(*) FROM i WHERE i.k = o.k) = 0"),
            250);
  EXPECT_EQ(execution::SubqueryRuns() - before, 2u);
  before = execution::SubqueryRuns();
  EXPECT_EQ(count("SELECT count(*) FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.k = o.k AND "
                  "i.v > o.k)"),
            249);
  // ... with another correlated comparison checked among each key's rows.
  EXPECT_EQ(execution::SubqueryRuns() - before, 1u);
  // Without an equality the subquery runs per distinct outer value.
  before = execution::SubqueryRuns();
  EXPECT_EQ(count("SELECT count(*) FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.v > o.k)"), 500);
  EXPECT_EQ(execution::SubqueryRuns() - before, 500u);
}

// A query reads only the columns it names (projection pushdown) and skips
// chunks a comparison with a constant rules out (min/max pruning).
TEST(ScanTest, ReadsOnlyNamedColumnsAndPrunesChunks) {
  auto pager = std::make_shared<storage::InstrumentedPager>(std::make_shared<storage::MemPager>());
  auto db = runtime::Database::Open("instrumented", pager);
  SqlEngine engine(db);
  engine.Execute("CREATE TABLE t(a INTEGER, padding TEXT)");
  std::string rows;
  for (int n = 0; n < 20000; ++n) {
    rows += (n ? ", (" : "(") + std::to_string(n) + ", '" + std::string(100, 'x') + "')";
  }
  engine.Execute("INSERT INTO t VALUES " + rows);
  auto bytes_read = [&](const std::string& sql, int64_t expected) {
    const uint64_t before = pager->totals().bytes_read;
    auto r = engine.Execute(sql);
    EXPECT_EQ(r.back().batches.at(0)->column(0)->values<int64_t>()[0], expected) << sql;
    return pager->totals().bytes_read - before;
  };
  const uint64_t all = bytes_read("SELECT count(padding) FROM t", 20000);
  const uint64_t one = bytes_read("SELECT sum(a) FROM t", 20000LL * 19999 / 2);
  EXPECT_LT(one * 3, all) << "the text column must not be read";
  // 500,000 ascending keys span several 1 MiB chunks.
  engine.Execute("CREATE TABLE d(x INTEGER); CREATE TABLE big(k INTEGER)");
  rows.clear();
  for (int n = 0; n < 25; ++n)
    rows += (n ? ", (" : "(") + std::to_string(n) + ")";
  engine.Execute("INSERT INTO d VALUES " + rows);
  engine.Execute("INSERT INTO big SELECT a * 25 + x FROM t, d ORDER BY 1");
  const uint64_t full = bytes_read("SELECT count(*) FROM big WHERE k + 0 = 123456", 1);
  const uint64_t pruned = bytes_read("SELECT count(*) FROM big WHERE k = 123456", 1);
  EXPECT_LT(pruned * 2, full) << "chunks without 123456 must be skipped";
}

}  // namespace
}  // namespace llkv::sql
