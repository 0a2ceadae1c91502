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
//   * Snapshots (table/snapshot.h) record the next id and the active set;
//     a transaction's id is removed from the active set only once its
//     commit is durable, so no snapshot sees writes a crash could lose.
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

using table::Snapshot;
using table::SnapshotPtr;

// The snapshot the statement running on this thread reads with, installed
// by a SnapshotScope (null outside one). Catalog lookups and scans use it.
const SnapshotPtr& ScopedSnapshot();
class SnapshotScope {
 public:
  explicit SnapshotScope(SnapshotPtr snapshot);
  ~SnapshotScope();
  SnapshotScope(const SnapshotScope&) = delete;
  SnapshotScope& operator=(const SnapshotScope&) = delete;

 private:
  SnapshotPtr saved_;
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
  // It counts as in use (holding back vacuum) until the last copy of the
  // pointer is dropped.
  SnapshotPtr TakeSnapshot(TxnId own) const;
  // Versions deleted by a committed transaction with an id below this are
  // invisible to every snapshot in use and to every later one: vacuum may
  // remove them.
  TxnId VacuumHorizon() const;
  // Whether `id` was handed out and has not committed or aborted yet.
  bool IsActive(TxnId id) const;
  // The transactions in progress (ascending).
  std::vector<TxnId> Active() const;
  // The lowest active id, or the next id when none is active.
  TxnId Watermark() const;
  TxnId next() const;

 private:
  void End(TxnId id);

  table::SysCatalog* catalog_;
  uint64_t entry_id_ = 0;  // the catalog entry holding the high-water mark; reserve_mu_
  std::mutex reserve_mu_;  // held while raising the persisted mark
  mutable std::mutex mu_;
  TxnId next_ = 1;
  TxnId reserved_ = 1;  // persisted: ids below are allowed
  std::set<TxnId> active_;
  // Horizons of the snapshots in use; shared with their deleters, which may
  // run after the manager is gone.
  struct InUse {
    std::mutex mu;
    std::multiset<TxnId> horizons;
  };
  std::shared_ptr<InUse> in_use_ = std::make_shared<InUse>();
};

}  // namespace llkv::runtime
