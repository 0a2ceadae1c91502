// FROM clauses: tables, views, derived tables and joins, with access paths
// and the join order.
#include "sql/planner_internal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "execution/aggregate.h"
#include "execution/asof_join.h"
#include "execution/join.h"
#include "execution/scalar_function.h"
#include "execution/set_operation.h"
#include "execution/table_function.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"
#include "sql/binder.h"
#include "sql/collation.h"
#include "sql/cte.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/settings.h"
#include "sql/table_rules.h"

#include "execution/lateral_join.h"

namespace llkv::sql::plan {

namespace {

// A FROM item's column aliases may not outnumber its columns (PostgreSQL,
// DuckDB): t(a, b, c) over two columns is an error, not a silent drop.
void CheckColumnAliases(const TableRef& ref, size_t columns, const std::string& name) {
  if (ref.column_aliases.size() > columns) {
    Fail(ErrorKind::kBinder, "table \"{}\" has {} columns available but {} columns specified",
         ref.alias.empty() ? name : ref.alias, columns, ref.column_aliases.size());
  }
}

// *all AND c (c alone when *all is null).
void AddConjunct(BoundExprPtr* all, BoundExprPtr c) {
  if (!*all) {
    *all = std::move(c);
    return;
  }
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(*all));
  args.push_back(std::move(c));
  *all = execution::Call(ExprOp::kAnd, arrow::boolean(), std::move(args));
}

}  // namespace

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
    const bool null_safe = term->kind == ExprKind::kIsDistinctFrom && term->negated;
    if ((term->kind == ExprKind::kBinaryOp && (term->op == "=" || term->op == "==")) || null_safe) {
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
        spec.null_safe.resize(spec.keys.size(), false);
        spec.null_safe.back() = null_safe;
        continue;
      }
    }
    AddConjunct(&residual, on_both.Condition(*term));
  }
  spec.residual = std::move(residual);
  return execution::MakeJoin(std::move(left.plan), std::move(right.plan), std::move(spec));
}

namespace {

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
  CteScope no_ctes(nullptr);  // a view never sees its reader's CTEs
  out.plan = PlanSelect(*create.query, db, nullptr);
  const auto& fields = out.plan->schema()->fields();
  const std::string qualifier = ref.alias.empty() ? ShortName(view.name) : ref.alias;
  CheckColumnAliases(ref, fields.size(), view.name);
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string name = fields[i]->name();
    if (i < create.column_names.size()) name = create.column_names[i];
    if (i < ref.column_aliases.size()) name = ref.column_aliases[i];
    out.scope.push_back(FieldColumn(qualifier, name, static_cast<int>(i), *fields[i]));
    if (ref.alias.empty()) out.scope.back().schema = SchemaOf(view.name);
  }
  return out;
}

// The one visible column named `name` of a join side, or an error.
const ScopeColumn& UsingColumn(const Scope& scope, const std::string& name, const char* side) {
  const ScopeColumn* found = nullptr;
  for (const auto& c : scope) {
    if (!EqualsIgnoreCase(c.name, name) || c.qualified_only) continue;
    if (found)
      Fail(ErrorKind::kBinder, "Ambiguous column \"{}\" in the {} side of USING", name, side);
    found = &c;
  }
  if (!found) {
    Fail(ErrorKind::kBinder, "Column \"{}\" does not exist on the {} side of the join", name, side);
  }
  return *found;
}

// JOIN ... USING (columns) and NATURAL JOIN (the columns both sides have):
// equality on those columns; each appears once, first (the left side's
// value, the right's for RIGHT JOIN, the first non-NULL for FULL), and the
// sides' own copies stay reachable qualified (t.a) but not by `*`.
FromPlan JoinUsing(const TableRef& ref, FromPlan& left, FromPlan& right) {
  std::vector<std::string> names = ref.using_columns;
  if (ref.natural) {
    for (const auto& l : left.scope) {
      if (l.qualified_only || !l.in_star) continue;
      for (const auto& r : right.scope) {
        if (r.qualified_only || !r.in_star || !EqualsIgnoreCase(l.name, r.name)) continue;
        if (std::none_of(names.begin(), names.end(),
                         [&](const std::string& n) { return EqualsIgnoreCase(n, l.name); })) {
          names.push_back(l.name);
        }
      }
    }
  }
  execution::JoinSpec spec;
  spec.kind = ref.join_type == JoinType::kLeft    ? execution::JoinKind::kLeft
              : ref.join_type == JoinType::kRight ? execution::JoinKind::kRight
              : ref.join_type == JoinType::kFull  ? execution::JoinKind::kFull
                                                  : execution::JoinKind::kInner;
  const int width = static_cast<int>(left.scope.size());
  std::vector<std::pair<int, int>> pairs;  // (left index, right index in the joined row)
  for (const auto& name : names) {
    const ScopeColumn& l = UsingColumn(left.scope, name, "left");
    const ScopeColumn& r = UsingColumn(right.scope, name, "right");
    BoundExprPtr lk = execution::ColumnRef(l.index, l.type);
    BoundExprPtr rk = execution::ColumnRef(r.index, r.type);
    lk->collation = l.collation;
    rk->collation = r.collation;
    Binder::UnifyTypes(lk, rk);
    spec.keys.emplace_back(std::move(lk), std::move(rk));
    pairs.emplace_back(l.index, width + r.index);
  }
  Scope joined = Concat(left.scope, right.scope);
  OperatorPtr plan =
      execution::MakeJoin(std::move(left.plan), std::move(right.plan), std::move(spec));
  // The merged columns, then every column of both sides.
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> out_names;
  FromPlan out;
  for (size_t k = 0; k < names.size(); ++k) {
    const ScopeColumn& l = joined[static_cast<size_t>(pairs[k].first)];
    const ScopeColumn& r = joined[static_cast<size_t>(pairs[k].second)];
    const arrow::TypePtr type = Binder::CommonTypeOf({l.type, r.type});
    BoundExprPtr lv = execution::CastTo(execution::ColumnRef(l.index, l.type), type);
    BoundExprPtr rv = execution::CastTo(execution::ColumnRef(r.index, r.type), type);
    BoundExprPtr merged;
    if (ref.join_type == JoinType::kRight) {
      merged = std::move(rv);
    } else if (ref.join_type == JoinType::kFull) {
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(lv));
      args.push_back(std::move(rv));
      merged = execution::Call(ExprOp::kCoalesce, type, std::move(args));
    } else {
      merged = std::move(lv);
    }
    merged->collation = l.collation.empty() ? r.collation : l.collation;
    out.scope.push_back(
        {ref.alias, l.name, static_cast<int>(k), type, false, true, merged->collation});
    exprs.push_back(std::move(merged));
    out_names.push_back(l.name);
  }
  for (const auto& c : joined) {
    ScopeColumn copy = c;
    const bool used = std::any_of(pairs.begin(), pairs.end(), [&](const auto& p) {
      return p.first == c.index || p.second == c.index;
    });
    exprs.push_back(ScopeRef(c));
    out_names.push_back(c.name);
    copy.index = static_cast<int>(out.scope.size());
    if (used) {
      copy.qualified_only = true;
      copy.in_star = false;
    }
    if (!ref.alias.empty()) copy.qualifier = ref.alias;
    out.scope.push_back(std::move(copy));
  }
  out.plan = execution::MakeProject(std::move(plan), std::move(exprs), std::move(out_names));
  return out;
}

// `scan` (of p.read) shaped as the whole table, unread columns NULL.
OperatorPtr Shaped(const FromPlan& p, OperatorPtr scan) {
  const auto& columns = p.table->def().columns;
  if (p.read.size() == columns.size()) return scan;
  std::vector<arrow::FieldPtr> fields;
  std::vector<int> source(columns.size(), -1);
  for (size_t k = 0; k < p.read.size(); ++k)
    source[p.read[k]] = static_cast<int>(k);
  for (const auto& c : columns)
    fields.push_back(arrow::field(c.name, c.type, c.nullable));
  return execution::MakeWiden(std::move(scan), std::make_shared<arrow::Schema>(std::move(fields)),
                              std::move(source));
}

// range(start, stop, step) over timestamps: start, start + step, ... up to
// stop (excluded, or included for generate_series). A NULL argument gives
// no rows.
OperatorPtr TimestampSeries(const std::string& name, const Value (&v)[3], bool inclusive) {
  // The series is in microseconds (a start in another unit is converted).
  const arrow::TypePtr type = arrow::timestamp(
      v[0].type()->id() == arrow::TypeId::kTimestamp ? v[0].type()->timezone() : "");
  auto schema = std::make_shared<arrow::Schema>(
      std::vector<arrow::FieldPtr>{arrow::field(name, type, false)});
  std::vector<arrow::RecordBatchPtr> batches;
  if (v[0].is_null() || v[1].is_null() || v[2].is_null()) {
    return execution::MakeValues(schema, std::move(batches));
  }
  auto micros = [&](const Value& x, const char* what) -> int64_t {
    if (x.type()->id() == arrow::TypeId::kTimestamp) {
      const auto micros = execution::Cast(*x.ToArray(1), arrow::timestamp(x.type()->timezone()));
      return Value::FromArray(*micros, 0).int64();
    }
    if (x.type()->id() == arrow::TypeId::kDate32) return x.int64() * 86400 * 1000000;
    Fail(ErrorKind::kBinder, "{}(): the {} must be a TIMESTAMP, not {}", name, what,
         x.type()->ToString());
  };
  const int64_t start = micros(v[0], "start"), stop = micros(v[1], "stop");
  if (v[2].type()->id() != arrow::TypeId::kIntervalMonthDayNano) {
    Fail(ErrorKind::kBinder, "{}(): the step of a timestamp series must be an INTERVAL", name);
  }
  const arrow::MonthDayNano step = v[2].interval();
  const __int128 length =
      (__int128{step.months} * 30 + step.days) * 86400000000 + step.nanoseconds / 1000;
  if (length == 0) Fail(ErrorKind::kBinder, "{}(): the step cannot be 0", name);
  arrow::Int64Builder values(arrow::int64());
  int64_t rows = 0;
  auto flush = [&] {
    if (rows == 0) return;
    auto data = std::make_shared<arrow::ArrayData>(*values.Finish());
    data->type = type;
    batches.push_back(std::make_shared<arrow::RecordBatch>(
        schema, rows, std::vector<arrow::ArrayDataPtr>{std::move(data)}));
    rows = 0;
  };
  int64_t total = 0;
  for (int64_t t = start;
       length > 0 ? (inclusive ? t <= stop : t < stop) : (inclusive ? t >= stop : t > stop);
       t = execution::AddInterval(t, step, 1)) {
    if (++total > (int64_t{1} << 28)) {
      Fail(ErrorKind::kOutOfRange, "{}(): more than 2^28 values", name);
    }
    values.Append(t);
    if (++rows == 2048) flush();
  }
  flush();
  return execution::MakeValues(schema, std::move(batches));
}

// A table function in FROM: range(stop | start, stop [, step]) and
// generate_series(...), which includes `stop`. Arguments are constants;
// a NULL one gives no rows.
OperatorPtr PlanTableFunction(const TableRef& ref, runtime::Database& db, const OuterPtr& outer) {
  const std::string name = Lower(ref.name.back());
  if (name == "__llkv_describe" || name == "__llkv_describe_query" ||
      name == "__llkv_show_tables") {
    std::vector<Value> args;
    for (const auto& a : ref.function_args)
      args.push_back(EvaluateConstant(*a, &db, outer));
    return PlanDescribe(name, args, db);
  }
  if (name == "unnest") {
    // unnest(list): one row per element, in a column named unnest.
    if (ref.function_args.size() != 1) Fail(ErrorKind::kBinder, "unnest() takes 1 argument");
    const Value v = EvaluateConstant(*ref.function_args[0], &db, outer);
    if (v.type()->id() != arrow::TypeId::kList && !IsNull(*v.type())) {
      Fail(ErrorKind::kBinder, "unnest() needs a LIST, not {}", v.type()->ToString());
    }
    const arrow::TypePtr element = IsNull(*v.type()) ? arrow::null() : v.type()->value_type();
    auto schema = std::make_shared<arrow::Schema>(
        std::vector<arrow::FieldPtr>{arrow::field("unnest", element)});
    std::vector<arrow::RecordBatchPtr> batches;
    if (!v.is_null() && !v.elements().empty()) {
      batches.push_back(std::make_shared<arrow::RecordBatch>(
          schema, static_cast<int64_t>(v.elements().size()),
          std::vector<arrow::ArrayDataPtr>{execution::ValuesToArray(element, v.elements())}));
    }
    return execution::MakeValues(std::move(schema), std::move(batches));
  }
  const bool inclusive = name == "generate_series";
  if (name != "range" && !inclusive) {
    Fail(ErrorKind::kCatalog, "Table Function with name {} does not exist!", ref.name.back());
  }
  const size_t n = ref.function_args.size();
  if (n < 1 || n > 3) {
    Fail(ErrorKind::kBinder, "{}() takes 1 to 3 arguments (start, stop, step), not {}", name, n);
  }
  if (n == 3) {
    // Timestamps (or dates) stepped by an interval.
    Value v[3];
    for (size_t i = 0; i < 3; ++i)
      v[i] = EvaluateConstant(*ref.function_args[i], &db, outer);
    const auto temporal = [](const Value& x) {
      return x.type()->id() == arrow::TypeId::kTimestamp ||
             x.type()->id() == arrow::TypeId::kDate32;
    };
    if (temporal(v[0]) || temporal(v[1]) ||
        v[2].type()->id() == arrow::TypeId::kIntervalMonthDayNano) {
      return TimestampSeries(name, v, inclusive);
    }
  }
  int64_t args[3] = {0, 0, 1};  // start, stop, step
  bool empty = false;
  for (size_t i = 0; i < n; ++i) {
    const Value v = EvaluateConstant(*ref.function_args[i], &db, outer);
    if (v.is_null()) {
      empty = true;
      continue;
    }
    if (!v.type()->is_integer()) {
      Fail(ErrorKind::kBinder, "{}() takes integer arguments, not {}", name, v.ToString());
    }
    args[n == 1 ? 1 : i] = v.int64();
  }
  if (empty) return execution::MakeIntegerSeries(name, 0, 0, 1, /*inclusive=*/false);
  if (args[2] == 0) Fail(ErrorKind::kBinder, "{}() cannot have a step of 0", name);
  return execution::MakeIntegerSeries(name, args[0], args[1], args[2], inclusive);
}

// An ASOF join: equality conditions become its keys, the one inequality
// between the sides its nearest-value match (USING (k..., t): equal keys,
// then left t >= right t).
FromPlan PlanAsOf(const TableRef& ref, FromPlan left, FromPlan right, runtime::Database& db,
                  const OuterPtr& outer) {
  execution::AsOfSpec spec;
  switch (ref.join_type) {
    case JoinType::kInner:
      spec.kind = execution::JoinKind::kInner;
      break;
    case JoinType::kLeft:
      spec.kind = execution::JoinKind::kLeft;
      break;
    case JoinType::kRight:
      spec.kind = execution::JoinKind::kRight;
      break;
    case JoinType::kFull:
      spec.kind = execution::JoinKind::kFull;
      break;
    default:
      Fail(ErrorKind::kBinder, "this kind of ASOF join is not supported");
  }
  const Scope both = Concat(left.scope, right.scope);
  Binder on_left(left.scope, nullptr, false, &db, outer);
  Binder on_right(right.scope, nullptr, false, &db, outer);
  auto add = [&](BoundExprPtr l, BoundExprPtr r, ExprOp op, bool null_safe = false) {
    Binder::UnifyTypes(l, r);
    if (op == ExprOp::kEqual) {
      spec.keys.emplace_back(std::move(l), std::move(r));
      spec.null_safe.push_back(null_safe);
      return;
    }
    if (spec.left_value) {
      Fail(ErrorKind::kBinder, "ASOF JOIN takes exactly one inequality condition");
    }
    spec.left_value = std::move(l);
    spec.right_value = std::move(r);
    spec.op = op;
  };
  if (!ref.using_columns.empty()) {
    for (size_t i = 0; i < ref.using_columns.size(); ++i) {
      const std::string& name = ref.using_columns[i];
      const ScopeColumn& l = UsingColumn(left.scope, name, "left");
      const ScopeColumn& r = UsingColumn(right.scope, name, "right");
      add(execution::ColumnRef(l.index, l.type), execution::ColumnRef(r.index, r.type),
          i + 1 == ref.using_columns.size() ? ExprOp::kGreaterEqual : ExprOp::kEqual);
    }
  } else {
    std::vector<const Expr*> terms;
    if (ref.on) SplitConjuncts(*ref.on, &terms);
    std::vector<const Expr*> right_terms;
    static const std::pair<const char*, ExprOp> kOps[] = {
        {"=", ExprOp::kEqual},   {"==", ExprOp::kEqual},     {">=", ExprOp::kGreaterEqual},
        {">", ExprOp::kGreater}, {"<=", ExprOp::kLessEqual}, {"<", ExprOp::kLess}};
    auto flip = [](ExprOp op) {
      return op == ExprOp::kGreaterEqual ? ExprOp::kLessEqual
             : op == ExprOp::kLessEqual  ? ExprOp::kGreaterEqual
             : op == ExprOp::kGreater    ? ExprOp::kLess
             : op == ExprOp::kLess       ? ExprOp::kGreater
                                         : op;
    };
    for (const Expr* t : terms) {
      ExprOp op = ExprOp::kConstant;
      if (t->kind == ExprKind::kBinaryOp) {
        for (const auto& [sym, o] : kOps)
          if (t->op == sym) op = o;
      }
      const bool null_safe = t->kind == ExprKind::kIsDistinctFrom && t->negated;
      if (null_safe) op = ExprOp::kEqual;
      const Expr* a = op == ExprOp::kConstant ? nullptr : t->args[0].get();
      const Expr* b = op == ExprOp::kConstant ? nullptr : t->args[1].get();
      if (a && Covered(*a, right.scope, both) && Covered(*b, left.scope, both) &&
          Touches(*a, right.scope) && Touches(*b, left.scope)) {
        std::swap(a, b);
        op = flip(op);
      }
      if (a && Covered(*a, left.scope, both) && Covered(*b, right.scope, both) &&
          Touches(*a, left.scope) && Touches(*b, right.scope)) {
        add(on_left.Bind(*a), on_right.Bind(*b), op, null_safe);
        continue;
      }
      // A condition on one side only: on the right, it narrows the rows
      // to match (as does a constant); on the left, a row failing it has
      // no match.
      if (Covered(*t, right.scope, both) && !Touches(*t, left.scope)) {
        right_terms.push_back(t);
      } else if (Covered(*t, left.scope, both)) {
        AddConjunct(&spec.left_filter, on_left.Condition(*t));
      } else {
        Fail(ErrorKind::kBinder,
             "ASOF JOIN conditions must compare the left side with the right one by =, >=, >, "
             "<= or <, or test one side: {}",
             t->ToString());
      }
    }
    for (const Expr* t : right_terms)
      right.plan = execution::MakeFilter(std::move(right.plan), on_right.Condition(*t));
  }
  if (!spec.left_value) {
    Fail(ErrorKind::kBinder, "ASOF JOIN needs an inequality condition (>=, >, <= or <)");
  }
  FromPlan out;
  out.scope = both;
  out.rows = left.rows;
  out.plan = execution::MakeAsOfJoin(std::move(left.plan), std::move(right.plan), std::move(spec));
  if (!ref.alias.empty()) {
    for (auto& c : out.scope)
      c.qualifier = ref.alias;
  }
  return out;
}

bool IsLateral(const TableRef& ref) {
  return ref.kind == TableRefKind::kSubquery && ref.lateral;
}

FromPlan PlanLateral(FromPlan left, const TableRef& ref, execution::JoinKind kind,
                     const std::vector<const Expr*>& on_terms, runtime::Database& db,
                     const OuterPtr& outer) {
  // Planned once without values for its types and the left columns it
  // reads (as Binder::Subquery plans a correlated subquery).
  auto scope = std::make_shared<const Scope>(left.scope);
  auto binding = std::make_shared<OuterContext>();
  binding->scope = scope;
  binding->captures = std::make_shared<std::set<int>>();
  binding->refs = std::make_shared<std::vector<const Expr*>>();
  binding->parent = outer;
  OperatorPtr typed = PlanSelect(*ref.subquery, db, binding);
  auto runner = std::make_shared<SqlSubqueryRunner>(ref.subquery.get(), &db, scope, outer);
  runner->correlated_columns.assign(binding->captures->begin(), binding->captures->end());
  FromPlan right;
  const auto& fields = typed->schema()->fields();
  CheckColumnAliases(ref, fields.size(), "subquery");
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string name =
        i < ref.column_aliases.size() ? ref.column_aliases[i] : fields[i]->name();
    right.scope.push_back(FieldColumn(ref.alias, name, static_cast<int>(i), *fields[i]));
  }
  FromPlan out;
  out.scope = Concat(left.scope, right.scope);
  out.rows = left.rows;
  Binder on_both(out.scope, nullptr, false, &db, outer);
  BoundExprPtr condition;
  for (const Expr* t : on_terms)
    AddConjunct(&condition, on_both.Condition(*t));
  out.plan = execution::MakeLateralJoin(std::move(left.plan), std::move(runner), typed->schema(),
                                        kind, std::move(condition));
  return out;
}

FromPlan PlanFromItem(const TableRef& ref, runtime::Database& db, const OuterPtr& outer,
                      const ReadSet* read) {
  FromPlan out;
  switch (ref.kind) {
    case TableRefKind::kBaseTable: {
      const bool recurring = ref.name.size() == 2 && EqualsIgnoreCase(ref.name[0], "recurring");
      if (ref.name.size() == 1 || recurring) {
        if (auto cte = FindCte(ref.name.back())) {
          CteScan scan = ScanCte(cte, recurring);
          out.plan = std::move(scan.plan);
          const std::string qualifier = ref.alias.empty() ? ref.name.back() : ref.alias;
          const auto& fields = out.plan->schema()->fields();
          CheckColumnAliases(ref, fields.size(), ref.name.back());
          for (size_t i = 0; i < fields.size(); ++i) {
            const std::string& name =
                i < ref.column_aliases.size() ? ref.column_aliases[i] : scan.names[i];
            out.scope.push_back(FieldColumn(qualifier, name, static_cast<int>(i), *fields[i]));
          }
          return out;
        }
      }
      auto t = db.FindTable(ref.name.back());
      if (!t) {
        if (auto view = db.FindView(ref.name.back())) return PlanView(*view, ref, db);
        Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", ref.name.back());
      }
      const std::string qualifier = ref.alias.empty() ? ShortName(t->def().name) : ref.alias;
      const bool all =
          read == nullptr || read->stars.contains("") || read->stars.contains(Lower(qualifier));
      CheckColumnAliases(ref, t->def().columns.size(), t->def().name);
      for (size_t i = 0; i < t->def().columns.size(); ++i) {
        const std::string name =
            i < ref.column_aliases.size() ? ref.column_aliases[i] : t->def().columns[i].name;
        out.scope.push_back({qualifier, name, static_cast<int>(i), t->def().columns[i].type, false,
                             true, ColumnCollation(*t, i),
                             ref.alias.empty() ? SchemaOf(t->def().name) : ""});
        if (all || read->names.contains(Lower(name))) out.read.push_back(i);
      }
      out.rows = static_cast<double>(t->row_count());
      // The rowid pseudo-column (the row's id: 0, 1, ... in insertion
      // order), after the table's columns and not listed by `*`, when the
      // query names it and the table has no column of that name.
      const bool rowid =
          read != nullptr && read->names.contains("rowid") &&
          std::none_of(t->def().columns.begin(), t->def().columns.end(),
                       [](const auto& c) { return EqualsIgnoreCase(c.name, "rowid"); });
      if (!rowid) {
        // (A plan with `table` may later be replaced by an index or
        // filtered scan; the rowid projection below is not.)
        out.table = t;
        out.plan = Shaped(out, execution::MakeTableScan(t, out.read, CurrentSnapshot(db)));
        return out;
      }
      OperatorPtr scan = execution::MakeTableScan(t, out.read, CurrentSnapshot(db), true);
      std::vector<BoundExprPtr> exprs;
      std::vector<std::string> names;
      const auto& columns = t->def().columns;
      for (size_t i = 0, k = 0; i < columns.size(); ++i) {
        const bool is_read = k < out.read.size() && out.read[k] == i;
        exprs.push_back(is_read ? execution::ColumnRef(static_cast<int>(1 + k++), columns[i].type)
                                : execution::Constant(Value::Null(columns[i].type)));
        names.push_back(columns[i].name);
      }
      exprs.push_back(execution::CastTo(execution::ColumnRef(0, arrow::uint64()), arrow::int64()));
      names.push_back("rowid");
      ScopeColumn id{qualifier, "rowid", static_cast<int>(columns.size()), arrow::int64()};
      id.in_star = false;
      out.scope.push_back(std::move(id));
      out.plan = execution::MakeProject(std::move(scan), std::move(exprs), std::move(names));
      return out;
    }
    case TableRefKind::kSubquery: {
      // (A LATERAL subquery planned here has no FROM item before it: it
      // reads only the enclosing query's columns, as any subquery may.)
      out.plan = PlanSelect(*ref.subquery, db, outer);
      const auto& fields = out.plan->schema()->fields();
      CheckColumnAliases(ref, fields.size(), "subquery");
      for (size_t i = 0; i < fields.size(); ++i) {
        const std::string name =
            i < ref.column_aliases.size() ? ref.column_aliases[i] : fields[i]->name();
        out.scope.push_back(FieldColumn(ref.alias, name, static_cast<int>(i), *fields[i]));
      }
      return out;
    }
    case TableRefKind::kFunction: {
      out.plan = PlanTableFunction(ref, db, outer);
      const auto& fields = out.plan->schema()->fields();
      const std::string qualifier = ref.alias.empty() ? ref.name.back() : ref.alias;
      CheckColumnAliases(ref, fields.size(), ref.name.back());
      for (size_t i = 0; i < fields.size(); ++i) {
        const std::string name =
            i < ref.column_aliases.size() ? ref.column_aliases[i] : fields[i]->name();
        out.scope.push_back(FieldColumn(qualifier, name, static_cast<int>(i), *fields[i]));
      }
      return out;
    }
    case TableRefKind::kJoin: {
      FromPlan left = PlanFromItem(*ref.left, db, outer, read);
      if (IsLateral(*ref.right)) {
        if (ref.natural || !ref.using_columns.empty()) {
          Fail(ErrorKind::kNotImplemented, "a LATERAL subquery joined with USING or NATURAL");
        }
        std::vector<const Expr*> terms;
        if (ref.on) SplitConjuncts(*ref.on, &terms);
        const auto kind = ref.join_type == JoinType::kLeft ? execution::JoinKind::kLeft
                          : ref.join_type == JoinType::kInner || ref.join_type == JoinType::kCross
                              ? execution::JoinKind::kInner
                              : execution::JoinKind::kFull;
        if (kind == execution::JoinKind::kFull) {
          Fail(ErrorKind::kBinder,
               "a LATERAL subquery can only be joined with INNER, CROSS or LEFT JOIN: the join "
               "cannot keep rows of its right side that no left row produced");
        }
        out = PlanLateral(std::move(left), *ref.right, kind, terms, db, outer);
        if (!ref.alias.empty()) {
          for (auto& c : out.scope)
            c.qualifier = ref.alias;
        }
        return out;
      }
      FromPlan right = PlanFromItem(*ref.right, db, outer, read);
      if (ref.asof) return PlanAsOf(ref, std::move(left), std::move(right), db, outer);
      if (ref.natural || !ref.using_columns.empty()) return JoinUsing(ref, left, right);
      std::vector<const Expr*> terms;
      if (ref.on) SplitConjuncts(*ref.on, &terms);
      execution::JoinKind kind = execution::JoinKind::kInner;
      if (ref.join_type == JoinType::kLeft) kind = execution::JoinKind::kLeft;
      if (ref.join_type == JoinType::kRight) kind = execution::JoinKind::kRight;
      if (ref.join_type == JoinType::kFull) kind = execution::JoinKind::kFull;
      if (ref.join_type == JoinType::kSemi) kind = execution::JoinKind::kSemi;
      if (ref.join_type == JoinType::kAnti) kind = execution::JoinKind::kAnti;
      // SEMI and ANTI joins keep only the left side's columns.
      const bool left_only =
          kind == execution::JoinKind::kSemi || kind == execution::JoinKind::kAnti;
      Scope scope = left_only ? left.scope : Concat(left.scope, right.scope);
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

// The table column `e` names: scope entries of a base table are its
// columns in order, starting at output position `offset`.
std::optional<size_t> TableColumn(const Expr& e, const Scope& scope, int offset) {
  if (e.kind != ExprKind::kColumnRef) return std::nullopt;
  std::optional<size_t> found;
  for (const auto& c : scope) {
    if (!Matches(c, e)) continue;
    if (found) return std::nullopt;  // ambiguous: the binder reports it
    // Indexes and the store's scan filters compare bytes: a collated
    // column's comparisons are left to the filter.
    if (!c.collation.empty() || (IsText(*c.type) && !CurrentSettings().default_collation().empty()))
      return std::nullopt;
    found = static_cast<size_t>(c.index - offset);
  }
  return found;
}

}  // namespace

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

namespace {

// A conjunct of an inner join's ON clause, and the FROM items (a range of
// the flattened list) the join covers.
struct OnTerm {
  const Expr* term;
  size_t first, end;
};

// Inner and cross joins without USING, NATURAL or an alias are flattened:
// their inputs become FROM items and their ON conjuncts WHERE terms, so the
// whole list is ordered and filtered as one (a WHERE condition on one table
// then filters it before the joins, as it does in a comma list).
void FlattenInnerJoins(const TableRef& ref, std::vector<const TableRef*>* items,
                       std::vector<OnTerm>* on_terms) {
  const bool inner = ref.join_type == JoinType::kInner || ref.join_type == JoinType::kCross;
  if (ref.kind != TableRefKind::kJoin || !inner || ref.natural || !ref.using_columns.empty() ||
      !ref.alias.empty() || ref.lateral || ref.asof) {
    items->push_back(&ref);
    return;
  }
  const size_t first = items->size();
  FlattenInnerJoins(*ref.left, items, on_terms);
  FlattenInnerJoins(*ref.right, items, on_terms);
  if (!ref.on) return;
  std::vector<const Expr*> conjuncts;
  SplitConjuncts(*ref.on, &conjuncts);
  for (const Expr* t : conjuncts)
    on_terms->push_back({t, first, items->size()});
}

// Whether every column `e` names resolves the same among `available` as
// among `all`: then the conjunct means the same applied to the whole list.
bool SameMeaning(const Expr& e, const Scope& available, const Scope& all) {
  std::vector<const Expr*> refs;
  CollectColumnRefs(e, &refs);
  for (const Expr* r : refs) {
    size_t in_all = 0, in_available = 0;
    for (const auto& c : all)
      in_all += Matches(c, *r) ? 1 : 0;
    for (const auto& c : available)
      in_available += Matches(c, *r) ? 1 : 0;
    if (in_all != in_available && in_available > 0) return false;
  }
  return true;
}

FromPlan PlanFromPlans(std::vector<FromPlan> plans, runtime::Database& db, const OuterPtr& outer,
                       std::vector<const Expr*>* terms);

}  // namespace

// Plans a comma-separated FROM list: items are joined greedily, each time
// preferring one that a WHERE equality links to those already joined, and
// every WHERE conjunct is applied as soon as its columns are available (as
// hash join keys where it is such an equality). Conjuncts that name no FROM
// column stay in `terms` for the caller.
namespace {

FromPlan PlanFlatList(const std::vector<TableRefPtr>& items, runtime::Database& db,
                      const OuterPtr& outer, std::vector<const Expr*>* terms, const ReadSet* read,
                      const std::set<const TableRef*>& implicit, const TableRef** planning) {
  std::vector<const TableRef*> flat;
  std::vector<OnTerm> on_terms;
  for (const auto& item : items)
    FlattenInnerJoins(*item, &flat, &on_terms);
  auto lateral = [&](const TableRef* t) { return IsLateral(*t) || implicit.contains(t); };
  if (std::any_of(flat.begin() + 1, flat.end(), lateral)) {
    // A LATERAL item reads the items before it: the list is joined in the
    // order written, each WHERE and ON conjunct applied (as hash join keys
    // where it can be) once its columns are there.
    for (const OnTerm& t : on_terms)
      terms->push_back(t.term);
    *planning = flat[0];
    FromPlan current = PlanFromItem(*flat[0], db, outer, read);
    for (size_t i = 1; i < flat.size(); ++i) {
      *planning = flat[i];
      if (lateral(flat[i])) {
        current =
            PlanLateral(std::move(current), *flat[i], execution::JoinKind::kInner, {}, db, outer);
        continue;
      }
      FromPlan next = PlanFromItem(*flat[i], db, outer, read);
      const Scope both = Concat(current.scope, next.scope);
      std::vector<const Expr*> now, later;
      for (const Expr* t : *terms) {
        (Touches(*t, next.scope) && Covered(*t, both, both) ? now : later).push_back(t);
      }
      *terms = std::move(later);
      FromPlan joined;
      joined.scope = both;
      joined.plan = JoinOn(current, next, execution::JoinKind::kInner, now, db, outer);
      current = std::move(joined);
    }
    return current;
  }
  std::vector<FromPlan> plans;
  Scope all;
  for (const TableRef* item : flat) {
    *planning = item;
    plans.push_back(PlanFromItem(*item, db, outer, read));
    all = Concat(all, plans.back().scope);
  }
  if (flat.size() != items.size()) {
    // An ON conjunct must mean over the whole list what it meant in its join
    // (no column it names may be shadowed or made ambiguous by another
    // item); otherwise the joins are planned as written.
    bool same = true;
    for (const OnTerm& t : on_terms) {
      Scope covered;
      for (size_t i = t.first; i < t.end; ++i)
        covered = Concat(covered, plans[i].scope);
      if (!Covered(*t.term, covered, all)) {
        // Names a column of a later item: an error, as the join sees it.
        Binder(covered, nullptr, false, &db, outer).Condition(*t.term);
        same = false;
      }
      same = same && SameMeaning(*t.term, covered, all);
    }
    if (same) {
      for (const OnTerm& t : on_terms)
        terms->push_back(t.term);
    } else {
      plans.clear();
      *planning = nullptr;
      for (const auto& item : items)
        plans.push_back(PlanFromItem(*item, db, outer, read));
    }
  }
  return PlanFromPlans(std::move(plans), db, outer, terms);
}

}  // namespace

FromPlan PlanFromList(const std::vector<TableRefPtr>& items, runtime::Database& db,
                      const OuterPtr& outer, std::vector<const Expr*>* terms, const ReadSet* read) {
  // A subquery in the list that reads the items before it without saying
  // LATERAL is lateral all the same (DuckDB's rule): when planning it alone
  // finds no such column, the list is planned again with it lateral.
  std::set<const TableRef*> implicit;
  const std::vector<const Expr*> given = *terms;
  for (;;) {
    const TableRef* planning = nullptr;
    try {
      return PlanFlatList(items, db, outer, terms, read, implicit, &planning);
    } catch (const Error& e) {
      const bool retry = e.kind() == ErrorKind::kBinder && planning != nullptr &&
                         planning->kind == TableRefKind::kSubquery && !planning->lateral &&
                         !implicit.contains(planning) &&
                         (e.message().find("not found in FROM clause") != std::string::npos ||
                          e.message().find("does not have a column named") != std::string::npos);
      if (!retry) throw;
      implicit.insert(planning);
      *terms = given;
    }
  }
}

namespace {

FromPlan PlanFromPlans(std::vector<FromPlan> plans, runtime::Database& db, const OuterPtr& outer,
                       std::vector<const Expr*>* terms) {
  Scope all;
  for (const auto& p : plans)
    all = Concat(all, p.scope);
  // A base table with conjuncts an index answers is read through it (the
  // conjuncts still filter its rows).
  for (auto& p : plans) {
    if (!p.table) continue;
    std::vector<const Expr*> own;
    for (const Expr* t : *terms) {
      if (Touches(*t, p.scope) && Covered(*t, p.scope, all)) own.push_back(t);
    }
    const std::vector<ColumnPredicate> predicates = ColumnPredicates(own, p.scope, 0);
    if (auto scan = ChooseIndexScan(db, p.table, p.read, false, predicates)) {
      p.plan = Shaped(p, std::move(scan));
    } else if (auto filter = ChooseScanFilter(*p.table, predicates)) {
      p.plan =
          Shaped(p, execution::MakeTableScan(p.table, p.read, CurrentSnapshot(db), false, filter));
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

}  // namespace llkv::sql::plan
