#include "sql/dialect.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <initializer_list>
#include <utility>

#include "common/ascii.h"

namespace llkv::sql {

namespace {

bool IsWordStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80);
}
bool IsWordChar(char c) {
  return IsWordStart(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
}

bool IsIntervalUnit(const std::string& unit) {
  static const char* kUnits[] = {
      "year",        "years",        "month",       "months",       "week",    "weeks",   "day",
      "days",        "hour",         "hours",       "minute",       "minutes", "second",  "seconds",
      "millisecond", "milliseconds", "microsecond", "microseconds", "decade",  "decades", "century",
      "centuries",   "millennium",   "millennia",   "quarter",      "quarters"};
  return std::any_of(std::begin(kUnits), std::end(kUnits),
                     [&](const char* name) { return unit == name; });
}

// Words that end a joined FROM item or its ON condition.
const std::initializer_list<const char*> kJoinItemEnds = {
    "on",      "using",     "where",  "group",      "having",    "order",  "limit",
    "join",    "left",      "right",  "inner",      "full",      "cross",  "natural",
    "semi",    "anti",      "asof",   "union",      "intersect", "except", "window",
    "qualify", "returning", "offset", "positional", "fetch"};

class Rewriter {
 public:
  explicit Rewriter(std::string_view in) : in_(in) {}

  RewrittenSql Run() {
    while (i_ < in_.size()) {
      EmitPending();
      Step();
    }
    EmitPending();
    out_.anchors.emplace_back(out_.text.size(), in_.size());
    return std::move(out_);
  }

 private:
  // End of the whitespace or comment starting at `j` (j itself if none).
  size_t SkipTrivia(size_t j) const {
    while (j < in_.size()) {
      if (std::isspace(static_cast<unsigned char>(in_[j]))) {
        ++j;
      } else if (in_.compare(j, 2, "--") == 0) {
        while (j < in_.size() && in_[j] != '\n')
          ++j;
      } else if (in_.compare(j, 2, "/*") == 0) {
        j = CommentEnd(j);
      } else {
        break;
      }
    }
    return j;
  }

  size_t CommentEnd(size_t j) const {
    int depth = 0;
    while (j < in_.size()) {
      if (in_.compare(j, 2, "/*") == 0) {
        ++depth;
        j += 2;
      } else if (in_.compare(j, 2, "*/") == 0) {
        j += 2;
        if (--depth == 0) return j;
      } else {
        ++j;
      }
    }
    return j;
  }

  // End of the quoted run starting at `j` (quote char q, doubled to escape;
  // with `backslash`, a backslash escapes the next char).
  size_t QuotedEnd(size_t j, char q, bool backslash) const {
    ++j;
    while (j < in_.size()) {
      if (backslash && in_[j] == '\\') {
        j += 2;
        continue;
      }
      if (in_[j] == q) {
        if (j + 1 < in_.size() && in_[j + 1] == q) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      ++j;
    }
    return j;  // unterminated: the parser reports it
  }

  std::string_view WordAt(size_t j) const {
    if (j >= in_.size() || !IsWordStart(in_[j])) return {};
    size_t e = j;
    while (e < in_.size() && IsWordChar(in_[e]))
      ++e;
    return in_.substr(j, e - j);
  }

  void Copy(size_t end) {
    out_.text.append(in_.substr(i_, end - i_));
    i_ = end;
  }

  // DuckDB's FROM t SELECT list [WHERE ...]: rewritten as SELECT list FROM
  // t [WHERE ...] when a SELECT follows the FROM list at this depth; false
  // (nothing emitted) otherwise. `from_end` is just past the word FROM.
  bool FromFirstWithSelect(size_t from_end) {
    static const char* kClauses[] = {"where",  "group",   "having", "order",     "limit",  "offset",
                                     "window", "qualify", "union",  "intersect", "except", "fetch"};
    auto clause_at = [&](size_t j) {
      const std::string_view word = WordAt(j);
      return std::any_of(std::begin(kClauses), std::end(kClauses),
                         [&](const char* k) { return EqualsIgnoreCase(word, k); });
    };
    int depth = 0;
    size_t select = std::string_view::npos;
    size_t stop = in_.size();
    for (size_t j = SkipTrivia(from_end); j < in_.size(); j = SkipTrivia(TokenEnd(j))) {
      const char c = in_[j];
      if (c == '(') ++depth;
      if (c == ')' && --depth < 0) {
        stop = j;
        break;
      }
      if (depth > 0) continue;
      if (c == ';') {
        stop = j;
        break;
      }
      if (!IsWordStart(c)) continue;
      if (select == std::string_view::npos) {
        if (EqualsIgnoreCase(WordAt(j), "select")) select = j;
        if (clause_at(j)) return false;  // FROM t WHERE ...: no SELECT part
      } else if (clause_at(j)) {
        stop = j;
        break;
      }
    }
    if (select == std::string_view::npos) return false;
    const std::string from_list = Adopt(RewriteDialect(in_.substr(from_end, select - from_end)));
    const std::string select_list = Adopt(RewriteDialect(in_.substr(select, stop - select)));
    Replace(stop, select_list + " FROM" + from_list + " ");
    return true;
  }

  // Whether the ')' just before the token at i_ closes a CTE's body,
  // "name AS [NOT] [MATERIALIZED] (...)": the main query starts here.
  bool AfterCteBody() const {
    size_t k = i_;
    while (k > 0 && std::isspace(static_cast<unsigned char>(in_[k - 1])))
      --k;
    if (k == 0 || in_[k - 1] != ')') return false;
    int depth = 0;
    bool quoted = false;
    for (; k > 0; --k) {
      const char c = in_[k - 1];
      if (c == '\'') quoted = !quoted;
      if (quoted) continue;
      if (c == ')') ++depth;
      if (c == '(' && --depth == 0) break;
    }
    if (k == 0) return false;
    size_t e = k - 1;
    while (e > 0 && std::isspace(static_cast<unsigned char>(in_[e - 1])))
      --e;
    size_t b = e;
    while (b > 0 && IsWordChar(in_[b - 1]))
      --b;
    const std::string_view word = in_.substr(b, e - b);
    return EqualsIgnoreCase(word, "as") || EqualsIgnoreCase(word, "materialized");
  }

  // The text of a part rewritten on its own, its STRUCT types renumbered
  // into this statement's.
  std::string Adopt(RewrittenSql part) {
    const size_t base = out_.struct_types.size(), count = part.struct_types.size();
    for (std::string& body : part.struct_types)
      out_.struct_types.push_back(std::move(body));
    return ReplaceStructTypeNames(std::move(part.text), count,
                                  [base](size_t j) { return StructTypeName(base + j); });
  }

  // The word just before the '(' that the token at i_ follows (f in
  // "f(ORDER BY"); empty when none does.
  std::string_view WordBeforeParen() const {
    size_t k = i_;
    while (k > 0 && in_[k - 1] != '(')
      --k;
    size_t e = k > 0 ? k - 1 : 0;
    while (e > 0 && std::isspace(static_cast<unsigned char>(in_[e - 1])))
      --e;
    size_t b = e;
    while (b > 0 && (std::isalnum(static_cast<unsigned char>(in_[b - 1])) || in_[b - 1] == '_'))
      --b;
    return in_.substr(b, e - b);
  }

  // Emits `replacement` for input [i_, end) and records the offset change.
  void Replace(size_t end, std::string_view replacement) {
    out_.text.append(replacement);
    i_ = end;
    out_.anchors.emplace_back(out_.text.size(), i_);
  }

  // Text a rewrite asked to insert before input position i_.
  void EmitPending() {
    auto it = pending_.find(i_);
    if (it == pending_.end()) return;
    out_.text.append(it->second);
    out_.anchors.emplace_back(out_.text.size(), i_);
    pending_.erase(it);
  }

  // End of the token starting at `j` (a quoted run, a word, or one char).
  size_t TokenEnd(size_t j) const {
    if (in_[j] == '\'' || in_[j] == '"') return QuotedEnd(j, in_[j], false);
    if (IsWordStart(in_[j])) return j + WordAt(j).size();
    return j + 1;
  }

  // The position of the ')' closing the '(' at `open` (in_.size() if none).
  size_t MatchingParen(size_t open) const {
    int depth = 0;
    for (size_t j = open; j < in_.size(); j = SkipTrivia(TokenEnd(j))) {
      if (in_[j] == '(') ++depth;
      if (in_[j] == ')' && --depth == 0) return j;
    }
    return in_.size();
  }

  // Where the expression starting at `j` ends: the first token at its paren
  // depth that cannot continue it (one of `stops`, ')', ';' or the end).
  size_t ExpressionEnd(size_t j, std::initializer_list<const char*> stops) const {
    int depth = 0;
    for (j = SkipTrivia(j); j < in_.size(); j = SkipTrivia(TokenEnd(j))) {
      if (in_[j] == '(') ++depth;
      if (in_[j] == ')' && depth-- == 0) return j;
      if (depth == 0 && in_[j] == ';') return j;
      if (depth == 0 && IsWordStart(in_[j])) {
        for (const char* stop : stops) {
          if (EqualsIgnoreCase(WordAt(j), stop)) return j;
        }
      }
    }
    return in_.size();
  }

  // DuckDB's subquery (or VALUES) in FROM without an alias, which
  // PostgreSQL's grammar refuses: named unnamed_subquery (then
  // unnamed_subquery2, ...), as DuckDB names it.
  void NameUnaliasedSubquery() {
    const std::string_view first = WordAt(SkipTrivia(i_ + 1));
    if (!EqualsIgnoreCase(first, "select") && !EqualsIgnoreCase(first, "values") &&
        !EqualsIgnoreCase(first, "with") && !EqualsIgnoreCase(first, "from") &&
        !EqualsIgnoreCase(first, "describe") && !EqualsIgnoreCase(first, "show")) {
      return;
    }
    const size_t close = MatchingParen(i_);
    if (close >= in_.size()) return;
    if (!AliasFollows(close)) AddSubqueryAlias(close);
  }
  // Whether an alias follows the ')' at `close` of a FROM item.
  bool AliasFollows(size_t close) const {
    const size_t after = SkipTrivia(close + 1);
    if (after < in_.size() && in_[after] == '"') return true;
    const std::string_view next = WordAt(after);
    static const char* kNotAliases[] = {"where",   "group", "having",    "order",      "limit",
                                        "offset",  "union", "intersect", "except",     "window",
                                        "qualify", "join",  "left",      "right",      "inner",
                                        "full",    "cross", "natural",   "on",         "using",
                                        "fetch",   "for",   "returning", "positional", "asof",
                                        "semi",    "anti",  "lateral",   "tablesample"};
    const bool keyword = std::any_of(std::begin(kNotAliases), std::end(kNotAliases),
                                     [&](const char* k) { return EqualsIgnoreCase(next, k); });
    return !next.empty() && !keyword;
  }
  void AddSubqueryAlias(size_t close) {
    auto it = pending_.find(close + 1);
    if (it != pending_.end() && it->second.find(" AS ") != std::string::npos) return;  // n : (..)
    ++unnamed_subqueries_;
    pending_[close + 1] = unnamed_subqueries_ == 1
                              ? " AS unnamed_subquery"
                              : " AS unnamed_subquery" + std::to_string(unnamed_subqueries_);
  }

  // The end of the multiplicative operand starting at `j`: unary signs,
  // then a number, a quoted run, a parenthesized expression, CASE ... END,
  // or a (qualified) name with an optional call, then ::type casts and
  // [subscripts]. `j` itself when there is none.
  size_t OperandEnd(size_t j) const {
    const size_t start = j;
    j = SkipTrivia(j);
    while (j < in_.size() && (in_[j] == '+' || in_[j] == '-'))
      j = SkipTrivia(j + 1);
    if (j >= in_.size()) return start;
    if (in_[j] == '(') {
      j = MatchingParen(j);
      if (j >= in_.size()) return start;
      ++j;
    } else if (in_[j] == '\'' || in_[j] == '"') {
      j = QuotedEnd(j, in_[j], false);
    } else if (std::isdigit(static_cast<unsigned char>(in_[j])) || in_[j] == '.') {
      while (j < in_.size() &&
             (std::isalnum(static_cast<unsigned char>(in_[j])) || in_[j] == '.' || in_[j] == '_' ||
              ((in_[j] == '+' || in_[j] == '-') && (in_[j - 1] == 'e' || in_[j - 1] == 'E')))) {
        ++j;
      }
    } else if (IsWordStart(in_[j])) {
      if (EqualsIgnoreCase(WordAt(j), "case")) {
        int open = 0;
        for (; j < in_.size(); j = SkipTrivia(TokenEnd(j))) {
          if (EqualsIgnoreCase(WordAt(j), "case")) ++open;
          if (EqualsIgnoreCase(WordAt(j), "end") && --open == 0) break;
        }
        if (j >= in_.size()) return start;
        j += 3;
      } else {
        j += WordAt(j).size();
        while (j + 1 < in_.size() && in_[j] == '.' && IsWordStart(in_[j + 1]))
          j += 1 + WordAt(j + 1).size();
        const size_t call = SkipTrivia(j);
        if (call < in_.size() && in_[call] == '(') {
          j = MatchingParen(call);
          if (j >= in_.size()) return start;
          ++j;
        }
      }
    } else {
      return start;
    }
    for (;;) {
      const size_t k = SkipTrivia(j);
      if (in_.compare(k, 2, "::") == 0) {
        size_t t = SkipTrivia(k + 2);
        if (t >= in_.size() || !IsWordStart(in_[t])) return j;
        t += WordAt(t).size();
        if (SkipTrivia(t) < in_.size() && in_[SkipTrivia(t)] == '(')
          t = MatchingParen(SkipTrivia(t)) + 1;
        j = t;
        continue;
      }
      if (k < in_.size() && in_[k] == '[') {
        const size_t close = MatchingBracket(k);
        if (close >= in_.size()) return j;
        j = close + 1;
        continue;
      }
      return j;
    }
  }

  // DuckDB's prefix alias, "name : expr" in a select list and "name :
  // item" in a FROM list: becomes "expr AS name". `end` is where the name
  // (a word or a quoted identifier) ends. Whether it was one.
  bool PrefixAlias(size_t end) {
    const bool list_start = prev_word_ == "select" || prev_word_ == "distinct" ||
                            prev_word_ == "from" || prev_word_ == "join" ||
                            (prev_ == ',' && (select_depth_ == depth_ || from_depth_ == depth_));
    const size_t colon = SkipTrivia(end);
    if (!list_start || colon + 1 >= in_.size() || in_[colon] != ':' || in_[colon + 1] == ':' ||
        in_[colon + 1] == '=') {
      return false;
    }
    // The item ends at a comma, a closing parenthesis or a clause keyword
    // at its own depth.
    static const char* kStops[] = {
        "from",      "where",      "group", "having",    "order",   "limit", "offset",
        "window",    "qualify",    "union", "intersect", "except",  "join",  "left",
        "right",     "inner",      "full",  "cross",     "natural", "on",    "using",
        "returning", "positional", "asof",  "semi",      "anti"};
    int depth = 0;
    size_t j = SkipTrivia(colon + 1);
    for (; j < in_.size(); j = SkipTrivia(TokenEnd(j))) {
      if (in_[j] == '(' || in_[j] == '[') ++depth;
      if ((in_[j] == ')' || in_[j] == ']') && depth-- == 0) break;
      if (depth == 0 && (in_[j] == ',' || in_[j] == ';')) break;
      if (depth == 0 && IsWordStart(in_[j]) &&
          std::any_of(std::begin(kStops), std::end(kStops),
                      [&](const char* k) { return EqualsIgnoreCase(WordAt(j), k); })) {
        break;
      }
    }
    const std::string name(in_.substr(i_, end - i_));
    // The text up to the item's end, without trailing blanks.
    size_t item_end = j;
    while (item_end > colon + 1 && std::isspace(static_cast<unsigned char>(in_[item_end - 1])))
      --item_end;
    pending_[item_end] += " AS " + name;
    Replace(colon + 1, "");
    return true;
  }

  void Significant(char c) {
    prev_ = c;
    prev_word_.clear();
    prev_prev_word_.clear();
    if (c == ';') {
      statement_start_ = true;
      statement_marks_ = 0;  // each statement numbers its own '?' from $1
      order_list_ = false;
    }
  }

  void Step() {
    const char c = in_[i_];
    if (auto it = replaced_.find(i_); it != replaced_.end()) {
      const auto [end, text] = it->second;
      replaced_.erase(it);
      Replace(end, text);
      Significant(text.empty() ? ' ' : text.back());
      statement_start_ = false;
      return;
    }
    if (std::isspace(static_cast<unsigned char>(c)) || in_.compare(i_, 2, "--") == 0 ||
        in_.compare(i_, 2, "/*") == 0) {
      Copy(std::max(SkipTrivia(i_), i_ + 1));
      return;
    }
    // DuckDB's * ~ 'regex' (and ~*, !~, !~*): the star keeps the columns
    // whose names the regular expression matches, as "__llkv_star_filter"
    // ('regex' | 'iregex', pattern), prefixed 'not ' for !~.
    if (star_modifier_ && (c == '~' || (c == '!' && i_ + 1 < in_.size() && in_[i_ + 1] == '~'))) {
      size_t j = i_ + (c == '!' ? 2 : 1);
      const bool icase = j < in_.size() && in_[j] == '*';
      const size_t pattern = SkipTrivia(icase ? j + 1 : j);
      if (pattern < in_.size() && in_[pattern] == '\'') {
        const size_t stop = TokenEnd(pattern);
        const std::string op = std::string(c == '!' ? "not " : "") + (icase ? "iregex" : "regex");
        Replace(stop, ", \"__llkv_star_filter\"('" + op + "', " +
                          std::string(in_.substr(pattern, stop - pattern)) + ", NULL)");
        prev_ = ')';
        prev_word_.clear();
        star_depth_ = depth_;
        return;
      }
    }
    if (c == '\'') {
      const bool escapes = i_ > 0 && (in_[i_ - 1] == 'E' || in_[i_ - 1] == 'e') &&
                           (i_ < 2 || !IsWordChar(in_[i_ - 2]));
      const size_t end = QuotedEnd(i_, '\'', escapes);
      ParenthesizeIfSubscripted(end);
      Copy(end);
      Significant('\'');
      statement_start_ = false;
      return;
    }
    if (c == '"') {
      const size_t end = QuotedEnd(i_, '"', false);
      if (PrefixAlias(end)) return;
      Copy(end);
      Significant('"');
      statement_start_ = false;
      return;
    }
    if (c == '[' && !BracketIdentifier() && ListLiteralStart()) {
      // DuckDB's list literal [a, b]: PostgreSQL's ARRAY[a, b].
      ParenthesizeIfSubscripted(MatchingBracket(i_) + 1);
      Replace(i_ + 1, "ARRAY[");
      Significant('[');
      statement_start_ = false;
      return;
    }
    if (c == '{' && ListLiteralStart()) {
      // DuckDB's struct literal {'k': v, ...}: struct_pack("k" := v, ...).
      ParenthesizeIfSubscripted(MatchingBrace(i_) + 1);
      Replace(i_ + 1, "struct_pack(");
      Significant('(');
      statement_start_ = false;
      struct_depths_.push_back(++depth_);
      StructKey();
      return;
    }
    // The end of a struct or MAP literal.
    for (std::vector<int>* open : {&struct_depths_, &map_depths_}) {
      if (c != '}' || open->empty() || open->back() != depth_) continue;
      open->pop_back();
      --depth_;
      Replace(i_ + 1, ")");
      Significant(')');
      return;
    }
    // In a MAP literal, the ':' between a key and its value: a comma.
    if (c == ':' && !map_depths_.empty() && map_depths_.back() == depth_ && i_ + 1 < in_.size() &&
        in_[i_ + 1] != ':' && in_[i_ + 1] != '=' && prev_ != ':') {
      Replace(i_ + 1, ",");
      Significant(',');
      return;
    }
    if (c == ',' && !struct_depths_.empty() && struct_depths_.back() == depth_) {
      Copy(i_ + 1);
      Significant(',');
      StructKey();
      return;
    }
    if (c == '`' || (c == '[' && BracketIdentifier())) {
      const char close = c == '`' ? '`' : ']';
      const size_t end = in_.find(close, i_ + 1);
      if (end == std::string_view::npos) {
        Copy(i_ + 1);
        return;
      }
      std::string quoted = "\"";
      for (char ch : in_.substr(i_ + 1, end - i_ - 1)) {
        quoted += ch;
        if (ch == '"') quoted += '"';
      }
      quoted += '"';
      Replace(end + 1, quoted);
      Significant('"');
      statement_start_ = false;
      return;
    }
    // DuckDB's integer division a // b binds as / does; PostgreSQL's
    // grammar gives any operator it does not know a lower precedence than
    // + and *. So a // b becomes a / "__llkv_intdiv"(b), which the binder
    // reads back as //.
    if (c == '/' && i_ + 1 < in_.size() && in_[i_ + 1] == '/') {
      const size_t end = OperandEnd(i_ + 2);
      if (end > i_ + 2 && end <= in_.size()) {
        Replace(i_ + 2, "/ \"__llkv_intdiv\"(");
        pending_[end] += ")";
        Significant('(');
        statement_start_ = false;
        return;
      }
    }
    // DuckDB's positional #n in ORDER BY and GROUP BY: the output column n,
    // which is what a bare n means there.
    if (c == '#' && order_list_ && i_ + 1 < in_.size() &&
        std::isdigit(static_cast<unsigned char>(in_[i_ + 1])) &&
        (prev_word_ == "by" || prev_ == ',')) {
      Replace(i_ + 1, "");
      return;
    }
    if (c == '?') {
      ++out_.question_marks;
      Replace(i_ + 1, "$" + std::to_string(++statement_marks_));
      Significant('?');
      statement_start_ = false;
      return;
    }
    if (IsWordStart(c)) {
      Word();
      return;
    }
    // Digit separators in numbers (1_000_000, DuckDB's and PostgreSQL 16's):
    // the underscores dropped.
    if (std::isdigit(static_cast<unsigned char>(c)) && (i_ == 0 || !IsWordChar(in_[i_ - 1]))) {
      size_t end = i_;
      bool separated = false;
      auto digit = [&](size_t k) {
        return k < in_.size() && std::isdigit(static_cast<unsigned char>(in_[k]));
      };
      while (end < in_.size() && (digit(end) || in_[end] == '.' ||
                                  (in_[end] == '_' && digit(end - 1) && digit(end + 1)))) {
        separated = separated || in_[end] == '_';
        ++end;
      }
      if (separated) {
        std::string number;
        for (size_t k = i_; k < end; ++k) {
          if (in_[k] != '_') number += in_[k];
        }
        Replace(end, number);
        Significant('0');
        statement_start_ = false;
        return;
      }
    }
    // DuckDB's trailing comma in a list, "(a, b,)", at the end of a VALUES
    // list ("VALUES (1), (2),;") or a select list ("SELECT a, b, FROM t"):
    // blanked in place.
    if (c == ',') {
      const size_t next = SkipTrivia(i_ + 1);
      if (next >= in_.size() || in_[next] == ')' || in_[next] == ';' ||
          EqualsIgnoreCase(WordAt(next), "from")) {
        out_.text.push_back(' ');
        ++i_;
        return;
      }
    }
    if (c == '(' && (prev_word_ == "from" || prev_word_ == "join" || prev_word_ == "lateral" ||
                     (prev_ == ',' && from_depth_ == depth_))) {
      NameUnaliasedSubquery();
    }
    // A star of a select list (not a multiplication): after SELECT,
    // DISTINCT, ALL, a comma or a qualifier's dot.
    const bool select_star =
        c == '*' && (prev_word_ == "select" || prev_word_ == "distinct" || prev_word_ == "all" ||
                     prev_word_ == "returning" || prev_ == ',' || prev_ == '.');
    Copy(i_ + 1);
    Significant(c);
    if (c != ';') statement_start_ = false;
    if (c == '(') ++depth_;
    if (c == ')') {
      --depth_;
      if (depth_ < replace_level_) replace_level_ = -1;
      if (depth_ < from_depth_) from_depth_ = -1;
    }
    // After `*` (and after each EXCLUDE (...) / REPLACE (...) following
    // it) a star modifier may come.
    if (!select_star && c != '(' && c != ')' && depth_ == star_depth_) star_depth_ = -1;
    star_modifier_ = select_star || (c == ')' && depth_ == star_depth_);
    if (select_star) star_depth_ = depth_;
  }

  // '[' starts a bracket-quoted identifier (SQLite) rather than an array or
  // list when it encloses a plain name and does not follow an expression.
  bool BracketIdentifier() const {
    if (prev_ != 0 && (std::isalnum(static_cast<unsigned char>(prev_)) || prev_ == '_' ||
                       prev_ == ')' || prev_ == ']' || prev_ == '"')) {
      return false;
    }
    const size_t end = in_.find(']', i_ + 1);
    if (end == std::string_view::npos || end == i_ + 1) return false;
    const std::string_view body = in_.substr(i_ + 1, end - i_ - 1);
    if (!IsWordStart(body[0])) return false;
    for (const char* constant : {"null", "true", "false"}) {
      if (EqualsIgnoreCase(body, constant)) return false;  // DuckDB's [NULL] is a list
    }
    return std::all_of(body.begin(), body.end(),
                       [](char ch) { return IsWordChar(ch) || ch == ' '; });
  }

  // Whether '[' or '{' at i_ begins a value (a list or struct literal)
  // rather than a subscript or an array type's brackets: it follows an
  // operator, an opening bracket, a comma or a keyword that an operand
  // follows.
  bool ListLiteralStart() const {
    if (prev_ == 0 || std::strchr("([,=<>+-*/%|:&!~^{", prev_) != nullptr) return true;
    static const char* kBeforeOperand[] = {
        "select", "where",   "and",      "or",   "not",    "on",        "when",   "then", "else",
        "having", "by",      "distinct", "case", "return", "returning", "values", "in",   "like",
        "ilike",  "between", "is",       "all",  "any",    "some",      "qualify"};
    return std::any_of(std::begin(kBeforeOperand), std::end(kBeforeOperand),
                       [&](const char* k) { return prev_word_ == k; });
  }

  // The position of the ']' (or '}') closing the bracket at `open`
  // (in_.size() - 1 when there is none).
  size_t MatchingBracket(size_t open, char o = '[', char c = ']') const {
    int depth = 0;
    for (size_t j = open; j < in_.size(); j = SkipTrivia(TokenEnd(j))) {
      if (in_[j] == o) ++depth;
      if (in_[j] == c && --depth == 0) return j;
    }
    return in_.size() - 1;
  }
  size_t MatchingBrace(size_t open) const { return MatchingBracket(open, '{', '}'); }

  // A primary that PostgreSQL's grammar cannot subscript (a literal, a
  // list, a function call) ending before `end` and followed by a
  // subscript, as in DuckDB's string_split(s, ' ')[1]: parenthesized, which
  // the grammar can.
  void ParenthesizeIfSubscripted(size_t end) {
    const size_t open = SkipTrivia(end);
    if (open >= in_.size()) return;
    if (in_[open] == '.') {  // a field: {'a': 1}.a
      if (open + 1 >= in_.size() || !IsWordStart(in_[open + 1])) return;
    } else if (in_[open] != '[') {
      return;
    }
    const size_t first = SkipTrivia(open + 1);
    if (in_[open] == '[' && first < in_.size() && in_[first] == ']') return;  // a type: INT[]
    out_.text.push_back('(');
    out_.anchors.emplace_back(out_.text.size(), i_);
    pending_[end] += ")";
  }

  // After "struct_pack(" or a comma in it: DuckDB's key 'k': (or k:, "k":)
  // becomes the named argument "k" :=.
  void StructKey() {
    const size_t j = SkipTrivia(i_);
    if (j >= in_.size()) return;
    size_t end = j;
    std::string name;
    if (in_[j] == '\'' || in_[j] == '"') {
      end = QuotedEnd(j, in_[j], false);
      if (end - j < 2) return;
      for (size_t k = j + 1; k + 1 < end; ++k) {
        if (in_[k] == in_[j]) ++k;  // a doubled quote
        name += in_[k];
      }
    } else if (IsWordStart(in_[j])) {
      end = j + WordAt(j).size();
      name = std::string(WordAt(j));
    } else {
      return;
    }
    const size_t colon = SkipTrivia(end);
    if (colon + 1 >= in_.size() || in_[colon] != ':' || in_[colon + 1] == ':' ||
        in_[colon + 1] == '=') {
      return;
    }
    Copy(j);
    std::string quoted = "\"";
    for (char ch : name) {
      quoted += ch;
      if (ch == '"') quoted += '"';
    }
    Replace(colon + 1, quoted + "\" :=");
    prev_ = '=';
    prev_word_.clear();
  }

  void Word() {
    const std::string_view w = WordAt(i_);
    const size_t end = i_ + w.size();
    if (PrefixAlias(end)) return;
    // Whether an ORDER BY or GROUP BY list is being read (for #n).
    if (EqualsIgnoreCase(w, "by") && (prev_word_ == "order" || prev_word_ == "group")) {
      order_list_ = true;
    } else {
      static const char* kListEnds[] = {"select",  "from",  "where",     "having", "limit",
                                        "offset",  "union", "intersect", "except", "window",
                                        "qualify", "fetch", "as"};
      for (const char* k : kListEnds) {
        if (EqualsIgnoreCase(w, k)) order_list_ = false;
      }
    }
    // DuckDB's UNION [ALL] BY NAME: PostgreSQL's grammar has no BY NAME, so
    // the right operand (up to the next set operator, ORDER BY, LIMIT or
    // the end of its parentheses) becomes SELECT * FROM (operand) AS
    // "__llkv_by_name", which the planner unwraps and matches by name.
    if (EqualsIgnoreCase(w, "by") && (prev_word_ == "union" || prev_word_ == "all") &&
        EqualsIgnoreCase(WordAt(SkipTrivia(end)), "name")) {
      const size_t operand = SkipTrivia(SkipTrivia(end) + 4);
      int depth = 0;
      size_t stop = operand;
      for (; stop < in_.size(); stop = SkipTrivia(TokenEnd(stop))) {
        const char c = in_[stop];
        if (c == '(') ++depth;
        if (c == ')' && --depth < 0) break;
        if (c == ';' && depth == 0) break;
        if (depth == 0 && IsWordStart(c)) {
          const std::string_view word = WordAt(stop);
          static const char* kEnds[] = {"union", "intersect", "except", "order",
                                        "limit", "offset",    "fetch"};
          if (std::any_of(std::begin(kEnds), std::end(kEnds),
                          [&](const char* k) { return EqualsIgnoreCase(word, k); })) {
            break;
          }
        }
      }
      // Trailing whitespace stays outside the parentheses.
      size_t body_end = stop;
      while (body_end > operand && std::isspace(static_cast<unsigned char>(in_[body_end - 1])))
        --body_end;
      Replace(operand, "SELECT * FROM (");
      pending_[body_end] += ") AS \"__llkv_by_name\"";
      return;
    }
    // Frames that start after the current row and end before it (ROWS
    // BETWEEN 1 FOLLOWING AND 1 PRECEDING, or AND CURRENT ROW) are empty
    // frames in DuckDB; PostgreSQL's grammar refuses them. The end bound
    // becomes "__llkv_preceding"(n) FOLLOWING, which the window planner
    // reads back as n PRECEDING (CURRENT ROW: 0 PRECEDING).
    if (EqualsIgnoreCase(w, "between") &&
        (prev_word_ == "rows" || prev_word_ == "range" || prev_word_ == "groups")) {
      frame_start_ = true;
      frame_start_following_ = false;
    } else if (frame_start_ && EqualsIgnoreCase(w, "following")) {
      frame_start_following_ = true;
    } else if (frame_start_ && EqualsIgnoreCase(w, "and")) {
      frame_start_ = false;
      if (frame_start_following_) {
        const size_t next = SkipTrivia(end);
        if (EqualsIgnoreCase(WordAt(next), "current") &&
            EqualsIgnoreCase(WordAt(SkipTrivia(next + 7)), "row")) {
          const size_t row = SkipTrivia(next + 7);
          replaced_[next] = {row + 3, "\"__llkv_preceding\"(0) FOLLOWING"};
        } else {
          // The bound's expression runs to the PRECEDING at this depth.
          int depth = 0;
          for (size_t j = next; j < in_.size(); j = SkipTrivia(TokenEnd(j))) {
            if (in_[j] == '(') ++depth;
            if (in_[j] == ')' && --depth < 0) break;
            if (depth == 0 && IsWordStart(in_[j])) {
              const std::string_view word = WordAt(j);
              if (EqualsIgnoreCase(word, "following") || EqualsIgnoreCase(word, "unbounded")) break;
              if (EqualsIgnoreCase(word, "preceding")) {
                pending_[next] += "\"__llkv_preceding\"(";
                replaced_[j] = {j + word.size(), ") FOLLOWING"};
                break;
              }
            }
          }
        }
      }
    }
    // f(ORDER BY k): a call whose only content is its argument ORDER BY
    // (cume_dist(ORDER BY x) OVER w), which PostgreSQL's grammar refuses:
    // an argument "__llkv_no_args"() goes first, and the window planner
    // drops it. (Not OVER (ORDER BY ...) or WINDOW w AS (ORDER BY ...).)
    if (EqualsIgnoreCase(w, "order") && prev_ == '(' &&
        EqualsIgnoreCase(WordAt(SkipTrivia(end)), "by")) {
      const std::string_view before_paren = WordBeforeParen();
      if (!before_paren.empty() && !EqualsIgnoreCase(before_paren, "over") &&
          !EqualsIgnoreCase(before_paren, "as") && !EqualsIgnoreCase(before_paren, "within") &&
          !EqualsIgnoreCase(before_paren, "group")) {
        out_.text.append("\"__llkv_no_args\"() ");
      }
    }
    // IGNORE NULLS / RESPECT NULLS on a window function, inside its
    // parentheses (DuckDB) or after them (SQL:2011): PostgreSQL's grammar
    // has neither, so IGNORE NULLS becomes a last argument
    // "__llkv_ignore_nulls"(), which the window planner takes off; RESPECT
    // NULLS, the default, is dropped.
    if ((EqualsIgnoreCase(w, "ignore") || EqualsIgnoreCase(w, "respect")) &&
        EqualsIgnoreCase(WordAt(SkipTrivia(end)), "nulls")) {
      const size_t after = SkipTrivia(end) + 5;
      const bool ignore = EqualsIgnoreCase(w, "ignore");
      if (prev_ == ')') {
        // f(x) IGNORE NULLS OVER (...): the marker goes before the ')'.
        if (ignore) {
          const size_t close = out_.text.find_last_of(')');
          const bool empty_args =
              out_.text.find_last_not_of(" \t\r\n", close - 1) == out_.text.rfind('(', close);
          out_.text.insert(
              close, empty_args ? "\"__llkv_ignore_nulls\"()" : ", \"__llkv_ignore_nulls\"()");
        }
        Replace(after, "");
      } else {
        Replace(after, ignore ? ", \"__llkv_ignore_nulls\"()" : "");
      }
      return;
    }
    // DuckDB's recursive CTE t(...) USING KEY (k, agg(v) [AS c], ...) AS
    // (body): the list moves into a CTE after it, "__llkv_using_key" AS
    // (SELECT k, agg(v) [AS c], ...), which the parser attaches to t.
    if (EqualsIgnoreCase(w, "using") && EqualsIgnoreCase(WordAt(SkipTrivia(end)), "key")) {
      const size_t open = SkipTrivia(SkipTrivia(end) + 3);
      const size_t close = open < in_.size() && in_[open] == '(' ? MatchingParen(open) : in_.size();
      const size_t as = SkipTrivia(close + 1);
      size_t body =
          as < in_.size() && EqualsIgnoreCase(WordAt(as), "as") ? SkipTrivia(as + 2) : in_.size();
      // AS [NOT] MATERIALIZED (body)
      if (EqualsIgnoreCase(WordAt(body), "not")) body = SkipTrivia(body + 3);
      if (EqualsIgnoreCase(WordAt(body), "materialized")) body = SkipTrivia(body + 12);
      if (close < in_.size() && body < in_.size() && in_[body] == '(') {
        const size_t body_close = MatchingParen(body);
        if (body_close < in_.size()) {
          pending_[body_close + 1] += ", \"__llkv_using_key\" AS (SELECT " +
                                      std::string(in_.substr(open + 1, close - open - 1)) + ")";
          Replace(close + 1, "");
          return;
        }
      }
    }
    // DESCRIBE name / DESCRIBE query / SHOW TABLES (DuckDB): table
    // functions (sql/describe.cc), at a statement's start or in FROM (...).
    if ((statement_start_ || prev_ == '(') &&
        (EqualsIgnoreCase(w, "describe") ||
         (EqualsIgnoreCase(w, "show") && EqualsIgnoreCase(WordAt(SkipTrivia(end)), "tables")))) {
      const size_t j = SkipTrivia(end);
      if (EqualsIgnoreCase(w, "show")) {
        Replace(j + 6, "SELECT * FROM \"__llkv_show_tables\"()");
        Significant(')');
        return;
      }
      const std::string_view next = WordAt(j);
      const bool query = (j < in_.size() && in_[j] == '(') || EqualsIgnoreCase(next, "select") ||
                         EqualsIgnoreCase(next, "from") || EqualsIgnoreCase(next, "with") ||
                         EqualsIgnoreCase(next, "values") || EqualsIgnoreCase(next, "table");
      size_t stop = query ? ExpressionEnd(j, {}) : j;
      if (!query && j < in_.size() && (IsWordStart(in_[j]) || in_[j] == '"')) {
        stop = in_[j] == '"' ? QuotedEnd(j, '"', false) : j + next.size();
      }
      if (stop > j) {
        std::string target(in_.substr(j, stop - j));
        if (!query && target.front() == '"') target = target.substr(1, target.size() - 2);
        std::string literal = "'";
        for (char ch : target) {
          literal += ch;
          if (ch == '\'') literal += '\'';
        }
        Replace(stop, std::string("SELECT * FROM \"") +
                          (query ? "__llkv_describe_query" : "__llkv_describe") + "\"(" + literal +
                          "')");
        Significant(')');
        return;
      }
    }
    // PRAGMA name = value is SET name = value; PRAGMA name (no value) is
    // SET "__llkv_pragma" = 'name' (see settings.h).
    if (EqualsIgnoreCase(w, "pragma") && statement_start_) {
      const size_t j = SkipTrivia(end);
      const std::string_view name = WordAt(j);
      const size_t k = SkipTrivia(j + name.size());
      if (!name.empty() && k < in_.size() && in_[k] == '=') {
        Replace(end, "SET");
        statement_start_ = false;
        prev_word_ = "set";
        return;
      }
      if (!name.empty() && (k >= in_.size() || in_[k] == ';')) {
        Replace(j + name.size(), "SET \"__llkv_pragma\" = '" + std::string(name) + "'");
        Significant('\'');
        statement_start_ = false;
        return;
      }
    }
    // DuckDB's FROM VALUES (...), (...) [alias]: FROM (VALUES ...) alias,
    // named valueslist when no alias follows.
    if (EqualsIgnoreCase(w, "values") &&
        (prev_word_ == "from" || prev_word_ == "join" || (prev_ == ',' && from_depth_ == depth_))) {
      size_t j = SkipTrivia(end), close = in_.size();
      while (j < in_.size() && in_[j] == '(') {
        close = MatchingParen(j);
        if (close >= in_.size()) break;
        j = SkipTrivia(close + 1);
        if (j < in_.size() && in_[j] == ',' && SkipTrivia(j + 1) < in_.size() &&
            in_[SkipTrivia(j + 1)] == '(') {
          j = SkipTrivia(j + 1);
          continue;
        }
        break;
      }
      if (close < in_.size()) {
        pending_[close + 1] += AliasFollows(close) ? ")" : ") AS valueslist";
        Replace(end, "(" + std::string(w));
        prev_word_ = "values";
        return;
      }
    }
    // DuckDB's LIMIT p % / LIMIT p PERCENT: LIMIT "__llkv_percent"(p).
    if (EqualsIgnoreCase(w, "limit")) {
      const size_t stop = ExpressionEnd(end, {"offset"});
      size_t last = in_.size();
      for (size_t j = SkipTrivia(end); j < stop; j = SkipTrivia(TokenEnd(j)))
        last = j;
      if (last < in_.size() && (in_[last] == '%' || EqualsIgnoreCase(WordAt(last), "percent"))) {
        replaced_[last] = {TokenEnd(last), ")"};
        Replace(end, std::string(w) + " \"__llkv_percent\"(");
        Significant('(');
        return;
      }
    }
    // DuckDB's a SEMI JOIN b ON c / ANTI JOIN: an inner join whose
    // condition is wrapped as "__llkv_semi"(c) / "__llkv_anti"(c), which the
    // parser unwraps into the join's kind. (Without ON, left as it is.)
    if ((EqualsIgnoreCase(w, "semi") || EqualsIgnoreCase(w, "anti")) &&
        EqualsIgnoreCase(WordAt(SkipTrivia(end)), "join")) {
      const size_t join_end = SkipTrivia(end) + 4;
      const size_t on = ExpressionEnd(join_end, kJoinItemEnds);
      if (on < in_.size() && EqualsIgnoreCase(WordAt(on), "on")) {
        const size_t cond = on + 2;
        const size_t cond_end = ExpressionEnd(cond, kJoinItemEnds);
        pending_[cond] += EqualsIgnoreCase(w, "semi") ? " \"__llkv_semi\"(" : " \"__llkv_anti\"(";
        pending_[cond_end] += ") ";
        Replace(join_end, "JOIN");
        prev_word_ = "join";
        prev_ = 'n';
        return;
      }
    }
    // DuckDB's ASOF [LEFT | RIGHT | ...] JOIN b ON c: the join without ASOF,
    // its condition wrapped as "__llkv_asof"(c); USING (a, t) becomes
    // ON "__llkv_asof_using"('a', 't'). The parser unwraps both.
    if (EqualsIgnoreCase(w, "asof")) {
      size_t j = SkipTrivia(end);
      while (j < in_.size() && !EqualsIgnoreCase(WordAt(j), "join") &&
             (EqualsIgnoreCase(WordAt(j), "left") || EqualsIgnoreCase(WordAt(j), "right") ||
              EqualsIgnoreCase(WordAt(j), "inner") || EqualsIgnoreCase(WordAt(j), "full") ||
              EqualsIgnoreCase(WordAt(j), "outer"))) {
        j = SkipTrivia(j + WordAt(j).size());
      }
      if (EqualsIgnoreCase(WordAt(j), "join")) {
        const size_t clause = ExpressionEnd(j + 4, kJoinItemEnds);
        const bool on = EqualsIgnoreCase(WordAt(clause), "on");
        if (on) {
          pending_[clause + 2] += " \"__llkv_asof\"(";
          pending_[ExpressionEnd(clause + 2, kJoinItemEnds)] += ") ";
        } else if (EqualsIgnoreCase(WordAt(clause), "using")) {
          asof_using_at_ = clause;
        }
        if (on || asof_using_at_ == clause) {  // (without either, the parser reports ASOF)
          Replace(end, "");
          return;
        }
      }
    }
    if (i_ == asof_using_at_) {
      const size_t open = SkipTrivia(end);
      const size_t close = open < in_.size() && in_[open] == '(' ? MatchingParen(open) : in_.size();
      if (close < in_.size()) {
        std::string names;
        for (size_t k = open + 1; k < close;) {
          k = SkipTrivia(k);
          const size_t stop =
              k < close && in_[k] == '"' ? QuotedEnd(k, '"', false) : k + WordAt(k).size();
          if (stop == k) {
            ++k;
            continue;
          }
          std::string name(in_.substr(k, stop - k));
          if (name.front() == '"') name = name.substr(1, name.size() - 2);
          std::string quoted = "'";
          for (char ch : name) {
            quoted += ch;
            if (ch == '\'') quoted += '\'';
          }
          names += (names.empty() ? "" : ", ") + quoted + "'";
          k = stop;
        }
        Replace(close + 1, "ON \"__llkv_asof_using\"(" + names + ")");
        prev_ = ')';
        prev_word_.clear();
        return;
      }
    }
    // DuckDB's MAP {k: v, ...} literal: "__llkv_map_literal"(k, v, ...).
    if (EqualsIgnoreCase(w, "map") && !statement_start_) {
      const size_t brace = SkipTrivia(end);
      if (brace < in_.size() && in_[brace] == '{') {
        ParenthesizeIfSubscripted(MatchingBrace(brace) + 1);
        Replace(brace + 1, "\"__llkv_map_literal\"(");
        Significant('(');
        statement_start_ = false;
        map_depths_.push_back(++depth_);
        return;
      }
    }
    // DuckDB's STRUCT(a INT, ...) type, and MAP(K, V) where a type goes
    // (after ::, CAST's AS or a column's name; elsewhere map(...) is the
    // function): one quoted name for the parser.
    // ROW(a INT, ...) where a type goes is DuckDB's other name for STRUCT.
    const bool type_position = prev_ == ':' || prev_word_ == "as" ||
                               (IsWordChar(prev_) && !prev_word_.empty() && !ListLiteralStart());
    const bool map_type = EqualsIgnoreCase(w, "map") && type_position;
    const bool row_type = EqualsIgnoreCase(w, "row") && type_position;
    if ((EqualsIgnoreCase(w, "struct") || map_type || row_type) && !statement_start_) {
      const size_t open = SkipTrivia(end);
      if (open < in_.size() && in_[open] == '(') {
        const size_t close = MatchingParen(open);
        if (close < in_.size()) {
          out_.struct_types.emplace_back((row_type ? std::string("STRUCT") : std::string(w)) + "(" +
                                         std::string(in_.substr(open + 1, close - open - 1)) + ")");
          Replace(close + 1, StructTypeName(out_.struct_types.size() - 1));
          Significant('"');
          return;
        }
      }
    }
    // f(x)[1]: see ParenthesizeIfSubscripted.
    if (const size_t open = SkipTrivia(end); open < in_.size() && in_[open] == '(') {
      ParenthesizeIfSubscripted(MatchingParen(open) + 1);
    }
    // COLUMNS(* EXCLUDE ... / REPLACE ...) as a whole select item is the
    // star with its modifiers: the COLUMNS( and its ')' are dropped.
    if (EqualsIgnoreCase(w, "columns") && (prev_word_ == "select" || prev_word_ == "distinct" ||
                                           (prev_ == ',' && select_depth_ == depth_))) {
      const size_t open = SkipTrivia(end);
      const size_t star = open < in_.size() && in_[open] == '(' ? SkipTrivia(open + 1) : open;
      if (star < in_.size() && in_[star] == '*' && star > open) {
        const size_t modifier = SkipTrivia(star + 1);
        const size_t close = MatchingParen(open);
        const size_t after = SkipTrivia(close + 1);
        const bool whole_item = after >= in_.size() || in_[after] == ',' || in_[after] == ';' ||
                                in_[after] == ')' || EqualsIgnoreCase(WordAt(after), "from");
        if (IsWordStart(in_[modifier]) && close < in_.size() && whole_item) {
          replaced_[close] = {close + 1, ""};
          Replace(star, "");
          return;
        }
      }
    }
    const bool after_star = std::exchange(star_modifier_, false);
    // DuckDB's SELECT * EXCLUDE (a, b) and * REPLACE (e AS a): passed on as
    // calls of "__llkv_star_exclude"(a, b) and "__llkv_star_replace"(e, a)
    // after the star, which the parser folds into it.
    // (* EXCEPT (a) is DuckDB's other spelling of EXCLUDE; EXCEPT SELECT
    // stays a set operation.)
    const size_t next = SkipTrivia(end);
    const bool except_columns =
        EqualsIgnoreCase(w, "except") && !EqualsIgnoreCase(WordAt(next), "select") &&
        !EqualsIgnoreCase(WordAt(next), "all") && !EqualsIgnoreCase(WordAt(next), "distinct") &&
        !(next < in_.size() && in_[next] == '(' &&
          EqualsIgnoreCase(WordAt(SkipTrivia(next + 1)), "select"));
    const bool rename = EqualsIgnoreCase(w, "rename");
    if (after_star && (EqualsIgnoreCase(w, "exclude") || except_columns ||
                       EqualsIgnoreCase(w, "replace") || rename)) {
      // (RENAME (a AS b) goes as REPLACE does: "__llkv_star_rename"(a, b).)
      const bool exclude = !EqualsIgnoreCase(w, "replace") && !rename;
      const std::string call = exclude  ? ", \"__llkv_star_exclude\""
                               : rename ? ", \"__llkv_star_rename\""
                                        : ", \"__llkv_star_replace\"";
      const size_t open = SkipTrivia(end);
      prev_ = '"';
      prev_word_.clear();
      if (open < in_.size() && in_[open] == '(') {
        if (!exclude) replace_level_ = depth_ + 1;
        Replace(end, call);
        return;
      }
      size_t name_end = open + WordAt(open).size();
      while (name_end > open && name_end + 1 < in_.size() && in_[name_end] == '.' &&
             IsWordStart(in_[name_end + 1])) {
        name_end += 1 + WordAt(name_end + 1).size();  // EXCLUDE t.a
      }
      if (exclude && name_end > open) {  // EXCLUDE a: one column, unparenthesized
        Replace(name_end, call + "(" + std::string(in_.substr(open, name_end - open)) + ")");
        star_modifier_ = true;
        return;
      }
      if (!exclude) {  // REPLACE e AS a: one column, unparenthesized, to the item's end
        size_t as = std::string_view::npos, stop = open;
        int depth = 0;
        for (; stop < in_.size(); stop = SkipTrivia(TokenEnd(stop))) {
          const char ch = in_[stop];
          if (ch == '(' || ch == '[') ++depth;
          if ((ch == ')' || ch == ']') && depth-- == 0) break;
          if (depth == 0 && (ch == ',' || ch == ';' || EqualsIgnoreCase(WordAt(stop), "from")))
            break;
          if (depth == 0 && EqualsIgnoreCase(WordAt(stop), "as")) as = stop;
        }
        if (as != std::string_view::npos && as > open) {
          std::string_view expr = in_.substr(open, as - open),
                           name = in_.substr(as + 2, stop - as - 2);
          while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back())))
            name.remove_suffix(1);
          Replace(stop, call + "(" + std::string(expr) + ", " + std::string(name) + ")");
          star_modifier_ = true;
          return;
        }
      }
    }
    // DuckDB's * [NOT] LIKE | ILIKE | GLOB | SIMILAR TO 'pattern' [ESCAPE
    // 'e'] [AS 'rename']: the star keeps the columns whose names match,
    // passed on as "__llkv_star_filter"('op', pattern[, escape[, rename]]).
    if (after_star) {
      size_t j = i_;
      std::string op;
      if (EqualsIgnoreCase(w, "not")) {
        op = "not ";
        j = SkipTrivia(end);
      }
      const std::string_view verb = WordAt(j);
      size_t after = j + verb.size();
      if (EqualsIgnoreCase(verb, "similar") && EqualsIgnoreCase(WordAt(SkipTrivia(after)), "to")) {
        op += "similar";
        after = SkipTrivia(after) + 2;
      } else if (EqualsIgnoreCase(verb, "like") || EqualsIgnoreCase(verb, "ilike") ||
                 EqualsIgnoreCase(verb, "glob")) {
        for (char ch : verb)
          op += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      } else {
        op.clear();
      }
      if (!op.empty()) {
        const size_t pattern = SkipTrivia(after);
        size_t stop = pattern < in_.size() ? TokenEnd(pattern) : pattern;
        std::string call = ", \"__llkv_star_filter\"('" + op + "', " +
                           std::string(in_.substr(pattern, stop - pattern));
        std::string escape = "NULL";
        if (EqualsIgnoreCase(WordAt(SkipTrivia(stop)), "escape")) {
          const size_t e = SkipTrivia(SkipTrivia(stop) + 6);
          stop = e < in_.size() ? TokenEnd(e) : e;
          escape = std::string(in_.substr(e, stop - e));
        }
        call += ", " + escape;
        const size_t as = SkipTrivia(stop);
        if (EqualsIgnoreCase(WordAt(as), "as") && SkipTrivia(as + 2) < in_.size()) {
          const size_t r = SkipTrivia(as + 2);
          if (in_[r] == '\'') {  // AS 'c\1': a regular-expression rename
            stop = TokenEnd(r);
            call += ", " + std::string(in_.substr(r, stop - r));
          } else if (IsWordStart(in_[r])) {  // AS name: the one column's name
            stop = r + WordAt(r).size();
            call += ", '" + std::string(in_.substr(r, stop - r)) + "'";
          }
        }
        Replace(stop, call + ")");
        prev_ = ')';
        prev_word_.clear();
        star_modifier_ = true;
        star_depth_ = depth_;
        return;
      }
    }
    if (depth_ == star_depth_) star_depth_ = -1;  // the star's modifiers are over
    // In a star's REPLACE list, "e AS a" becomes the arguments "e, a".
    if (replace_level_ >= 0 && depth_ == replace_level_ && EqualsIgnoreCase(w, "as")) {
      Replace(end, ", ");
      return;
    }
    // DuckDB's QUALIFY cond: PostgreSQL's grammar has no slot for it, so it
    // rides in a window definition, WINDOW "__llkv_qualify" AS (PARTITION BY
    // (cond)), which the parser takes back out. A WINDOW clause comes
    // before QUALIFY; the definition then joins its list.
    if (EqualsIgnoreCase(w, "qualify") && !statement_start_) {
      const size_t stop = ExpressionEnd(
          end, {"order", "limit", "offset", "union", "intersect", "except", "fetch", "window"});
      const bool after_window = window_clause_depth_ == depth_;
      Replace(end, std::string(after_window ? "," : "WINDOW") +
                       " \"__llkv_qualify\" AS (PARTITION BY (");
      pending_[stop] += ")) ";
      prev_ = '(';
      prev_word_.clear();
      return;
    }
    if (EqualsIgnoreCase(w, "window") &&
        EqualsIgnoreCase(WordAt(SkipTrivia(SkipTrivia(end) + WordAt(SkipTrivia(end)).size())),
                         "as")) {
      window_clause_depth_ = depth_;
    }
    if (EqualsIgnoreCase(w, "select")) window_clause_depth_ = -1;
    if (EqualsIgnoreCase(w, "select")) select_depth_ = depth_;
    if (EqualsIgnoreCase(w, "from") && select_depth_ == depth_) select_depth_ = -1;
    // Whether a FROM list is being read at this depth (where a
    // parenthesized SELECT after a comma is a FROM item).
    if (EqualsIgnoreCase(w, "from")) {
      from_depth_ = depth_;
    } else if (depth_ == from_depth_) {
      static const char* kFromEnds[] = {"where",  "group",   "having",    "order",     "limit",
                                        "window", "qualify", "union",     "intersect", "except",
                                        "on",     "using",   "returning", "offset",    "select"};
      for (const char* k : kFromEnds) {
        if (EqualsIgnoreCase(w, k)) from_depth_ = -1;
      }
    }
    const bool at_start = statement_start_;
    statement_start_ = false;
    const char before = prev_;
    const std::string before_word = std::move(prev_word_);
    const std::string two_words_back = std::exchange(prev_prev_word_, before_word);
    prev_ = w.back();
    prev_word_.clear();
    for (char ch : w)
      prev_word_ += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (at_start) {
      statement_verb_.clear();
      for (char ch : w)
        statement_verb_ += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      insert_source_seen_ = false;
    }
    if (prev_word_ == "select" || prev_word_ == "values" || prev_word_ == "default" ||
        prev_word_ == "with") {
      insert_source_seen_ = true;
    }
    // DuckDB's FROM-first query: "FROM t ..." is "SELECT * FROM t ...", and
    // "INSERT INTO t FROM s" inserts "SELECT * FROM s"; so are
    // "CREATE TABLE x AS FROM s" and a subquery "(FROM s)" (but not
    // trim(FROM s), PostgreSQL's trim syntax).
    auto called_trim = [&] {
      const std::string_view name = WordBeforeParen();
      return EqualsIgnoreCase(name, "trim") || EqualsIgnoreCase(name, "btrim") ||
             EqualsIgnoreCase(name, "ltrim") || EqualsIgnoreCase(name, "rtrim");
    };
    const bool query_start = EqualsIgnoreCase(w, "from") &&
                             ((before_word == "as" && statement_verb_ == "create") ||
                              (before == '(' && !called_trim()) ||
                              (before == ')' && statement_verb_ == "with" && AfterCteBody()));
    if (EqualsIgnoreCase(w, "from") &&
        (at_start || query_start || (statement_verb_ == "insert" && !insert_source_seen_))) {
      insert_source_seen_ = true;
      // FROM t SELECT list ...: the select list moves before the FROM list.
      // Both parts go through the rewriter on their own.
      if (FromFirstWithSelect(end)) return;
      Replace(end, "SELECT * FROM");
      return;
    }
    // COLLATE BINARY (SQLite's name; BINARY is a keyword to PostgreSQL):
    // the name quoted.
    if (EqualsIgnoreCase(w, "binary") && before_word == "collate") {
      Replace(end, "\"binary\"");
      return;
    }
    // DuckDB's agg(x) FILTER (cond): PostgreSQL's grammar wants the WHERE.
    if (EqualsIgnoreCase(w, "filter") && before == ')') {
      const size_t open = SkipTrivia(end);
      if (open < in_.size() && in_[open] == '(' &&
          !EqualsIgnoreCase(WordAt(SkipTrivia(open + 1)), "where")) {
        pending_[open + 1] += "WHERE ";
      }
    }
    // DuckDB's agg(x) EXPORT_STATE: the aggregate's state instead of its
    // value. A cast to a type no one can name marks the call; the parser
    // turns it back into Expr::export_state.
    if (EqualsIgnoreCase(w, "export_state") && before == ')') {
      Replace(end, "::\"__llkv_export_state\"");
      return;
    }
    // DuckDB's ORDER BY ALL: the rewriter leaves a 0 in its place, and its
    // offset, for the parser to expand into every output column.
    if (EqualsIgnoreCase(w, "all") && before_word == "by" && two_words_back == "order") {
      out_.order_by_all.insert(out_.text.size());
      out_.text.append("0  ");  // as long as "ALL": offsets stay
      i_ = end;
      return;
    }
    // GROUP BY ALL likewise (but not PostgreSQL's GROUP BY ALL a, b).
    if (EqualsIgnoreCase(w, "all") && before_word == "by" && two_words_back == "group") {
      const size_t next = SkipTrivia(end);
      static const char* kAfter[] = {"having",  "order", "limit",     "offset", "window",
                                     "qualify", "union", "intersect", "except"};
      const std::string_view word = WordAt(next);
      const bool ends = next >= in_.size() || in_[next] == ')' || in_[next] == ';' ||
                        std::any_of(std::begin(kAfter), std::end(kAfter),
                                    [&](const char* k) { return EqualsIgnoreCase(word, k); });
      if (ends) {
        out_.group_by_all.insert(out_.text.size());
        out_.text.append("0  ");
        i_ = end;
        return;
      }
    }
    // DuckDB's TRY_CAST: a CAST whose failures are NULL.
    if (EqualsIgnoreCase(w, "try_cast") && SkipTrivia(end) < in_.size() &&
        in_[SkipTrivia(end)] == '(') {
      out_.text.append("    ");  // as long as "TRY_": offsets stay
      out_.try_casts.insert(out_.text.size());
      out_.text.append("CAST");
      i_ = end;
      return;
    }
    // DuckDB's INTERVAL 3 DAYS (a number and a unit, unquoted):
    // INTERVAL '3 DAYS', which PostgreSQL's grammar reads as a cast.
    if (EqualsIgnoreCase(w, "interval")) {
      size_t j = SkipTrivia(end);
      // INTERVAL (expr) unit: (INTERVAL '1 unit' * (expr)). The expression
      // goes through the rewriter like any other (it may hold a //).
      if (j < in_.size() && in_[j] == '(') {
        const size_t close = MatchingParen(j);
        const size_t u = SkipTrivia(close + 1);
        std::string unit(WordAt(u));
        for (char& ch : unit)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (close < in_.size() && IsIntervalUnit(unit)) {
          Replace(end, "(INTERVAL '1 " + unit + "' *");
          replaced_[u] = {u + unit.size(), ")"};
          prev_ = '*';
          prev_word_.clear();
          return;
        }
      }
      // INTERVAL '90' QUARTER (a unit PostgreSQL's grammar does not have,
      // which it would read as a column alias): INTERVAL '90 QUARTER'.
      if (j < in_.size() && in_[j] == '\'') {
        const size_t close = QuotedEnd(j, '\'', false);
        const size_t u = SkipTrivia(close);
        std::string unit(WordAt(u));
        for (char& ch : unit)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        static const char* kGrammarUnits[] = {"year", "month", "day", "hour", "minute", "second"};
        const bool grammar_unit = std::any_of(std::begin(kGrammarUnits), std::end(kGrammarUnits),
                                              [&](const char* g) { return unit == g; });
        if (close <= in_.size() && !unit.empty() && IsIntervalUnit(unit) && !grammar_unit) {
          Replace(
              u + unit.size(),
              std::string(w) + " " + std::string(in_.substr(j, close - 1 - j)) + " " + unit + "'");
          return;
        }
      }
      size_t k = j;
      if (k < in_.size() && (in_[k] == '-' || in_[k] == '+')) ++k;
      const size_t digits = k;
      while (k < in_.size() && (std::isdigit(static_cast<unsigned char>(in_[k])) || in_[k] == '.'))
        ++k;
      if (k > digits) {
        const size_t u = SkipTrivia(k);
        std::string unit(WordAt(u));
        for (char& ch : unit)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (IsIntervalUnit(unit)) {
          const size_t stop = u + unit.size();
          Replace(stop,
                  std::string(w) + " '" + std::string(in_.substr(j, k - j)) + " " + unit + "'");
          return;
        }
      }
    }
    // SQLite's `x [NOT] GLOB pattern`: an operator PostgreSQL's grammar
    // passes through by name (#~#, !#~#), which the binder maps to glob().
    static const char* kNotOperands[] = {"select", "where",    "and",  "or",     "not",
                                         "on",     "when",     "then", "else",   "having",
                                         "by",     "distinct", "case", "return", "returning",
                                         "set",    "values",   "from", "in"};
    bool keyword_before_glob = false;
    for (const char* k : kNotOperands)
      keyword_before_glob = keyword_before_glob || before_word == k;
    const bool after_operand_char =
        !keyword_before_glob && (std::isalnum(static_cast<unsigned char>(before)) ||
                                 before == ')' || before == '"' || before == '\'' || before == '_');
    const size_t after_glob = SkipTrivia(end);
    if (EqualsIgnoreCase(w, "glob") && after_operand_char && before_word != "not" &&
        (after_glob >= in_.size() || in_[after_glob] != '(')) {
      Replace(end, "#~#");
      return;
    }
    if (EqualsIgnoreCase(w, "not") && after_operand_char &&
        EqualsIgnoreCase(WordAt(SkipTrivia(end)), "glob")) {
      const size_t g = SkipTrivia(end);
      Replace(g + 4, "!#~#");
      return;
    }
    if (EqualsIgnoreCase(w, "not")) {
      const size_t j = SkipTrivia(end);
      const std::string_view next = WordAt(j);
      // SQLite's table hint "NOT INDEXED" changes no result: drop it.
      if (EqualsIgnoreCase(next, "indexed")) {
        Replace(j + next.size(), std::string(j + next.size() - i_, ' '));
        prev_ = before;
        return;
      }
      // SQLite's postfix "x NOT NULL" (outside column definitions).
      static const char* kOperandStarts[] = {
          "where",  "and", "or",       "not", "select", "on",   "when", "then",    "else",
          "having", "by",  "distinct", "all", "is",     "case", "in",   "between", "like"};
      bool keyword_before = false;
      for (const char* k : kOperandStarts)
        keyword_before = keyword_before || before_word == k;
      const bool after_operand =
          !keyword_before && (std::isalnum(static_cast<unsigned char>(before)) || before == ')' ||
                              before == '"' || before == '\'' || before == '_');
      if (EqualsIgnoreCase(next, "null") && after_operand && statement_verb_ != "create" &&
          statement_verb_ != "alter") {
        Replace(end, "IS NOT");
        return;
      }
    }
    // GENERATED ALWAYS AS (expr) VIRTUAL (DuckDB, SQLite): LLKV stores
    // generated columns; PostgreSQL's grammar knows only STORED.
    if (EqualsIgnoreCase(w, "virtual") && before == ')' && statement_verb_ == "create") {
      Replace(end, "STORED ");
      return;
    }
    if (EqualsIgnoreCase(w, "indexed") && EqualsIgnoreCase(WordAt(SkipTrivia(end)), "by")) {
      // SQLite's "INDEXED BY name" hint: the planner chooses indexes itself.
      const size_t by = SkipTrivia(end);
      const size_t name = SkipTrivia(by + 2);
      const size_t stop = name + WordAt(name).size();
      Replace(stop, std::string(stop - i_, ' '));
      prev_ = before;
      return;
    }
    if (at_start && EqualsIgnoreCase(w, "insert")) {
      const size_t j = SkipTrivia(end);
      if (EqualsIgnoreCase(WordAt(j), "or")) {
        const size_t k = SkipTrivia(j + 2);
        const std::string_view action = WordAt(k);
        const bool replace = EqualsIgnoreCase(action, "replace");
        if (replace || EqualsIgnoreCase(action, "ignore")) {
          out_.insert_actions[out_.text.size()] =
              replace ? ConflictAction::kReplace : ConflictAction::kNothing;
          Copy(end);
          // Blank out "OR REPLACE" in place: offsets stay the same.
          out_.text.append(k + action.size() - i_, ' ');
          i_ = k + action.size();
          return;
        }
      }
    }
    if (at_start && EqualsIgnoreCase(w, "create")) {
      // CREATE OR REPLACE [TEMP|TEMPORARY] TABLE: "OR REPLACE" is blanked in
      // place and the flag kept for the parser.
      {
        const size_t o = SkipTrivia(end);
        const size_t r = SkipTrivia(o + WordAt(o).size());
        size_t t = SkipTrivia(r + WordAt(r).size());
        if (EqualsIgnoreCase(WordAt(t), "temp") || EqualsIgnoreCase(WordAt(t), "temporary")) {
          t = SkipTrivia(t + WordAt(t).size());
        }
        if (EqualsIgnoreCase(WordAt(o), "or") && EqualsIgnoreCase(WordAt(r), "replace") &&
            EqualsIgnoreCase(WordAt(t), "table")) {
          out_.table_or_replace.insert(out_.text.size());
          Copy(o);
          const size_t stop = r + WordAt(r).size();
          out_.text.append(stop - o, ' ');
          i_ = stop;
          return;
        }
      }
      // CREATE [TEMP|TEMPORARY] VIEW IF NOT EXISTS: the words are blanked
      // in place (offsets stay) and the flag kept for the parser.
      size_t j = SkipTrivia(end);
      if (EqualsIgnoreCase(WordAt(j), "temp") || EqualsIgnoreCase(WordAt(j), "temporary")) {
        j = SkipTrivia(j + WordAt(j).size());
      }
      if (EqualsIgnoreCase(WordAt(j), "view")) {
        const size_t k = SkipTrivia(j + 4);
        const size_t l = SkipTrivia(k + WordAt(k).size());
        const size_t m = SkipTrivia(l + WordAt(l).size());
        if (EqualsIgnoreCase(WordAt(k), "if") && EqualsIgnoreCase(WordAt(l), "not") &&
            EqualsIgnoreCase(WordAt(m), "exists")) {
          out_.view_if_not_exists.insert(out_.text.size());
          Copy(k);
          out_.text.append(m + 6 - k, ' ');
          i_ = m + 6;
          return;
        }
      }
    }
    if (at_start && EqualsIgnoreCase(w, "replace") &&
        EqualsIgnoreCase(WordAt(SkipTrivia(end)), "into")) {
      out_.insert_actions[out_.text.size()] = ConflictAction::kReplace;
      out_.text.append("INSERT ");  // as long as "REPLACE"
      i_ = end;
      return;
    }
    if (at_start && EqualsIgnoreCase(w, "reindex")) {
      // SQLite's REINDEX name (an index or a table); PostgreSQL needs the
      // kind, and LLKV resolves the name either way.
      const std::string_view next = WordAt(SkipTrivia(end));
      if (!next.empty() && !EqualsIgnoreCase(next, "index") && !EqualsIgnoreCase(next, "table") &&
          !EqualsIgnoreCase(next, "schema") && !EqualsIgnoreCase(next, "database") &&
          !EqualsIgnoreCase(next, "system")) {
        Copy(end);
        Replace(end, " TABLE");
        return;
      }
    }
    if (EqualsIgnoreCase(w, "in")) {
      const size_t open = SkipTrivia(end);
      // SQLite's "x IN table": the table's single column as a list.
      const std::string_view table = WordAt(open);
      if (!table.empty() && !EqualsIgnoreCase(table, "select") &&
          !EqualsIgnoreCase(table, "values")) {
        size_t table_end = open + table.size();
        while (table_end + 1 < in_.size() && in_[table_end] == '.' &&
               IsWordStart(in_[table_end + 1])) {
          table_end += 1 + WordAt(table_end + 1).size();
        }
        Copy(end);
        Replace(table_end,
                " (SELECT * FROM " + std::string(in_.substr(open, table_end - open)) + ")");
        prev_ = ')';
        return;
      }
      if (open < in_.size() && in_[open] == '(') {
        const size_t close = SkipTrivia(open + 1);
        if (close < in_.size() && in_[close] == ')') {
          Copy(end);
          Replace(close + 1, " (SELECT NULL WHERE FALSE)");
          prev_ = ')';
          return;
        }
      }
    }
    Copy(end);
  }

  std::string_view in_;
  size_t i_ = 0;
  RewrittenSql out_;
  char prev_ = 0;  // last significant character
  bool statement_start_ = true;
  std::string statement_verb_;             // first word of the current statement, lower-case
  std::string prev_word_;                  // the previous token, lower-case, when it was a word
  std::string prev_prev_word_;             // the token before it, likewise
  bool insert_source_seen_ = false;        // an INSERT's SELECT/VALUES has begun
  std::map<size_t, std::string> pending_;  // input position -> text to insert there
  // input position -> (end, text): a token a rewrite replaces when reached.
  std::map<size_t, std::pair<size_t, std::string>> replaced_;
  int depth_ = 0;                       // parentheses open at i_
  bool frame_start_ = false;            // between a frame's BETWEEN and its AND
  bool order_list_ = false;             // reading an ORDER BY or GROUP BY list
  bool frame_start_following_ = false;  // and its start bound is n FOLLOWING
  int unnamed_subqueries_ = 0;
  bool star_modifier_ = false;      // EXCLUDE / REPLACE here would modify a star
  int star_depth_ = -1;             // the depth of the last star
  int replace_level_ = -1;          // depth inside a star's REPLACE (...), or -1
  int window_clause_depth_ = -1;    // depth of the SELECT whose WINDOW clause was seen
  int from_depth_ = -1;             // depth of the FROM list being read, or -1
  int select_depth_ = -1;           // depth of the select list being read, or -1
  std::vector<int> struct_depths_;  // depth inside each open struct literal
  std::vector<int> map_depths_;     // depth inside each open MAP {...} literal
  int statement_marks_ = 0;         // '?' numbered in the current statement
  size_t asof_using_at_ = std::string_view::npos;  // the USING of an ASOF join
};

}  // namespace

size_t RewrittenSql::OriginalOffset(size_t pos) const {
  size_t rewritten = 0, original = 0;
  for (const auto& [r, o] : anchors) {
    if (r > pos) break;
    rewritten = r;
    original = o;
  }
  return original + (pos - rewritten);
}

std::string StructTypeName(size_t i) {
  return fmt::format("\"__llkv_struct_{}\"", i);
}

std::string ReplaceStructTypeNames(std::string text, size_t count,
                                   const std::function<std::string(size_t)>& to) {
  // Highest first: a replacement never produces a name still to replace
  // (Adopt's new numbers are at least the old ones).
  for (size_t j = count; j-- > 0;) {
    const std::string from = StructTypeName(j);
    const std::string replacement = to(j);
    for (size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + replacement.size()))
      text.replace(at, from.size(), replacement);
  }
  return text;
}

RewrittenSql RewriteDialect(std::string_view sql) {
  return Rewriter(sql).Run();
}

std::pair<int, int> LineAndColumn(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  int line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace llkv::sql
