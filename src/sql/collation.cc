#include "sql/collation.h"

#include "common/ascii.h"
#include "llkv/common/error.h"
#include "sql/settings.h"

namespace llkv::sql {

using execution::BoundExpr;
using execution::BoundExprPtr;
using execution::ExprOp;

namespace {

bool IsTextType(const arrow::TypePtr& t) {
  return t && (t->id() == arrow::TypeId::kUtf8 || t->id() == arrow::TypeId::kLargeUtf8);
}

}  // namespace

std::string CanonicalCollation(const std::string& name) {
  const std::string lower = AsciiLower(name);
  bool nocase = false, rtrim = false;
  size_t start = 0;
  while (start <= lower.size()) {
    size_t dot = lower.find('.', start);
    if (dot == std::string::npos) dot = lower.size();
    const std::string part = lower.substr(start, dot - start);
    if (part == "nocase") {
      nocase = true;
    } else if (part == "rtrim") {
      rtrim = true;
    } else if (part == "noaccent" || part == "nfc") {
      Fail(ErrorKind::kNotImplemented,
           "collation {} in \"{}\": LLKV has no Unicode decomposition data yet (NOCASE, RTRIM "
           "and BINARY are available)",
           part, name);
    } else if (part != "binary" && part != "c" && part != "posix" && part != "default" &&
               !(part.empty() && lower.empty())) {
      Fail(ErrorKind::kCatalog,
           "Collation with name {} does not exist! (LLKV has BINARY, NOCASE and RTRIM)", name);
    }
    start = dot + 1;
  }
  std::string out;
  if (nocase) out = "nocase";
  if (rtrim) out += out.empty() ? "rtrim" : ".rtrim";
  return out;
}

BoundExprPtr CollationKey(BoundExprPtr e, const std::string& collation) {
  if (collation.empty() || !IsTextType(e->type)) return e;
  const arrow::TypePtr type = e->type;
  if (collation.find("rtrim") != std::string::npos) {
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(e));
    e = execution::Call(ExprOp::kRTrim, type, std::move(args));
  }
  if (collation.find("nocase") != std::string::npos) {
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(e));
    e = execution::Call(ExprOp::kLower, type, std::move(args));
  }
  return e;
}

std::string ComparisonCollation(const BoundExpr& a, const BoundExpr& b) {
  if (a.explicit_collation) return a.collation;
  if (b.explicit_collation) return b.collation;
  if (!a.collation.empty()) return a.collation;
  if (!b.collation.empty()) return b.collation;
  return IsTextType(a.type) || IsTextType(b.type) ? CurrentSettings().default_collation() : "";
}

std::string OwnCollation(const BoundExpr& e) {
  if (e.explicit_collation || !e.collation.empty()) return e.collation;
  return IsTextType(e.type) ? CurrentSettings().default_collation() : "";
}

BoundExprPtr SortKeyOf(BoundExprPtr e) {
  const std::string collation = OwnCollation(*e);
  return CollationKey(std::move(e), collation);
}

std::string FieldCollation(const arrow::Field& f) {
  for (const auto& [k, v] : f.metadata()) {
    if (k == execution::kCollationMetadata) return v;
  }
  return "";
}

arrow::KeyValueMetadata CollationMetadata(const std::string& collation) {
  if (collation.empty()) return {};
  return {{execution::kCollationMetadata, collation}};
}

}  // namespace llkv::sql
