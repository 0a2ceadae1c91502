// The SQL front end: dialect rewriting, parsing into LLKV's AST, error
// positions, and every statement of SQLite's sqllogictest corpus.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "llkv/common/error.h"
#include "sql/dialect.h"
#include "sql/parser.h"

namespace llkv::sql {
namespace {

std::string Roundtrip(std::string_view sql) {
  auto stmts = ParseSql(sql);
  EXPECT_EQ(stmts.size(), 1u);
  EXPECT_EQ(stmts[0]->kind, StatementKind::kSelect);
  return static_cast<SelectStatement&>(*stmts[0]).query->ToString();
}

std::string ErrorOf(std::string_view sql) {
  try {
    ParseSql(sql);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(DialectTest, RewritesOnlyOutsideLiteralsAndComments) {
  auto r = RewriteDialect("SELECT `a`, [b c], '[x] `y` ?', \"[z]\" FROM t -- [c] ?\nWHERE x = ?");
  EXPECT_EQ(r.text, "SELECT \"a\", \"b c\", '[x] `y` ?', \"[z]\" FROM t -- [c] ?\nWHERE x = $1");
  EXPECT_EQ(r.question_marks, 1);
  auto arrays = RewriteDialect("SELECT ARRAY[1, 2], x[1], [1, 2] FROM t");
  // DuckDB's list literal is PostgreSQL's ARRAY[...]; a subscripted call,
  // literal or list is parenthesized; a struct literal is struct_pack.
  EXPECT_EQ(arrays.text, "SELECT ARRAY[1, 2], x[1], ARRAY[1, 2] FROM t");
  EXPECT_EQ(RewriteDialect("SELECT f(x)[1], 'ab'[1], [[1]][1][1], [NULL], CAST(x AS INT[])").text,
            "SELECT (f(x))[1], ('ab')[1], (ARRAY[ARRAY[1]])[1][1], ARRAY[NULL], CAST(x AS INT[])");
  EXPECT_EQ(RewriteDialect("SELECT {'a': 1, \"b c\": {x: 2}}.a").text,
            "SELECT (struct_pack(\"a\" := 1, \"b c\" := struct_pack(\"x\" := 2))).a");
  auto in = RewriteDialect("SELECT 1 IN (), 2 NOT IN ( ), 'IN ()'");
  EXPECT_EQ(in.text,
            "SELECT 1 IN (SELECT NULL WHERE FALSE), 2 NOT IN (SELECT NULL WHERE FALSE), 'IN ()'");
  // Positions after a rewrite map back to the original text.
  const size_t at = in.text.find("2 NOT");
  EXPECT_EQ(in.OriginalOffset(at), std::string_view("SELECT 1 IN (), 2 NOT").find("2 NOT"));
}

TEST(ParserTest, SelectShapes) {
  EXPECT_EQ(Roundtrip("select a, b+1 as c from t where a > 1 and not b is null order by 2 desc "
                      "limit 3 offset 4"),
            "SELECT a, (b + 1) AS c FROM t WHERE ((a > 1) AND (NOT (b IS NULL)))"
            " ORDER BY 2 DESC LIMIT 3 OFFSET 4");
  EXPECT_EQ(Roundtrip("SELECT DISTINCT x FROM a, b AS bb JOIN c ON bb.id = c.id LEFT JOIN d "
                      "USING (k) CROSS JOIN e"),
            "SELECT DISTINCT x FROM a, (((b AS bb JOIN c ON (bb.id = c.id)) LEFT JOIN d USING "
            "(k)) CROSS JOIN e)");
  EXPECT_EQ(Roundtrip("SELECT count(*), sum(DISTINCT x), CASE WHEN a THEN 1 ELSE 2 END, "
                      "CASE y WHEN 1 THEN 'a' END FROM t GROUP BY 1 HAVING count(*) > 1"),
            "SELECT count(*), sum(DISTINCT x), CASE WHEN a THEN 1 ELSE 2 END, CASE y WHEN 1 "
            "THEN 'a' END FROM t GROUP BY 1 HAVING (count(*) > 1)");
  EXPECT_EQ(Roundtrip("SELECT x FROM t WHERE x IN (1, 2) AND y NOT IN (SELECT y FROM u) AND "
                      "EXISTS (SELECT 1) AND z NOT BETWEEN 1 AND 2 AND w NOT LIKE 'a%'"),
            "SELECT x FROM t WHERE (((((x IN (1, 2)) AND (NOT (y IN (SELECT y FROM u)))) AND "
            "EXISTS (SELECT 1)) AND (z NOT BETWEEN 1 AND 2)) AND (w NOT LIKE 'a%'))");
  EXPECT_EQ(Roundtrip("SELECT 1 UNION ALL SELECT 2 EXCEPT SELECT 3 ORDER BY 1"),
            "((SELECT 1) UNION ALL (SELECT 2)) EXCEPT (SELECT 3) ORDER BY 1");
  EXPECT_EQ(Roundtrip("SELECT CAST(a AS DECIMAL(10,2)), a::integer, -5, 1.5, 9223372036854775807, "
                      "99999999999999999999, NULL, TRUE, coalesce(a, b), nullif(a, 1)"),
            "SELECT CAST(a AS decimal(10, 2)), CAST(a AS integer), -5, 1.5, 9223372036854775807, "
            "99999999999999999999, NULL, TRUE, COALESCE(a, b), NULLIF(a, 1)");
  EXPECT_EQ(Roundtrip("WITH c(x) AS (SELECT 1) SELECT * FROM c, (VALUES (1, 'a')) v(a, b)"),
            "WITH c(x) AS (SELECT 1) SELECT * FROM c, (VALUES (1, 'a')) AS v(a, b)");
  EXPECT_EQ(Roundtrip("SELECT t.*, x FROM t WHERE x > ALL (SELECT 1) ORDER BY x NULLS FIRST"),
            "SELECT t.*, x FROM t WHERE (x > ALL (SELECT 1)) ORDER BY x NULLS FIRST");
}

TEST(ParserTest, StatementsAndDialect) {
  auto stmts = ParseSql(
      "CREATE TABLE t1(a INTEGER PRIMARY KEY, b VARCHAR(30) NOT NULL DEFAULT 'x', c DECIMAL(5,2), "
      "UNIQUE (b, c), CHECK (a > 0));\n"
      "INSERT OR REPLACE INTO t1 VALUES (1, 'a', 1.5), (2, 'b', NULL);\n"
      "  REPLACE INTO t1(a, b) SELECT a + 1, b FROM t1;\n"
      "INSERT OR IGNORE INTO t1 VALUES (?, ?, ?);\n"
      "INSERT INTO t1 VALUES (1, 'x', 2) ON CONFLICT (a) DO UPDATE SET b = excluded.b;\n"
      "UPDATE t1 SET b = 'z' WHERE a IN (SELECT a FROM t1);\n"
      "DELETE FROM t1 WHERE a = $1;\n"
      "CREATE UNIQUE INDEX IF NOT EXISTS i1 ON t1(b DESC, c);\n"
      "CREATE VIEW v1 AS SELECT * FROM t1;\n"
      "DROP TABLE IF EXISTS t1, t2;\n"
      "BEGIN; COMMIT; ROLLBACK; REINDEX i1; EXPLAIN SELECT 1;");
  ASSERT_EQ(stmts.size(), 15u);
  auto& create = static_cast<CreateTableStatement&>(*stmts[0]);
  ASSERT_EQ(create.columns.size(), 3u);
  EXPECT_TRUE(create.columns[0].primary_key);
  EXPECT_EQ(create.columns[1].type.ToString(), "varchar(30)");
  EXPECT_TRUE(create.columns[1].not_null);
  EXPECT_EQ(create.columns[1].default_value->ToString(), "'x'");
  EXPECT_EQ(create.columns[2].type.ToString(), "decimal(5, 2)");
  ASSERT_EQ(create.constraints.size(), 2u);
  EXPECT_EQ(create.constraints[0].columns, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(static_cast<InsertStatement&>(*stmts[1]).on_conflict, ConflictAction::kReplace);
  EXPECT_EQ(static_cast<InsertStatement&>(*stmts[1]).source->values.size(), 2u);
  auto& replace = static_cast<InsertStatement&>(*stmts[2]);
  EXPECT_EQ(replace.on_conflict, ConflictAction::kReplace);
  EXPECT_EQ(replace.columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(replace.text, "INSERT  INTO t1(a, b) SELECT a + 1, b FROM t1");
  auto& ignore = static_cast<InsertStatement&>(*stmts[3]);
  EXPECT_EQ(ignore.on_conflict, ConflictAction::kNothing);
  EXPECT_EQ(ignore.parameter_count, 3);
  auto& upsert = static_cast<InsertStatement&>(*stmts[4]);
  EXPECT_EQ(upsert.on_conflict, ConflictAction::kUpdate);
  EXPECT_EQ(upsert.conflict_columns, (std::vector<std::string>{"a"}));
  EXPECT_EQ(upsert.conflict_set[0].value->ToString(), "excluded.b");
  EXPECT_EQ(stmts[5]->kind, StatementKind::kUpdate);
  EXPECT_EQ(stmts[6]->parameter_count, 1);
  auto& index = static_cast<CreateIndexStatement&>(*stmts[7]);
  EXPECT_TRUE(index.unique && index.if_not_exists);
  EXPECT_TRUE(index.keys[0].descending);
  EXPECT_EQ(stmts[8]->kind, StatementKind::kCreateView);
  auto& drop = static_cast<DropStatement&>(*stmts[9]);
  EXPECT_TRUE(drop.if_exists);
  EXPECT_EQ(drop.names.size(), 2u);
  EXPECT_EQ(static_cast<TransactionStatement&>(*stmts[11]).op, TransactionOp::kCommit);
  EXPECT_EQ(stmts[13]->kind, StatementKind::kReindex);
  EXPECT_EQ(static_cast<ExplainStatement&>(*stmts[14]).inner->kind, StatementKind::kSelect);
}

TEST(ParserTest, ErrorsNameTheTokenAndPlace) {
  EXPECT_EQ(ErrorOf("SELECT a,\n  WHERE t"),
            "Parser Error: syntax error at or near \"WHERE\" (line 2, column 3)");
  EXPECT_EQ(ErrorOf("SELECT 'unterminated"),
            "Parser Error: unterminated quoted string at or near \"'unterminated\" (line 1, "
            "column 8)");
  // After a length-changing rewrite the column is still the user's.
  EXPECT_EQ(ErrorOf("SELECT ? FROM WHERE"),
            "Parser Error: syntax error at or near \"WHERE\" (line 1, column 15)");
  EXPECT_NE(ErrorOf("SELECT x FROM t FOR UPDATE").find("Not implemented Error"), std::string::npos);
  EXPECT_TRUE(ParseSql("").empty());
  EXPECT_TRUE(ParseSql("  ;  -- nothing\n").empty());
}

// Deep nesting: a chain of a few hundred terms parses (protobuf's default
// limit of 100 levels refused it); a chain far deeper is a clean error, not
// a stack overflow.
TEST(ParserTest, DeeplyNestedExpressions) {
  auto chain = [](int n) {
    std::string sql = "SELECT 1";
    for (int i = 1; i < n; ++i)
      sql += " + 1";
    return sql;
  };
  EXPECT_EQ(ParseSql(chain(500)).size(), 1u);
  EXPECT_NE(ErrorOf(chain(20000)).find("nests too deeply"), std::string::npos);
}

// Every SQL record of SQLite's sqllogictest subset parses (or, for
// `statement error` records, fails cleanly).
TEST(ParserTest, ParsesTheSqliteCorpus) {
#if defined(__SANITIZE_ADDRESS__)
  // The release build parses the corpus (here and in scripts/corpus.sh);
  // under the sanitizers it would take minutes of CI for the same check.
  GTEST_SKIP() << "SKIPPED under AddressSanitizer: the release build runs it";
#endif
  const std::filesystem::path root =
      std::filesystem::path(LLKV_SOURCE_DIR) / ".." / "shared" / "slt" / "sqlite";
  if (!std::filesystem::exists(root)) {
    GTEST_SKIP() << "SKIPPED: ../shared/slt/sqlite is absent";
  }
  int64_t parsed = 0, failed = 0, triggers = 0;
  std::vector<std::string> failures;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".test") continue;
    std::ifstream in(entry.path());
    std::string line;
    int line_no = 0;
    auto next = [&] {
      if (!std::getline(in, line)) return false;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();  // the corpus has CRLF files
      return true;
    };
    bool skip = false;  // a skipif/onlyif condition excludes the next record
    while (next()) {
      if (line.rfind("skipif ", 0) == 0) {
        skip = skip || line.substr(7, 6) == "sqlite";
        continue;
      }
      if (line.rfind("onlyif ", 0) == 0) {
        skip = skip || line.substr(7, 6) != "sqlite";
        continue;
      }
      const bool skipped = skip;
      skip = false;
      const bool ok = line.rfind("statement ok", 0) == 0 || line.rfind("query", 0) == 0;
      if (!ok && line.rfind("statement error", 0) != 0) continue;
      const int start = line_no + 1;
      std::string sql;
      while (next()) {
        if (line.empty() || line == "----") break;
        sql += line + "\n";
      }
      if (skipped) continue;
      // SQLite's triggers (CREATE TRIGGER ... BEGIN ... END) are beyond
      // PostgreSQL's grammar; LLKV does not parse them yet.
      if (sql.find("TRIGGER") != std::string::npos) {
        ++triggers;
        continue;
      }
      try {
        ParseSql(sql);
        ++parsed;
      } catch (const Error& e) {
        if (!ok) continue;  // statement error: may well be a syntax error
        ++failed;
        if (failures.size() < 10) {
          failures.push_back(entry.path().filename().string() + ":" + std::to_string(start) + ": " +
                             e.what() + "\n" + sql);
        }
      }
    }
  }
  std::printf(
      "parsed %lld records of the SQLite corpus, %lld failed, %lld trigger statements "
      "not attempted\n",
      static_cast<long long>(parsed), static_cast<long long>(failed),
      static_cast<long long>(triggers));
  for (const auto& f : failures)
    ADD_FAILURE() << f;
  EXPECT_GT(parsed, 100000);
}

}  // namespace
}  // namespace llkv::sql
