#include "interface/slt_parser.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "llkv/common/error.h"

namespace llkv::slt {

namespace {

std::vector<std::string> Tokens(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string t;
  while (in >> t)
    out.push_back(t);
  return out;
}

bool IsConnectionName(const std::string& t) {
  return t.size() > 3 && t.rfind("con", 0) == 0 &&
         t.find_first_not_of("0123456789", 3) == std::string::npos;
}

bool ParseInt(const std::string& s, int64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

class Parser {
 public:
  Parser(const std::string& text, const std::string& path)
      : path_(path), duckdb_style_(text.rfind("# name:", 0) == 0) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines_.push_back(std::move(line));
    }
  }

  std::vector<Record> Run() {
    std::vector<Condition> conditions;
    while (pos_ < lines_.size()) {
      const std::string& line = lines_[pos_];
      const auto tokens = Tokens(line);
      if (tokens.empty() || tokens[0][0] == '#') {
        ++pos_;
        continue;
      }
      if (tokens[0] == "skipif" || tokens[0] == "onlyif") {
        if (tokens.size() < 2) Malformed("skipif/onlyif without a database name");
        conditions.push_back({tokens[0] == "onlyif", tokens[1]});
        ++pos_;
        continue;
      }
      Record r;
      r.line = static_cast<int>(pos_ + 1);
      r.conditions = std::move(conditions);
      conditions.clear();
      ++pos_;
      const std::string& cmd = tokens[0];
      if (cmd == "statement") {
        Statement(r, tokens);
      } else if (cmd == "query") {
        Query(r, tokens);
      } else if (cmd == "hash-threshold") {
        r.kind = RecordKind::kHashThreshold;
        if (tokens.size() < 2 || !ParseInt(tokens[1], &r.number))
          Malformed("hash-threshold needs a number");
      } else if (cmd == "halt") {
        r.kind = RecordKind::kHalt;
      } else if (cmd == "require" || cmd == "mode" || cmd == "load") {
        r.kind = cmd == "require" ? RecordKind::kRequire
                 : cmd == "mode"  ? RecordKind::kMode
                                  : RecordKind::kLoad;
        r.argument = tokens.size() > 1 ? tokens[1] : "";
      } else if (cmd == "loop") {
        r.kind = RecordKind::kLoop;
        int64_t a = 0, b = 0;
        if (tokens.size() < 4 || !ParseInt(tokens[2], &a) || !ParseInt(tokens[3], &b)) {
          Malformed("loop needs a variable, a start and an end");
        }
        r.loop_variable = tokens[1];
        for (int64_t i = a; i < b; ++i)
          r.loop_values.push_back(std::to_string(i));
      } else if (cmd == "foreach") {
        r.kind = RecordKind::kLoop;
        if (tokens.size() < 3) Malformed("foreach needs a variable and values");
        r.loop_variable = tokens[1];
        // DuckDB's type groups stand for their members.
        static const std::pair<const char*, const char*> kGroups[] = {
            {"<signed>", "tinyint smallint integer bigint hugeint"},
            {"<unsigned>", "utinyint usmallint uinteger ubigint uhugeint"},
            {"<integral>",
             "tinyint smallint integer bigint hugeint utinyint usmallint uinteger ubigint "
             "uhugeint"},
            {"<numeric>",
             "tinyint smallint integer bigint hugeint utinyint usmallint uinteger ubigint "
             "uhugeint float double"},
        };
        for (size_t t = 2; t < tokens.size(); ++t) {
          const auto group = std::find_if(std::begin(kGroups), std::end(kGroups),
                                          [&](const auto& g) { return tokens[t] == g.first; });
          if (group == std::end(kGroups)) {
            r.loop_values.push_back(tokens[t]);
            continue;
          }
          std::istringstream members(group->second);
          for (std::string m; members >> m;)
            r.loop_values.push_back(m);
        }
      } else if (cmd == "endloop") {
        r.kind = RecordKind::kEndLoop;
      } else if (cmd == "restart") {
        r.kind = RecordKind::kRestart;
      } else {
        r.kind = RecordKind::kUnsupported;
        r.argument = line;
        SkipBlock();
      }
      records_.push_back(std::move(r));
    }
    return std::move(records_);
  }

 private:
  [[noreturn]] void Malformed(const std::string& what) const {
    Fail(ErrorKind::kInvalidInput, "{}:{}: {}", path_, pos_, what);
  }

  // Lines up to a blank line or "----" (consumed when `stop_at_dashes`).
  std::string SqlLines(bool* saw_dashes) {
    std::string sql;
    *saw_dashes = false;
    // A comment line ends the SQL too (DuckDB's files put one right after).
    while (pos_ < lines_.size() && !lines_[pos_].empty() && lines_[pos_][0] != '#') {
      if (lines_[pos_] == "----") {
        *saw_dashes = true;
        ++pos_;
        break;
      }
      if (!sql.empty()) sql += '\n';
      sql += lines_[pos_++];
    }
    return sql;
  }

  std::vector<std::string> ResultLines() {
    std::vector<std::string> out;
    while (pos_ < lines_.size() && !lines_[pos_].empty())
      out.push_back(lines_[pos_++]);
    return out;
  }

  void SkipBlock() {
    while (pos_ < lines_.size() && !lines_[pos_].empty())
      ++pos_;
  }

  void Statement(Record& r, const std::vector<std::string>& tokens) {
    r.kind = RecordKind::kStatement;
    if (tokens.size() < 2) Malformed("statement without ok, error or maybe");
    if (tokens[1] == "ok")
      r.expect = Expectation::kOk;
    else if (tokens[1] == "error")
      r.expect = Expectation::kError;
    else if (tokens[1] == "maybe")
      r.expect = Expectation::kMaybe;
    else
      Malformed("statement " + tokens[1] + ": expected ok, error or maybe");
    // After "ok" or "maybe": a connection (any name: DuckDB's "statement ok
    // old"). After "error": the same in DuckDB's files; in others a
    // connection name (con1, ...) or else the text the error must contain.
    if (tokens.size() > 2) {
      if (r.expect != Expectation::kError || duckdb_style_ ||
          (tokens.size() == 3 && IsConnectionName(tokens[2]))) {
        r.connection = tokens[2];
      } else {
        for (size_t i = 2; i < tokens.size(); ++i)
          r.expected_error += (i > 2 ? " " : "") + tokens[i];
      }
    }
    bool dashes = false;
    r.sql = SqlLines(&dashes);
    if (r.sql.empty()) Malformed("statement without SQL");
    if (dashes) {
      std::string message;
      for (const auto& l : ResultLines())
        message += (message.empty() ? "" : "\n") + l;
      r.expected_error = std::move(message);
    }
  }

  void Query(Record& r, const std::vector<std::string>& tokens) {
    r.kind = RecordKind::kQuery;
    if (tokens.size() < 2) Malformed("query without a type string");
    r.types = tokens[1];
    // The third word is the sort mode or else (DuckDB) a connection name;
    // the fourth a label.
    if (tokens.size() > 2) {
      const std::string& t = tokens[2];
      if (t == "nosort" || t == "none")
        r.sort = SortMode::kNoSort;
      else if (t == "rowsort" || t == "sort")
        r.sort = SortMode::kRowSort;
      else if (t == "valuesort")
        r.sort = SortMode::kValueSort;
      else
        r.connection = t;
    }
    if (tokens.size() > 3) {
      if (IsConnectionName(tokens[3]) && r.connection.empty())
        r.connection = tokens[3];
      else
        r.label = tokens[3];
    }
    bool dashes = false;
    r.sql = SqlLines(&dashes);
    if (r.sql.empty()) Malformed("query without SQL");
    if (!dashes) return;  // no expected result: only that it runs
    r.expected = ResultLines();
    if (r.expected.size() == 1) {
      const auto parts = Tokens(r.expected[0]);
      if (parts.size() == 5 && parts[1] == "values" && parts[2] == "hashing" && parts[3] == "to" &&
          parts[4].size() == 32 && ParseInt(parts[0], &r.hash_count)) {
        r.expected_is_hash = true;
        r.hash = parts[4];
      }
    }
  }

  std::string path_;
  std::vector<std::string> lines_;
  bool duckdb_style_;  // a DuckDB test file ("# name:" header)
  size_t pos_ = 0;
  std::vector<Record> records_;
};

}  // namespace

std::vector<Record> ParseSlt(const std::string& text, const std::string& path) {
  return Parser(text, path).Run();
}

}  // namespace llkv::slt
