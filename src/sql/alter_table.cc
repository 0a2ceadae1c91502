#include "sql/alter_table.h"

#include <optional>

#include "common/ascii.h"
#include "execution/operators.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"
#include "runtime/constraints.h"
#include "sql/binder.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/planner_internal.h"

namespace llkv::sql {

namespace {

using execution::BoundExprPtr;
using execution::Value;
using plan::Binder;
using plan::Scope;

// A copy of `e` (expressions print as SQL that parses back to them).
ExprPtr CloneExpr(const Expr& e) {
  auto parsed = ParseSql("SELECT " + e.ToString());
  auto& select = static_cast<SelectStatement&>(*parsed.at(0));
  return std::move(select.query->select_list.at(0).expr);
}

template <typename Visit>
void ForEachColumnRef(Expr& e, Visit visit) {
  if (e.kind == ExprKind::kColumnRef) visit(e);
  for (auto& a : e.args)
    ForEachColumnRef(*a, visit);
  for (Expr* child : {e.operand.get(), e.else_expr.get(), e.filter.get()}) {
    if (child) ForEachColumnRef(*child, visit);
  }
}

void RenameIn(std::vector<std::string>& names, const std::string& from, const std::string& to) {
  for (auto& n : names) {
    if (EqualsIgnoreCase(n, from)) n = to;
  }
}

bool Contains(const std::vector<std::string>& names, const std::string& column) {
  for (const auto& n : names) {
    if (EqualsIgnoreCase(n, column)) return true;
  }
  return false;
}

// The table's definition as a CREATE TABLE statement: its own text, or for
// a table made by CREATE TABLE AS (or before definitions kept their text)
// one written from its columns.
std::unique_ptr<CreateTableStatement> Definition(const table::Table& t) {
  const auto& def = t.def();
  if (!def.create_sql.empty()) {
    auto parsed = ParseSql(def.create_sql);
    if (parsed.size() == 1 && parsed[0]->kind == StatementKind::kCreateTable) {
      auto* create = static_cast<CreateTableStatement*>(parsed[0].get());
      if (!create->as_select) {
        parsed[0].release();
        return std::unique_ptr<CreateTableStatement>(create);
      }
    }
  }
  auto out = std::make_unique<CreateTableStatement>();
  out->table = {def.name};
  for (const auto& c : def.columns) {
    ColumnDef col;
    col.name = c.name;
    col.type = NameOfType(*c.type);
    col.not_null = !c.nullable;
    out->columns.push_back(std::move(col));
  }
  return out;
}

// The ALTER's work in progress: the new definition and, for each of its
// columns, where its values come from.
class Alteration {
 public:
  Alteration(runtime::Database& db, std::shared_ptr<table::Table> old)
      : db_(db), old_(std::move(old)), def_(Definition(*old_)) {
    for (size_t i = 0; i < old_->def().columns.size(); ++i) {
      const auto& c = old_->def().columns[i];
      sources_.push_back(execution::ColumnRef(static_cast<int>(i), c.type));
      origin_.push_back(static_cast<int>(i));
    }
    for (const auto& index : db.IndexesOf(old_->id())) {
      // Indexes that CREATE TABLE makes (keys, foreign keys) come back with
      // the new table; the others are recreated over the new columns.
      const std::string prefix = AsciiLower(old_->def().name) + "_";
      const std::string name = AsciiLower(index->name);
      if (name == prefix + "pkey" || name.rfind(prefix + "unique_", 0) == 0 ||
          name.rfind(prefix + "fkey_", 0) == 0) {
        continue;
      }
      std::vector<std::string> columns;
      for (size_t c : runtime::Database::IndexColumns(*old_, *index))
        columns.push_back(old_->def().columns[c].name);
      indexes_.push_back({index->name, index->unique, std::move(columns)});
    }
    references_ = ReferencesTo(db, *old_);
  }

  void Apply(const AlterAction& a) {
    switch (a.kind) {
      case AlterKind::kRenameTable:
        RenameTable(a.new_name);
        return;
      case AlterKind::kRenameColumn:
        RenameColumn(a.column, a.new_name);
        return;
      case AlterKind::kAddColumn:
        AddColumn(a);
        return;
      case AlterKind::kDropColumn:
        DropColumn(a);
        return;
      case AlterKind::kAlterType:
        AlterType(a);
        return;
      case AlterKind::kSetDefault:
        Column(a.column).default_value = CloneExpr(*a.expr);
        return;
      case AlterKind::kDropDefault:
        Column(a.column).default_value.reset();
        return;
      case AlterKind::kSetNotNull:
        Column(a.column).not_null = true;
        return;
      case AlterKind::kDropNotNull: {
        ColumnDef& c = Column(a.column);
        if (c.primary_key || InPrimaryKey(c.name)) {
          Fail(ErrorKind::kCatalog,
               "Cannot drop NOT NULL of column \"{}\": it is in the primary key", c.name);
        }
        c.not_null = false;
        return;
      }
    }
  }

  // Copies the rows, drops the old table and creates the new one.
  void Finish(const RowWriter& writer,
              const std::function<void(const CreateTableStatement&)>& create_table) {
    CheckNoUnseenVersions();
    // The rows first: a failing conversion leaves everything as it was.
    std::vector<size_t> all(old_->def().columns.size());
    for (size_t i = 0; i < all.size(); ++i)
      all[i] = i;
    std::vector<std::string> names;
    for (const auto& c : def_->columns)
      names.push_back(c.name);
    std::vector<BoundExprPtr> sources;
    for (auto& s : sources_)
      sources.push_back(s ? std::move(s) : execution::Constant(Value::Null()));
    auto plan = execution::MakeProject(execution::MakeTableScan(old_, all, CurrentSnapshot(db_)),
                                       std::move(sources), names);
    std::vector<arrow::RecordBatchPtr> batches = execution::Collect(*plan);

    auto parsed = ParseSql(CreateTableSql(*def_));
    db_.DropTable(old_->def().name, /*keep_triggers=*/true);
    create_table(static_cast<const CreateTableStatement&>(*parsed.at(0)));
    auto t = db_.FindTable(def_->table.back());
    if (!t) Fail(ErrorKind::kInternal, "ALTER TABLE lost table {}", def_->table.back());
    for (const auto& index : indexes_) {
      runtime::Database::Index copy;
      copy.name = index.name;
      copy.unique = index.unique;
      copy.table_id = t->id();
      for (const auto& c : index.columns)
        copy.field_ids.push_back(t->def().columns[*t->def().FindColumn(c)].field_id);
      db_.CreateIndex(std::move(copy));
    }
    if (batches.empty()) return;
    // Nullable fields: the table's own check names a NULL in a NOT NULL column.
    std::vector<arrow::FieldPtr> fields;
    const auto table_schema = t->def().Schema();
    for (const auto& f : table_schema->fields())
      fields.push_back(arrow::field(f->name(), f->type(), true));
    const auto schema = std::make_shared<arrow::Schema>(std::move(fields));
    int64_t rows = 0;
    std::vector<arrow::ArrayDataPtr> columns;
    for (int c = 0; c < schema->num_fields(); ++c) {
      std::vector<arrow::ArrayDataPtr> parts;
      for (const auto& b : batches) {
        rows += c == 0 ? b->num_rows() : 0;
        parts.push_back(b->column(c));
      }
      arrow::ArrayDataPtr values = arrow::Concatenate(parts);
      if (origin_[static_cast<size_t>(c)] < 0) {
        values = DefaultValues(db_, *t, static_cast<size_t>(c), values->length);
      }
      columns.push_back(execution::Cast(*values, schema->field(c)->type()));
    }
    auto batch =
        ComputeGenerated(db_, *t, arrow::RecordBatch::Make(schema, rows, std::move(columns)));
    runtime::CheckUnique(db_, t, writer.txn, {batch}, {});
    writer.append(t, *batch);
  }

 private:
  struct IndexSpec {
    std::string name;
    bool unique;
    std::vector<std::string> columns;
  };

  std::optional<size_t> Find(const std::string& name) const {
    for (size_t i = 0; i < def_->columns.size(); ++i) {
      if (EqualsIgnoreCase(def_->columns[i].name, name)) return i;
    }
    return std::nullopt;
  }

  ColumnDef& Column(const std::string& name) {
    auto i = Find(name);
    if (!i) {
      Fail(ErrorKind::kCatalog, "Table \"{}\" does not have a column with name \"{}\"",
           def_->table.back(), name);
    }
    return def_->columns[*i];
  }

  bool InPrimaryKey(const std::string& column) const {
    for (const auto& tc : def_->constraints) {
      if (tc.kind == ConstraintKind::kPrimaryKey && Contains(tc.columns, column)) return true;
    }
    return false;
  }

  // Whether another table's foreign key uses `column` of this one.
  const Reference* ReferenceTo(const std::string& column) {
    for (const auto& r : references_) {
      if (r.parent_columns.empty() ? InPrimaryKey(column) || Column(column).primary_key
                                   : Contains(r.parent_columns, column)) {
        return &r;
      }
    }
    return nullptr;
  }

  void RenameTable(const std::string& to) {
    const std::string& from = def_->table.back();
    if (!EqualsIgnoreCase(from, to) && (db_.FindTable(to) || db_.FindView(to))) {
      Fail(ErrorKind::kCatalog,
           "Could not rename \"{}\" to \"{}\": another entry with this name already exists!", from,
           to);
    }
    if (!db_.TriggersOf(from).empty()) {
      Fail(ErrorKind::kCatalog, "Cannot rename table \"{}\": triggers depend on it", from);
    }
    if (!references_.empty()) {
      Fail(ErrorKind::kCatalog,
           "Cannot rename table \"{}\": the foreign key of table \"{}\" references it", from,
           references_[0].child);
    }
    // A foreign key of the table to itself follows the new name.
    auto retarget = [&](ForeignKeyRef* r) {
      if (r && EqualsIgnoreCase(r->table.back(), from)) r->table = {to};
    };
    for (auto& c : def_->columns)
      retarget(c.references.get());
    for (auto& tc : def_->constraints)
      retarget(tc.references.get());
    def_->table = {to};
  }

  void RenameColumn(const std::string& from, const std::string& to) {
    ColumnDef& c = Column(from);
    if (Find(to) && !EqualsIgnoreCase(from, to)) {
      Fail(ErrorKind::kCatalog, "Column with name {} already exists!", to);
    }
    if (const Reference* r = ReferenceTo(from)) {
      Fail(ErrorKind::kCatalog,
           "Cannot rename column \"{}\": the foreign key of table \"{}\" references it", from,
           r->child);
    }
    const std::string old_name = c.name;
    c.name = to;
    auto rename_refs = [&](Expr* e) {
      if (!e) return;
      ForEachColumnRef(*e, [&](Expr& ref) {
        if (EqualsIgnoreCase(ref.names.back(), old_name)) ref.names.back() = to;
      });
    };
    auto rename_fk = [&](ForeignKeyRef* r) {
      if (r && EqualsIgnoreCase(r->table.back(), def_->table.back()))
        RenameIn(r->columns, old_name, to);
    };
    for (auto& col : def_->columns) {
      rename_refs(col.check.get());
      rename_refs(col.generated.get());
      rename_fk(col.references.get());
    }
    for (auto& tc : def_->constraints) {
      RenameIn(tc.columns, old_name, to);
      rename_refs(tc.check.get());
      rename_fk(tc.references.get());
    }
    for (auto& index : indexes_)
      RenameIn(index.columns, old_name, to);
  }

  void AddColumn(const AlterAction& a) {
    const ColumnDef& d = a.definition;
    if (Find(d.name)) {
      if (a.missing_ok) return;
      Fail(ErrorKind::kCatalog, "Column with name {} already exists!", d.name);
    }
    ColumnDef c;
    c.name = d.name;
    c.type = d.type;
    c.not_null = d.not_null;
    c.primary_key = d.primary_key;
    c.unique = d.unique;
    if (d.default_value) c.default_value = CloneExpr(*d.default_value);
    if (d.check) c.check = CloneExpr(*d.check);
    if (d.generated) c.generated = CloneExpr(*d.generated);
    if (d.references) c.references = std::make_unique<ForeignKeyRef>(*d.references);
    def_->columns.push_back(std::move(c));
    sources_.push_back(nullptr);  // its DEFAULT, once the new table exists
    origin_.push_back(-1);
  }

  void DropColumn(const AlterAction& a) {
    auto i = Find(a.column);
    if (!i) {
      if (a.missing_ok) return;
      Column(a.column);  // throws
    }
    const std::string name = def_->columns[*i].name;
    if (def_->columns.size() == 1) {
      Fail(ErrorKind::kCatalog, "Cannot drop column \"{}\": the table has no other column", name);
    }
    auto refuse = [&](const std::string& what) {
      Fail(ErrorKind::kCatalog, "Cannot drop column \"{}\": {} depends on it", name, what);
    };
    const ColumnDef& c = def_->columns[*i];
    if (c.primary_key) refuse("the PRIMARY KEY");
    if (c.unique) refuse("a UNIQUE constraint");
    for (size_t k = 0; k < def_->columns.size(); ++k) {
      if (k != *i && def_->columns[k].check && MentionsColumn(*def_->columns[k].check, name))
        refuse("the CHECK constraint of column \"" + def_->columns[k].name + "\"");
      if (k != *i && def_->columns[k].generated &&
          MentionsColumn(*def_->columns[k].generated, name))
        refuse("generated column \"" + def_->columns[k].name + "\"");
    }
    for (const auto& tc : def_->constraints) {
      static const char* kKinds[] = {"the PRIMARY KEY", "a UNIQUE constraint", "a CHECK constraint",
                                     "a FOREIGN KEY"};
      if (Contains(tc.columns, name) || (tc.check && MentionsColumn(*tc.check, name)))
        refuse(kKinds[static_cast<int>(tc.kind)]);
    }
    for (const auto& index : indexes_) {
      if (Contains(index.columns, name)) refuse("index \"" + index.name + "\"");
    }
    if (const Reference* r = ReferenceTo(name))
      refuse("the foreign key of table \"" + r->child + "\"");
    def_->columns.erase(def_->columns.begin() + static_cast<std::ptrdiff_t>(*i));
    sources_.erase(sources_.begin() + static_cast<std::ptrdiff_t>(*i));
    origin_.erase(origin_.begin() + static_cast<std::ptrdiff_t>(*i));
  }

  void AlterType(const AlterAction& a) {
    ColumnDef& c = Column(a.column);
    const size_t i = *Find(a.column);
    const arrow::TypePtr type = TypeFromName(a.definition.type);
    c.type = a.definition.type;
    if (a.expr) {
      // USING sees the columns the table has so far that hold old values.
      Scope scope;
      for (size_t k = 0; k < def_->columns.size(); ++k) {
        if (origin_[k] < 0) continue;
        scope.push_back({"", def_->columns[k].name, origin_[k],
                         old_->def().columns[static_cast<size_t>(origin_[k])].type});
      }
      Binder binder(scope, nullptr, false, &db_);
      sources_[i] = execution::CastTo(binder.Bind(*a.expr), type);
    } else if (sources_[i]) {
      sources_[i] = execution::CastTo(std::move(sources_[i]), type);
    }
  }

  // Throws unless the snapshot sees every version stored in the table.
  void CheckNoUnseenVersions() const {
    const table::SnapshotPtr snapshot = CurrentSnapshot(db_);
    bool unseen = false;
    old_->ForEachVersion([&](uint64_t, table::TxnId created, table::TxnId deleted) {
      unseen = unseen || !snapshot->Sees(created) || (deleted != 0 && !snapshot->Sees(deleted));
    });
    if (unseen) {
      Fail(ErrorKind::kTransaction,
           "Conflict on ALTER TABLE \"{}\": another transaction has changed rows of it since this "
           "transaction began",
           old_->def().name);
    }
  }

  runtime::Database& db_;
  std::shared_ptr<table::Table> old_;
  std::unique_ptr<CreateTableStatement> def_;
  std::vector<BoundExprPtr> sources_;  // null: the column's DEFAULT
  std::vector<int> origin_;            // the old column a column came from, or -1
  std::vector<IndexSpec> indexes_;
  std::vector<Reference> references_;
};

}  // namespace

StatementResult AlterTable(const AlterTableStatement& s, runtime::Database& db,
                           const RowWriter& writer,
                           const std::function<void(const CreateTableStatement&)>& create_table) {
  const std::string& name = s.table.back();
  auto t = db.FindTable(name);
  if (!t) {
    if (s.if_exists) return {};
    if (db.FindView(name)) {
      Fail(ErrorKind::kCatalog, "\"{}\" is a view: ALTER TABLE cannot change it", name);
    }
    Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", name);
  }
  Alteration alteration(db, t);
  for (const auto& a : s.actions)
    alteration.Apply(a);
  alteration.Finish(writer, create_table);
  return {};
}

}  // namespace llkv::sql
