#include "sql/sql_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>

#include "common/ascii.h"
#include "llkv/arrow/builder.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"
#include "runtime/constraints.h"
#include "sql/alter_table.h"
#include "sql/binder.h"
#include "sql/copy.h"
#include "sql/cte.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/planner_internal.h"
#include "sql/returning.h"
#include "sql/table_rules.h"
#include "sql/trigger.h"
#include "sql/upsert.h"

namespace llkv::sql {

namespace {

// The transaction of the statement running on this thread: the session's
// explicit one, or the statement's own in autocommit (set by SqlEngine
// around each statement that writes; triggers run inside it).
thread_local runtime::Transaction* g_txn = nullptr;

// The id row versions the running statement writes carry.
table::TxnId WriteId(runtime::Database&) {
  if (!g_txn) Fail(ErrorKind::kInternal, "a statement wrote outside a transaction");
  return g_txn->id();
}

// Throws a conflict if another transaction dropped or replaced (ALTER
// TABLE) the table: rows written now would be lost with it.
void CheckNotSuperseded(runtime::Database& db, const table::Table& t, table::TxnId txn) {
  const table::TxnId by = db.DroppedBy(t.id());
  if (by != 0 && by != txn) {
    Fail(ErrorKind::kTransaction,
         "Conflict on table \"{}\": another transaction altered or dropped it", t.def().name);
  }
}

// Appends new row versions after the table's CHECK and FOREIGN KEY rules
// (`checked`: the caller ran them already).
void Insert(runtime::Database& db, const std::shared_ptr<table::Table>& t,
            const arrow::RecordBatch& rows, table::TxnId txn, bool checked = false) {
  CheckNotSuperseded(db, *t, txn);
  if (!checked) CheckNewRows(db, t, rows, txn);
  const uint64_t first = t->Insert(rows, txn);
  if (g_txn) g_txn->Inserted(t, first, static_cast<uint64_t>(rows.num_rows()));
}

// Marks `ids` deleted by the running transaction, after checking that no
// concurrent transaction changed them since its snapshot.
void MarkDeleted(runtime::Database& db, const std::shared_ptr<table::Table>& t,
                 std::span<const uint64_t> ids, table::TxnId txn, const char* what) {
  CheckNotSuperseded(db, *t, txn);
  runtime::CheckWriteConflicts(*t, txn, ids, what);
  t->MarkDeleted(ids, txn);
  if (g_txn) g_txn->Deleted(t, ids);
}

// One batch of all rows of `batches` (same schema; at least one).
arrow::RecordBatchPtr ConcatBatches(const std::vector<arrow::RecordBatchPtr>& batches) {
  if (batches.size() == 1) return batches[0];
  int64_t rows = 0;
  for (const auto& b : batches)
    rows += b->num_rows();
  std::vector<arrow::ArrayDataPtr> columns;
  for (int c = 0; c < batches[0]->num_columns(); ++c) {
    std::vector<arrow::ArrayDataPtr> parts;
    for (const auto& b : batches)
      parts.push_back(b->column(c));
    columns.push_back(arrow::Concatenate(parts));
  }
  return arrow::RecordBatch::Make(batches[0]->schema(), rows, std::move(columns));
}

// The running statement's writes, for foreign key actions.
RowWriter Writer(runtime::Database& db) {
  RowWriter w;
  w.txn = WriteId(db);
  w.append = [&db, txn = w.txn](const auto& t, const arrow::RecordBatch& rows) {
    Insert(db, t, rows, txn);
  };
  w.remove = [&db, txn = w.txn](const auto& t, std::span<const uint64_t> ids) {
    MarkDeleted(db, t, ids, txn, "delete");
  };
  return w;
}

// A name "schema.name" names an object of that schema (parser.cc): the
// schema must exist for it to be created.
void CheckSchemaOf(const std::string& name, runtime::Database& db) {
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return;
  const std::string schema = name.substr(0, dot);
  if (!db.HasSchema(schema))
    Fail(ErrorKind::kCatalog, "Schema with name {} does not exist!", schema);
}

StatementResult CreateTable(const CreateTableStatement& s, runtime::Database& db) {
  const std::string& name = s.table.back();
  CheckSchemaOf(name, db);
  if (auto existing = db.FindTable(name)) {
    if (s.if_not_exists) return {};
    if (!s.or_replace) Fail(ErrorKind::kCatalog, "Table with name \"{}\" already exists!", name);
    // OR REPLACE: dropped and created in the statement's transaction, so
    // others see the old table or the new one, never neither.
    CheckNotReferenced(db, *existing);
    db.DropTable(name);
  }
  if (s.as_select) {
    // CREATE TABLE ... AS SELECT: the query's columns (or the names given)
    // with its types, then its rows.
    execution::OperatorPtr plan = PlanQuery(*s.as_select, db);
    const auto& fields = plan->schema()->fields();
    if (s.columns.size() > fields.size()) {
      Fail(ErrorKind::kBinder, "table {} names {} columns but the query has {}", name,
           s.columns.size(), fields.size());
    }
    table::TableDef def;
    def.name = name;
    def.create_sql = s.text;
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string column = i < s.columns.size() ? s.columns[i].name : fields[i]->name();
      for (const auto& c : def.columns) {
        if (EqualsIgnoreCase(c.name, column)) {
          Fail(ErrorKind::kCatalog, "Column with name {} already exists!", column);
        }
      }
      arrow::TypePtr type = fields[i]->type();
      if (type->id() == arrow::TypeId::kNull) type = arrow::int64();  // SELECT NULL
      def.columns.push_back({column, type, true, def.next_field_id++});
    }
    auto t = db.CreateTable(std::move(def));
    const auto schema = t->def().Schema();
    int64_t rows = 0;
    while (auto batch = plan->Next()) {
      std::vector<arrow::ArrayDataPtr> columns;
      for (size_t i = 0; i < fields.size(); ++i) {
        columns.push_back(execution::Cast(*batch->column(static_cast<int>(i)),
                                          schema->field(static_cast<int>(i))->type()));
      }
      Insert(db, t, *arrow::RecordBatch::Make(schema, batch->num_rows(), std::move(columns)),
             WriteId(db));
      rows += batch->num_rows();
    }
    return StatementResult{nullptr, {}, rows};
  }
  table::TableDef def;
  def.name = name;
  for (const auto& c : s.columns) {
    for (const auto& existing : def.columns) {
      if (EqualsIgnoreCase(existing.name, c.name)) {
        Fail(ErrorKind::kCatalog, "Column with name {} already exists!", c.name);
      }
    }
    def.columns.push_back(
        {c.name, TypeFromName(c.type), !(c.not_null || c.primary_key), def.next_field_id++});
  }
  for (const auto& tc : s.constraints) {
    if (tc.kind == ConstraintKind::kPrimaryKey) {
      for (const auto& col : tc.columns) {
        auto i = def.FindColumn(col);
        if (!i) Fail(ErrorKind::kBinder, "column \"{}\" named in PRIMARY KEY does not exist", col);
        def.columns[*i].nullable = false;
      }
    }
  }
  if (def.columns.empty()) Fail(ErrorKind::kBinder, "a table needs at least one column");
  // PRIMARY KEY and UNIQUE become unique indexes over the columns' field ids.
  std::vector<std::pair<std::string, std::vector<std::string>>> unique_keys;
  for (const auto& c : s.columns) {
    if (c.primary_key) unique_keys.push_back({name + "_pkey", {c.name}});
    if (c.unique) unique_keys.push_back({"", {c.name}});
  }
  for (const auto& tc : s.constraints) {
    if (tc.kind == ConstraintKind::kPrimaryKey) unique_keys.push_back({name + "_pkey", tc.columns});
    if (tc.kind == ConstraintKind::kUnique) unique_keys.push_back({"", tc.columns});
  }
  int primary_keys = 0;
  std::vector<runtime::Database::Index> indexes;
  for (auto& [index_name, columns] : unique_keys) {
    runtime::Database::Index index;
    index.unique = true;
    if (index_name.empty()) {
      index_name = fmt::format("{}_unique_{}", name, indexes.size());
    } else if (++primary_keys > 1) {
      Fail(ErrorKind::kBinder, "table \"{}\" has more than one primary key", name);
    }
    index.name = index_name;
    for (const auto& col : columns) {
      auto i = def.FindColumn(col);
      if (!i) Fail(ErrorKind::kBinder, "column \"{}\" named in a key does not exist", col);
      index.field_ids.push_back(def.columns[*i].field_id);
    }
    indexes.push_back(std::move(index));
  }
  def.create_sql = s.text;
  ValidateRules(db, s, def);
  auto t = db.CreateTable(std::move(def));
  for (auto& index : indexes) {
    index.table_id = t->id();
    db.CreateIndex(std::move(index));
  }
  CreateForeignKeyIndexes(db, t);
  return {};
}

// Whether `q`'s WITH clause has data-modifying CTEs.
bool HasDmlCtes(const SelectStmt& q) {
  return std::any_of(q.ctes.begin(), q.ctes.end(), [](const auto& c) { return c.dml != nullptr; });
}

StatementResult CreateView(const CreateViewStatement& s, runtime::Database& db) {
  const std::string& name = s.view.back();
  CheckSchemaOf(name, db);
  if (db.FindView(name) || db.FindTable(name)) {
    if (s.if_not_exists) return {};
    if (s.or_replace && db.FindView(name)) {
      db.DropView(name);
    } else {
      Fail(ErrorKind::kCatalog, "View with name \"{}\" already exists!", name);
    }
  }
  if (HasDmlCtes(*s.query)) {
    Fail(ErrorKind::kBinder,
         "DML statements (INSERT, UPDATE, DELETE) in WITH are not allowed in a VIEW");
  }
  // Planning checks the query now; it runs only when the view is used.
  auto plan = PlanQuery(*s.query, db);
  if (s.column_names.size() > static_cast<size_t>(plan->schema()->num_fields())) {
    Fail(ErrorKind::kBinder, "view {} names {} columns but its query has {}", name,
         s.column_names.size(), plan->schema()->num_fields());
  }
  db.CreateView(name, s.text);
  return {};
}

StatementResult CreateTrigger(const CreateTriggerStatement& s, runtime::Database& db) {
  if (db.FindTrigger(s.name)) {
    if (s.if_not_exists) return {};
    Fail(ErrorKind::kCatalog, "Trigger with name \"{}\" already exists!", s.name);
  }
  if (!db.FindTable(s.table)) {
    if (db.FindView(s.table)) {
      Fail(ErrorKind::kNotImplemented, "triggers on views (INSTEAD OF) are not supported yet");
    }
    Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", s.table);
  }
  if (s.timing == TriggerTiming::kInsteadOf) {
    Fail(ErrorKind::kBinder, "cannot create INSTEAD OF trigger on table: {}", s.table);
  }
  // The body must parse now; names bind when it runs, as in SQLite.
  for (const auto& body : s.body) {
    for (const auto& statement : ParseSql(body)) {
      if (statement->kind != StatementKind::kInsert && statement->kind != StatementKind::kUpdate &&
          statement->kind != StatementKind::kDelete && statement->kind != StatementKind::kSelect) {
        Fail(ErrorKind::kParser, "a trigger body holds INSERT, UPDATE, DELETE and SELECT only: {}",
             statement->text.substr(0, 60));
      }
    }
  }
  db.CreateTrigger(s.name, s.table, s.text);
  return {};
}

StatementResult CreateIndex(const CreateIndexStatement& s, runtime::Database& db) {
  auto t = db.FindTable(s.table.back());
  if (!t) Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", s.table.back());
  if (db.FindIndex(s.index)) {
    if (s.if_not_exists) return {};
    Fail(ErrorKind::kCatalog, "Index with name \"{}\" already exists!", s.index);
  }
  runtime::Database::Index index;
  index.name = s.index;
  index.table_id = t->id();
  index.unique = s.unique;
  for (const auto& key : s.keys) {
    if (key.expr->kind != ExprKind::kColumnRef) {
      Fail(ErrorKind::kNotImplemented, "indexes on expressions are not supported yet");
    }
    auto i = t->def().FindColumn(key.expr->names.back());
    if (!i) {
      Fail(ErrorKind::kBinder, "Table \"{}\" does not have a column named \"{}\"", t->def().name,
           key.expr->names.back());
    }
    index.field_ids.push_back(t->def().columns[*i].field_id);
  }
  if (index.unique) runtime::CheckExistingUnique(db, t, WriteId(db), index);
  db.CreateIndex(std::move(index));
  return {};
}

StatementResult CreateSchema(const CreateSchemaStatement& s, runtime::Database& db) {
  if (db.HasSchema(s.name)) {
    if (s.if_not_exists) return {};
    Fail(ErrorKind::kCatalog, "Schema with name \"{}\" already exists!", s.name);
  }
  db.CreateSchema(s.name);
  return {};
}

// DROP SCHEMA: its tables, views and sequences go with it under CASCADE;
// otherwise any of them is an error.
void DropSchema(const std::string& name, const DropStatement& s, runtime::Database& db) {
  if (EqualsIgnoreCase(name, "main")) Fail(ErrorKind::kCatalog, "Cannot drop schema \"main\"");
  if (!db.HasSchema(name)) {
    if (s.if_exists) return;
    Fail(ErrorKind::kCatalog, "Schema with name {} does not exist!", name);
  }
  const std::string prefix = AsciiLower(name) + ".";
  auto inside = [&](const std::string& object) { return AsciiLower(object).rfind(prefix, 0) == 0; };
  std::vector<std::string> tables, views, sequences;
  for (const auto& t : db.Tables())
    if (inside(t->def().name)) tables.push_back(t->def().name);
  for (const auto& v : db.Views())
    if (inside(v->name)) views.push_back(v->name);
  for (const auto& q : db.SequenceNames())
    if (inside(q)) sequences.push_back(q);
  if (!s.cascade && !(tables.empty() && views.empty() && sequences.empty())) {
    const std::string first = !tables.empty()  ? tables[0]
                              : !views.empty() ? views[0]
                                               : sequences[0];
    Fail(ErrorKind::kCatalog,
         "Cannot drop schema \"{}\" because there are entries that depend on it (\"{}\"); "
         "use DROP SCHEMA ... CASCADE to drop them too",
         name, first);
  }
  for (const auto& v : views)
    db.DropView(v);
  for (const auto& t : tables) {
    CheckNotReferenced(db, *db.FindTable(t));
    db.DropTable(t);
  }
  for (const auto& q : sequences)
    db.DropSequence(q, true);
  db.DropSchema(name);
}

StatementResult Drop(const DropStatement& s, runtime::Database& db) {
  if (s.object == ObjectKind::kIndex) {
    for (const auto& name : s.names) {
      if (!db.FindIndex(name.back())) {
        if (s.if_exists) continue;
        Fail(ErrorKind::kCatalog, "Index with name {} does not exist!", name.back());
      }
      db.DropIndex(name.back());
    }
    return {};
  }

  if (s.object == ObjectKind::kView) {
    for (const auto& name : s.names) {
      if (!db.FindView(name.back())) {
        if (s.if_exists) continue;
        Fail(ErrorKind::kCatalog, "View with name {} does not exist!", name.back());
      }
      db.DropView(name.back());
    }
    return {};
  }
  if (s.object == ObjectKind::kTrigger) {
    for (const auto& name : s.names) {
      if (!db.FindTrigger(name.back())) {
        if (s.if_exists) continue;
        Fail(ErrorKind::kCatalog, "Trigger with name {} does not exist!", name.back());
      }
      db.DropTrigger(name.back());
    }
    return {};
  }
  if (s.object == ObjectKind::kSchema) {
    for (const auto& name : s.names)
      DropSchema(name.back(), s, db);
    return {};
  }
  for (const auto& name : s.names) {
    if (!db.FindTable(name.back())) {
      if (s.if_exists) continue;
      Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", name.back());
    }
    CheckNotReferenced(db, *db.FindTable(name.back()));
    db.DropTable(name.back());
  }
  return {};
}

StatementResult InsertBatch(const std::shared_ptr<table::Table>& t,
                            const arrow::RecordBatchPtr& batch, const InsertStatement& s,
                            runtime::Database& db);

// The rows an INSERT adds, as one batch in the table's column order
// (supplied columns cast to their types, the others NULL); null when the
// source yields no rows.
// Replaces the DEFAULT cells of a VALUES list (default_cells[row]: the
// source columns written DEFAULT) with their target columns' defaults.
void FillDefaults(runtime::Database& db, const table::Table& t, const std::vector<size_t>& targets,
                  const std::vector<std::vector<size_t>>& default_cells,
                  std::vector<arrow::ArrayDataPtr>& columns) {
  const auto rows = static_cast<int64_t>(default_cells.size());
  for (size_t k = 0; k < targets.size(); ++k) {
    std::vector<int> pick(default_cells.size(), 0);
    bool any = false;
    for (size_t r = 0; r < default_cells.size(); ++r) {
      for (size_t cell : default_cells[r]) {
        if (cell == k) pick[r] = 1, any = true;
      }
    }
    if (!any) continue;
    arrow::ArrayDataPtr& column = columns[targets[k]];
    column =
        execution::Choose(column->type, {column, DefaultValues(db, t, targets[k], rows)}, pick);
  }
}

arrow::RecordBatchPtr BuildInsertRows(const InsertStatement& s,
                                      const std::shared_ptr<table::Table>& t,
                                      runtime::Database& db) {
  const auto& def = t->def();
  // Target column of each source column.
  std::vector<size_t> targets;
  if (s.columns.empty()) {
    for (size_t i = 0; i < def.columns.size(); ++i) {
      if (!IsGenerated(*t, i)) targets.push_back(i);  // generated columns take no values
    }
  } else {
    for (const auto& name : s.columns) {
      auto i = def.FindColumn(name);
      if (!i)
        Fail(ErrorKind::kBinder, "Table \"{}\" does not have a column named \"{}\"", def.name,
             name);
      if (IsGenerated(*t, *i)) {
        Fail(ErrorKind::kBinder, "cannot insert into generated column \"{}\"", name);
      }
      if (std::find(targets.begin(), targets.end(), *i) != targets.end()) {
        Fail(ErrorKind::kBinder, "column \"{}\" is specified more than once", name);
      }
      targets.push_back(*i);
    }
  }
  std::vector<arrow::FieldPtr> fields;
  for (const auto& c : def.columns)
    fields.push_back(arrow::field(c.name, c.type));
  auto schema = std::make_shared<arrow::Schema>(std::move(fields));
  if (!s.source) {  // DEFAULT VALUES: one row of defaults
    std::vector<arrow::ArrayDataPtr> columns;
    for (size_t i = 0; i < def.columns.size(); ++i)
      columns.push_back(DefaultValues(db, *t, i, 1));
    return ComputeGenerated(db, *t, arrow::RecordBatch::Make(schema, 1, std::move(columns)));
  }
  // DEFAULT cells of a VALUES list, by row: planned as NULLs, then filled.
  std::vector<std::vector<size_t>> default_cells;
  for (size_t r = 0; r < s.source->values.size(); ++r) {
    for (size_t k = 0; k < s.source->values[r].size(); ++k) {
      if (s.source->values[r][k]->kind != ExprKind::kDefault) continue;
      default_cells.resize(s.source->values.size());
      default_cells[r].push_back(k);
    }
  }
  execution::OperatorPtr plan;
  {
    std::optional<sql::plan::AllowDefaultValues> allow;
    if (!default_cells.empty()) allow.emplace();
    const SelectStmt& q = *s.source;
    if (!q.values.empty() && q.ctes.empty() && q.order_by.empty() && !q.limit && !q.offset &&
        q.values[0].size() == targets.size()) {
      std::vector<arrow::TypePtr> types;
      for (size_t k : targets)
        types.push_back(def.columns[k].type);
      plan = plan::PlanValues(q, &db, &types);
    } else {
      plan = PlanQuery(q, db);
    }
  }
  if (static_cast<size_t>(plan->schema()->num_fields()) != targets.size()) {
    Fail(ErrorKind::kBinder, "table {} has {} columns but {} values were supplied", def.name,
         targets.size(), plan->schema()->num_fields());
  }
  std::vector<arrow::RecordBatchPtr> rows = execution::Collect(*plan);
  int64_t total = 0;
  for (const auto& b : rows)
    total += b->num_rows();
  if (total == 0) return nullptr;
  std::vector<arrow::ArrayDataPtr> columns(def.columns.size());
  for (size_t k = 0; k < targets.size(); ++k) {
    std::vector<arrow::ArrayDataPtr> parts;
    for (const auto& b : rows)
      parts.push_back(
          execution::Cast(*b->column(static_cast<int>(k)), def.columns[targets[k]].type));
    columns[targets[k]] = arrow::Concatenate(parts);
  }
  if (!default_cells.empty()) FillDefaults(db, *t, targets, default_cells, columns);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!columns[i]) columns[i] = DefaultValues(db, *t, i, total);
  }
  // Nullable fields: NOT NULL is the table's check, with its Constraint Error.
  return ComputeGenerated(db, *t, arrow::RecordBatch::Make(schema, total, std::move(columns)));
}

std::shared_ptr<table::Table> InsertTarget(const InsertStatement& s, runtime::Database& db) {
  auto t = db.FindTable(s.table.back());
  if (!t) Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", s.table.back());
  return t;
}

StatementResult InsertRows(const std::shared_ptr<table::Table>& t,
                           const arrow::RecordBatchPtr& batch, const InsertStatement& s,
                           runtime::Database& db);

StatementResult Insert(const InsertStatement& s, runtime::Database& db) {
  auto t = InsertTarget(s, db);
  auto batch = BuildInsertRows(s, t, db);
  if (!batch) return StatementResult{nullptr, {}, 0};
  return InsertRows(t, batch, s, db);
}

// COPY FROM's rows: `given` for the columns `targets`, defaults for the
// others, inserted as INSERT inserts.
int64_t InsertColumns(runtime::Database& db, const std::shared_ptr<table::Table>& t,
                      const std::vector<size_t>& targets, std::vector<arrow::ArrayDataPtr> given,
                      int64_t n) {
  const auto& def = t->def();
  std::vector<arrow::ArrayDataPtr> columns(def.columns.size());
  for (size_t k = 0; k < targets.size(); ++k)
    columns[targets[k]] = std::move(given[k]);
  std::vector<arrow::FieldPtr> fields;
  for (size_t i = 0; i < def.columns.size(); ++i) {
    if (!columns[i]) columns[i] = DefaultValues(db, *t, i, n);
    fields.push_back(arrow::field(def.columns[i].name, def.columns[i].type));
  }
  auto schema = std::make_shared<arrow::Schema>(std::move(fields));
  auto batch = ComputeGenerated(db, *t, arrow::RecordBatch::Make(schema, n, std::move(columns)));
  InsertStatement plain;
  plain.table = {def.name};
  return InsertRows(t, batch, plain, db).rows_changed;
}

// Inserts `batch` (the table's columns): with triggers row by row, else at once.
StatementResult InsertRows(const std::shared_ptr<table::Table>& t,
                           const arrow::RecordBatchPtr& batch, const InsertStatement& s,
                           runtime::Database& db) {
  const int64_t total = batch->num_rows();
  if (!HasTriggers(db, *t, TriggerEvent::kInsert)) return InsertBatch(t, batch, s, db);
  // With triggers, row by row: BEFORE triggers, the row, AFTER triggers.
  int64_t inserted = 0;
  for (int64_t i = 0; i < total; ++i) {
    std::vector<arrow::ArrayDataPtr> row;
    std::vector<execution::Value> values;
    for (const auto& c : batch->columns()) {
      row.push_back(arrow::Take(*c, std::vector<int64_t>{i}));
      values.push_back(execution::Value::FromArray(*c, i));
    }
    FireTriggers(db, *t, TriggerEvent::kInsert, TriggerTiming::kBefore, nullptr, &values, {});
    inserted += InsertBatch(t, arrow::RecordBatch::Make(batch->schema(), 1, std::move(row)), s, db)
                    .rows_changed;
    FireTriggers(db, *t, TriggerEvent::kInsert, TriggerTiming::kAfter, nullptr, &values, {});
  }
  return StatementResult{nullptr, {}, inserted};
}

// Appends `batch` (the table's columns) after the uniqueness checks, or
// with conflicting rows skipped or replaced.
StatementResult InsertBatch(const std::shared_ptr<table::Table>& t,
                            const arrow::RecordBatchPtr& batch, const InsertStatement& s,
                            runtime::Database& db) {
  const ConflictAction on_conflict = s.on_conflict;
  const int64_t total = batch->num_rows();
  if (on_conflict == ConflictAction::kNone) {
    runtime::CheckUnique(db, t, WriteId(db), {batch}, {});
    Insert(db, t, *batch, WriteId(db));
    return StatementResult{nullptr, {}, total};
  }
  // OR IGNORE / DO NOTHING skip conflicting rows; OR REPLACE removes the
  // rows they conflict with. New versions go in before old ones are marked
  // deleted, so a failing insert (NOT NULL) changes nothing.
  // ON CONFLICT (columns) resolves conflicts on the unique index over
  // exactly those columns; a conflict on any other still fails.
  std::shared_ptr<const runtime::Database::Index> target_index;
  if (!s.conflict_columns.empty()) {
    std::vector<uint32_t> fields;
    for (const auto& name : s.conflict_columns) {
      auto c = t->def().FindColumn(name);
      if (!c) {
        Fail(ErrorKind::kBinder, "Table \"{}\" does not have a column named \"{}\"", t->def().name,
             name);
      }
      fields.push_back(t->def().columns[*c].field_id);
    }
    std::sort(fields.begin(), fields.end());
    for (const auto& index : db.IndexesOf(t->id())) {
      std::vector<uint32_t> have = index->field_ids;
      std::sort(have.begin(), have.end());
      if (index->unique && have == fields) target_index = index;
    }
    if (!target_index) {
      Fail(ErrorKind::kBinder,
           "The specified columns as conflict target are not referenced by a UNIQUE/PRIMARY KEY "
           "CONSTRAINT or INDEX");
    }
  }
  if (on_conflict == ConflictAction::kUpdate) {
    if (!target_index) {
      for (const auto& index : db.IndexesOf(t->id())) {
        if (!index->unique) continue;
        if (target_index) {
          Fail(ErrorKind::kBinder,
               "Conflict target has to be provided for a DO UPDATE operation when the table has "
               "multiple UNIQUE/PRIMARY KEY constraints");
        }
        target_index = index;
      }
      if (!target_index) {
        Fail(ErrorKind::kBinder,
             "ON CONFLICT DO UPDATE needs a UNIQUE or PRIMARY KEY constraint on table \"{}\"",
             t->def().name);
      }
    }
    return StatementResult{nullptr, {}, Upsert(db, t, *batch, s, *target_index, Writer(db))};
  }
  std::optional<uint64_t> target;
  if (target_index) target = target_index->id;
  const runtime::ConflictResolution resolution = runtime::ResolveConflicts(
      db, t, WriteId(db), *batch, on_conflict == ConflictAction::kReplace, target);
  std::vector<arrow::ArrayDataPtr> kept;
  for (const auto& c : batch->columns())
    kept.push_back(arrow::Take(*c, resolution.keep));
  const auto n = static_cast<int64_t>(resolution.keep.size());
  auto kept_rows = arrow::RecordBatch::Make(batch->schema(), n, std::move(kept));
  const table::TxnId txn = WriteId(db);
  if (target) runtime::CheckUnique(db, t, txn, {kept_rows}, resolution.replaced);
  if (n > 0) Insert(db, t, *kept_rows, txn);
  ApplyReferentialActions(db, t, resolution.replaced, nullptr, Writer(db));
  MarkDeleted(db, t, resolution.replaced, txn, "replace");
  return StatementResult{nullptr, {}, n};
}

// UPDATE or DELETE of the rows `ids` (with `new_rows`, batches in the same
// order, for an UPDATE) one row at a time, each between its BEFORE and
// AFTER triggers.
StatementResult ChangeRowsWithTriggers(const std::shared_ptr<table::Table>& t,
                                       const std::vector<uint64_t>& ids,
                                       const std::vector<arrow::RecordBatchPtr>& new_rows,
                                       const std::vector<size_t>& set_columns, TriggerEvent event,
                                       runtime::Database& db) {
  std::vector<size_t> all(t->def().columns.size());
  for (size_t i = 0; i < all.size(); ++i)
    all[i] = i;
  size_t batch = 0;
  int64_t in_batch = 0;
  int64_t changed = 0;
  for (uint64_t id : ids) {
    std::vector<execution::Value> old_row, new_row;
    for (const auto& col : t->Fetch(all, std::span<const uint64_t>(&id, 1)))
      old_row.push_back(execution::Value::FromArray(*col, 0));
    arrow::RecordBatchPtr replacement;
    if (event == TriggerEvent::kUpdate) {
      while (in_batch >= new_rows[batch]->num_rows()) {
        ++batch;
        in_batch = 0;
      }
      std::vector<arrow::ArrayDataPtr> row;
      for (const auto& c : new_rows[batch]->columns()) {
        row.push_back(arrow::Take(*c, std::vector<int64_t>{in_batch}));
        new_row.push_back(execution::Value::FromArray(*c, in_batch));
      }
      ++in_batch;
      replacement = arrow::RecordBatch::Make(new_rows[batch]->schema(), 1, std::move(row));
    }
    const auto* new_values = event == TriggerEvent::kUpdate ? &new_row : nullptr;
    FireTriggers(db, *t, event, TriggerTiming::kBefore, &old_row, new_values, set_columns);
    const table::TxnId txn = WriteId(db);
    if (replacement) {
      runtime::CheckUnique(db, t, txn, {replacement}, std::span<const uint64_t>(&id, 1));
      Insert(db, t, *replacement, txn);
    }
    ApplyReferentialActions(db, t, std::span<const uint64_t>(&id, 1), replacement.get(),
                            Writer(db));
    MarkDeleted(db, t, std::span<const uint64_t>(&id, 1), txn,
                event == TriggerEvent::kUpdate ? "update" : "delete");
    ++changed;
    FireTriggers(db, *t, event, TriggerTiming::kAfter, &old_row, new_values, set_columns);
  }
  return StatementResult{nullptr, {}, changed};
}

// UPDATE and DELETE in autocommit: the matching rows' versions are marked
// deleted; an UPDATE first inserts their new versions (so a constraint
// failure changes nothing).
StatementResult ChangeRows(const std::vector<std::string>& name, const std::string& alias,
                           const std::vector<SetItem>& set, const Expr* where, bool is_update,
                           runtime::Database& db, const std::vector<TableRefPtr>* from = nullptr) {
  auto t = db.FindTable(name.back());
  if (!t) Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", name.back());
  RowChangePlan plan = PlanRowChange(t, alias, set, where, db, from);
  std::vector<uint64_t> ids;
  std::vector<arrow::RecordBatchPtr> new_rows;
  const auto& def = t->def();
  std::vector<arrow::FieldPtr> fields;
  for (const auto& c : def.columns)
    fields.push_back(arrow::field(c.name, c.type));
  auto schema = std::make_shared<arrow::Schema>(std::move(fields));
  while (auto batch = plan.rows->Next()) {
    const auto* row_ids = batch->column(0)->values<uint64_t>();
    ids.insert(ids.end(), row_ids, row_ids + batch->num_rows());
    if (!is_update) continue;
    std::vector<arrow::ArrayDataPtr> columns;
    for (size_t c = 0; c < def.columns.size(); ++c)
      columns.push_back(batch->column(static_cast<int>(c + 1)));
    for (size_t k = 0; k < plan.columns.size(); ++k) {
      columns[plan.columns[k]] = execution::Evaluate(*plan.values[k], *batch);
    }
    new_rows.push_back(ComputeGenerated(
        db, *t, arrow::RecordBatch::Make(schema, batch->num_rows(), std::move(columns))));
  }
  if (ids.empty()) return StatementResult{nullptr, {}, 0};
  const TriggerEvent event = is_update ? TriggerEvent::kUpdate : TriggerEvent::kDelete;
  if (HasTriggers(db, *t, event)) {
    return ChangeRowsWithTriggers(t, ids, new_rows, plan.columns, event, db);
  }
  const std::vector<uint64_t> scan_order = ids;  // aligned with new_rows
  std::sort(ids.begin(), ids.end());
  const table::TxnId txn = WriteId(db);
  // A conflict is found before anything is written.
  runtime::CheckWriteConflicts(*t, txn, ids, is_update ? "update" : "delete");
  if (is_update) runtime::CheckUnique(db, t, txn, new_rows, ids);
  for (const auto& rows : new_rows)
    Insert(db, t, *rows, txn);
  // Rows referencing keys that go away: after the new versions exist, so a
  // CASCADE finds the new key.
  if (is_update) {
    ApplyReferentialActions(db, t, scan_order, ConcatBatches(new_rows).get(), Writer(db));
  } else {
    ApplyReferentialActions(db, t, scan_order, nullptr, Writer(db));
  }
  MarkDeleted(db, t, ids, txn, is_update ? "update" : "delete");
  return StatementResult{nullptr, {}, static_cast<int64_t>(ids.size())};
}

}  // namespace

// Runs an INSERT, UPDATE or DELETE; with a RETURNING list, its result is
// the rows the statement wrote to its table (`deleted`: the rows it
// deleted) through that list.
template <typename Run>
StatementResult WithReturning(const std::vector<SelectItem>& returning,
                              const std::vector<std::string>& table, const std::string& alias,
                              bool deleted, runtime::Database& db, Run run) {
  if (returning.empty()) return run();
  const size_t mark = g_txn->writes();
  StatementResult r = run();
  auto t = db.FindTable(table.back());
  if (!t) Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", table.back());
  return ReturningRows(returning, t, alias, g_txn->WrittenSince(mark, t->id(), !deleted), db,
                       r.rows_changed);
}

StatementResult RunStatement(const Statement& s, runtime::Database& db);

// Runs the data-modifying CTEs of `q`'s WITH clause, in order, keeping
// each one's RETURNING rows for the query to read (see cte.h).
// Each runs where the CTEs before it are visible. Without RETURNING a
// CTE has no columns and a row per row changed (DuckDB).
void RunDmlCtes(const SelectStmt& q, runtime::Database& db) {
  for (size_t i = 0; i < q.ctes.size(); ++i) {
    const CommonTableExpr& cte = q.ctes[i];
    if (!cte.dml) continue;
    StatementResult r;
    {
      std::optional<plan::CteScope> before;
      if (i > 0) before.emplace(plan::DefineCtes(q, db, nullptr, i));
      r = RunStatement(*cte.dml, db);
    }
    auto rows = std::make_shared<DmlCteRows>();
    if (r.schema) {
      rows->schema = std::move(r.schema);
      rows->batches = std::move(r.batches);
    } else {
      rows->schema = std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{});
      rows->batches.push_back(arrow::RecordBatch::Make(rows->schema, r.rows_changed, {}));
    }
    cte.dml_rows = std::move(rows);
  }
}

// EXPLAIN [ANALYZE] of a query: one row per operator (see ExplainPlan); with
// ANALYZE the query runs first (its rows are counted, not returned).
StatementResult ExplainQuery(const ExplainStatement& e, runtime::Database& db) {
  const auto start = std::chrono::steady_clock::now();
  const SelectStmt& query = *static_cast<const SelectStatement&>(*e.inner).query;
  if (HasDmlCtes(query)) {
    // Only EXPLAIN ANALYZE runs the statement, so only it may change data.
    if (!e.analyze) {
      Fail(ErrorKind::kNotImplemented,
           "EXPLAIN of a query with a data-modifying WITH (EXPLAIN ANALYZE runs it)");
    }
    RunDmlCtes(query, db);
  }
  execution::OperatorPtr plan = PlanQuery(query, db);
  uint64_t rows = 0;
  if (e.analyze) {
    while (auto batch = plan->Next())
      rows += static_cast<uint64_t>(batch->num_rows());
  }
  std::vector<std::string> lines = execution::ExplainPlan(*plan, e.analyze);
  if (e.analyze) {
    lines.push_back(fmt::format(
        "Total: {} row{} in {:.3f} ms (planning included)", rows, rows == 1 ? "" : "s",
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count()));
  }
  StatementResult r;
  r.schema = std::make_shared<arrow::Schema>(
      std::vector<arrow::FieldPtr>{arrow::field("QUERY PLAN", arrow::utf8(), false)});
  arrow::StringBuilder text(arrow::utf8());
  for (const auto& line : lines)
    text.Append(line);
  r.batches.push_back(
      arrow::RecordBatch::Make(r.schema, static_cast<int64_t>(lines.size()), {text.Finish()}));
  return r;
}

// WITH ... UPDATE / DELETE: runs the clause's data-modifying CTEs, then
// keeps its CTEs visible while the returned scope lives (none without WITH).
std::unique_ptr<plan::CteScope> EnterWith(const SelectStmt* with, runtime::Database& db) {
  if (!with) return nullptr;
  RunDmlCtes(*with, db);
  return std::make_unique<plan::CteScope>(plan::DefineCtes(*with, db, nullptr));
}

StatementResult RunStatement(const Statement& s, runtime::Database& db) {
  switch (s.kind) {
    case StatementKind::kSelect: {
      RunDmlCtes(*static_cast<const SelectStatement&>(s).query, db);
      execution::OperatorPtr plan = PlanQuery(*static_cast<const SelectStatement&>(s).query, db);
      StatementResult r;
      r.schema = plan->schema();
      r.batches = execution::Collect(*plan);
      return r;
    }
    case StatementKind::kCreateTable:
      return CreateTable(static_cast<const CreateTableStatement&>(s), db);
    case StatementKind::kDrop:
      return Drop(static_cast<const DropStatement&>(s), db);
    case StatementKind::kInsert: {
      const auto& i = static_cast<const InsertStatement&>(s);
      if (i.source) RunDmlCtes(*i.source, db);
      return WithReturning(i.returning, i.table, i.alias, false, db, [&] { return Insert(i, db); });
    }
    case StatementKind::kCopy: {
      StatementResult r;
      r.rows_changed = Copy(static_cast<const CopyStatement&>(s), db, [&db](auto&&... args) {
        return InsertColumns(db, std::forward<decltype(args)>(args)...);
      });
      return r;
    }
    case StatementKind::kCreateIndex:
      return CreateIndex(static_cast<const CreateIndexStatement&>(s), db);
    case StatementKind::kReindex: {
      // REINDEX [name]: an index, a table's indexes, or all of them are
      // rebuilt from the live rows on their next use.
      const auto& r = static_cast<const ReindexStatement&>(s);
      if (!r.name.empty() && !db.FindIndex(r.name.back()) && !db.FindTable(r.name.back())) {
        Fail(ErrorKind::kCatalog, "no index or table named {}", r.name.back());
      }
      db.Reindex(r.name.empty() ? "" : r.name.back());
      return {};
    }
    case StatementKind::kVacuum: {
      const auto& v = static_cast<const VacuumStatement&>(s);
      std::vector<std::shared_ptr<table::Table>> tables;
      for (const auto& name : v.tables) {
        auto t = db.FindTable(name.back());
        if (!t) Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", name.back());
        tables.push_back(std::move(t));
      }
      if (!v.vacuum) return {};
      if (v.tables.empty()) tables = db.Tables();
      for (const auto& t : tables)
        db.Vacuum(*t);
      return {};
    }
    case StatementKind::kCreateView:
      return CreateView(static_cast<const CreateViewStatement&>(s), db);
    case StatementKind::kCreateSchema:
      return CreateSchema(static_cast<const CreateSchemaStatement&>(s), db);
    case StatementKind::kAlterTable:
      return AlterTable(static_cast<const AlterTableStatement&>(s), db, Writer(db),
                        [&db](const CreateTableStatement& c) { CreateTable(c, db); });
    case StatementKind::kCreateTrigger:
      return CreateTrigger(static_cast<const CreateTriggerStatement&>(s), db);
    case StatementKind::kUpdate: {
      const auto& u = static_cast<const UpdateStatement&>(s);
      const auto ctes = EnterWith(u.with.get(), db);
      return WithReturning(u.returning, u.table, u.alias, false, db, [&] {
        return ChangeRows(u.table, u.alias, u.set, u.where.get(), true, db, &u.from);
      });
    }
    case StatementKind::kDelete: {
      const auto& d = static_cast<const DeleteStatement&>(s);
      const auto ctes = EnterWith(d.with.get(), db);
      return WithReturning(d.returning, d.table, d.alias, true, db, [&] {
        return ChangeRows(d.table, d.alias, {}, d.where.get(), false, db, &d.using_tables);
      });
    }
    default:
      Fail(ErrorKind::kNotImplemented, "this statement is not supported yet: {}",
           s.text.substr(0, 60));
  }
}

std::vector<StatementPtr> SqlEngine::Parse(std::string_view sql) {
  return ParseSql(sql);
}

namespace {

bool ConstantValue(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral:
      return true;
    case ExprKind::kUnaryOp:
    case ExprKind::kBinaryOp:
    case ExprKind::kCast:
      return std::all_of(e.args.begin(), e.args.end(),
                         [](const auto& a) { return ConstantValue(*a); });
    default:
      return false;
  }
}

}  // namespace

std::string SqlEngine::BatchKey(const Statement& statement) const {
  if (statement.kind != StatementKind::kInsert || statement.parameter_count > 0) return "";
  const auto& s = static_cast<const InsertStatement&>(statement);
  if (s.on_conflict != ConflictAction::kNone || !s.returning.empty() || !s.source ||
      s.source->values.empty() || !s.source->ctes.empty()) {
    return "";
  }
  for (const auto& row : s.source->values) {
    for (const auto& v : row) {
      if (!ConstantValue(*v)) return "";
    }
  }
  auto t = db_->FindTable(s.table.back());
  if (!t || HasTriggers(*db_, *t, TriggerEvent::kInsert)) return "";
  std::string key = t->def().name;
  for (char& c : key)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

void SqlEngine::CheckWritable() const {
  if (txn_ && read_only_) {
    Fail(ErrorKind::kTransaction,
         "Cannot write: the transaction is launched in read-only mode (BEGIN ... READ ONLY)");
  }
}

void SqlEngine::RunInsertRun(std::span<const Statement* const> run,
                             std::vector<StatementResult>* results) {
  CheckWritable();
  if (txn_) {
    InTransaction([&] { RunInsertRunAlone(run, results); });
    return;
  }
  // Autocommit: each statement stands alone, so the ones before a failing
  // statement commit (they were applied; it was not) and its error is
  // thrown after.
  std::exception_ptr error;
  InTransaction([&] {
    try {
      RunInsertRunAlone(run, results);
    } catch (...) {
      error = std::current_exception();
    }
  });
  if (error) std::rethrow_exception(error);
}

void SqlEngine::RunInsertRunAlone(std::span<const Statement* const> run,
                                  std::vector<StatementResult>* results) {
  runtime::Database& db = *db_;
  std::shared_ptr<table::Table> t;
  std::vector<arrow::RecordBatchPtr> pending;
  runtime::PendingKeys keys;
  auto flush = [&] {
    if (pending.empty()) return;
    Insert(db, t, *ConcatBatches(pending), WriteId(db), /*checked=*/true);
    pending.clear();
  };
  for (const Statement* statement : run) {
    const auto& s = static_cast<const InsertStatement&>(*statement);
    try {
      if (!t) t = InsertTarget(s, db);
      auto batch = BuildInsertRows(s, t, db);
      if (batch) {
        t->CheckRows(*batch);
        CheckNewRows(db, t, *batch, WriteId(db));
        keys.Check(db, t, WriteId(db), batch);
        pending.push_back(batch);
      }
      results->push_back(StatementResult{nullptr, {}, batch ? batch->num_rows() : 0});
    } catch (...) {
      flush();
      throw;
    }
  }
  flush();
}

// Runs `body` (which writes) in the session's transaction: the explicit
// one, where an error aborts it; or in autocommit a transaction of its own,
// committed when it returns and rolled back when it throws, so a statement
// takes effect whole or not at all.
template <typename Body>
auto SqlEngine::InTransaction(Body body) -> decltype(body()) {
  struct Scope {
    explicit Scope(runtime::Transaction* t) : reads(t->snapshot()) { g_txn = t; }
    ~Scope() { g_txn = nullptr; }
    SnapshotScope reads;
  };
  if (!txn_) {
    runtime::Transaction txn(*db_);
    Scope scope(&txn);
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      txn.Commit();
    } else {
      auto r = body();
      txn.Commit();
      return r;
    }
  } else {
    if (txn_->aborted()) {
      Fail(ErrorKind::kTransaction,
           "Current transaction is aborted (please ROLLBACK): a statement in it failed");
    }
    Scope scope(txn_.get());
    const size_t writes_before = txn_->writes();
    try {
      // A long transaction's buffered writes go to the file between its
      // statements (recorded as in progress) rather than all at COMMIT.
      if constexpr (std::is_void_v<decltype(body())>) {
        body();
        db_->MaybeCheckpoint();
      } else {
        auto r = body();
        db_->MaybeCheckpoint();
        return r;
      }
    } catch (const Error& e) {
      const bool refused = e.kind() == ErrorKind::kParser || e.kind() == ErrorKind::kBinder ||
                           e.kind() == ErrorKind::kCatalog;
      if (!refused || txn_->writes() != writes_before) txn_->MarkAborted();
      throw;
    } catch (...) {
      txn_->MarkAborted();
      throw;
    }
  }
}

// Runs `body` (which only reads) with the session's snapshot: its
// transaction's, or in autocommit a fresh one.
template <typename Body>
auto SqlEngine::Reading(Body body) -> decltype(body()) {
  if (txn_) return InTransaction(body);
  SnapshotScope reads(db_->txn_ids().TakeSnapshot(0));
  return body();
}

SqlEngine::~SqlEngine() = default;  // an open transaction rolls back

StatementResult SqlEngine::RunTransactionStatement(const TransactionStatement& s) {
  switch (s.op) {
    case TransactionOp::kBegin:
      if (txn_) {
        Fail(ErrorKind::kTransaction, "cannot start a transaction within a transaction");
      }
      txn_ = std::make_unique<runtime::Transaction>(*db_);
      read_only_ = s.read_only;
      return {};
    case TransactionOp::kCommit: {
      if (!txn_) Fail(ErrorKind::kTransaction, "cannot commit - no transaction is active");
      auto txn = std::move(txn_);
      txn->Commit();
      return {};
    }
    case TransactionOp::kRollback: {
      if (!txn_) Fail(ErrorKind::kTransaction, "cannot rollback - no transaction is active");
      auto txn = std::move(txn_);
      txn->Rollback();
      return {};
    }
    case TransactionOp::kSavepoint:
    case TransactionOp::kRelease:
    case TransactionOp::kRollbackTo:
      if (!txn_) {
        Fail(ErrorKind::kTransaction, "{} can only be used in transaction blocks",
             s.op == TransactionOp::kSavepoint ? "SAVEPOINT"
             : s.op == TransactionOp::kRelease ? "RELEASE SAVEPOINT"
                                               : "ROLLBACK TO SAVEPOINT");
      }
      if (s.op == TransactionOp::kSavepoint) {
        if (txn_->aborted()) {
          Fail(ErrorKind::kTransaction,
               "Current transaction is aborted (please ROLLBACK): a statement in it failed");
        }
        txn_->Savepoint(s.savepoint);
      } else if (s.op == TransactionOp::kRelease) {
        txn_->Release(s.savepoint);
      } else {
        txn_->RollbackTo(s.savepoint);
      }
      return {};
  }
  Fail(ErrorKind::kInternal, "unknown transaction statement");
}

execution::OperatorPtr SqlEngine::Open(const Statement& statement) {
  if (statement.kind != StatementKind::kSelect ||
      HasDmlCtes(*static_cast<const SelectStatement&>(statement).query)) {
    return nullptr;  // run whole
  }
  SettingsScope settings(&settings_);
  return Reading(
      [&] { return PlanQuery(*static_cast<const SelectStatement&>(statement).query, *db_); });
}

StatementResult SqlEngine::Run(const Statement& statement) {
  StatementResult r = RunOne(statement);
  // After the statement's transaction and snapshot are gone: reclaim the
  // versions it (or others) left dead, where enough piled up. A failure
  // here leaves them for next time; the statement itself succeeded.
  try {
    db_->MaybeVacuum();
  } catch (const Error&) {
  }
  return r;
}

StatementResult SqlEngine::RunOne(const Statement& statement) {
  if (statement.kind == StatementKind::kTransaction) {
    return RunTransactionStatement(static_cast<const TransactionStatement&>(statement));
  }
  if (statement.kind == StatementKind::kSet) {
    const auto& s = static_cast<const SetStatement&>(statement);
    if (s.reset) {
      settings_.Reset(s.name);
    } else {
      settings_.Set(s.name, plan::EvaluateConstant(*s.value));
    }
    return {};
  }
  if (statement.kind == StatementKind::kCreateSequence ||
      (statement.kind == StatementKind::kDrop &&
       static_cast<const DropStatement&>(statement).object == ObjectKind::kSequence)) {
    // Sequences are not transactional (their values never are): their
    // creation and removal are refused inside BEGIN ... COMMIT rather than
    // left in place by a ROLLBACK.
    if (txn_) {
      Fail(ErrorKind::kTransaction,
           "CREATE / DROP SEQUENCE cannot run inside a transaction block (sequences are not "
           "transactional)");
    }
    CheckWritable();
    if (statement.kind == StatementKind::kDrop) {
      const auto& d = static_cast<const DropStatement&>(statement);
      for (const auto& name : d.names)
        db_->DropSequence(name.back(), d.if_exists);
      return {};
    }
    const auto& c = static_cast<const CreateSequenceStatement&>(statement);
    runtime::Database::Sequence s;
    s.name = c.name;
    s.increment = c.increment.value_or(1);
    s.min = c.min.value_or(s.increment > 0 ? 1 : INT64_MIN);
    s.max = c.max.value_or(s.increment > 0 ? INT64_MAX : -1);
    s.start = c.start.value_or(s.increment > 0 ? s.min : s.max);
    s.cycle = c.cycle;
    CheckSchemaOf(s.name, *db_);
    db_->CreateSequence(std::move(s), c.if_not_exists);
    return {};
  }
  if (statement.kind == StatementKind::kPrepare) {
    const auto& p = static_cast<const PrepareStatement&>(statement);
    prepared_[p.name] = p.statement;  // a new PREPARE of a name replaces it
    return {};
  }
  if (statement.kind == StatementKind::kDeallocate) {
    const auto& d = static_cast<const DeallocateStatement&>(statement);
    if (d.name.empty()) {
      prepared_.clear();
    } else if (prepared_.erase(d.name) == 0) {
      Fail(ErrorKind::kInvalidInput, "Prepared statement \"{}\" does not exist", d.name);
    }
    return {};
  }
  if (statement.kind == StatementKind::kExecute) {
    const auto& e = static_cast<const ExecuteStatement&>(statement);
    auto it = prepared_.find(e.name);
    if (it == prepared_.end()) {
      Fail(ErrorKind::kInvalidInput, "Prepared statement \"{}\" does not exist", e.name);
    }
    const std::shared_ptr<Statement> prepared = it->second;  // alive even if replaced
    if (static_cast<int>(e.values.size()) != prepared->parameter_count) {
      Fail(ErrorKind::kInvalidInput,
           "Wrong number of parameters for prepared statement \"{}\": expected {}, got {}", e.name,
           prepared->parameter_count, e.values.size());
    }
    std::vector<std::optional<execution::Value>> values;
    for (const auto& v : e.values)
      values.emplace_back(plan::EvaluateConstant(*v, db_.get()));
    prepared->parameters->values = std::move(values);
    return RunOne(*prepared);
  }
  if (statement.kind == StatementKind::kShow) {
    const auto& s = static_cast<const ShowStatement&>(statement);
    StatementResult r;
    r.schema = std::make_shared<arrow::Schema>(
        std::vector<arrow::FieldPtr>{arrow::field(s.name, arrow::utf8())});
    arrow::StringBuilder value(arrow::utf8());
    value.Append(settings_.Show(s.name));
    r.batches.push_back(arrow::RecordBatch::Make(r.schema, 1, {value.Finish()}));
    return r;
  }
  SettingsScope settings(&settings_);
  // A query only reads, unless its WITH clause changes data.
  if (statement.kind == StatementKind::kSelect &&
      !HasDmlCtes(*static_cast<const SelectStatement&>(statement).query)) {
    return Reading([&] { return RunStatement(statement, *db_); });
  }
  if (statement.kind == StatementKind::kExplain) {
    const auto& e = static_cast<const ExplainStatement&>(statement);
    if (e.inner->kind != StatementKind::kSelect) {
      Fail(ErrorKind::kNotImplemented,
           "EXPLAIN shows the plans of queries (SELECT, VALUES, WITH ... SELECT), not of "
           "other statements: {}",
           statement.text.substr(0, 60));
    }
    if (!e.analyze || !HasDmlCtes(*static_cast<const SelectStatement&>(*e.inner).query)) {
      return Reading([&] { return ExplainQuery(e, *db_); });
    }
  }
  CheckWritable();
  using Object = runtime::Transaction::Object;
  std::optional<std::pair<Object, std::string>> created;
  switch (statement.kind) {
    case StatementKind::kVacuum:
      if (txn_ && static_cast<const VacuumStatement&>(statement).vacuum) {
        txn_->MarkAborted();
        Fail(ErrorKind::kTransaction, "VACUUM cannot run inside a transaction block");
      }
      break;
    case StatementKind::kCreateTable:
      created.emplace(Object::kTable,
                      static_cast<const CreateTableStatement&>(statement).table.back());
      break;
    case StatementKind::kCreateView:
      created.emplace(Object::kView,
                      static_cast<const CreateViewStatement&>(statement).view.back());
      break;
    case StatementKind::kCreateIndex:
      created.emplace(Object::kIndex, static_cast<const CreateIndexStatement&>(statement).index);
      break;
    case StatementKind::kCreateSchema:
      created.emplace(Object::kSchema, static_cast<const CreateSchemaStatement&>(statement).name);
      break;
    case StatementKind::kCreateTrigger:
      created.emplace(Object::kTrigger, static_cast<const CreateTriggerStatement&>(statement).name);
      break;
    case StatementKind::kAlterTable: {
      // The table that replaces the altered one, under its final name.
      const auto& a = static_cast<const AlterTableStatement&>(statement);
      std::string name = a.table.back();
      for (const auto& action : a.actions) {
        if (action.kind == AlterKind::kRenameTable) name = action.new_name;
      }
      created.emplace(Object::kTable, name);
      break;
    }
    default:
      break;
  }
  return InTransaction([&] {
    // The id of the object the name stands for (0: none). IF NOT EXISTS may
    // leave an older object alone; OR REPLACE puts a new one in its place.
    const auto object_id = [&](const std::pair<Object, std::string>& o) -> uint64_t {
      switch (o.first) {
        case Object::kTable: {
          auto t = db_->FindTable(o.second);
          return t ? t->id() : 0;
        }
        case Object::kView: {
          auto v = db_->FindView(o.second);
          return v ? v->id : 0;
        }
        case Object::kIndex: {
          auto i = db_->FindIndex(o.second);
          return i ? i->id : 0;
        }
        case Object::kTrigger: {
          auto t = db_->FindTrigger(o.second);
          return t ? t->id : 0;
        }
        case Object::kSchema:
          for (const auto& schema : db_->Schemas()) {
            if (EqualsIgnoreCase(schema->name, o.second)) return schema->id;
          }
          return 0;
      }
      return 0;
    };
    const uint64_t before = created ? object_id(*created) : 0;
    // The new object joins the transaction's undo log also when the
    // statement fails after creating it (a key's index after the table):
    // then the rollback removes it.
    auto note = [&] {
      if (!created) return;
      const uint64_t after = object_id(*created);
      if (after != 0 && after != before) g_txn->Created(created->first, created->second);
    };
    try {
      StatementResult r = RunStatement(statement, *db_);
      note();
      return r;
    } catch (...) {
      note();
      throw;
    }
  });
}

std::vector<StatementResult> SqlEngine::Execute(std::string_view sql) {
  std::vector<StatementResult> out;
  for (const auto& statement : ParseSql(sql))
    out.push_back(Run(*statement));
  return out;
}

}  // namespace llkv::sql
