// Uniqueness: PRIMARY KEY, UNIQUE and unique indexes.
//
// Keys compare with SQL equality over the index's columns; a key with a
// NULL in it is never a duplicate (SQLite's and PostgreSQL's rule). The
// checks look keys up in the unique indexes' entries (OrderedIndex), so
// they cost a lookup per new row, not a scan of the table.
//
// Uniqueness holds over the latest state, not a snapshot: a stored version
// with the key counts when it is live for everyone (created by a committed
// transaction or by the writer itself, and not deleted by either). A
// version another transaction in progress created or deleted may still
// commit or roll back: a plain INSERT meeting one goes ahead and the key is
// checked again when it commits (the second of the two to commit fails);
// INSERT OR IGNORE / OR REPLACE / ON CONFLICT, which must decide now, and
// foreign keys treat it as a write-write conflict (TransactionContext
// Error).
#pragma once

#include <absl/container/flat_hash_set.h>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "llkv/arrow/record_batch.h"
#include "runtime/database.h"

namespace llkv::runtime {

// Throws Constraint Error naming the key and the constraint when adding
// `rows` (batches in the table's column order) to `table` would duplicate a
// key of one of its unique indexes. Rows listed in `replaced` (ascending row
// ids of versions an UPDATE supersedes) do not count as existing.
void CheckUnique(Database& db, const std::shared_ptr<table::Table>& table, TxnId writer,
                 const std::vector<arrow::RecordBatchPtr>& rows,
                 std::span<const uint64_t> replaced);

// How a stored version stands for a writer `writer`.
enum class RowState {
  kLive,     // committed or the writer's own, and not deleted by either
  kDead,     // deleted by a committed transaction or by the writer
  kPending,  // created or deleted by another transaction in progress
};
std::vector<RowState> RowStates(Database& db, const table::Table& table, TxnId writer,
                                std::span<const uint64_t> row_ids);
// Of `row_ids` (ascending: index lookup candidates), those live for
// `writer`. Throws TransactionContext Error ("Conflict on <what> in table
// ...") if one is pending.
std::vector<uint64_t> LiveRows(Database& db, const table::Table& table, TxnId writer,
                               std::span<const uint64_t> row_ids, const char* what);

// INSERT OR IGNORE / ON CONFLICT DO NOTHING (replace = false) and INSERT
// OR REPLACE / REPLACE INTO (replace = true): which rows of `rows` to insert
// (`keep`, in order) and which existing rows they replace. Ignore drops a
// new row that duplicates a key of an existing or earlier new row; replace
// removes the older row instead (existing rows go to `replaced`).
struct ConflictResolution {
  std::vector<int64_t> keep;
  std::vector<uint64_t> replaced;  // ascending row ids
};
// With `only_index`, conflicts on that unique index alone are resolved
// (ON CONFLICT (columns)); the caller checks the others.
ConflictResolution ResolveConflicts(Database& db, const std::shared_ptr<table::Table>& table,
                                    TxnId writer, const arrow::RecordBatch& rows, bool replace,
                                    std::optional<uint64_t> only_index = std::nullopt);

// Unique keys of rows checked but not appended yet: a run of INSERT
// statements batched into one append checks each statement against the
// table and against the statements before it.
class PendingKeys {
 public:
  // CheckUnique for `rows` (the table's columns), also against the rows of
  // earlier calls; on success their keys join the pending ones.
  void Check(Database& db, const std::shared_ptr<table::Table>& table, TxnId writer,
             const arrow::RecordBatchPtr& rows);

 private:
  std::map<uint64_t, absl::flat_hash_set<std::string>> keys_;  // by index id
};

// Throws Constraint Error if the table's existing rows (live or pending)
// already hold a duplicate key of `index` (before creating a unique index).
void CheckExistingUnique(Database& db, const std::shared_ptr<table::Table>& table, TxnId writer,
                         const Database::Index& index);

// At COMMIT of `writer`: the keys its inserts shared with another
// transaction then in progress must not now be held by a committed row
// besides its own. Throws TransactionContext Error otherwise.
void CheckDeferredUnique(Database& db, TxnId writer,
                         const std::vector<Database::DeferredKey>& keys);

// Throws TransactionContext Error ("Conflict on <what> ...") when another
// transaction changed or deleted any of `row_ids` (ascending) since
// `writer`'s snapshot: their deleted_by is already set. For UPDATE and
// DELETE, before they mark the rows.
void CheckWriteConflicts(const table::Table& table, TxnId writer, std::span<const uint64_t> row_ids,
                         const char* what);

}  // namespace llkv::runtime
