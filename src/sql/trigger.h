// Triggers: SQLite's CREATE TRIGGER / DROP TRIGGER, which PostgreSQL's
// grammar does not parse, and firing them row by row.
//
// Semantics (SQLite's): FOR EACH ROW triggers, BEFORE or AFTER an INSERT,
// UPDATE [OF columns] or DELETE on a table, with an optional WHEN
// condition; NEW.x and OLD.x name the row's new and old values. A trigger
// does not fire itself again (SQLite's recursive_triggers=OFF), and
// triggers nest at most 32 deep. An error in a trigger fails the statement
// that fired it.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "execution/value.h"
#include "runtime/database.h"
#include "sql/ast.h"

namespace llkv::sql {

// If the statement starting at byte `start` of `sql` is CREATE [TEMP]
// TRIGGER or DROP TRIGGER, parses it into `out` and returns the offset just
// past it (past its ';' if present); otherwise returns nullopt. Throws
// Parser Error with line and column for a malformed trigger statement.
std::optional<size_t> ParseTriggerStatement(std::string_view sql, size_t start, StatementPtr* out);

// Finds the trigger statements of a script: parses each into `out` and
// returns their byte ranges [begin, end), in order. Other statements are
// left for the PostgreSQL parser.
std::vector<std::pair<size_t, size_t>> FindTriggerStatements(std::string_view sql,
                                                             std::vector<StatementPtr>* out);

// Runs the triggers of `table` for `event` at `timing` for one row: `old_row`
// (UPDATE, DELETE) and `new_row` (INSERT, UPDATE) hold its values in table
// column order; `set_columns` are the columns an UPDATE assigns.
void FireTriggers(runtime::Database& db, const table::Table& table, TriggerEvent event,
                  TriggerTiming timing, const std::vector<execution::Value>* old_row,
                  const std::vector<execution::Value>* new_row,
                  const std::vector<size_t>& set_columns);

// Whether `table` has triggers for `event`.
bool HasTriggers(runtime::Database& db, const table::Table& table, TriggerEvent event);

}  // namespace llkv::sql
