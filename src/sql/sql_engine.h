// SqlEngine: runs SQL text against a runtime::Database — parsing, binding
// and planning each statement, then executing it.
//
// A statement runs in autocommit unless the session opened a transaction
// (BEGIN ... COMMIT / ROLLBACK, see runtime/transaction.h). Statements of a
// script run in order; the first failing statement throws (llkv::Error,
// with its category) and the ones after it do not run. Statements LLKV does
// not execute report "Not implemented Error" naming the construct.
//
// One SqlEngine is one session: use it from one thread at a time.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "execution/operators.h"
#include "llkv/arrow/record_batch.h"
#include "runtime/database.h"
#include "runtime/transaction.h"
#include "sql/ast.h"
#include "sql/settings.h"

namespace llkv::sql {

struct StatementResult {
  // Set for statements that return rows (SELECT, VALUES, ...).
  arrow::SchemaPtr schema;
  std::vector<arrow::RecordBatchPtr> batches;
  // Rows inserted, updated or deleted by DML; -1 for other statements.
  int64_t rows_changed = -1;
};

// Runs one parsed statement against `db` (what SqlEngine::Run does; also
// used by triggers).
StatementResult RunStatement(const Statement& statement, runtime::Database& db);

class SqlEngine {
 public:
  explicit SqlEngine(std::shared_ptr<runtime::Database> db) : db_(std::move(db)) {}
  ~SqlEngine();
  SqlEngine(const SqlEngine&) = delete;
  SqlEngine& operator=(const SqlEngine&) = delete;

  // Whether the session is inside BEGIN ... COMMIT/ROLLBACK.
  bool in_transaction() const { return txn_ != nullptr; }

  // Runs every statement of `sql`; returns one result per statement.
  std::vector<StatementResult> Execute(std::string_view sql);

  // The two halves of Execute, for callers that report each statement's
  // result (or error) as it runs: parse a script, then run its statements.
  static std::vector<StatementPtr> Parse(std::string_view sql);
  StatementResult Run(const Statement& statement);

  // For a statement that returns rows (SELECT, VALUES): its plan, not yet
  // run; pulling batches from it executes the query. Null for any other
  // statement, which the caller runs with Run(). The plan refers to
  // `statement`, which must outlive it.
  execution::OperatorPtr Open(const Statement& statement);

  // Consecutive INSERT ... VALUES statements into one table run as one
  // append. BatchKey gives the table (lower-case) a statement may batch
  // into, or "" when it must run alone (a non-constant value, ON CONFLICT,
  // RETURNING, parameters, INSERT triggers).
  std::string BatchKey(const Statement& statement) const;
  // Runs statements with one BatchKey. Each is checked on its own
  // (conversions, NOT NULL, uniqueness against the table and the statements
  // before it) and gets its own result in `results`. If one fails, the
  // statements before it are applied, `results` holds theirs, and its error
  // is thrown; the statements after it do not run.
  void RunInsertRun(std::span<const Statement* const> run, std::vector<StatementResult>* results);

  const std::shared_ptr<runtime::Database>& database() const { return db_; }

 private:
  template <typename Body>
  auto InTransaction(Body body) -> decltype(body());
  template <typename Body>
  auto Reading(Body body) -> decltype(body());
  StatementResult RunTransactionStatement(const TransactionStatement& s);
  StatementResult RunOne(const Statement& statement);
  void RunInsertRunAlone(std::span<const Statement* const> run,
                         std::vector<StatementResult>* results);

  std::shared_ptr<runtime::Database> db_;
  std::unique_ptr<runtime::Transaction> txn_;  // the open explicit transaction
  bool read_only_ = false;                     // txn_ began READ ONLY
  SessionSettings settings_;
  // PREPAREd statements by (lower-case) name.
  std::map<std::string, std::shared_ptr<Statement>> prepared_;
  // Throws if the open transaction is READ ONLY (before a statement that writes).
  void CheckWritable() const;
};

}  // namespace llkv::sql
