// The planner: binds names and types in LLKV's AST against the catalog and
// builds physical operator trees.
#pragma once

#include "execution/operators.h"
#include "runtime/database.h"
#include "sql/ast.h"

namespace llkv::sql {

// The Arrow type of a SQL type name. Known names map as DuckDB does
// (INTEGER int32, BIGINT int64, DECIMAL(p,s) decimal128, VARCHAR utf8, ...;
// REAL and FLOAT are double precision, as in SQLite); other names take
// SQLite's affinity rules (a name containing INT is an integer, CHAR,
// CLOB or TEXT text, BLOB binary, REAL, FLOA or DOUB double, else double).
arrow::TypePtr TypeFromName(const TypeName& name);
// A SQL name of `type` that TypeFromName maps back to it.
TypeName NameOfType(const arrow::DataType& type);

// The snapshot that scans planned on this thread read with: the one a
// runtime::SnapshotScope installed (SqlEngine installs the statement's), or
// else a fresh snapshot of the committed state. Plans keep the snapshot
// they were built with, also when they run later or on another thread.
table::SnapshotPtr CurrentSnapshot(runtime::Database& db);
using runtime::SnapshotScope;

// Plans a query. Throws Binder/Catalog/NotImplemented errors naming the
// construct and, where known, its position.
execution::OperatorPtr PlanQuery(const SelectStmt& query, runtime::Database& db);

// The rows an UPDATE or DELETE changes: `rows` yields "row_id" then every
// column of the table for the live rows matching `where`; `values` holds,
// for each SET item, the new value bound over those batches (cast to the
// column's type) and `columns` the column it assigns. With `from` (UPDATE
// ... FROM, DELETE ... USING) the rows are joined with those tables first
// (their columns follow, for `where` and the values), and a table row that
// several joined rows match is changed once, with the first.
struct RowChangePlan {
  execution::OperatorPtr rows;
  std::vector<size_t> columns;
  std::vector<execution::BoundExprPtr> values;
};
RowChangePlan PlanRowChange(const std::shared_ptr<table::Table>& table, const std::string& alias,
                            const std::vector<SetItem>& set, const Expr* where,
                            runtime::Database& db, const std::vector<TableRefPtr>* from = nullptr);

}  // namespace llkv::sql
