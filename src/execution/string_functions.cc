// Text functions of the library: concat, concat_ws, lpad, rpad, left,
// right, reverse, repeat, split_part, starts_with, ends_with, contains,
// ascii, chr, md5, hash, typeof, printf, format, translate, bit_length,
// glob, regexp_matches, regexp_full_match, regexp_replace,
// regexp_extract, similar_to (RE2, Debian's libre2-dev). Lengths and
// positions count characters (UTF-8 code points), not bytes.
#include <fmt/args.h>
#include <re2/re2.h>
#include <xxhash.h>

#include <charconv>
#include <cstring>
#include <memory>

#include "common/md5.h"
#include "execution/expression.h"
#include "execution/function_registry.h"
#include "llkv/arrow/builder.h"

namespace llkv::execution {

namespace {

// `s` split at each occurrence of `sep`; an empty `sep` splits it into its
// characters (DuckDB's string_split and split_part).
std::vector<std::string> SplitText(const std::string& s, const std::string& sep) {
  std::vector<std::string> parts;
  if (sep.empty()) {
    for (size_t i = 0; i < s.size();) {
      size_t n = 1;
      while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80)
        ++n;
      parts.push_back(s.substr(i, n));
      i += n;
    }
    return parts;
  }
  size_t start = 0;
  for (size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + sep.size())
    parts.push_back(s.substr(start, at - start));
  parts.push_back(s.substr(start));
  return parts;
}

// Byte offsets of the code points of `s` (and s.size() at the end).
std::vector<size_t> CodePoints(std::string_view s) {
  std::vector<size_t> at;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) at.push_back(i);
  }
  at.push_back(s.size());
  return at;
}

size_t Chars(std::string_view s) {
  return CodePoints(s).size() - 1;
}

// Characters [from, to) of s.
std::string Substr(std::string_view s, size_t from, size_t to) {
  const auto at = CodePoints(s);
  const size_t n = at.size() - 1;
  from = std::min(from, n);
  to = std::min(std::max(to, from), n);
  return std::string(s.substr(at[from], at[to] - at[from]));
}

// `types` all text (NULL allowed) after converting other types to text.
FunctionBinding TextArgs(const std::string& name, const std::vector<arrow::TypePtr>& types,
                         const arrow::TypePtr& result) {
  for (const auto& t : types) {
    if (t->id() == arrow::TypeId::kBinary) NoMatch(name, types);
  }
  return AllAs(types, arrow::utf8(), result);
}

std::string Pad(const std::string& s, int64_t n, const std::string& fill, bool left) {
  if (n < 0) n = 0;
  if (n > (int64_t{1} << 30))
    Fail(ErrorKind::kOutOfRange, "padding to {} characters is beyond 1 GiB", n);
  const size_t len = Chars(s);
  if (static_cast<size_t>(n) <= len) return Substr(s, 0, static_cast<size_t>(n));
  if (fill.empty()) return s;
  const auto fill_at = CodePoints(fill);
  const size_t fill_chars = fill_at.size() - 1;
  std::string pad;
  for (size_t i = 0; i < static_cast<size_t>(n) - len; ++i) {
    const size_t c = i % fill_chars;
    pad.append(fill, fill_at[c], fill_at[c + 1] - fill_at[c]);
  }
  return left ? pad + s : s + pad;
}

// A compiled pattern, kept while the next row uses the same one.
class PatternCache {
 public:
  const RE2& Get(const std::string& pattern, const std::string& flags, bool literal = false) {
    if (!re_ || pattern != pattern_ || flags != flags_) {
      RE2::Options options;
      options.set_log_errors(false);
      options.set_literal(literal);
      for (char f : flags) {
        if (f == 'i') {
          options.set_case_sensitive(false);
        } else if (f == 'c') {
          options.set_case_sensitive(true);
        } else if (f == 's') {
          options.set_dot_nl(true);
        } else if (f == 'n' || f == 'p') {
          options.set_never_nl(false);
        } else if (f != 'g') {
          Fail(ErrorKind::kInvalidInput, "unrecognized regex option '{}'", f);
        }
      }
      auto re = std::make_unique<RE2>(pattern, options);
      if (!re->ok()) {
        Fail(ErrorKind::kInvalidInput, "{} (in the regular expression '{}')", re->error(), pattern);
      }
      re_ = std::move(re);
      pattern_ = pattern;
      flags_ = flags;
    }
    return *re_;
  }

 private:
  std::unique_ptr<RE2> re_;
  std::string pattern_, flags_;
};

// The calling thread's cache (kernels may run on several threads).
PatternCache& Cache() {
  thread_local PatternCache cache;
  return cache;
}

// SQLite's GLOB: * any text, ? one character, [...] a set ([^...] not),
// case-sensitive, on characters.
bool Glob(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  auto char_len = [](std::string_view t, size_t i) {
    size_t n = 1;
    while (i + n < t.size() && (static_cast<unsigned char>(t[i + n]) & 0xC0) == 0x80)
      ++n;
    return n;
  };
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (pi < p.size()) {
      const size_t sl = char_len(s, si);
      if (p[pi] == '?') {
        ++pi;
        si += sl;
        continue;
      }
      if (p[pi] == '[') {
        size_t q = pi + 1;
        const bool negate = q < p.size() && p[q] == '^';
        if (negate) ++q;
        bool matched = false;
        const std::string_view c = s.substr(si, sl);
        bool first = true;
        while (q < p.size() && (p[q] != ']' || first)) {
          first = false;
          const size_t pl = char_len(p, q);
          if (q + pl + 1 < p.size() && p[q + pl] == '-' && p[q + pl + 1] != ']') {
            const std::string_view lo = p.substr(q, pl);
            const size_t hl = char_len(p, q + pl + 1);
            const std::string_view hi = p.substr(q + pl + 1, hl);
            if (c >= lo && c <= hi) matched = true;
            q += pl + 1 + hl;
          } else {
            if (p.substr(q, pl) == c) matched = true;
            q += pl;
          }
        }
        if (q < p.size() && matched != negate) {
          pi = q + 1;
          si += sl;
          continue;
        }
      } else {
        const size_t pl = char_len(p, pi);
        if (p.substr(pi, pl) == s.substr(si, sl)) {
          pi += pl;
          si += sl;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = star_s + char_len(s, star_s);
    star_s = si;
  }
  while (pi < p.size() && p[pi] == '*')
    ++pi;
  return pi == p.size();
}

// SIMILAR TO's pattern as an RE2 pattern: % is .*, _ is ., the escape
// character quotes the next one; the rest is already regex syntax.
std::string SimilarToRegex(const std::string& pattern, const std::string& escape) {
  std::string out = "(?s:";
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (!escape.empty() && c == escape[0] && i + 1 < pattern.size()) {
      out += RE2::QuoteMeta(std::string(1, pattern[++i]));
    } else if (c == '%') {
      out += ".*";
    } else if (c == '_') {
      out += ".";
    } else {
      out += c;
    }
  }
  return out + ")";
}

// snprintf of one value into a string of whatever length it needs.
template <typename T>
std::string CFormat(const std::string& spec, T value) {
  const int n = std::snprintf(nullptr, 0, spec.c_str(), value);
  if (n < 0) Fail(ErrorKind::kInvalidInput, "printf: bad format '{}'", spec);
  std::string out(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(out.data(), out.size(), spec.c_str(), value);
  out.resize(static_cast<size_t>(n));
  return out;
}

// %s with flags, width and precision, counted in characters; the text may
// hold any byte, NUL included.
std::string FormatText(const std::string& spec, const std::string& text) {
  bool left = false;
  size_t i = 1;
  for (; i < spec.size() && std::strchr("-+ #0", spec[i]) != nullptr; ++i)
    left = left || spec[i] == '-';
  size_t width = 0;
  for (; i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i])); ++i)
    width = width * 10 + static_cast<size_t>(spec[i] - '0');
  std::string body = text;
  if (i < spec.size() && spec[i] == '.') {
    size_t precision = 0;
    for (++i; i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i])); ++i)
      precision = precision * 10 + static_cast<size_t>(spec[i] - '0');
    const std::vector<size_t> at = CodePoints(body);
    if (precision + 1 < at.size()) body.resize(at[precision]);
  }
  const size_t chars = CodePoints(body).size() - 1;
  if (chars >= width) return body;
  const std::string pad(width - chars, ' ');
  return left ? body + pad : pad + body;
}

// printf's formatting of one argument by one conversion (%d, %s, %f, ...).
// The C length modifiers (h, hh, l, ll, z, j, t) are accepted and ignored:
// integers are 64-bit.
std::string Printf(const std::string& format, const std::vector<Value>& args) {
  std::string out;
  size_t next = 1;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < format.size() && std::strchr("-+ #0123456789.", format[j]) != nullptr)
      ++j;
    const std::string spec = format.substr(i, j - i);
    while (j < format.size() && std::strchr("hlzjtqL", format[j]) != nullptr)
      ++j;
    if (j >= format.size())
      Fail(ErrorKind::kInvalidInput, "printf: incomplete format '{}'", format);
    const char conv = format[j];
    if (next >= args.size()) {
      Fail(ErrorKind::kInvalidInput, "printf: format '{}' needs more arguments", format);
    }
    const Value& v = args[next++];
    switch (conv) {
      case 'd':
      case 'i':
      case 'x':
      case 'X':
      case 'o':
      case 'c': {
        const bool boolean = !v.is_null() && v.type()->id() == arrow::TypeId::kBool;
        if (v.is_null() || (!v.type()->is_integer() && !boolean)) {
          Fail(ErrorKind::kInvalidInput, "printf: %{} needs an integer, not {}", conv,
               v.ToString());
        }
        const long long n = boolean ? (v.boolean() ? 1 : 0) : static_cast<long long>(v.int64());
        out += CFormat(spec + "ll" + conv, n);
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G': {
        if (v.is_null() || !IsNumericType(*v.type())) {
          Fail(ErrorKind::kInvalidInput, "printf: %{} needs a number, not {}", conv, v.ToString());
        }
        const double d = v.type()->is_integer()    ? static_cast<double>(v.int64())
                         : v.type()->is_floating() ? v.float64()
                                                   : std::stod(v.ToString());
        out += CFormat(spec + conv, d);
        break;
      }
      case 's':
        out += FormatText(spec, v.is_null() ? "NULL" : v.ToString());
        break;
      default:
        Fail(ErrorKind::kInvalidInput, "printf: unsupported conversion %{}", conv);
    }
    i = j;
  }
  return out;
}

// `bytes` in the largest unit of `base` (1024: KiB ...; 1000: kB ...) it
// reaches, with one decimal digit, truncated: 1023.9 KiB for 2^20 - 1.
std::string FormatBytes(int64_t bytes, uint64_t base) {
  static const char* kBinary[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
  static const char* kDecimal[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
  const char** units = base == 1024 ? kBinary : kDecimal;
  const std::string sign = bytes < 0 ? "-" : "";
  const uint64_t magnitude =
      bytes < 0 ? static_cast<uint64_t>(-(bytes + 1)) + 1 : static_cast<uint64_t>(bytes);
  if (magnitude < base)
    return fmt::format("{}{} {}", sign, magnitude, magnitude == 1 ? "byte" : "bytes");
  uint64_t unit = base;
  int level = 1;
  while (level < 5 && magnitude / unit >= base) {
    unit *= base;
    ++level;
  }
  const uint64_t whole = magnitude / unit;
  const auto digit = static_cast<uint64_t>(static_cast<unsigned __int128>(magnitude % unit) * 10 /
                                           unit);  // no overflow
  return fmt::format("{}{}.{} {}", sign, whole, digit, units[level]);
}

// DuckDB's memory sizes ("1.5 GiB", "2 MB", "1e3 b") in bytes.
int64_t ParseFormattedBytes(std::string_view text) {
  std::string_view t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front())))
    t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back())))
    t.remove_suffix(1);
  if (!t.empty() && t[0] == '-') Fail(ErrorKind::kInvalidInput, "Memory cannot be negative");
  size_t end = 0;
  while (end < t.size() && (std::isdigit(static_cast<unsigned char>(t[end])) || t[end] == '.' ||
                            ((t[end] == 'e' || t[end] == 'E') && end > 0 &&
                             std::isdigit(static_cast<unsigned char>(t[end - 1])))))
    ++end;
  const std::string_view number = t.substr(0, end);
  if (number.find_first_of("0123456789") == std::string_view::npos) {
    Fail(ErrorKind::kInvalidInput, "Memory must have a number (e.g. 1GB)");
  }
  double value = 0;
  auto [stop, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || stop != number.data() + number.size()) {
    Fail(ErrorKind::kInvalidInput, "Invalid memory limit: '{}'", number);
  }
  std::string unit;
  for (char c : t.substr(end)) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  static const std::pair<const char*, double> kUnits[] = {{"b", 1},
                                                          {"byte", 1},
                                                          {"bytes", 1},
                                                          {"kb", 1e3},
                                                          {"mb", 1e6},
                                                          {"gb", 1e9},
                                                          {"tb", 1e12},
                                                          {"pb", 1e15},
                                                          {"kib", 1024.0},
                                                          {"mib", 1048576.0},
                                                          {"gib", 1073741824.0},
                                                          {"tib", 1099511627776.0},
                                                          {"pib", 1125899906842624.0}};
  for (const auto& [name, factor] : kUnits) {
    if (unit != name) continue;
    const double bytes = value * factor;
    if (!(bytes < 9223372036854775807.0)) {
      Fail(ErrorKind::kInvalidInput, "Memory value out of range: value is too large");
    }
    return static_cast<int64_t>(bytes);
  }
  Fail(ErrorKind::kInvalidInput,
       "Unknown unit for memory: '{}' (expected: KB, MB, GB, TB for 1000^i units or KiB, MiB, "
       "GiB, TiB for 1024^i units)",
       unit);
}

}  // namespace

void RegisterTextFunction(FunctionRegistry& r, std::initializer_list<const char*> names,
                          std::string kinds, arrow::TypePtr result, RowFunction f,
                          bool propagate_nulls) {
  for (const char* name : names) {
    ScalarFunction fn;
    fn.name = name;
    fn.bind = [n = std::string(name), kinds, result](const std::vector<arrow::TypePtr>& types) {
      size_t required = 0;
      for (char k : kinds)
        required += std::isupper(static_cast<unsigned char>(k)) ? 1 : 0;
      CheckArity(n, types, required, static_cast<long>(kinds.size()));
      FunctionBinding b;
      for (size_t i = 0; i < types.size(); ++i) {
        const char k = static_cast<char>(std::toupper(static_cast<unsigned char>(kinds[i])));
        if (k == 'I') {
          if (!types[i]->is_integer() && !IsNullType(*types[i])) NoMatch(n, types);
          b.arg_types.push_back(arrow::int64());
        } else if (k == 'D') {
          const bool number = types[i]->is_integer() || types[i]->is_floating() ||
                              types[i]->id() == arrow::TypeId::kDecimal128;
          if (!number && !IsNullType(*types[i])) NoMatch(n, types);
          b.arg_types.push_back(arrow::float64());
        } else {
          if (types[i]->id() == arrow::TypeId::kBinary) NoMatch(n, types);
          b.arg_types.push_back(arrow::utf8());
        }
      }
      b.result = result;
      return b;
    };
    fn.kernel = RowKernel(f, propagate_nulls);
    r[name] = std::move(fn);
  }
}

void RegisterStringFunctions(FunctionRegistry& r) {
  // concat and concat_ws skip NULL arguments (concat_ws: NULL separator is NULL).
  {
    ScalarFunction fn;
    fn.name = "concat";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("concat", types, 1, -1);
      return TextArgs("concat", types, arrow::utf8());
    };
    fn.kernel = RowKernel(
        [](const std::vector<Value>& args, const arrow::TypePtr&) {
          std::string out;
          for (const auto& a : args)
            if (!a.is_null()) out += a.str();
          return Value::String(out);
        },
        false);
    r["concat"] = std::move(fn);
  }
  {
    ScalarFunction fn;
    fn.name = "concat_ws";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("concat_ws", types, 2, -1);
      return TextArgs("concat_ws", types, arrow::utf8());
    };
    fn.kernel = RowKernel(
        [](const std::vector<Value>& args, const arrow::TypePtr&) {
          if (args[0].is_null()) return Value::Null(arrow::utf8());
          std::string out;
          bool first = true;
          for (size_t i = 1; i < args.size(); ++i) {
            if (args[i].is_null()) continue;
            if (!first) out += args[0].str();
            out += args[i].str();
            first = false;
          }
          return Value::String(out);
        },
        false);
    r["concat_ws"] = std::move(fn);
  }
  RegisterTextFunction(
      r, {"lpad"}, "TIt", arrow::utf8(), [](const std::vector<Value>& a, const arrow::TypePtr&) {
        return Value::String(Pad(a[0].str(), a[1].int64(), a.size() > 2 ? a[2].str() : " ", true));
      });
  RegisterTextFunction(
      r, {"rpad"}, "TIt", arrow::utf8(), [](const std::vector<Value>& a, const arrow::TypePtr&) {
        return Value::String(Pad(a[0].str(), a[1].int64(), a.size() > 2 ? a[2].str() : " ", false));
      });
  RegisterTextFunction(r, {"left", "left_grapheme"}, "TI", arrow::utf8(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         const int64_t n = a[1].int64();
                         const size_t len = Chars(a[0].str());
                         const size_t take = n >= 0 ? static_cast<size_t>(n)
                                                    : len - std::min(len, static_cast<size_t>(-n));
                         return Value::String(Substr(a[0].str(), 0, take));
                       });
  RegisterTextFunction(r, {"right", "right_grapheme"}, "TI", arrow::utf8(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         const int64_t n = a[1].int64();
                         const size_t len = Chars(a[0].str());
                         const size_t take = n >= 0 ? std::min(len, static_cast<size_t>(n))
                                                    : len - std::min(len, static_cast<size_t>(-n));
                         return Value::String(Substr(a[0].str(), len - take, len));
                       });
  RegisterTextFunction(r, {"reverse"}, "T", arrow::utf8(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         const std::string& s = a[0].str();
                         const auto at = CodePoints(s);
                         std::string out;
                         for (size_t c = at.size() - 1; c-- > 0;)
                           out.append(s, at[c], at[c + 1] - at[c]);
                         return Value::String(out);
                       });
  RegisterTextFunction(
      r, {"repeat"}, "TI", arrow::utf8(), [](const std::vector<Value>& a, const arrow::TypePtr&) {
        const int64_t n = a[1].int64();
        if (n > 0 && a[0].str().size() * static_cast<size_t>(n) > (size_t{1} << 30)) {
          Fail(ErrorKind::kOutOfRange, "repeat() would make a text of more than 1 GiB");
        }
        std::string out;
        for (int64_t i = 0; i < n; ++i)
          out += a[0].str();
        return Value::String(out);
      });
  RegisterTextFunction(r, {"split_part"}, "TTI", arrow::utf8(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         const std::string& s = a[0].str();
                         const std::string& d = a[1].str();
                         int64_t index = a[2].int64();
                         const std::vector<std::string> parts = SplitText(s, d);
                         const auto n = static_cast<int64_t>(parts.size());
                         if (index < 0) index = n + 1 + index;
                         if (index < 1 || index > n) return Value::String("");
                         return Value::String(parts[static_cast<size_t>(index - 1)]);
                       });
  RegisterTextFunction(r, {"starts_with", "prefix"}, "TT", arrow::boolean(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return Value::Bool(a[0].str().starts_with(a[1].str()));
                       });
  RegisterTextFunction(r, {"ends_with", "suffix"}, "TT", arrow::boolean(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return Value::Bool(a[0].str().ends_with(a[1].str()));
                       });
  RegisterTextFunction(r, {"contains"}, "TT", arrow::boolean(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return Value::Bool(a[0].str().find(a[1].str()) != std::string::npos);
                       });
  // The code point of the first character; of '': 0 for ascii (as
  // PostgreSQL), -1 for unicode (DuckDB's documented value: 0 is NUL's).
  for (const bool unicode : {false, true}) {
    RegisterTextFunction(r, {unicode ? "unicode" : "ascii"}, "T", arrow::int64(),
                         [unicode](const std::vector<Value>& a, const arrow::TypePtr&) {
                           const std::string& s = a[0].str();
                           if (s.empty()) return Value::Int64(unicode ? -1 : 0);
                           const auto c = static_cast<unsigned char>(s[0]);
                           int64_t cp = c;
                           size_t extra = 0;
                           if (c >= 0xF0) {
                             cp = c & 0x07, extra = 3;
                           } else if (c >= 0xE0) {
                             cp = c & 0x0F, extra = 2;
                           } else if (c >= 0xC0) {
                             cp = c & 0x1F, extra = 1;
                           }
                           for (size_t i = 1; i <= extra && i < s.size(); ++i)
                             cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
                           return Value::Int64(cp);
                         });
  }
  RegisterTextFunction(r, {"chr"}, "I", arrow::utf8(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         const int64_t cp = a[0].int64();
                         if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                           Fail(ErrorKind::kInvalidInput, "chr({}): not a Unicode code point", cp);
                         }
                         std::string out;
                         if (cp < 0x80) {
                           out += static_cast<char>(cp);
                         } else if (cp < 0x800) {
                           out += static_cast<char>(0xC0 | (cp >> 6));
                           out += static_cast<char>(0x80 | (cp & 0x3F));
                         } else if (cp < 0x10000) {
                           out += static_cast<char>(0xE0 | (cp >> 12));
                           out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                           out += static_cast<char>(0x80 | (cp & 0x3F));
                         } else {
                           out += static_cast<char>(0xF0 | (cp >> 18));
                           out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
                           out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                           out += static_cast<char>(0x80 | (cp & 0x3F));
                         }
                         return Value::String(out);
                       });
  RegisterTextFunction(r, {"md5"}, "T", arrow::utf8(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         Md5 md5;
                         md5.Update(a[0].str());
                         return Value::String(md5.HexDigest());
                       });
  RegisterTextFunction(r, {"bit_length"}, "T", arrow::int64(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return Value::Int64(static_cast<int64_t>(a[0].str().size() * 8));
                       });
  // overlay(s PLACING r FROM start [FOR n]): s with n characters from
  // `start` (1-based; n defaults to r's length) replaced by r.
  RegisterTextFunction(
      r, {"overlay"}, "TTIi", arrow::utf8(),
      [](const std::vector<Value>& a, const arrow::TypePtr&) {
        const std::string& s = a[0].str();
        const std::string& with = a[1].str();
        // As PostgreSQL: substring(s, 1, start - 1) || r ||
        // substring(s, start + n), positions before the
        // first character clipped.
        const int64_t start = a[2].int64() - 1;
        const int64_t n = a.size() > 3 ? a[3].int64() : static_cast<int64_t>(Chars(with));
        const auto clip = [](int64_t x) { return static_cast<size_t>(std::max<int64_t>(x, 0)); };
        return Value::String(Substr(s, 0, clip(start)) + with +
                             Substr(s, clip(start + n), SIZE_MAX));
      });
  RegisterTextFunction(r, {"format_bytes", "pg_size_pretty", "formatreadablesize"}, "I",
                       arrow::utf8(), [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return Value::String(FormatBytes(a[0].int64(), 1024));
                       });
  RegisterTextFunction(r, {"formatreadabledecimalsize"}, "I", arrow::utf8(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return Value::String(FormatBytes(a[0].int64(), 1000));
                       });
  RegisterTextFunction(r, {"parse_formatted_bytes"}, "T", arrow::int64(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return Value::Int64(ParseFormattedBytes(a[0].str()));
                       });
  RegisterTextFunction(r, {"regexp_escape"}, "T", arrow::utf8(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return Value::String(RE2::QuoteMeta(a[0].str()));
                       });
  RegisterTextFunction(
      r, {"translate"}, "TTT", arrow::utf8(),
      [](const std::vector<Value>& a, const arrow::TypePtr&) {
        const std::string& s = a[0].str();
        const std::string& from = a[1].str();
        const std::string& to = a[2].str();
        const auto s_at = CodePoints(s), f_at = CodePoints(from), t_at = CodePoints(to);
        std::string out;
        for (size_t c = 0; c + 1 < s_at.size(); ++c) {
          const std::string_view ch(s.data() + s_at[c], s_at[c + 1] - s_at[c]);
          size_t k = 0;
          for (; k + 1 < f_at.size(); ++k) {
            if (std::string_view(from.data() + f_at[k], f_at[k + 1] - f_at[k]) == ch) break;
          }
          if (k + 1 == f_at.size()) {
            out += ch;
          } else if (k + 1 < t_at.size()) {
            out.append(to, t_at[k], t_at[k + 1] - t_at[k]);
          }
        }
        return Value::String(out);
      });
  // glob(pattern, text): SQLite's order (text GLOB pattern).
  RegisterTextFunction(r, {"glob"}, "TT", arrow::boolean(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return Value::Bool(Glob(a[0].str(), a[1].str()));
                       });
  {
    // hash(args...): a 64-bit hash of the values (XXH3 of their encoding).
    ScalarFunction fn;
    fn.name = "hash";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("hash", types, 1, -1);
      return FunctionBinding{types, arrow::int64()};
    };
    fn.kernel = RowKernel(
        [](const std::vector<Value>& args, const arrow::TypePtr&) {
          std::string key;
          for (const auto& a : args)
            EncodeValueKey(a, &key);
          return Value::Int64(static_cast<int64_t>(XXH3_64bits(key.data(), key.size())));
        },
        false);
    r["hash"] = std::move(fn);
  }
  {
    ScalarFunction fn;
    fn.name = "typeof";
    fn.any_timestamp_unit = true;
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("typeof", types, 1, 1);
      return FunctionBinding{types, arrow::utf8()};
    };
    fn.kernel = [](const std::vector<arrow::ArrayDataPtr>& args, const arrow::TypePtr&,
                   int64_t rows) {
      return Value::String(SqlTypeName(*args[0]->type)).ToArray(rows);
    };
    r["typeof"] = std::move(fn);
  }
  {
    // error(message): an Invalid Input Error with the message, for any row
    // that reaches it (a CASE branch only for its own rows). Its type is
    // NULL's, which takes the type of whatever it is combined with.
    ScalarFunction fn;
    fn.name = "error";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("error", types, 1, 1);
      return FunctionBinding{{arrow::utf8()}, arrow::null()};
    };
    fn.kernel = [](const std::vector<arrow::ArrayDataPtr>& args, const arrow::TypePtr& type,
                   int64_t rows) {
      if (rows > 0) {
        const Value message = Value::FromArray(*args[0], 0);
        Fail(ErrorKind::kInvalidInput, "{}", message.is_null() ? "NULL" : message.str());
      }
      return Value::Null(type).ToArray(rows);
    };
    r["error"] = std::move(fn);
  }
  for (const char* name : {"printf", "format"}) {
    ScalarFunction fn;
    fn.name = name;
    const bool printf_style = name[0] == 'p';
    fn.bind = [n = std::string(name)](const std::vector<arrow::TypePtr>& types) {
      CheckArity(n, types, 1, -1);
      FunctionBinding b{types, arrow::utf8()};
      b.arg_types[0] = arrow::utf8();
      return b;
    };
    fn.kernel = RowKernel(
        [printf_style](const std::vector<Value>& args, const arrow::TypePtr&) {
          if (args[0].is_null()) return Value::Null(arrow::utf8());
          if (printf_style) return Value::String(Printf(args[0].str(), args));
          fmt::dynamic_format_arg_store<fmt::format_context> store;
          for (size_t i = 1; i < args.size(); ++i) {
            const Value& v = args[i];
            if (v.is_null())
              store.push_back(std::string("NULL"));
            else if (v.type()->is_integer())
              store.push_back(v.int64());
            else if (v.type()->is_floating())
              store.push_back(v.float64());
            else
              store.push_back(v.ToString());
          }
          try {
            return Value::String(fmt::vformat(args[0].str(), store));
          } catch (const fmt::format_error& e) {
            Fail(ErrorKind::kInvalidInput, "format('{}'): {}", args[0].str(), e.what());
          }
        },
        false);
    r[name] = std::move(fn);
  }
  // Regular expressions (RE2 syntax). regexp_matches finds the pattern
  // anywhere; regexp_full_match needs all of the text; flags: 'i' case-
  // insensitive, 'c' sensitive, 's' . matches newlines, 'g' (replace) all.
  RegisterTextFunction(r, {"regexp_matches"}, "TTt", arrow::boolean(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         const RE2& re = Cache().Get(a[1].str(), a.size() > 2 ? a[2].str() : "");
                         return Value::Bool(RE2::PartialMatch(a[0].str(), re));
                       });
  RegisterTextFunction(r, {"regexp_full_match"}, "TTt", arrow::boolean(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         const RE2& re = Cache().Get(a[1].str(), a.size() > 2 ? a[2].str() : "");
                         return Value::Bool(RE2::FullMatch(a[0].str(), re));
                       });
  RegisterTextFunction(r, {"regexp_replace"}, "TTTt", arrow::utf8(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         const std::string flags = a.size() > 3 ? a[3].str() : "";
                         const RE2& re = Cache().Get(a[1].str(), flags);
                         std::string s = a[0].str();
                         if (flags.find('g') != std::string::npos)
                           RE2::GlobalReplace(&s, re, a[2].str());
                         else
                           RE2::Replace(&s, re, a[2].str());
                         return Value::String(s);
                       });
  RegisterTextFunction(r, {"regexp_extract"}, "TTi", arrow::utf8(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         const RE2& re = Cache().Get(a[1].str(), "");
                         const int64_t group = a.size() > 2 ? a[2].int64() : 0;
                         if (group < 0 || group > re.NumberOfCapturingGroups()) {
                           Fail(ErrorKind::kInvalidInput,
                                "regexp_extract: the pattern has no group {}", group);
                         }
                         std::vector<re2::StringPiece> groups(static_cast<size_t>(group) + 1);
                         const std::string& s = a[0].str();
                         if (!re.Match(s, 0, s.size(), RE2::UNANCHORED, groups.data(),
                                       static_cast<int>(groups.size()))) {
                           return Value::String("");
                         }
                         const auto& g = groups[static_cast<size_t>(group)];
                         return Value::String(std::string(g.data() ? g : re2::StringPiece()));
                       });
  // Lists of text: string_split(s, sep) at each occurrence of sep (an
  // empty sep: each character); string_split_regex at each match;
  // regexp_extract_all every non-overlapping match (or its group).
  RegisterTextFunction(
      r, {"string_split", "str_split", "string_to_array", "split"}, "TT",
      arrow::list(arrow::utf8()),
      [](const std::vector<Value>& a, const arrow::TypePtr& result) {
        // A NULL separator splits nothing: [s] (DuckDB).
        if (a[0].is_null()) return Value::Null(result);
        const std::string& s = a[0].str();
        if (a[1].is_null()) return Value::List(result, {Value::String(s)});
        std::vector<Value> parts;
        for (std::string& part : SplitText(s, a[1].str()))
          parts.push_back(Value::String(std::move(part)));
        return Value::List(result, std::move(parts));
      },
      /*propagate_nulls=*/false);
  RegisterTextFunction(
      r, {"string_split_regex", "str_split_regex", "regexp_split_to_array"}, "TTt",
      arrow::list(arrow::utf8()), [](const std::vector<Value>& a, const arrow::TypePtr& result) {
        const RE2& re = Cache().Get(a[1].str(), a.size() > 2 ? a[2].str() : "");
        const std::string& s = a[0].str();
        std::vector<Value> parts;
        re2::StringPiece match;
        size_t start = 0, from = 0;
        bool split_by_character = false;  // the last part was one character of an empty match
        while (from <= s.size() && re.Match(s, from, s.size(), RE2::UNANCHORED, &match, 1)) {
          const size_t at = static_cast<size_t>(match.data() - s.data());
          if (match.empty()) {  // an empty match splits between characters
            if (at >= s.size()) break;
            size_t next = at + 1;
            while (next < s.size() && (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80)
              ++next;
            if (at == start) {
              from = next;
              parts.push_back(Value::String(s.substr(start, next - start)));
              start = next;
              split_by_character = true;
              continue;
            }
          }
          parts.push_back(Value::String(s.substr(start, at - start)));
          split_by_character = false;
          start = at + match.size();
          from = match.empty() ? at + 1 : start;
        }
        // ('aaa' split by '' is [a, a, a], without an empty part after.)
        if (!(split_by_character && start == s.size())) {
          parts.push_back(Value::String(s.substr(start)));
        }
        return Value::List(result, std::move(parts));
      });
  // A group that took no part in a match is NULL; an empty match moves on
  // by one character, not one byte.
  RegisterTextFunction(
      r, {"regexp_extract_all"}, "TTit", arrow::list(arrow::utf8()),
      [](const std::vector<Value>& a, const arrow::TypePtr& result) {
        const RE2& re = Cache().Get(a[1].str(), a.size() > 3 ? a[3].str() : "");
        const int64_t group = a.size() > 2 ? a[2].int64() : 0;
        const bool valid = group >= 0 && group <= re.NumberOfCapturingGroups();
        const std::string& s = a[0].str();
        std::vector<re2::StringPiece> groups(static_cast<size_t>(valid ? group : 0) + 1);
        std::vector<Value> out;
        size_t from = 0;
        while (from <= s.size() && re.Match(s, from, s.size(), RE2::UNANCHORED, groups.data(),
                                            static_cast<int>(groups.size()))) {
          if (!valid) {  // (no match, no error: DuckDB's rule)
            Fail(ErrorKind::kInvalidInput, "Pattern has {} groups. Cannot access group {}",
                 re.NumberOfCapturingGroups(), group);
          }
          const auto& g = groups[static_cast<size_t>(group)];
          out.push_back(g.data() ? Value::String(std::string(g)) : Value::Null(arrow::utf8()));
          const size_t end = static_cast<size_t>(groups[0].data() - s.data()) + groups[0].size();
          from = end;
          if (groups[0].empty()) {
            ++from;
            while (from < s.size() && (static_cast<unsigned char>(s[from]) & 0xC0) == 0x80)
              ++from;
          }
        }
        return Value::List(result, std::move(out));
      });
  // regexp_extract(s, p, ['a', 'b'][, flags]) and regexp_extract_all(...):
  // groups 1..n as a STRUCT named by the list (a group that took no part
  // in the match is NULL). The binder builds the struct type from the
  // constant names and drops them from the call.
  for (const bool all : {false, true}) {
    ScalarFunction fn;
    fn.name = all ? "regexp_extract_all_struct" : "regexp_extract_struct";
    fn.bind = [name = fn.name](const std::vector<arrow::TypePtr>& types) -> FunctionBinding {
      NoMatch(name, types);  // bound by the SQL binder
    };
    fn.kernel = RowKernel([all](const std::vector<Value>& a, const arrow::TypePtr& result) {
      const arrow::TypePtr& st = all ? result->value_type() : result;
      const RE2& re = Cache().Get(a[1].str(), a.size() > 2 ? a[2].str() : "");
      const size_t n = st->fields().size();
      if (static_cast<int>(n) > re.NumberOfCapturingGroups()) {
        Fail(ErrorKind::kInvalidInput, "{}: the pattern has {} groups, not {}",
             all ? "regexp_extract_all" : "regexp_extract", re.NumberOfCapturingGroups(), n);
      }
      const std::string& s = a[0].str();
      std::vector<re2::StringPiece> groups(n + 1);
      std::vector<Value> matches;
      size_t from = 0;
      while (from <= s.size() && re.Match(s, from, s.size(), RE2::UNANCHORED, groups.data(),
                                          static_cast<int>(groups.size()))) {
        std::vector<Value> fields;
        for (size_t g = 1; g <= n; ++g) {
          fields.push_back(groups[g].data() ? Value::String(std::string(groups[g]))
                                            : Value::Null(arrow::utf8()));
        }
        matches.push_back(Value::Struct(st, std::move(fields)));
        if (!all) break;
        const size_t end = static_cast<size_t>(groups[0].data() - s.data()) + groups[0].size();
        from = groups[0].empty() ? end + 1 : end;
      }
      if (all) return Value::List(result, std::move(matches));
      if (matches.empty()) {
        std::vector<Value> empty(n, Value::String(""));
        return Value::Struct(st, std::move(empty));
      }
      return matches[0];
    });
    r[fn.name] = std::move(fn);
  }
  RegisterTextFunction(r, {"similar_to"}, "TTt", arrow::boolean(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         const RE2& re = Cache().Get(
                             SimilarToRegex(a[1].str(), a.size() > 2 ? a[2].str() : "\\"), "");
                         return Value::Bool(RE2::FullMatch(a[0].str(), re));
                       });
}

}  // namespace llkv::execution
