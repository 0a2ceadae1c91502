// INSERT ... ON CONFLICT (target) DO UPDATE SET ... [WHERE ...].
//
// Rows are taken in order, as SQLite does: a row whose key on the target
// index matches a live row updates that row instead (SET expressions see
// its columns by name and the proposed row as `excluded.<column>`; when
// WHERE is not true the row is left alone); any other row is inserted. A
// later row of the same statement sees the effect of earlier ones, so two
// proposed rows with one key update the row twice. Updated versions pass
// the same checks as UPDATE (uniqueness, CHECK, foreign keys and their
// actions).
#pragma once

#include <memory>

#include "llkv/arrow/record_batch.h"
#include "runtime/database.h"
#include "sql/ast.h"
#include "sql/table_rules.h"

namespace llkv::sql {

// Returns the number of rows inserted or updated.
int64_t Upsert(runtime::Database& db, const std::shared_ptr<table::Table>& t,
               const arrow::RecordBatch& rows, const InsertStatement& s,
               const runtime::Database::Index& target, const RowWriter& writer);

}  // namespace llkv::sql
