#include "sql/trigger.h"

#include <fmt/format.h>

#include <cctype>

#include "common/ascii.h"
#include "llkv/common/error.h"
#include "sql/dialect.h"
#include "sql/parser.h"
#include "sql/sql_engine.h"

namespace llkv::sql {

using execution::Value;

namespace {

// ---------------------------------------------------------------- lexing

struct Token {
  enum Kind { kWord, kQuoted, kString, kOther, kEnd } kind = kEnd;
  std::string text;  // words as written; quoted identifiers unquoted
  size_t begin = 0, end = 0;
};

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The token at or after `pos`, skipping spaces and comments.
Token Lex(std::string_view s, size_t pos) {
  while (pos < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[pos]))) {
      ++pos;
    } else if (s.substr(pos, 2) == "--") {
      while (pos < s.size() && s[pos] != '\n')
        ++pos;
    } else if (s.substr(pos, 2) == "/*") {
      const size_t close = s.find("*/", pos + 2);
      pos = close == std::string_view::npos ? s.size() : close + 2;
    } else {
      break;
    }
  }
  Token t;
  t.begin = pos;
  if (pos >= s.size()) {
    t.end = pos;
    return t;
  }
  const char c = s[pos];
  if (c == '\'' || c == '"' || c == '`' || c == '[') {
    const char close = c == '[' ? ']' : c;
    size_t i = pos + 1;
    while (i < s.size()) {
      if (s[i] == close) {
        if (close != ']' && i + 1 < s.size() && s[i + 1] == close) {
          t.text.push_back(close);
          i += 2;
          continue;
        }
        break;
      }
      t.text.push_back(s[i++]);
    }
    t.kind = c == '\'' ? Token::kString : Token::kQuoted;
    t.end = std::min(i + 1, s.size());
    return t;
  }
  if (IsWordChar(c)) {
    size_t i = pos;
    while (i < s.size() && IsWordChar(s[i]))
      ++i;
    t.kind = Token::kWord;
    t.text = std::string(s.substr(pos, i - pos));
    t.end = i;
    return t;
  }
  t.kind = Token::kOther;
  t.text = std::string(1, c);
  t.end = pos + 1;
  return t;
}

bool Is(const Token& t, const char* word) {
  if (t.kind != Token::kWord || t.text.size() != std::strlen(word)) return false;
  for (size_t i = 0; i < t.text.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(t.text[i])) != word[i]) return false;
  }
  return true;
}

class TriggerParser {
 public:
  TriggerParser(std::string_view sql, size_t start) : sql_(sql), tok_(Lex(sql, start)) {}

  const Token& peek() const { return tok_; }
  Token Take() {
    Token t = tok_;
    tok_ = Lex(sql_, t.end);
    return t;
  }
  bool Accept(const char* word) {
    if (!Is(tok_, word)) return false;
    Take();
    return true;
  }
  bool AcceptPunct(char c) {
    if (tok_.kind != Token::kOther || tok_.text[0] != c) return false;
    Take();
    return true;
  }
  [[noreturn]] void Error(const std::string& what) const {
    const auto [line, column] = LineAndColumn(sql_, tok_.begin);
    if (tok_.kind == Token::kEnd) {
      Fail(ErrorKind::kParser, "{}: syntax error at end of input (line {}, column {})", what, line,
           column);
    }
    Fail(ErrorKind::kParser, "{}: syntax error at or near \"{}\" (line {}, column {})", what,
         std::string(sql_.substr(tok_.begin, tok_.end - tok_.begin)), line, column);
  }
  void Expect(const char* word, const std::string& what) {
    if (!Accept(word)) Error(what);
  }
  // [schema.]name: the last part.
  std::string Name(const std::string& what) {
    if (tok_.kind != Token::kWord && tok_.kind != Token::kQuoted) Error(what);
    Token t = Take();
    std::string name = t.kind == Token::kWord ? AsciiLower(t.text) : t.text;
    if (AcceptPunct('.')) return Name(what);
    return name;
  }

 private:
  std::string_view sql_;
  Token tok_;
};

// Parses CREATE TRIGGER from its first token; returns the end offset.
size_t ParseCreateTrigger(std::string_view sql, size_t start, TriggerParser& p,
                          std::unique_ptr<CreateTriggerStatement>& s) {
  const char* what = "CREATE TRIGGER";
  if (p.Accept("IF")) {
    p.Expect("NOT", what);
    p.Expect("EXISTS", what);
    s->if_not_exists = true;
  }
  s->name = p.Name(what);
  if (p.Accept("BEFORE")) {
    s->timing = TriggerTiming::kBefore;
  } else if (p.Accept("AFTER")) {
    s->timing = TriggerTiming::kAfter;
  } else if (p.Accept("INSTEAD")) {
    p.Expect("OF", what);
    s->timing = TriggerTiming::kInsteadOf;
  }
  if (p.Accept("INSERT")) {
    s->event = TriggerEvent::kInsert;
  } else if (p.Accept("DELETE")) {
    s->event = TriggerEvent::kDelete;
  } else if (p.Accept("UPDATE")) {
    s->event = TriggerEvent::kUpdate;
    if (p.Accept("OF")) {
      do {
        s->update_columns.push_back(p.Name(what));
      } while (p.AcceptPunct(','));
    }
  } else {
    p.Error(what);
  }
  p.Expect("ON", what);
  s->table = p.Name(what);
  if (p.Accept("FOR")) {
    p.Expect("EACH", what);
    p.Expect("ROW", what);
  }
  if (p.Accept("WHEN")) {
    const size_t begin = p.peek().begin;
    size_t end = begin;
    while (p.peek().kind != Token::kEnd && !Is(p.peek(), "BEGIN"))
      end = p.Take().end;
    if (end == begin) p.Error(what);
    s->when = std::string(sql.substr(begin, end - begin));
  }
  p.Expect("BEGIN", what);
  // Body statements end with ';'; END after a ';' closes the body (an END
  // elsewhere belongs to a CASE).
  size_t begin = p.peek().begin;
  while (true) {
    if (p.peek().kind == Token::kEnd) p.Error(what);
    if (Is(p.peek(), "END") && p.peek().begin == begin) {
      if (s->body.empty()) p.Error(what);
      break;
    }
    const Token t = p.Take();
    if (t.kind == Token::kOther && t.text[0] == ';') {
      s->body.emplace_back(sql.substr(begin, t.begin - begin));
      begin = p.peek().begin;
    }
  }
  const size_t end = p.Take().end;  // END
  s->text = std::string(sql.substr(start, end - start));
  size_t past = end;
  if (p.AcceptPunct(';')) past = Lex(sql, end).end;
  return past;
}

// ---------------------------------------------------------------- firing

// `v` as SQL text that evaluates to it.
std::string Literal(const Value& v) {
  if (v.is_null()) return "NULL";
  const arrow::DataType& t = *v.type();
  switch (t.id()) {
    case arrow::TypeId::kBool:
      return v.boolean() ? "TRUE" : "FALSE";
    case arrow::TypeId::kInt8:
    case arrow::TypeId::kInt16:
    case arrow::TypeId::kInt32:
    case arrow::TypeId::kInt64:
      return v.int64() == INT64_MIN ? "(-9223372036854775807 - 1)" : std::to_string(v.int64());
    case arrow::TypeId::kUtf8:
    case arrow::TypeId::kLargeUtf8: {
      std::string out = "'";
      for (char c : v.str()) {
        out.push_back(c);
        if (c == '\'') out.push_back('\'');
      }
      return out + "'";
    }
    case arrow::TypeId::kBinary: {
      std::string out = "X'";
      for (unsigned char c : v.str())
        out += fmt::format("{:02X}", c);
      return out + "'";
    }
    case arrow::TypeId::kFloat32:
    case arrow::TypeId::kFloat64:
      return fmt::format("CAST('{}' AS DOUBLE)", v.float64());
    case arrow::TypeId::kDecimal128:
      return fmt::format("CAST('{}' AS DECIMAL({}, {}))", v.ToString(), t.precision(), t.scale());
    case arrow::TypeId::kDate32:
      return fmt::format("CAST('{}' AS DATE)", v.ToString());
    case arrow::TypeId::kTimestamp:
      return fmt::format("CAST('{}' AS {})", v.ToString(), execution::SqlTypeName(t));
    case arrow::TypeId::kTime64:
      return fmt::format("CAST('{}' AS TIME)", v.ToString());
    default:
      Fail(ErrorKind::kNotImplemented, "trigger row values of type {}", t.ToString());
  }
}

// `text` with NEW.x and OLD.x replaced by the row's values.
std::string Substitute(std::string_view text, const table::TableDef& def,
                       const std::vector<Value>* old_row, const std::vector<Value>* new_row) {
  std::string out;
  size_t copied = 0;
  Token t = Lex(text, 0);
  while (t.kind != Token::kEnd) {
    const bool is_new = Is(t, "NEW"), is_old = Is(t, "OLD");
    Token dot = Lex(text, t.end);
    if ((is_new || is_old) && dot.kind == Token::kOther && dot.text[0] == '.' &&
        dot.begin == t.end) {
      Token column = Lex(text, dot.end);
      if (column.kind == Token::kWord || column.kind == Token::kQuoted) {
        const std::vector<Value>* row = is_new ? new_row : old_row;
        const std::string name =
            column.kind == Token::kWord ? AsciiLower(column.text) : column.text;
        if (row == nullptr) {
          Fail(ErrorKind::kBinder, "{}.{} is not available in this trigger", is_new ? "NEW" : "OLD",
               name);
        }
        auto index = def.FindColumn(name);
        if (!index) {
          Fail(ErrorKind::kBinder, "table {} has no column named {} ({}.{})", def.name, name,
               is_new ? "NEW" : "OLD", name);
        }
        out.append(text.substr(copied, t.begin - copied));
        out += Literal((*row)[*index]);
        copied = column.end;
        t = Lex(text, column.end);
        continue;
      }
    }
    t = Lex(text, t.end);
  }
  out.append(text.substr(copied));
  return out;
}

std::shared_ptr<const CreateTriggerStatement> Compiled(const runtime::Database::Trigger& t) {
  if (!t.compiled) {
    StatementPtr s;
    if (!ParseTriggerStatement(t.sql, 0, &s) || s->kind != StatementKind::kCreateTrigger) {
      Fail(ErrorKind::kCorruption, "trigger {} has an unreadable definition", t.name);
    }
    t.compiled = std::shared_ptr<const CreateTriggerStatement>(
        static_cast<CreateTriggerStatement*>(s.release()));
  }
  return std::static_pointer_cast<const CreateTriggerStatement>(t.compiled);
}

thread_local std::vector<const runtime::Database::Trigger*> g_active;

void RunText(const std::string& sql, runtime::Database& db) {
  for (const auto& s : ParseSql(sql))
    RunStatement(*s, db);
}

}  // namespace

std::optional<size_t> ParseTriggerStatement(std::string_view sql, size_t start, StatementPtr* out) {
  TriggerParser p(sql, start);
  const size_t begin = p.peek().begin;
  if (p.Accept("CREATE")) {
    const bool temporary = p.Accept("TEMP") || p.Accept("TEMPORARY");
    if (!p.Accept("TRIGGER")) return std::nullopt;
    auto s = std::make_unique<CreateTriggerStatement>();
    s->temporary = temporary;
    s->location = static_cast<int>(begin);
    const size_t end = ParseCreateTrigger(sql, begin, p, s);
    *out = std::move(s);
    return end;
  }
  if (p.Accept("DROP")) {
    if (!p.Accept("TRIGGER")) return std::nullopt;
    auto s = std::make_unique<DropStatement>();
    s->object = ObjectKind::kTrigger;
    s->location = static_cast<int>(begin);
    if (p.Accept("IF")) {
      p.Expect("EXISTS", "DROP TRIGGER");
      s->if_exists = true;
    }
    s->names.push_back({p.Name("DROP TRIGGER")});
    size_t end = p.peek().begin;
    if (p.peek().kind != Token::kEnd && !p.AcceptPunct(';')) p.Error("DROP TRIGGER");
    s->text = std::string(sql.substr(begin, end - begin));
    while (!s->text.empty() && std::isspace(static_cast<unsigned char>(s->text.back())))
      s->text.pop_back();
    *out = std::move(s);
    return p.peek().kind == Token::kEnd ? sql.size() : p.peek().begin;
  }
  return std::nullopt;
}

std::vector<std::pair<size_t, size_t>> FindTriggerStatements(std::string_view sql,
                                                             std::vector<StatementPtr>* out) {
  std::vector<std::pair<size_t, size_t>> spans;
  size_t pos = 0;
  while (true) {
    Token t = Lex(sql, pos);
    if (t.kind == Token::kEnd) break;
    StatementPtr s;
    if (Is(t, "CREATE") || Is(t, "DROP")) {
      if (auto end = ParseTriggerStatement(sql, t.begin, &s)) {
        spans.emplace_back(t.begin, *end);
        out->push_back(std::move(s));
        pos = *end;
        continue;
      }
    }
    // Skip to the end of this statement.
    while (t.kind != Token::kEnd && !(t.kind == Token::kOther && t.text[0] == ';'))
      t = Lex(sql, t.end);
    pos = t.end;
  }
  return spans;
}

bool HasTriggers(runtime::Database& db, const table::Table& table, TriggerEvent event) {
  for (const auto& t : db.TriggersOf(table.def().name)) {
    if (Compiled(*t)->event == event) return true;
  }
  return false;
}

void FireTriggers(runtime::Database& db, const table::Table& table, TriggerEvent event,
                  TriggerTiming timing, const std::vector<Value>* old_row,
                  const std::vector<Value>* new_row, const std::vector<size_t>& set_columns) {
  const auto& def = table.def();
  for (const auto& trigger : db.TriggersOf(def.name)) {
    auto c = Compiled(*trigger);
    if (c->event != event || c->timing != timing) continue;
    if (std::find(g_active.begin(), g_active.end(), trigger.get()) != g_active.end()) continue;
    if (!c->update_columns.empty()) {
      bool assigned = false;
      for (size_t col : set_columns) {
        for (const auto& name : c->update_columns)
          assigned = assigned || AsciiLower(def.columns[col].name) == name;
      }
      if (!assigned) continue;
    }
    if (g_active.size() >= 32) {
      Fail(ErrorKind::kInvalidInput, "too many levels of trigger recursion (trigger {})",
           trigger->name);
    }
    g_active.push_back(trigger.get());
    struct Pop {
      ~Pop() { g_active.pop_back(); }
    } pop;
    if (!c->when.empty()) {
      const std::string condition =
          "SELECT CASE WHEN (" + Substitute(c->when, def, old_row, new_row) + ") THEN 1 ELSE 0 END";
      const auto statements = ParseSql(condition);
      const StatementResult r = RunStatement(*statements.at(0), db);
      if (r.batches.empty() || r.batches[0]->num_rows() == 0 ||
          Value::FromArray(*r.batches[0]->column(0), 0).int64() == 0) {
        continue;
      }
    }
    for (const auto& body : c->body)
      RunText(Substitute(body, def, old_row, new_row), db);
  }
}

}  // namespace llkv::sql
