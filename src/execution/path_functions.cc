// path_join(part, ...): file paths and URLs joined and normalized. The
// first part may carry a scheme ("s3://bucket", "file:"); later parts must
// be relative. Empty components and "." go, ".." removes the one before it
// (and stops at the root of an absolute path or of a URL's authority).
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "execution/function_registry.h"

namespace llkv::execution {

namespace {

struct PathParts {
  std::string prefix;  // "s3://bucket", "file:" or empty
  bool absolute = false;
  std::vector<std::string> components;
};

// The length of a leading "scheme:" ([A-Za-z][A-Za-z0-9+.-]*:), or 0.
size_t SchemeLength(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return 0;
  size_t i = 1;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '+' ||
                          s[i] == '.' || s[i] == '-')) {
    ++i;
  }
  // At least two characters, so that a Windows drive "C:" is not a scheme.
  return i < s.size() && s[i] == ':' && i >= 2 ? i + 1 : 0;
}

void Append(PathParts* p, std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view c = path.substr(start, slash - start);
    start = slash + 1;
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!p->components.empty() && p->components.back() != "..") {
        p->components.pop_back();
      } else if (!p->absolute) {
        p->components.emplace_back("..");
      }
      continue;
    }
    p->components.emplace_back(c);
  }
}

std::string PathJoin(const std::vector<Value>& args) {
  PathParts p;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view s = args[i].str();
    const size_t scheme = SchemeLength(s);
    if (i > 0 && (scheme > 0 || (!s.empty() && s[0] == '/'))) {
      Fail(ErrorKind::kInvalidInput,
           "path_join: incompatible paths: '{}' is absolute and cannot follow '{}'", s,
           args[i - 1].str());
    }
    if (i == 0 && scheme > 0) {
      p.prefix = std::string(s.substr(0, scheme));
      s.remove_prefix(scheme);
      if (s.starts_with("//")) {  // scheme://authority: the authority is the root
        const size_t end = s.find('/', 2);
        p.prefix += std::string(s.substr(0, end));
        s = end == std::string_view::npos ? std::string_view() : s.substr(end);
        p.absolute = true;
      }
    }
    if (i == 0 && !s.empty() && s[0] == '/') p.absolute = true;
    Append(&p, s);
  }
  std::string joined;
  for (const auto& c : p.components) {
    if (!joined.empty()) joined += '/';
    joined += c;
  }
  if (p.absolute) return p.prefix + "/" + joined;
  if (joined.empty()) return p.prefix + ".";
  return p.prefix + joined;
}

}  // namespace

void RegisterPathFunctions(FunctionRegistry& r) {
  ScalarFunction fn;
  fn.name = "path_join";
  fn.bind = [](const std::vector<arrow::TypePtr>& types) {
    CheckArity("path_join", types, 1, -1);
    for (const auto& t : types) {
      if (!IsTextType(*t) && !IsNullType(*t)) NoMatch("path_join", types);
    }
    return AllAs(types, arrow::utf8(), arrow::utf8());
  };
  fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr&) {
    return Value::String(PathJoin(a));
  });
  r["path_join"] = std::move(fn);
}

}  // namespace llkv::execution
