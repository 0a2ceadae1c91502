// Durability and crash recovery of a Database: transaction commits as one
// flush of the write buffer, and the undo of transactions a crash cut off.
// The design note is in runtime/database.h.
#include <fmt/format.h>

#include "common/bytes.h"
#include "llkv/common/error.h"
#include "runtime/constraints.h"
#include "runtime/database.h"

namespace llkv::runtime {

namespace {

constexpr uint32_t kStateMagic = 0x5354564C;  // "LVTS"
constexpr uint16_t kStateVersion = 1;

struct PendingTxn {
  table::TxnId id = 0;
  std::vector<uint64_t> objects;  // catalog ids of objects it created
};

// The transaction state record: magic, version, then per transaction in
// progress its id and the catalog ids of the objects it created.
std::vector<uint8_t> EncodeState(const std::vector<PendingTxn>& txns) {
  ByteWriter w;
  w.Put(kStateMagic);
  w.Put(kStateVersion);
  w.Put(static_cast<uint32_t>(txns.size()));
  for (const auto& t : txns) {
    w.Put(static_cast<uint64_t>(t.id));
    w.Put(static_cast<uint32_t>(t.objects.size()));
    for (uint64_t o : t.objects)
      w.Put(o);
  }
  return w.Take();
}

std::vector<PendingTxn> DecodeState(std::span<const uint8_t> bytes, const std::string& what) {
  ByteReader r(bytes, what);
  if (r.Get<uint32_t>() != kStateMagic) r.Corrupt("not a transaction state record (bad magic)");
  if (r.Get<uint16_t>() != kStateVersion) r.Corrupt("unknown transaction state record version");
  std::vector<PendingTxn> out(r.GetCount(12));
  for (auto& t : out) {
    t.id = r.Get<uint64_t>();
    t.objects.resize(r.GetCount(8));
    for (auto& o : t.objects)
      o = r.Get<uint64_t>();
  }
  r.ExpectEnd();
  return out;
}

}  // namespace

void Database::FlushLocked(table::TxnId committing) {
  std::set<table::TxnId> ids;
  buffered_->Flush([&] {
    // Under the buffer's lock: every buffered write belongs to a
    // transaction that began before now, so the record covers them all.
    std::vector<PendingTxn> pending;
    for (table::TxnId id : txn_ids_->Active()) {
      if (id == committing) continue;
      PendingTxn t{id, {}};
      if (auto it = created_.find(id); it != created_.end()) t.objects = it->second;
      pending.push_back(std::move(t));
      ids.insert(id);
    }
    std::vector<storage::BufferedPager::OwnedPut> puts;
    puts.push_back({storage::kTransactionStateKey, EncodeState(pending)});
    return puts;
  });
  recorded_ = std::move(ids);  // only once the record is on disk
}

void Database::DeferUniqueCheck(table::TxnId id, uint32_t table_id, uint64_t index_id,
                                std::string key) {
  std::lock_guard lock(commit_mu_);
  deferred_[id].push_back({table_id, index_id, std::move(key)});
}

void Database::CommitTransaction(table::TxnId id) {
  {
    std::vector<DeferredKey> deferred;
    {
      std::lock_guard lock(commit_mu_);
      if (auto it = deferred_.find(id); it != deferred_.end()) deferred = it->second;
    }
    // Throws when another transaction committed one of these keys first.
    CheckDeferredUnique(*this, id, deferred);
  }
  {
    std::lock_guard lock(commit_mu_);
    deferred_.erase(id);
    // Objects the transaction dropped leave the catalog in its commit.
    const std::vector<table::CatalogEntry> removed = FinishDrops(id);
    // Nothing to write when the transaction wrote nothing and no earlier
    // flush recorded it as in progress.
    if (buffered_ &&
        (buffered_->buffered_bytes() > 0 || recorded_.contains(id) || !removed.empty())) {
      try {
        FlushLocked(id);
      } catch (...) {
        if (!removed.empty()) catalog_->Put(removed);  // the rollback keeps them
        throw;
      }
    }
    created_.erase(id);
  }
  {
    std::lock_guard lock(mu_);
    if (auto it = pending_drops_.find(id); it != pending_drops_.end()) {
      for (uint64_t object : it->second)
        dropped_[object] = id;
      pending_drops_.erase(it);
    }
  }
  txn_ids_->Commit(id);
}

void Database::AbortTransaction(table::TxnId id) {
  RevertDrops(id);
  {
    std::lock_guard lock(commit_mu_);
    created_.erase(id);
    deferred_.erase(id);
  }
  txn_ids_->Abort(id);
}

void Database::NoteCreated(table::TxnId id, uint64_t object_id) {
  if (!buffered_) return;
  std::lock_guard lock(commit_mu_);
  created_[id].push_back(object_id);
}

void Database::MaybeCheckpoint() {
  if (!buffered_ || buffered_->buffered_bytes() <= checkpoint_bytes_) return;
  Checkpoint();
}

void Database::Checkpoint() {
  if (!buffered_) return;
  std::lock_guard lock(commit_mu_);
  FlushLocked(0);
}

Database::~Database() {
  try {
    Checkpoint();
  } catch (...) {
    // Not flushed: the file keeps its last committed state, which reopening
    // recovers to.
  }
}

void Database::Recover() {
  auto record = pager_->get(storage::kTransactionStateKey);
  if (!record) return;
  const std::vector<PendingTxn> pending =
      DecodeState(record->bytes(), fmt::format("{}: transaction state record", path_));
  if (pending.empty()) return;
  recovered_ = pending.size();
  std::set<table::TxnId> ids;
  std::set<uint64_t> objects;
  for (const auto& t : pending) {
    ids.insert(t.id);
    objects.insert(t.objects.begin(), t.objects.end());
  }
  // Objects the cut-off transactions created (a table takes its indexes
  // and triggers with it).
  for (uint64_t object : objects)
    EraseObject(object);
  // Their row versions: created ones removed, delete marks cleared.
  for (const auto& t : Tables()) {
    std::vector<uint64_t> remove, unmark;
    t->ForEachVersion([&](uint64_t row_id, table::TxnId created, table::TxnId deleted) {
      if (ids.contains(created)) {
        remove.push_back(row_id);
      } else if (ids.contains(deleted)) {
        unmark.push_back(row_id);
      }
    });
    t->RemoveRows(remove);
    t->ClearDeleted(unmark);
  }
  std::lock_guard lock(commit_mu_);
  FlushLocked(0);
}

}  // namespace llkv::runtime
