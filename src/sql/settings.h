// Session settings: SET name = value, RESET name, SHOW name.
//
//   default_null_order        where ORDER BY puts NULLs when a term says
//                             neither NULLS FIRST nor NULLS LAST:
//                             'nulls_first_on_asc_last_on_desc' (alias
//                             'sqlite'; the default), 'nulls_last_on_asc_
//                             first_on_desc' ('postgres'), 'nulls_first',
//                             'nulls_last'.
//   immediate_transaction_mode  true: a transaction takes its snapshot at
//                             BEGIN, which is what LLKV always does; false
//                             (start at the first statement) is refused.
//   preserve_insertion_order  true or false: false allows results in any
//                             order where no ORDER BY asks for one; LLKV
//                             keeps insertion order either way.
//   regex_match_operator_semantics  'partial' (the default): the ~ operators
//                             find the pattern anywhere in the text, as
//                             PostgreSQL's do; 'full': it must match all.
// Any other name is a Catalog Error, so a misspelt setting never passes
// silently.
#pragma once

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

 private:
  NullOrder null_order_ = NullOrder::kFirstOnAscLastOnDesc;
  bool preserve_insertion_order_ = true;
  bool regex_full_match_ = false;
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
