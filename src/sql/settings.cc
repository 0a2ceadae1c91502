#include "sql/settings.h"

#include "common/ascii.h"
#include "llkv/common/error.h"

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

}  // namespace

void SessionSettings::Set(const std::string& raw_name, const execution::Value& value) {
  const std::string name = AsciiLower(raw_name);
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
  if (name == "immediate_transaction_mode") {
    if (!AsBool(name, value)) {
      Fail(ErrorKind::kNotImplemented,
           "immediate_transaction_mode = false: LLKV always starts a transaction at BEGIN");
    }
    return;
  }
  if (name == "preserve_insertion_order") {
    preserve_insertion_order_ = AsBool(name, value);
    return;
  }
  if (name == "regex_match_operator_semantics") {
    const std::string v = AsciiLower(Text(value));
    if (v != "partial" && v != "full") {
      Fail(ErrorKind::kInvalidInput,
           "regex_match_operator_semantics takes 'partial' or 'full', not {}", value.ToString());
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
  } else if (name == "preserve_insertion_order") {
    preserve_insertion_order_ = true;
  } else if (name == "regex_match_operator_semantics") {
    regex_full_match_ = false;
  } else if (name != "immediate_transaction_mode") {
    Unknown(raw_name);
  }
}

std::string SessionSettings::Show(const std::string& raw_name) const {
  const std::string name = AsciiLower(raw_name);
  if (name == "default_null_order") return kNullOrderNames[static_cast<int>(null_order_)];
  if (name == "immediate_transaction_mode") return "true";
  if (name == "preserve_insertion_order") return preserve_insertion_order_ ? "true" : "false";
  if (name == "regex_match_operator_semantics") return regex_full_match_ ? "full" : "partial";
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
