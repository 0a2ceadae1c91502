// TxnIdManager: transaction ids, the transactions in progress and the
// snapshots that decide which row versions a transaction sees.
//
// Design note.
//   * Ids are monotonic and never repeat, also across reopening a database:
//     the manager persists a high-water mark in the system catalog (an
//     entry of kind kTxnState) and raises it a block of kBlock ids at a
//     time, so handing out an id costs a catalog write only once per block.
//     After a reopen, ids continue from the persisted mark; ids of the last
//     block that were never used are skipped.
//   * Begin() hands out an id and records the transaction as active;
//     Commit() and Abort() end it. The commit watermark is the lowest id
//     still active (every id below it has finished); with none active it is
//     the next id to hand out.
//   * A snapshot taken by a transaction sees a row version when its creator
//     committed before the snapshot (an id below the snapshot's `next` and
//     not active then) or is the transaction itself, and its deleter (if
//     any) is neither of those. Aborted transactions leave no versions
//     behind (their writes are undone), so "not active at the snapshot"
//     means committed.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "table/sys_catalog.h"
#include "table/table.h"

namespace llkv::runtime {

using table::TxnId;

struct Snapshot {
  TxnId own = 0;              // the transaction taking it (0: none)
  TxnId next = 0;             // ids at or above were not begun yet
  std::vector<TxnId> active;  // ids in progress when taken (ascending), not `own`

  // Whether a version created by `created_by` and deleted by `deleted_by`
  // (0: not deleted) is visible.
  bool Visible(TxnId created_by, TxnId deleted_by) const {
    return Sees(created_by) && (deleted_by == 0 || !Sees(deleted_by));
  }
  // Whether the effects of transaction `id` are visible.
  bool Sees(TxnId id) const;
};

class TxnIdManager {
 public:
  static constexpr TxnId kBlock = 1024;

  // Loads the persisted high-water mark from `catalog` (ids start at 1 in a
  // new database).
  explicit TxnIdManager(table::SysCatalog* catalog);

  // A new id, recorded as active. Throws if the catalog write raising the
  // high-water mark fails (no id is handed out then).
  TxnId Begin();
  void Commit(TxnId id);
  void Abort(TxnId id);

  // The snapshot of transaction `own` (0 for a read outside transactions).
  Snapshot TakeSnapshot(TxnId own) const;
  // The lowest active id, or the next id when none is active.
  TxnId Watermark() const;
  TxnId next() const;

 private:
  void End(TxnId id);

  table::SysCatalog* catalog_;
  uint64_t entry_id_ = 0;  // the catalog entry holding the high-water mark
  mutable std::mutex mu_;
  TxnId next_ = 1;
  TxnId reserved_ = 1;  // persisted: ids below are allowed
  std::set<TxnId> active_;
};

}  // namespace llkv::runtime
