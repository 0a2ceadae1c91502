// Helpers over scopes and the AST shared by the planner's files.
#include "sql/planner_internal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "execution/aggregate.h"
#include "execution/join.h"
#include "execution/set_operation.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"
#include "sql/binder.h"
#include "sql/collation.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/settings.h"

namespace llkv::sql::plan {

bool IsNumeric(const arrow::DataType& t) {
  return t.is_integer() || t.is_floating() || t.id() == arrow::TypeId::kDecimal128;
}

bool IsText(const arrow::DataType& t) {
  return t.id() == arrow::TypeId::kUtf8 || t.id() == arrow::TypeId::kLargeUtf8;
}

bool IsNull(const arrow::DataType& t) {
  return t.id() == arrow::TypeId::kNull;
}

namespace {

// The DECIMAL(p, 0) an integer type's values fit (DuckDB's widths).
int IntegerDigits(const arrow::DataType& t) {
  switch (t.id()) {
    case arrow::TypeId::kInt8:
    case arrow::TypeId::kUInt8:
      return 3;
    case arrow::TypeId::kInt16:
    case arrow::TypeId::kUInt16:
      return 5;
    case arrow::TypeId::kInt32:
    case arrow::TypeId::kUInt32:
      return 10;
    case arrow::TypeId::kUInt64:
      return 20;
    default:
      return 19;
  }
}

constexpr int kMaxDecimalDigits = 38;

}  // namespace

arrow::TypePtr ArithmeticType(const arrow::DataType& a, const arrow::DataType& b) {
  if ((a.is_integer() || IsNull(a)) && (b.is_integer() || IsNull(b))) return arrow::int64();
  const bool decimal = a.id() == arrow::TypeId::kDecimal128 || b.id() == arrow::TypeId::kDecimal128;
  const bool numbers = (IsNumeric(a) || IsNull(a)) && (IsNumeric(b) || IsNull(b));
  if (!decimal || !numbers || a.is_floating() || b.is_floating()) return arrow::float64();
  // Exact: the larger scale, and room for the larger integer part.
  int scale = 0, whole = 1;
  for (const arrow::DataType* t : {&a, &b}) {
    if (IsNull(*t)) continue;
    const arrow::TypePtr d = DecimalOf(*t);
    scale = std::max(scale, d->scale());
    whole = std::max(whole, d->precision() - d->scale());
  }
  // Beyond 38 digits no DECIMAL holds both sides: DOUBLE, as before.
  if (whole + scale > kMaxDecimalDigits) return arrow::float64();
  return arrow::decimal128(whole + scale, scale);
}

arrow::TypePtr DecimalOf(const arrow::DataType& t) {
  if (t.id() == arrow::TypeId::kDecimal128) return arrow::decimal128(t.precision(), t.scale());
  return arrow::decimal128(t.is_integer() ? IntegerDigits(t) : 18, 0);
}

BoundExprPtr DecimalArithmetic(ExprOp op, BoundExprPtr& a, BoundExprPtr& b) {
  arrow::TypePtr common = ArithmeticType(*a->type, *b->type);
  const bool exact = (a->type->id() == arrow::TypeId::kDecimal128 ||
                      b->type->id() == arrow::TypeId::kDecimal128) &&
                     !a->type->is_floating() && !b->type->is_floating() &&
                     (IsNumeric(*a->type) || IsNull(*a->type)) &&
                     (IsNumeric(*b->type) || IsNull(*b->type));
  if (exact && common->id() != arrow::TypeId::kDecimal128 && op != ExprOp::kModulo) {
    // Wider than 38 digits: the larger scale in 38 digits, as DuckDB does;
    // a value whose integer part does not fit is then an error, never a
    // silent DOUBLE. (A modulo that wide is a DOUBLE's, as in DuckDB: its
    // result is smaller than either side.)
    int scale = 0;
    for (const arrow::DataType* t : {a->type.get(), b->type.get()}) {
      if (!IsNull(*t)) scale = std::max(scale, DecimalOf(*t)->scale());
    }
    common = arrow::decimal128(kMaxDecimalDigits, scale);
  }
  if (common->id() != arrow::TypeId::kDecimal128 || op == ExprOp::kDivide) return nullptr;
  std::vector<BoundExprPtr> args;
  arrow::TypePtr out = common;
  if (op == ExprOp::kMultiply) {
    // Each side keeps its scale; the product's scale is their sum.
    const arrow::TypePtr x = IsNull(*a->type) ? DecimalOf(*b->type) : DecimalOf(*a->type);
    const arrow::TypePtr y = IsNull(*b->type) ? DecimalOf(*a->type) : DecimalOf(*b->type);
    const int scale = x->scale() + y->scale();
    if (scale > kMaxDecimalDigits) {
      Fail(ErrorKind::kBinder,
           "the product of {} and {} needs scale {}, beyond DECIMAL's 38 digits: cast a side to "
           "DOUBLE, or to a DECIMAL of lower scale",
           execution::SqlTypeName(*x), execution::SqlTypeName(*y), scale);
    }
    out = arrow::decimal128(std::min(kMaxDecimalDigits, x->precision() + y->precision()), scale);
    args.push_back(execution::CastTo(std::move(a), x));
    args.push_back(execution::CastTo(std::move(b), y));
  } else {
    if (op == ExprOp::kAdd || op == ExprOp::kSubtract) {
      out =
          arrow::decimal128(std::min(kMaxDecimalDigits, common->precision() + 1), common->scale());
    }
    args.push_back(execution::CastTo(std::move(a), common));
    args.push_back(execution::CastTo(std::move(b), common));
  }
  return execution::Call(op, out, std::move(args));
}

// Edit distance, for "did you mean" hints.
size_t Distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

bool IsAggregateCall(const Expr& e) {
  if (e.kind != ExprKind::kFunction || e.names.size() != 1 || e.window) return false;
  return IsAggregateName(Lower(e.names[0]), e.args.size());
}

// Aggregate calls in `e`, outside subqueries.
void CollectAggregates(const Expr& e, std::vector<const Expr*>* out) {
  if (IsAggregateCall(e)) {
    out->push_back(&e);
    return;
  }
  for (const auto& a : e.args)
    CollectAggregates(*a, out);
  if (e.operand) CollectAggregates(*e.operand, out);
  if (e.else_expr) CollectAggregates(*e.else_expr, out);
  if (e.filter) CollectAggregates(*e.filter, out);
  if (e.window) {
    for (const auto& p : e.window->partition_by)
      CollectAggregates(*p, out);
    for (const auto& o : e.window->order_by)
      CollectAggregates(*o.expr, out);
  }
}

namespace {

// Calls `is_call` accepts in `e` (not inside them), outside subqueries.
template <typename Pred>
void CollectCalls(const Expr& e, const Pred& is_call, std::vector<const Expr*>* out) {
  if (is_call(e)) {
    out->push_back(&e);
    return;
  }
  for (const auto& a : e.args)
    CollectCalls(*a, is_call, out);
  if (e.operand) CollectCalls(*e.operand, is_call, out);
  if (e.else_expr) CollectCalls(*e.else_expr, is_call, out);
}

}  // namespace

void CollectGroupingCalls(const Expr& e, std::vector<const Expr*>* out) {
  CollectCalls(
      e,
      [](const Expr& x) {
        return x.kind == ExprKind::kFunction && x.names.size() == 1 && !x.window &&
               (Lower(x.names[0]) == "grouping" || Lower(x.names[0]) == "grouping_id");
      },
      out);
}

void CollectWindowCalls(const Expr& e, std::vector<const Expr*>* out) {
  CollectCalls(
      e, [](const Expr& x) { return x.kind == ExprKind::kFunction && x.window != nullptr; }, out);
}

void CollectUnnestCalls(const Expr& e, std::vector<const Expr*>* out) {
  CollectCalls(
      e,
      [](const Expr& x) {
        return x.kind == ExprKind::kFunction && x.names.size() == 1 && !x.window &&
               Lower(x.names[0]) == "unnest";
      },
      out);
}

namespace {

// The names a subquery's FROM gives its columns' qualifiers: each item's
// alias, else its table name (joins: both sides).
void FromNames(const TableRef& t, std::vector<std::string>* out) {
  if (t.kind == TableRefKind::kJoin) {
    if (t.left) FromNames(*t.left, out);
    if (t.right) FromNames(*t.right, out);
    return;
  }
  if (!t.alias.empty()) {
    out->push_back(t.alias);
  } else if (!t.name.empty()) {
    out->push_back(t.name.back());
  }
}

struct OuterAggregateSearch {
  const Scope& scope;  // the query whose aggregates these would be
  std::vector<const Expr*>* out;

  // Whether column reference `c`, inside subqueries whose FROMs name
  // `shadow` (any_from: some subquery on the way has a FROM), can only be
  // a column of `scope`.
  bool Outer(const Expr& c, const std::vector<std::string>& shadow, bool any_from) const {
    if (c.names.size() == 2) {
      const std::string& q = c.names[0];
      if (std::any_of(shadow.begin(), shadow.end(),
                      [&](const std::string& s) { return EqualsIgnoreCase(s, q); })) {
        return false;
      }
      return std::any_of(scope.begin(), scope.end(), [&](const ScopeColumn& col) {
        return EqualsIgnoreCase(col.qualifier, q) && EqualsIgnoreCase(col.name, c.names[1]);
      });
    }
    if (c.names.size() != 1 || any_from) return false;
    return std::any_of(scope.begin(), scope.end(), [&](const ScopeColumn& col) {
      return !col.qualified_only && EqualsIgnoreCase(col.name, c.names[0]);
    });
  }

  // An aggregate call inside a subquery whose arguments read columns of
  // `scope` only (at least one): SQL evaluates it in that query.
  bool Belongs(const Expr& call, const std::vector<std::string>& shadow, bool any_from) const {
    std::vector<const Expr*> columns;
    for (const auto& a : call.args)
      CollectBareColumns(*a, &columns);
    if (call.args.empty() || call.star_arg) return false;
    std::vector<const Expr*> nested;  // aggregates inside: not this rule's
    for (const auto& a : call.args)
      CollectAggregates(*a, &nested);
    if (!nested.empty() || columns.empty()) return false;
    return std::all_of(columns.begin(), columns.end(),
                       [&](const Expr* c) { return Outer(*c, shadow, any_from); });
  }

  void Expression(const Expr& e, const std::vector<std::string>& shadow, bool any_from,
                  bool in_subquery) {
    if (in_subquery && IsAggregateCall(e) && Belongs(e, shadow, any_from)) {
      out->push_back(&e);
      return;
    }
    if (e.subquery) Select(*e.subquery, shadow, any_from);
    for (const auto& a : e.args)
      Expression(*a, shadow, any_from, in_subquery);
    if (e.operand) Expression(*e.operand, shadow, any_from, in_subquery);
    if (e.else_expr) Expression(*e.else_expr, shadow, any_from, in_subquery);
    if (e.filter) Expression(*e.filter, shadow, any_from, in_subquery);
  }

  void Select(const SelectStmt& q, std::vector<std::string> shadow, bool any_from) {
    if (q.set_op != SetOpKind::kNone) {
      if (q.left) Select(*q.left, shadow, any_from);
      if (q.right) Select(*q.right, shadow, any_from);
      return;
    }
    for (const auto& t : q.from)
      FromNames(*t, &shadow);
    any_from = any_from || !q.from.empty();
    for (const auto& item : q.select_list)
      Expression(*item.expr, shadow, any_from, true);
    if (q.where) Expression(*q.where, shadow, any_from, true);
    if (q.having) Expression(*q.having, shadow, any_from, true);
    for (const auto& o : q.order_by)
      Expression(*o.expr, shadow, any_from, true);
  }
};

}  // namespace

void CollectOuterAggregates(const Expr& e, const Scope& scope, std::vector<const Expr*>* out) {
  OuterAggregateSearch search{scope, out};
  search.Expression(e, {}, false, false);
}

// Column references of `e` outside aggregate calls and subqueries.
void CollectBareColumns(const Expr& e, std::vector<const Expr*>* out) {
  if (IsAggregateCall(e)) return;
  if (e.kind == ExprKind::kColumnRef) out->push_back(&e);
  for (const auto& a : e.args)
    CollectBareColumns(*a, out);
  if (e.operand) CollectBareColumns(*e.operand, out);
  if (e.else_expr) CollectBareColumns(*e.else_expr, out);
  if (e.window) {
    for (const auto& p : e.window->partition_by)
      CollectBareColumns(*p, out);
    for (const auto& o : e.window->order_by)
      CollectBareColumns(*o.expr, out);
  }
}

bool IsConstant(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral:
    case ExprKind::kParameter:
      return true;
    case ExprKind::kUnaryOp:
    case ExprKind::kBinaryOp:
    case ExprKind::kCast:
      for (const auto& a : e.args) {
        if (!IsConstant(*a)) return false;
      }
      return true;
    default:
      return false;
  }
}

// Evaluates a constant expression (LIMIT, OFFSET, VALUES entries).
Value EvaluateConstant(const Expr& e, runtime::Database* db, const OuterPtr& outer) {
  Scope empty;
  BoundExprPtr bound = Binder(empty, nullptr, false, db, outer).Bind(e);
  auto dual = arrow::RecordBatch::Make(
      std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{}), 1, {});
  return Value::FromArray(*execution::Evaluate(*bound, *dual), 0);
}

int64_t CountExpr(const ExprPtr& e, const char* what, runtime::Database* db) {
  if (!e) return -1;
  Value v = EvaluateConstant(*e, db);
  if (v.is_null()) return -1;
  // Any number counts, rounded to the nearest whole one (LIMIT 1.25 is
  // LIMIT 1, as in DuckDB); text and other types convert as a cast to
  // BIGINT would (a Conversion Error when they do not).
  if (!v.type()->is_integer()) {
    v = Value::FromArray(*execution::Cast(*v.ToArray(1), arrow::int64()), 0);
  }
  if (v.int64() < 0) {
    Fail(ErrorKind::kBinder, "{} cannot be negative: {}", what, v.ToString());
  }
  return v.int64();
}

namespace {

// The argument of LIMIT p %, or null for any other LIMIT.
const Expr* LimitPercent(const SelectStmt& q) {
  const Expr* e = q.limit.get();
  if (e && e->kind == ExprKind::kFunction && e->names.size() == 1 &&
      e->names[0] == "__llkv_percent" && e->args.size() == 1) {
    return e->args[0].get();
  }
  return nullptr;
}

}  // namespace

OperatorPtr ApplyLimit(OperatorPtr plan, const SelectStmt& q, runtime::Database* db) {
  const int64_t offset = std::max<int64_t>(CountExpr(q.offset, "OFFSET", db), 0);
  if (const Expr* percent = LimitPercent(q)) {
    const Value v = EvaluateConstant(*percent, db);
    if (v.is_null()) {
      return offset > 0 ? execution::MakeLimit(std::move(plan), -1, offset) : std::move(plan);
    }
    const Value p = Value::FromArray(*execution::Cast(*v.ToArray(1), arrow::float64()),
                                     0);  // a Conversion Error if not
    const double pct = p.float64();
    if (!(pct >= 0 && pct <= 100)) {
      Fail(ErrorKind::kOutOfRange, "Limit percent out of range, should be between 0% and 100%");
    }
    return execution::MakeLimitPercent(std::move(plan), pct, offset);
  }
  const int64_t limit = CountExpr(q.limit, "LIMIT", db);
  if (limit < 0 && offset == 0) return plan;
  return execution::MakeLimit(std::move(plan), limit, offset);
}

int64_t TopN(const SelectStmt& q, runtime::Database* db) {
  if (LimitPercent(q)) return -1;
  const int64_t limit = CountExpr(q.limit, "LIMIT", db);
  if (limit < 0) return -1;
  const int64_t offset = std::max<int64_t>(CountExpr(q.offset, "OFFSET", db), 0);
  int64_t n = 0;
  return __builtin_add_overflow(limit, offset, &n) ? -1 : n;
}

bool Descending(const OrderItem& o) {
  return o.direction_given ? o.descending : CurrentSettings().default_order_descending();
}

bool IsNonIntegerLiteral(const Expr& e, const char* clause) {
  if (e.kind != ExprKind::kLiteral || e.literal_kind == LiteralKind::kInteger) return false;
  if (!CurrentSettings().order_by_literals()) {
    Fail(ErrorKind::kBinder,
         "{} non-integer literal has no effect: it orders nothing (SET "
         "order_by_non_integer_literal = true skips such terms)",
         clause);
  }
  return true;
}

std::vector<SortTerm> SortTerms(const SelectStmt& q, size_t columns, ExprList* storage) {
  std::vector<SortTerm> out;
  for (const auto& o : q.order_by) {
    if (!o.all) {
      if (IsNonIntegerLiteral(*o.expr, "ORDER BY")) continue;
      out.push_back({o.expr.get(), Descending(o), o.nulls});
      continue;
    }
    for (size_t i = 1; i <= columns; ++i) {
      auto position = std::make_unique<Expr>();
      position->literal_kind = LiteralKind::kInteger;
      position->int_value = static_cast<int64_t>(i);
      out.push_back({position.get(), Descending(o), o.nulls});
      storage->push_back(std::move(position));
    }
  }
  return out;
}

std::string ColumnName(const SelectItem& item) {
  if (!item.alias.empty()) return item.alias;
  if (item.expr->kind == ExprKind::kColumnRef) return item.expr->names.back();
  return item.expr->ToString();
}

void SplitConjuncts(const Expr& e, std::vector<const Expr*>* out) {
  if (e.kind == ExprKind::kBinaryOp && e.op == "AND") {
    SplitConjuncts(*e.args[0], out);
    SplitConjuncts(*e.args[1], out);
    return;
  }
  out->push_back(&e);
}

void FactorDisjunctions(std::vector<const Expr*>* terms) {
  const size_t n = terms->size();
  for (size_t t = 0; t < n; ++t) {
    const Expr& e = *(*terms)[t];
    if (e.kind != ExprKind::kBinaryOp || e.op != "OR") continue;
    std::vector<const Expr*> disjuncts;
    std::vector<const Expr*> stack{&e};
    while (!stack.empty()) {
      const Expr* d = stack.back();
      stack.pop_back();
      if (d->kind == ExprKind::kBinaryOp && d->op == "OR") {
        stack.push_back(d->args[1].get());
        stack.push_back(d->args[0].get());
      } else {
        disjuncts.push_back(d);
      }
    }
    std::vector<const Expr*> common;
    SplitConjuncts(*disjuncts[0], &common);
    for (size_t d = 1; d < disjuncts.size() && !common.empty(); ++d) {
      std::vector<const Expr*> own;
      SplitConjuncts(*disjuncts[d], &own);
      std::set<std::string> texts;
      for (const Expr* c : own)
        texts.insert(c->ToString());
      std::erase_if(common, [&](const Expr* c) { return !texts.contains(c->ToString()); });
    }
    terms->insert(terms->end(), common.begin(), common.end());
  }
}

// Appends `right`'s columns to `left`'s, renumbered after them.
ScopeColumn FieldColumn(std::string qualifier, std::string name, int index, const arrow::Field& f) {
  ScopeColumn c{std::move(qualifier), std::move(name), index, f.type()};
  c.collation = FieldCollation(f);
  return c;
}

Scope Concat(const Scope& left, const Scope& right) {
  Scope out = left;
  for (ScopeColumn c : right) {
    c.index += static_cast<int>(left.size());
    out.push_back(std::move(c));
  }
  return out;
}

// Column references of `e` (including inside subqueries), as written.
void CollectColumnRefs(const Expr& e, std::vector<const Expr*>* out) {
  if (e.kind == ExprKind::kColumnRef) out->push_back(&e);
  for (const auto& a : e.args)
    CollectColumnRefs(*a, out);
  if (e.operand) CollectColumnRefs(*e.operand, out);
  if (e.else_expr) CollectColumnRefs(*e.else_expr, out);
  if (e.filter) CollectColumnRefs(*e.filter, out);
  if (e.window) {
    for (const auto& p : e.window->partition_by)
      CollectColumnRefs(*p, out);
    for (const auto& o : e.window->order_by)
      CollectColumnRefs(*o.expr, out);
  }
  if (e.subquery) {
    const SelectStmt& q = *e.subquery;
    if (q.where) CollectColumnRefs(*q.where, out);
    for (const auto& item : q.select_list)
      CollectColumnRefs(*item.expr, out);
    if (q.having) CollectColumnRefs(*q.having, out);
  }
}

bool Matches(const ScopeColumn& c, const Expr& ref) {
  if (!EqualsIgnoreCase(c.name, ref.names.back())) return false;
  if (ref.names.size() < 2 && c.qualified_only) return false;
  return ref.names.size() < 2 || EqualsIgnoreCase(c.qualifier, ref.names[ref.names.size() - 2]);
}

// Whether every column `e` names that belongs to `all` is in `available`
// (names of other scopes, such as a subquery's own tables, are ignored).
bool Covered(const Expr& e, const Scope& available, const Scope& all) {
  std::vector<const Expr*> refs;
  CollectColumnRefs(e, &refs);
  for (const Expr* r : refs) {
    bool in_all = false, in_available = false;
    for (const auto& c : all)
      in_all = in_all || Matches(c, *r);
    if (!in_all) continue;
    for (const auto& c : available)
      in_available = in_available || Matches(c, *r);
    if (!in_available) return false;
  }
  return true;
}

// Whether `e` names any column of `scope`.
bool Touches(const Expr& e, const Scope& scope) {
  std::vector<const Expr*> refs;
  CollectColumnRefs(e, &refs);
  for (const Expr* r : refs) {
    for (const auto& c : scope) {
      if (Matches(c, *r)) return true;
    }
  }
  return false;
}

OperatorPtr PlanValues(const SelectStmt& q, runtime::Database* db,
                       const std::vector<arrow::TypePtr>* types, const OuterPtr& outer) {
  const size_t width = q.values[0].size();
  std::vector<std::vector<Value>> rows;
  for (const auto& row : q.values) {
    if (row.size() != width) {
      Fail(ErrorKind::kBinder, "VALUES lists must all be the same length ({} and {})", width,
           row.size());
    }
    std::vector<Value> values;
    for (const auto& e : row)
      values.push_back(EvaluateConstant(*e, db, outer));
    rows.push_back(std::move(values));
  }
  // Each column takes the type common to its values (VALUES (1), (2.5) is
  // DOUBLE); values of kinds without one take the first non-null type.
  std::vector<arrow::FieldPtr> fields;
  std::vector<arrow::ArrayDataPtr> columns;
  for (size_t c = 0; c < width; ++c) {
    arrow::TypePtr type = arrow::null();
    std::vector<arrow::TypePtr> value_types;
    for (const auto& row : rows) {
      if (!row[c].is_null() && type->id() == arrow::TypeId::kNull) type = row[c].type();
      value_types.push_back(row[c].type());
    }
    if (types != nullptr && c < types->size()) {
      type = (*types)[c];
    } else {
      try {
        type = Binder::CommonTypeOf(value_types);
      } catch (const Error&) {
      }
    }
    std::vector<arrow::ArrayDataPtr> parts;
    for (const auto& row : rows)
      parts.push_back(execution::Cast(*row[c].ToArray(1), type));
    columns.push_back(arrow::Concatenate(parts));
    // A COLLATE on the column's first value names its collation.
    std::string collation;
    if (q.values[0][c]->kind == ExprKind::kCollate)
      collation = CanonicalCollation(q.values[0][c]->text);
    fields.push_back(
        arrow::field("col" + std::to_string(c), type, true, CollationMetadata(collation)));
  }
  auto schema = std::make_shared<arrow::Schema>(std::move(fields));
  auto batch =
      arrow::RecordBatch::Make(schema, static_cast<int64_t>(rows.size()), std::move(columns));
  return execution::MakeValues(schema, {batch});
}

namespace {

void NamesIn(const SelectStmt& q, std::set<std::string>* names);
void NamesIn(const WindowSpec& w, std::set<std::string>* names);

void NamesIn(const Expr& e, std::set<std::string>* names) {
  // Every part of a dotted name: in s.field (a STRUCT column's field) the
  // column is not the last part.
  if (e.kind == ExprKind::kColumnRef) {
    for (const auto& n : e.names)
      names->insert(Lower(n));
  }
  for (const auto& a : e.args)
    NamesIn(*a, names);
  if (e.operand) NamesIn(*e.operand, names);
  if (e.else_expr) NamesIn(*e.else_expr, names);
  if (e.filter) NamesIn(*e.filter, names);
  for (const auto& o : e.order_by)
    NamesIn(*o.expr, names);
  if (e.window) NamesIn(*e.window, names);
  if (e.subquery) NamesIn(*e.subquery, names);
}

void NamesIn(const WindowSpec& w, std::set<std::string>* names) {
  for (const auto& p : w.partition_by)
    NamesIn(*p, names);
  for (const auto& o : w.order_by)
    NamesIn(*o.expr, names);
  for (const FrameBound* b : {&w.start, &w.end}) {
    if (b->offset) NamesIn(*b->offset, names);
  }
}

void NamesIn(const TableRef& ref, std::set<std::string>* names) {
  if (ref.subquery) NamesIn(*ref.subquery, names);
  if (ref.left) NamesIn(*ref.left, names);
  if (ref.right) NamesIn(*ref.right, names);
  if (ref.on) NamesIn(*ref.on, names);
  for (const auto& c : ref.using_columns)
    names->insert(Lower(c));
  for (const auto& a : ref.function_args)
    NamesIn(*a, names);
}

void NamesIn(const SelectStmt& q, std::set<std::string>* names) {
  for (const auto& cte : q.ctes) {
    if (cte.query) NamesIn(*cte.query, names);
  }
  if (q.left) NamesIn(*q.left, names);
  if (q.right) NamesIn(*q.right, names);
  for (const auto& row : q.values)
    for (const auto& v : row)
      NamesIn(*v, names);
  for (const auto& e : q.distinct_on)
    NamesIn(*e, names);
  for (const auto& item : q.select_list)
    NamesIn(*item.expr, names);
  for (const auto& f : q.from)
    NamesIn(*f, names);
  if (q.where) NamesIn(*q.where, names);
  for (const auto& g : q.group_by)
    NamesIn(*g, names);
  if (q.having) NamesIn(*q.having, names);
  for (const auto& o : q.order_by)
    NamesIn(*o.expr, names);
  if (q.limit) NamesIn(*q.limit, names);
  if (q.offset) NamesIn(*q.offset, names);
  for (const auto& w : q.windows)
    NamesIn(w.second, names);
  if (q.qualify) NamesIn(*q.qualify, names);
}

}  // namespace

namespace {

bool HasNaturalJoin(const TableRef& ref) {
  if (ref.natural) return true;
  return (ref.left && HasNaturalJoin(*ref.left)) || (ref.right && HasNaturalJoin(*ref.right));
}

}  // namespace

ReadSet ColumnsRead(const SelectStmt& q) {
  ReadSet out;
  NamesIn(q, &out.names);
  // A NATURAL join compares the columns its sides share, which the query
  // need not name: its tables are read whole.
  for (const auto& f : q.from) {
    if (HasNaturalJoin(*f)) out.stars.insert("");
  }
  for (const auto& item : q.select_list) {
    if (item.expr->kind != ExprKind::kStar) continue;
    out.stars.insert(item.expr->names.empty() ? "" : Lower(item.expr->names.back()));
    // s.* may name a STRUCT column s (its fields), not a table.
    for (const auto& n : item.expr->names)
      out.names.insert(Lower(n));
  }
  return out;
}

}  // namespace llkv::sql::plan
