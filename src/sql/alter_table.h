// ALTER TABLE: RENAME TO, RENAME COLUMN, ADD COLUMN, DROP COLUMN, ALTER
// COLUMN TYPE, SET/DROP DEFAULT, SET/DROP NOT NULL.
//
// Design note.
//   * An ALTER replaces the table: the new definition becomes a new table
//     (its CREATE TABLE text regenerated from the old one with the actions
//     applied), the rows the statement's snapshot sees are copied into it
//     (converted, defaulted), and the old table is dropped, all in the
//     statement's transaction. So ALTER is transactional like CREATE and
//     DROP: invisible to others until COMMIT, undone by ROLLBACK, and older
//     snapshots keep reading the old table until no one can see it.
//   * The copy is only right if it holds every row version that matters:
//     an ALTER fails with a TransactionContext conflict when the table has
//     versions written by a transaction its snapshot does not see (in
//     progress, or committed after it began); and once a table is dropped
//     or replaced by a transaction, writes to it from any other
//     transaction fail the same way (sql_engine.cc).
//   * Indexes are recreated on the new table (over the renamed columns);
//     triggers, which name their table, stay attached. What other objects
//     depend on is refused: dropping or renaming a column that a
//     constraint, an index or another table's foreign key uses, and
//     renaming a table that has triggers or is referenced.
#pragma once

#include <functional>

#include "runtime/database.h"
#include "sql/ast.h"
#include "sql/sql_engine.h"
#include "sql/table_rules.h"

namespace llkv::sql {

// `create_table` runs a CREATE TABLE statement in the running transaction.
StatementResult AlterTable(const AlterTableStatement& s, runtime::Database& db,
                           const RowWriter& writer,
                           const std::function<void(const CreateTableStatement&)>& create_table);

}  // namespace llkv::sql
