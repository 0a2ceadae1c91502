// The sqllogictest file format: SQLite's original records plus the
// extensions DuckDB's test files use.
//
//   statement ok|error|maybe [CONNECTION]     SQL lines; for error, an
//                                             optional "----" and the
//                                             expected message (a substring,
//                                             or <REGEX>:pattern)
//   query TYPES [SORTMODE] [LABEL] [CONN]     SQL lines, "----", results
//                                             (one value per line, rows of
//                                             tab-separated values, or
//                                             "N values hashing to MD5")
//   hash-threshold N, halt, skipif DB, onlyif DB
//   require EXT, mode skip|unskip|output_result, loop VAR A B,
//   foreach VAR V1 V2 ..., endloop, load PATH, restart, set/reset ...
//
// Parsing keeps every record with its line number; the runner decides what
// to execute and what to skip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llkv::slt {

enum class RecordKind {
  kStatement,
  kQuery,
  kHashThreshold,
  kHalt,
  kRequire,
  kMode,
  kLoop,  // loop VAR START END, or foreach VAR VALUES...
  kEndLoop,
  kLoad,
  kRestart,
  kUnsupported,  // a command LLKV's runner does not know: skipped with a reason
};

enum class Expectation { kOk, kError, kMaybe };
enum class SortMode { kNoSort, kRowSort, kValueSort };

struct Condition {
  bool only = false;  // onlyif (true) or skipif (false)
  std::string database;
};

struct Record {
  RecordKind kind = RecordKind::kStatement;
  int line = 0;  // 1-based line of the record's command
  std::vector<Condition> conditions;

  std::string sql;
  std::string connection;  // empty: the default connection

  // statement
  Expectation expect = Expectation::kOk;
  std::string expected_error;  // empty: any error

  // query
  std::string types;  // one letter per column: I, R, T (others as T)
  SortMode sort = SortMode::kNoSort;
  std::string label;
  std::vector<std::string> expected;  // the result lines as written
  bool expected_is_hash = false;
  int64_t hash_count = 0;
  std::string hash;

  // hash-threshold N; require/mode/load argument; unsupported: the command
  std::string argument;
  int64_t number = 0;

  // loops
  std::string loop_variable;
  std::vector<std::string> loop_values;  // foreach values, or the numbers of loop A B
};

// Parses a whole file. Throws llkv::Error(kInvalidInput) naming `path` and
// the line of a malformed record (say, a query without a type string).
std::vector<Record> ParseSlt(const std::string& text, const std::string& path);

}  // namespace llkv::slt
