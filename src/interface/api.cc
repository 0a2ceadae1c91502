// The public C++ API (include/llkv/llkv.h) over runtime::Database and the
// SQL engine.
#include <fmt/format.h>

#include <cctype>

#include "common/ascii.h"
#include "llkv/llkv.h"
#include "runtime/database.h"
#include "sql/sql_engine.h"

namespace llkv {

namespace {

execution::Value ToValue(const Param& p) {
  struct Visitor {
    bool blob;
    execution::Value operator()(std::monostate) const { return execution::Value::Null(); }
    execution::Value operator()(bool v) const { return execution::Value::Bool(v); }
    execution::Value operator()(int64_t v) const { return execution::Value::Int64(v); }
    execution::Value operator()(double v) const { return execution::Value::Double(v); }
    execution::Value operator()(const std::string& v) const {
      return blob ? execution::Value::Blob(v) : execution::Value::String(v);
    }
  };
  return std::visit(Visitor{p.is_blob()}, p.value());
}

// A column type as CREATE TABLE spells it.
std::string SqlType(const arrow::DataType& t) {
  using arrow::TypeId;
  switch (t.id()) {
    case TypeId::kInt8:
      return "TINYINT";
    case TypeId::kInt16:
      return "SMALLINT";
    case TypeId::kInt32:
      return "INT32";
    case TypeId::kInt64:
      return "INTEGER";
    case TypeId::kFloat32:
      return "REAL";
    case TypeId::kFloat64:
      return "DOUBLE";
    case TypeId::kDecimal128:
      return fmt::format("DECIMAL({},{})", t.precision(), t.scale());
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
      return "VARCHAR";
    case TypeId::kBool:
      return "BOOLEAN";
    case TypeId::kDate32:
      return "DATE";
    case TypeId::kTimestamp:
      return "TIMESTAMP";
    case TypeId::kTime64:
      return "TIME";
    case TypeId::kBinary:
      return "BLOB";
    default:
      return t.ToString();
  }
}

}  // namespace

// ---------------------------------------------------------------- Result

Result::Result() = default;
Result::Result(Result&&) noexcept = default;

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    Finish();
    statement_ = std::move(other.statement_);
    lock_ = std::move(other.lock_);
    open_streams_ = std::move(other.open_streams_);
    plan_ = std::move(other.plan_);
    buffered_ = std::move(other.buffered_);
    next_buffered_ = other.next_buffered_;
    schema_ = std::move(other.schema_);
    rows_changed_ = other.rows_changed_;
  }
  return *this;
}

Result::~Result() {
  Finish();
}

void Result::Finish() {
  if (plan_ && open_streams_) --*open_streams_;
  plan_.reset();
}

arrow::RecordBatchPtr Result::Next() {
  if (next_buffered_ < buffered_.size()) return buffered_[next_buffered_++];
  if (!plan_) return nullptr;
  arrow::RecordBatchPtr batch;
  try {
    std::unique_lock<std::mutex> lock;
    if (lock_) lock = std::unique_lock<std::mutex>(*lock_);
    batch = plan_->Next();
  } catch (...) {
    Finish();
    throw;
  }
  if (!batch) Finish();
  return batch;
}

std::vector<arrow::RecordBatchPtr> Result::Collect() {
  std::vector<arrow::RecordBatchPtr> out;
  while (auto b = Next())
    out.push_back(std::move(b));
  return out;
}

// ---------------------------------------------------------------- Database

Database::Database(std::shared_ptr<runtime::Database> db) : db_(std::move(db)) {}

std::shared_ptr<Database> Database::Open(const std::string& path, const OpenOptions& options) {
  auto db = runtime::Database::Open(path);
  db->set_checkpoint_bytes(options.checkpoint_bytes);
  return std::make_shared<Database>(std::move(db));
}

std::unique_ptr<Connection> Database::Connect() {
  return std::make_unique<Connection>(shared_from_this());
}

const std::string& Database::path() const {
  return db_->path();
}

std::vector<std::string> Database::TableNames() const {
  std::lock_guard lock(*lock_);
  std::vector<std::string> out;
  for (const auto& t : db_->Tables())
    out.push_back(t->def().name);
  return out;
}

std::vector<std::string> Database::SchemaSql(const std::string& name) const {
  std::lock_guard lock(*lock_);
  std::vector<std::string> out;
  auto matches = [&](const std::string& n) { return name.empty() || EqualsIgnoreCase(n, name); };
  for (const auto& t : db_->Tables()) {
    if (!matches(t->def().name)) continue;
    std::string sql = "CREATE TABLE " + t->def().name + "(";
    for (size_t i = 0; i < t->def().columns.size(); ++i) {
      const auto& c = t->def().columns[i];
      sql += (i ? ", " : "") + c.name + " " + SqlType(*c.type) + (c.nullable ? "" : " NOT NULL");
    }
    out.push_back(sql + ");");
    for (const auto& index : db_->IndexesOf(t->id())) {
      std::string cols;
      for (uint32_t f : index->field_ids) {
        for (const auto& c : t->def().columns) {
          if (c.field_id == f) cols += (cols.empty() ? "" : ", ") + c.name;
        }
      }
      out.push_back(fmt::format("CREATE {}INDEX {} ON {}({});", index->unique ? "UNIQUE " : "",
                                index->name, t->def().name, cols));
    }
    for (const auto& trigger : db_->TriggersOf(t->def().name))
      out.push_back(trigger->sql + ";");
  }
  for (const auto& v : db_->Views()) {
    if (matches(v->name)) out.push_back(v->sql + ";");
  }
  return out;
}

// ---------------------------------------------------------------- Connection

Connection::Connection(std::shared_ptr<Database> db)
    : db_(std::move(db)), engine_(std::make_unique<sql::SqlEngine>(db_->runtime())) {}

Connection::~Connection() {
  // Ending the session may roll back its transaction.
  std::lock_guard lock(*db_->statement_lock());
  engine_.reset();
}

Result Connection::Start(std::shared_ptr<const sql::Statement> statement) {
  std::lock_guard lock(*db_->statement_lock());
  Result r;
  if (auto plan = engine_->Open(*statement)) {
    r.schema_ = plan->schema();
    r.plan_ = std::move(plan);
    r.statement_ = std::move(statement);
    r.lock_ = db_->statement_lock();
    return r;
  }
  sql::StatementResult done = engine_->Run(*statement);
  r.schema_ = done.schema;
  r.buffered_ = std::move(done.batches);
  r.rows_changed_ = done.rows_changed;
  return r;
}

void Connection::Run(std::string_view sql, const std::function<void(Result&)>& on_result) {
  auto statements = sql::SqlEngine::Parse(sql);
  for (size_t i = 0; i < statements.size();) {
    if (statements[i]->parameter_count > 0) {
      Fail(ErrorKind::kInvalidInput,
           "Values were not provided for the following prepared statement parameters: $1 to ${} "
           "(use PREPARE ... EXECUTE, or Prepare() to bind them)",
           statements[i]->parameter_count);
    }
    // A run of INSERTs into one table is appended at once; each statement
    // still reports its own result, or its own error.
    size_t end = i + 1;
    {
      std::lock_guard lock(*db_->statement_lock());
      const std::string key = engine_->BatchKey(*statements[i]);
      while (!key.empty() && end < statements.size() &&
             engine_->BatchKey(*statements[end]) == key) {
        ++end;
      }
    }
    if (end - i >= 2) {
      std::vector<const sql::Statement*> run;
      for (size_t k = i; k < end; ++k)
        run.push_back(statements[k].get());
      std::vector<sql::StatementResult> results;
      auto deliver = [&] {
        for (auto& done : results) {
          Result r;
          r.rows_changed_ = done.rows_changed;
          on_result(r);
        }
      };
      try {
        std::lock_guard lock(*db_->statement_lock());
        engine_->RunInsertRun(run, &results);
      } catch (...) {
        deliver();
        throw;
      }
      deliver();
      i = end;
      continue;
    }
    Result r = Start(std::shared_ptr<const sql::Statement>(std::move(statements[i])));
    on_result(r);
    ++i;
  }
}

Result Connection::Query(std::string_view sql) {
  Result last;
  Run(sql, [&](Result& r) {
    // Earlier statements' rows are read before the next statement runs.
    last.Collect();
    last = std::move(r);
  });
  return last;
}

Result Connection::Execute(std::string_view sql) {
  Result last = Query(sql);
  last.buffered_ = last.Collect();
  last.next_buffered_ = 0;
  return last;
}

PreparedStatement Connection::Prepare(std::string_view sql) {
  auto statements = sql::SqlEngine::Parse(sql);
  if (statements.size() != 1) {
    Fail(ErrorKind::kInvalidInput, "Prepare() takes exactly one statement ({} given)",
         statements.size());
  }
  return PreparedStatement(this, std::shared_ptr<sql::Statement>(std::move(statements[0])));
}

// ---------------------------------------------------------------- PreparedStatement

PreparedStatement::PreparedStatement(Connection* connection,
                                     std::shared_ptr<sql::Statement> statement)
    : connection_(connection), statement_(std::move(statement)) {}

PreparedStatement::PreparedStatement(PreparedStatement&&) noexcept = default;
PreparedStatement::~PreparedStatement() = default;

int PreparedStatement::parameter_count() const {
  return statement_->parameter_count;
}

PreparedStatement& PreparedStatement::Bind(int index, const Param& value) {
  if (index < 1 || index > statement_->parameter_count) {
    Fail(ErrorKind::kInvalidInput, "parameter index {} is out of range: the statement has {}",
         index, statement_->parameter_count);
  }
  if (*open_streams_ > 0) {
    Fail(ErrorKind::kInvalidInput,
         "cannot bind parameters while a result of this statement is still being read");
  }
  statement_->parameters->values[static_cast<size_t>(index - 1)] = ToValue(value);
  return *this;
}

PreparedStatement& PreparedStatement::BindAll(const std::vector<Param>& values) {
  if (static_cast<int>(values.size()) != statement_->parameter_count) {
    Fail(ErrorKind::kInvalidInput, "the statement takes {} parameters but {} were given",
         statement_->parameter_count, values.size());
  }
  for (size_t i = 0; i < values.size(); ++i)
    Bind(static_cast<int>(i + 1), values[i]);
  return *this;
}

Result PreparedStatement::Query() {
  Result r = connection_->Start(statement_);
  if (r.plan_) {
    r.open_streams_ = open_streams_;
    ++*open_streams_;
  }
  return r;
}

Result PreparedStatement::Execute() {
  Result r = Query();
  r.buffered_ = r.Collect();
  r.next_buffered_ = 0;
  return r;
}

}  // namespace llkv
