// Collations: how text compares, sorts and groups.
//
// Design note.
//   * A collation is a property text carries while a statement is bound:
//     BoundExpr::collation, set by a column declared `COLLATE name` (kept in
//     the table's CREATE TABLE text), by `expr COLLATE name`, and carried
//     through subqueries, CTEs and views as output field metadata
//     (execution::kCollationMetadata). Functions of collated text return plain text.
//   * A collation is applied as a key: each value maps to a key that is
//     compared bytewise. NOCASE's key is the value in lower case (Unicode's
//     simple mappings, as DuckDB's; SQLite folds ASCII letters only); RTRIM's
//     drops trailing spaces (SQLite's). BINARY (and its names C, POSIX) has
//     the value itself. Names combine with dots: 'nocase.rtrim'.
//   * Comparisons, IN, BETWEEN, joins, ORDER BY, GROUP BY, DISTINCT, set
//     operations and window PARTITION BY / ORDER BY compare keys; the values
//     a query returns are the originals (a group's: its first row's).
//   * The collation a comparison uses: an explicit COLLATE on either operand
//     (the left one first), else the left operand's, else the right's, else
//     the session's default_collation (SQLite's precedence).
//   * Not built: NOACCENT and NFC need Unicode decomposition data, and are
//     refused by name; unique indexes compare bytes, so a UNIQUE or PRIMARY
//     KEY column with a collation is refused rather than half-enforced.
#pragma once

#include <string>

#include "execution/expression.h"

namespace llkv::sql {

// The canonical form of collation `name` as written (lower case, dotted
// components, "" for BINARY). Throws Catalog Error naming an unknown
// collation and Not Implemented for NOACCENT and NFC.
std::string CanonicalCollation(const std::string& name);

// `e` mapped to its key under `collation` (canonical): `e` itself for ""
// or when `e` is not text.
execution::BoundExprPtr CollationKey(execution::BoundExprPtr e, const std::string& collation);

// The collation comparing `a` with `b` uses (see the design note).
std::string ComparisonCollation(const execution::BoundExpr& a, const execution::BoundExpr& b);

// The collation `e` sorts and groups by: its own, else the session default
// (for text).
std::string OwnCollation(const execution::BoundExpr& e);

// `e` as a sort or grouping key: CollationKey(e, OwnCollation(e)).
execution::BoundExprPtr SortKeyOf(execution::BoundExprPtr e);

// The collation a field carries in its metadata ("" for none).
std::string FieldCollation(const arrow::Field& f);

// Field metadata naming `collation` (empty for "").
arrow::KeyValueMetadata CollationMetadata(const std::string& collation);

}  // namespace llkv::sql
