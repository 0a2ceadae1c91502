// Casts to and from LIST and STRUCT values.
//
//   LIST -> LIST       each element cast to the new element type (the
//                      offsets and validity are kept);
//   STRUCT -> STRUCT   field by field, by position;
//   LIST/STRUCT -> VARCHAR  DuckDB's text: [1, 2, NULL], {'a': 1, 'b': x}
//                      (strings quoted only where the text would be
//                      ambiguous);
//   VARCHAR -> LIST/STRUCT  that text read back: brackets (or braces)
//                      around comma-separated elements, each cast from its
//                      text to the element type; NULL (unquoted) is null.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "common/ascii.h"
#include "execution/expression.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {

using arrow::ArrayData;
using arrow::ArrayDataPtr;
using arrow::TypeId;

namespace {

[[noreturn]] void NoNestedCast(const arrow::DataType& from, const arrow::DataType& to) {
  Fail(ErrorKind::kConversion, "Unimplemented type for cast ({} -> {})", from.ToString(),
       to.ToString());
}

// `a` (a struct) cast to struct type `to` of other field names: each field
// of `to` from the field of its name (NULL where `a` has none). Null when
// the names are the same, in order (the cast goes field by field), or when
// a field of `a` has no place in `to` (it would be lost) or a field is
// unnamed: the positional rule decides then.
arrow::ArrayDataPtr StructByName(const arrow::ArrayData& a, const arrow::TypePtr& to) {
  const auto& from = a.type->fields();
  const auto& target = to->fields();
  auto position = [&](const std::string& name) {
    for (size_t k = 0; k < target.size(); ++k) {
      if (EqualsIgnoreCase(target[k]->name(), name)) return static_cast<long>(k);
    }
    return -1L;
  };
  bool same = from.size() == target.size();
  for (size_t k = 0; k < from.size(); ++k) {
    if (from[k]->name().empty() || position(from[k]->name()) < 0) return nullptr;
    same = same && EqualsIgnoreCase(from[k]->name(), target[k]->name());
  }
  if (same) return nullptr;
  auto out = std::make_shared<arrow::ArrayData>(a);
  out->type = to;
  out->children.clear();
  for (const auto& t : target) {
    if (t->name().empty()) return nullptr;
    const auto source = std::find_if(from.begin(), from.end(), [&](const arrow::FieldPtr& f) {
      return EqualsIgnoreCase(f->name(), t->name());
    });
    out->children.push_back(
        source == from.end()
            ? arrow::MakeNullArray(t->type(), a.offset + a.length)
            : Cast(*a.children[static_cast<size_t>(source - from.begin())], t->type()));
  }
  return out;
}

// One element of a nested value's text, split at the top level.
struct TextElement {
  std::string text;
  bool quoted = false;  // written in quotes: never NULL, kept verbatim
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Splits the body of "[a, b, [c, d]]" (or of "{...}") into its top-level
// elements, or fails naming `text`.
// With `raw`, quoted runs stay in the element's text, quotes included (a
// struct's "'key': value" parts).
std::vector<TextElement> SplitElements(std::string_view text, char open, char close,
                                       const arrow::DataType& to, bool raw = false) {
  auto bad = [&]() -> std::vector<TextElement> {
    Fail(ErrorKind::kConversion, "Could not convert string '{}' to {}", text, to.ToString());
  };
  std::string_view t = text;
  while (!t.empty() && IsSpace(t.front()))
    t.remove_prefix(1);
  while (!t.empty() && IsSpace(t.back()))
    t.remove_suffix(1);
  if (t.size() < 2 || t.front() != open || t.back() != close) return bad();
  t = t.substr(1, t.size() - 2);
  std::vector<TextElement> out;
  TextElement cur;
  bool any = false;
  int depth = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if ((c == '\'' || c == '"') && raw) {
      const size_t j = t.find(c, i + 1);
      if (j == std::string_view::npos) return bad();
      cur.text.append(t.substr(i, j - i + 1));
      i = j;
      any = true;
      continue;
    }
    if ((c == '\'' || c == '"') && depth == 0 && Trim(cur.text).empty()) {
      // A quoted element: up to the matching quote (doubled or escaped
      // quotes inside).
      cur.text.clear();
      cur.quoted = true;
      size_t j = i + 1;
      for (; j < t.size(); ++j) {
        if (t[j] == '\\' && j + 1 < t.size()) {
          cur.text += t[++j];
        } else if (t[j] == c) {
          if (j + 1 < t.size() && t[j + 1] == c) {
            cur.text += c;
            ++j;
          } else {
            break;
          }
        } else {
          cur.text += t[j];
        }
      }
      if (j >= t.size()) return bad();
      i = j;
      any = true;
      continue;
    }
    if (c == '[' || c == '{' || c == '(') ++depth;
    if (c == ']' || c == '}' || c == ')') {
      if (--depth < 0) return bad();
    }
    if (c == ',' && depth == 0) {
      if (!cur.quoted) cur.text = std::string(Trim(cur.text));
      if (!cur.quoted && cur.text.empty()) return bad();
      out.push_back(std::move(cur));
      cur = {};
      any = true;
      continue;
    }
    if (cur.quoted) {
      if (!IsSpace(c)) return bad();  // text after a quoted element
      continue;
    }
    cur.text += c;
    any = true;
  }
  if (depth != 0) return bad();
  if (!cur.quoted) cur.text = std::string(Trim(cur.text));
  if (cur.quoted || !cur.text.empty()) {
    out.push_back(std::move(cur));
  } else if (any) {
    return bad();  // "[1, ]"
  }
  return out;
}

// The elements as a utf8 array (NULL for an unquoted NULL).
ArrayDataPtr ElementTexts(const std::vector<TextElement>& elements) {
  arrow::StringBuilder b(arrow::utf8());
  for (const auto& e : elements) {
    if (!e.quoted && EqualsIgnoreCase(e.text, "null"))
      b.AppendNull();
    else
      b.Append(e.text);
  }
  return b.Finish();
}

ArrayDataPtr TextToList(const ArrayData& a, const arrow::TypePtr& to) {
  arrow::ListBuilder b(to);
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsNull(i)) {
      b.AppendNull();
      continue;
    }
    const ArrayDataPtr elements = Cast(
        *ElementTexts(SplitElements(arrow::BinaryValueAt(a, i), '[', ']', *to)), to->value_type());
    b.Append(true);
    b.value_builder()->AppendRange(*elements, 0, elements->length);
  }
  return b.Finish();
}

ArrayDataPtr TextToStruct(const ArrayData& a, const arrow::TypePtr& to) {
  arrow::StructBuilder b(to);
  const auto& fields = to->fields();
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsNull(i)) {
      b.AppendNull();
      continue;
    }
    const std::string_view text = arrow::BinaryValueAt(a, i);
    const std::vector<TextElement> parts = SplitElements(text, '{', '}', *to, /*raw=*/true);
    // Each part is "key: value"; a key names a field (in any order).
    std::vector<TextElement> values(fields.size());
    std::vector<bool> seen(fields.size());
    for (const auto& p : parts) {
      size_t colon = std::string::npos;
      for (size_t k = 0; k < p.text.size() && colon == std::string::npos; ++k) {
        if (p.text[k] == '\'' || p.text[k] == '"') {
          k = p.text.find(p.text[k], k + 1);
          if (k == std::string::npos) break;
        } else if (p.text[k] == ':') {
          colon = k;
        }
      }
      if (colon == std::string::npos) {
        Fail(ErrorKind::kConversion, "Could not convert string '{}' to {}: expected key: value",
             text, to->ToString());
      }
      std::string key(Trim(std::string_view(p.text).substr(0, colon)));
      if (key.size() >= 2 && (key.front() == '\'' || key.front() == '"') &&
          key.back() == key.front()) {
        key = key.substr(1, key.size() - 2);
      }
      size_t f = 0;
      while (f < fields.size() && !EqualsIgnoreCase(fields[f]->name(), key))
        ++f;
      if (f == fields.size() || seen[f]) {
        Fail(ErrorKind::kConversion, "Could not convert string '{}' to {}: {} key \"{}\"", text,
             to->ToString(), f == fields.size() ? "unknown" : "duplicate", key);
      }
      seen[f] = true;
      // The value's text, with its quotes if it had them.
      std::vector<TextElement> v = SplitElements(
          "[" + std::string(std::string_view(p.text).substr(colon + 1)) + "]", '[', ']', *to);
      if (v.size() != 1) {
        Fail(ErrorKind::kConversion, "Could not convert string '{}' to {}", text, to->ToString());
      }
      values[f] = std::move(v[0]);
    }
    b.Append(true);
    for (size_t f = 0; f < fields.size(); ++f) {
      if (!seen[f]) {
        b.field_builder(static_cast<int>(f))->AppendNull();
        continue;
      }
      const ArrayDataPtr v = Cast(*ElementTexts({values[f]}), fields[f]->type());
      b.field_builder(static_cast<int>(f))->AppendRange(*v, 0, 1);
    }
  }
  return b.Finish();
}

}  // namespace

ArrayDataPtr CastNested(const ArrayData& a, const arrow::TypePtr& to) {
  const arrow::DataType& from = *a.type;
  const bool from_text = from.id() == TypeId::kUtf8 || from.id() == TypeId::kLargeUtf8;
  if (to->id() == TypeId::kUtf8 || to->id() == TypeId::kLargeUtf8) {
    auto b = arrow::MakeBuilder(to);
    for (int64_t i = 0; i < a.length; ++i) {
      if (a.IsNull(i)) {
        b->AppendNull();
      } else if (to->id() == TypeId::kUtf8) {
        static_cast<arrow::StringBuilder*>(b.get())->Append(arrow::FormatValue(a, i));
      } else {
        static_cast<arrow::LargeStringBuilder*>(b.get())->Append(arrow::FormatValue(a, i));
      }
    }
    return b->Finish();
  }
  if (to->id() == TypeId::kList) {
    if (from_text) return TextToList(a, to);
    if (from.id() != TypeId::kList) NoNestedCast(from, *to);
    // The child array cast whole; offsets and validity stay.
    auto out = std::make_shared<ArrayData>(a);
    out->type = to;
    out->children = {Cast(*a.children[0], to->value_type())};
    return out;
  }
  if (to->id() == TypeId::kStruct) {
    if (from_text) return TextToStruct(a, to);
    if (from.id() != TypeId::kStruct) NoNestedCast(from, *to);
    if (auto by_name = StructByName(a, to)) return by_name;
    if (from.fields().size() != to->fields().size()) NoNestedCast(from, *to);
    auto out = std::make_shared<ArrayData>(a);
    out->type = to;
    for (size_t f = 0; f < a.children.size(); ++f)
      out->children[f] = Cast(*a.children[f], to->fields()[f]->type());
    return out;
  }
  NoNestedCast(from, *to);
}

}  // namespace llkv::execution
