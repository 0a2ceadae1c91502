#include "sql/binder.h"

#include "sql/collation.h"
#include "sql/table_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "execution/aggregate.h"
#include "execution/join.h"
#include "execution/scalar_function.h"
#include "execution/set_operation.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"
#include "sql/binder.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/settings.h"

namespace llkv::sql::plan {

namespace {
thread_local bool g_default_allowed = false;
}  // namespace

namespace {

bool IsDate(const arrow::DataType& t) {
  return t.id() == arrow::TypeId::kDate32;
}
bool IsTimestamp(const arrow::DataType& t) {
  return t.id() == arrow::TypeId::kTimestamp;
}
bool IsInterval(const arrow::DataType& t) {
  return t.id() == arrow::TypeId::kIntervalMonthDayNano;
}

// The type dates and timestamps `x` and `y` compare and combine in: a
// timestamp in the finer of their units (microseconds for two dates), with
// a time zone when either has one (the session's zone is UTC).
arrow::TypePtr CommonTimestamp(const arrow::DataType& x, const arrow::DataType& y) {
  const bool zoned = !x.timezone().empty() || !y.timezone().empty();
  int unit = -1;
  for (const arrow::DataType* t : {&x, &y}) {
    if (IsTimestamp(*t)) unit = std::max(unit, static_cast<int>(t->unit()));
  }
  return arrow::timestamp(unit < 0 ? arrow::TimeUnit::kMicro : static_cast<arrow::TimeUnit>(unit),
                          zoned ? "UTC" : "");
}

// A call of the library's operator function `name` over `args`, cast as it binds them.
// A call of library function `f` over `args`, cast as it binds them.
BoundExprPtr FunctionCall(const execution::ScalarFunction* f, std::vector<BoundExprPtr> args) {
  std::vector<arrow::TypePtr> types;
  for (auto& a : args) {
    if (!f->any_timestamp_unit && IsTimestamp(*a->type) &&
        a->type->unit() != arrow::TimeUnit::kMicro) {
      a = execution::CastTo(std::move(a), arrow::timestamp(a->type->timezone()));
    }
    types.push_back(a->type);
  }
  const execution::FunctionBinding binding = f->bind(types);
  for (size_t i = 0; i < args.size(); ++i)
    args[i] = execution::CastTo(std::move(args[i]), binding.arg_types[i]);
  auto out = execution::Call(ExprOp::kFunction, binding.result, std::move(args));
  out->function = f;
  return out;
}

// A numeric literal's text as an exact DECIMAL of its digits (precision
// and scale as written); none when it has an exponent or over 38 digits.
std::optional<Value> ExactDecimal(const std::string& t) {
  const size_t point = t.find('.');
  const bool negative = !t.empty() && t[0] == '-';
  if (t.find_first_not_of("0123456789.", negative ? 1 : 0) != std::string::npos) {
    return std::nullopt;
  }
  int significant = 0;  // digits from the first non-zero one
  for (char c : t) {
    if ((c >= '1' && c <= '9') || (significant > 0 && c == '0')) ++significant;
  }
  const int scale = point == std::string::npos ? 0 : static_cast<int>(t.size() - point - 1);
  const int precision = std::max({significant, scale, 1});
  if (precision > 38) return std::nullopt;
  arrow::Decimal128 unscaled = 0;
  for (char c : t) {
    if (c >= '0' && c <= '9') unscaled = unscaled * 10 + (c - '0');
  }
  return Value::Decimal(negative ? -unscaled : unscaled, precision, scale);
}

}  // namespace

BoundExprPtr OperatorCall(const char* name, std::vector<BoundExprPtr> args) {
  const execution::ScalarFunction* f = execution::FindScalarFunction(name);
  LLKV_CHECK(f != nullptr, "operator {} is not registered", name);
  return FunctionCall(f, std::move(args));
}

BoundExprPtr Binder::Bind(const Expr& e) {
  if (substitutions_) {
    auto it = substitutions_->find(e.ToString());
    if (it != substitutions_->end()) {
      BoundExprPtr column = execution::ColumnRef(it->second.first, it->second.second);
      column->collation = it->second.collation;
      return column;
    }
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
    case ExprKind::kIsDistinctFrom:
      return DistinctFrom(e);
    case ExprKind::kCast: {
      const arrow::TypePtr to = TypeFromName(e.type);
      const Expr& source = *e.args[0];
      // A numeric literal cast to DECIMAL converts from its exact text, not
      // through a DOUBLE.
      BoundExprPtr arg;
      if (to->id() == arrow::TypeId::kDecimal128 && source.kind == ExprKind::kLiteral &&
          source.literal_kind == LiteralKind::kNumeric) {
        const std::optional<Value> exact = ExactDecimal(source.text);
        arg = execution::Constant(exact ? *exact : Value::String(source.text));
      } else {
        arg = Bind(source);
      }
      // INTERVAL '90' DAY: the field (PostgreSQL's typmod mask) is the
      // unit of a bare number.
      if (IsInterval(*to) && e.type.modifiers.size() == 1 && arg->op == ExprOp::kConstant &&
          !arg->value.is_null() && IsText(*arg->type)) {
        static const std::pair<int64_t, const char*> kUnits[] = {
            {4, "years"},    {2, "months"},     {8, "days"},
            {1024, "hours"}, {2048, "minutes"}, {4096, "seconds"}};
        for (const auto& [mask, unit] : kUnits) {
          const std::string& text = arg->value.str();
          if (e.type.modifiers[0] == mask &&
              text.find_first_not_of("0123456789.+- ") == std::string::npos) {
            arg = execution::Constant(Value::String(text + " " + unit));
          }
        }
      }
      return e.try_cast ? execution::TryCastTo(std::move(arg), to)
                        : execution::CastTo(std::move(arg), to);
    }
    case ExprKind::kCollate: {
      BoundExprPtr arg = Bind(*e.args[0]);
      if (IsNull(*arg->type)) arg = execution::CastTo(std::move(arg), arrow::utf8());
      if (!IsText(*arg->type)) {
        Fail(ErrorKind::kBinder, "COLLATE {} applies to text, not to a value of type {}", e.text,
             arg->type->ToString());
      }
      arg->collation = CanonicalCollation(e.text);
      arg->explicit_collation = true;
      return arg;
    }
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
        BoundExprPtr eq = IsRow(*e.args[0]) && IsRow(*e.args[i])
                              ? RowCompare(ExprOp::kEqual, *e.args[0], *e.args[i])
                              : Compare(ExprOp::kEqual, Bind(*e.args[0]), Bind(*e.args[i]));
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
    case ExprKind::kGreatestLeast:
      return Extremum(e, e.op);
    case ExprKind::kScalarSubquery:
    case ExprKind::kExists:
    case ExprKind::kInSubquery:
    case ExprKind::kQuantified:
      return Subquery(e);
    case ExprKind::kDefault:
      // A placeholder the INSERT replaces with the column's DEFAULT.
      if (g_default_allowed) return execution::Constant(Value::Null());
      Fail(ErrorKind::kBinder,
           "DEFAULT is not allowed here: only as a value in INSERT ... VALUES or UPDATE ... SET");
    default:
      Fail(ErrorKind::kNotImplemented, "expression '{}' is not supported yet", e.ToString());
  }
}

AllowDefaultValues::AllowDefaultValues() : before_(g_default_allowed) {
  g_default_allowed = true;
}
AllowDefaultValues::~AllowDefaultValues() {
  g_default_allowed = before_;
}

Value Binder::Literal(const Expr& e) {
  switch (e.literal_kind) {
    case LiteralKind::kNull:
      return Value::Null();
    case LiteralKind::kBool:
      return Value::Bool(e.bool_value);
    case LiteralKind::kInteger:
      return Value::Int64(e.int_value);
    case LiteralKind::kNumeric: {
      // A number with more digits than a DOUBLE holds (18 to 38) is an exact
      // DECIMAL; other numeric literals are DOUBLEs, as in SQLite.
      if (std::optional<Value> exact = ExactDecimal(e.text)) {
        if (exact->type()->precision() > 17) return *exact;
      }
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

BoundExprPtr Binder::Alias(const std::string& name) {
  for (const auto& [alias, expr] : *aliases_) {
    if (!EqualsIgnoreCase(alias, name)) continue;
    // An alias is not expanded inside its own expansion (SELECT a + 1 AS a
    // ... WHERE a > 1 reads the column a).
    for (const std::string& open : expanding_) {
      if (EqualsIgnoreCase(open, name)) return nullptr;
    }
    expanding_.push_back(name);
    BoundExprPtr bound;
    try {
      bound = Bind(*expr);
    } catch (...) {
      expanding_.pop_back();
      throw;
    }
    expanding_.pop_back();
    return bound;
  }
  return nullptr;
}

BoundExprPtr Binder::Column(const Expr& e) {
  const std::string& name = e.names.back();
  if (grouped_) {
    // An output column's alias (HAVING x > 2 with SELECT a AS x).
    if (aliases_ != nullptr && e.names.size() == 1) {
      if (BoundExprPtr bound = Alias(name)) return bound;
    }
    Fail(ErrorKind::kBinder,
         "column \"{}\" must appear in the GROUP BY clause or must be part of "
         "an aggregate function",
         e.ToString());
  }
  const std::string qualifier = e.names.size() >= 2 ? e.names[e.names.size() - 2] : "";
  const ScopeColumn* found = nullptr;
  // schema.table.column: the table's schema must be the one named.
  const std::string schema = e.names.size() >= 3 ? e.names[e.names.size() - 3] : "";
  // (Four or more parts are a column and struct fields: StructPath.) Both
  // arms are lvalues, so `found` points into scope_, not into a copy.
  static const Scope kNoColumns;
  const Scope& candidates = e.names.size() <= 3 ? scope_ : kNoColumns;
  for (const auto& c : candidates) {
    if (!EqualsIgnoreCase(c.name, name)) continue;
    if (!qualifier.empty() && !EqualsIgnoreCase(c.qualifier, qualifier)) continue;
    if (qualifier.empty() && c.qualified_only) continue;
    // (An aliased table has no schema: schema.alias.column names nothing.)
    if (!schema.empty() && !EqualsIgnoreCase(c.schema, schema)) continue;
    if (found) Fail(ErrorKind::kBinder, "Ambiguous reference to column name \"{}\"", name);
    found = &c;
  }
  // A select-list alias where no column has the name (QUALIFY rn = 1).
  if (!found && aliases_ != nullptr && e.names.size() == 1) {
    if (BoundExprPtr bound = Alias(name)) return bound;
  }
  if (!found && e.names.size() >= 2) {
    if (BoundExprPtr field = StructPath(e)) return field;  // s.field
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
      BoundExprPtr value = ctx->row
                               ? execution::Constant((*ctx->row)[static_cast<size_t>(outer->index)])
                               : execution::Constant(Value::Null(outer->type));
      value->collation = outer->collation;
      if (ctx->row) return value;
      ctx->captures->insert(outer->index);
      if (ctx->refs) ctx->refs->push_back(&e);
      return value;
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
    if (!qualifier.empty() && e.names.size() <= 3) {
      // A qualified name: say whether the table or its column is missing.
      const bool table = std::any_of(scope_.begin(), scope_.end(), [&](const ScopeColumn& c) {
        return EqualsIgnoreCase(c.qualifier, qualifier) &&
               (schema.empty() || EqualsIgnoreCase(c.schema, schema));
      });
      if (!table) {
        Fail(ErrorKind::kBinder, "Referenced table \"{}{}\" not found in FROM clause! (in {})",
             schema.empty() ? "" : schema + ".", qualifier, e.ToString());
      }
      Fail(ErrorKind::kBinder, "Table \"{}\" does not have a column named \"{}\"{}", qualifier,
           name, hint);
    }
    Fail(ErrorKind::kBinder, "Referenced column \"{}\" not found in FROM clause!{}", e.ToString(),
         hint);
  }
  BoundExprPtr out = execution::ColumnRef(found->index, found->type);
  out->collation = found->collation;
  return out;
}

BoundExprPtr Binder::Numeric(BoundExprPtr e, const arrow::TypePtr& to, const std::string& op) {
  if (!IsNumeric(*e->type) && !IsNull(*e->type)) {
    Fail(ErrorKind::kBinder, "Cannot apply '{}' to a value of type {}", op, e->type->ToString());
  }
  return execution::CastTo(std::move(e), to);
}

BoundExprPtr Binder::Unary(const Expr& e) {
  BoundExprPtr arg = Bind(*e.args[0]);
  if (e.op == "NOT") {
    std::vector<BoundExprPtr> args;
    args.push_back(ToBool(std::move(arg)));
    return execution::Call(ExprOp::kNot, arrow::boolean(), std::move(args));
  }
  // Unary plus changes nothing, whatever the type (SQLite).
  if (e.op == "+") return arg;
  if (e.op == "-" && IsInterval(*arg->type)) {
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(arg));
    return OperatorCall("- interval", std::move(args));
  }
  if (e.op == "~" && arrow::IsBitString(*arg->type)) {
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(arg));
    return OperatorCall("__llkv_bit_not", std::move(args));
  }
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

BoundExprPtr Binder::ToBool(BoundExprPtr e) {
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
void Binder::UnifyTypes(BoundExprPtr& a, BoundExprPtr& b) {
  const std::string collation = ComparisonCollation(*a, *b);
  Unify(a, b);
  a = CollationKey(std::move(a), collation);
  b = CollationKey(std::move(b), collation);
}

void Binder::Unify(BoundExprPtr& a, BoundExprPtr& b) {
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
  // A date compares with a timestamp as its midnight; a timestamp with a
  // time zone with one without as the same instant (the session is in UTC).
  if ((IsDate(x) || IsTimestamp(x)) && (IsDate(y) || IsTimestamp(y))) {
    const arrow::TypePtr t = CommonTimestamp(x, y);
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

BoundExprPtr Binder::BinaryOp(const Expr& e) {
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
  // a // b, which the dialect rewriter hands over as a / "__llkv_intdiv"(b)
  // for its precedence.
  const bool int_div_marker = e.op == "/" && e.args[1]->kind == ExprKind::kFunction &&
                              e.args[1]->names.size() == 1 &&
                              e.args[1]->names[0] == "__llkv_intdiv" && e.args[1]->args.size() == 1;
  for (const auto& [sym, op] : kArithmetic) {
    if (e.op != sym || int_div_marker) continue;
    BoundExprPtr a = Bind(*e.args[0]);
    BoundExprPtr b = Bind(*e.args[1]);
    if (BoundExprPtr t = TemporalArithmetic(e.op, a, b)) return t;
    arrow::TypePtr t = ArithmeticType(*a->type, *b->type);
    const bool decimal =
        a->type->id() == arrow::TypeId::kDecimal128 || b->type->id() == arrow::TypeId::kDecimal128;
    if (decimal) {
      if (BoundExprPtr d = DecimalArithmetic(op, a, b)) return d;
      t = arrow::float64();  // DECIMAL / DECIMAL is a DOUBLE (DuckDB)
    }
    std::vector<BoundExprPtr> args;
    args.push_back(Numeric(std::move(a), t, e.op));
    args.push_back(Numeric(std::move(b), t, e.op));
    return execution::Call(op, t, std::move(args));
  }
  for (const auto& [sym, op] : kComparison) {
    if (e.op != sym) continue;
    if (IsRow(*e.args[0]) && IsRow(*e.args[1])) return RowCompare(op, *e.args[0], *e.args[1]);
    return Compare(op, Bind(*e.args[0]), Bind(*e.args[1]));
  }
  if (e.op == "//" || int_div_marker) {
    // DuckDB's integer division: integers divide as / does (truncating);
    // other numbers give floor(a / b).
    BoundExprPtr a = Bind(*e.args[0]);
    BoundExprPtr b = Bind(int_div_marker ? *e.args[1]->args[0] : *e.args[1]);
    const arrow::TypePtr t = ArithmeticType(*a->type, *b->type);
    const bool integers = t->is_integer();
    const arrow::TypePtr as = integers ? t : arrow::float64();
    std::vector<BoundExprPtr> args;
    args.push_back(Numeric(std::move(a), as, e.op));
    args.push_back(Numeric(std::move(b), as, e.op));
    BoundExprPtr quotient = execution::Call(ExprOp::kDivide, as, std::move(args));
    if (integers) return quotient;
    std::vector<BoundExprPtr> floor_args;
    floor_args.push_back(std::move(quotient));
    return OperatorCall("floor", std::move(floor_args));
  }
  if (e.op == "^@") {  // DuckDB's starts_with operator
    std::vector<BoundExprPtr> args;
    args.push_back(Bind(*e.args[0]));
    args.push_back(Bind(*e.args[1]));
    return OperatorCall("starts_with", std::move(args));
  }
  static const std::pair<const char*, ExprOp> kBitwise[] = {{"&", ExprOp::kBitAnd},
                                                            {"|", ExprOp::kBitOr},
                                                            {"<<", ExprOp::kShiftLeft},
                                                            {">>", ExprOp::kShiftRight}};
  for (const auto& [sym, op] : kBitwise) {
    if (e.op != sym) continue;
    BoundExprPtr a = Bind(*e.args[0]);
    if (arrow::IsBitString(*a->type)) {  // BIT strings: their own functions
      static const std::pair<ExprOp, const char*> kBitFunctions[] = {
          {ExprOp::kBitAnd, "__llkv_bit_and"},
          {ExprOp::kBitOr, "__llkv_bit_or"},
          {ExprOp::kShiftLeft, "__llkv_bit_shift_left"},
          {ExprOp::kShiftRight, "__llkv_bit_shift_right"}};
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(a));
      args.push_back(Bind(*e.args[1]));
      for (const auto& [bit_op, name] : kBitFunctions) {
        if (bit_op == op) return OperatorCall(name, std::move(args));
      }
    }
    // Operands are integers; reals are truncated (SQLite).
    std::vector<BoundExprPtr> args;
    args.push_back(Numeric(std::move(a), arrow::int64(), e.op));
    args.push_back(Numeric(Bind(*e.args[1]), arrow::int64(), e.op));
    return execution::Call(op, arrow::int64(), std::move(args));
  }
  if (e.op == "||") {
    // Text concatenation; other values are converted to text (DuckDB, SQLite).
    BoundExprPtr a = Bind(*e.args[0]);
    BoundExprPtr b = Bind(*e.args[1]);
    if (a->type->id() == arrow::TypeId::kList || b->type->id() == arrow::TypeId::kList) {
      return ListConcat(std::move(a), std::move(b));
    }
    std::vector<BoundExprPtr> args;
    args.push_back(AsText(std::move(a)));
    args.push_back(AsText(std::move(b)));
    return execution::Call(ExprOp::kConcat, arrow::utf8(), std::move(args));
  }
  if (e.op == "LIKE" || e.op == "ILIKE") {
    std::vector<BoundExprPtr> args;
    for (const auto& a : e.args)
      args.push_back(AsText(Bind(*a)));
    BoundExprPtr like = execution::Call(e.op == "LIKE" ? ExprOp::kLike : ExprOp::kILike,
                                        arrow::boolean(), std::move(args));
    return e.negated ? NotOf(std::move(like)) : std::move(like);
  }
  if (e.op == "~" || e.op == "!~" || e.op == "~*" || e.op == "!~*") {
    // PostgreSQL's regular expression match operators (* ignores case);
    // whether the pattern must match all of the text is a setting.
    const execution::ScalarFunction* f = execution::FindScalarFunction(
        CurrentSettings().regex_full_match() ? "regexp_full_match" : "regexp_matches");
    std::vector<BoundExprPtr> args;
    for (const auto& a : e.args)
      args.push_back(AsText(Bind(*a)));
    if (e.op.back() == '*') args.push_back(execution::Constant(Value::String("i")));
    BoundExprPtr out = FunctionCall(f, std::move(args));
    return e.op[0] == '!' ? NotOf(std::move(out)) : std::move(out);
  }
  if (e.op == "#~#" || e.op == "!#~#" || e.op == "SIMILAR") {
    // GLOB and SIMILAR TO, through the library's glob() and similar_to().
    const bool glob = e.op != "SIMILAR";
    const execution::ScalarFunction* f =
        execution::FindScalarFunction(glob ? "glob" : "similar_to");
    std::vector<BoundExprPtr> args;
    for (const auto& a : e.args)
      args.push_back(AsText(Bind(*a)));
    // x GLOB p is glob(p, x), SQLite's order for the function.
    if (glob) std::swap(args[0], args[1]);
    BoundExprPtr out = FunctionCall(f, std::move(args));
    return (e.op == "!#~#" || e.negated) ? NotOf(std::move(out)) : std::move(out);
  }
  Fail(ErrorKind::kBinder, "No operator matches {} for these operands", e.op);
}

BoundExprPtr Binder::TemporalArithmetic(const std::string& op, BoundExprPtr& a, BoundExprPtr& b) {
  // A TIMESTAMP WITH TIME ZONE computes as the UTC TIMESTAMP it stores, and
  // a timestamp result keeps the zone.
  if (IsTimestamp(*a->type) && !a->type->timezone().empty()) {
    a = execution::CastTo(std::move(a), arrow::timestamp());
    BoundExprPtr r = TemporalArithmetic(op, a, b);
    return IsTimestamp(*r->type) ? execution::CastTo(std::move(r), arrow::timestamp("UTC"))
                                 : std::move(r);
  }
  if (IsTimestamp(*b->type) && !b->type->timezone().empty()) {
    b = execution::CastTo(std::move(b), arrow::timestamp());
    BoundExprPtr r = TemporalArithmetic(op, a, b);
    return IsTimestamp(*r->type) ? execution::CastTo(std::move(r), arrow::timestamp("UTC"))
                                 : std::move(r);
  }
  const arrow::DataType& x = *a->type;
  const arrow::DataType& y = *b->type;
  const bool xt = IsDate(x) || IsTimestamp(x), yt = IsDate(y) || IsTimestamp(y);
  const bool x_time = x.id() == arrow::TypeId::kTime64, y_time = y.id() == arrow::TypeId::kTime64;
  if (!xt && !yt && !x_time && !y_time && !IsInterval(x) && !IsInterval(y)) return nullptr;
  auto call = [&](const char* name, BoundExprPtr p, BoundExprPtr q) {
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(p));
    args.push_back(std::move(q));
    return OperatorCall(name, std::move(args));
  };
  // Text and NULL operands take the type the other side's operation needs.
  const bool y_loose = IsText(y) || IsNull(y);
  const bool x_loose = IsText(x) || IsNull(x);
  if (op == "+" && (x_time || y_time)) {
    if (IsDate(x) && y_time) return call("date + time", std::move(a), std::move(b));
    if (x_time && IsDate(y)) return call("date + time", std::move(b), std::move(a));
    if (x_time && (IsInterval(y) || y_loose)) {
      return call("time + interval", std::move(a), std::move(b));
    }
    if (IsInterval(x) && y_time) return call("time + interval", std::move(b), std::move(a));
  } else if (op == "-" && x_time) {
    if (IsInterval(y)) return call("time - interval", std::move(a), std::move(b));
    if (y_time || y_loose) return call("time - time", std::move(a), std::move(b));
  } else if (op == "+") {
    if (IsDate(x) && y.is_integer()) return call("date + days", std::move(a), std::move(b));
    if (x.is_integer() && IsDate(y)) return call("date + days", std::move(b), std::move(a));
    if (xt && (IsInterval(y) || y_loose)) {
      return call("timestamp + interval", std::move(a), std::move(b));
    }
    if (IsInterval(x) && yt) return call("timestamp + interval", std::move(b), std::move(a));
    if (IsInterval(x) && (IsInterval(y) || y_loose)) {
      return call("interval + interval", std::move(a), std::move(b));
    }
    if (IsInterval(y) && x_loose) return call("interval + interval", std::move(a), std::move(b));
  } else if (op == "-") {
    if (IsDate(x) && y.is_integer()) return call("date - days", std::move(a), std::move(b));
    if (IsDate(x) && IsDate(y)) return call("date - date", std::move(a), std::move(b));
    if (xt && IsInterval(y)) return call("timestamp - interval", std::move(a), std::move(b));
    if (xt && (yt || (y_loose && IsTimestamp(x)))) {
      return call("timestamp - timestamp", std::move(a), std::move(b));
    }
    if (IsDate(x) && y_loose) return call("date - date", std::move(a), std::move(b));
    if (x_loose && IsDate(y)) return call("date - date", std::move(a), std::move(b));
    if (x_loose && IsTimestamp(y)) return call("timestamp - timestamp", std::move(a), std::move(b));
    if (IsInterval(x) && (IsInterval(y) || y_loose)) {
      return call("interval - interval", std::move(a), std::move(b));
    }
  } else if (op == "*") {
    if (IsInterval(x) && IsNumeric(y)) return call("interval * number", std::move(a), std::move(b));
    if (IsNumeric(x) && IsInterval(y)) return call("interval * number", std::move(b), std::move(a));
  } else if (op == "/") {
    if (IsInterval(x) && IsNumeric(y)) return call("interval / number", std::move(a), std::move(b));
  }
  Fail(ErrorKind::kBinder,
       "No function matches the given name and argument types '{}({}, {})': give both sides "
       "types it is defined for",
       op, execution::SqlTypeName(x), execution::SqlTypeName(y));
}

BoundExprPtr Binder::AsText(BoundExprPtr e) {
  if (e->type->id() == arrow::TypeId::kUtf8) return e;
  if (e->type->id() == arrow::TypeId::kBinary) {
    Fail(ErrorKind::kBinder, "a BLOB cannot be used as text here: CAST it to VARCHAR first");
  }
  return execution::CastTo(std::move(e), arrow::utf8());
}

BoundExprPtr Binder::NotOf(BoundExprPtr e) {
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(e));
  return execution::Call(ExprOp::kNot, arrow::boolean(), std::move(args));
}

// Whether `e` is a constant of a kind no value of type `other` can equal:
// text that is not a number against numbers, a blob against anything
// else. SQLite orders such values by kind: numbers < text < blobs.
bool Binder::Incomparable(const execution::BoundExpr& e, const arrow::DataType& other) {
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
BoundExprPtr Binder::KindOrder(ExprOp op, bool left_greater, BoundExprPtr other) {
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

BoundExprPtr Binder::Compare(ExprOp op, BoundExprPtr a, BoundExprPtr b) {
  if (IsNull(*a->type) && IsNull(*b->type))
    return execution::Constant(Value::Null(arrow::boolean()));
  if (Incomparable(*a, *b->type)) return KindOrder(op, true, std::move(b));
  if (Incomparable(*b, *a->type)) return KindOrder(op, false, std::move(a));
  const std::string collation = ComparisonCollation(*a, *b);
  Unify(a, b);
  std::vector<BoundExprPtr> args;
  args.push_back(CollationKey(std::move(a), collation));
  args.push_back(CollationKey(std::move(b), collation));
  return execution::Call(op, arrow::boolean(), std::move(args));
}

// The type values of `types` are brought to for CASE and COALESCE.
namespace {

// Whether two structs' fields have the same names in the same order.
bool SameFieldNames(const arrow::DataType& a, const arrow::DataType& b) {
  if (a.fields().size() != b.fields().size()) return false;
  for (size_t i = 0; i < a.fields().size(); ++i) {
    if (!EqualsIgnoreCase(a.fields()[i]->name(), b.fields()[i]->name())) return false;
  }
  return true;
}

// Whether a struct's fields have names (a ROW(...) value's have none).
bool Named(const arrow::DataType& s) {
  return std::none_of(s.fields().begin(), s.fields().end(),
                      [](const arrow::FieldPtr& f) { return f->name().empty(); });
}

}  // namespace

arrow::TypePtr Binder::CommonType(const std::vector<arrow::TypePtr>& types) {
  arrow::TypePtr out = arrow::null();
  for (const auto& t : types) {
    if (IsNull(*t) || t->Equals(*out)) continue;
    if (IsNull(*out)) {
      out = t;
    } else if (IsNumeric(*out) && IsNumeric(*t)) {
      out = ArithmeticType(*out, *t);
    } else if (out->id() == arrow::TypeId::kList && t->id() == arrow::TypeId::kList) {
      out = arrow::list(CommonType({out->value_type(), t->value_type()}));
    } else if (out->id() == arrow::TypeId::kStruct && t->id() == arrow::TypeId::kStruct &&
               !SameFieldNames(*out, *t) && Named(*out) && Named(*t)) {
      // Structs of other fields: every field of either, matched by name
      // (the first's order, then the second's new fields), as DuckDB.
      std::vector<arrow::FieldPtr> fields;
      for (const auto& f : out->fields())
        fields.push_back(f);
      for (const auto& f : t->fields()) {
        auto same = std::find_if(fields.begin(), fields.end(), [&](const arrow::FieldPtr& g) {
          return EqualsIgnoreCase(g->name(), f->name());
        });
        if (same == fields.end()) {
          fields.push_back(f);
        } else {
          *same = arrow::field((*same)->name(), CommonType({(*same)->type(), f->type()}));
        }
      }
      out = arrow::struct_(std::move(fields));
    } else if (out->id() == arrow::TypeId::kStruct && t->id() == arrow::TypeId::kStruct &&
               out->fields().size() == t->fields().size()) {
      // Field by field, by position (the first struct's names).
      std::vector<arrow::FieldPtr> fields;
      for (size_t i = 0; i < t->fields().size(); ++i) {
        fields.push_back(
            arrow::field(out->fields()[i]->name(),
                         CommonType({out->fields()[i]->type(), t->fields()[i]->type()})));
      }
      out = arrow::struct_(std::move(fields));
    } else if ((IsDate(*out) || IsTimestamp(*out)) && (IsDate(*t) || IsTimestamp(*t))) {
      out = CommonTimestamp(*out, *t);
    } else if (IsText(*out) && t->is_nested()) {
      out = t;  // text reads as the list or struct
    } else if (out->is_nested() && IsText(*t)) {
      continue;
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
// a IS [NOT] DISTINCT FROM b: = and <> where NULL is a value like any other
// (two NULLs are not distinct; NULL and a value are); never NULL itself. As
// CASE WHEN a IS NULL AND b IS NULL THEN FALSE WHEN a IS NULL OR b IS NULL
// THEN TRUE ELSE a <> b END.
BoundExprPtr Binder::DistinctFrom(const Expr& e) {
  auto is_null = [&](const Expr& x) {
    std::vector<BoundExprPtr> args;
    args.push_back(Bind(x));
    return execution::Call(ExprOp::kIsNull, arrow::boolean(), std::move(args));
  };
  auto both = [](ExprOp op, BoundExprPtr x, BoundExprPtr y) {
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(x));
    args.push_back(std::move(y));
    return execution::Call(op, arrow::boolean(), std::move(args));
  };
  std::vector<BoundExprPtr> args;
  args.push_back(both(ExprOp::kAnd, is_null(*e.args[0]), is_null(*e.args[1])));
  args.push_back(execution::Constant(Value::Bool(e.negated)));
  args.push_back(both(ExprOp::kOr, is_null(*e.args[0]), is_null(*e.args[1])));
  args.push_back(execution::Constant(Value::Bool(!e.negated)));
  args.push_back(
      Compare(e.negated ? ExprOp::kEqual : ExprOp::kNotEqual, Bind(*e.args[0]), Bind(*e.args[1])));
  auto out = execution::Call(ExprOp::kCase, arrow::boolean(), std::move(args));
  out->has_else = true;
  return out;
}

BoundExprPtr Binder::Unified(ExprOp op, std::vector<BoundExprPtr> args, bool has_else) {
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

BoundExprPtr Binder::Case(const Expr& e) {
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

BoundExprPtr Binder::DatePartOf(const std::string& part, BoundExprPtr arg,
                                const std::string& name) {
  // Parts that are DOUBLEs (seconds with their fraction; the Julian day).
  if (part == "epoch" || part == "julian") {
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(arg));
    return FunctionCall(execution::FindScalarFunction(part), std::move(args));
  }
  if (!execution::IsDatePart(part)) {
    Fail(ErrorKind::kBinder, "unsupported date part \"{}\" in {}()", part, name);
  }
  const auto id = arg->type->id();
  if (IsTimestamp(*arg->type) && arg->type->unit() != arrow::TimeUnit::kMicro) {
    arg = execution::CastTo(std::move(arg), arrow::timestamp(arg->type->timezone()));
  }
  if (IsText(*arg->type)) {
    arg = execution::CastTo(std::move(arg), arrow::timestamp());
  } else if (IsNull(*arg->type)) {
    arg = execution::CastTo(std::move(arg), arrow::date32());
  } else if (id != arrow::TypeId::kDate32 && id != arrow::TypeId::kTimestamp &&
             id != arrow::TypeId::kTime64) {
    Fail(ErrorKind::kBinder, "No function matches {}({}): it takes a DATE, TIMESTAMP or TIME", name,
         arg->type->ToString());
  }
  std::vector<BoundExprPtr> args;
  args.push_back(execution::Constant(Value::String(part)));
  args.push_back(std::move(arg));
  return execution::Call(ExprOp::kDatePart, arrow::int64(), std::move(args));
}

BoundExprPtr Binder::Function(const Expr& e) {
  const std::string name = Lower(e.names.back());
  if (e.window) {
    Fail(ErrorKind::kBinder,
         "window function {}() is not allowed here: only in the select list, ORDER BY and "
         "QUALIFY, and not inside another window function's arguments",
         name);
  }
  // name := value arguments: struct_pack's (and row's) field names only.
  if (name != "struct_pack" && name != "row") RefuseNamedArguments(e, name);
  auto arity = [&](size_t n) {
    if (e.args.size() != n || e.star_arg || e.distinct) {
      Fail(ErrorKind::kBinder,
           "No function matches the given name and argument types: {}() takes {} argument{}", name,
           n, n == 1 ? "" : "s");
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
  if (e.export_state && !IsAggregateCall(e)) {
    Fail(ErrorKind::kBinder, "EXPORT_STATE needs an aggregate function: {}() is not one", name);
  }
  if (IsAggregateCall(e)) {
    // An enclosing query's aggregate (its arguments read only that
    // query's columns): its value for the current outer row.
    if (BoundExprPtr outer = OuterAggregate(e)) return outer;
    Fail(ErrorKind::kBinder, "aggregate function {}() is not allowed here", name);
  }
  if ((name == "min" || name == "max") && e.args.size() >= 2 && !e.star_arg && !e.distinct) {
    return Extremum(e, name);  // SQLite's scalar min(a, b, ...)
  }
  if (name == "to_aggregate_state") return BindToAggregateState(e, *this);
  if (BoundExprPtr nested = NestedFunction(e, name)) return nested;
  if (name == "round" && e.args.size() == 2 && !e.star_arg && !e.distinct) {
    // round(decimal, digits): exact, its scale set by the digits, which
    // must then be constant.
    BoundExprPtr x = Bind(*e.args[0]);
    BoundExprPtr digits = Bind(*e.args[1]);
    if (x->type->id() == arrow::TypeId::kDecimal128) {
      if (digits->op == ExprOp::kConstant && digits->value.is_null()) {
        return execution::Constant(Value::Null(x->type));  // NULL digits (PostgreSQL)
      }
      if (digits->op != ExprOp::kConstant || !digits->type->is_integer()) {
        Fail(ErrorKind::kBinder,
             "round({}, digits) needs the digits as an integer constant (they set the result's "
             "scale); cast the value to DOUBLE to round by varying digits",
             execution::SqlTypeName(*x->type));
      }
      const int64_t d = digits->value.int64();
      const execution::ScalarFunction* f = execution::FindScalarFunction("__decimal_round");
      const arrow::TypePtr type = execution::DecimalRoundType(*x->type, d);
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(x));
      args.push_back(execution::Constant(Value::Int64(d)));
      auto out = execution::Call(ExprOp::kFunction, type, std::move(args));
      out->function = f;
      return out;
    }
  }
  if (name == "current_setting") {
    // A session setting's value as text (PostgreSQL, DuckDB); the name must
    // be a constant.
    arity(1);
    BoundExprPtr arg = Bind(*e.args[0]);
    if (arg->op != ExprOp::kConstant || arg->value.is_null() || !IsText(*arg->type)) {
      Fail(ErrorKind::kBinder, "current_setting() takes the name of a setting, as text");
    }
    return execution::Constant(Value::String(CurrentSettings().Show(arg->value.str())));
  }
  if (name == "length" || name == "char_length" || name == "character_length") {
    arity(1);
    BoundExprPtr arg = Bind(*e.args[0]);
    if (arg->type->id() == arrow::TypeId::kList) {
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(arg));
      return FunctionCall(execution::FindScalarFunction("len"), std::move(args));
    }
    if (arg->type->id() != arrow::TypeId::kBinary) arg = AsText(std::move(arg));
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(arg));
    return execution::Call(ExprOp::kLength, arrow::int64(), std::move(args));
  }
  // Text functions: arguments are converted to text (positions and
  // lengths to integers).
  struct TextFn {
    const char* name;
    ExprOp op;
    size_t min_args, max_args;
  };
  static const TextFn kTextFns[] = {
      {"lower", ExprOp::kLower, 1, 1},         {"upper", ExprOp::kUpper, 1, 1},
      {"lcase", ExprOp::kLower, 1, 1},         {"ucase", ExprOp::kUpper, 1, 1},
      {"substring", ExprOp::kSubstring, 2, 3}, {"substr", ExprOp::kSubstring, 2, 3},
      {"replace", ExprOp::kReplace, 3, 3},     {"trim", ExprOp::kTrim, 1, 2},
      {"ltrim", ExprOp::kLTrim, 1, 2},         {"rtrim", ExprOp::kRTrim, 1, 2},
      {"strpos", ExprOp::kStrpos, 2, 2},       {"instr", ExprOp::kStrpos, 2, 2},
      {"position", ExprOp::kStrpos, 2, 2}};
  for (const auto& f : kTextFns) {
    if (name != f.name) continue;
    if (e.args.size() < f.min_args || e.args.size() > f.max_args || e.star_arg || e.distinct) {
      Fail(ErrorKind::kBinder,
           "No function matches the given name and argument types: {}() takes {} argument{}", name,
           f.min_args == f.max_args ? std::to_string(f.min_args)
                                    : fmt::format("{} to {}", f.min_args, f.max_args),
           f.max_args == 1 ? "" : "s");
    }
    std::vector<BoundExprPtr> args;
    for (size_t i = 0; i < e.args.size(); ++i) {
      BoundExprPtr a = Bind(*e.args[i]);
      const bool number = f.op == ExprOp::kSubstring && i > 0;
      args.push_back(number ? Numeric(std::move(a), arrow::int64(), name) : AsText(std::move(a)));
    }
    // position(needle IN haystack) arrives from PostgreSQL's grammar as
    // position(haystack, needle), strpos's order.
    return execution::Call(f.op, f.op == ExprOp::kStrpos ? arrow::int64() : arrow::utf8(),
                           std::move(args));
  }
  if (name == "timezone" && e.args.size() == 2) {
    // ts AT TIME ZONE zone (PostgreSQL's timezone(zone, ts)). The session's
    // zone is UTC and LLKV has no zone database, so only UTC is known: a
    // TIMESTAMP becomes that instant (WITH TIME ZONE), and a TIMESTAMP WITH
    // TIME ZONE its UTC wall-clock time.
    const Value zone = EvaluateConstant(*e.args[0]);
    static const char* kUtc[] = {"utc", "gmt", "z", "etc/utc", "+00", "+00:00", "zulu"};
    const bool utc = !zone.is_null() && IsText(*zone.type()) &&
                     std::any_of(std::begin(kUtc), std::end(kUtc),
                                 [&](const char* z) { return EqualsIgnoreCase(zone.str(), z); });
    if (!utc) {
      Fail(ErrorKind::kNotImplemented,
           "time zone {}: LLKV has no time zone database yet; the session's zone is UTC",
           zone.ToString());
    }
    BoundExprPtr ts = Bind(*e.args[1]);
    if (IsText(*ts->type) || IsDate(*ts->type)) {
      ts = execution::CastTo(std::move(ts), arrow::timestamp());
    }
    if (!IsTimestamp(*ts->type)) {
      Fail(ErrorKind::kBinder, "AT TIME ZONE needs a TIMESTAMP, not {}",
           execution::SqlTypeName(*ts->type));
    }
    const arrow::TypePtr to = ts->type->timezone().empty()
                                  ? arrow::timestamp(ts->type->unit(), "UTC")
                                  : arrow::timestamp(ts->type->unit());
    return execution::CastTo(std::move(ts), to);
  }
  // date_part('year', d), extract(year FROM d) (which PostgreSQL's grammar
  // hands over as date_part's arguments), and year(d), month(d), ...
  static const char* kPartFunctions[] = {
      "year",          "month",          "day",         "dayofmonth", "quarter", "week",
      "weekofyear",    "dayofweek",      "isodow",      "dayofyear",  "hour",    "minute",
      "second",        "millisecond",    "microsecond", "decade",     "century", "millennium",
      "epoch",         "isoyear",        "yearweek",    "weekday",    "era",     "timezone",
      "timezone_hour", "timezone_minute"};
  const bool part_function =
      std::find_if(std::begin(kPartFunctions), std::end(kPartFunctions),
                   [&](const char* f) { return name == f; }) != std::end(kPartFunctions);
  if (name == "date_part" || name == "datepart" || name == "extract" || part_function) {
    arity(part_function ? 1 : 2);
    std::string part = name;
    if (!part_function) {
      BoundExprPtr p = Bind(*e.args[0]);
      std::vector<const Expr*> columns;
      CollectBareColumns(*e.args[0], &columns);
      if (p->type->id() == arrow::TypeId::kList && p->op != ExprOp::kConstant && columns.empty()) {
        p = execution::Constant(EvaluateConstant(*e.args[0], db_));  // a list of parts
      }
      if (p->op != ExprOp::kConstant || p->value.is_null()) {
        // A part that varies by row (or NULL): the library's row-by-row
        // date_part.
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(p));
        args.push_back(Bind(*e.args[1]));
        return FunctionCall(execution::FindScalarFunction("date_part"), std::move(args));
      }
      if (p->type->id() == arrow::TypeId::kList) {
        // date_part(['year', 'month'], d): a STRUCT with a field per part.
        std::vector<BoundExprPtr> fields;
        std::vector<arrow::FieldPtr> names;
        for (const Value& v : p->value.elements()) {
          if (v.is_null() || !IsText(*v.type())) {
            Fail(ErrorKind::kBinder, "{}() needs the parts as text ('year', 'month', ...)", name);
          }
          const std::string one = Lower(v.str());
          fields.push_back(DatePartOf(one, Bind(*e.args[1]), name));
          names.push_back(arrow::field(one, fields.back()->type));
        }
        if (fields.empty()) Fail(ErrorKind::kBinder, "{}(): the list of parts is empty", name);
        const arrow::TypePtr type = arrow::struct_(std::move(names));
        auto out = execution::Call(ExprOp::kFunction, type, std::move(fields));
        out->function = execution::FindScalarFunction("struct_pack");
        // A NULL date has no struct of parts: NULL, not a struct of NULLs.
        std::vector<BoundExprPtr> test;
        test.push_back(Bind(*e.args[1]));
        std::vector<BoundExprPtr> branches;
        branches.push_back(execution::Call(ExprOp::kIsNull, arrow::boolean(), std::move(test)));
        branches.push_back(execution::Constant(Value::Null(type)));
        branches.push_back(std::move(out));
        auto guarded = execution::Call(ExprOp::kCase, type, std::move(branches));
        guarded->has_else = true;
        return guarded;
      }
      if (!IsText(*p->type)) {
        Fail(ErrorKind::kBinder, "{}() needs the part as text ('year', 'month', ...)", name);
      }
      part = Lower(p->value.str());
    }
    return DatePartOf(part, Bind(*e.args[part_function ? 0 : 1]), name);
  }
  if (name == "monthname" || name == "dayname") {
    // The English name of the month or weekday (DuckDB), through strftime.
    arity(1);
    std::vector<BoundExprPtr> args;
    BoundExprPtr arg = Bind(*e.args[0]);
    if (IsText(*arg->type) || IsNull(*arg->type)) {
      arg = execution::CastTo(std::move(arg), arrow::timestamp());
    }
    args.push_back(std::move(arg));
    args.push_back(execution::Constant(Value::String(name == "monthname" ? "%B" : "%A")));
    return FunctionCall(execution::FindScalarFunction("strftime"), std::move(args));
  }
  if (name == "try") {  // DuckDB's try(expr): NULL where expr fails
    arity(1);
    BoundExprPtr arg = Bind(*e.args[0]);
    const arrow::TypePtr type = arg->type;
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(arg));
    return execution::Call(ExprOp::kTry, type, std::move(args));
  }
  if (name == "if" || name == "iif") {  // DuckDB's if, SQLite's iif: a CASE
    arity(3);
    std::vector<BoundExprPtr> args;
    args.push_back(Condition(*e.args[0]));
    args.push_back(Bind(*e.args[1]));
    args.push_back(Bind(*e.args[2]));
    return Unified(ExprOp::kCase, std::move(args), true);
  }
  if (name == "ifnull") {
    arity(2);
    std::vector<BoundExprPtr> args;
    args.push_back(Bind(*e.args[0]));
    args.push_back(Bind(*e.args[1]));
    return Unified(ExprOp::kCoalesce, std::move(args), false);
  }
  if (const execution::ScalarFunction* f = execution::FindScalarFunction(name)) {
    if (e.star_arg || e.distinct) {
      Fail(ErrorKind::kBinder, "{}() is not an aggregate: it takes neither * nor DISTINCT", name);
    }
    std::vector<BoundExprPtr> args;
    for (const auto& a : e.args)
      args.push_back(Bind(*a));
    return FunctionCall(f, std::move(args));
  }
  if (name == "unnest") {
    Fail(ErrorKind::kBinder, "UNNEST not supported here: only in a select list or in FROM");
  }
  Fail(ErrorKind::kCatalog, "Scalar Function with name {} does not exist!", name);
}

// Makes a correlated subquery run once for all outer rows when every
// outer reference is one side of a WHERE conjunct `inner = outer` and the
// subquery neither aggregates nor limits its rows in a way a per-key
// match would change: the runner then matches outer rows to the
// subquery's rows by those keys.
void Binder::Decorrelate(const Expr& e, const std::vector<const Expr*>& refs,
                         SqlSubqueryRunner& runner) {
  const SelectStmt& q = *e.subquery;
  if (q.set_op != SetOpKind::kNone || !q.ctes.empty() || !q.values.empty() || !q.group_by.empty() ||
      q.having || !q.distinct_on.empty() || q.offset || !q.where) {
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
  std::vector<const Expr*> residual_outer;
  std::vector<ExprOp> residual_ops;
  static const std::pair<const char*, ExprOp> kComparisons[] = {
      {"<>", ExprOp::kNotEqual},  {"!=", ExprOp::kNotEqual}, {"<", ExprOp::kLess},
      {"<=", ExprOp::kLessEqual}, {">", ExprOp::kGreater},   {">=", ExprOp::kGreaterEqual}};
  for (const Expr* t : terms) {
    if (outer_refs_in(*t) == 0) continue;
    if (t->kind != ExprKind::kBinaryOp) return;
    const Expr* a = t->args[0].get();
    const Expr* b = t->args[1].get();
    const bool swapped = outer_refs.contains(b);
    if (swapped) std::swap(a, b);
    if (!outer_refs.contains(a) || outer_refs_in(*b) != 0) return;
    if (t->op == "=" || t->op == "==") {
      keyed.skip.insert(t);
      keyed.keys.push_back(b);
      outer_sides.push_back(a);
      continue;
    }
    // outer op inner, for EXISTS: compared per outer row among the rows of
    // its key (kept as inner op' outer).
    auto found = std::find_if(std::begin(kComparisons), std::end(kComparisons),
                              [&](const auto& c) { return t->op == c.first; });
    if (e.kind != ExprKind::kExists || found == std::end(kComparisons)) return;
    ExprOp op = found->second;
    if (!swapped) {
      // a (outer) op b (inner) is b flip(op) a.
      op = op == ExprOp::kLess           ? ExprOp::kGreater
           : op == ExprOp::kLessEqual    ? ExprOp::kGreaterEqual
           : op == ExprOp::kGreater      ? ExprOp::kLess
           : op == ExprOp::kGreaterEqual ? ExprOp::kLessEqual
                                         : op;
    }
    keyed.skip.insert(t);
    keyed.residual_inner.push_back(b);
    residual_outer.push_back(a);
    residual_ops.push_back(op);
  }
  for (const Expr* r : refs) {
    if (std::find(outer_sides.begin(), outer_sides.end(), r) == outer_sides.end() &&
        std::find(residual_outer.begin(), residual_outer.end(), r) == residual_outer.end()) {
      return;
    }
  }
  // Residual comparisons alone would compare every outer row with every
  // subquery row: left per row.
  if (outer_sides.empty()) return;
  // The keys' types on both sides: they compare as SQL would compare them.
  runner.keyed = keyed;
  OperatorPtr plan;
  try {
    plan = runner.PlanKeyed();
  } catch (const Error&) {
    return;
  }
  const int first_key = plan->schema()->num_fields() - static_cast<int>(keyed.keys.size()) -
                        static_cast<int>(keyed.residual_inner.size());
  // Both sides of each key and residual comparison in one type, as SQL
  // would compare them; kinds whose comparison converts values (text with
  // numbers) are left per row.
  auto bind_outer = [&](const std::vector<const Expr*>& sides, int first,
                        std::vector<BoundExprPtr>* bound, std::vector<arrow::TypePtr>* types) {
    for (size_t k = 0; k < sides.size(); ++k) {
      BoundExprPtr outer = Bind(*sides[k]);
      const arrow::TypePtr inner = plan->schema()->field(first + static_cast<int>(k))->type();
      arrow::TypePtr common;
      if (outer->type->Equals(*inner)) {
        common = inner;
      } else if (IsNumeric(*outer->type) && IsNumeric(*inner)) {
        common = ArithmeticType(*outer->type, *inner);
      } else {
        return false;
      }
      bound->push_back(execution::CastTo(std::move(outer), common));
      types->push_back(common);
    }
    return true;
  };
  std::vector<BoundExprPtr> outer_keys, outer_residuals;
  std::vector<arrow::TypePtr> types, residual_types;
  if (!bind_outer(outer_sides, first_key, &outer_keys, &types) ||
      !bind_outer(residual_outer, first_key + static_cast<int>(keyed.keys.size()), &outer_residuals,
                  &residual_types)) {
    runner.keyed = KeyedPlan{};
    return;
  }
  runner.outer_keys = std::move(outer_keys);
  runner.key_types = std::move(types);
  runner.residual_outer = std::move(outer_residuals);
  runner.residual_types = std::move(residual_types);
  runner.residual_ops = std::move(residual_ops);
}

// GREATEST / LEAST, and SQLite's min / max of several arguments, over the
// arguments' common type.
BoundExprPtr Binder::Extremum(const Expr& e, const std::string& name) {
  std::vector<BoundExprPtr> args;
  std::vector<arrow::TypePtr> types;
  for (const auto& a : e.args) {
    args.push_back(Bind(*a));
    types.push_back(args.back()->type);
  }
  arrow::TypePtr common = CommonType(types);
  if (IsNull(*common)) common = arrow::int64();
  for (auto& a : args)
    a = execution::CastTo(std::move(a), common);
  return FunctionCall(execution::FindScalarFunction(name), std::move(args));
}

BoundExprPtr Binder::OuterAggregate(const Expr& e) {
  if (ReadsLocalColumn(e, scope_)) return nullptr;
  const std::string text = e.ToString();
  for (const OuterContext* ctx = outer_.get(); ctx != nullptr; ctx = ctx->parent.get()) {
    for (const auto& c : *ctx->scope) {
      if (!c.qualified_only || !c.qualifier.empty() || c.name != text) continue;
      if (ctx->row) return execution::Constant((*ctx->row)[static_cast<size_t>(c.index)]);
      ctx->captures->insert(c.index);
      return execution::Constant(Value::Null(c.type));
    }
  }
  return nullptr;
}

bool ReadsLocalColumn(const Expr& call, const Scope& scope) {
  std::vector<const Expr*> columns;
  for (const auto& a : call.args)
    CollectBareColumns(*a, &columns);
  return std::any_of(columns.begin(), columns.end(), [&](const Expr* c) {
    const std::string& name = c->names.back();
    const std::string qualifier = c->names.size() >= 2 ? c->names[c->names.size() - 2] : "";
    return std::any_of(scope.begin(), scope.end(), [&](const ScopeColumn& col) {
      return EqualsIgnoreCase(col.name, name) &&
             (qualifier.empty() ? !col.qualified_only : EqualsIgnoreCase(col.qualifier, qualifier));
    });
  });
}

bool IsOuterAggregate(const Expr& call, const Scope& scope, const OuterPtr& outer) {
  if (ReadsLocalColumn(call, scope)) return false;
  const std::string text = call.ToString();
  for (const OuterContext* ctx = outer.get(); ctx != nullptr; ctx = ctx->parent.get()) {
    for (const auto& c : *ctx->scope) {
      if (c.qualified_only && c.qualifier.empty() && c.name == text) return true;
    }
  }
  return false;
}

Scope Binder::GroupedScope() const {
  // The columns of an aggregate's output a subquery may read: the group
  // keys (and bare columns) that are plain [table.]column names.
  Scope out;
  if (!substitutions_) return out;
  auto identifier = [](const std::string& t) {
    return !t.empty() && (std::isalpha(static_cast<unsigned char>(t[0])) || t[0] == '_') &&
           std::all_of(t.begin(), t.end(), [](char c) {
             return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
           });
  };
  for (const auto& [text, column] : *substitutions_) {
    // Aggregates (and other computed keys) by their text, for a subquery's
    // reference to an aggregate this query computes (OuterAggregate);
    // qualified_only keeps column names from matching them.
    if (text.find('(') != std::string::npos) {
      out.push_back({"", text, column.first, column.second, /*qualified_only=*/true, false});
      continue;
    }
    const size_t dot = text.find('.');
    std::string qualifier = dot == std::string::npos ? "" : text.substr(0, dot);
    std::string name = dot == std::string::npos ? text : text.substr(dot + 1);
    if (!identifier(name) || (!qualifier.empty() && !identifier(qualifier))) continue;
    // One entry per column and name: "b" and "t.b" are the same column.
    auto same = std::find_if(out.begin(), out.end(), [&](const ScopeColumn& c) {
      return c.index == column.first && EqualsIgnoreCase(c.name, name);
    });
    if (same != out.end()) {
      if (same->qualifier.empty()) same->qualifier = qualifier;
      continue;
    }
    out.push_back({qualifier, name, column.first, column.second});
  }
  return out;
}

BoundExprPtr Binder::Subquery(const Expr& e) {
  if (db_ == nullptr) {
    Fail(ErrorKind::kNotImplemented, "subqueries are not supported in this position");
  }
  auto scope = std::make_shared<const Scope>(grouped_ ? GroupedScope() : scope_);
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
  if (!binding->refs->empty() && e.kind != ExprKind::kQuantified) {
    Decorrelate(e, *binding->refs, *runner);
  }
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
      runner->error_on_multiple_rows = CurrentSettings().scalar_subquery_error();
      out->type = typed->schema()->field(0)->type();
      out->subquery_type = out->type;
      return out;
    default: {
      const bool row = IsRow(*e.args[0]);
      if (row && static_cast<int>(e.args[0]->args.size()) != width) {
        Fail(ErrorKind::kBinder, "Subquery returns {} columns - expected {} (the row's width)",
             width, e.args[0]->args.size());
      }
      if (!row && width != 1) {
        Fail(ErrorKind::kBinder, "Subquery returns {} columns - expected 1", width);
      }
      runner->kind = execution::SubqueryKind::kIn;
      if (e.kind == ExprKind::kQuantified) {
        static const std::pair<const char*, ExprOp> kOps[] = {
            {"=", ExprOp::kEqual},        {"<>", ExprOp::kNotEqual},  {"!=", ExprOp::kNotEqual},
            {"<", ExprOp::kLess},         {"<=", ExprOp::kLessEqual}, {">", ExprOp::kGreater},
            {">=", ExprOp::kGreaterEqual}};
        auto op = std::find_if(std::begin(kOps), std::end(kOps),
                               [&](const auto& o) { return e.op == o.first; });
        if (op == std::end(kOps)) {
          Fail(ErrorKind::kBinder, "{} {} (subquery) is not a comparison", e.op,
               e.all ? "ALL" : "ANY");
        }
        runner->kind = execution::SubqueryKind::kQuantified;
        runner->quantified_op = op->second;
        runner->quantified_all = e.all;
      }
      if (row) {
        // (a, b) IN / op ANY (SELECT x, y ...): compared as rows, field by
        // field in each pair's common type.
        runner->row_width = width;
        std::vector<BoundExprPtr> fields;
        std::vector<arrow::FieldPtr> types;
        for (int i = 0; i < width; ++i) {
          BoundExprPtr f = Bind(*e.args[0]->args[static_cast<size_t>(i)]);
          const arrow::TypePtr t = CommonType({f->type, typed->schema()->field(i)->type()});
          types.push_back(
              arrow::field("v" + std::to_string(i + 1), IsNull(*t) ? arrow::int64() : t));
          fields.push_back(execution::CastTo(std::move(f), types.back()->type()));
        }
        const arrow::TypePtr st = arrow::struct_(std::move(types));
        out->type = arrow::boolean();
        out->subquery_type = st;
        out->args.push_back(execution::Call(ExprOp::kFunction, st, std::move(fields)));
        out->args.back()->function = execution::FindScalarFunction("struct_pack");
        return out;
      }
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
        Fail(ErrorKind::kBinder, "Cannot compare values of type {} and {}", test->type->ToString(),
             column->ToString());
      }
      out->type = arrow::boolean();
      out->subquery_type = common;
      // Compared under a collation: the keys of both sides.
      execution::BoundExpr values;
      values.type = column;
      values.collation = FieldCollation(*typed->schema()->field(0));
      const std::string collation = ComparisonCollation(*test, values);
      out->args.push_back(CollationKey(execution::CastTo(std::move(test), common), collation));
      if (!collation.empty())
        runner->value_key = CollationKey(execution::ColumnRef(0, common), collation);
      return out;
    }
  }
}

BoundExprPtr BindSetValue(Binder& binder, const Expr& value, runtime::Database& db,
                          const table::Table& t, size_t column) {
  const arrow::TypePtr& type = t.def().columns[column].type;
  if (IsGenerated(t, column)) {
    Fail(ErrorKind::kBinder, "cannot update generated column \"{}\"", t.def().columns[column].name);
  }
  if (value.kind == ExprKind::kDefault) {
    return execution::Constant(Value::FromArray(*DefaultValues(db, t, column, 1), 0));
  }
  return execution::CastTo(binder.Bind(value), type);
}

}  // namespace llkv::sql::plan
