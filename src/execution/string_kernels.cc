// Text kernels: concatenation, length, LIKE. Text is UTF-8; LIKE's '_' and
// length() count code points, not bytes.
#include <cstring>

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
// any run, '_' any one character, `escape` (0: none) makes the next
// character literal. With `fold`, ASCII letters match either case.
bool Like(std::string_view text, size_t t, std::string_view pattern, size_t p, char escape,
          bool fold) {
  while (p < pattern.size()) {
    const char c = pattern[p];
    if (escape != 0 && c == escape) {
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

}  // namespace

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
    char esc = 0;
    if (escape) {
      const std::string_view e = arrow::BinaryValueAt(*escape, i);
      if (e.size() > 1) {
        Fail(ErrorKind::kInvalidInput, "LIKE ESCAPE must be a single character, not '{}'", e);
      }
      esc = e.empty() ? 0 : e[0];
    }
    out.Append(
        Like(arrow::BinaryValueAt(text, i), 0, arrow::BinaryValueAt(pattern, i), 0, esc, fold));
  }
  return out.Finish();
}

}  // namespace llkv::execution
