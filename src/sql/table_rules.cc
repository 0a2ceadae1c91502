#include "sql/table_rules.h"

#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/ascii.h"
#include "common/bit_util.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"
#include "runtime/constraints.h"
#include "sql/binder.h"
#include "sql/collation.h"
#include "sql/parser.h"

namespace llkv::sql {

using namespace plan;

namespace {

struct ForeignKey {
  std::vector<std::string> columns;  // in the referencing table
  std::string parent;
  std::vector<std::string> parent_columns;  // empty: the parent's primary key
  std::string on_delete, on_update;
};

struct Rules {
  std::shared_ptr<const Statement> statement;  // owns the expressions
  std::vector<const Expr*> checks;
  std::vector<ForeignKey> foreign_keys;
  std::map<std::string, const Expr*> defaults;            // by lower-case column name
  std::vector<std::pair<size_t, const Expr*>> generated;  // column position, expression
  std::map<std::string, std::string> collations;          // by lower-case column name, canonical
};

void Collect(const CreateTableStatement& s, Rules* out) {
  for (size_t i = 0; i < s.columns.size(); ++i) {
    if (s.columns[i].generated) out->generated.emplace_back(i, s.columns[i].generated.get());
  }
  for (const auto& c : s.columns) {
    if (!c.collation.empty()) {
      if (std::string canonical = CanonicalCollation(c.collation); !canonical.empty())
        out->collations[AsciiLower(c.name)] = std::move(canonical);
    }
    if (c.default_value) out->defaults[AsciiLower(c.name)] = c.default_value.get();
    if (c.check) out->checks.push_back(c.check.get());
    if (c.references) {
      out->foreign_keys.push_back({{c.name},
                                   c.references->table.back(),
                                   c.references->columns,
                                   c.references->on_delete,
                                   c.references->on_update});
    }
  }
  for (const auto& tc : s.constraints) {
    if (tc.kind == ConstraintKind::kCheck) out->checks.push_back(tc.check.get());
    if (tc.kind == ConstraintKind::kForeignKey) {
      out->foreign_keys.push_back({tc.columns, tc.references->table.back(), tc.references->columns,
                                   tc.references->on_delete, tc.references->on_update});
    }
  }
}

std::shared_ptr<const Rules> RulesOf(const table::Table& t) {
  // Statements run one at a time per database (the API's lock), so the
  // cache is filled without a race.
  if (t.compiled_rules) return std::static_pointer_cast<const Rules>(t.compiled_rules);
  auto rules = std::make_shared<Rules>();
  if (!t.def().create_sql.empty()) {
    std::vector<StatementPtr> parsed = ParseSql(t.def().create_sql);
    if (parsed.size() == 1 && parsed[0]->kind == StatementKind::kCreateTable) {
      rules->statement = std::shared_ptr<const Statement>(std::move(parsed[0]));
      Collect(static_cast<const CreateTableStatement&>(*rules->statement), rules.get());
    }
  }
  t.compiled_rules = rules;
  return rules;
}

std::vector<size_t> Positions(const table::TableDef& def, const std::vector<std::string>& names,
                              const char* what) {
  std::vector<size_t> out;
  for (const auto& n : names) {
    auto c = def.FindColumn(n);
    if (!c) {
      Fail(ErrorKind::kBinder, "{}: table \"{}\" does not have a column named \"{}\"", what,
           def.name, n);
    }
    out.push_back(*c);
  }
  return out;
}

// The parent side of a foreign key: the table, its referenced columns and
// the unique index over exactly them (positions in index order).
struct ParentKey {
  std::shared_ptr<table::Table> table;
  std::vector<size_t> columns;  // referenced columns, in the foreign key's order
  std::shared_ptr<const runtime::Database::Index> index;
  std::vector<size_t> order;  // for each index column, its position in `columns`
};

ParentKey ResolveParent(runtime::Database& db, const ForeignKey& fk, const table::TableDef& def,
                        const std::shared_ptr<table::Table>& self) {
  ParentKey p;
  const table::TableDef* pdef = nullptr;
  if (EqualsIgnoreCase(fk.parent, def.name)) {
    p.table = self;
    pdef = &def;
  } else {
    p.table = db.FindTable(fk.parent);
    if (!p.table && db.FindView(fk.parent)) {
      Fail(ErrorKind::kBinder,
           "Failed to create foreign key: cannot reference a VIEW with a "
           "FOREIGN KEY ({})",
           fk.parent);
    }
    if (!p.table) {
      Fail(ErrorKind::kCatalog, "Table with name {} does not exist! (referenced by a FOREIGN KEY)",
           fk.parent);
    }
    pdef = &p.table->def();
  }
  const uint32_t parent_id = p.table ? p.table->id() : 0;
  if (!fk.parent_columns.empty()) {
    p.columns = Positions(*pdef, fk.parent_columns, "FOREIGN KEY");
  } else if (p.table) {
    auto pk = db.FindIndex(pdef->name + "_pkey");
    if (!pk || pk->table_id != parent_id) {
      Fail(ErrorKind::kBinder,
           "Failed to create foreign key: there is no primary key for referenced table \"{}\"",
           pdef->name);
    }
    p.columns = runtime::Database::IndexColumns(*p.table, *pk);
  }
  if (!p.table) return p;  // self reference at CREATE TABLE: checked by the caller
  if (p.columns.size() != fk.columns.size()) {
    Fail(ErrorKind::kBinder,
         "Failed to create foreign key: the number of referencing and referenced columns "
         "differ");
  }
  for (const auto& index : db.IndexesOf(parent_id)) {
    if (!index->unique) continue;
    std::vector<size_t> cols = runtime::Database::IndexColumns(*p.table, *index);
    if (cols.size() != p.columns.size()) continue;
    std::vector<size_t> order;
    for (size_t c : cols) {
      auto at = std::find(p.columns.begin(), p.columns.end(), c);
      if (at == p.columns.end()) break;
      order.push_back(static_cast<size_t>(at - p.columns.begin()));
    }
    if (order.size() == cols.size()) {
      p.index = index;
      p.order = std::move(order);
      return p;
    }
  }
  std::string names;
  for (size_t c : p.columns)
    names += (names.empty() ? "" : ", ") + pdef->columns[c].name;
  Fail(ErrorKind::kBinder,
       "Failed to create foreign key: referenced table \"{}\" does not have a primary key or "
       "unique constraint on the columns ({})",
       pdef->name, names);
}

std::string KeyText(const table::TableDef& def, const std::vector<size_t>& columns,
                    const std::vector<arrow::ArrayDataPtr>& values, int64_t row) {
  std::string out;
  for (size_t k = 0; k < columns.size(); ++k) {
    if (k) out += ", ";
    out += def.columns[columns[k]].name + ": " + arrow::FormatValue(*values[k], row);
  }
  return out;
}

// `values` (one array per key column) cast to `types`.
std::vector<arrow::ArrayDataPtr> CastAll(const std::vector<arrow::ArrayDataPtr>& values,
                                         const std::vector<arrow::TypePtr>& types) {
  std::vector<arrow::ArrayDataPtr> out;
  for (size_t k = 0; k < values.size(); ++k)
    out.push_back(execution::Cast(*values[k], types[k]));
  return out;
}

// An index of `t` whose leading columns are `columns` in order, if any.
std::shared_ptr<const runtime::Database::Index> IndexLeadingWith(
    runtime::Database& db, const table::Table& t, const std::vector<size_t>& columns) {
  for (const auto& index : db.IndexesOf(t.id())) {
    const auto cols = runtime::Database::IndexColumns(t, *index);
    if (cols.size() >= columns.size() && std::equal(columns.begin(), columns.end(), cols.begin()))
      return index;
  }
  return nullptr;
}

void CheckChecks(runtime::Database& db, const table::Table& t, const Rules& rules,
                 const arrow::RecordBatch& rows) {
  if (rules.checks.empty()) return;
  const auto& def = t.def();
  Scope scope;
  for (size_t i = 0; i < def.columns.size(); ++i)
    scope.push_back(
        {ShortName(def.name), def.columns[i].name, static_cast<int>(i), def.columns[i].type});
  Binder binder(scope, nullptr, false, &db, nullptr);
  for (const Expr* check : rules.checks) {
    const arrow::ArrayDataPtr result = execution::Evaluate(*binder.Condition(*check), rows);
    for (int64_t i = 0; i < result->length; ++i) {
      if (result->IsValid(i) && !bit_util::GetBit(result->buffers[1]->data(), result->offset + i)) {
        Fail(ErrorKind::kConstraint, "CHECK constraint failed on table \"{}\" with expression {}",
             def.name, check->ToString());
      }
    }
  }
}

bool HasSubquery(const Expr& e) {
  if (e.subquery) return true;
  for (const auto& a : e.args) {
    if (a && HasSubquery(*a)) return true;
  }
  return (e.operand && HasSubquery(*e.operand)) || (e.else_expr && HasSubquery(*e.else_expr));
}

}  // namespace

void ValidateRules(runtime::Database& db, const CreateTableStatement& s,
                   const table::TableDef& def) {
  for (const auto& c : s.columns) {
    if (c.collation.empty()) continue;
    const std::string collation = CanonicalCollation(c.collation);
    const auto i = def.FindColumn(c.name);
    const arrow::DataType& type = *def.columns[*i].type;
    if (type.id() != arrow::TypeId::kUtf8 && type.id() != arrow::TypeId::kLargeUtf8) {
      Fail(ErrorKind::kBinder, "COLLATE {} on column \"{}\": collations apply to text, not to {}",
           c.collation, c.name, c.type.ToString());
    }
    bool key = c.primary_key || c.unique;
    for (const auto& tc : s.constraints) {
      if (tc.kind != ConstraintKind::kPrimaryKey && tc.kind != ConstraintKind::kUnique) continue;
      for (const auto& name : tc.columns)
        key = key || EqualsIgnoreCase(name, c.name);
    }
    if (key && !collation.empty()) {
      Fail(ErrorKind::kNotImplemented,
           "COLLATE {} on key column \"{}\": LLKV's unique indexes compare bytes, so the key "
           "could not follow the collation",
           c.collation, c.name);
    }
  }
  Rules rules;
  Collect(s, &rules);
  Scope scope;
  for (size_t i = 0; i < def.columns.size(); ++i)
    scope.push_back(
        {ShortName(def.name), def.columns[i].name, static_cast<int>(i), def.columns[i].type});
  Binder binder(scope, nullptr, false, &db, nullptr);
  const Scope no_columns;
  Binder constant(no_columns, nullptr, false, &db, nullptr);
  for (const auto& c : s.columns) {
    if (!c.default_value) continue;
    if (HasSubquery(*c.default_value)) {
      Fail(ErrorKind::kBinder, "subqueries prohibited in DEFAULT expressions: {}",
           c.default_value->ToString());
    }
    try {
      auto i = def.FindColumn(c.name);
      // Evaluated once now, so that a value the column cannot hold is an
      // error here rather than at the first INSERT.
      const arrow::RecordBatch one(std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{}),
                                   1, {});
      execution::Evaluate(*execution::CastTo(constant.Bind(*c.default_value), def.columns[*i].type),
                          one);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kBinder) throw;
      Fail(ErrorKind::kBinder, "DEFAULT of column \"{}\" must be a constant expression: {}", c.name,
           e.message());
    }
  }
  for (const auto& [column, expr] : rules.generated) {
    const auto& c = s.columns[column];
    if (c.default_value) {
      Fail(ErrorKind::kBinder, "column \"{}\" cannot have both a DEFAULT and GENERATED ALWAYS AS",
           c.name);
    }
    if (HasSubquery(*expr)) {
      Fail(ErrorKind::kBinder,
           "the expression of generated column \"{}\" must use only its row: {}", c.name,
           expr->ToString());
    }
    for (const auto& [other, other_expr] : rules.generated) {
      if (other != column && MentionsColumn(*expr, s.columns[other].name)) {
        Fail(ErrorKind::kBinder, "generated column \"{}\" cannot use generated column \"{}\"",
             c.name, s.columns[other].name);
      }
    }
    execution::CastTo(binder.Bind(*expr), def.columns[column].type);
  }
  for (const Expr* check : rules.checks) {
    if (HasSubquery(*check)) {
      Fail(ErrorKind::kBinder, "subqueries prohibited in CHECK constraints: {}", check->ToString());
    }
    binder.Condition(*check);
  }
  for (const auto& fk : rules.foreign_keys) {
    const std::vector<size_t> mine = Positions(def, fk.columns, "FOREIGN KEY");
    ParentKey p = ResolveParent(db, fk, def, nullptr);
    if (!p.table) {
      // Self reference: the referenced columns must be the new table's
      // primary key or a UNIQUE constraint of it.
      if (fk.parent_columns.empty()) {
        bool has_pk = false;
        for (const auto& c : s.columns)
          has_pk = has_pk || c.primary_key;
        for (const auto& tc : s.constraints)
          has_pk = has_pk || tc.kind == ConstraintKind::kPrimaryKey;
        if (!has_pk) {
          Fail(ErrorKind::kBinder, "Failed to create foreign key: table \"{}\" has no primary key",
               def.name);
        }
      }
    }
    for (size_t k = 0; k < mine.size() && p.table; ++k) {
      const auto& a = def.columns[mine[k]].type;
      const auto& b = p.table->def().columns[p.columns[k]].type;
      if (!a->Equals(*b) && !(a->is_integer() && b->is_integer())) {
        Fail(ErrorKind::kBinder,
             "Failed to create foreign key: column {} is {} but the referenced column is {}",
             def.columns[mine[k]].name, a->ToString(), b->ToString());
      }
    }
  }
}

void CreateForeignKeyIndexes(runtime::Database& db, const std::shared_ptr<table::Table>& t) {
  const auto rules = RulesOf(*t);
  int n = 0;
  for (const auto& fk : rules->foreign_keys) {
    ++n;
    const std::vector<size_t> cols = Positions(t->def(), fk.columns, "FOREIGN KEY");
    if (IndexLeadingWith(db, *t, cols)) continue;
    runtime::Database::Index index;
    index.name = t->def().name + "_fkey_" + std::to_string(n);
    index.table_id = t->id();
    for (size_t c : cols)
      index.field_ids.push_back(t->def().columns[c].field_id);
    db.CreateIndex(std::move(index));
  }
}

void CheckNewRows(runtime::Database& db, const std::shared_ptr<table::Table>& t,
                  const arrow::RecordBatch& rows, table::TxnId writer) {
  const auto rules = RulesOf(*t);
  CheckChecks(db, *t, *rules, rows);
  for (const auto& fk : rules->foreign_keys) {
    const std::vector<size_t> cols = Positions(t->def(), fk.columns, "FOREIGN KEY");
    ParentKey p = ResolveParent(db, fk, t->def(), t);
    std::vector<arrow::TypePtr> types;
    for (size_t k : p.order)
      types.push_back(p.table->def().columns[p.columns[k]].type);
    std::vector<arrow::ArrayDataPtr> values, ordered;
    for (size_t c : cols)
      values.push_back(rows.column(static_cast<int>(c)));
    for (size_t k : p.order)
      ordered.push_back(values[k]);
    ordered = CastAll(ordered, types);
    // A table referencing itself: keys the same batch adds count too.
    std::set<std::string> own_keys;
    if (p.table == t) {
      std::vector<arrow::ArrayDataPtr> referenced;
      for (size_t k : p.order)
        referenced.push_back(rows.column(static_cast<int>(p.columns[k])));
      std::string key;
      for (int64_t i = 0; i < rows.num_rows(); ++i) {
        key.clear();
        if (runtime::OrderedIndex::EncodeKey(referenced, i, &key)) own_keys.insert(key);
      }
    }
    const auto data = db.IndexData(*p.index);
    // Keys found already: a bulk load repeats parent keys a lot.
    absl::flat_hash_set<std::string> present;
    std::string key;
    for (int64_t i = 0; i < rows.num_rows(); ++i) {
      key.clear();
      if (!runtime::OrderedIndex::EncodeKey(ordered, i, &key)) continue;  // MATCH SIMPLE
      if (own_keys.contains(key) || present.contains(key)) continue;
      if (runtime::LiveRows(db, *p.table, writer, data->Equal(key), "foreign key").empty()) {
        Fail(ErrorKind::kConstraint,
             "Violates foreign key constraint because key \"{}\" does not exist in the "
             "referenced table \"{}\"",
             KeyText(p.table->def(), p.columns, values, i), p.table->def().name);
      }
      present.insert(key);
    }
  }
}

void ApplyReferentialActions(runtime::Database& db, const std::shared_ptr<table::Table>& t,
                             std::span<const uint64_t> ids_in, const arrow::RecordBatch* new_rows,
                             const RowWriter& writer) {
  if (ids_in.empty()) return;
  // Row ids ascending (the store reads them so), new rows in that order.
  std::vector<int64_t> perm(ids_in.size());
  for (size_t i = 0; i < perm.size(); ++i)
    perm[i] = static_cast<int64_t>(i);
  std::sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
    return ids_in[static_cast<size_t>(a)] < ids_in[static_cast<size_t>(b)];
  });
  std::vector<uint64_t> ids;
  for (int64_t i : perm)
    ids.push_back(ids_in[static_cast<size_t>(i)]);
  for (const auto& child : db.Tables()) {
    const auto rules = RulesOf(*child);
    for (const auto& fk : rules->foreign_keys) {
      if (!EqualsIgnoreCase(fk.parent, t->def().name)) continue;
      const ParentKey p = ResolveParent(db, fk, child->def(), child);
      if (p.table != t) continue;
      const std::string& action = new_rows ? fk.on_update : fk.on_delete;
      const std::vector<size_t> child_cols = Positions(child->def(), fk.columns, "FOREIGN KEY");
      std::vector<arrow::TypePtr> child_types;
      for (size_t c : child_cols)
        child_types.push_back(child->def().columns[c].type);
      const std::vector<arrow::ArrayDataPtr> old_keys =
          CastAll(t->Fetch(p.columns, ids), child_types);
      std::vector<arrow::ArrayDataPtr> new_keys;
      if (new_rows) {
        for (size_t c : p.columns)
          new_keys.push_back(arrow::Take(*new_rows->column(static_cast<int>(c)), perm));
        new_keys = CastAll(new_keys, child_types);
      }
      const auto child_index = IndexLeadingWith(db, *child, child_cols);
      if (!child_index) {
        Fail(ErrorKind::kInternal, "the foreign key of table {} has no index", child->def().name);
      }
      const auto data = db.IndexData(*child_index);
      // Referencing rows, each with the parent row (position in ids) whose
      // key it holds.
      std::map<uint64_t, int64_t> affected;
      std::string key, new_key;
      for (int64_t i = 0; i < static_cast<int64_t>(ids.size()); ++i) {
        key.clear();
        if (!runtime::OrderedIndex::EncodeKey(old_keys, i, &key)) continue;
        if (new_rows) {
          new_key.clear();
          if (runtime::OrderedIndex::EncodeKey(new_keys, i, &new_key) && new_key == key) continue;
        }
        std::vector<uint64_t> candidates = data->Equal(key);
        if (child == t && !new_rows) {  // rows deleted by this statement do not count
          std::erase_if(candidates, [&](uint64_t id) {
            return std::binary_search(ids.begin(), ids.end(), id);
          });
        }
        for (uint64_t id : runtime::LiveRows(db, *child, writer.txn, candidates, "foreign key"))
          affected.emplace(id, i);
        if (!affected.empty() && (action == "no action" || action == "restrict")) {
          Fail(ErrorKind::kConstraint,
               "Violates foreign key constraint because key \"{}\" is still referenced by a "
               "foreign key in a different table (\"{}\")",
               KeyText(t->def(), p.columns, t->Fetch(p.columns, std::span(&ids[i], 1)), 0),
               child->def().name);
        }
      }
      if (affected.empty()) continue;
      std::vector<uint64_t> child_ids;
      std::vector<int64_t> parent_row;
      for (const auto& [id, row] : affected) {
        child_ids.push_back(id);
        parent_row.push_back(row);
      }
      if (action == "cascade" && !new_rows) {
        ApplyReferentialActions(db, child, child_ids, nullptr, writer);
        writer.remove(child, child_ids);
        continue;
      }
      // CASCADE on update: the parent's new key; SET NULL / SET DEFAULT:
      // NULL.
      std::vector<size_t> all(child->def().columns.size());
      for (size_t c = 0; c < all.size(); ++c)
        all[c] = c;
      std::vector<arrow::ArrayDataPtr> columns = child->Fetch(all, child_ids);
      const auto n = static_cast<int64_t>(child_ids.size());
      for (size_t k = 0; k < child_cols.size(); ++k) {
        if (action == "cascade") {
          columns[child_cols[k]] = arrow::Take(*new_keys[k], parent_row);
        } else if (action == "set default") {
          columns[child_cols[k]] = DefaultValues(db, *child, child_cols[k], n);
        } else {
          columns[child_cols[k]] = arrow::MakeNullArray(child_types[k], n);
        }
      }
      std::vector<arrow::FieldPtr> fields;
      for (const auto& c : child->def().columns)
        fields.push_back(arrow::field(c.name, c.type));
      auto replacement = ComputeGenerated(
          db, *child,
          arrow::RecordBatch::Make(std::make_shared<arrow::Schema>(fields), n, std::move(columns)));
      runtime::CheckUnique(db, child, writer.txn, {replacement}, child_ids);
      writer.append(child, *replacement);
      ApplyReferentialActions(db, child, child_ids, replacement.get(), writer);
      writer.remove(child, child_ids);
    }
  }
}

arrow::ArrayDataPtr DefaultValues(runtime::Database& db, const table::Table& t, size_t column,
                                  int64_t rows) {
  const auto& c = t.def().columns[column];
  const auto rules = RulesOf(t);
  // A generated column's value comes later, from ComputeGenerated.
  auto it = rules->defaults.find(AsciiLower(c.name));
  if (it == rules->defaults.end()) return arrow::MakeNullArray(c.type, rows);
  const Scope no_columns;
  Binder binder(no_columns, nullptr, false, &db, nullptr);
  const auto value = execution::CastTo(binder.Bind(*it->second), c.type);
  const arrow::RecordBatch shape(std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{}),
                                 rows, {});
  return execution::Evaluate(*value, shape);
}

std::string ColumnCollation(const table::Table& t, size_t column) {
  const auto rules = RulesOf(t);
  auto it = rules->collations.find(AsciiLower(t.def().columns[column].name));
  return it == rules->collations.end() ? "" : it->second;
}

bool IsGenerated(const table::Table& t, size_t column) {
  for (const auto& [c, expr] : RulesOf(t)->generated) {
    if (c == column) return true;
  }
  return false;
}

arrow::RecordBatchPtr ComputeGenerated(runtime::Database& db, const table::Table& t,
                                       arrow::RecordBatchPtr rows) {
  const auto rules = RulesOf(t);
  if (rules->generated.empty() || !rows) return rows;
  const auto& def = t.def();
  Scope scope;
  for (size_t i = 0; i < def.columns.size(); ++i)
    scope.push_back(
        {ShortName(def.name), def.columns[i].name, static_cast<int>(i), def.columns[i].type});
  Binder binder(scope, nullptr, false, &db, nullptr);
  std::vector<arrow::ArrayDataPtr> columns;
  for (int c = 0; c < rows->num_columns(); ++c)
    columns.push_back(rows->column(c));
  for (const auto& [c, expr] : rules->generated) {
    columns[c] =
        execution::Evaluate(*execution::CastTo(binder.Bind(*expr), def.columns[c].type), *rows);
  }
  return arrow::RecordBatch::Make(rows->schema(), rows->num_rows(), std::move(columns));
}

std::vector<Reference> ReferencesTo(runtime::Database& db, const table::Table& t) {
  std::vector<Reference> out;
  for (const auto& other : db.Tables()) {
    if (other->id() == t.id()) continue;
    for (const auto& fk : RulesOf(*other)->foreign_keys) {
      if (EqualsIgnoreCase(fk.parent, t.def().name))
        out.push_back({other->def().name, fk.parent_columns});
    }
  }
  return out;
}

void CheckNotReferenced(runtime::Database& db, const table::Table& t) {
  for (const auto& r : ReferencesTo(db, t)) {
    Fail(ErrorKind::kCatalog,
         "Could not drop the table because this table is main key table of the table \"{}\"",
         r.child);
  }
}

}  // namespace llkv::sql
