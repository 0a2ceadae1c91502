// LLKV's C++ API: open a database, connect to it, run SQL, read results as
// Arrow record batches.
//
//   auto db = llkv::Database::Open(":memory:");
//   auto conn = db->Connect();
//   conn->Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
//   auto insert = conn->Prepare("INSERT INTO t VALUES (?, ?)");
//   insert.Execute({1, "one"});
//   for (const auto& batch : conn->Query("SELECT * FROM t")) { ... }
//
// Errors: every call reports failure by throwing llkv::Error, whose kind
// and message say what failed and where (a Parser Error with line and
// column, a Constraint Error naming the key, ...). A failed statement
// changes nothing; the connection stays usable.
//
// Threads: connections to one Database may be used from different threads
// at the same time. Their statements (and the batches their Results pull)
// run one at a time under a database-wide lock; running them in parallel
// comes with snapshot isolation (issue 4). A Connection, its prepared
// statements and its Results belong to one thread at a time.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "llkv/arrow/record_batch.h"
#include "llkv/common/error.h"

namespace llkv {

namespace runtime {
class Database;
}
namespace sql {
struct Statement;
class SqlEngine;
}  // namespace sql
namespace execution {
class Operator;
}

class Connection;
class PreparedStatement;

// A value for a statement parameter: NULL, a boolean, an integer, a double,
// text or a blob.
class Param {
 public:
  Param() = default;  // NULL
  Param(std::nullptr_t) {}
  Param(bool v) : value_(v) {}
  template <std::integral T>
  requires(!std::same_as<T, bool>) Param(T v) : value_(static_cast<int64_t>(v)) {}
  Param(double v) : value_(v) {}
  Param(const char* v) : value_(std::string(v)) {}
  Param(std::string_view v) : value_(std::string(v)) {}
  Param(std::string v) : value_(std::move(v)) {}
  static Param Blob(std::string bytes) {
    Param p(std::move(bytes));
    p.blob_ = true;
    return p;
  }

  using Storage = std::variant<std::monostate, bool, int64_t, double, std::string>;
  const Storage& value() const { return value_; }
  bool is_blob() const { return blob_; }

 private:
  Storage value_;
  bool blob_ = false;
};

// The result of one statement. For a statement that returns rows it is a
// stream of record batches of schema(), read with Next() or a range-for;
// the query runs as batches are pulled, with memory bounded by the batch
// size where the plan allows (scans, filters, projections). For other
// statements rows_changed() counts the rows inserted, updated or deleted.
//
// A Result keeps what it reads alive; it must not outlive its Database.
class Result {
 public:
  Result();
  ~Result();
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;

  bool has_rows() const { return schema_ != nullptr; }
  // Null when the statement returns no rows.
  const arrow::SchemaPtr& schema() const { return schema_; }
  // The next non-empty batch, or null at the end (and always for a
  // statement without rows). Throws llkv::Error if the query fails.
  arrow::RecordBatchPtr Next();
  // The batches not read yet.
  std::vector<arrow::RecordBatchPtr> Collect();
  // Rows inserted, updated or deleted; -1 for other statements.
  int64_t rows_changed() const { return rows_changed_; }

  class Iterator {
   public:
    using value_type = arrow::RecordBatchPtr;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    explicit Iterator(Result* r) : result_(r) { ++*this; }
    const arrow::RecordBatchPtr& operator*() const { return batch_; }
    Iterator& operator++() {
      batch_ = result_->Next();
      if (!batch_) result_ = nullptr;
      return *this;
    }
    bool operator==(const Iterator& o) const { return result_ == o.result_; }

   private:
    Result* result_ = nullptr;
    arrow::RecordBatchPtr batch_;
  };
  Iterator begin() { return Iterator(this); }
  Iterator end() { return Iterator(); }

 private:
  friend class Connection;
  friend class PreparedStatement;
  void Finish();                                     // drops the plan, ending the stream
  std::shared_ptr<const sql::Statement> statement_;  // what the plan refers to
  std::shared_ptr<std::mutex> lock_;                 // the database's statement lock
  std::shared_ptr<int> open_streams_;                // counts unfinished reads
  std::unique_ptr<execution::Operator> plan_;
  std::vector<arrow::RecordBatchPtr> buffered_;
  size_t next_buffered_ = 0;
  arrow::SchemaPtr schema_;
  int64_t rows_changed_ = -1;
};

struct OpenOptions {
  // A file database: a transaction's writes are kept in memory until its
  // COMMIT writes them with one durable commit; a transaction that has
  // buffered more than this many bytes writes them early, between its
  // statements (a crash before its COMMIT still undoes them on reopen).
  size_t checkpoint_bytes = size_t{64} << 20;
};

// One database: ":memory:" or a file, opened (and created if missing) by
// Open. Closed when the last reference (including its connections') goes.
// Committed transactions survive crashes; uncommitted ones are undone when
// the file is opened again.
class Database : public std::enable_shared_from_this<Database> {
 public:
  // Throws llkv::Error naming the file if it cannot be opened (not a
  // database, corrupt, unreadable, ...).
  static std::shared_ptr<Database> Open(const std::string& path = ":memory:",
                                        const OpenOptions& options = {});

  std::unique_ptr<Connection> Connect();

  // ":memory:" or the file's path.
  const std::string& path() const;
  // Table names, sorted.
  std::vector<std::string> TableNames() const;
  // CREATE statements for the tables (with their indexes) and views, or
  // only for those named `name` (case-insensitive) when it is not empty.
  std::vector<std::string> SchemaSql(const std::string& name = "") const;

  explicit Database(std::shared_ptr<runtime::Database> db);
  const std::shared_ptr<runtime::Database>& runtime() const { return db_; }
  // Held while a statement runs or a Result pulls a batch.
  const std::shared_ptr<std::mutex>& statement_lock() const { return lock_; }

 private:
  std::shared_ptr<runtime::Database> db_;
  std::shared_ptr<std::mutex> lock_ = std::make_shared<std::mutex>();
};

class Connection {
 public:
  explicit Connection(std::shared_ptr<Database> db);
  ~Connection();

  // Runs every statement of `sql` in order and returns the last one's
  // result with its rows already read. The first failing statement throws;
  // the statements after it do not run.
  Result Execute(std::string_view sql);
  // Like Execute, but the last statement's rows stream from the result.
  Result Query(std::string_view sql);
  // Runs every statement of `sql`, handing each one's (streaming) result to
  // `on_result` before the next statement starts. What the shell uses.
  void Run(std::string_view sql, const std::function<void(Result&)>& on_result);
  // Compiles one statement with $1.. or ? parameters.
  PreparedStatement Prepare(std::string_view sql);

  const std::shared_ptr<Database>& database() const { return db_; }

 private:
  friend class PreparedStatement;
  Result Start(std::shared_ptr<const sql::Statement> statement);

  std::shared_ptr<Database> db_;
  std::unique_ptr<sql::SqlEngine> engine_;
};

// A statement compiled once and run many times with different parameter
// values. Parameters are numbered from 1 ($1, or the n-th ?). Values stay
// bound between runs. Binding while a Result of this statement is still
// being read is an error (the stream depends on the values). A prepared
// statement must not outlive its Connection.
class PreparedStatement {
 public:
  PreparedStatement(PreparedStatement&&) noexcept;
  ~PreparedStatement();

  int parameter_count() const;
  PreparedStatement& Bind(int index, const Param& value);
  // Binds `values` to $1, $2, ... (exactly parameter_count() of them).
  PreparedStatement& BindAll(const std::vector<Param>& values);

  // Runs the statement with the bound values; rows already read.
  Result Execute();
  Result Execute(const std::vector<Param>& values) { return BindAll(values).Execute(); }
  // Runs it and streams its rows.
  Result Query();
  Result Query(const std::vector<Param>& values) { return BindAll(values).Query(); }

 private:
  friend class Connection;
  PreparedStatement(Connection* connection, std::shared_ptr<sql::Statement> statement);
  Connection* connection_;
  std::shared_ptr<sql::Statement> statement_;
  std::shared_ptr<int> open_streams_ = std::make_shared<int>(0);
};

}  // namespace llkv
