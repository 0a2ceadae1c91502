// Snapshot: which row versions a reader sees (MVCC visibility).
//
// Design note.
//   * Every stored row version carries created_by (the transaction that
//     wrote it) and deleted_by (0 while no transaction has deleted it).
//     Aborted transactions leave no versions behind (their writes are
//     undone, also after a crash: runtime/transaction.h), so a transaction
//     id that was handed out before the snapshot and was not in progress
//     then belongs to a committed transaction.
//   * A snapshot sees a version when its creator is visible and its
//     deleter (if any) is not. A transaction's own writes are visible to
//     it; others' become visible to snapshots taken after they commit.
//   * `all_versions` makes every stored version visible: for structures
//     that must hold every version some snapshot may read (indexes) and for
//     vacuum.
//
// A Snapshot is an immutable value; share it freely between threads.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace llkv::table {

// Transaction ids as stored in created_by / deleted_by (0: none).
using TxnId = uint64_t;

struct Snapshot {
  TxnId own = 0;              // the transaction taking it (0: none)
  TxnId next = 0;             // ids at or above were not handed out yet
  std::vector<TxnId> active;  // ids in progress when taken (ascending), not `own`
  bool all_versions = false;

  // Whether the effects of transaction `id` are visible.
  bool Sees(TxnId id) const {
    if (id < horizon()) return id != 0;
    if (id == own) return true;
    if (id >= next) return false;
    return !std::binary_search(active.begin(), active.end(), id);
  }
  // Whether a version created by `created_by` and deleted by `deleted_by`
  // (0: not deleted) is visible.
  bool Visible(TxnId created_by, TxnId deleted_by) const {
    if (all_versions) return true;
    return Sees(created_by) && (deleted_by == 0 || !Sees(deleted_by));
  }
  // Ids below this are visible without looking at `active`.
  TxnId horizon() const {
    TxnId h = active.empty() ? next : std::min(next, active.front());
    return own != 0 ? std::min(h, own) : h;
  }

  static std::shared_ptr<const Snapshot> AllVersions() {
    static const auto all =
        std::make_shared<const Snapshot>(Snapshot{0, std::numeric_limits<TxnId>::max(), {}, true});
    return all;
  }
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace llkv::table
