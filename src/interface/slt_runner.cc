#include "interface/slt_runner.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "arrow/temporal.h"
#include "common/ascii.h"
#include "common/bit_util.h"
#include "common/md5.h"
#include "llkv/common/error.h"

namespace llkv::slt {

namespace {

using arrow::ArrayData;
using arrow::TypeId;

bool AnswersTo(const std::string& db) {
  return db == "llkv" || db == "sqlite" || db == "duckdb";
}

bool Skipped(const Record& r) {
  for (const auto& c : r.conditions) {
    if (c.only != AnswersTo(c.database)) return true;
  }
  return false;
}

// `d` as SQLite's printf("%.3f") writes it: digits past the 16th
// significant one print as zeros.
std::string RealText(double d) {
  if (std::isnan(d)) return "nan";  // without the sign bit fmt would show
  if (!std::isfinite(d) || std::fabs(d) < 1e13) return fmt::format("{:.3f}", d);
  const std::string sci = fmt::format("{:.15e}", d);  // [-]d.ddddddddddddddde+XX
  const bool negative = sci[0] == '-';
  const size_t start = negative ? 1 : 0;
  std::string digits = sci.substr(start, 1) + sci.substr(start + 2, 15);
  const int exponent = std::stoi(sci.substr(sci.find('e') + 1));
  const size_t integer_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() < integer_digits + 3) digits.resize(integer_digits + 3, '0');
  return (negative ? "-" : "") + digits.substr(0, integer_digits) + "." +
         digits.substr(integer_digits, 3);
}

// The value as a double, for R rendering and I truncation.
double AsDouble(const ArrayData& a, int64_t i) {
  const int64_t k = a.offset + i;
  switch (a.type->id()) {
    case TypeId::kBool:
      return bit_util::GetBit(a.buffers[1]->data(), k) ? 1 : 0;
    case TypeId::kInt8:
      return a.buffers[1]->data_as<int8_t>()[k];
    case TypeId::kInt16:
      return a.buffers[1]->data_as<int16_t>()[k];
    case TypeId::kInt32:
      return a.buffers[1]->data_as<int32_t>()[k];
    case TypeId::kInt64:
      return static_cast<double>(a.buffers[1]->data_as<int64_t>()[k]);
    case TypeId::kUInt8:
      return a.buffers[1]->data_as<uint8_t>()[k];
    case TypeId::kUInt16:
      return a.buffers[1]->data_as<uint16_t>()[k];
    case TypeId::kUInt32:
      return a.buffers[1]->data_as<uint32_t>()[k];
    case TypeId::kUInt64:
      return static_cast<double>(a.buffers[1]->data_as<uint64_t>()[k]);
    case TypeId::kFloat32:
      return a.buffers[1]->data_as<float>()[k];
    case TypeId::kFloat64:
      return a.buffers[1]->data_as<double>()[k];
    case TypeId::kDecimal128:
      return static_cast<double>(a.buffers[1]->data_as<arrow::Decimal128>()[k]) /
             std::pow(10.0, a.type->scale());
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8: {
      // SQLite's numeric prefix rule: "12abc" -> 12, "abc" -> 0.
      const std::string s(arrow::BinaryValueAt(a, i));
      char* end = nullptr;
      const double v = std::strtod(s.c_str(), &end);
      return end == s.c_str() ? 0 : v;
    }
    default:
      return 0;
  }
}

std::string IntegerText(const ArrayData& a, int64_t i) {
  switch (a.type->id()) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
      return arrow::FormatValue(a, i);
    case TypeId::kDecimal128: {
      const arrow::Decimal128 v = a.buffers[1]->data_as<arrow::Decimal128>()[a.offset + i];
      arrow::Decimal128 p = 1;
      for (int s = 0; s < a.type->scale(); ++s)
        p *= 10;
      return arrow::FormatDecimal128(v / p, 0);
    }
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8: {
      const std::string s(arrow::BinaryValueAt(a, i));
      char* end = nullptr;
      const long long v = std::strtoll(s.c_str(), &end, 10);
      return std::to_string(end == s.c_str() ? 0 : v);
    }
    default: {
      const double d = AsDouble(a, i);
      if (std::isnan(d)) return "0";
      if (d >= 9.2233720368547758e18) return "9223372036854775807";
      if (d <= -9.2233720368547758e18) return "-9223372036854775808";
      return std::to_string(static_cast<long long>(d));
    }
  }
}

std::string Text(const ArrayData& a, int64_t i) {
  std::string s = a.type->id() == TypeId::kUtf8 || a.type->id() == TypeId::kLargeUtf8
                      ? std::string(arrow::BinaryValueAt(a, i))
                      : arrow::FormatValue(a, i);
  if (s.empty()) return "(empty)";
  // Control characters show as '@' (sqllogictest's rule), a NUL byte as the
  // two characters \0 (DuckDB's runner), so that it cannot end the text.
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == 0) {
      out += "\\0";
    } else {
      out += (c > 0 && c < ' ') || c == 0x7f ? '@' : c;
    }
  }
  return out;
}

// The rendered values of a result, row-major. DuckDB's files render every
// value as text whatever the type letters say (its runner uses the letters
// only to count columns).
std::vector<std::string> Render(const QueryResult& result, const std::string& types,
                                bool duckdb_style, int* columns) {
  std::vector<std::string> values;
  *columns = result.schema ? result.schema->num_fields() : 0;
  if (!result.schema && result.rows_changed >= 0) {
    *columns = 1;
    values.push_back(std::to_string(result.rows_changed));
  }
  for (const auto& batch : result.batches) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      for (int c = 0; c < batch->num_columns(); ++c) {
        const char type = !duckdb_style && static_cast<size_t>(c) < types.size()
                              ? types[static_cast<size_t>(c)]
                              : 'T';
        values.push_back(RenderValue(*batch->column(c), r, type));
      }
    }
  }
  return values;
}

// Expected values from the record's lines, given the result's width.
// `skip_empty`: DuckDB's runner splits rows on tabs dropping empty
// fields (an empty value is written "(empty)"), so "a\t\tb" is two values.
std::vector<std::string> ExpectedValues(const Record& r, int columns, bool skip_empty) {
  std::vector<std::string> out;
  const bool tabbed = std::any_of(r.expected.begin(), r.expected.end(), [](const std::string& l) {
    return l.find('\t') != std::string::npos;
  });
  if (!tabbed && columns > 1 &&
      std::all_of(r.expected.begin(), r.expected.end(),
                  [](const std::string& l) { return l.find(' ') == std::string::npos; }) &&
      r.expected.size() % static_cast<size_t>(columns) == 0) {
    return r.expected;  // SQLite style: one value per line
  }
  for (const auto& line : r.expected) {
    if (columns <= 1 && !tabbed) {
      out.push_back(line);
      continue;
    }
    std::string value;
    std::istringstream in(line);
    while (std::getline(in, value, '\t')) {
      if (skip_empty && value.empty()) continue;
      out.push_back(value);
    }
  }
  return out;
}

void SortValues(std::vector<std::string>& values, SortMode mode, int columns) {
  if (mode == SortMode::kValueSort) {
    std::sort(values.begin(), values.end());
  } else if (mode == SortMode::kRowSort && columns > 0) {
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i + static_cast<size_t>(columns) <= values.size();
         i += static_cast<size_t>(columns)) {
      rows.emplace_back(values.begin() + static_cast<std::ptrdiff_t>(i),
                        values.begin() + static_cast<std::ptrdiff_t>(i) + columns);
    }
    std::sort(rows.begin(), rows.end());
    values.clear();
    for (auto& row : rows)
      values.insert(values.end(), row.begin(), row.end());
  }
}

// Whether `text` is wholly a number; sets `value`.
bool ParseNumber(const std::string& text, long double* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  *value = std::strtold(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// DuckDB's runner's rule for a value that differs as text: the expected text
// is read as the column's type and compared as a value; floating-point
// values match within 1% (plus 1e-8), as DuckDB's ApproxEqual allows.
bool DuckDbValuesMatch(const std::string& expected, const std::string& actual, TypeId type) {
  if (expected == actual) return true;
  // <REGEX>:re and <!REGEX>:re: the whole value (newlines included) does or
  // does not match `re`, as DuckDB's runner reads them.
  for (const bool want : {true, false}) {
    const std::string prefix = want ? "<REGEX>:" : "<!REGEX>:";
    if (expected.rfind(prefix, 0) != 0) continue;
    RE2::Options options;
    options.set_dot_nl(true);
    options.set_log_errors(false);
    const RE2 re(expected.substr(prefix.size()), options);
    return re.ok() && RE2::FullMatch(actual, re) == want;
  }
  if (expected == "NULL" || actual == "NULL") return false;
  if (type == TypeId::kBool) {
    // DuckDB reads the expected text as a BOOLEAN: 0/1 and t/f also spell one.
    auto truth = [](const std::string& s) -> int {
      if (EqualsIgnoreCase(s, "true") || EqualsIgnoreCase(s, "t") || s == "1") return 1;
      if (EqualsIgnoreCase(s, "false") || EqualsIgnoreCase(s, "f") || s == "0") return 0;
      return -1;
    };
    const int e = truth(expected);
    return e >= 0 && e == truth(actual);
  }
  long double e = 0, a = 0;
  const bool numeric = type == TypeId::kFloat32 || type == TypeId::kFloat64 ||
                       type == TypeId::kDecimal128 ||
                       (type >= TypeId::kInt8 && type <= TypeId::kUInt64);
  // (DuckDB casts the expected text to the column's type, which ignores
  // surrounding spaces.)
  if (!numeric || !ParseNumber(std::string(Trim(expected)), &e) || !ParseNumber(actual, &a)) {
    return false;
  }
  if (type == TypeId::kFloat32 || type == TypeId::kFloat64) {
    if (std::isnan(e) || std::isnan(a)) return std::isnan(e) && std::isnan(a);
    if (std::isinf(e) || std::isinf(a)) return e == a;
    return std::fabs(e - a) <= std::fabs(e) * 0.01L + 1e-8L;
  }
  return e == a;
}

std::string HashValues(const std::vector<std::string>& values) {
  Md5 md5;
  for (const auto& v : values) {
    md5.Update(v);
    md5.Update("\n");
  }
  return md5.HexDigest();
}

std::string Substitute(std::string s, const std::map<std::string, std::string>& vars) {
  for (const auto& [name, value] : vars) {
    for (const std::string& pattern : {"${" + name + "}", "{" + name + "}"}) {
      size_t at;
      while ((at = s.find(pattern)) != std::string::npos)
        s.replace(at, pattern.size(), value);
    }
  }
  return s;
}

bool ErrorMatches(const std::string& expected, const std::string& actual) {
  if (expected.empty()) return true;
  if (expected.rfind("<REGEX>:", 0) == 0) {
    try {
      return std::regex_search(actual, std::regex(expected.substr(8)));
    } catch (const std::regex_error&) {
      return false;
    }
  }
  return actual.find(expected) != std::string::npos;
}

class FileRun {
 public:
  FileRun(const std::string& path, const DatabaseFactory& factory, const RunOptions& options)
      : factory_(factory), options_(options) {
    outcome_.path = path;
  }

  FileOutcome Run(const std::vector<Record>& records, bool duckdb_style) {
    duckdb_style_ = duckdb_style;
    database_ = factory_();
    size_t pos = 0;
    RunBlock(records, pos, {}, /*until_endloop=*/false);
    return std::move(outcome_);
  }

 private:
  // Runs records from `pos` to the end (or the matching endloop).
  void RunBlock(const std::vector<Record>& records, size_t& pos,
                const std::map<std::string, std::string>& vars, bool until_endloop) {
    while (pos < records.size()) {
      const Record& r = records[pos++];
      if (r.kind == RecordKind::kEndLoop) {
        if (until_endloop) return;
        continue;
      }
      if (r.kind == RecordKind::kLoop) {
        const size_t body = pos;
        if (r.loop_values.empty()) {
          SkipLoop(records, pos);
          continue;
        }
        for (const auto& value : r.loop_values) {
          auto inner = vars;
          inner[r.loop_variable] = value;
          pos = body;
          RunBlock(records, pos, inner, true);
          if (stopped_) return;
        }
        continue;
      }
      if (stopped_) {
        if (r.kind == RecordKind::kStatement || r.kind == RecordKind::kQuery) ++outcome_.skipped;
        continue;
      }
      Execute(r, vars);
    }
  }

  void SkipLoop(const std::vector<Record>& records, size_t& pos) {
    int depth = 1;
    while (pos < records.size() && depth > 0) {
      if (records[pos].kind == RecordKind::kLoop) ++depth;
      if (records[pos].kind == RecordKind::kEndLoop) --depth;
      ++pos;
    }
  }

  Connection& ConnectionFor(const std::string& name) {
    auto& c = connections_[name];
    if (!c) {
      c = database_->Connect();
      // DuckDB's files expect DuckDB's session defaults: ORDER BY puts
      // NULLs last in both directions (LLKV's default is SQLite's).
      if (duckdb_style_) c->Execute("SET default_null_order = 'nulls_last'");
    }
    return *c;
  }

  void Fail(const Record& r, const std::string& sql, std::string message) {
    ++outcome_.failed;
    outcome_.failures.push_back({r.line, sql, std::move(message)});
    if (options_.stop_at_first_failure) Stop("stopped at the first failure");
  }

  void Stop(std::string reason) {
    stopped_ = true;
    if (outcome_.skip_reason.empty()) outcome_.skip_reason = std::move(reason);
  }

  void Execute(const Record& r, const std::map<std::string, std::string>& vars) {
    const bool runnable = r.kind == RecordKind::kStatement || r.kind == RecordKind::kQuery;
    if (skipping_mode_ && !(r.kind == RecordKind::kMode && r.argument == "unskip")) {
      if (runnable) ++outcome_.skipped;
      return;
    }
    if (Skipped(r)) {
      if (runnable) ++outcome_.skipped;
      return;
    }
    switch (r.kind) {
      case RecordKind::kHashThreshold:
        return;  // it only shaped how the expected results were written
      case RecordKind::kHalt:
        Stop("halt");
        return;
      case RecordKind::kRequire:
        Stop("requires " + r.argument);
        return;
      case RecordKind::kMode:
        if (r.argument == "skip") skipping_mode_ = true;
        if (r.argument == "unskip") skipping_mode_ = false;
        return;
      case RecordKind::kLoad:
      case RecordKind::kRestart:
      case RecordKind::kUnsupported:
        Stop(fmt::format("line {}: '{}' is not supported by the runner", r.line,
                         r.kind == RecordKind::kLoad      ? "load"
                         : r.kind == RecordKind::kRestart ? "restart"
                                                          : r.argument));
        return;
      default:
        break;
    }
    const std::string sql = Substitute(r.sql, vars);
    Connection& conn = ConnectionFor(r.connection);
    QueryResult result;
    try {
      result = conn.Execute(sql);
    } catch (const std::exception& e) {
      if (r.kind == RecordKind::kStatement && r.expect != Expectation::kOk) {
        if (r.expect == Expectation::kMaybe ||
            ErrorMatches(Substitute(r.expected_error, vars), e.what())) {
          ++outcome_.passed;
        } else {
          Fail(r, sql,
               fmt::format("expected error matching: {}\nactual error: {}", r.expected_error,
                           e.what()));
        }
        return;
      }
      // SQLite's reference driver reads rows until sqlite3_step fails and
      // compares what it got, so a query that overflows while running
      // expects the rows before the error: none, for an aggregate.
      const auto* error = dynamic_cast<const llkv::Error*>(&e);
      if (r.kind == RecordKind::kQuery && r.expected.empty() && !r.expected_is_hash &&
          error != nullptr && error->kind() == ErrorKind::kOutOfRange) {
        ++outcome_.passed;
        return;
      }
      Fail(r, sql, fmt::format("unexpected error: {}", e.what()));
      return;
    }
    if (r.kind == RecordKind::kStatement) {
      if (r.expect == Expectation::kError) {
        Fail(r, sql, "expected an error, the statement succeeded");
      } else {
        ++outcome_.passed;
      }
      return;
    }
    CheckQuery(r, sql, result, vars);
  }

  void CheckQuery(const Record& r, const std::string& sql, const QueryResult& result,
                  const std::map<std::string, std::string>& vars) {
    int columns = 0;
    std::vector<std::string> actual = Render(result, r.types, duckdb_style_, &columns);
    // (A labelled query of DuckDB's is checked by its values alone, and a
    // hashed one by its values' count and hash: DuckDB's runner checks no
    // column count for either.)
    const bool by_label = duckdb_style_ && !r.label.empty() && !r.expected_is_hash;
    const bool by_hash = duckdb_style_ && r.expected_is_hash;
    if (columns != static_cast<int>(r.types.size()) && !r.types.empty() && !by_label && !by_hash) {
      Fail(r, sql,
           fmt::format("expected {} columns ({}), got {}", r.types.size(), r.types, columns));
      return;
    }
    SortValues(actual, r.sort, columns);
    const std::string hash = HashValues(actual);
    if (!r.label.empty()) {
      const std::string label = Substitute(r.label, vars);
      auto [it, inserted] = labels_.emplace(label, hash);
      if (!inserted && it->second != hash) {
        Fail(r, sql, fmt::format("result differs from the earlier result labelled {}", label));
        return;
      }
      // In DuckDB's files a labelled query is checked against its label
      // only (as DuckDB's runner does): the first of a label records the
      // result, the rest must match it; values listed under it are not
      // compared. (SQLite's runner compares both.)
      if (by_label) {
        ++outcome_.passed;
        return;
      }
    }
    if (r.expected_is_hash) {
      if (static_cast<int64_t>(actual.size()) != r.hash_count || hash != r.hash) {
        Fail(r, sql,
             fmt::format("expected {} values hashing to {}\nactual {} values hashing to {}",
                         r.hash_count, r.hash, actual.size(), hash));
      } else {
        ++outcome_.passed;
      }
      return;
    }
    std::vector<std::string> expected;
    for (const auto& v : ExpectedValues(r, columns, duckdb_style_))
      expected.push_back(Substitute(v, vars));
    SortValues(expected, r.sort, columns);
    if (expected == actual || (duckdb_style_ && DuckDbMatch(expected, actual, result, columns))) {
      ++outcome_.passed;
      return;
    }
    std::string message = "expected:\n";
    for (const auto& v : expected)
      message += "  " + v + "\n";
    message += "actual:\n";
    for (size_t i = 0; i < actual.size() && i < 200; ++i)
      message += "  " + actual[i] + "\n";
    Fail(r, sql, message);
  }

  // Element by element under DuckDB's rule for values that differ as text.
  static bool DuckDbMatch(const std::vector<std::string>& expected,
                          const std::vector<std::string>& actual, const QueryResult& result,
                          int columns) {
    if (expected.size() != actual.size() || columns <= 0) return false;
    for (size_t i = 0; i < expected.size(); ++i) {
      const int c = static_cast<int>(i % static_cast<size_t>(columns));
      TypeId type = TypeId::kInt64;  // a changed-row count
      if (result.schema && c < result.schema->num_fields()) {
        const arrow::DataType& t = *result.schema->field(c)->type();
        // An aggregate state compares as the state it holds.
        type = arrow::IsAggregateState(t) ? t.fields()[0]->type()->id() : t.id();
      }
      if (!DuckDbValuesMatch(expected[i], actual[i], type)) return false;
    }
    return true;
  }

  const DatabaseFactory& factory_;
  RunOptions options_;
  bool duckdb_style_ = false;
  FileOutcome outcome_;
  std::unique_ptr<Database> database_;
  std::map<std::string, std::unique_ptr<Connection>> connections_;
  std::map<std::string, std::string> labels_;
  bool skipping_mode_ = false;
  bool stopped_ = false;
};

}  // namespace

std::string RenderValue(const ArrayData& column, int64_t row, char type) {
  if (column.IsNull(row)) return "NULL";
  switch (type) {
    case 'I':
      return IntegerText(column, row);
    case 'R':
      return RealText(AsDouble(column, row));
    default:
      return Text(column, row);
  }
}

FileOutcome RunFile(const std::string& path, const DatabaseFactory& factory,
                    const RunOptions& options) {
  std::vector<Record> records;
  bool duckdb_style = false;
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) llkv::Fail(ErrorKind::kIO, "cannot open '{}'", path);
    std::stringstream text;
    text << in.rdbuf();
    // DuckDB's test files open with a "# name: test/..." header.
    duckdb_style = text.str().rfind("# name:", 0) == 0;
    records = ParseSlt(text.str(), path);
  } catch (const std::exception& e) {
    FileOutcome out;
    out.path = path;
    out.failed = 1;
    out.failures.push_back({0, "", e.what()});
    return out;
  }
  return FileRun(path, factory, options).Run(records, duckdb_style);
}

}  // namespace llkv::slt
