// RETURNING of INSERT, UPDATE and DELETE: the rows a statement wrote (new
// versions; for DELETE the deleted ones), projected through its RETURNING
// list as a SELECT list over the table's columns.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/database.h"
#include "sql/ast.h"
#include "sql/sql_engine.h"

namespace llkv::sql {

// The result of `items` over rows `row_ids` of `t` (addressed by the
// table's name or `alias`), with `rows_changed` kept.
StatementResult ReturningRows(const std::vector<SelectItem>& items,
                              const std::shared_ptr<table::Table>& t, const std::string& alias,
                              std::span<const uint64_t> row_ids, runtime::Database& db,
                              int64_t rows_changed);

}  // namespace llkv::sql
