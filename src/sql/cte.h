// Common table expressions: WITH [RECURSIVE] name [(columns)] AS (query).
//
// A WITH clause defines names that its query, that query's subqueries
// (also those planned later, once per outer row) and the CTEs after it in
// the clause can read; a CTE name hides a table of the same name. Views
// never see the CTEs of the query that reads them.
//
// Each CTE is planned at its first reference and computed at most once per
// statement: every reference scans the same materialized rows, so a CTE
// read twice (TPC-H Q15) is not computed twice, and volatile functions in
// it agree between references.
//
// A recursive CTE is `anchor UNION [ALL] recursive-term`, the recursive
// term reading the CTE by name. It is computed by iteration: the anchor's
// rows start the result; each round plans the recursive term again with
// the CTE's name bound to the rows the round before produced, and stops
// when a round produces none. With UNION (not ALL), rows already produced
// are dropped, so a recursive walk of a graph with cycles ends. Column
// types are the common types of the anchor's and the recursive term's.
// With DuckDB's USING KEY the union table is a dictionary by key instead
// (keyed_union.h).
//
// A data-modifying CTE (INSERT / UPDATE / DELETE [RETURNING]) is allowed
// only in the WITH clause of the statement itself, not of a subquery or a
// view: the statement runs it, in order, before its query is planned
// (RunDmlCtes in sql_engine.cc) and its RETURNING rows are the CTE's rows.
// The query sees the changes (DuckDB's rule; PostgreSQL's query does not).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sql/planner_internal.h"

namespace llkv::sql::plan {

// CteFrame, CurrentCtes and CteScope are declared in planner_internal.h
// (subquery runners keep the frame they were planned in).

// The frame of `q`'s WITH clause above the current one. Requires
// !q.ctes.empty(); the CTEs are planned only when referenced. Throws a
// Binder Error for a name defined twice in the clause, and for a
// data-modifying CTE the statement has not run (one not at the top level).
// With `count`, only the first `count` CTEs of the clause are defined.
CteFramePtr DefineCtes(const SelectStmt& q, runtime::Database& db, const OuterPtr& outer,
                       size_t count = SIZE_MAX);

// The CTE `name` visible on this thread, or null.
std::shared_ptr<CteDefinition> FindCte(const std::string& name);

// A scan of the CTE's rows (computed at the first scan of any reference)
// and the names of its columns. With `recurring`, recurring.name of a USING
// KEY CTE (keyed_union.h): its whole union table, from its recursive term.
struct CteScan {
  OperatorPtr plan;
  std::vector<std::string> names;
};
CteScan ScanCte(const std::shared_ptr<CteDefinition>& def, bool recurring = false);

}  // namespace llkv::sql::plan
