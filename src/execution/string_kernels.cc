// Text kernels: concatenation, length, LIKE. Text is UTF-8; LIKE's '_' and
// length() count code points, not bytes.
#include <locale.h>
#include <algorithm>
#include <climits>
#include <clocale>
#include <cstring>
#include <cwctype>

#include "execution/expression.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {

using arrow::ArrayData;
using arrow::ArrayDataPtr;

namespace {

// Bytes in the UTF-8 sequence that starts with `lead` (1 for a stray byte,
// so malformed text still advances).
size_t SequenceLength(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

size_t NextChar(std::string_view s, size_t i) {
  return std::min(s.size(), i + SequenceLength(static_cast<unsigned char>(s[i])));
}

unsigned char Fold(unsigned char c, bool fold) {
  return fold && c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

// Whether `text` matches `pattern` from byte positions t and p on. '%' is
// any run, '_' any one character, `escape` (-1: none; NUL is a valid
// escape) makes the next character literal. With `fold`, ASCII letters
// match either case.
bool Like(std::string_view text, size_t t, std::string_view pattern, size_t p, int escape,
          bool fold) {
  while (p < pattern.size()) {
    const char c = pattern[p];
    if (escape >= 0 && c == static_cast<char>(escape)) {
      if (p + 1 >= pattern.size()) {
        Fail(ErrorKind::kInvalidInput, "LIKE pattern must not end with the escape character");
      }
      const size_t end = NextChar(pattern, p + 1);
      const std::string_view literal = pattern.substr(p + 1, end - p - 1);
      if (text.compare(t, literal.size(), literal) != 0) return false;
      t += literal.size();
      p = end;
      continue;
    }
    if (c == '%') {
      while (p < pattern.size() && pattern[p] == '%')
        ++p;
      if (p == pattern.size()) return true;
      for (size_t from = t; from <= text.size();
           from = from < text.size() ? NextChar(text, from) : text.size() + 1) {
        if (Like(text, from, pattern, p, escape, fold)) return true;
      }
      return false;
    }
    if (t >= text.size()) return false;
    if (c == '_') {
      t = NextChar(text, t);
      ++p;
      continue;
    }
    if (Fold(static_cast<unsigned char>(text[t]), fold) !=
        Fold(static_cast<unsigned char>(c), fold))
      return false;
    ++t;
    ++p;
  }
  return t == text.size();
}

// Byte offset of character `n` (0-based) of `s`, or s.size() past the end.
size_t CharOffset(std::string_view s, int64_t n) {
  size_t i = 0;
  for (int64_t k = 0; k < n && i < s.size(); ++k)
    i = NextChar(s, i);
  return i;
}

// The number of characters of `s`.
int64_t CharCount(std::string_view s) {
  int64_t n = 0;
  for (size_t i = 0; i < s.size(); i = NextChar(s, i))
    ++n;
  return n;
}

std::string Trimmed(std::string_view s, std::string_view chars, bool start, bool end) {
  size_t b = 0, e = s.size();
  if (start) {
    while (b < e && chars.find(s[b]) != std::string_view::npos)
      ++b;
  }
  if (end) {
    while (e > b && chars.find(s[e - 1]) != std::string_view::npos)
      --e;
  }
  return std::string(s.substr(b, e - b));
}

}  // namespace

namespace {

// Case conversion of UTF-8 text: ASCII directly, other characters by the C
// library's Unicode tables (the C.UTF-8 locale); bytes that are not valid
// UTF-8 are kept as they are.
void ConvertCase(std::string_view s, bool upper, std::string* out) {
  static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  out->clear();
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out->push_back(upper ? static_cast<char>(std::toupper(c))
                           : static_cast<char>(std::tolower(c)));
      ++i;
      continue;
    }
    const int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    char32_t cp = len == 4 ? c & 0x07 : len == 3 ? c & 0x0F : c & 0x1F;
    bool valid = len > 1 && i + static_cast<size_t>(len) <= s.size();
    for (int k = 1; valid && k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      valid = (b & 0xC0) == 0x80;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (!valid || utf8 == static_cast<locale_t>(0)) {
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const auto mapped = static_cast<char32_t>(upper ? towupper_l(static_cast<wint_t>(cp), utf8)
                                                    : towlower_l(static_cast<wint_t>(cp), utf8));
    if (mapped < 0x80) {
      out->push_back(static_cast<char>(mapped));
    } else if (mapped < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (mapped >> 6)));
      out->push_back(static_cast<char>(0x80 | (mapped & 0x3F)));
    } else if (mapped < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (mapped >> 12)));
      out->push_back(static_cast<char>(0x80 | ((mapped >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (mapped & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (mapped >> 18)));
      out->push_back(static_cast<char>(0x80 | ((mapped >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((mapped >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (mapped & 0x3F)));
    }
    i += static_cast<size_t>(len);
  }
}

}  // namespace

ArrayDataPtr TextFunction(ExprOp op, const std::vector<ArrayDataPtr>& args) {
  const int64_t n = args[0]->length;
  const bool integer_result = op == ExprOp::kStrpos;
  arrow::StringBuilder text(arrow::utf8());
  arrow::Int64Builder number(arrow::int64());
  std::string out;
  for (int64_t i = 0; i < n; ++i) {
    bool null = false;
    for (const auto& a : args)
      null = null || a->IsNull(i);
    if (null) {
      integer_result ? number.AppendNull() : text.AppendNull();
      continue;
    }
    const std::string_view s = arrow::BinaryValueAt(*args[0], i);
    auto text_arg = [&](size_t k) { return arrow::BinaryValueAt(*args[k], i); };
    auto int_arg = [&](size_t k) { return args[k]->values<int64_t>()[i]; };
    switch (op) {
      case ExprOp::kLower:
      case ExprOp::kUpper:
        ConvertCase(s, op == ExprOp::kUpper, &out);
        break;
      case ExprOp::kSubstring: {
        // SQLite's substr (which DuckDB shares): characters from `start`
        // (1-based; a negative start counts from the end; 0 is one before
        // the first), `length` of them (a negative length takes the ones
        // before start). In 128 bits: no argument overflows.
        // Offsets and lengths beyond 32 bits are refused (DuckDB's limit).
        constexpr int64_t kLimit = int64_t{1} << 32;
        for (size_t k = 1; k < args.size(); ++k) {
          const int64_t v = int_arg(k);
          if (v >= kLimit || v < -kLimit) {
            Fail(ErrorKind::kOutOfRange, "Substring {} outside of supported range ({} {})",
                 k == 1 ? "offset" : "length", v < 0 ? "<" : ">", v < 0 ? -kLimit : kLimit - 1);
          }
        }
        const __int128 len = static_cast<__int128>(CharCount(s));
        __int128 p1 = int_arg(1);
        __int128 p2 = args.size() > 2 ? static_cast<__int128>(int_arg(2)) : __int128{1} << 62;
        const bool negative_length = p2 < 0;
        if (negative_length) p2 = -p2;
        if (p1 < 0) {
          p1 += len;
          if (p1 < 0) {
            p2 += p1;
            if (p2 < 0) p2 = 0;
            p1 = 0;
          }
        } else if (p1 > 0) {
          --p1;
        } else if (p2 > 0) {
          --p2;
        }
        if (negative_length) {
          p1 -= p2;
          if (p1 < 0) {
            p2 += p1;
            p1 = 0;
          }
        }
        if (p1 + p2 > len) p2 = std::max<__int128>(len - p1, 0);
        if (p2 <= 0 || p1 >= len) {
          out.clear();
          break;
        }
        const size_t b = CharOffset(s, static_cast<int64_t>(p1));
        const size_t e = b + CharOffset(s.substr(b), static_cast<int64_t>(p2));
        out.assign(s.substr(b, e - b));
        break;
      }
      case ExprOp::kReplace: {
        const std::string_view from = text_arg(1), to = text_arg(2);
        out.clear();
        if (from.empty()) {
          out.assign(s);
          break;
        }
        size_t at = 0;
        for (size_t hit; (hit = s.find(from, at)) != std::string_view::npos; at = hit + from.size())
          out.append(s.substr(at, hit - at)).append(to);
        out.append(s.substr(at));
        break;
      }
      case ExprOp::kTrim:
      case ExprOp::kLTrim:
      case ExprOp::kRTrim:
        out = Trimmed(s, args.size() > 1 ? text_arg(1) : std::string_view(" "),
                      op != ExprOp::kRTrim, op != ExprOp::kLTrim);
        break;
      case ExprOp::kStrpos: {
        const size_t hit = s.find(text_arg(1));
        int64_t chars = 0;
        if (hit != std::string_view::npos) {
          for (size_t k = 0; k < hit; k = NextChar(s, k))
            ++chars;
        }
        number.Append(hit == std::string_view::npos ? 0 : chars + 1);
        continue;
      }
      default:
        Fail(ErrorKind::kInternal, "not a text function: {}", static_cast<int>(op));
    }
    text.Append(out);
  }
  return integer_result ? number.Finish() : text.Finish();
}

ArrayDataPtr Concat(const ArrayData& a, const ArrayData& b) {
  arrow::StringBuilder out(arrow::utf8());
  out.Reserve(a.length);
  std::string joined;
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsNull(i) || b.IsNull(i)) {
      out.AppendNull();
      continue;
    }
    joined.assign(arrow::BinaryValueAt(a, i));
    joined.append(arrow::BinaryValueAt(b, i));
    out.Append(joined);
  }
  return out.Finish();
}

ArrayDataPtr Length(const ArrayData& a) {
  arrow::Int64Builder out(arrow::int64());
  out.Reserve(a.length);
  const bool text =
      a.type->id() == arrow::TypeId::kUtf8 || a.type->id() == arrow::TypeId::kLargeUtf8;
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsNull(i)) {
      out.AppendNull();
      continue;
    }
    const std::string_view v = arrow::BinaryValueAt(a, i);
    if (!text) {
      out.Append(static_cast<int64_t>(v.size()));
      continue;
    }
    int64_t chars = 0;
    for (size_t k = 0; k < v.size(); k = NextChar(v, k))
      ++chars;
    out.Append(chars);
  }
  return out.Finish();
}

ArrayDataPtr LikeMatch(const ArrayData& text, const ArrayData& pattern, const ArrayData* escape,
                       bool fold) {
  arrow::BooleanBuilder out;
  for (int64_t i = 0; i < text.length; ++i) {
    if (text.IsNull(i) || pattern.IsNull(i) || (escape && escape->IsNull(i))) {
      out.AppendNull();
      continue;
    }
    int esc = -1;
    if (escape) {
      const std::string_view e = arrow::BinaryValueAt(*escape, i);
      if (e.size() > 1) {
        Fail(ErrorKind::kInvalidInput,
             "Invalid escape string: LIKE ESCAPE must be empty or one character, not '{}'", e);
      }
      esc = e.empty() ? -1 : static_cast<unsigned char>(e[0]);
    }
    std::string_view t = arrow::BinaryValueAt(text, i);
    std::string_view p = arrow::BinaryValueAt(pattern, i);
    // ILIKE over non-ASCII text compares the lower-case forms (Unicode's
    // simple mappings, as lower() uses): 'MÜHLEISEN' ILIKE 'mühleisen'.
    std::string lower_text, lower_pattern;
    auto ascii = [](std::string_view v) {
      return std::all_of(v.begin(), v.end(), [](char c) { return (c & 0x80) == 0; });
    };
    if (fold && !(ascii(t) && ascii(p))) {
      ConvertCase(t, false, &lower_text);
      ConvertCase(p, false, &lower_pattern);
      t = lower_text;
      p = lower_pattern;
    }
    out.Append(Like(t, 0, p, 0, esc, fold));
  }
  return out.Finish();
}

}  // namespace llkv::execution
