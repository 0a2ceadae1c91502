#include "sql/planner.h"

#include "sql/access_path.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <map>
#include <set>

#include "execution/aggregate.h"
#include "execution/join.h"
#include "execution/set_operation.h"
#include "execution/subquery.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"
#include "sql/parser.h"

namespace llkv::sql {

using execution::BoundExprPtr;
using execution::ExprOp;
using execution::OperatorPtr;
using execution::Value;

namespace {

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
  return Lower(a) == Lower(b);
}

// One column visible to expressions: its qualifier (table name or alias),
// name, position in the input batch and type.
struct ScopeColumn {
  std::string qualifier;
  std::string name;
  int index;
  arrow::TypePtr type;
};

using Scope = std::vector<ScopeColumn>;

bool IsNumeric(const arrow::DataType& t) {
  return t.is_integer() || t.is_floating() || t.id() == arrow::TypeId::kDecimal128;
}
bool IsText(const arrow::DataType& t) {
  return t.id() == arrow::TypeId::kUtf8 || t.id() == arrow::TypeId::kLargeUtf8;
}
bool IsNull(const arrow::DataType& t) {
  return t.id() == arrow::TypeId::kNull;
}

// The type arithmetic on a and b computes in.
arrow::TypePtr ArithmeticType(const arrow::DataType& a, const arrow::DataType& b) {
  if ((a.is_integer() || IsNull(a)) && (b.is_integer() || IsNull(b))) return arrow::int64();
  return arrow::float64();
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

// Expressions (by their SQL text) that an aggregate's output provides.
using Substitutions = std::map<std::string, std::pair<int, arrow::TypePtr>>;

bool IsAggregateCall(const Expr& e) {
  if (e.kind != ExprKind::kFunction || e.names.size() != 1) return false;
  const std::string n = Lower(e.names[0]);
  if ((n == "min" || n == "max") && e.args.size() > 1) return false;  // scalar min/max
  return n == "count" || n == "sum" || n == "avg" || n == "min" || n == "max" || n == "total" ||
         n == "group_concat" || n == "string_agg";
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
}

// The queries enclosing a subquery, innermost first: their columns and,
// once a subquery is instantiated for an outer row, that row's values.
struct OuterContext {
  std::shared_ptr<const Scope> scope;
  std::shared_ptr<const std::vector<Value>> row;   // null while binding (no row yet)
  std::shared_ptr<std::set<int>> captures;         // outer columns referenced while binding
  std::shared_ptr<std::vector<const Expr*>> refs;  // the references themselves
  std::shared_ptr<const OuterContext> parent;
};
using OuterPtr = std::shared_ptr<const OuterContext>;

// A correlated subquery planned once for all outer rows: the WHERE
// conjuncts `inner = outer` in `skip` are left out and their inner sides,
// `keys`, become extra output columns; the caller matches outer rows to
// subquery rows by those keys (a hash semi-join in place of one run per
// outer row).
struct KeyedPlan {
  std::set<const Expr*> skip;
  std::vector<const Expr*> keys;
  bool ignore_limit = false;  // a scalar or EXISTS subquery's LIMIT n >= 1
  bool group = false;         // an aggregating subquery: grouped by the keys
};

OperatorPtr PlanSelect(const SelectStmt& q, runtime::Database& db, const OuterPtr& outer,
                       const KeyedPlan* keyed = nullptr);
void SplitConjuncts(const Expr& e, std::vector<const Expr*>* out);
void CollectColumnRefs(const Expr& e, std::vector<const Expr*>* out);
Value EvaluateConstant(const Expr& e);

// Instantiates a subquery for each outer row it depends on.
class SqlSubqueryRunner final : public execution::SubqueryRunner {
 public:
  SqlSubqueryRunner(const SelectStmt* query, runtime::Database* db,
                    std::shared_ptr<const Scope> scope, OuterPtr parent)
      : query_(query), db_(db), scope_(std::move(scope)), parent_(std::move(parent)) {}
  OperatorPtr Plan(const std::vector<Value>& outer_row) override {
    auto ctx = std::make_shared<OuterContext>();
    ctx->scope = scope_;
    ctx->row = std::make_shared<const std::vector<Value>>(outer_row);
    ctx->parent = parent_;
    return PlanSelect(*query_, *db_, ctx);
  }

  OperatorPtr PlanEmpty() override {
    if (!keyed.group) return nullptr;
    // Every outer value NULL: the `inner = outer` conditions hold for no
    // row, so the aggregates run over nothing.
    auto ctx = std::make_shared<OuterContext>();
    ctx->scope = scope_;
    auto row = std::make_shared<std::vector<Value>>();
    for (const auto& c : *scope_)
      row->push_back(Value::Null(c.type));
    ctx->row = std::move(row);
    ctx->parent = parent_;
    return PlanSelect(*query_, *db_, ctx);
  }

  OperatorPtr PlanKeyed() override {
    auto ctx = std::make_shared<OuterContext>();
    ctx->scope = scope_;
    ctx->captures = std::make_shared<std::set<int>>();
    ctx->parent = parent_;
    return PlanSelect(*query_, *db_, ctx, &keyed);
  }

  KeyedPlan keyed;

 private:
  const SelectStmt* query_;  // owned by the statement, which outlives execution
  runtime::Database* db_;
  std::shared_ptr<const Scope> scope_;
  OuterPtr parent_;
};

// Column references of `e` outside aggregate calls and subqueries.
void CollectBareColumns(const Expr& e, std::vector<const Expr*>* out) {
  if (IsAggregateCall(e)) return;
  if (e.kind == ExprKind::kColumnRef) out->push_back(&e);
  for (const auto& a : e.args)
    CollectBareColumns(*a, out);
  if (e.operand) CollectBareColumns(*e.operand, out);
  if (e.else_expr) CollectBareColumns(*e.else_expr, out);
}

class Binder {
 public:
  // `substitutions` (optional) maps expressions to columns of the input;
  // `grouped` makes any other column reference an error (the input is an
  // aggregate's output).
  explicit Binder(const Scope& scope, const Substitutions* substitutions = nullptr,
                  bool grouped = false, runtime::Database* db = nullptr, OuterPtr outer = nullptr)
      : scope_(scope),
        substitutions_(substitutions),
        grouped_(grouped),
        db_(db),
        outer_(std::move(outer)) {}

  // Output aliases a grouped binder may resolve names to (HAVING).
  void set_aliases(const std::vector<std::pair<std::string, const Expr*>>* aliases) {
    aliases_ = aliases;
  }

  BoundExprPtr Bind(const Expr& e) {
    if (substitutions_) {
      auto it = substitutions_->find(e.ToString());
      if (it != substitutions_->end())
        return execution::ColumnRef(it->second.first, it->second.second);
    }
    switch (e.kind) {
      case ExprKind::kLiteral:
        return execution::Constant(Literal(e));
      case ExprKind::kColumnRef:
        return Column(e);
      case ExprKind::kParameter: {
        const auto i = static_cast<size_t>(e.parameter_index - 1);
        if (!e.parameters || i >= e.parameters->values.size() || !e.parameters->values[i]) {
          Fail(ErrorKind::kInvalidInput, "parameter ${} has no value bound", e.parameter_index);
        }
        return execution::Constant(*e.parameters->values[i]);
      }
      case ExprKind::kUnaryOp:
        return Unary(e);
      case ExprKind::kBinaryOp:
        return BinaryOp(e);
      case ExprKind::kIsNull: {
        std::vector<BoundExprPtr> args;
        args.push_back(Bind(*e.args[0]));
        return execution::Call(e.negated ? ExprOp::kIsNotNull : ExprOp::kIsNull, arrow::boolean(),
                               std::move(args));
      }
      case ExprKind::kCast:
        return execution::CastTo(Bind(*e.args[0]), TypeFromName(e.type));
      case ExprKind::kBetween: {
        // x BETWEEN lo AND hi is x >= lo AND x <= hi (x is evaluated twice).
        BoundExprPtr lower = Compare(ExprOp::kGreaterEqual, Bind(*e.args[0]), Bind(*e.args[1]));
        BoundExprPtr upper = Compare(ExprOp::kLessEqual, Bind(*e.args[0]), Bind(*e.args[2]));
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(lower));
        args.push_back(std::move(upper));
        BoundExprPtr out = execution::Call(ExprOp::kAnd, arrow::boolean(), std::move(args));
        return e.negated ? NotOf(std::move(out)) : std::move(out);
      }
      case ExprKind::kInList: {
        // x IN (a, b, ...) is x = a OR x = b OR ...: exactly SQL's NULL rules.
        BoundExprPtr out;
        for (size_t i = 1; i < e.args.size(); ++i) {
          BoundExprPtr eq = Compare(ExprOp::kEqual, Bind(*e.args[0]), Bind(*e.args[i]));
          if (!out) {
            out = std::move(eq);
            continue;
          }
          std::vector<BoundExprPtr> args;
          args.push_back(std::move(out));
          args.push_back(std::move(eq));
          out = execution::Call(ExprOp::kOr, arrow::boolean(), std::move(args));
        }
        return e.negated ? NotOf(std::move(out)) : std::move(out);
      }
      case ExprKind::kCase:
        return Case(e);
      case ExprKind::kCoalesce: {
        std::vector<BoundExprPtr> args;
        for (const auto& a : e.args) {
          BoundExprPtr arg = Bind(*a);
          if (arg->op == ExprOp::kConstant && arg->value.is_null() && e.args.size() > 1) continue;
          // A constant decides the result by itself, with its own type, as
          // in SQLite where COALESCE(43, avg(x)) / 60 is integer division.
          if (arg->op == ExprOp::kConstant && args.empty()) return arg;
          args.push_back(std::move(arg));
        }
        if (args.empty()) return execution::Constant(Value::Null());
        return Unified(ExprOp::kCoalesce, std::move(args), false);
      }
      case ExprKind::kNullIf: {
        // NULLIF(a, b) is CASE WHEN a = b THEN NULL ELSE a END.
        std::vector<BoundExprPtr> args;
        args.push_back(Compare(ExprOp::kEqual, Bind(*e.args[0]), Bind(*e.args[1])));
        args.push_back(execution::Constant(Value::Null()));
        args.push_back(Bind(*e.args[0]));
        return Unified(ExprOp::kCase, std::move(args), true);
      }
      case ExprKind::kFunction:
        return Function(e);
      case ExprKind::kScalarSubquery:
      case ExprKind::kExists:
      case ExprKind::kInSubquery:
        return Subquery(e);
      default:
        Fail(ErrorKind::kNotImplemented, "expression '{}' is not supported yet", e.ToString());
    }
  }

  // Brings two operands compared for equality (join keys) to one type.
  static void UnifyTypes(BoundExprPtr& a, BoundExprPtr& b) { Unify(a, b); }
  // The common type of set operation columns, CASE branches, ...
  static arrow::TypePtr CommonTypeOf(const std::vector<arrow::TypePtr>& types) {
    return CommonType(types);
  }

  // Binds a boolean condition (numbers count as true when non-zero).
  BoundExprPtr Condition(const Expr& e) { return ToBool(Bind(e)); }

 private:
  static Value Literal(const Expr& e) {
    switch (e.literal_kind) {
      case LiteralKind::kNull:
        return Value::Null();
      case LiteralKind::kBool:
        return Value::Bool(e.bool_value);
      case LiteralKind::kInteger:
        return Value::Int64(e.int_value);
      case LiteralKind::kNumeric: {
        double d = 0;
        auto [end, ec] = std::from_chars(e.text.data(), e.text.data() + e.text.size(), d);
        if (ec != std::errc() || end != e.text.data() + e.text.size()) {
          Fail(ErrorKind::kConversion, "Could not convert numeric literal '{}'", e.text);
        }
        return Value::Double(d);
      }
      case LiteralKind::kString:
        return Value::String(e.text);
      case LiteralKind::kBlob:
        return Value::Blob(e.text);
    }
    return Value::Null();
  }

  BoundExprPtr Column(const Expr& e) {
    const std::string& name = e.names.back();
    if (grouped_) {
      // An output column's alias (HAVING x > 2 with SELECT a AS x).
      if (aliases_ != nullptr && e.names.size() == 1) {
        for (const auto& [alias, expr] : *aliases_) {
          if (EqualsIgnoreCase(alias, name) && !expanding_alias_) {
            expanding_alias_ = true;
            BoundExprPtr bound = Bind(*expr);
            expanding_alias_ = false;
            return bound;
          }
        }
      }
      Fail(ErrorKind::kBinder,
           "column \"{}\" must appear in the GROUP BY clause or must be part of "
           "an aggregate function",
           e.ToString());
    }
    const std::string qualifier = e.names.size() >= 2 ? e.names[e.names.size() - 2] : "";
    const ScopeColumn* found = nullptr;
    for (const auto& c : scope_) {
      if (!EqualsIgnoreCase(c.name, name)) continue;
      if (!qualifier.empty() && !EqualsIgnoreCase(c.qualifier, qualifier)) continue;
      if (found) Fail(ErrorKind::kBinder, "Ambiguous reference to column name \"{}\"", name);
      found = &c;
    }
    if (!found) {
      // A column of an enclosing query: a constant for this instantiation,
      // or, while binding, a typed placeholder that records the reference.
      for (const OuterContext* ctx = outer_.get(); ctx != nullptr; ctx = ctx->parent.get()) {
        const ScopeColumn* outer = nullptr;
        for (const auto& c : *ctx->scope) {
          if (!EqualsIgnoreCase(c.name, name)) continue;
          if (!qualifier.empty() && !EqualsIgnoreCase(c.qualifier, qualifier)) continue;
          if (outer) Fail(ErrorKind::kBinder, "Ambiguous reference to column name \"{}\"", name);
          outer = &c;
        }
        if (!outer) continue;
        if (ctx->row) return execution::Constant((*ctx->row)[static_cast<size_t>(outer->index)]);
        ctx->captures->insert(outer->index);
        if (ctx->refs) ctx->refs->push_back(&e);
        return execution::Constant(Value::Null(outer->type));
      }
      std::string hint;
      size_t best = 3;
      for (const auto& c : scope_) {
        const size_t d = Distance(Lower(c.name), Lower(name));
        if (d < best) {
          best = d;
          hint = fmt::format(" (did you mean \"{}\"?)", c.name);
        }
      }
      Fail(ErrorKind::kBinder, "Referenced column \"{}\" not found in FROM clause!{}", e.ToString(),
           hint);
    }
    return execution::ColumnRef(found->index, found->type);
  }

  static BoundExprPtr Numeric(BoundExprPtr e, const arrow::TypePtr& to, const std::string& op) {
    if (!IsNumeric(*e->type) && !IsNull(*e->type)) {
      Fail(ErrorKind::kBinder, "Cannot apply '{}' to a value of type {}", op, e->type->ToString());
    }
    return execution::CastTo(std::move(e), to);
  }

  BoundExprPtr Unary(const Expr& e) {
    BoundExprPtr arg = Bind(*e.args[0]);
    if (e.op == "NOT") {
      std::vector<BoundExprPtr> args;
      args.push_back(ToBool(std::move(arg)));
      return execution::Call(ExprOp::kNot, arrow::boolean(), std::move(args));
    }
    // Unary plus changes nothing, whatever the type (SQLite).
    if (e.op == "+") return arg;
    const arrow::TypePtr t = ArithmeticType(*arg->type, *arg->type);
    arg = Numeric(std::move(arg), t, e.op);
    if (e.op == "-") {
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(arg));
      return execution::Call(ExprOp::kNegate, t, std::move(args));
    }
    if (e.op == "~") {
      std::vector<BoundExprPtr> args;
      args.push_back(execution::CastTo(std::move(arg), arrow::int64()));
      return execution::Call(ExprOp::kBitNot, arrow::int64(), std::move(args));
    }
    Fail(ErrorKind::kBinder, "No operator matches unary {}", e.op);
  }

  static BoundExprPtr ToBool(BoundExprPtr e) {
    if (e->type->id() == arrow::TypeId::kBool) return e;
    if (IsNull(*e->type)) return execution::CastTo(std::move(e), arrow::boolean());
    if (IsNumeric(*e->type)) {
      // Numbers are true when non-zero (SQLite).
      const arrow::TypePtr t = ArithmeticType(*e->type, *e->type);
      std::vector<BoundExprPtr> args;
      args.push_back(execution::CastTo(std::move(e), t));
      args.push_back(execution::CastTo(execution::Constant(Value::Int64(0)), t));
      return execution::Call(ExprOp::kNotEqual, arrow::boolean(), std::move(args));
    }
    Fail(ErrorKind::kBinder, "Cannot use a value of type {} as a condition", e->type->ToString());
  }

  // Brings two comparison operands to one type.
  static void Unify(BoundExprPtr& a, BoundExprPtr& b) {
    const arrow::DataType& x = *a->type;
    const arrow::DataType& y = *b->type;
    if (x.Equals(y)) return;
    if (IsNull(x)) {
      a = execution::CastTo(std::move(a), b->type);
      return;
    }
    if (IsNull(y)) {
      b = execution::CastTo(std::move(b), a->type);
      return;
    }
    if (IsNumeric(x) && IsNumeric(y)) {
      const arrow::TypePtr t = ArithmeticType(x, y);
      a = execution::CastTo(std::move(a), t);
      b = execution::CastTo(std::move(b), t);
      return;
    }
    // A text operand converts to the other side's type (DuckDB's rule for
    // constants; for columns it raises a Conversion Error on bad text).
    if (IsText(x)) {
      a = execution::CastTo(std::move(a), IsNumeric(y) ? ArithmeticType(y, y) : b->type);
      if (IsNumeric(y)) b = execution::CastTo(std::move(b), a->type);
      return;
    }
    if (IsText(y)) {
      b = execution::CastTo(std::move(b), IsNumeric(x) ? ArithmeticType(x, x) : a->type);
      if (IsNumeric(x)) a = execution::CastTo(std::move(a), b->type);
      return;
    }
    if (x.id() == arrow::TypeId::kBool && IsNumeric(y)) {
      a = execution::CastTo(std::move(a), arrow::int64());
      b = execution::CastTo(std::move(b), arrow::int64());
      return;
    }
    if (y.id() == arrow::TypeId::kBool && IsNumeric(x)) {
      a = execution::CastTo(std::move(a), arrow::int64());
      b = execution::CastTo(std::move(b), arrow::int64());
      return;
    }
    Fail(ErrorKind::kBinder, "Cannot compare values of type {} and {}", x.ToString(), y.ToString());
  }

  BoundExprPtr BinaryOp(const Expr& e) {
    static const std::pair<const char*, ExprOp> kArithmetic[] = {{"+", ExprOp::kAdd},
                                                                 {"-", ExprOp::kSubtract},
                                                                 {"*", ExprOp::kMultiply},
                                                                 {"/", ExprOp::kDivide},
                                                                 {"%", ExprOp::kModulo}};
    static const std::pair<const char*, ExprOp> kComparison[] = {
        {"=", ExprOp::kEqual},     {"==", ExprOp::kEqual},       {"<>", ExprOp::kNotEqual},
        {"!=", ExprOp::kNotEqual}, {"<", ExprOp::kLess},         {"<=", ExprOp::kLessEqual},
        {">", ExprOp::kGreater},   {">=", ExprOp::kGreaterEqual}};
    if (e.op == "AND" || e.op == "OR") {
      std::vector<BoundExprPtr> args;
      args.push_back(Condition(*e.args[0]));
      args.push_back(Condition(*e.args[1]));
      return execution::Call(e.op == "AND" ? ExprOp::kAnd : ExprOp::kOr, arrow::boolean(),
                             std::move(args));
    }
    for (const auto& [sym, op] : kArithmetic) {
      if (e.op != sym) continue;
      BoundExprPtr a = Bind(*e.args[0]);
      BoundExprPtr b = Bind(*e.args[1]);
      const arrow::TypePtr t = ArithmeticType(*a->type, *b->type);
      std::vector<BoundExprPtr> args;
      args.push_back(Numeric(std::move(a), t, e.op));
      args.push_back(Numeric(std::move(b), t, e.op));
      return execution::Call(op, t, std::move(args));
    }
    for (const auto& [sym, op] : kComparison) {
      if (e.op == sym) return Compare(op, Bind(*e.args[0]), Bind(*e.args[1]));
    }
    static const std::pair<const char*, ExprOp> kBitwise[] = {{"&", ExprOp::kBitAnd},
                                                              {"|", ExprOp::kBitOr},
                                                              {"<<", ExprOp::kShiftLeft},
                                                              {">>", ExprOp::kShiftRight}};
    for (const auto& [sym, op] : kBitwise) {
      if (e.op != sym) continue;
      // Operands are integers; reals are truncated (SQLite).
      std::vector<BoundExprPtr> args;
      args.push_back(Numeric(Bind(*e.args[0]), arrow::int64(), e.op));
      args.push_back(Numeric(Bind(*e.args[1]), arrow::int64(), e.op));
      return execution::Call(op, arrow::int64(), std::move(args));
    }
    Fail(ErrorKind::kBinder, "No operator matches {} for these operands", e.op);
  }

  static BoundExprPtr NotOf(BoundExprPtr e) {
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(e));
    return execution::Call(ExprOp::kNot, arrow::boolean(), std::move(args));
  }

  // Whether `e` is a constant of a kind no value of type `other` can equal:
  // text that is not a number against numbers, a blob against anything
  // else. SQLite orders such values by kind: numbers < text < blobs.
  static bool Incomparable(const execution::BoundExpr& e, const arrow::DataType& other) {
    if (e.op != ExprOp::kConstant || e.value.is_null() || IsNull(other)) return false;
    if (e.type->id() == arrow::TypeId::kBinary) return other.id() != arrow::TypeId::kBinary;
    if (!IsText(*e.type) || !IsNumeric(other)) return false;
    const std::string text = e.value.ToString();
    std::string_view t = text;
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front())))
      t.remove_prefix(1);
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back())))
      t.remove_suffix(1);
    if (!t.empty() && t[0] == '+') t.remove_prefix(1);
    double d = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
    return t.empty() || ec != std::errc() || end != t.data() + t.size();
  }

  // `op` between an incomparable constant (`greater` says on which side)
  // and `other`: decided by kind order, NULL when `other` is NULL.
  static BoundExprPtr KindOrder(ExprOp op, bool left_greater, BoundExprPtr other) {
    bool result = false;
    switch (op) {
      case ExprOp::kNotEqual:
        result = true;
        break;
      case ExprOp::kLess:
      case ExprOp::kLessEqual:
        result = !left_greater;
        break;
      case ExprOp::kGreater:
      case ExprOp::kGreaterEqual:
        result = left_greater;
        break;
      default:
        break;
    }
    std::vector<BoundExprPtr> test;
    test.push_back(std::move(other));
    std::vector<BoundExprPtr> args;
    args.push_back(execution::Call(ExprOp::kIsNull, arrow::boolean(), std::move(test)));
    args.push_back(execution::Constant(Value::Null(arrow::boolean())));
    args.push_back(execution::Constant(Value::Bool(result)));
    BoundExprPtr out = execution::Call(ExprOp::kCase, arrow::boolean(), std::move(args));
    out->has_else = true;
    return out;
  }

  static BoundExprPtr Compare(ExprOp op, BoundExprPtr a, BoundExprPtr b) {
    if (IsNull(*a->type) && IsNull(*b->type))
      return execution::Constant(Value::Null(arrow::boolean()));
    if (Incomparable(*a, *b->type)) return KindOrder(op, true, std::move(b));
    if (Incomparable(*b, *a->type)) return KindOrder(op, false, std::move(a));
    Unify(a, b);
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(a));
    args.push_back(std::move(b));
    return execution::Call(op, arrow::boolean(), std::move(args));
  }

  // The type values of `types` are brought to for CASE and COALESCE.
  static arrow::TypePtr CommonType(const std::vector<arrow::TypePtr>& types) {
    arrow::TypePtr out = arrow::null();
    for (const auto& t : types) {
      if (IsNull(*t) || t->Equals(*out)) continue;
      if (IsNull(*out)) {
        out = t;
      } else if (IsNumeric(*out) && IsNumeric(*t)) {
        out = ArithmeticType(*out, *t);
      } else if (IsText(*out) || IsText(*t)) {
        out = arrow::utf8();  // mixed kinds render as text
      } else {
        Fail(ErrorKind::kBinder, "Cannot mix values of type {} and {}", out->ToString(),
             t->ToString());
      }
    }
    return out;
  }

  // A CASE (args: when/then pairs and the else) or COALESCE whose value
  // arguments are cast to their common type.
  static BoundExprPtr Unified(ExprOp op, std::vector<BoundExprPtr> args, bool has_else) {
    std::vector<size_t> values;
    for (size_t i = 0; i < args.size(); ++i) {
      const bool is_value =
          op == ExprOp::kCoalesce || i % 2 == 1 || (has_else && i + 1 == args.size());
      if (is_value) values.push_back(i);
    }
    std::vector<arrow::TypePtr> types;
    for (size_t i : values)
      types.push_back(args[i]->type);
    const arrow::TypePtr type = CommonType(types);
    for (size_t i : values)
      args[i] = execution::CastTo(std::move(args[i]), type);
    auto e = execution::Call(op, type, std::move(args));
    e->has_else = has_else;
    return e;
  }

  BoundExprPtr Case(const Expr& e) {
    std::vector<BoundExprPtr> args;
    for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
      if (e.operand) {
        // CASE x WHEN v THEN ...: the condition is x = v.
        args.push_back(Compare(ExprOp::kEqual, Bind(*e.operand), Bind(*e.args[i])));
      } else {
        args.push_back(Condition(*e.args[i]));
      }
      args.push_back(Bind(*e.args[i + 1]));
    }
    const bool has_else = e.else_expr != nullptr;
    if (has_else) args.push_back(Bind(*e.else_expr));
    return Unified(ExprOp::kCase, std::move(args), has_else);
  }

  BoundExprPtr Function(const Expr& e) {
    const std::string name = Lower(e.names.back());
    auto arity = [&](size_t n) {
      if (e.args.size() != n || e.star_arg || e.distinct) {
        Fail(ErrorKind::kBinder, "{}() takes {} argument{}", name, n, n == 1 ? "" : "s");
      }
    };
    if (name == "abs") {
      arity(1);
      BoundExprPtr arg = Bind(*e.args[0]);
      const arrow::TypePtr t = ArithmeticType(*arg->type, *arg->type);
      std::vector<BoundExprPtr> args;
      args.push_back(Numeric(std::move(arg), t, "abs"));
      return execution::Call(ExprOp::kAbs, t, std::move(args));
    }
    if (IsAggregateCall(e)) {
      Fail(ErrorKind::kBinder, "aggregate function {}() is not allowed here", name);
    }
    if (name == "ifnull") {
      arity(2);
      std::vector<BoundExprPtr> args;
      args.push_back(Bind(*e.args[0]));
      args.push_back(Bind(*e.args[1]));
      return Unified(ExprOp::kCoalesce, std::move(args), false);
    }
    Fail(ErrorKind::kNotImplemented, "function {}() is not supported yet", name);
  }

  // Makes a correlated subquery run once for all outer rows when every
  // outer reference is one side of a WHERE conjunct `inner = outer` and the
  // subquery neither aggregates nor limits its rows in a way a per-key
  // match would change: the runner then matches outer rows to the
  // subquery's rows by those keys.
  void Decorrelate(const Expr& e, const std::vector<const Expr*>& refs, SqlSubqueryRunner& runner) {
    const SelectStmt& q = *e.subquery;
    if (q.set_op != SetOpKind::kNone || !q.ctes.empty() || !q.values.empty() ||
        !q.group_by.empty() || q.having || !q.distinct_on.empty() || q.offset || !q.where) {
      return;
    }
    std::vector<const Expr*> calls;
    for (const auto& item : q.select_list)
      CollectAggregates(*item.expr, &calls);
    for (const auto& o : q.order_by)
      CollectAggregates(*o.expr, &calls);
    KeyedPlan keyed;
    // An aggregate yields one row per key (grouped by the keys); EXISTS
    // over an aggregate is always true, so it is left as it is.
    if (!calls.empty()) {
      if (e.kind == ExprKind::kExists) return;
      keyed.group = true;
    }
    if (q.limit) {
      if (e.kind == ExprKind::kInSubquery) return;
      Value n;
      try {
        n = EvaluateConstant(*q.limit);
      } catch (const Error&) {
        return;
      }
      if (n.is_null() || !n.type()->is_integer() || n.int64() < 1) return;
      keyed.ignore_limit = true;
    }
    const std::set<const Expr*> outer_refs(refs.begin(), refs.end());
    auto outer_refs_in = [&](const Expr& x) {
      std::vector<const Expr*> found;
      CollectColumnRefs(x, &found);
      size_t n = 0;
      for (const Expr* r : found)
        n += outer_refs.contains(r) ? 1 : 0;
      return n;
    };
    std::vector<const Expr*> terms;
    SplitConjuncts(*q.where, &terms);
    std::vector<const Expr*> outer_sides;
    for (const Expr* t : terms) {
      if (outer_refs_in(*t) == 0) continue;
      if (t->kind != ExprKind::kBinaryOp || (t->op != "=" && t->op != "==")) return;
      const Expr* a = t->args[0].get();
      const Expr* b = t->args[1].get();
      if (outer_refs.contains(b)) std::swap(a, b);
      if (!outer_refs.contains(a) || outer_refs_in(*b) != 0) return;
      keyed.skip.insert(t);
      keyed.keys.push_back(b);
      outer_sides.push_back(a);
    }
    for (const Expr* r : refs) {
      if (std::find(outer_sides.begin(), outer_sides.end(), r) == outer_sides.end()) return;
    }
    // The keys' types on both sides: they compare as SQL would compare them.
    runner.keyed = keyed;
    OperatorPtr plan;
    try {
      plan = runner.PlanKeyed();
    } catch (const Error&) {
      return;
    }
    const int first_key = plan->schema()->num_fields() - static_cast<int>(keyed.keys.size());
    std::vector<BoundExprPtr> outer_keys;
    std::vector<arrow::TypePtr> types;
    for (size_t k = 0; k < outer_sides.size(); ++k) {
      BoundExprPtr outer = Bind(*outer_sides[k]);
      const arrow::TypePtr inner = plan->schema()->field(first_key + static_cast<int>(k))->type();
      arrow::TypePtr common;
      if (outer->type->Equals(*inner)) {
        common = inner;
      } else if (IsNumeric(*outer->type) && IsNumeric(*inner)) {
        common = ArithmeticType(*outer->type, *inner);
      } else {
        return;  // kinds whose comparison converts values: left per row
      }
      outer_keys.push_back(execution::CastTo(std::move(outer), common));
      types.push_back(common);
    }
    runner.outer_keys = std::move(outer_keys);
    runner.key_types = std::move(types);
  }

  BoundExprPtr Subquery(const Expr& e) {
    if (db_ == nullptr) {
      Fail(ErrorKind::kNotImplemented, "subqueries are not supported in this position");
    }
    auto scope = std::make_shared<const Scope>(scope_);
    auto binding = std::make_shared<OuterContext>();
    binding->scope = scope;
    binding->captures = std::make_shared<std::set<int>>();
    binding->refs = std::make_shared<std::vector<const Expr*>>();
    binding->parent = outer_;
    // Planning once without outer values gives the result type and the
    // outer columns the subquery depends on.
    OperatorPtr typed = PlanSelect(*e.subquery, *db_, binding);
    auto runner = std::make_shared<SqlSubqueryRunner>(e.subquery.get(), db_, scope, outer_);
    runner->correlated_columns.assign(binding->captures->begin(), binding->captures->end());
    if (!binding->refs->empty()) Decorrelate(e, *binding->refs, *runner);
    auto out = std::make_unique<execution::BoundExpr>();
    out->op = ExprOp::kSubquery;
    out->negated = e.negated;
    out->subquery = runner;
    const int width = typed->schema()->num_fields();
    switch (e.kind) {
      case ExprKind::kExists:
        runner->kind = execution::SubqueryKind::kExists;
        out->type = arrow::boolean();
        out->subquery_type = arrow::boolean();
        return out;
      case ExprKind::kScalarSubquery:
        if (width != 1) Fail(ErrorKind::kBinder, "Subquery returns {} columns - expected 1", width);
        runner->kind = execution::SubqueryKind::kScalar;
        out->type = typed->schema()->field(0)->type();
        out->subquery_type = out->type;
        return out;
      default: {
        if (width != 1) Fail(ErrorKind::kBinder, "Subquery returns {} columns - expected 1", width);
        runner->kind = execution::SubqueryKind::kIn;
        BoundExprPtr test = Bind(*e.args[0]);
        const arrow::TypePtr column = typed->schema()->field(0)->type();
        arrow::TypePtr common;
        if (Incomparable(*test, *column)) {
          out->incomparable = true;
          common = column;
          test = execution::Constant(Value::Null(column));
        } else if (IsNull(*test->type)) {
          common = IsNull(*column) ? arrow::int64() : column;
        } else if (IsNull(*column) || test->type->Equals(*column)) {
          common = test->type;
        } else if (IsNumeric(*test->type) && IsNumeric(*column)) {
          common = ArithmeticType(*test->type, *column);
        } else if (IsText(*column)) {
          common = test->type;
        } else if (IsText(*test->type)) {
          common = IsNumeric(*column) ? ArithmeticType(*column, *column) : column;
        } else {
          Fail(ErrorKind::kBinder, "Cannot compare values of type {} and {}",
               test->type->ToString(), column->ToString());
        }
        out->type = arrow::boolean();
        out->subquery_type = common;
        out->args.push_back(execution::CastTo(std::move(test), common));
        return out;
      }
    }
  }

  const Scope& scope_;
  const Substitutions* substitutions_;
  bool grouped_;
  const std::vector<std::pair<std::string, const Expr*>>* aliases_ = nullptr;
  bool expanding_alias_ = false;
  runtime::Database* db_;
  OuterPtr outer_;
};

// Evaluates a constant expression (LIMIT, OFFSET, VALUES entries).
Value EvaluateConstant(const Expr& e) {
  Scope empty;
  BoundExprPtr bound = Binder(empty).Bind(e);
  auto dual = arrow::RecordBatch::Make(
      std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{}), 1, {});
  return Value::FromArray(*execution::Evaluate(*bound, *dual), 0);
}

int64_t CountExpr(const ExprPtr& e, const char* what) {
  if (!e) return -1;
  Value v = EvaluateConstant(*e);
  if (v.is_null()) return -1;
  if (!v.type()->is_integer() || v.int64() < 0) {
    Fail(ErrorKind::kBinder, "{} must be a non-negative integer, not {}", what, v.ToString());
  }
  return v.int64();
}

// Rows a sort must produce for the query's LIMIT and OFFSET: limit +
// offset, or -1 (all) without a LIMIT.
int64_t TopN(const SelectStmt& q) {
  const int64_t limit = CountExpr(q.limit, "LIMIT");
  if (limit < 0) return -1;
  const int64_t offset = std::max<int64_t>(CountExpr(q.offset, "OFFSET"), 0);
  int64_t n = 0;
  return __builtin_add_overflow(limit, offset, &n) ? -1 : n;
}

std::string ColumnName(const SelectItem& item) {
  if (!item.alias.empty()) return item.alias;
  if (item.expr->kind == ExprKind::kColumnRef) return item.expr->names.back();
  return item.expr->ToString();
}

OperatorPtr PlanValues(const SelectStmt& q) {
  const size_t width = q.values[0].size();
  std::vector<std::vector<Value>> rows;
  for (const auto& row : q.values) {
    if (row.size() != width) {
      Fail(ErrorKind::kBinder, "VALUES lists must all be the same length ({} and {})", width,
           row.size());
    }
    std::vector<Value> values;
    for (const auto& e : row)
      values.push_back(EvaluateConstant(*e));
    rows.push_back(std::move(values));
  }
  // Each column takes the first non-null type among its values.
  std::vector<arrow::FieldPtr> fields;
  std::vector<arrow::ArrayDataPtr> columns;
  for (size_t c = 0; c < width; ++c) {
    arrow::TypePtr type = arrow::null();
    for (const auto& row : rows) {
      if (!row[c].is_null() && type->id() == arrow::TypeId::kNull) type = row[c].type();
    }
    std::vector<arrow::ArrayDataPtr> parts;
    for (const auto& row : rows)
      parts.push_back(execution::Cast(*row[c].ToArray(1), type));
    columns.push_back(arrow::Concatenate(parts));
    fields.push_back(arrow::field("col" + std::to_string(c), type));
  }
  auto schema = std::make_shared<arrow::Schema>(std::move(fields));
  auto batch =
      arrow::RecordBatch::Make(schema, static_cast<int64_t>(rows.size()), std::move(columns));
  return execution::MakeValues(schema, {batch});
}

}  // namespace

arrow::TypePtr TypeFromName(const TypeName& t) {
  const std::string n = Lower(t.name);
  // INTEGER is 64-bit, as in SQLite (whose corpus stores 1<<63 in INTEGER
  // columns); INT32 names the 32-bit type explicitly.
  if (n == "integer" || n == "int" || n == "int4" || n == "signed" || n == "bigint" ||
      n == "int8" || n == "long" || n == "int64") {
    return arrow::int64();
  }
  if (n == "int32") return arrow::int32();
  if (n == "smallint" || n == "int2" || n == "short") return arrow::int16();
  if (n == "tinyint" || n == "int1") return arrow::int8();
  if (n == "real" || n == "float" || n == "float4" || n == "double" || n == "float8" ||
      n == "double precision") {
    return arrow::float64();
  }
  if (n == "decimal" || n == "numeric") {
    const int p = t.modifiers.empty() ? 18 : static_cast<int>(t.modifiers[0]);
    const int s =
        t.modifiers.size() > 1 ? static_cast<int>(t.modifiers[1]) : (t.modifiers.empty() ? 3 : 0);
    if (p < 1 || p > 38 || s < 0 || s > p) {
      Fail(ErrorKind::kBinder, "DECIMAL({}, {}): precision must be 1-38 and scale 0-precision", p,
           s);
    }
    return arrow::decimal128(p, s);
  }
  if (n == "text" || n == "varchar" || n == "char" || n == "string" || n == "character varying" ||
      n == "character" || n == "bpchar") {
    return arrow::utf8();
  }
  if (n == "boolean" || n == "bool" || n == "logical") return arrow::boolean();
  if (n == "date") return arrow::date32();
  if (n == "timestamp" || n == "datetime") return arrow::timestamp();
  if (n == "blob" || n == "bytea" || n == "binary" || n == "varbinary") return arrow::binary();
  // SQLite's affinity rules for any other name.
  if (n.find("int") != std::string::npos) return arrow::int64();
  if (n.find("char") != std::string::npos || n.find("clob") != std::string::npos ||
      n.find("text") != std::string::npos) {
    return arrow::utf8();
  }
  if (n.find("blob") != std::string::npos) return arrow::binary();
  return arrow::float64();
}

namespace {

void SplitConjuncts(const Expr& e, std::vector<const Expr*>* out) {
  if (e.kind == ExprKind::kBinaryOp && e.op == "AND") {
    SplitConjuncts(*e.args[0], out);
    SplitConjuncts(*e.args[1], out);
    return;
  }
  out->push_back(&e);
}

struct FromPlan {
  OperatorPtr plan;
  Scope scope;
  std::shared_ptr<table::Table> table;  // set while `plan` is a full scan of a base table
  double rows = 1000;                   // estimated rows, for the join order
};

// Appends `right`'s columns to `left`'s, renumbered after them.
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

// Joins `left` and `right` on `terms` (each over both): equalities between
// a left-only and a right-only expression become hash keys, the rest a
// residual condition.
OperatorPtr JoinOn(FromPlan& left, FromPlan& right, execution::JoinKind kind,
                   const std::vector<const Expr*>& terms, runtime::Database& db,
                   const OuterPtr& outer) {
  const Scope both = Concat(left.scope, right.scope);
  execution::JoinSpec spec;
  spec.kind = kind;
  Binder on_both(both, nullptr, false, &db, outer);
  Binder on_left(left.scope, nullptr, false, &db, outer);
  Binder on_right(right.scope, nullptr, false, &db, outer);
  BoundExprPtr residual;
  for (const Expr* term : terms) {
    if (term->kind == ExprKind::kBinaryOp && (term->op == "=" || term->op == "==")) {
      const Expr* a = term->args[0].get();
      const Expr* b = term->args[1].get();
      if (Covered(*b, left.scope, both) && Covered(*a, right.scope, both) &&
          Touches(*b, left.scope)) {
        std::swap(a, b);
      }
      if (Covered(*a, left.scope, both) && Covered(*b, right.scope, both) &&
          Touches(*a, left.scope) && Touches(*b, right.scope)) {
        BoundExprPtr lk = on_left.Bind(*a);
        BoundExprPtr rk = on_right.Bind(*b);
        Binder::UnifyTypes(lk, rk);
        spec.keys.emplace_back(std::move(lk), std::move(rk));
        continue;
      }
    }
    BoundExprPtr cond = on_both.Condition(*term);
    if (!residual) {
      residual = std::move(cond);
    } else {
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(residual));
      args.push_back(std::move(cond));
      residual = execution::Call(ExprOp::kAnd, arrow::boolean(), std::move(args));
    }
  }
  spec.residual = std::move(residual);
  return execution::MakeJoin(std::move(left.plan), std::move(right.plan), std::move(spec));
}

// A view in FROM: its stored query, parsed once per database, planned as
// a subquery named by the view (or the reference's alias).
FromPlan PlanView(const runtime::Database::View& view, const TableRef& ref, runtime::Database& db) {
  if (!view.compiled) {
    auto statements = ParseSql(view.sql);
    if (statements.size() != 1 || statements[0]->kind != StatementKind::kCreateView) {
      Fail(ErrorKind::kCorruption, "the stored definition of view {} is not a CREATE VIEW",
           view.name);
    }
    view.compiled = std::shared_ptr<const Statement>(std::move(statements[0]));
  }
  const auto& create = *static_cast<const CreateViewStatement*>(view.compiled.get());
  FromPlan out;
  out.plan = PlanSelect(*create.query, db, nullptr);
  const auto& fields = out.plan->schema()->fields();
  const std::string qualifier = ref.alias.empty() ? view.name : ref.alias;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string name = fields[i]->name();
    if (i < create.column_names.size()) name = create.column_names[i];
    if (i < ref.column_aliases.size()) name = ref.column_aliases[i];
    out.scope.push_back({qualifier, name, static_cast<int>(i), fields[i]->type()});
  }
  return out;
}

FromPlan PlanFromItem(const TableRef& ref, runtime::Database& db, const OuterPtr& outer) {
  FromPlan out;
  switch (ref.kind) {
    case TableRefKind::kBaseTable: {
      auto t = db.FindTable(ref.name.back());
      if (!t) {
        if (auto view = db.FindView(ref.name.back())) return PlanView(*view, ref, db);
        Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", ref.name.back());
      }
      std::vector<size_t> columns;
      const std::string qualifier = ref.alias.empty() ? t->def().name : ref.alias;
      for (size_t i = 0; i < t->def().columns.size(); ++i) {
        columns.push_back(i);
        const std::string name =
            i < ref.column_aliases.size() ? ref.column_aliases[i] : t->def().columns[i].name;
        out.scope.push_back({qualifier, name, static_cast<int>(i), t->def().columns[i].type});
      }
      out.plan = execution::MakeTableScan(t, std::move(columns));
      out.table = t;
      out.rows = static_cast<double>(t->row_count());
      return out;
    }
    case TableRefKind::kSubquery: {
      if (ref.lateral) Fail(ErrorKind::kNotImplemented, "LATERAL is not supported yet");
      out.plan = PlanSelect(*ref.subquery, db, outer);
      const auto& fields = out.plan->schema()->fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        const std::string name =
            i < ref.column_aliases.size() ? ref.column_aliases[i] : fields[i]->name();
        out.scope.push_back({ref.alias, name, static_cast<int>(i), fields[i]->type()});
      }
      return out;
    }
    case TableRefKind::kJoin: {
      FromPlan left = PlanFromItem(*ref.left, db, outer);
      FromPlan right = PlanFromItem(*ref.right, db, outer);
      if (ref.natural || !ref.using_columns.empty()) {
        Fail(ErrorKind::kNotImplemented, "NATURAL and USING joins are not supported yet");
      }
      std::vector<const Expr*> terms;
      if (ref.on) SplitConjuncts(*ref.on, &terms);
      execution::JoinKind kind = execution::JoinKind::kInner;
      if (ref.join_type == JoinType::kLeft) kind = execution::JoinKind::kLeft;
      if (ref.join_type == JoinType::kRight) kind = execution::JoinKind::kRight;
      if (ref.join_type == JoinType::kFull) kind = execution::JoinKind::kFull;
      Scope scope = Concat(left.scope, right.scope);
      out.plan = JoinOn(left, right, kind, terms, db, outer);
      out.scope = std::move(scope);
      if (!ref.alias.empty()) {
        for (auto& c : out.scope)
          c.qualifier = ref.alias;
      }
      return out;
    }
  }
  Fail(ErrorKind::kInternal, "unknown FROM item");
}

// Whether `e` is a constant: literals and parameters under operators and
// casts.
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

// The table column `e` names: scope entries of a base table are its
// columns in order, starting at output position `offset`.
std::optional<size_t> TableColumn(const Expr& e, const Scope& scope, int offset) {
  if (e.kind != ExprKind::kColumnRef) return std::nullopt;
  std::optional<size_t> found;
  for (const auto& c : scope) {
    if (!Matches(c, e)) continue;
    if (found) return std::nullopt;  // ambiguous: the binder reports it
    found = static_cast<size_t>(c.index - offset);
  }
  return found;
}

// The conjuncts among `terms` of the form `column op constant` (also
// BETWEEN and IN lists), for choosing an index.
std::vector<ColumnPredicate> ColumnPredicates(const std::vector<const Expr*>& terms,
                                              const Scope& scope, int offset) {
  static const std::pair<const char*, ExprOp> kOps[] = {
      {"=", ExprOp::kEqual},      {"==", ExprOp::kEqual},  {"<", ExprOp::kLess},
      {"<=", ExprOp::kLessEqual}, {">", ExprOp::kGreater}, {">=", ExprOp::kGreaterEqual}};
  auto flip = [](ExprOp op) {
    switch (op) {
      case ExprOp::kLess:
        return ExprOp::kGreater;
      case ExprOp::kLessEqual:
        return ExprOp::kGreaterEqual;
      case ExprOp::kGreater:
        return ExprOp::kLess;
      case ExprOp::kGreaterEqual:
        return ExprOp::kLessEqual;
      default:
        return op;
    }
  };
  std::vector<ColumnPredicate> out;
  auto add = [&](size_t column, ExprOp op, const std::vector<const Expr*>& constants) {
    ColumnPredicate p{column, op, {}};
    for (const Expr* c : constants) {
      Value v;
      try {
        v = EvaluateConstant(*c);
      } catch (const Error&) {
        return;  // the filter reports it, if a row reaches it
      }
      if (v.is_null()) return;
      p.values.push_back(std::move(v));
    }
    out.push_back(std::move(p));
  };
  for (const Expr* t : terms) {
    if (t->kind == ExprKind::kBinaryOp) {
      for (const auto& [sym, op] : kOps) {
        if (t->op != sym) continue;
        if (auto c = TableColumn(*t->args[0], scope, offset); c && IsConstant(*t->args[1])) {
          add(*c, op, {t->args[1].get()});
        } else if (auto c2 = TableColumn(*t->args[1], scope, offset);
                   c2 && IsConstant(*t->args[0])) {
          add(*c2, flip(op), {t->args[0].get()});
        }
      }
    } else if (t->kind == ExprKind::kBetween && !t->negated) {
      auto c = TableColumn(*t->args[0], scope, offset);
      if (c && IsConstant(*t->args[1]) && IsConstant(*t->args[2])) {
        add(*c, ExprOp::kGreaterEqual, {t->args[1].get()});
        add(*c, ExprOp::kLessEqual, {t->args[2].get()});
      }
    } else if (t->kind == ExprKind::kInList && !t->negated) {
      auto c = TableColumn(*t->args[0], scope, offset);
      std::vector<const Expr*> items;
      for (size_t i = 1; i < t->args.size(); ++i) {
        if (!IsConstant(*t->args[i])) return out;
        items.push_back(t->args[i].get());
      }
      if (c && !items.empty()) add(*c, ExprOp::kEqual, items);
    }
  }
  return out;
}

// Plans a comma-separated FROM list: items are joined greedily, each time
// preferring one that a WHERE equality links to those already joined, and
// every WHERE conjunct is applied as soon as its columns are available (as
// hash join keys where it is such an equality). Conjuncts that name no FROM
// column stay in `terms` for the caller.
FromPlan PlanFromList(const std::vector<TableRefPtr>& items, runtime::Database& db,
                      const OuterPtr& outer, std::vector<const Expr*>* terms) {
  std::vector<FromPlan> plans;
  Scope all;
  for (const auto& item : items) {
    plans.push_back(PlanFromItem(*item, db, outer));
    all = Concat(all, plans.back().scope);
  }
  // A base table with conjuncts an index answers is read through it (the
  // conjuncts still filter its rows).
  for (auto& p : plans) {
    if (!p.table) continue;
    std::vector<const Expr*> own;
    for (const Expr* t : *terms) {
      if (Touches(*t, p.scope) && Covered(*t, p.scope, all)) own.push_back(t);
    }
    std::vector<size_t> columns(p.table->def().columns.size());
    for (size_t i = 0; i < columns.size(); ++i)
      columns[i] = i;
    const std::vector<ColumnPredicate> predicates = ColumnPredicates(own, p.scope, 0);
    if (auto scan = ChooseIndexScan(db, p.table, columns, false, predicates)) {
      p.plan = std::move(scan);
    } else if (auto filter = ChooseScanFilter(*p.table, predicates)) {
      p.plan = execution::MakeTableScan(p.table, columns, false, filter);
    }
  }
  // Conjuncts over a single item filter it before any join.
  for (auto& p : plans) {
    std::vector<const Expr*> later;
    Binder on_item(p.scope, nullptr, false, &db, outer);
    for (const Expr* t : *terms) {
      if (plans.size() > 1 && Touches(*t, p.scope) && Covered(*t, p.scope, all)) {
        p.plan = execution::MakeFilter(std::move(p.plan), on_item.Condition(*t));
        // A guess at the filter's selectivity: equalities keep a tenth.
        const bool equality = t->kind == ExprKind::kBinaryOp && (t->op == "=" || t->op == "==");
        p.rows *= equality ? 0.1 : 0.3;
      } else {
        later.push_back(t);
      }
    }
    *terms = std::move(later);
  }
  // Join order (left-deep; each join hashes its right input): the item
  // with the most estimated rows streams first, then items linked to what
  // is joined by an equality, fewest rows first, so builds stay small and
  // selective items cut the stream early; unlinked items (cross joins) last.
  std::vector<bool> used(plans.size(), false);
  std::vector<size_t> order;
  auto linked = [&](const Scope& scope, size_t i) {
    const Scope both = Concat(scope, plans[i].scope);
    for (const Expr* t : *terms) {
      if (t->kind == ExprKind::kBinaryOp && (t->op == "=" || t->op == "==") && Touches(*t, scope) &&
          Touches(*t, plans[i].scope) && Covered(*t, both, all)) {
        return true;
      }
    }
    return false;
  };
  size_t first = 0;
  for (size_t i = 1; i < plans.size(); ++i) {
    if (plans[i].rows > plans[first].rows) first = i;
  }
  std::vector<size_t> widths;
  for (const auto& p : plans)
    widths.push_back(p.scope.size());
  FromPlan current = std::move(plans[first]);
  used[first] = true;
  order.push_back(first);
  for (size_t step = 1; step < plans.size(); ++step) {
    size_t pick = plans.size();
    for (int pass = 0; pass < 2 && pick == plans.size(); ++pass) {
      for (size_t i = 0; i < plans.size(); ++i) {
        if (used[i] || (pass == 0 && !linked(current.scope, i))) continue;
        if (pick == plans.size() || plans[i].rows < plans[pick].rows) pick = i;
      }
    }
    used[pick] = true;
    order.push_back(pick);
    const Scope both = Concat(current.scope, plans[pick].scope);
    std::vector<const Expr*> now, later;
    for (const Expr* t : *terms) {
      (Touches(*t, plans[pick].scope) && Covered(*t, both, all) ? now : later).push_back(t);
    }
    *terms = std::move(later);
    FromPlan joined;
    joined.scope = both;
    joined.plan = JoinOn(current, plans[pick], execution::JoinKind::kInner, now, db, outer);
    current = std::move(joined);
  }
  // Columns go back to FROM order (SELECT * and positions depend on it).
  bool in_order = true;
  for (size_t k = 0; k < order.size(); ++k)
    in_order = in_order && order[k] == k;
  if (!in_order) {
    std::vector<size_t> offset(plans.size());
    size_t at = 0;
    for (size_t item : order) {
      offset[item] = at;
      at += widths[item];
    }
    std::vector<BoundExprPtr> exprs;
    std::vector<std::string> names;
    Scope scope;
    for (size_t item = 0; item < plans.size(); ++item) {
      for (size_t c = 0; c < widths[item]; ++c) {
        ScopeColumn col = current.scope[offset[item] + c];
        exprs.push_back(execution::ColumnRef(col.index, col.type));
        names.push_back(col.name);
        col.index = static_cast<int>(scope.size());
        scope.push_back(std::move(col));
      }
    }
    current.plan = execution::MakeProject(std::move(current.plan), std::move(exprs), names);
    current.scope = std::move(scope);
  }
  return current;
}

}  // namespace

// A set operation: both sides cast column by column to common types, then
// ORDER BY (ordinals or the left side's column names) and LIMIT.
static OperatorPtr PlanSetOperation(const SelectStmt& q, runtime::Database& db,
                                    const OuterPtr& outer) {
  OperatorPtr left = PlanSelect(*q.left, db, outer);
  OperatorPtr right = PlanSelect(*q.right, db, outer);
  const auto& ls = *left->schema();
  const auto& rs = *right->schema();
  if (ls.num_fields() != rs.num_fields()) {
    Fail(ErrorKind::kBinder,
         "Set operations can only apply to expressions with the same number of "
         "result columns");
  }
  std::vector<BoundExprPtr> lcast, rcast;
  std::vector<std::string> names;
  Scope scope;
  for (int i = 0; i < ls.num_fields(); ++i) {
    BoundExprPtr l = execution::ColumnRef(i, ls.field(i)->type());
    BoundExprPtr r = execution::ColumnRef(i, rs.field(i)->type());
    const arrow::TypePtr common = Binder::CommonTypeOf({l->type, r->type});
    lcast.push_back(execution::CastTo(std::move(l), common));
    rcast.push_back(execution::CastTo(std::move(r), common));
    names.push_back(ls.field(i)->name());
    scope.push_back({"", ls.field(i)->name(), i, common});
  }
  left = execution::MakeProject(std::move(left), std::move(lcast), names);
  right = execution::MakeProject(std::move(right), std::move(rcast), names);
  const auto kind = q.set_op == SetOpKind::kUnion       ? execution::SetOperationKind::kUnion
                    : q.set_op == SetOpKind::kIntersect ? execution::SetOperationKind::kIntersect
                                                        : execution::SetOperationKind::kExcept;
  OperatorPtr plan =
      execution::MakeSetOperation(kind, q.set_all, std::move(left), std::move(right));
  if (!q.order_by.empty()) {
    Binder binder(scope, nullptr, false, &db, outer);
    std::vector<execution::SortKey> keys;
    for (const auto& o : q.order_by) {
      const Expr& e = *o.expr;
      execution::SortKey key;
      if (e.kind == ExprKind::kLiteral && e.literal_kind == LiteralKind::kInteger) {
        if (e.int_value < 1 || e.int_value > static_cast<int64_t>(scope.size())) {
          Fail(ErrorKind::kBinder, "ORDER term out of range - should be between 1 and {}",
               scope.size());
        }
        const auto& c = scope[static_cast<size_t>(e.int_value - 1)];
        key.expr = execution::ColumnRef(c.index, c.type);
      } else {
        key.expr = binder.Bind(e);
      }
      key.descending = o.descending;
      key.nulls_first =
          o.nulls == NullOrder::kDefault ? !o.descending : o.nulls == NullOrder::kFirst;
      keys.push_back(std::move(key));
    }
    plan = execution::MakeSort(std::move(plan), std::move(keys), TopN(q));
  }
  const int64_t limit = CountExpr(q.limit, "LIMIT");
  const int64_t offset = CountExpr(q.offset, "OFFSET");
  if (limit >= 0 || offset > 0) {
    plan = execution::MakeLimit(std::move(plan), limit, std::max<int64_t>(offset, 0));
  }
  return plan;
}

RowChangePlan PlanRowChange(const std::shared_ptr<table::Table>& table, const std::string& alias,
                            const std::vector<SetItem>& set, const Expr* where,
                            runtime::Database& db) {
  const auto& def = table->def();
  Scope scope;
  std::vector<size_t> all;
  for (size_t i = 0; i < def.columns.size(); ++i) {
    all.push_back(i);
    scope.push_back({alias.empty() ? def.name : alias, def.columns[i].name, static_cast<int>(i + 1),
                     def.columns[i].type});
  }
  RowChangePlan out;
  std::vector<const Expr*> terms;
  if (where) SplitConjuncts(*where, &terms);
  const std::vector<ColumnPredicate> predicates = ColumnPredicates(terms, scope, 1);
  out.rows = ChooseIndexScan(db, table, all, /*with_row_id=*/true, predicates);
  if (!out.rows) {
    out.rows = execution::MakeTableScan(table, all, /*with_row_id=*/true,
                                        ChooseScanFilter(*table, predicates));
  }
  Binder binder(scope, nullptr, false, &db, nullptr);
  if (where) out.rows = execution::MakeFilter(std::move(out.rows), binder.Condition(*where));
  for (const auto& item : set) {
    auto column = def.FindColumn(item.column);
    if (!column) {
      Fail(ErrorKind::kBinder, "Table \"{}\" does not have a column named \"{}\"", def.name,
           item.column);
    }
    BoundExprPtr value = execution::CastTo(binder.Bind(*item.value), def.columns[*column].type);
    // SET x = 3, x = 4 assigns the last value (SQLite).
    auto previous = std::find(out.columns.begin(), out.columns.end(), *column);
    if (previous != out.columns.end()) {
      out.values[static_cast<size_t>(previous - out.columns.begin())] = std::move(value);
      continue;
    }
    out.columns.push_back(*column);
    out.values.push_back(std::move(value));
  }
  return out;
}

OperatorPtr PlanQuery(const SelectStmt& q, runtime::Database& db) {
  return PlanSelect(q, db, nullptr);
}

namespace {

OperatorPtr PlanSelect(const SelectStmt& q, runtime::Database& db, const OuterPtr& outer,
                       const KeyedPlan* keyed) {
  if (!q.ctes.empty()) Fail(ErrorKind::kNotImplemented, "WITH is not supported yet");
  if (q.set_op != SetOpKind::kNone) return PlanSetOperation(q, db, outer);
  if (!q.values.empty()) {
    OperatorPtr values = PlanValues(q);
    return execution::MakeLimit(std::move(values), CountExpr(q.limit, "LIMIT"),
                                std::max<int64_t>(0, CountExpr(q.offset, "OFFSET")));
  }
  // FROM: nothing, one item, or several joined.
  Scope scope;
  OperatorPtr plan;
  std::vector<const Expr*> where_terms;  // WHERE conjuncts not yet applied
  if (q.where) SplitConjuncts(*q.where, &where_terms);
  if (keyed) std::erase_if(where_terms, [&](const Expr* t) { return keyed->skip.contains(t); });
  if (q.from.empty()) {
    auto schema = std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{});
    plan = execution::MakeValues(schema, {arrow::RecordBatch::Make(schema, 1, {})});
  } else {
    FromPlan from = PlanFromList(q.from, db, outer, &where_terms);
    plan = std::move(from.plan);
    scope = std::move(from.scope);
  }
  Binder binder(scope, nullptr, false, &db, outer);
  for (const Expr* term : where_terms) {
    plan = execution::MakeFilter(std::move(plan), binder.Condition(*term));
  }

  // Select items by output position, for GROUP BY and ORDER BY ordinals and
  // aliases.
  auto names_column = [&](const Expr& e) {
    for (const auto& c : scope) {
      if (Matches(c, e)) return true;
    }
    return false;
  };
  auto select_item = [&](const Expr& e, const char* clause) -> const Expr* {
    if (e.kind == ExprKind::kLiteral && e.literal_kind == LiteralKind::kInteger) {
      if (e.int_value < 1 || e.int_value > static_cast<int64_t>(q.select_list.size()) ||
          q.select_list[static_cast<size_t>(e.int_value - 1)].expr->kind == ExprKind::kStar) {
        Fail(ErrorKind::kBinder, "{} term out of range - should be between 1 and {}", clause,
             q.select_list.size());
      }
      return q.select_list[static_cast<size_t>(e.int_value - 1)].expr.get();
    }
    // A table column wins over an output alias of the same name (SQLite).
    if (e.kind == ExprKind::kColumnRef && e.names.size() == 1 && !names_column(e)) {
      for (const auto& item : q.select_list) {
        if (!item.alias.empty() && EqualsIgnoreCase(item.alias, e.names[0])) return item.expr.get();
      }
    }
    return nullptr;
  };

  // Aggregation: group keys and aggregate calls become the columns of a
  // hash aggregate; everything after it binds against those columns.
  std::vector<const Expr*> calls;
  for (const auto& item : q.select_list)
    CollectAggregates(*item.expr, &calls);
  if (q.having) CollectAggregates(*q.having, &calls);
  for (const auto& o : q.order_by)
    CollectAggregates(*o.expr, &calls);
  const bool aggregate = !q.group_by.empty() || !calls.empty();
  Substitutions substitutions;
  Scope no_columns;
  std::unique_ptr<Binder> grouped;
  if (aggregate) {
    std::vector<BoundExprPtr> keys;
    std::vector<std::string> key_names;
    std::vector<const Expr*> group_by;
    for (const auto& g : q.group_by) {
      const Expr* e = select_item(*g, "GROUP BY");
      group_by.push_back(e == nullptr ? g.get() : e);
    }
    // A decorrelated aggregating subquery is grouped by its keys too.
    if (keyed && keyed->group)
      group_by.insert(group_by.end(), keyed->keys.begin(), keyed->keys.end());
    for (const Expr* e : group_by) {
      BoundExprPtr key = binder.Bind(*e);
      const int index = static_cast<int>(keys.size());
      substitutions.emplace(e->ToString(), std::make_pair(index, key->type));
      if (e->kind == ExprKind::kColumnRef) {
        // a, t.a and alias.a name the same key.
        for (const auto& c : scope) {
          if (!Matches(c, *e)) continue;
          substitutions.emplace(c.name, std::make_pair(index, key->type));
          substitutions.emplace(c.qualifier + "." + c.name, std::make_pair(index, key->type));
        }
      }
      key_names.push_back(e->ToString());
      keys.push_back(std::move(key));
    }
    std::vector<execution::AggregateSpec> specs;
    for (const Expr* call : calls) {
      const std::string text = call->ToString();
      if (substitutions.contains(text)) continue;
      execution::AggregateSpec spec;
      const std::string n = Lower(call->names[0]);
      spec.distinct = call->distinct;
      spec.name = text;
      if (call->star_arg) {
        if (n != "count") Fail(ErrorKind::kBinder, "{}(*) is not an aggregate function", n);
        spec.kind = execution::AggKind::kCountStar;
      } else {
        const size_t max_args = (n == "group_concat" || n == "string_agg") ? 2 : 1;
        if (call->args.empty() || call->args.size() > max_args) {
          Fail(ErrorKind::kBinder, "{}() takes {} argument{}", n,
               max_args == 1 ? "one" : "one or two", max_args == 1 ? "" : "s");
        }
        spec.arg = binder.Bind(*call->args[0]);
        if (n == "count")
          spec.kind = execution::AggKind::kCount;
        else if (n == "sum")
          spec.kind = execution::AggKind::kSum;
        else if (n == "avg")
          spec.kind = execution::AggKind::kAvg;
        else if (n == "min")
          spec.kind = execution::AggKind::kMin;
        else if (n == "max")
          spec.kind = execution::AggKind::kMax;
        else if (n == "total")
          spec.kind = execution::AggKind::kTotal;
        else
          spec.kind = execution::AggKind::kGroupConcat;
        const bool numeric = spec.arg->type->is_integer() || spec.arg->type->is_floating() ||
                             spec.arg->type->id() == arrow::TypeId::kDecimal128 ||
                             spec.arg->type->id() == arrow::TypeId::kNull;
        const bool summing = spec.kind == execution::AggKind::kSum ||
                             spec.kind == execution::AggKind::kAvg ||
                             spec.kind == execution::AggKind::kTotal;
        if (summing && spec.arg->type->id() == arrow::TypeId::kUtf8) {
          // Text is summed as the number it starts with (SQLite).
          std::vector<BoundExprPtr> args;
          args.push_back(std::move(spec.arg));
          spec.arg = execution::Call(ExprOp::kTextToReal, arrow::float64(), std::move(args));
        } else if (summing && !numeric) {
          Fail(ErrorKind::kBinder, "No function matches {}({})", n, spec.arg->type->ToString());
        }
        if (call->distinct && call->args.size() > 1 && n == "group_concat") {
          Fail(ErrorKind::kBinder, "DISTINCT aggregates must have exactly one argument");
        }
        if (spec.arg->type->id() == arrow::TypeId::kNull &&
            spec.kind != execution::AggKind::kGroupConcat) {
          spec.arg = execution::CastTo(std::move(spec.arg), arrow::int64());
        }
        if (spec.kind == execution::AggKind::kGroupConcat) {
          spec.arg = execution::CastTo(std::move(spec.arg), arrow::utf8());
          if (call->args.size() == 2) {
            const Value sep = EvaluateConstant(*call->args[1]);
            spec.separator = sep.is_null() ? "" : sep.ToString();
          }
        }
      }
      const arrow::TypePtr type =
          execution::AggregateType(spec.kind, spec.arg ? spec.arg->type : nullptr);
      substitutions.emplace(text,
                            std::make_pair(static_cast<int>(keys.size() + specs.size()), type));
      specs.push_back(std::move(spec));
    }
    // Columns neither grouped nor aggregated take a value from one row of
    // their group (SQLite's rule).
    std::vector<const Expr*> bare, having, outside;
    for (const auto& item : q.select_list)
      CollectBareColumns(*item.expr, &bare);
    if (q.having) CollectBareColumns(*q.having, &having);
    for (const auto& o : q.order_by)
      CollectBareColumns(*o.expr, &outside);
    // In HAVING a table column wins over an output alias of the same name;
    // in ORDER BY the alias wins (SQLite's name resolution).
    for (const Expr* column : having) {
      (names_column(*column) ? bare : outside).push_back(column);
    }
    for (const Expr* column : outside) {
      bool alias = false;
      for (const auto& item : q.select_list) {
        alias =
            alias || (column->names.size() == 1 && EqualsIgnoreCase(item.alias, column->names[0]));
      }
      if (!alias) bare.push_back(column);
    }
    for (const Expr* column : bare) {
      const std::string text = column->ToString();
      if (substitutions.contains(text)) continue;
      execution::AggregateSpec spec;
      spec.kind = execution::AggKind::kAnyValue;
      spec.arg = binder.Bind(*column);
      spec.name = text;
      const arrow::TypePtr type = spec.arg->type;
      substitutions.emplace(text,
                            std::make_pair(static_cast<int>(keys.size() + specs.size()), type));
      specs.push_back(std::move(spec));
    }
    plan = execution::MakeHashAggregate(std::move(plan), std::move(keys), std::move(key_names),
                                        std::move(specs));
    grouped = std::make_unique<Binder>(no_columns, &substitutions, /*grouped=*/true, &db, outer);
    if (q.having) {
      std::vector<std::pair<std::string, const Expr*>> aliases;
      for (const auto& item : q.select_list) {
        if (!item.alias.empty()) aliases.emplace_back(item.alias, item.expr.get());
      }
      grouped->set_aliases(&aliases);
      plan = execution::MakeFilter(std::move(plan), grouped->Condition(*q.having));
      grouped->set_aliases(nullptr);
    }
  } else if (q.having) {
    Fail(ErrorKind::kBinder, "a HAVING clause needs GROUP BY or an aggregate");
  }
  Binder& out = aggregate ? *grouped : binder;

  // The select list, with ORDER BY keys that are not output columns
  // appended as hidden columns and projected away after sorting.
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  for (const auto& item : q.select_list) {
    if (item.expr->kind == ExprKind::kStar) {
      for (const auto& c : scope) {
        if (!item.expr->names.empty() && !EqualsIgnoreCase(c.qualifier, item.expr->names.back())) {
          continue;
        }
        if (aggregate) {
          // Each column must be a group key, as if written out.
          Expr ref;
          ref.kind = ExprKind::kColumnRef;
          ref.names = {c.qualifier, c.name};
          exprs.push_back(out.Bind(ref));
        } else {
          exprs.push_back(execution::ColumnRef(c.index, c.type));
        }
        names.push_back(c.name);
      }
      continue;
    }
    exprs.push_back(out.Bind(*item.expr));
    names.push_back(ColumnName(item));
  }
  if (keyed) {
    for (const Expr* k : keyed->keys) {
      exprs.push_back(out.Bind(*k));
      names.push_back("__key" + std::to_string(exprs.size()));
    }
  }
  const size_t visible = exprs.size();
  std::vector<execution::SortKey> keys;
  for (const auto& o : q.order_by) {
    int column = -1;
    const Expr& e = *o.expr;
    if (e.kind == ExprKind::kLiteral && e.literal_kind == LiteralKind::kInteger) {
      if (e.int_value < 1 || e.int_value > static_cast<int64_t>(visible)) {
        Fail(ErrorKind::kBinder, "ORDER term out of range - should be between 1 and {}", visible);
      }
      column = static_cast<int>(e.int_value - 1);
    } else if (e.kind == ExprKind::kColumnRef && e.names.size() == 1) {
      for (size_t i = 0; i < q.select_list.size() && column < 0; ++i) {
        if (!q.select_list[i].alias.empty() &&
            EqualsIgnoreCase(q.select_list[i].alias, e.names[0])) {
          column = static_cast<int>(i);
        }
      }
    }
    if (column < 0) {
      // An expression equal to a select item sorts by that item.
      for (size_t i = 0; i < q.select_list.size() && column < 0; ++i) {
        if (q.select_list[i].expr->ToString() == e.ToString()) column = static_cast<int>(i);
      }
    }
    if (column < 0) {
      if (q.distinct) {
        Fail(ErrorKind::kBinder,
             "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
      }
      exprs.push_back(out.Bind(e));
      names.push_back("__order" + std::to_string(exprs.size()));
      column = static_cast<int>(exprs.size() - 1);
    }
    execution::SortKey key;
    key.expr = execution::ColumnRef(column, exprs[static_cast<size_t>(column)]->type);
    key.descending = o.descending;
    // SQLite's default: NULLs sort first ascending, last descending.
    key.nulls_first = o.nulls == NullOrder::kDefault ? !o.descending : o.nulls == NullOrder::kFirst;
    keys.push_back(std::move(key));
  }
  std::vector<arrow::TypePtr> types;
  for (const auto& e : exprs)
    types.push_back(e->type);
  plan = execution::MakeProject(std::move(plan), std::move(exprs), names);
  if (q.distinct) {
    if (!q.distinct_on.empty())
      Fail(ErrorKind::kNotImplemented, "DISTINCT ON is not supported yet");
    std::vector<BoundExprPtr> all;
    for (size_t i = 0; i < visible; ++i)
      all.push_back(execution::ColumnRef(static_cast<int>(i), types[i]));
    plan = execution::MakeHashAggregate(std::move(plan), std::move(all), names, {});
  }
  const bool limited = !(keyed && keyed->ignore_limit);
  if (!keys.empty()) {
    plan = execution::MakeSort(std::move(plan), std::move(keys), limited ? TopN(q) : -1);
    if (types.size() > visible) {
      std::vector<BoundExprPtr> keep;
      for (size_t i = 0; i < visible; ++i) {
        keep.push_back(execution::ColumnRef(static_cast<int>(i), types[i]));
      }
      names.resize(visible);
      plan = execution::MakeProject(std::move(plan), std::move(keep), names);
    }
  }
  const int64_t limit = CountExpr(q.limit, "LIMIT");
  const int64_t offset = CountExpr(q.offset, "OFFSET");
  if (limited && (limit >= 0 || offset > 0)) {
    plan = execution::MakeLimit(std::move(plan), limit, std::max<int64_t>(offset, 0));
  }
  return plan;
}

}  // namespace

}  // namespace llkv::sql
