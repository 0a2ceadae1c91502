// The planner: SELECT (FROM clauses in from_planner.cc, WHERE, grouping
// and aggregates, the select list, ORDER BY and LIMIT), set operations, and
// the rows UPDATE and DELETE change. Expressions bind in binder.cc.
#include "sql/planner.h"

#include "execution/scalar_function.h"
#include "sql/settings.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "execution/aggregate.h"
#include "execution/join.h"
#include "execution/set_operation.h"
#include "execution/unnest.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"
#include "sql/binder.h"
#include "sql/collation.h"
#include "sql/cte.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/table_rules.h"

namespace llkv::sql {

using namespace plan;

table::SnapshotPtr CurrentSnapshot(runtime::Database& db) {
  const table::SnapshotPtr& scoped = runtime::ScopedSnapshot();
  return scoped ? scoped : db.txn_ids().TakeSnapshot(0);
}

static arrow::TypePtr ScalarTypeFromName(const TypeName& t);

arrow::TypePtr TypeFromName(const TypeName& t) {
  arrow::TypePtr type = ScalarTypeFromName(t);
  for (int i = 0; i < t.array_depth; ++i)
    type = arrow::list(type);
  return type;
}

static arrow::TypePtr ScalarTypeFromName(const TypeName& t) {
  const std::string n = Lower(t.name);
  if (n == "map" && t.field_types.size() == 2) {
    return arrow::map(TypeFromName(t.field_types[0]), TypeFromName(t.field_types[1]));
  }
  if (n == "struct" && !t.field_names.empty()) {
    std::vector<arrow::FieldPtr> fields;
    for (size_t i = 0; i < t.field_names.size(); ++i) {
      for (const auto& f : fields) {
        if (EqualsIgnoreCase(f->name(), t.field_names[i])) {
          Fail(ErrorKind::kBinder, "Duplicate struct entry name \"{}\"", t.field_names[i]);
        }
      }
      fields.push_back(arrow::field(t.field_names[i], TypeFromName(t.field_types[i])));
    }
    return arrow::struct_(std::move(fields));
  }
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
    if (p < 1 || p > 38) {
      Fail(ErrorKind::kBinder, "DECIMAL type width must be between 1 and 38, not {}", p);
    }
    if (s < 0) Fail(ErrorKind::kBinder, "DECIMAL type scale must not be negative, not {}", s);
    if (s > p) {
      Fail(ErrorKind::kBinder, "DECIMAL type scale cannot be greater than width: DECIMAL({}, {})",
           p, s);
    }
    return arrow::decimal128(p, s);
  }
  if (n == "text" || n == "varchar" || n == "char" || n == "string" || n == "character varying" ||
      n == "character" || n == "bpchar") {
    return arrow::utf8();
  }
  if (n == "boolean" || n == "bool" || n == "logical") return arrow::boolean();
  if (n == "date") return arrow::date32();
  if (n == "timestamp" || n == "datetime" || n == "timestamp without time zone" ||
      n == "timestamp_us") {
    if (t.modifiers.empty()) return arrow::timestamp();
    // TIMESTAMP(p): p fractional digits, kept in the smallest unit that
    // holds them (DuckDB's rule: 0 seconds, 1-3 ms, 4-6 us, 7-9 ns).
    if (t.modifiers.size() > 1) {
      Fail(ErrorKind::kBinder, "TIMESTAMP only takes a single precision, got {}",
           t.modifiers.size());
    }
    const int64_t p = t.modifiers[0];
    if (p < 0 || p > 9) {
      Fail(ErrorKind::kBinder, "TIMESTAMP({}): the precision must be between 0 and 9", p);
    }
    return arrow::timestamp(p == 0   ? arrow::TimeUnit::kSecond
                            : p <= 3 ? arrow::TimeUnit::kMilli
                            : p <= 6 ? arrow::TimeUnit::kMicro
                                     : arrow::TimeUnit::kNano);
  }
  if (n == "timestamp_s") return arrow::timestamp(arrow::TimeUnit::kSecond);
  if (n == "timestamp_ms") return arrow::timestamp(arrow::TimeUnit::kMilli);
  if (n == "timestamp_ns") return arrow::timestamp(arrow::TimeUnit::kNano);
  if (n == "time" || n == "time without time zone") return arrow::time64();
  // An instant, stored in UTC and shown in the session's time zone, UTC.
  if (n == "timestamp with time zone" || n == "timestamptz") return arrow::timestamp("UTC");
  // 128-bit integers: exact as 38-digit DECIMALs (the arithmetic of both is
  // exact and overflow-checked, and / of either gives a DOUBLE).
  if (n == "hugeint" || n == "int128" || n == "uhugeint" || n == "uint128") {
    return arrow::decimal128(38, 0);
  }
  // DuckDB's types LLKV does not have yet: an error, never the affinity
  // fallback below (which would store them as DOUBLE).
  static const char* kMissing[] = {
      "time with time zone", "timetz", "uuid", "json", "varint", "union", "map"};
  for (const char* missing : kMissing) {
    if (n == missing) {
      Fail(ErrorKind::kNotImplemented, "the type {} is not supported yet", t.name);
    }
  }
  if (n == "interval") return arrow::interval_month_day_nano();
  // (BIT's length modifier, PostgreSQL's, is not kept: DuckDB's BIT has none.)
  if (n == "bit" || n == "bitstring" || n == "varbit" || n == "bit varying") {
    return arrow::bit_string();
  }
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

static TypeName Named(std::string name) {
  TypeName out;
  out.name = std::move(name);
  return out;
}

TypeName NameOfType(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::TypeId::kInt64:
      return Named("bigint");
    case arrow::TypeId::kInt32:
      return Named("int32");
    case arrow::TypeId::kInt16:
      return Named("smallint");
    case arrow::TypeId::kInt8:
      return Named("tinyint");
    case arrow::TypeId::kDecimal128: {
      TypeName out = Named("decimal");
      out.modifiers = {type.precision(), type.scale()};
      return out;
    }
    case arrow::TypeId::kUtf8:
    case arrow::TypeId::kLargeUtf8:
      return Named("varchar");
    case arrow::TypeId::kBool:
      return Named("boolean");
    case arrow::TypeId::kDate32:
      return Named("date");
    case arrow::TypeId::kTimestamp: {
      if (!type.timezone().empty()) return Named("timestamptz");
      static constexpr const char* kNames[] = {"timestamp_s", "timestamp_ms", "timestamp",
                                               "timestamp_ns"};
      return Named(kNames[static_cast<int>(type.unit())]);
    }
    case arrow::TypeId::kTime64:
      return Named("time");
    case arrow::TypeId::kIntervalMonthDayNano:
      return Named("interval");
    case arrow::TypeId::kBinary:
      return Named(arrow::IsBitString(type) ? "bit" : "blob");
    case arrow::TypeId::kList: {
      if (arrow::IsMap(type)) {
        TypeName out = Named("map");
        for (const auto& f : type.value_type()->fields()) {
          out.field_names.push_back("");
          out.field_types.push_back(NameOfType(*f->type()));
        }
        return out;
      }
      TypeName element = NameOfType(*type.value_type());
      ++element.array_depth;
      return element;
    }
    case arrow::TypeId::kStruct: {
      TypeName out = Named("struct");
      for (const auto& f : type.fields()) {
        out.field_names.push_back(f->name());
        out.field_types.push_back(NameOfType(*f->type()));
      }
      return out;
    }
    default:
      return Named("double");
  }
}

namespace {

// For each output position of the set operation `q`, the (qualifier,
// name) pairs its branches give it: an item's alias, or the column it
// names (qualified by its table when the branch reads one table).
void BranchNames(const SelectStmt& q,
                 std::vector<std::vector<std::pair<std::string, std::string>>>* out) {
  if (q.set_op != SetOpKind::kNone) {
    BranchNames(*q.left, out);
    BranchNames(*q.right, out);
    return;
  }
  std::string table;
  if (q.from.size() == 1) {
    const TableRef& f = *q.from[0];
    table = !f.alias.empty() ? f.alias : f.kind == TableRefKind::kBaseTable ? f.name.back() : "";
  }
  for (size_t i = 0; i < q.select_list.size(); ++i) {
    const SelectItem& item = q.select_list[i];
    if (item.expr->kind == ExprKind::kStar) return;  // positions unknown past a star
    if (out->size() <= i) out->resize(i + 1);
    if (!item.alias.empty()) (*out)[i].emplace_back("", item.alias);
    if (item.expr->kind == ExprKind::kColumnRef) {
      const auto& n = item.expr->names;
      (*out)[i].emplace_back(n.size() >= 2 ? n[n.size() - 2] : table, n.back());
    }
  }
}

// The output position an ORDER BY column of a set operation names when it
// is not an output column's name: a column or alias of any branch
// (DuckDB); -1 when none. Throws when it names two positions.
int BranchColumn(const SelectStmt& q, const Expr& e, const Scope& scope) {
  if (e.kind != ExprKind::kColumnRef) return -1;
  if (e.names.size() == 1) {
    for (const auto& c : scope) {
      if (EqualsIgnoreCase(c.name, e.names[0])) return -1;  // an output name: bound as such
    }
  }
  std::vector<std::vector<std::pair<std::string, std::string>>> names;
  BranchNames(q, &names);
  const std::string qualifier = e.names.size() >= 2 ? e.names[e.names.size() - 2] : "";
  int found = -1;
  for (size_t i = 0; i < names.size() && i < scope.size(); ++i) {
    for (const auto& [table, name] : names[i]) {
      if (!EqualsIgnoreCase(name, e.names.back())) continue;
      if (!qualifier.empty() && !EqualsIgnoreCase(table, qualifier)) continue;
      if (found >= 0 && found != static_cast<int>(i)) {
        Fail(ErrorKind::kBinder, "Ambiguous reference to column name \"{}\" in ORDER BY",
             e.ToString());
      }
      found = static_cast<int>(i);
    }
  }
  return found;
}

}  // namespace

// A set operation: both sides cast column by column to common types, then
// ORDER BY (ordinals, the output's column names or any branch's) and LIMIT.
// Whether `q` is the dialect rewriter's wrapper of a UNION BY NAME operand:
// SELECT * FROM (operand) AS "__llkv_by_name".
static const SelectStmt* ByNameOperand(const SelectStmt& q) {
  if (q.set_op != SetOpKind::kNone || q.select_list.size() != 1 || q.from.size() != 1 ||
      q.select_list[0].expr->kind != ExprKind::kStar || !q.select_list[0].expr->names.empty()) {
    return nullptr;
  }
  const TableRef& t = *q.from[0];
  if (t.kind != TableRefKind::kSubquery || t.alias != "__llkv_by_name") return nullptr;
  return t.subquery.get();
}

// UNION [ALL] BY NAME: the output has the left's columns, then the right's
// that the left lacks (names compared case-insensitively); each side gives
// NULL for the columns it does not have.
static void MatchByName(OperatorPtr* left, OperatorPtr* right) {
  const auto& ls = *(*left)->schema();
  const auto& rs = *(*right)->schema();
  std::vector<std::string> names;
  auto index_of = [](const arrow::Schema& s, const std::string& name) {
    int found = -1;
    for (int i = 0; i < s.num_fields(); ++i) {
      if (!EqualsIgnoreCase(s.field(i)->name(), name)) continue;
      if (found >= 0) {
        Fail(ErrorKind::kBinder, "UNION BY NAME: the name \"{}\" is used by two columns", name);
      }
      found = i;
    }
    return found;
  };
  for (const auto& f : ls.fields())
    names.push_back(f->name());
  for (const auto& f : rs.fields()) {
    if (index_of(ls, f->name()) < 0) names.push_back(f->name());
  }
  auto side = [&](OperatorPtr* plan, const arrow::Schema& s) {
    std::vector<BoundExprPtr> columns;
    for (const auto& name : names) {
      const int i = index_of(s, name);
      columns.push_back(i >= 0 ? execution::ColumnRef(i, s.field(i)->type())
                               : execution::Constant(Value::Null()));
    }
    *plan = execution::MakeProject(std::move(*plan), std::move(columns), names);
  };
  side(left, ls);
  side(right, rs);
}

static OperatorPtr PlanSetOperation(const SelectStmt& q, runtime::Database& db,
                                    const OuterPtr& outer) {
  OperatorPtr left = PlanSelect(*q.left, db, outer);
  const SelectStmt* by_name = q.set_op == SetOpKind::kUnion ? ByNameOperand(*q.right) : nullptr;
  OperatorPtr right = PlanSelect(by_name ? *by_name : *q.right, db, outer);
  if (by_name) MatchByName(&left, &right);
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
  // A column takes the left side's collation, else the right's; rows
  // compare by its collation keys, projected after the columns.
  std::vector<int> compare;
  std::vector<BoundExprPtr> lkeys, rkeys;
  const int n = ls.num_fields();
  for (int i = 0; i < n; ++i) {
    BoundExprPtr l = execution::ColumnRef(i, ls.field(i)->type());
    BoundExprPtr r = execution::ColumnRef(i, rs.field(i)->type());
    const arrow::TypePtr common = Binder::CommonTypeOf({l->type, r->type});
    std::string collation = FieldCollation(*ls.field(i));
    if (collation.empty()) collation = FieldCollation(*rs.field(i));
    lcast.push_back(execution::CastTo(std::move(l), common));
    rcast.push_back(execution::CastTo(std::move(r), common));
    lcast.back()->collation = rcast.back()->collation = collation;
    names.push_back(ls.field(i)->name());
    ScopeColumn column{"", ls.field(i)->name(), i, common};
    column.collation = collation;
    scope.push_back(std::move(column));
    auto key = [&](const BoundExprPtr& side) {
      BoundExprPtr ref = execution::ColumnRef(i, common);
      ref->collation = side->collation;
      return SortKeyOf(std::move(ref));
    };
    BoundExprPtr lkey = key(lcast.back());
    if (lkey->op == ExprOp::kColumn) {
      compare.push_back(i);
      continue;
    }
    compare.push_back(n + static_cast<int>(lkeys.size()));
    lkeys.push_back(std::move(lkey));
    rkeys.push_back(key(rcast.back()));
  }
  const bool keyed = !lkeys.empty();
  if (keyed) {
    // The collation keys read the cast columns: a projection over them.
    std::vector<std::string> wide = names;
    auto widen = [&](OperatorPtr side, std::vector<BoundExprPtr>& cast,
                     std::vector<BoundExprPtr>& keys) {
      side = execution::MakeProject(std::move(side), std::move(cast), names);
      std::vector<BoundExprPtr> all;
      for (int i = 0; i < n; ++i) {
        all.push_back(execution::ColumnRef(i, scope[static_cast<size_t>(i)].type));
        all.back()->collation = scope[static_cast<size_t>(i)].collation;
      }
      for (auto& k : keys)
        all.push_back(std::move(k));
      return execution::MakeProject(std::move(side), std::move(all), wide);
    };
    for (size_t k = 0; k < lkeys.size(); ++k)
      wide.push_back("__collation_key" + std::to_string(k));
    left = widen(std::move(left), lcast, lkeys);
    right = widen(std::move(right), rcast, rkeys);
  } else {
    left = execution::MakeProject(std::move(left), std::move(lcast), names);
    right = execution::MakeProject(std::move(right), std::move(rcast), names);
  }
  const auto kind = q.set_op == SetOpKind::kUnion       ? execution::SetOperationKind::kUnion
                    : q.set_op == SetOpKind::kIntersect ? execution::SetOperationKind::kIntersect
                                                        : execution::SetOperationKind::kExcept;
  OperatorPtr plan =
      execution::MakeSetOperation(kind, q.set_all, std::move(left), std::move(right),
                                  keyed ? std::move(compare) : std::vector<int>{}, keyed ? n : -1);
  if (!q.order_by.empty()) {
    Binder binder(scope, nullptr, false, &db, outer);
    std::vector<execution::SortKey> keys;
    ExprList positions;
    for (const auto& o : SortTerms(q, scope.size(), &positions)) {
      const Expr& e = *o.expr;
      execution::SortKey key;
      if (e.kind == ExprKind::kLiteral && e.literal_kind == LiteralKind::kInteger) {
        if (e.int_value < 1 || e.int_value > static_cast<int64_t>(scope.size())) {
          Fail(ErrorKind::kBinder, "ORDER term out of range - should be between 1 and {}",
               scope.size());
        }
        const auto& c = scope[static_cast<size_t>(e.int_value - 1)];
        key.expr = execution::ColumnRef(c.index, c.type);
        key.expr->collation = c.collation;
      } else if (const int position = BranchColumn(q, e, scope); position >= 0) {
        const auto& c = scope[static_cast<size_t>(position)];
        key.expr = execution::ColumnRef(c.index, c.type);
        key.expr->collation = c.collation;
      } else {
        key.expr = binder.Bind(e);
      }
      key.expr = SortKeyOf(std::move(key.expr));
      key.descending = o.descending;
      key.nulls_first = o.nulls == NullOrder::kDefault ? CurrentSettings().NullsFirst(o.descending)
                                                       : o.nulls == NullOrder::kFirst;
      keys.push_back(std::move(key));
    }
    plan = execution::MakeSort(std::move(plan), std::move(keys), TopN(q, &db));
  }
  return ApplyLimit(std::move(plan), q, &db);
}

// Binds UPDATE's SET items over `binder`'s scope into `out`.
void BindSetItems(const table::TableDef& def, const std::vector<SetItem>& set, plan::Binder& binder,
                  runtime::Database& db, const table::Table& table, RowChangePlan* out);

RowChangePlan PlanRowChange(const std::shared_ptr<table::Table>& table, const std::string& alias,
                            const std::vector<SetItem>& set, const Expr* where,
                            runtime::Database& db, const std::vector<TableRefPtr>* from) {
  const auto& def = table->def();
  Scope scope;
  std::vector<size_t> all;
  for (size_t i = 0; i < def.columns.size(); ++i) {
    all.push_back(i);
    scope.push_back({alias.empty() ? ShortName(def.name) : alias, def.columns[i].name,
                     static_cast<int>(i + 1), def.columns[i].type, false, true,
                     ColumnCollation(*table, i)});
  }
  // The rowid pseudo-column (the row's id, as SELECT reads it), unless a
  // column has that name: the scans below carry the id first.
  const bool rowid = !def.FindColumn("rowid");
  const ScopeColumn id{alias.empty() ? ShortName(def.name) : alias,
                       rowid ? "rowid" : "__row_id",
                       0,
                       arrow::uint64(),
                       !rowid,
                       false};
  RowChangePlan out;
  std::vector<const Expr*> terms;
  if (where) SplitConjuncts(*where, &terms);
  if (from && !from->empty()) {
    // The table (row_id first, as a hidden column) joined with the FROM
    // items; each WHERE conjunct applies where its columns are available.
    FromPlan target;
    target.scope.push_back(id);
    target.scope.insert(target.scope.end(), scope.begin(), scope.end());
    target.plan = execution::MakeTableScan(table, all, CurrentSnapshot(db), /*with_row_id=*/true);
    FromPlan others = PlanFromList(*from, db, nullptr, &terms);
    const Scope both = Concat(target.scope, others.scope);
    std::vector<const Expr*> now;
    for (const Expr* t : terms) {
      if (Covered(*t, both, both)) now.push_back(t);
    }
    out.rows = JoinOn(target, others, execution::JoinKind::kInner, now, db, nullptr);
    out.rows = execution::MakeFirstPerKey(std::move(out.rows), {0});
    Binder binder(both, nullptr, false, &db, nullptr);
    for (const Expr* t : terms) {
      if (std::find(now.begin(), now.end(), t) == now.end()) {
        out.rows = execution::MakeFilter(std::move(out.rows), binder.Condition(*t));
      }
    }
    BindSetItems(def, set, binder, db, *table, &out);
    return out;
  }
  const std::vector<ColumnPredicate> predicates = ColumnPredicates(terms, scope, 1);
  scope.push_back(id);
  out.rows = ChooseIndexScan(db, table, all, /*with_row_id=*/true, predicates);
  if (!out.rows) {
    out.rows = execution::MakeTableScan(table, all, CurrentSnapshot(db), /*with_row_id=*/true,
                                        ChooseScanFilter(*table, predicates));
  }
  Binder binder(scope, nullptr, false, &db, nullptr);
  if (where) out.rows = execution::MakeFilter(std::move(out.rows), binder.Condition(*where));
  BindSetItems(def, set, binder, db, *table, &out);
  return out;
}

void BindSetItems(const table::TableDef& def, const std::vector<SetItem>& set, plan::Binder& binder,
                  runtime::Database& db, const table::Table& table, RowChangePlan* out_plan) {
  RowChangePlan& out = *out_plan;
  for (const auto& item : set) {
    auto column = def.FindColumn(item.column);
    if (!column) {
      Fail(ErrorKind::kBinder, "Table \"{}\" does not have a column named \"{}\"", def.name,
           item.column);
    }
    BoundExprPtr value = BindSetValue(binder, *item.value, db, table, *column);
    // SET x = 3, x = 4 assigns the last value (SQLite).
    auto previous = std::find(out.columns.begin(), out.columns.end(), *column);
    if (previous != out.columns.end()) {
      out.values[static_cast<size_t>(previous - out.columns.begin())] = std::move(value);
      continue;
    }
    out.columns.push_back(*column);
    out.values.push_back(std::move(value));
  }
}

OperatorPtr PlanQuery(const SelectStmt& q, runtime::Database& db) {
  return PlanSelect(q, db, nullptr);
}

namespace plan {

namespace {

// `name`(args) of the function library, over one row.
Value CallLibraryFunction(const char* name, const std::vector<Value>& args) {
  const execution::ScalarFunction* f = execution::FindScalarFunction(name);
  LLKV_CHECK(f != nullptr, "function {} is not registered", name);
  std::vector<arrow::TypePtr> types;
  for (const auto& a : args)
    types.push_back(a.type());
  const execution::FunctionBinding binding = f->bind(types);
  std::vector<arrow::ArrayDataPtr> arrays;
  for (size_t i = 0; i < args.size(); ++i)
    arrays.push_back(execution::Cast(*args[i].ToArray(1), binding.arg_types[i]));
  return Value::FromArray(*f->kernel(arrays, binding.result, 1), 0);
}

// Whether a star's [NOT] LIKE / ILIKE / GLOB / SIMILAR TO / ~ / ~* filter keeps the
// column `name` (no filter: every column).
bool StarFilterKeeps(const Expr& star, const std::string& name) {
  std::string op = star.star_filter_op;
  if (op.empty()) return true;
  const bool negated = op.starts_with("not ");
  if (negated) op = op.substr(4);
  bool match = false;
  if (op == "like" || op == "ilike") {
    const auto text = Value::String(name).ToArray(1);
    const auto pattern = Value::String(star.star_filter_pattern).ToArray(1);
    const auto escape = Value::String(star.star_filter_escape).ToArray(1);
    const auto out = execution::LikeMatch(
        *text, *pattern, star.star_filter_escape.empty() ? nullptr : escape.get(), op == "ilike");
    match = Value::FromArray(*out, 0).boolean();
  } else if (op == "glob") {
    match =
        CallLibraryFunction("glob", {Value::String(star.star_filter_pattern), Value::String(name)})
            .boolean();
  } else if (op == "regex" || op == "iregex") {  // ~ and ~*: as the operators match
    const std::string pattern = (op == "iregex" ? "(?i)" : "") + star.star_filter_pattern;
    match = CallLibraryFunction(
                CurrentSettings().regex_full_match() ? "regexp_full_match" : "regexp_matches",
                {Value::String(name), Value::String(pattern)})
                .boolean();
  } else {  // similar: the whole name matches the regular expression
    match = CallLibraryFunction("regexp_full_match",
                                {Value::String(name), Value::String(star.star_filter_pattern)})
                .boolean();
  }
  return match != negated;
}

// Whether `e` is DuckDB's COLUMNS(...) star expression.
bool IsColumnsCall(const Expr& e) {
  return e.kind == ExprKind::kFunction && e.names.size() == 1 &&
         EqualsIgnoreCase(e.names[0], "columns") && !e.window;
}

// The columns COLUMNS(*), COLUMNS('regex') (names the expression matches
// anywhere) or COLUMNS(['a', 'b']) selects from `scope`, in scope order
// (a list: in its order).
std::vector<const ScopeColumn*> ColumnsSelected(const Expr& call, const Scope& scope) {
  std::vector<const ScopeColumn*> out;
  if (call.star_arg && call.args.empty()) {
    for (const auto& c : scope) {
      if (c.in_star) out.push_back(&c);
    }
    return out;
  }
  if (call.args.size() != 1) {
    Fail(ErrorKind::kBinder, "COLUMNS() takes one argument: *, a regular expression or a list");
  }
  const Value v = EvaluateConstant(*call.args[0]);
  if (v.type()->id() == arrow::TypeId::kList) {
    for (const Value& name : v.elements()) {
      if (name.is_null() || name.type()->id() != arrow::TypeId::kUtf8) {
        Fail(ErrorKind::kBinder, "COLUMNS(list) needs a list of column names");
      }
      auto it = std::find_if(scope.begin(), scope.end(), [&](const ScopeColumn& c) {
        return !c.qualified_only && EqualsIgnoreCase(c.name, name.str());
      });
      if (it == scope.end()) {
        Fail(ErrorKind::kBinder, "COLUMNS(list): column \"{}\" not found in FROM clause",
             name.str());
      }
      out.push_back(&*it);
    }
    return out;
  }
  if (v.is_null() || v.type()->id() != arrow::TypeId::kUtf8) {
    Fail(ErrorKind::kBinder, "COLUMNS() takes *, a regular expression or a list of names, not {}",
         v.ToString());
  }
  for (const auto& c : scope) {
    if (!c.in_star) continue;
    if (CallLibraryFunction("regexp_matches", {Value::String(c.name), v}).boolean()) {
      out.push_back(&c);
    }
  }
  if (out.empty()) {
    Fail(ErrorKind::kBinder, "No matching columns found that match regex \"{}\"", v.str());
  }
  return out;
}

// s.* where s names a STRUCT column, not a table (DuckDB): the struct's
// fields, with EXCLUDE and REPLACE as for a table's columns. Whether s is
// such a column.
bool ExpandStructStar(const Expr& star, Binder& out, std::vector<BoundExprPtr>& exprs,
                      std::vector<std::string>& names) {
  Expr ref;
  ref.kind = ExprKind::kColumnRef;
  ref.location = star.location;
  ref.names = star.names;
  BoundExprPtr s;
  try {
    s = out.Bind(ref);
  } catch (const Error& e) {
    if (e.message().find("Ambiguous") != std::string::npos) throw;
    return false;
  }
  if (s->type->id() != arrow::TypeId::kStruct) return false;
  std::vector<bool> used(star.star_exclude.size() + star.star_replace.size(), false);
  for (const auto& f : s->type->fields()) {
    bool excluded = false;
    for (size_t i = 0; i < star.star_exclude.size(); ++i) {
      if (EqualsIgnoreCase(star.star_exclude[i].back(), f->name())) excluded = used[i] = true;
    }
    if (excluded) continue;
    names.push_back(f->name());
    bool replaced = false;
    for (size_t i = 0; i < star.star_replace.size() && !replaced; ++i) {
      if (!EqualsIgnoreCase(star.star_replace[i], f->name())) continue;
      exprs.push_back(out.Bind(*star.args[i]));
      replaced = used[star.star_exclude.size() + i] = true;
    }
    if (replaced) continue;
    Expr field;
    field.kind = ExprKind::kColumnRef;
    field.location = star.location;
    field.names = star.names;
    field.names.push_back(f->name());
    exprs.push_back(out.Bind(field));
  }
  for (size_t i = 0; i < used.size(); ++i) {
    if (used[i]) continue;
    const bool exclude = i < star.star_exclude.size();
    Fail(ErrorKind::kBinder, "Field \"{}\" in {} list not found in struct {}",
         exclude ? star.star_exclude[i].back() : star.star_replace[i - star.star_exclude.size()],
         exclude ? "EXCLUDE" : "REPLACE", fmt::format("{}", fmt::join(star.names, ".")));
  }
  return true;
}

// The columns `star` (*, t.*, with DuckDB's EXCLUDE and REPLACE) stands for
// in `scope`, appended to exprs / names; in a grouped query (`aggregate`)
// each must be a group key, as if written out.
void ExpandStar(const Expr& star, const Scope& scope, bool aggregate, bool has_from, Binder& out,
                std::vector<BoundExprPtr>& exprs, std::vector<std::string>& names) {
  if (!has_from) Fail(ErrorKind::kBinder, "SELECT * expression without FROM clause!");
  if (!star.names.empty() && std::none_of(scope.begin(), scope.end(), [&](const ScopeColumn& c) {
        return EqualsIgnoreCase(c.qualifier, star.names.back());
      })) {
    if (ExpandStructStar(star, out, exprs, names)) return;
    Fail(ErrorKind::kBinder, "Referenced table \"{}\" not found!", star.names.back());
  }
  const size_t replaces = star.star_exclude.size() + star.star_replace.size();
  std::vector<bool> used(replaces + star.star_renames.size(), false);
  auto find = [](const std::vector<std::string>& list, const std::string& name) {
    for (size_t i = 0; i < list.size(); ++i) {
      if (EqualsIgnoreCase(list[i], name)) return static_cast<int>(i);
    }
    return -1;
  };
  auto excluded = [&](const ScopeColumn& c) {
    for (size_t i = 0; i < star.star_exclude.size(); ++i) {
      const auto& n = star.star_exclude[i];
      if (!EqualsIgnoreCase(n.back(), c.name)) continue;
      if (n.size() >= 2 && !EqualsIgnoreCase(n[n.size() - 2], c.qualifier)) continue;
      return static_cast<int>(i);
    }
    return -1;
  };
  bool renamed_one = false;
  for (const auto& c : scope) {
    if (!star.names.empty() && !EqualsIgnoreCase(c.qualifier, star.names.back())) continue;
    if (star.names.empty() && !c.in_star) continue;
    if (const int x = excluded(c); x >= 0) {
      used[static_cast<size_t>(x)] = true;
      continue;
    }
    if (!StarFilterKeeps(star, c.name)) continue;
    // SIMILAR TO 'number(\d+)' AS 'c\1' renames each column it keeps;
    // after the other filters, AS name names the one column kept.
    std::string name = c.name;
    if (!star.star_rename.empty() && star.star_filter_op.ends_with("similar")) {
      name = CallLibraryFunction("regexp_replace",
                                 {Value::String(c.name), Value::String(star.star_filter_pattern),
                                  Value::String(star.star_rename)})
                 .str();
    } else if (!star.star_rename.empty()) {
      if (renamed_one) {
        Fail(ErrorKind::kBinder, "a star named AS {} must keep exactly one column",
             star.star_rename);
      }
      renamed_one = true;
      name = star.star_rename;
    }
    for (size_t i = 0; i < star.star_renames.size(); ++i) {
      const auto& [from, to] = star.star_renames[i];
      if (!EqualsIgnoreCase(from.back(), c.name)) continue;
      if (from.size() >= 2 && !EqualsIgnoreCase(from[from.size() - 2], c.qualifier)) continue;
      used[replaces + i] = true;
      name = to;
    }
    if (const int r = find(star.star_replace, c.name); r >= 0) {
      used[star.star_exclude.size() + static_cast<size_t>(r)] = true;
      exprs.push_back(out.Bind(*star.args[static_cast<size_t>(r)]));
      names.push_back(name);
      continue;
    }
    if (aggregate) {
      // Each column must be a group key, as if written out.
      Expr ref;
      ref.kind = ExprKind::kColumnRef;
      ref.names = c.qualifier.empty() ? std::vector<std::string>{c.name}
                                      : std::vector<std::string>{c.qualifier, c.name};
      exprs.push_back(out.Bind(ref));
    } else {
      exprs.push_back(ScopeRef(c));
    }
    names.push_back(name);
  }
  for (size_t i = 0; i < used.size(); ++i) {
    if (used[i]) continue;
    const bool exclude = i < star.star_exclude.size();
    if (i >= replaces) {
      Fail(ErrorKind::kBinder, "Column \"{}\" in RENAME list not found in FROM clause",
           fmt::format("{}", fmt::join(star.star_renames[i - replaces].first, ".")));
    }
    Fail(ErrorKind::kBinder, "Column \"{}\" in {} list not found in FROM clause",
         exclude ? fmt::format("{}", fmt::join(star.star_exclude[i], "."))
                 : star.star_replace[i - star.star_exclude.size()],
         exclude ? "EXCLUDE" : "REPLACE");
  }
}

}  // namespace

OperatorPtr PlanSelect(const SelectStmt& q, runtime::Database& db, const OuterPtr& outer,
                       const KeyedPlan* keyed) {
  std::optional<CteScope> ctes;
  if (!q.ctes.empty()) ctes.emplace(DefineCtes(q, db, outer));
  if (q.set_op != SetOpKind::kNone) return PlanSetOperation(q, db, outer);
  if (!q.values.empty()) {
    OperatorPtr values = PlanValues(q, &db, nullptr, outer);
    return ApplyLimit(std::move(values), q, &db);
  }
  // FROM: nothing, one item, or several joined.
  Scope scope;
  OperatorPtr plan;
  std::vector<const Expr*> where_terms;  // WHERE conjuncts not yet applied
  if (q.where) SplitConjuncts(*q.where, &where_terms);
  FactorDisjunctions(&where_terms);
  if (keyed) std::erase_if(where_terms, [&](const Expr* t) { return keyed->skip.contains(t); });
  if (q.from.empty()) {
    auto schema = std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{});
    plan = execution::MakeValues(schema, {arrow::RecordBatch::Make(schema, 1, {})});
  } else {
    const ReadSet read = ColumnsRead(q);
    FromPlan from = PlanFromList(q.from, db, outer, &where_terms, &read);
    plan = std::move(from.plan);
    scope = std::move(from.scope);
  }
  Binder binder(scope, nullptr, false, &db, outer);
  // WHERE may name a select-list alias where no FROM column has the name
  // (SQLite and DuckDB), unless the alias is an aggregate or window call.
  std::vector<std::pair<std::string, const Expr*>> row_aliases;
  for (const auto& item : q.select_list) {
    std::vector<const Expr*> calls;
    CollectAggregates(*item.expr, &calls);
    CollectWindowCalls(*item.expr, &calls);
    if (!item.alias.empty() && calls.empty()) row_aliases.emplace_back(item.alias, item.expr.get());
  }
  binder.set_aliases(&row_aliases);
  for (const Expr* term : where_terms) {
    plan = execution::MakeFilter(std::move(plan), binder.Condition(*term));
  }
  binder.set_aliases(nullptr);

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

  // Whether `e` names the alias of a select item before item `i` and no
  // FROM column (SELECT 1 AS a, a + 1: DuckDB's lateral aliases).
  auto earlier_alias = [&](size_t i, const Expr& e) {
    if (e.kind != ExprKind::kColumnRef || e.names.size() != 1 || names_column(e)) return false;
    for (size_t j = 0; j < i; ++j) {
      if (EqualsIgnoreCase(q.select_list[j].alias, e.names[0])) return true;
    }
    return false;
  };

  // Aggregation: group keys and aggregate calls become the columns of a
  // hash aggregate; everything after it binds against those columns.
  std::vector<const Expr*> calls;
  for (const auto& item : q.select_list)
    CollectAggregates(*item.expr, &calls);
  if (q.having) CollectAggregates(*q.having, &calls);
  for (const auto& o : q.order_by)
    CollectAggregates(*o.expr, &calls);
  // An aggregate an enclosing query computes (it reads only that query's
  // columns) is that query's value here, not an aggregate of this one.
  std::erase_if(calls, [&](const Expr* call) { return IsOuterAggregate(*call, scope, outer); });
  // Aggregates inside subqueries that read only this query's columns are
  // this query's (SQL's rule).
  if (!q.from.empty()) {
    for (const auto& item : q.select_list)
      CollectOuterAggregates(*item.expr, scope, &calls);
    if (q.having) CollectOuterAggregates(*q.having, scope, &calls);
    for (const auto& o : q.order_by)
      CollectOuterAggregates(*o.expr, scope, &calls);
  }
  // HAVING alone makes the query one group (PostgreSQL, DuckDB).
  const bool aggregate = !q.group_by.empty() || !calls.empty() || !q.grouping_sets.empty() ||
                         q.group_by_all || q.having;
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
    if (q.group_by_all) {
      // Every select item without an aggregate (or window) call in it.
      for (const auto& item : q.select_list) {
        std::vector<const Expr*> inner;
        CollectAggregates(*item.expr, &inner);
        CollectWindowCalls(*item.expr, &inner);
        if (!inner.empty()) continue;
        if (item.expr->kind == ExprKind::kStar) {
          Fail(ErrorKind::kNotImplemented, "GROUP BY ALL with * in the select list");
        }
        group_by.push_back(item.expr.get());
      }
    }
    // A decorrelated aggregating subquery is grouped by its keys too.
    if (keyed && keyed->group)
      group_by.insert(group_by.end(), keyed->keys.begin(), keyed->keys.end());
    // A key with a collation groups by its collation key; the query sees
    // the group's first value (an any_value aggregate), as DuckDB does.
    std::vector<std::pair<const Expr*, size_t>> collated;  // key expression, group_by position
    auto substitute = [&](const Expr* e, const Substitution& column) {
      substitutions.emplace(e->ToString(), column);
      if (e->kind == ExprKind::kColumnRef) {
        // a, t.a and alias.a name the same key.
        for (const auto& c : scope) {
          if (!Matches(c, *e)) continue;
          substitutions.emplace(c.name, column);
          substitutions.emplace(c.qualifier + "." + c.name, column);
        }
      }
    };
    for (const Expr* e : group_by) {
      BoundExprPtr key = binder.Bind(*e);
      const int index = static_cast<int>(keys.size());
      if (!OwnCollation(*key).empty()) {
        collated.emplace_back(e, keys.size());
        key = SortKeyOf(std::move(key));
      } else {
        substitute(e, Substitution(std::make_pair(index, key->type)));
      }
      key_names.push_back(e->ToString());
      keys.push_back(std::move(key));
    }
    // GROUPING(a, ...) with grouping sets: one more key each, constant in
    // each set (a bit per argument, set when it is not grouped there).
    // Under a plain GROUP BY every argument is grouped: 0.
    std::vector<const Expr*> grouping_calls;
    if (!q.grouping_sets.empty() || !q.group_by.empty()) {
      for (const auto& item : q.select_list)
        CollectGroupingCalls(*item.expr, &grouping_calls);
      if (q.having) CollectGroupingCalls(*q.having, &grouping_calls);
      for (const auto& o : q.order_by)
        CollectGroupingCalls(*o.expr, &grouping_calls);
      std::vector<const Expr*> found = std::move(grouping_calls);
      grouping_calls.clear();
      for (const Expr* call : found) {
        const std::string text = call->ToString();
        if (substitutions.contains(text)) continue;
        grouping_calls.push_back(call);
        substitutions.emplace(text, std::make_pair(static_cast<int>(keys.size()), arrow::int64()));
        key_names.push_back(text);
        keys.push_back(execution::Constant(Value::Int64(0)));
        for (const auto& a : call->args) {
          const Expr* arg = select_item(*a, "GROUPING");
          const std::string arg_text = (arg ? arg : a.get())->ToString();
          if (std::none_of(group_by.begin(),
                           group_by.begin() + static_cast<std::ptrdiff_t>(q.group_by.size()),
                           [&](const Expr* g) { return g->ToString() == arg_text; })) {
            Fail(ErrorKind::kBinder, "GROUPING() argument {} is not a GROUP BY expression",
                 a->ToString());
          }
        }
      }
    }
    // The Expr each aggregate column comes from, and whether it is a bare
    // column (any_value), for binding them again per grouping set.
    std::vector<std::pair<const Expr*, bool>> sources;
    std::vector<execution::AggregateSpec> specs;
    for (const auto& [e, position] : collated) {
      sources.emplace_back(e, true);
      execution::AggregateSpec spec;
      spec.kind = execution::AggKind::kAnyValue;
      spec.arg = binder.Bind(*e);
      spec.name = e->ToString();
      const int index = static_cast<int>(keys.size() + specs.size());
      substitute(e, Substitution(std::make_pair(index, spec.arg->type), OwnCollation(*spec.arg)));
      specs.push_back(std::move(spec));
    }
    for (const Expr* call : calls) {
      const std::string text = call->ToString();
      if (substitutions.contains(text)) continue;
      sources.emplace_back(call, false);
      execution::AggregateSpec spec = BindAggregate(*call, binder);
      const arrow::TypePtr type = execution::AggregateType(spec);
      substitutions.emplace(text,
                            std::make_pair(static_cast<int>(keys.size() + specs.size()), type));
      specs.push_back(std::move(spec));
    }
    // Columns neither grouped nor aggregated take a value from one row of
    // their group (SQLite's rule).
    std::vector<const Expr*> bare, having, outside;
    for (size_t i = 0; i < q.select_list.size(); ++i) {
      std::vector<const Expr*> columns;
      CollectBareColumns(*q.select_list[i].expr, &columns);
      for (const Expr* column : columns) {
        if (!earlier_alias(i, *column)) bare.push_back(column);
      }
    }
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
      sources.emplace_back(column, true);
      execution::AggregateSpec spec;
      spec.kind = execution::AggKind::kAnyValue;
      spec.arg = binder.Bind(*column);
      spec.name = text;
      const arrow::TypePtr type = spec.arg->type;
      substitutions.emplace(text,
                            std::make_pair(static_cast<int>(keys.size() + specs.size()), type));
      specs.push_back(std::move(spec));
    }
    if (q.grouping_sets.empty()) {
      plan = execution::MakeHashAggregate(std::move(plan), std::move(keys), std::move(key_names),
                                          std::move(specs));
    } else {
      // One aggregation per grouping set over the materialized input, its
      // ungrouped keys NULL, the results one after another (UNION ALL).
      const arrow::SchemaPtr input_schema = plan->schema();
      const std::vector<arrow::RecordBatchPtr> rows = execution::Collect(*plan);
      plan = nullptr;
      for (const auto& set : q.grouping_sets) {
        std::vector<BoundExprPtr> set_keys;
        for (size_t i = 0; i < group_by.size(); ++i) {
          const bool in_set =
              i >= q.group_by.size() || std::find(set.begin(), set.end(), i) != set.end();
          set_keys.push_back(in_set ? SortKeyOf(binder.Bind(*group_by[i]))
                                    : execution::Constant(Value::Null(keys[i]->type)));
        }
        for (const Expr* call : grouping_calls) {
          int64_t bits = 0;
          for (const auto& a : call->args) {
            const Expr* arg = select_item(*a, "GROUPING");
            const std::string text = (arg ? arg : a.get())->ToString();
            size_t pos = q.group_by.size();
            for (size_t i = 0; i < q.group_by.size(); ++i) {
              if (group_by[i]->ToString() == text) pos = i;
            }
            if (pos == q.group_by.size()) {
              Fail(ErrorKind::kBinder, "GROUPING() argument {} is not a GROUP BY expression",
                   a->ToString());
            }
            const bool grouped_here = std::find(set.begin(), set.end(), pos) != set.end();
            bits = (bits << 1) | (grouped_here ? 0 : 1);
          }
          set_keys.push_back(execution::Constant(Value::Int64(bits)));
        }
        std::vector<execution::AggregateSpec> set_specs;
        for (size_t k = 0; k < sources.size(); ++k) {
          const auto& [source, bare] = sources[k];
          if (!bare) {
            set_specs.push_back(BindAggregate(*source, binder));
            continue;
          }
          execution::AggregateSpec spec;
          spec.kind = execution::AggKind::kAnyValue;
          spec.arg = binder.Bind(*source);
          // A collated key's value is NULL where the set does not group it.
          if (k < collated.size() && collated[k].second < q.group_by.size() &&
              std::find(set.begin(), set.end(), collated[k].second) == set.end()) {
            spec.arg = execution::Constant(Value::Null(spec.arg->type));
          }
          spec.name = source->ToString();
          set_specs.push_back(std::move(spec));
        }
        // A set that groups by nothing, (), is one row even over no rows
        // (count 0): aggregated without keys, its constant keys put before.
        const bool groups_nothing = set.empty() && group_by.size() == q.group_by.size();
        OperatorPtr part;
        if (groups_nothing && !set_keys.empty()) {
          const size_t n_specs = set_specs.size();
          std::vector<std::string> spec_names;
          std::vector<arrow::TypePtr> spec_types;
          for (const auto& spec : set_specs) {
            spec_names.push_back(spec.name);
            spec_types.push_back(execution::AggregateType(spec));
          }
          part = execution::MakeHashAggregate(execution::MakeValues(input_schema, rows), {}, {},
                                              std::move(set_specs));
          std::vector<BoundExprPtr> columns = std::move(set_keys);
          std::vector<std::string> names = key_names;
          for (size_t k = 0; k < n_specs; ++k) {
            columns.push_back(execution::ColumnRef(static_cast<int>(k), spec_types[k]));
            names.push_back(spec_names[k]);
          }
          part = execution::MakeProject(std::move(part), std::move(columns), std::move(names));
        } else {
          part = execution::MakeHashAggregate(execution::MakeValues(input_schema, rows),
                                              std::move(set_keys), key_names, std::move(set_specs));
        }
        plan = plan ? execution::MakeSetOperation(execution::SetOperationKind::kUnion, true,
                                                  std::move(plan), std::move(part))
                    : std::move(part);
      }
    }
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
  }
  Binder* bound_over = aggregate ? grouped.get() : &binder;

  // Window functions, over the rows grouping and HAVING leave: one column
  // each, after the columns their input has.
  std::vector<const Expr*> window_calls;
  for (const auto& item : q.select_list)
    CollectWindowCalls(*item.expr, &window_calls);
  for (const auto& o : q.order_by)
    CollectWindowCalls(*o.expr, &window_calls);
  if (q.qualify) CollectWindowCalls(*q.qualify, &window_calls);
  Substitutions window_columns;
  std::unique_ptr<Binder> windowed;
  if (!window_calls.empty()) {
    int column = plan->schema()->num_fields();
    std::vector<execution::WindowFunctionSpec> specs;
    Substitutions& map = aggregate ? substitutions : window_columns;
    // A window's keys may name a select-list alias, as WHERE may
    // (OVER (ORDER BY x) with SELECT a * 2 AS x): DuckDB's rule.
    if (!aggregate) binder.set_aliases(&row_aliases);
    for (const Expr* call : window_calls) {
      const std::string text = call->ToString();
      if (map.contains(text)) continue;
      specs.push_back(BindWindowCall(*call, q, *bound_over));
      map.emplace(text, std::make_pair(column++, specs.back().type));
    }
    binder.set_aliases(nullptr);
    plan = execution::MakeWindow(std::move(plan), std::move(specs));
    if (!aggregate) {
      windowed = std::make_unique<Binder>(scope, &window_columns, false, &db, outer);
      bound_over = windowed.get();
    }
  }
  if (q.qualify) {
    if (window_calls.empty()) {
      Fail(ErrorKind::kBinder, "QUALIFY clause requires a window function in the query");
    }
    // QUALIFY may name select-list aliases (DuckDB), as HAVING may.
    std::vector<std::pair<std::string, const Expr*>> aliases;
    for (const auto& item : q.select_list) {
      if (!item.alias.empty()) aliases.emplace_back(item.alias, item.expr.get());
    }
    bound_over->set_aliases(&aliases);
    BoundExprPtr condition = bound_over->Condition(*q.qualify);
    bound_over->set_aliases(nullptr);
    plan = execution::MakeFilter(std::move(plan), std::move(condition));
  }
  // unnest(list) in the select list: the rows so far expanded, one column
  // per call after the columns they have.
  std::vector<const Expr*> unnest_calls;
  for (const auto& item : q.select_list)
    CollectUnnestCalls(*item.expr, &unnest_calls);
  if (!unnest_calls.empty()) {
    Substitutions& map = aggregate ? substitutions : window_columns;
    int column = plan->schema()->num_fields();
    std::vector<BoundExprPtr> lists;
    std::vector<std::string> unnest_names;
    for (const Expr* call : unnest_calls) {
      const std::string text = call->ToString();
      if (map.contains(text)) continue;
      if (call->args.size() != 1 || call->star_arg || call->distinct) {
        Fail(ErrorKind::kBinder, "unnest() takes 1 argument, a LIST");
      }
      BoundExprPtr list = bound_over->Bind(*call->args[0]);
      const bool is_list = list->type->id() == arrow::TypeId::kList;
      if (!is_list && !IsNull(*list->type)) {
        Fail(ErrorKind::kBinder, "unnest() needs a LIST, not {}", list->type->ToString());
      }
      map.emplace(text,
                  std::make_pair(column++, is_list ? list->type->value_type() : arrow::null()));
      lists.push_back(std::move(list));
      unnest_names.push_back(text);
    }
    plan = execution::MakeUnnest(std::move(plan), std::move(lists), std::move(unnest_names));
    if (!aggregate && !windowed) {
      windowed = std::make_unique<Binder>(scope, &window_columns, false, &db, outer);
      bound_over = windowed.get();
    }
  }
  Binder& out = *bound_over;

  // The select list, with ORDER BY keys that are not output columns
  // appended as hidden columns and projected away after sorting.
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  std::vector<std::pair<std::string, const Expr*>> earlier;  // aliases so far
  for (const auto& item : q.select_list) {
    if (item.expr->kind == ExprKind::kStar) {
      ExpandStar(*item.expr, scope, aggregate, !q.from.empty(), out, exprs, names);
      continue;
    }
    if (IsColumnsCall(*item.expr)) {  // COLUMNS(...) alone: its columns
      for (const ScopeColumn* c : ColumnsSelected(*item.expr, scope)) {
        Expr ref;
        ref.kind = ExprKind::kColumnRef;
        ref.names = c->qualifier.empty() ? std::vector<std::string>{c->name}
                                         : std::vector<std::string>{c->qualifier, c->name};
        exprs.push_back(out.Bind(ref));
        names.push_back(c->name);
      }
      continue;
    }
    out.set_aliases(&earlier);
    exprs.push_back(out.Bind(*item.expr));
    out.set_aliases(nullptr);
    names.push_back(ColumnName(item));
    if (!item.alias.empty()) earlier.emplace_back(item.alias, item.expr.get());
  }
  const bool excluding = std::any_of(q.select_list.begin(), q.select_list.end(), [](const auto& i) {
    return i.expr->kind == ExprKind::kStar && !i.expr->star_exclude.empty();
  });
  if (exprs.empty() && excluding) {
    Fail(ErrorKind::kBinder, "SELECT list is empty after resolving * expressions!");
  }
  if (keyed) {
    for (const Expr* k : keyed->keys) {
      exprs.push_back(out.Bind(*k));
      names.push_back("__key" + std::to_string(exprs.size()));
    }
    for (const Expr* r : keyed->residual_inner) {
      exprs.push_back(out.Bind(*r));
      names.push_back("__residual" + std::to_string(exprs.size()));
    }
  }
  const size_t visible = exprs.size();
  std::vector<execution::SortKey> keys;
  ExprList positions;
  for (const auto& o : SortTerms(q, visible, &positions)) {
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
      if (q.distinct && q.distinct_on.empty()) {
        Fail(ErrorKind::kBinder,
             "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
      }
      exprs.push_back(out.Bind(e));
      names.push_back("__order" + std::to_string(exprs.size()));
      column = static_cast<int>(exprs.size() - 1);
    }
    execution::SortKey key;
    const execution::BoundExpr& sorted = *exprs[static_cast<size_t>(column)];
    key.expr = execution::ColumnRef(column, sorted.type);
    key.expr->collation = sorted.collation;
    key.expr = SortKeyOf(std::move(key.expr));
    key.descending = o.descending;
    // SQLite's default: NULLs sort first ascending, last descending.
    key.nulls_first = o.nulls == NullOrder::kDefault ? CurrentSettings().NullsFirst(o.descending)
                                                     : o.nulls == NullOrder::kFirst;
    keys.push_back(std::move(key));
  }
  // DISTINCT ON (exprs): hidden columns too; the first row of each of
  // their combinations is kept, in ORDER BY order.
  std::vector<int> distinct_on;
  for (const auto& d : q.distinct_on) {
    const Expr* item = nullptr;
    if (IsColumnsCall(*d)) {  // DISTINCT ON (COLUMNS('key')): each column
      for (const ScopeColumn* c : ColumnsSelected(*d, scope)) {
        exprs.push_back(ScopeRef(*c));
        names.push_back("__distinct" + std::to_string(exprs.size()));
        distinct_on.push_back(static_cast<int>(exprs.size() - 1));
      }
      continue;
    }
    if (IsNonIntegerLiteral(*d, "DISTINCT ON")) continue;
    if (d->kind == ExprKind::kLiteral) {
      if (d->int_value < 1 || d->int_value > static_cast<int64_t>(q.select_list.size())) {
        Fail(ErrorKind::kBinder,
             "ORDER term out of range - should be between 1 and {} (DISTINCT ON)",
             q.select_list.size());
      }
      distinct_on.push_back(static_cast<int>(d->int_value - 1));
      continue;
    }
    for (size_t i = 0; i < q.select_list.size() && !item; ++i) {
      if (!q.select_list[i].alias.empty() && d->kind == ExprKind::kColumnRef &&
          d->names.size() == 1 && EqualsIgnoreCase(q.select_list[i].alias, d->names[0])) {
        distinct_on.push_back(static_cast<int>(i));
        item = d.get();
      }
    }
    if (item) continue;
    exprs.push_back(out.Bind(*d));
    names.push_back("__distinct" + std::to_string(exprs.size()));
    distinct_on.push_back(static_cast<int>(exprs.size() - 1));
  }
  std::vector<arrow::TypePtr> types;
  std::vector<std::string> collations;
  for (const auto& e : exprs) {
    types.push_back(e->type);
    collations.push_back(e->collation);
  }
  auto column_ref = [&](size_t i) {
    BoundExprPtr ref = execution::ColumnRef(static_cast<int>(i), types[i]);
    ref->collation = collations[i];
    return ref;
  };
  plan = execution::MakeProject(std::move(plan), std::move(exprs), names);
  if (q.distinct && q.distinct_on.empty()) {
    // Collated columns are distinct by their collation keys; each keeps the
    // first value of its group.
    std::vector<BoundExprPtr> all;
    std::vector<execution::AggregateSpec> originals;
    std::vector<BoundExprPtr> shown;
    for (size_t i = 0; i < visible; ++i) {
      all.push_back(SortKeyOf(column_ref(i)));
      if (all.back()->op == ExprOp::kColumn) {
        shown.push_back(column_ref(i));
        continue;
      }
      execution::AggregateSpec spec;
      spec.kind = execution::AggKind::kAnyValue;
      spec.arg = column_ref(i);
      spec.name = names[i];
      originals.push_back(std::move(spec));
      shown.push_back(
          execution::ColumnRef(static_cast<int>(visible + originals.size() - 1), types[i]));
      shown.back()->collation = collations[i];
    }
    const bool regroup = !originals.empty();
    std::vector<std::string> visible_names(names.begin(), names.begin() + visible);
    plan = execution::MakeHashAggregate(std::move(plan), std::move(all), visible_names,
                                        std::move(originals));
    if (regroup) plan = execution::MakeProject(std::move(plan), std::move(shown), visible_names);
  }
  const bool limited = !(keyed && keyed->ignore_limit);
  if (!keys.empty() || !distinct_on.empty()) {
    if (!keys.empty()) {
      const int64_t top = limited && distinct_on.empty() ? TopN(q, &db) : -1;
      plan = execution::MakeSort(std::move(plan), std::move(keys), top);
    }
    if (!distinct_on.empty()) plan = execution::MakeFirstPerKey(std::move(plan), distinct_on);
    if (types.size() > visible) {
      std::vector<BoundExprPtr> keep;
      for (size_t i = 0; i < visible; ++i)
        keep.push_back(column_ref(i));
      names.resize(visible);
      plan = execution::MakeProject(std::move(plan), std::move(keep), names);
    }
  }
  return limited ? ApplyLimit(std::move(plan), q, &db) : std::move(plan);
}

}  // namespace plan

}  // namespace llkv::sql
