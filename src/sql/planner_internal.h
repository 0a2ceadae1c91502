// The planner's internals shared by its files (binder.cc, from_planner.cc,
// plan_util.cc, planner.cc): scopes, outer-query contexts for subqueries,
// and helpers over the AST. Not a public interface.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/ascii.h"
#include "execution/aggregate.h"
#include "execution/expression.h"
#include "execution/join.h"
#include "execution/operators.h"
#include "execution/subquery.h"
#include "execution/value.h"
#include "execution/window.h"
#include "runtime/database.h"
#include "sql/access_path.h"
#include "sql/ast.h"
#include "sql/planner.h"

namespace llkv::sql::plan {

using execution::BoundExprPtr;
using execution::ExprOp;
using execution::OperatorPtr;
using execution::Value;

// Names compare ASCII case-insensitively (EqualsIgnoreCase is common's).
inline std::string Lower(std::string_view s) {
  return AsciiLower(s);
}

// One column visible to expressions: its qualifier (table name or alias),
// name, position in the input batch and type.
struct ScopeColumn {
  std::string qualifier;
  std::string name;
  int index;
  arrow::TypePtr type;
  // Matched only by a qualified reference (ON CONFLICT's `excluded.x`, a
  // side's own copy of a USING column).
  bool qualified_only = false;
  // Listed by an unqualified `*` (false for the sides' copies of USING
  // columns, which `*` shows once, merged).
  bool in_star = true;
  std::string collation{};  // text: its collation (sql/collation.h), "" for BINARY
  // A base table's or view's column read under its own name: the schema
  // that a three-part reference (schema.table.column) must name.
  std::string schema{};
};

using Scope = std::vector<ScopeColumn>;

// A reference to scope column `c` (its collation included).
inline BoundExprPtr ScopeRef(const ScopeColumn& c) {
  BoundExprPtr ref = execution::ColumnRef(c.index, c.type);
  ref->collation = c.collation;
  return ref;
}

// A catalog name without its schema ("t" for "s.t", see parser.cc): the
// qualifier a table's columns answer to.
inline std::string ShortName(const std::string& name) {
  return name.substr(name.rfind('.') + 1);
}
// Its schema ("main" for a plain name).
inline std::string SchemaOf(const std::string& name) {
  const size_t dot = name.rfind('.');
  return dot == std::string::npos ? "main" : name.substr(0, dot);
}

// The scope column for output field `f` of a plan (its collation from the
// field's metadata).
ScopeColumn FieldColumn(std::string qualifier, std::string name, int index, const arrow::Field& f);

bool IsNumeric(const arrow::DataType& t);

bool IsText(const arrow::DataType& t);

bool IsNull(const arrow::DataType& t);

// The type numeric values of types a and b are brought to (to compute or
// compare): BIGINT for integers, an exact DECIMAL when either is a DECIMAL
// and neither a float, else DOUBLE.
arrow::TypePtr ArithmeticType(const arrow::DataType& a, const arrow::DataType& b);

// The DECIMAL a numeric type's values fit: itself, DECIMAL(digits, 0) for an
// integer type.
arrow::TypePtr DecimalOf(const arrow::DataType& t);

// a op b (+ - * %) computed exactly in DECIMAL when ArithmeticType says so:
// + and - in the common scale with one more digit, * with the scales added
// (DuckDB's rules; at most 38 digits). Null when the operation is not a
// decimal one (then it computes in ArithmeticType: DOUBLE for /).
// a and b are moved from only when the result is not null.
BoundExprPtr DecimalArithmetic(ExprOp op, BoundExprPtr& a, BoundExprPtr& b);

// Edit distance, for "did you mean" hints.
size_t Distance(const std::string& a, const std::string& b);

// Expressions (by their SQL text) that an aggregate's output provides.
// For each: the input column (first), its type (second) and its collation.
struct Substitution {
  Substitution(std::pair<int, arrow::TypePtr> column, std::string collation_ = "")
      : first(column.first), second(std::move(column.second)), collation(std::move(collation_)) {}
  int first;
  arrow::TypePtr second;
  std::string collation;
};
using Substitutions = std::map<std::string, Substitution>;

bool IsAggregateCall(const Expr& e);
// Aggregate calls inside the subqueries of `e` that belong to the query
// whose FROM makes `scope`: their arguments read only its columns (SQL's
// rule: SELECT (SELECT max(t1.a) FROM t2) FROM t1 is one row, max over t1).
void CollectOuterAggregates(const Expr& e, const Scope& scope, std::vector<const Expr*>* out);
struct OuterContext;
// Whether `call` is an aggregate an enclosing query computes (see
// CollectOuterAggregates): it is exposed to this query by its text.
// (`scope`: the columns of the query where the call appears; a call that
// reads one of them is that query's.)
bool IsOuterAggregate(const Expr& call, const Scope& scope,
                      const std::shared_ptr<const OuterContext>& outer);
// Whether the arguments of `call` read a column of `scope`.
bool ReadsLocalColumn(const Expr& call, const Scope& scope);

// Aggregate calls in `e`, outside subqueries.
void CollectAggregates(const Expr& e, std::vector<const Expr*>* out);

// GROUPING(...) / grouping_id(...) calls in `e`, outside subqueries.
void CollectGroupingCalls(const Expr& e, std::vector<const Expr*>* out);

// Window function calls in `e` (not inside other window calls), outside
// subqueries.
void CollectWindowCalls(const Expr& e, std::vector<const Expr*>* out);

// unnest(...) calls in `e`, outside subqueries.
void CollectUnnestCalls(const Expr& e, std::vector<const Expr*>* out);

class Binder;
// Whether `name` (lower-case) called with `args` arguments is an aggregate.
bool IsAggregateName(const std::string& name, size_t args);
// An ORDER BY term of a window or an aggregate call, bound with `binder`
// (the session's NULL order where the term names none).
execution::SortKey BindSortKey(const OrderItem& o, Binder& binder);

// A Binder Error for a call with name := value arguments, which only the
// functions that name their parameters take (struct_pack, lag, lead):
// silently binding them by position would mix the arguments up.
void RefuseNamedArguments(const Expr& call, const std::string& name);
// An aggregate call bound with `binder` (over the rows it aggregates).
execution::AggregateSpec BindAggregate(const Expr& call, Binder& binder);
// DuckDB's to_aggregate_state(state, 'aggregate', ['argument type', ...]).
BoundExprPtr BindToAggregateState(const Expr& call, Binder& binder);

// A window function call (call.window set) of query `q` bound with
// `binder` (over the rows after grouping).
execution::WindowFunctionSpec BindWindowCall(const Expr& call, const SelectStmt& q, Binder& binder);

// Column references of `e` outside aggregate calls and subqueries.
void CollectBareColumns(const Expr& e, std::vector<const Expr*>* out);

void CollectColumnRefs(const Expr& e, std::vector<const Expr*>* out);
;

// Column references of `e` (including inside subqueries), as written.
void CollectColumnRefs(const Expr& e, std::vector<const Expr*>* out);

void SplitConjuncts(const Expr& e, std::vector<const Expr*>* out);

// For each disjunction among `terms`, appends the conjuncts every one of
// its disjuncts has ((a AND b) OR (a AND c) implies a), so that they can
// filter early or serve as join keys; the disjunction itself stays.
void FactorDisjunctions(std::vector<const Expr*>* terms);

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

// Common table expressions in scope (sql/cte.h).
class CteDefinition;

// The CTEs of one WITH clause (as far as defined) above those of the
// enclosing clauses.
struct CteFrame {
  std::vector<std::shared_ptr<CteDefinition>> defs;
  std::shared_ptr<const CteFrame> parent;
};
using CteFramePtr = std::shared_ptr<const CteFrame>;

// The frame planning on this thread resolves names in (null: no CTEs).
const CteFramePtr& CurrentCtes();

// Makes `frame` the thread's current frame while it lives.
class CteScope {
 public:
  explicit CteScope(CteFramePtr frame);
  ~CteScope();
  CteScope(const CteScope&) = delete;
  CteScope& operator=(const CteScope&) = delete;

 private:
  CteFramePtr before_;
};

// A correlated subquery planned once for all outer rows: the WHERE
// conjuncts `inner = outer` in `skip` are left out and their inner sides,
// `keys`, become extra output columns; the caller matches outer rows to
// subquery rows by those keys (a hash semi-join in place of one run per
// outer row).
struct KeyedPlan {
  std::set<const Expr*> skip;
  std::vector<const Expr*> keys;
  // EXISTS only: correlated comparisons other than the key equalities
  // (`inner <> outer`, ...); their inner sides are output after the keys
  // and the runner compares them per outer row (TPC-H Q21).
  std::vector<const Expr*> residual_inner;
  bool ignore_limit = false;  // a scalar or EXISTS subquery's LIMIT n >= 1
  bool group = false;         // an aggregating subquery: grouped by the keys
};

OperatorPtr PlanSelect(const SelectStmt& q, runtime::Database& db, const OuterPtr& outer,
                       const KeyedPlan* keyed = nullptr);

// Instantiates a subquery for each outer row it depends on.
class SqlSubqueryRunner final : public execution::SubqueryRunner {
 public:
  SqlSubqueryRunner(const SelectStmt* query, runtime::Database* db,
                    std::shared_ptr<const Scope> scope, OuterPtr parent)
      : query_(query),
        db_(db),
        scope_(std::move(scope)),
        parent_(std::move(parent)),
        snapshot_(CurrentSnapshot(*db)),
        ctes_(CurrentCtes()) {}
  OperatorPtr Plan(const std::vector<Value>& outer_row) override {
    SnapshotScope reads(snapshot_);
    CteScope ctes(ctes_);
    auto ctx = std::make_shared<OuterContext>();
    ctx->scope = scope_;
    ctx->row = std::make_shared<const std::vector<Value>>(outer_row);
    ctx->parent = parent_;
    return PlanSelect(*query_, *db_, ctx);
  }

  OperatorPtr PlanEmpty() override {
    if (!keyed.group) return nullptr;
    SnapshotScope reads(snapshot_);
    CteScope ctes(ctes_);
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
    SnapshotScope reads(snapshot_);
    CteScope ctes(ctes_);
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
  table::SnapshotPtr snapshot_;  // the statement's, for plans made while it runs
  CteFramePtr ctes_;             // the CTEs the subquery can read
};

// Evaluates a constant expression (LIMIT, OFFSET, VALUES entries); with
// `db`, it may hold uncorrelated subqueries.
// With `outer`, `e` may also name the outer query's columns (a table
// function's arguments in a LATERAL subquery: range(t.n)).
// Whether `e` is a constant: literals and parameters under operators and
// casts.
bool IsConstant(const Expr& e);

Value EvaluateConstant(const Expr& e, runtime::Database* db = nullptr,
                       const OuterPtr& outer = nullptr);

int64_t CountExpr(const ExprPtr& e, const char* what, runtime::Database* db = nullptr);

// The table functions behind DESCRIBE and SHOW TABLES (describe.cc):
// `function` is __llkv_describe (a table or view name), __llkv_describe_query
// (a query's text) or __llkv_show_tables.
OperatorPtr PlanDescribe(const std::string& function, const std::vector<Value>& args,
                         runtime::Database& db);

// Rows a sort must produce for the query's LIMIT and OFFSET: limit +
// offset, or -1 (all) without a LIMIT or with LIMIT p %.
int64_t TopN(const SelectStmt& q, runtime::Database* db = nullptr);

// `plan` with q's LIMIT and OFFSET applied: LIMIT n, DuckDB's LIMIT p %
// (a percentage of the rows, written "__llkv_percent"(p) by the dialect
// rewriter), or `plan` itself when there is neither.
OperatorPtr ApplyLimit(OperatorPtr plan, const SelectStmt& q, runtime::Database* db);

// Whether ORDER BY term `o` sorts descending: as written, else the
// session's default_order.
bool Descending(const OrderItem& o);

// One ORDER BY term.
struct SortTerm {
  const Expr* expr;
  bool descending;
  NullOrder nulls;
};
// q's ORDER BY terms with ORDER BY ALL expanded into the output positions
// 1..columns, whose literals `storage` keeps.
std::vector<SortTerm> SortTerms(const SelectStmt& q, size_t columns, ExprList* storage);
// Whether `e`, a term of `clause` ("ORDER BY", "DISTINCT ON"), is a literal
// other than an integer (NULL, 'x', true, 1.5), which orders nothing: a
// Binder Error unless SET order_by_non_integer_literal = true, under which
// the caller skips it.
bool IsNonIntegerLiteral(const Expr& e, const char* clause);

std::string ColumnName(const SelectItem& item);

// With `types`, column c is of types[c] and each value converts to it on its
// own (an INSERT's VALUES: 1 into a VARCHAR column is '1', whatever the other
// rows hold); otherwise each column is of the type common to its values.
// With `outer`, the values may read the enclosing queries' columns (a
// correlated or LATERAL VALUES).
OperatorPtr PlanValues(const SelectStmt& q, runtime::Database* db = nullptr,
                       const std::vector<arrow::TypePtr>* types = nullptr,
                       const OuterPtr& outer = nullptr);

// The column names a query level reads, for reading only those columns of
// its tables (projection pushdown): every name referenced anywhere in it,
// subqueries included, and the qualifiers of its `*` items ("" for `*`).
struct ReadSet {
  std::set<std::string> names;  // lower-case
  std::set<std::string> stars;  // lower-case qualifiers
};
ReadSet ColumnsRead(const SelectStmt& q);

struct FromPlan {
  OperatorPtr plan;
  Scope scope;
  std::shared_ptr<table::Table> table;  // set while `plan` is a full scan of a base table
  std::vector<size_t> read;             // the table columns the scan reads
  double rows = 1000;                   // estimated rows, for the join order
};

// Appends `right`'s columns to `left`'s, renumbered after them.
Scope Concat(const Scope& left, const Scope& right);

bool Matches(const ScopeColumn& c, const Expr& ref);

// Whether every column `e` names that belongs to `all` is in `available`
// (names of other scopes, such as a subquery's own tables, are ignored).
bool Covered(const Expr& e, const Scope& available, const Scope& all);

// Whether `e` names any column of `scope`.
bool Touches(const Expr& e, const Scope& scope);

// The conjuncts among `terms` of the form `column op constant` (also
// BETWEEN and IN lists), for choosing an index.
std::vector<ColumnPredicate> ColumnPredicates(const std::vector<const Expr*>& terms,
                                              const Scope& scope, int offset);

// Joins `left` and `right` on `terms` (each over both): equalities between
// a left-only and a right-only expression become hash keys, the rest a
// residual condition.
OperatorPtr JoinOn(FromPlan& left, FromPlan& right, execution::JoinKind kind,
                   const std::vector<const Expr*>& terms, runtime::Database& db,
                   const OuterPtr& outer);

// Plans a comma-separated FROM list: items are joined greedily, each time
// preferring one that a WHERE equality links to those already joined, and
// every WHERE conjunct is applied as soon as its columns are available (as
// hash join keys where it is such an equality). Conjuncts that name no FROM
// column stay in `terms` for the caller.
FromPlan PlanFromList(const std::vector<TableRefPtr>& items, runtime::Database& db,
                      const OuterPtr& outer, std::vector<const Expr*>* terms,
                      const ReadSet* read = nullptr);

}  // namespace llkv::sql::plan
