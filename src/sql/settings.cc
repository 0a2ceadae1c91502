#include "sql/settings.h"

#include <cstdlib>

#include "common/ascii.h"
#include "llkv/common/error.h"
#include "sql/collation.h"

namespace llkv::sql {

namespace {

thread_local const SessionSettings* g_current = nullptr;

const char* kNullOrderNames[] = {"nulls_first_on_asc_last_on_desc",
                                 "nulls_last_on_asc_first_on_desc", "nulls_first", "nulls_last"};

[[noreturn]] void Unknown(const std::string& name) {
  Fail(ErrorKind::kCatalog, "unrecognized configuration parameter \"{}\"", name);
}

std::string Text(const execution::Value& v) {
  if (v.is_null()) return "NULL";
  return v.type()->id() == arrow::TypeId::kUtf8 ? v.str() : v.ToString();
}

bool AsBool(const std::string& name, const execution::Value& v) {
  if (!v.is_null() && v.type()->id() == arrow::TypeId::kBool) return v.boolean();
  const std::string text = AsciiLower(Text(v));
  if (text == "true" || text == "1" || text == "on") return true;
  if (text == "false" || text == "0" || text == "off") return false;
  Fail(ErrorKind::kInvalidInput, "{} takes true or false, not {}", name, v.ToString());
}

// DuckDB's execution-tuning settings (see settings.h) and their defaults.
enum class TuningKind { kBool, kCount, kNumber, kText };
struct TuningSetting {
  const char* name;
  TuningKind kind;
  const char* initial;
};
constexpr TuningSetting kTuning[] = {
    {"threads", TuningKind::kCount, "1"},
    {"disabled_optimizers", TuningKind::kText, ""},
    {"enable_optimizer", TuningKind::kBool, "true"},
    {"enable_verification", TuningKind::kBool, "false"},
    {"verify_parallelism", TuningKind::kBool, "false"},
    {"debug_force_external", TuningKind::kBool, "false"},
    {"debug_verify_serializer", TuningKind::kBool, "false"},
    {"debug_verify_column_bindings", TuningKind::kBool, "false"},
    {"debug_asof_iejoin", TuningKind::kBool, "false"},
    {"debug_window_mode", TuningKind::kText, "window"},
    {"debug_verify_vector", TuningKind::kText, "none"},
    {"prefer_range_joins", TuningKind::kBool, "false"},
    {"enable_caching_operators", TuningKind::kBool, "true"},
    {"delim_join_as_cte", TuningKind::kBool, "false"},
    {"force_update_to_del_and_insert", TuningKind::kBool, "false"},
    {"merge_join_threshold", TuningKind::kCount, "1000"},
    {"nested_loop_join_threshold", TuningKind::kCount, "5"},
    {"asof_loop_join_threshold", TuningKind::kCount, "64"},
    {"dynamic_or_filter_threshold", TuningKind::kCount, "50"},
    {"pivot_filter_threshold", TuningKind::kCount, "20"},
    {"approximate_join_order_threshold", TuningKind::kCount, "12"},
    {"perfect_ht_threshold", TuningKind::kCount, "12"},
    {"index_scan_max_count", TuningKind::kCount, "2048"},
    {"index_scan_percentage", TuningKind::kNumber, "0.001"},
    {"late_materialization_max_rows", TuningKind::kCount, "50"},
    {"explain_output", TuningKind::kText, "physical_only"},
};

const TuningSetting* FindTuning(const std::string& name) {
  for (const auto& t : kTuning) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

// `value` as the text a tuning setting keeps, checked against its kind.
std::string TuningValue(const TuningSetting& t, const execution::Value& value) {
  const std::string text = Text(value);
  switch (t.kind) {
    case TuningKind::kBool:
      return AsBool(t.name, value) ? "true" : "false";
    case TuningKind::kCount: {
      char* end = nullptr;
      const long long n = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || n < 0 || (n == 0 && std::string(t.name) == "threads")) {
        Fail(ErrorKind::kInvalidInput, "{} takes a {} integer, not {}", t.name,
             std::string(t.name) == "threads" ? "positive" : "non-negative", value.ToString());
      }
      return std::to_string(n);
    }
    case TuningKind::kNumber: {
      char* end = nullptr;
      const double d = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !(d >= 0)) {
        Fail(ErrorKind::kInvalidInput, "{} takes a non-negative number, not {}", t.name,
             value.ToString());
      }
      return text;
    }
    case TuningKind::kText:
      return AsciiLower(text);
  }
  return text;
}

}  // namespace

void SessionSettings::Pragma(const std::string& raw_name) {
  const std::string name = AsciiLower(raw_name);
  for (const char* prefix : {"enable_", "disable_"}) {
    const std::string p = prefix;
    if (name.rfind(p, 0) == 0) {
      const TuningSetting* t = FindTuning("enable_" + name.substr(p.size()));
      if (t && t->kind == TuningKind::kBool) {
        tuning_[t->name] = p == "enable_" ? "true" : "false";
        return;
      }
    }
  }
  if (const TuningSetting* t = FindTuning(name); t && t->kind == TuningKind::kBool) {
    tuning_[t->name] = "true";
    return;
  }
  Fail(ErrorKind::kCatalog, "unrecognized PRAGMA \"{}\"", raw_name);
}

void SessionSettings::Set(const std::string& raw_name, const execution::Value& value) {
  const std::string name = AsciiLower(raw_name);
  if (name == "__llkv_pragma") {  // PRAGMA name, from the dialect rewriter
    Pragma(Text(value));
    return;
  }
  if (name == "default_null_order") {
    std::string v = AsciiLower(Text(value));
    if (v == "sqlite") v = kNullOrderNames[0];
    if (v == "postgres") v = kNullOrderNames[1];
    for (int i = 0; i < 4; ++i) {
      if (v == kNullOrderNames[i]) {
        null_order_ = static_cast<NullOrder>(i);
        return;
      }
    }
    Fail(ErrorKind::kInvalidInput,
         "default_null_order takes 'nulls_first', 'nulls_last', "
         "'nulls_first_on_asc_last_on_desc' or 'nulls_last_on_asc_first_on_desc', not {}",
         value.ToString());
  }
  if (name == "default_collation") {
    default_collation_ = CanonicalCollation(value.is_null() ? "" : Text(value));
    return;
  }
  if (name == "default_order") {
    const std::string v = AsciiLower(Text(value));
    if (v != "asc" && v != "ascending" && v != "desc" && v != "descending") {
      Fail(ErrorKind::kInvalidInput,
           "Unrecognized parameter for option DEFAULT_ORDER \"{}\". Expected ASC or DESC.",
           Text(value));
    }
    default_order_descending_ = v[0] == 'd';
    return;
  }
  if (name == "immediate_transaction_mode") {
    if (!AsBool(name, value)) {
      Fail(ErrorKind::kNotImplemented,
           "immediate_transaction_mode = false: LLKV always starts a transaction at BEGIN");
    }
    return;
  }
  if (name == "ieee_floating_point_ops") {
    if (AsBool(name, value)) {
      Fail(ErrorKind::kNotImplemented,
           "ieee_floating_point_ops = true: LLKV keeps SQLite's rule that a division or modulo "
           "by zero is NULL, never inf or nan");
    }
    return;
  }
  if (name == "preserve_insertion_order") {
    preserve_insertion_order_ = AsBool(name, value);
    return;
  }
  if (name == "scalar_subquery_error_on_multiple_rows") {
    scalar_subquery_error_ = AsBool(name, value);
    return;
  }
  if (name == "order_by_non_integer_literal") {
    order_by_literals_ = AsBool(name, value);
    return;
  }
  if (const TuningSetting* t = FindTuning(name)) {
    tuning_[t->name] = TuningValue(*t, value);
    return;
  }
  if (name == "regex_match_operator_semantics") {
    const std::string v = AsciiLower(Text(value));
    if (v != "partial" && v != "full") {
      Fail(ErrorKind::kInvalidInput,
           "unrecognized value {} for regex_match_operator_semantics: it takes 'partial' or "
           "'full'",
           value.ToString());
    }
    regex_full_match_ = v == "full";
    return;
  }
  Unknown(raw_name);
}

void SessionSettings::Reset(const std::string& raw_name) {
  const std::string name = AsciiLower(raw_name);
  if (name == "default_null_order") {
    null_order_ = NullOrder::kFirstOnAscLastOnDesc;
  } else if (name == "default_collation") {
    default_collation_.clear();
  } else if (name == "default_order") {
    default_order_descending_ = false;
  } else if (name == "preserve_insertion_order") {
    preserve_insertion_order_ = true;
  } else if (name == "regex_match_operator_semantics") {
    regex_full_match_ = false;
  } else if (name == "scalar_subquery_error_on_multiple_rows") {
    scalar_subquery_error_ = false;
  } else if (name == "order_by_non_integer_literal") {
    order_by_literals_ = false;
  } else if (FindTuning(name)) {
    tuning_.erase(name);
  } else if (name != "immediate_transaction_mode" && name != "ieee_floating_point_ops") {
    Unknown(raw_name);
  }
}

std::string SessionSettings::Show(const std::string& raw_name) const {
  const std::string name = AsciiLower(raw_name);
  if (name == "default_null_order") return kNullOrderNames[static_cast<int>(null_order_)];
  if (name == "default_collation") return default_collation_;
  if (name == "default_order") return default_order_descending_ ? "desc" : "asc";
  if (name == "immediate_transaction_mode") return "true";
  if (name == "ieee_floating_point_ops") return "false";
  if (name == "preserve_insertion_order") return preserve_insertion_order_ ? "true" : "false";
  if (name == "regex_match_operator_semantics") return regex_full_match_ ? "full" : "partial";
  if (name == "scalar_subquery_error_on_multiple_rows") {
    return scalar_subquery_error_ ? "true" : "false";
  }
  if (name == "order_by_non_integer_literal") return order_by_literals_ ? "true" : "false";
  if (const TuningSetting* t = FindTuning(name)) {
    auto it = tuning_.find(name);
    return it == tuning_.end() ? t->initial : it->second;
  }
  Unknown(raw_name);
}

bool SessionSettings::NullsFirst(bool descending) const {
  switch (null_order_) {
    case NullOrder::kFirstOnAscLastOnDesc:
      return !descending;
    case NullOrder::kLastOnAscFirstOnDesc:
      return descending;
    case NullOrder::kFirst:
      return true;
    case NullOrder::kLast:
      return false;
  }
  return !descending;
}

const SessionSettings& CurrentSettings() {
  static const SessionSettings kDefaults;
  return g_current ? *g_current : kDefaults;
}

SettingsScope::SettingsScope(const SessionSettings* settings) : before_(g_current) {
  g_current = settings;
}

SettingsScope::~SettingsScope() {
  g_current = before_;
}

}  // namespace llkv::sql
