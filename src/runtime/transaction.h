// Transaction: a unit of work — a session's explicit transaction (BEGIN ...
// COMMIT or ROLLBACK) or one autocommit statement: its id, the snapshot it
// reads with, whether an error aborted it, and the undo log of its writes.
//
// Design note.
//   * Every row version a transaction writes carries its id (created_by,
//     deleted_by); it reads with the snapshot taken when it began, plus its
//     own writes (table/snapshot.h). UPDATE and DELETE check for
//     write-write conflicts before marking rows (runtime/constraints.h).
//   * COMMIT makes the writes durable, then visible to new snapshots
//     (Database::CommitTransaction). ROLLBACK undoes them newest first:
//     inserted versions are removed from the column store, delete marks
//     cleared; indexes follow through the table observers. A crash undoes
//     them on the next open (runtime/recovery.cc).
//   * An error inside an explicit transaction aborts it: further
//     statements fail until ROLLBACK, and COMMIT then rolls back. As in
//     DuckDB, a statement refused before it wrote anything (a parser,
//     binder or catalog error) leaves the transaction usable.
//   * CREATE TABLE / VIEW / INDEX / TRIGGER inside a transaction take
//     effect in the shared catalog at once (other sessions see the names)
//     and are dropped on rollback. DROP and ALTER are refused inside
//     explicit transactions.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/database.h"

namespace llkv::runtime {

class Transaction {
 public:
  // Begins a transaction: a new id and the snapshot it reads with.
  explicit Transaction(Database& db);
  // A transaction that was neither committed nor rolled back rolls back.
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  TxnId id() const { return id_; }
  const SnapshotPtr& snapshot() const { return snapshot_; }
  bool aborted() const { return aborted_; }
  // Undo records so far: unchanged across a statement that wrote nothing.
  size_t writes() const { return undo_.size(); }
  void MarkAborted() { aborted_ = true; }

  // Row ids of table `table_id` that undo records from position `from` (a
  // writes() value) on inserted, or with !inserted marked deleted, in the
  // order written: what a statement that began at `from` wrote.
  std::vector<uint64_t> WrittenSince(size_t from, uint32_t table_id, bool inserted) const;

  // The writes to undo on rollback.
  void Inserted(const std::shared_ptr<table::Table>& t, uint64_t first, uint64_t count);
  void Deleted(const std::shared_ptr<table::Table>& t, std::span<const uint64_t> row_ids);
  // An object created inside the transaction, dropped again on rollback.
  enum class Object { kTable, kView, kIndex, kTrigger, kSchema };
  void Created(Object kind, const std::string& name);

  // Ends the transaction: COMMIT keeps its writes (an aborted transaction
  // rolls back instead; the return value says which happened), ROLLBACK
  // undoes them.
  bool Commit();
  void Rollback();

  // SAVEPOINT name (a repeated name hides the older one until released),
  // RELEASE [SAVEPOINT] name (forgets it and those after it), ROLLBACK TO
  // [SAVEPOINT] name (undoes the writes after it; it stays). ROLLBACK TO
  // also clears the aborted state, as in PostgreSQL. Unknown names throw.
  void Savepoint(const std::string& name);
  void Release(const std::string& name);
  void RollbackTo(const std::string& name);

 private:
  // Undoes undo_[from..] newest first and drops those records.
  void UndoFrom(size_t from);
  size_t FindSavepoint(const std::string& name) const;

  struct Undo {
    std::shared_ptr<table::Table> table;  // null for a created object
    bool inserted;                        // else deleted
    std::vector<uint64_t> row_ids;
    uint64_t object = 0;  // catalog id of the created object
  };

  Database& db_;
  TxnId id_;
  SnapshotPtr snapshot_;
  bool aborted_ = false;
  bool ended_ = false;
  std::vector<Undo> undo_;
  struct SavepointMark {
    std::string name;
    size_t undo = 0;   // undo_.size() then
    size_t drops = 0;  // Database::PendingDrops() then
  };
  std::vector<SavepointMark> savepoints_;
};

}  // namespace llkv::runtime
