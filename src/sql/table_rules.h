// Table rules: CHECK and FOREIGN KEY constraints, enforced by the statements
// that write rows.
//
// Design note.
//   * A table's rules are read from its CREATE TABLE text (TableDef::
//     create_sql) and cached on the table object; they are bound against the
//     table's columns where they are checked.
//   * CHECK: a new row version fails when the expression is FALSE (NULL
//     passes, as in SQL).
//   * FOREIGN KEY (MATCH SIMPLE: a key with a NULL in it is not checked).
//     The referenced columns must carry a PRIMARY KEY or UNIQUE index; the
//     referencing columns get an index of their own at CREATE TABLE, so both
//     directions are index lookups, never table scans. A new child key must
//     exist in a parent row that is live for the writer (committed or its
//     own); a parent row another transaction is changing is a conflict.
//   * When parent rows are deleted, or updated so that a referenced key
//     changes, the referencing rows get the foreign key's action: NO ACTION
//     and RESTRICT fail, CASCADE deletes them (or updates their key), SET
//     NULL and SET DEFAULT set their key columns to NULL or to their
//     DEFAULT (NULL for a column without one).
//   * DEFAULT expressions may not reference columns or subqueries; they are
//     evaluated for each statement that needs them, cast to the column's
//     type.
//     Actions recurse through chains of foreign keys.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "llkv/arrow/record_batch.h"
#include "runtime/database.h"
#include "sql/ast.h"

namespace llkv::sql {

// How the statement running writes rows (sql_engine.cc): appends new
// versions and marks old ones deleted, within its transaction.
struct RowWriter {
  table::TxnId txn = 0;
  std::function<void(const std::shared_ptr<table::Table>&, const arrow::RecordBatch&)> append;
  std::function<void(const std::shared_ptr<table::Table>&, std::span<const uint64_t>)> remove;
};

// At CREATE TABLE, before the table exists: throws Binder/Catalog Error when
// a CHECK does not bind or a foreign key names a missing table or columns
// without a unique index. `def` has the new table's columns.
void ValidateRules(runtime::Database& db, const CreateTableStatement& s,
                   const table::TableDef& def);
// After the table exists: indexes for its foreign keys' columns.
void CreateForeignKeyIndexes(runtime::Database& db, const std::shared_ptr<table::Table>& t);

// Throws Constraint Error when `rows` (new versions of `t`, its columns in
// order) break a CHECK, or hold a foreign key that no parent row has.
// `skip_foreign_key_of` leaves out that referenced table's keys (rows a
// CASCADE rewrites to a key their parent is about to get).
void CheckNewRows(runtime::Database& db, const std::shared_ptr<table::Table>& t,
                  const arrow::RecordBatch& rows, table::TxnId writer);

// Before rows `ids` of `t` are deleted (`new_rows` null) or replaced by
// `new_rows` (aligned with `ids`, one batch): applies the actions of the
// foreign keys that reference `t` to the rows referencing a key that goes
// away. Throws Constraint Error for NO ACTION / RESTRICT.
void ApplyReferentialActions(runtime::Database& db, const std::shared_ptr<table::Table>& t,
                             std::span<const uint64_t> ids, const arrow::RecordBatch* new_rows,
                             const RowWriter& writer);

// Column DEFAULTs: the values of column `column` of `t` for `rows` new rows
// (its DEFAULT expression, evaluated per statement, or NULL without one).
arrow::ArrayDataPtr DefaultValues(runtime::Database& db, const table::Table& t, size_t column,
                                  int64_t rows);

// The canonical collation of column `column` of `t` ("" for BINARY), from
// its COLLATE clause (sql/collation.h).
std::string ColumnCollation(const table::Table& t, size_t column);

// Generated columns (GENERATED ALWAYS AS (expr), STORED or VIRTUAL: both
// are stored): computed from the other columns of the row whenever a row
// version is written; INSERT and UPDATE may not give them values.
bool IsGenerated(const table::Table& t, size_t column);
// `rows` (all of t's columns, in order) with its generated columns computed.
arrow::RecordBatchPtr ComputeGenerated(runtime::Database& db, const table::Table& t,
                                       arrow::RecordBatchPtr rows);

// A foreign key of another table (`child`) that references `t`.
struct Reference {
  std::string child;
  std::vector<std::string> parent_columns;  // empty: t's primary key
};
std::vector<Reference> ReferencesTo(runtime::Database& db, const table::Table& t);

// Throws Catalog Error if another table's foreign key references `t`.
void CheckNotReferenced(runtime::Database& db, const table::Table& t);

}  // namespace llkv::sql
