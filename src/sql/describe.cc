// DESCRIBE and SHOW TABLES (DuckDB's and MySQL's statements), which the
// dialect rewriter turns into the table functions planned here:
//
//   DESCRIBE t              -> SELECT * FROM "__llkv_describe"('t')
//   DESCRIBE SELECT ...     -> SELECT * FROM "__llkv_describe_query"('SELECT ...')
//   SHOW TABLES             -> SELECT * FROM "__llkv_show_tables"()
//
// so they can be queried like tables: SELECT column_type FROM (DESCRIBE t).
#include <algorithm>

#include "execution/value.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/planner_internal.h"

namespace llkv::sql::plan {

namespace {

// DuckDB's DESCRIBE columns: column_name, column_type, null, key, default,
// extra, one row per column of `fields` (with `info` giving, by column
// name, NOT NULL, the key and the default's text when known).
struct ColumnInfo {
  bool not_null = false;
  std::string key;  // PRI, UNI or empty
  std::string default_text;
};

OperatorPtr DescribeRows(const std::vector<arrow::FieldPtr>& fields,
                         const std::vector<ColumnInfo>& info) {
  static const char* kNames[] = {"column_name", "column_type", "null", "key", "default", "extra"};
  std::vector<arrow::FieldPtr> out;
  for (const char* n : kNames)
    out.push_back(arrow::field(n, arrow::utf8()));
  auto schema = std::make_shared<arrow::Schema>(std::move(out));
  std::vector<std::unique_ptr<arrow::StringBuilder>> b;
  for (int k = 0; k < 6; ++k)
    b.push_back(std::make_unique<arrow::StringBuilder>(arrow::utf8()));
  auto text = [&](int k, const std::string& v) {
    v.empty() ? b[k]->AppendNull() : b[k]->Append(v);
  };
  for (size_t i = 0; i < fields.size(); ++i) {
    const ColumnInfo c = i < info.size() ? info[i] : ColumnInfo{};
    b[0]->Append(fields[i]->name());
    b[1]->Append(execution::SqlTypeName(*fields[i]->type()));
    b[2]->Append(c.not_null ? "NO" : "YES");
    text(3, c.key);
    text(4, c.default_text);
    b[5]->AppendNull();
  }
  std::vector<arrow::ArrayDataPtr> columns;
  for (auto& builder : b)
    columns.push_back(builder->Finish());
  return execution::MakeValues(
      schema,
      {arrow::RecordBatch::Make(schema, static_cast<int64_t>(fields.size()), std::move(columns))});
}

// NOT NULL, keys and defaults of table `t` from its CREATE TABLE text.
std::vector<ColumnInfo> TableInfo(const table::Table& t) {
  const auto& columns = t.def().columns;
  std::vector<ColumnInfo> out(columns.size());
  for (size_t i = 0; i < columns.size(); ++i)
    out[i].not_null = !columns[i].nullable;
  if (t.def().create_sql.empty()) return out;
  std::vector<StatementPtr> parsed = ParseSql(t.def().create_sql);
  if (parsed.size() != 1 || parsed[0]->kind != StatementKind::kCreateTable) return out;
  const auto& create = static_cast<const CreateTableStatement&>(*parsed[0]);
  auto mark = [&](const std::string& name, const char* key) {
    if (auto i = t.def().FindColumn(name); i && out[*i].key.empty()) out[*i].key = key;
  };
  for (const auto& c : create.columns) {
    if (c.primary_key) mark(c.name, "PRI");
    if (c.unique) mark(c.name, "UNI");
    if (c.default_value) {
      if (auto i = t.def().FindColumn(c.name)) out[*i].default_text = c.default_value->ToString();
    }
  }
  for (const auto& k : create.constraints) {
    for (const auto& name : k.columns) {
      if (k.kind == ConstraintKind::kPrimaryKey) mark(name, "PRI");
      if (k.kind == ConstraintKind::kUnique) mark(name, "UNI");
    }
  }
  return out;
}

}  // namespace

OperatorPtr PlanDescribe(const std::string& function, const std::vector<Value>& args,
                         runtime::Database& db) {
  if (function == "__llkv_show_tables") {
    std::vector<std::string> names;
    for (const auto& t : db.Tables())
      names.push_back(t->def().name);
    for (const auto& v : db.Views())
      names.push_back(v->name);
    std::sort(names.begin(), names.end());
    auto schema = std::make_shared<arrow::Schema>(
        std::vector<arrow::FieldPtr>{arrow::field("name", arrow::utf8())});
    arrow::StringBuilder b(arrow::utf8());
    for (const auto& n : names)
      b.Append(n);
    return execution::MakeValues(
        schema,
        {arrow::RecordBatch::Make(schema, static_cast<int64_t>(names.size()), {b.Finish()})});
  }
  if (args.size() != 1 || args[0].is_null()) {
    Fail(ErrorKind::kBinder, "DESCRIBE needs a table, view or query");
  }
  const std::string& target = args[0].str();
  if (function == "__llkv_describe_query") {
    std::vector<StatementPtr> parsed = ParseSql(target);
    if (parsed.size() != 1 || parsed[0]->kind != StatementKind::kSelect) {
      Fail(ErrorKind::kParser, "DESCRIBE takes one query: {}", target);
    }
    OperatorPtr plan = PlanQuery(*static_cast<const SelectStatement&>(*parsed[0]).query, db);
    return DescribeRows(plan->schema()->fields(), {});
  }
  if (auto t = db.FindTable(target)) {
    return DescribeRows(t->def().Schema()->fields(), TableInfo(*t));
  }
  if (db.FindView(target)) {
    std::string quoted = "\"";
    for (char ch : target)
      quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    std::vector<StatementPtr> parsed = ParseSql("SELECT * FROM " + quoted + "\"");
    OperatorPtr plan = PlanQuery(*static_cast<const SelectStatement&>(*parsed[0]).query, db);
    return DescribeRows(plan->schema()->fields(), {});
  }
  Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", target);
}

}  // namespace llkv::sql::plan
