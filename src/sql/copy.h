// COPY between tables and delimited text files.
//
//   COPY t [(columns)] FROM 'file' [(options)]
//   COPY t [(columns)] | (query) TO 'file' [(options)]
//
// Options (DuckDB's and PostgreSQL's names): DELIMITER / DELIM / SEP (one
// character; default ','), HEADER [bool] (default false), QUOTE (default
// '"'), ESCAPE (default: the quote), NULL / NULLSTR (default: empty),
// FORMAT csv. Any other option, or a value of the wrong kind, is a Binder
// Error naming it.
//
// COPY FROM reads the whole file in one statement: it commits whole or not
// at all, so a failed COPY leaves nothing in the table. A line whose number
// of fields differs from the columns' is an error naming the file, line
// and counts, except one more, empty, field at the end (TPC-H's .tbl files
// end every line with the delimiter). A value that does not convert to
// its column's type is a Conversion Error naming the file, line, column and
// value. Rows go through the same checks, defaults, generated columns and
// triggers as INSERT.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "llkv/arrow/array.h"
#include "runtime/database.h"
#include "sql/ast.h"

namespace llkv::sql {

// Inserts `columns` (n rows each, of the types of table columns `targets`;
// the others take their defaults) as INSERT does; returns rows inserted.
using CopyInsert = std::function<int64_t(const std::shared_ptr<table::Table>& table,
                                         const std::vector<size_t>& targets,
                                         std::vector<arrow::ArrayDataPtr> columns, int64_t n)>;

// Runs `s`; returns the number of rows read or written.
int64_t Copy(const CopyStatement& s, runtime::Database& db, const CopyInsert& insert);

}  // namespace llkv::sql
