// The sqllogictest runner: executes parsed records against a database and
// compares results the way SQLite's and DuckDB's runners do.
//
// Result values are rendered by the query's type letters (SQLite's rules):
// NULL as "NULL", empty strings as "(empty)", I as a 64-bit integer
// (reals truncate), R with three decimals, T as text with control
// characters shown as '@'. Expected results may be one value per line
// (SQLite) or one row per line with tab-separated values (DuckDB); rowsort
// and valuesort sort the rendered values before comparing; "N values
// hashing to H" compares the MD5 of every value followed by a newline.
// Records carrying a label must all hash alike.
//
// The runner answers to the database names "llkv", "sqlite" and "duckdb"
// in skipif/onlyif conditions.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "interface/slt_parser.h"
#include "llkv/arrow/record_batch.h"

namespace llkv::slt {

struct QueryResult {
  arrow::SchemaPtr schema;  // null for statements without a result
  std::vector<arrow::RecordBatchPtr> batches;
  // Rows an INSERT, UPDATE or DELETE changed (-1 for other statements): a
  // `query` record on such a statement expects this count as its one row
  // (DuckDB's convention).
  int64_t rows_changed = -1;
};

// One session on the database under test.
class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one SQL statement (the record's text). Throws llkv::Error on any
  // failure; its what() is matched against expected error messages.
  virtual QueryResult Execute(const std::string& sql) = 0;
};

// A fresh database per file; connections by name within it.
class Database {
 public:
  virtual ~Database() = default;
  virtual std::unique_ptr<Connection> Connect() = 0;
};

using DatabaseFactory = std::function<std::unique_ptr<Database>()>;

struct Failure {
  int line = 0;
  std::string sql;
  std::string message;  // expected vs actual, or the unexpected error
};

struct FileOutcome {
  std::string path;
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t skipped = 0;
  std::vector<Failure> failures;
  std::string skip_reason;  // set when the file stopped early (require, ...)
};

struct RunOptions {
  // Stop a file at its first failure (useful while debugging).
  bool stop_at_first_failure = false;
};

// Runs the file at `path` in a database from `factory`. Never throws for
// what the database does; a file that cannot be read or parsed is reported
// as one failure.
FileOutcome RunFile(const std::string& path, const DatabaseFactory& factory,
                    const RunOptions& options = {});

// Renders one result value by its type letter, as described above.
std::string RenderValue(const arrow::ArrayData& column, int64_t row, char type);

}  // namespace llkv::slt
