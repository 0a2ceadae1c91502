// Vacuum: reclaiming row versions no snapshot can see any more.
//
// A version deleted by transaction d is invisible to a snapshot that sees
// d's effects. Once d committed below TxnIdManager::VacuumHorizon(), every
// snapshot in use sees d, and so will every later one: the version can go.
// Removing it rewrites the column store chunks that held it (their storage
// is freed) and drops its index entries through the table observers.
#include "runtime/database.h"

namespace llkv::runtime {

size_t Database::Vacuum(table::Table& t) {
  const table::TxnId horizon = txn_ids_->VacuumHorizon();
  std::vector<uint64_t> dead;
  t.ForEachVersion([&](uint64_t row_id, table::TxnId, table::TxnId deleted) {
    if (deleted != 0 && deleted < horizon) dead.push_back(row_id);
  });
  t.RemoveRows(dead);
  store_->ReclaimSpace();
  return dead.size();
}

void Database::NoteDeleted(uint32_t table_id, uint64_t n) {
  std::lock_guard lock(vacuum_mu_);
  deleted_since_vacuum_[table_id] += n;
}

void Database::MaybeVacuum() {
  // Storage that statements replaced while their own scans were open, and
  // dropped objects no snapshot sees any more.
  if (store_->pending_frees() > 0) store_->ReclaimSpace();
  ReclaimDropped();
  std::vector<std::shared_ptr<table::Table>> due;
  {
    std::lock_guard lock(vacuum_mu_);
    if (deleted_since_vacuum_.empty()) return;
    std::map<uint32_t, uint64_t> kept;  // counts of dropped tables go
    for (const auto& t : Tables()) {
      auto it = deleted_since_vacuum_.find(t->id());
      if (it == deleted_since_vacuum_.end()) continue;
      if (it->second >= std::max<uint64_t>(kAutoVacuumRows, t->row_count() / 4)) {
        due.push_back(t);
      } else {
        kept.insert(*it);
      }
    }
    deleted_since_vacuum_ = std::move(kept);
  }
  for (const auto& t : due)
    Vacuum(*t);
}

}  // namespace llkv::runtime
