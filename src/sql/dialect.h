// Dialect preprocessing: rewrites the SQLite and DuckDB spellings that
// PostgreSQL's grammar does not accept into ones it does, before parsing.
//
//   `name`, [name]              -> "name"   (quoted identifiers)
//   INSERT OR REPLACE / IGNORE  -> INSERT, with the conflict action recorded
//   REPLACE INTO                -> INSERT INTO, action "replace"
//   x [NOT] IN ()               -> x [NOT] IN (SELECT NULL WHERE FALSE)
//   ?                           -> $1, $2, ... (numbered left to right)
//   FROM t ... (statement start)-> SELECT * FROM t ...   (DuckDB)
//   INSERT INTO t FROM s        -> INSERT INTO t SELECT * FROM s   (DuckDB)
//   ORDER BY ALL                -> ORDER BY 0, its offset recorded   (DuckDB)
//   (a, b,)                     -> (a, b )   (DuckDB's trailing comma)
//   GENERATED ... (e) VIRTUAL   -> ... (e) STORED   (generated columns are stored)
//   x [NOT] GLOB p              -> x #~# p, x !#~# p   (SQLite; bound to glob())
//   INTERVAL 3 DAYS             -> INTERVAL '3 days'   (DuckDB)
//   TRY_CAST(x AS t)            ->     CAST(x AS t), its offset recorded   (DuckDB)
//   * EXCLUDE (a, t.b) / EXCEPT -> *, "__llkv_star_exclude"(a, t.b)   (DuckDB)
//   * REPLACE (e AS a, ...)     -> *, "__llkv_star_replace"(e, a, ...)   (DuckDB)
//   ... QUALIFY cond [ORDER ...]-> ... WINDOW "__llkv_qualify" AS (PARTITION BY
//                                  (cond)) [ORDER ...]   (DuckDB; the parser
//                                  takes both back out of the select)
//   FROM (SELECT ...) [no alias]-> FROM (SELECT ...) AS unnamed_subquery[N]   (DuckDB)
//   LIMIT p % / LIMIT p PERCENT -> LIMIT "__llkv_percent"(p)   (DuckDB)
//   FROM VALUES (..), (..) [t]  -> FROM (VALUES (..), (..)) t|valueslist   (DuckDB)
//   SELECT name : e, FROM n : t -> SELECT e AS name, FROM t AS n   (DuckDB's prefix aliases)
//   DESCRIBE t | query, SHOW TABLES -> SELECT * FROM "__llkv_describe"('t') ... (sql/describe.cc)
//   PRAGMA name = value         -> SET name = value   (DuckDB)
//   t(c) USING KEY (k) AS (q)   -> t(c) AS (q), "__llkv_using_key" AS (SELECT k)   (DuckDB)
//   PRAGMA name                 -> SET "__llkv_pragma" = 'name'   (DuckDB)
//
// Rewrites never touch string literals, quoted identifiers or comments. The
// result maps every position back to the original text, so parse errors
// point at what the user wrote.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sql/ast.h"

namespace llkv::sql {

struct RewrittenSql {
  std::string text;
  // Conflict action of the INSERT that starts at a byte offset of `text`.
  std::map<size_t, ConflictAction> insert_actions;
  // Offsets of CREATE [TEMP] VIEW statements written with IF NOT EXISTS
  // (SQLite's and DuckDB's), which PostgreSQL's grammar lacks.
  std::set<size_t> view_if_not_exists;
  // Offsets of CREATE OR REPLACE [TEMP] TABLE statements (DuckDB's), whose
  // "OR REPLACE" PostgreSQL's grammar lacks for tables.
  std::set<size_t> table_or_replace;
  // Offsets of the 0 that stands for ALL in ORDER BY ALL.
  std::set<size_t> order_by_all;
  // Offsets of the 0 that stands for ALL in GROUP BY ALL.
  std::set<size_t> group_by_all;
  // Offsets of the CAST keyword that stands for DuckDB's TRY_CAST.
  std::set<size_t> try_casts;
  // DuckDB's STRUCT(...) and MAP(...) types as written ("STRUCT(a INT)"),
  // which the text names "__llkv_struct_<i>" (PostgreSQL would cut a longer
  // quoted name at 63 bytes).
  std::vector<std::string> struct_types;
  // Number of '?' placeholders numbered (each statement's from $1).
  int question_marks = 0;

  // Byte offset in the original text of byte `pos` of `text`.
  size_t OriginalOffset(size_t pos) const;

  // (rewritten offset, original offset) at each point where they diverge.
  std::vector<std::pair<size_t, size_t>> anchors;
};

RewrittenSql RewriteDialect(std::string_view sql);

// The quoted name that rewritten text gives STRUCT or MAP type `i`
// ("__llkv_struct_<i>").
std::string StructTypeName(size_t i);
// `text` with StructTypeName(j) replaced by to(j), for every j < count.
std::string ReplaceStructTypeNames(std::string text, size_t count,
                                   const std::function<std::string(size_t)>& to);

// 1-based line and column of byte `offset` of `text` (columns count UTF-8
// code points).
std::pair<int, int> LineAndColumn(std::string_view text, size_t offset);

}  // namespace llkv::sql
