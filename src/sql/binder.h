// Binder: binds AST expressions to execution::BoundExpr over a scope of
// input columns (with SQLite's and DuckDB's typing rules), including
// subqueries, which it plans through the planner.
#pragma once

#include "sql/planner_internal.h"

namespace llkv::sql::plan {

// While one lives (on this thread), DEFAULT binds to a NULL placeholder:
// for planning an INSERT's VALUES rows, whose DEFAULT cells the INSERT
// then fills. Elsewhere DEFAULT is a Binder Error.
class AllowDefaultValues {
 public:
  AllowDefaultValues();
  ~AllowDefaultValues();
  AllowDefaultValues(const AllowDefaultValues&) = delete;
  AllowDefaultValues& operator=(const AllowDefaultValues&) = delete;

 private:
  bool before_;
};

// A call of the library's function `name` over `args`, cast as its binding
// rule takes them.
BoundExprPtr OperatorCall(const char* name, std::vector<BoundExprPtr> args);

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

  BoundExprPtr Bind(const Expr& e);

  // Brings two operands compared for equality (join keys) to one type, as
  // the keys of the collation they compare under.
  static void UnifyTypes(BoundExprPtr& a, BoundExprPtr& b);
  // The common type of set operation columns, CASE branches, ...
  static arrow::TypePtr CommonTypeOf(const std::vector<arrow::TypePtr>& types) {
    return CommonType(types);
  }

  // Binds a boolean condition (numbers count as true when non-zero).
  BoundExprPtr Condition(const Expr& e) { return ToBool(Bind(e)); }

 private:
  static Value Literal(const Expr& e);

  BoundExprPtr Column(const Expr& e);
  // The expression of output alias `name` bound here; null when there is no
  // such alias or it is being expanded already.
  BoundExprPtr Alias(const std::string& name);

  static BoundExprPtr Numeric(BoundExprPtr e, const arrow::TypePtr& to, const std::string& op);

  BoundExprPtr Unary(const Expr& e);

  static BoundExprPtr ToBool(BoundExprPtr e);

  // Brings two comparison operands to one type.
  static void Unify(BoundExprPtr& a, BoundExprPtr& b);

  BoundExprPtr BinaryOp(const Expr& e);

  // `a op b` for op +, - or * when a date, timestamp or interval is among
  // the operands (null otherwise): date ± integer days, date - date (days),
  // date or timestamp ± interval (a timestamp), timestamp - timestamp (an
  // interval), interval ± interval, interval * number. Other mixes are a
  // Binder Error.
  static BoundExprPtr TemporalArithmetic(const std::string& op, BoundExprPtr& a, BoundExprPtr& b);

  static  // `e` as utf8 (other types cast; a BLOB is refused).
      BoundExprPtr
      AsText(BoundExprPtr e);
  BoundExprPtr NotOf(BoundExprPtr e);

  // Whether `e` is a constant of a kind no value of type `other` can equal:
  // text that is not a number against numbers, a blob against anything
  // else. SQLite orders such values by kind: numbers < text < blobs.
  static bool Incomparable(const execution::BoundExpr& e, const arrow::DataType& other);

  // `op` between an incomparable constant (`greater` says on which side)
  // and `other`: decided by kind order, NULL when `other` is NULL.
  static BoundExprPtr KindOrder(ExprOp op, bool left_greater, BoundExprPtr other);

  static BoundExprPtr Compare(ExprOp op, BoundExprPtr a, BoundExprPtr b);

  // The type values of `types` are brought to for CASE and COALESCE.
  static arrow::TypePtr CommonType(const std::vector<arrow::TypePtr>& types);

  // A CASE (args: when/then pairs and the else) or COALESCE whose value
  // arguments are cast to their common type.
  static BoundExprPtr Unified(ExprOp op, std::vector<BoundExprPtr> args, bool has_else);

  BoundExprPtr Case(const Expr& e);
  BoundExprPtr DistinctFrom(const Expr& e);

  BoundExprPtr Function(const Expr& e);
  // date_part(part, arg) for a constant part (`name`: the function called).
  static BoundExprPtr DatePartOf(const std::string& part, BoundExprPtr arg,
                                 const std::string& name);

  // Whether `e` is a row constructor, ROW(a, b) or (a, b).
  static bool IsRow(const Expr& e);
  // a op b for two rows of one width, as SQL compares rows: = when every
  // pair is, <> when one pair is; <, <=, >, >= decided by the first pair
  // that differs (NULL when a NULL comes before it).
  BoundExprPtr RowCompare(ExprOp op, const Expr& a, const Expr& b);

  // nested_binder.cc: list constructors and concatenation, struct_pack,
  // struct_extract (null for any other function name).
  BoundExprPtr NestedFunction(const Expr& e, const std::string& name);
  // list || list: both cast to their common list type.
  static BoundExprPtr ListConcat(BoundExprPtr a, BoundExprPtr b);
  // Field `field` of struct `s` (a Binder Error if it has none).
  static BoundExprPtr StructField(BoundExprPtr s, const std::string& field);
  // column.field[.field...] for a STRUCT column; null when no prefix of
  // the names is a struct column.
  BoundExprPtr StructPath(const Expr& e);

  // Makes a correlated subquery run once for all outer rows when every
  // outer reference is one side of a WHERE conjunct `inner = outer` and the
  // subquery neither aggregates nor limits its rows in a way a per-key
  // match would change: the runner then matches outer rows to the
  // subquery's rows by those keys.
  void Decorrelate(const Expr& e, const std::vector<const Expr*>& refs, SqlSubqueryRunner& runner);

  BoundExprPtr Subquery(const Expr& e);
  // For a grouped binder: its substitutions that name columns, as the
  // scope a correlated subquery reads (GROUP BY keys).
  Scope GroupedScope() const;
  // An aggregate call an enclosing grouped query computes, bound as its
  // value for the outer row; null when no enclosing query has it.
  BoundExprPtr OuterAggregate(const Expr& e);
  BoundExprPtr Extremum(const Expr& e, const std::string& name);

  const Scope& scope_;
  const Substitutions* substitutions_;
  bool grouped_;
  const std::vector<std::pair<std::string, const Expr*>>* aliases_ = nullptr;
  std::vector<std::string> expanding_;  // aliases being expanded, innermost last
  runtime::Database* db_;
  OuterPtr outer_;
};

// The value `SET column = value` assigns in table `t`: `value` bound by
// `binder` and cast to the column's type, or for DEFAULT the column's
// default (evaluated once for the statement).
BoundExprPtr BindSetValue(Binder& binder, const Expr& value, runtime::Database& db,
                          const table::Table& t, size_t column);

}  // namespace llkv::sql::plan
