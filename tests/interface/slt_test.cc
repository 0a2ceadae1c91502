// The sqllogictest parser and runner, against a scripted stand-in database
// (the runner's own logic: rendering, sorting, hashing, labels, conditions,
// loops, connections, error matching), plus MD5 test vectors and a parse of
// every shared .test file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/md5.h"
#include "interface/slt_runner.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"
#include "test_util.h"

namespace llkv::slt {
namespace {

std::string Md5Of(const std::string& s) {
  Md5 m;
  m.Update(s);
  return m.HexDigest();
}

TEST(Md5Test, Rfc1321Vectors) {
  EXPECT_EQ(Md5Of(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Of("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5Of("The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6");
  EXPECT_EQ(
      Md5Of("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
      "57edf4a22be3c955ac49da2e2107b67a");
  Md5 chunked;
  for (int i = 0; i < 1000; ++i)
    chunked.Update(std::string(1000, 'a'));
  EXPECT_EQ(chunked.HexDigest(), "7707d6ae4e027c70eea2a935c2296f21");
}

// A stand-in database: each connection answers from a script of SQL text ->
// result table (rows of optional strings, typed by a letter per column) or
// error message, and records what it ran.
struct Scripted {
  std::string types;  // per column: I (int64), R (double), T (utf8); empty: no result
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::string error;
};

class ScriptedConnection : public Connection {
 public:
  ScriptedConnection(const std::map<std::string, Scripted>* script, std::vector<std::string>* log,
                     std::string name)
      : script_(script), log_(log), name_(std::move(name)) {}
  QueryResult Execute(const std::string& sql) override {
    log_->push_back(name_ + ": " + sql);
    auto it = script_->find(sql);
    if (it == script_->end()) Fail(ErrorKind::kParser, "unknown statement <{}>", sql);
    const Scripted& s = it->second;
    if (!s.error.empty()) throw Error(ErrorKind::kConstraint, s.error);
    QueryResult out;
    if (s.types.empty()) return out;
    std::vector<arrow::FieldPtr> fields;
    std::vector<arrow::ArrayDataPtr> columns;
    for (size_t c = 0; c < s.types.size(); ++c) {
      const char t = s.types[c];
      auto type = t == 'I' ? arrow::int64() : t == 'R' ? arrow::float64() : arrow::utf8();
      auto b = arrow::MakeBuilder(type);
      for (const auto& row : s.rows) {
        if (!row[c]) {
          b->AppendNull();
        } else if (t == 'I') {
          static_cast<arrow::Int64Builder*>(b.get())->Append(std::stoll(*row[c]));
        } else if (t == 'R') {
          static_cast<arrow::DoubleBuilder*>(b.get())->Append(std::stod(*row[c]));
        } else {
          static_cast<arrow::StringBuilder*>(b.get())->Append(*row[c]);
        }
      }
      fields.push_back(arrow::field("c" + std::to_string(c), type));
      columns.push_back(b->Finish());
    }
    out.schema = std::make_shared<arrow::Schema>(fields);
    out.batches.push_back(
        arrow::RecordBatch::Make(out.schema, static_cast<int64_t>(s.rows.size()), columns));
    return out;
  }

 private:
  const std::map<std::string, Scripted>* script_;
  std::vector<std::string>* log_;
  std::string name_;
};

class ScriptedDatabase : public Database {
 public:
  ScriptedDatabase(const std::map<std::string, Scripted>* script, std::vector<std::string>* log)
      : script_(script), log_(log) {}
  std::unique_ptr<Connection> Connect() override {
    return std::make_unique<ScriptedConnection>(script_, log_, "c" + std::to_string(next_++));
  }

 private:
  const std::map<std::string, Scripted>* script_;
  std::vector<std::string>* log_;
  int next_ = 0;
};

class RunnerTest : public ::testing::Test {
 protected:
  FileOutcome Run(const std::string& text) {
    const auto path = dir_.file("t.test");
    std::ofstream(path) << text;
    return RunFile(path.string(),
                   [this] { return std::make_unique<ScriptedDatabase>(&script_, &log_); });
  }
  std::map<std::string, Scripted> script_;
  std::vector<std::string> log_;
  testing::TempDir dir_;
};

TEST_F(RunnerTest, StatementsQueriesAndRendering) {
  script_["CREATE TABLE t(a INTEGER)"] = {};
  script_["INSERT INTO t VALUES (1)"] = {
      "", {}, "Duplicate key \"a: 1\" violates primary key constraint"};
  script_["SELECT a, b, c FROM t"] = {
      "IRT", {{"3", "2.5", "x"}, {std::nullopt, "-1", ""}, {"1", "0.1234", "a\tb"}}, ""};
  script_["SELECT 1"] = {"I", {{"1"}}, ""};
  script_["SELECT 2"] = {"I", {{"2"}}, ""};
  const auto out =
      Run("statement ok\nCREATE TABLE t(a INTEGER)\n\n"
          "statement error\nINSERT INTO t VALUES (1)\n----\nviolates primary key\n\n"
          "statement error\nINSERT INTO t VALUES (1)\n----\n<REGEX>:Constraint Error.*key \"a: "
          "\\d\"\n\n"
          "query IRT nosort\nSELECT a, b, c FROM "
          "t\n----\n3\n2.500\nx\nNULL\n-1.000\n(empty)\n1\n0.123\na@b\n\n"
          "query IRT rowsort\nSELECT a, b, c FROM "
          "t\n----\n1\t0.123\ta@b\n3\t2.500\tx\nNULL\t-1.000\t(empty)\n\n"
          "query I valuesort label-1\nSELECT 1\n----\n1\n\n"
          "query I valuesort label-1\nSELECT 2\n----\n2\n\n"
          "query I\nSELECT 2\n----\n3\n");
  EXPECT_EQ(out.passed, 6);
  ASSERT_EQ(out.failed, 2) << (out.failures.empty() ? "" : out.failures[0].message);
  EXPECT_EQ(out.failures[0].line, 39);  // label-1 hashed differently at line 34
  EXPECT_NE(out.failures[0].message.find("labelled label-1"), std::string::npos);
  EXPECT_EQ(out.failures[1].line, 44);
  EXPECT_NE(out.failures[1].message.find("expected:\n  3\nactual:\n  2"), std::string::npos)
      << out.failures[1].message;
}

TEST_F(RunnerTest, HashesConditionsLoopsConnectionsAndStops) {
  script_["SELECT 1"] = {"I", {{"1"}}, ""};
  for (int i = 0; i < 3; ++i)
    script_["SELECT " + std::to_string(10 + i)] = {"I", {{std::to_string(10 + i)}}, ""};
  script_["SELECT 'x', 'y'"] = {"TT", {{"x", "y"}}, ""};
  const auto out =
      Run("hash-threshold 1\n\n"
          "query I nosort\nSELECT 1\n----\n1 values hashing to b026324c6904b2a9cb4b88d6d61c81d1\n\n"
          "skipif sqlite\nquery I nosort\nSELECT no\n----\n9\n\n"
          "onlyif mysql\nstatement ok\nnot sql at all\n\n"
          "onlyif llkv\nquery I nosort\nSELECT 1\n----\n1\n\n"
          "loop i 10 13\n\nquery I\nSELECT ${i}\n----\n{i}\n\nendloop\n\n"
          "foreach v x\n\nquery TT con2\nSELECT '${v}', 'y'\n----\nx\ty\n\nendloop\n\n"
          "mode skip\n\nstatement ok\nnonsense\n\nmode unskip\n\n"
          "statement error\nSELECT 1\n\n"
          "require json\n\nstatement ok\nSELECT 1\n");
  EXPECT_EQ(out.passed, 6);   // hash, onlyif llkv, three loop turns, foreach
  EXPECT_EQ(out.failed, 1);   // statement error that succeeded
  EXPECT_EQ(out.skipped, 4);  // skipif, onlyif mysql, mode skip, after require
  EXPECT_EQ(out.skip_reason, "requires json");
  // con2 got its own connection; the rest ran on the default one.
  EXPECT_NE(std::find(log_.begin(), log_.end(), "c1: SELECT 'x', 'y'"), log_.end());
  EXPECT_NE(std::find(log_.begin(), log_.end(), "c0: SELECT 12"), log_.end());
}

// DuckDB's files ("# name:" header) as DuckDB's runner reads them: any word
// after "statement ok" or the type letters names a connection, a comment
// line ends the SQL, values render as text whatever the letters, and a
// value that differs as text is compared as the column's type.
TEST_F(RunnerTest, DuckDbFiles) {
  script_["SELECT name, pop"] = {"TR", {{"Sacramento", "369400"}}, ""};
  script_["SELECT 7"] = {"I", {{"7"}}, ""};
  script_["SET default_null_order = 'nulls_last'"] = {"", {}, ""};
  const auto out =
      Run("# name: test/x.test\n\n"
          "statement ok old\nSELECT 7\n# a comment right after\n\n"
          "query II old\nSELECT name, pop\n----\nSacramento\t369400.0\n\n"
          "query II\nSELECT name, pop\n----\nSacramento\t380000.0\n\n"
          "query I\nSELECT 7\n----\n7.0\n\n"
          "query I\nSELECT 7\n----\n8\n");
  EXPECT_EQ(out.passed, 3);
  ASSERT_EQ(out.failed, 2);
  EXPECT_EQ(out.failures[0].line, 12);  // 380000 is more than 1% off
  EXPECT_EQ(out.failures[1].line, 22);
  // "old" got a connection of its own, used by both of its records.
  EXPECT_NE(std::find(log_.begin(), log_.end(), "c1: SELECT 7"), log_.end());
  EXPECT_NE(std::find(log_.begin(), log_.end(), "c1: SELECT name, pop"), log_.end());
  // Each connection starts with DuckDB's NULL order.
  EXPECT_NE(std::find(log_.begin(), log_.end(), "c1: SET default_null_order = 'nulls_last'"),
            log_.end());
}

// DuckDB's runner checks a labelled query against its label only (the
// values under it, usually none, are not compared, nor the column count),
// and drops empty fields when it splits rows on tabs.
TEST_F(RunnerTest, DuckDbLabelsAndEmptyFields) {
  script_["SELECT 1"] = {"I", {{"1"}}, ""};
  script_["SELECT 2"] = {"I", {{"2"}}, ""};
  script_["SELECT name, pop"] = {"TI", {{"Sacramento", "369400"}}, ""};
  script_["SET default_null_order = 'nulls_last'"] = {"", {}, ""};
  const auto out =
      Run("# name: test/y.test\n\n"
          "query I nosort lab\nSELECT 1\n----\n\n"
          "query II nosort lab\nSELECT 1\n----\n\n"
          "query I nosort lab\nSELECT 2\n----\n\n"
          "query II\nSELECT name, pop\n----\nSacramento\t\t369400\n");
  EXPECT_EQ(out.passed, 3);
  ASSERT_EQ(out.failed, 1);
  EXPECT_EQ(out.failures[0].line, 11);
  EXPECT_NE(out.failures[0].message.find("labelled lab"), std::string::npos);
}

// A hashed result is checked by its values' count and hash alone in
// DuckDB's files (DuckDB's runner checks no column count there); SQLite's
// files check the column count too.
TEST_F(RunnerTest, DuckDbHashedResultsSkipTheColumnCount) {
  script_["SELECT name, pop"] = {"TI", {{"Sacramento", "369400"}}, ""};
  script_["SET default_null_order = 'nulls_last'"] = {"", {}, ""};
  const std::string record =
      "query I nosort\nSELECT name, pop\n----\n"
      "2 values hashing to 9ded80b0b86e1a443588947af3a0f8c8\n";
  const auto duckdb = Run("# name: test/h.test\n\n" + record);
  EXPECT_EQ(duckdb.passed, 1);
  EXPECT_EQ(duckdb.failed, 0);
  const auto sqlite = Run(record);
  ASSERT_EQ(sqlite.failed, 1);
  EXPECT_NE(sqlite.failures[0].message.find("expected 1 columns"), std::string::npos)
      << sqlite.failures[0].message;
}

TEST_F(RunnerTest, MalformedFilesAreReportedNotFatal) {
  const auto out = Run("query\nSELECT 1\n");
  EXPECT_EQ(out.failed, 1);
  EXPECT_NE(out.failures[0].message.find("t.test:1"), std::string::npos) << out.failures[0].message;
  const auto missing = RunFile("/nonexistent/x.test", [this] {
    return std::make_unique<ScriptedDatabase>(&script_, &log_);
  });
  EXPECT_EQ(missing.failed, 1);
}

TEST(SltParserTest, ParsesEverySharedFile) {
  const auto root = std::filesystem::path(LLKV_SOURCE_DIR) / ".." / "shared" / "slt";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "SKIPPED: ../shared/slt is absent";
  int files = 0;
  int64_t records = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.path().extension() != ".test") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    try {
      records += static_cast<int64_t>(ParseSlt(text.str(), e.path().string()).size());
    } catch (const Error& err) {
      ADD_FAILURE() << err.what();
    }
    ++files;
  }
  std::printf("parsed %d sqllogictest files, %lld records\n", files,
              static_cast<long long>(records));
  EXPECT_GT(files, 800);
}

}  // namespace
}  // namespace llkv::slt
