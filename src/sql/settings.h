// Session settings: SET name = value, RESET name, SHOW name.
//
//   default_collation         the collation text compares, sorts and
//                             groups by where neither a column nor COLLATE
//                             names one (sql/collation.h): '' (BINARY, the
//                             default), 'nocase', ...
//   default_order             the direction of an ORDER BY term that names
//                             none: 'asc' (the default) or 'desc'
//                             ('ascending', 'descending').
//   default_null_order        where ORDER BY puts NULLs when a term says
//                             neither NULLS FIRST nor NULLS LAST:
//                             'nulls_first_on_asc_last_on_desc' (alias
//                             'sqlite'; the default), 'nulls_last_on_asc_
//                             first_on_desc' ('postgres'), 'nulls_first',
//                             'nulls_last'.
//   immediate_transaction_mode  true: a transaction takes its snapshot at
//                             BEGIN, which is what LLKV always does; false
//                             (start at the first statement) is refused.
//   ieee_floating_point_ops  false: a floating-point division or modulo by
//                             zero is NULL (SQLite's rule, which LLKV always
//                             follows); true (DuckDB's inf and nan) is refused.
//   order_by_non_integer_literal  false (the default, DuckDB's; PostgreSQL
//                             refuses them too): a literal other than an
//                             integer as an ORDER BY or DISTINCT ON term
//                             (ORDER BY NULL, 'x', true) is a Binder Error,
//                             as it orders nothing; true: such terms are
//                             skipped.
//   preserve_insertion_order  true or false: false allows results in any
//                             order where no ORDER BY asks for one; LLKV
//                             keeps insertion order either way.
//   regex_match_operator_semantics  'partial' (the default): the ~ operators
//                             find the pattern anywhere in the text, as
//                             PostgreSQL's do; 'full': it must match all.
//   scalar_subquery_error_on_multiple_rows  false (the default, SQLite's
//                             rule): a scalar subquery's first row is its
//                             value; true (DuckDB's default): more than one
//                             row is an Invalid Input Error.
//
// DuckDB's execution-tuning settings (threads, disabled_optimizers,
// debug_force_external, merge_join_threshold, ...) are accepted with a
// value of their type, kept, and shown by SHOW and current_setting(): they
// say how DuckDB computes a result, never what the result is, and LLKV,
// which runs a statement on one thread with its own plans, honours each
// trivially (at most `threads` threads; no external sorts to force; no
// such optimizer pass to disable). They make DuckDB scripts run unchanged.
// Settings that would change results or limits LLKV does not enforce
// (memory_limit, ...) are not among them.
//
// PRAGMA name = value is SET name = value; PRAGMA enable_x / disable_x set
// the boolean x (enable_optimizer, enable_verification, ...).
//
// Any other name is a Catalog Error, so a misspelt setting never passes
// silently.
#pragma once

#include <map>
#include <string>

#include "execution/value.h"

namespace llkv::sql {

class SessionSettings {
 public:
  enum class NullOrder { kFirstOnAscLastOnDesc, kLastOnAscFirstOnDesc, kFirst, kLast };

  // Throws Catalog Error for an unknown name, Invalid Input for a bad value.
  void Set(const std::string& name, const execution::Value& value);
  void Reset(const std::string& name);
  std::string Show(const std::string& name) const;

  // Whether ORDER BY puts NULLs first for a term without NULLS FIRST/LAST.
  bool NullsFirst(bool descending) const;
  // Whether ~, !~, ~* and !~* match the whole text (not any part of it).
  bool regex_full_match() const { return regex_full_match_; }
  // Whether ORDER BY and DISTINCT ON skip literals other than integers
  // (instead of refusing them).
  bool order_by_literals() const { return order_by_literals_; }
  // Whether a scalar subquery with more than one row is an error.
  bool scalar_subquery_error() const { return scalar_subquery_error_; }
  // The canonical collation of text without one of its own ("": BINARY).
  const std::string& default_collation() const { return default_collation_; }
  bool default_order_descending() const { return default_order_descending_; }

  // PRAGMA name (without a value): enable_x / disable_x, or a boolean
  // setting set to true.
  void Pragma(const std::string& name);

 private:
  NullOrder null_order_ = NullOrder::kFirstOnAscLastOnDesc;
  bool preserve_insertion_order_ = true;
  bool regex_full_match_ = false;
  bool scalar_subquery_error_ = false;
  bool order_by_literals_ = false;
  std::string default_collation_;
  bool default_order_descending_ = false;
  std::map<std::string, std::string> tuning_;  // DuckDB tuning settings set, by name
};

// The settings of the session whose statement runs on this thread, or the
// defaults when none does.
const SessionSettings& CurrentSettings();

// Makes `settings` the thread's current settings while it lives.
class SettingsScope {
 public:
  explicit SettingsScope(const SessionSettings* settings);
  ~SettingsScope();
  SettingsScope(const SettingsScope&) = delete;
  SettingsScope& operator=(const SettingsScope&) = delete;

 private:
  const SessionSettings* before_;
};

}  // namespace llkv::sql
