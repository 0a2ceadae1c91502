#include "runtime/txn_id_manager.h"

#include <algorithm>

#include "common/bytes.h"
#include "llkv/common/error.h"

namespace llkv::runtime {

namespace {

constexpr uint32_t kTxnStateMagic = 0x5854564C;  // "LVTX"
constexpr const char* kEntryName = "llkv_txn_state";

std::vector<uint8_t> EncodeMark(TxnId reserved) {
  ByteWriter w;
  w.Put(kTxnStateMagic);
  w.Put(static_cast<uint64_t>(reserved));
  return w.Take();
}

thread_local SnapshotPtr g_snapshot;

}  // namespace

const SnapshotPtr& ScopedSnapshot() {
  return g_snapshot;
}

SnapshotScope::SnapshotScope(SnapshotPtr snapshot) : saved_(std::move(g_snapshot)) {
  g_snapshot = std::move(snapshot);
}

SnapshotScope::~SnapshotScope() {
  g_snapshot = std::move(saved_);
}

TxnIdManager::TxnIdManager(table::SysCatalog* catalog) : catalog_(catalog) {
  for (const auto& e : catalog_->Entries()) {
    if (e.kind != table::CatalogKind::kTxnState) continue;
    ByteReader r(e.definition, "transaction state (catalog entry " + std::to_string(e.id) + ")");
    if (r.Get<uint32_t>() != kTxnStateMagic) r.Corrupt("bad magic");
    reserved_ = r.Get<uint64_t>();
    if (reserved_ == 0) r.Corrupt("a zero high-water mark");
    entry_id_ = e.id;
    next_ = reserved_;
  }
}

TxnId TxnIdManager::Begin() {
  {
    std::lock_guard lock(mu_);
    if (next_ < reserved_) {
      const TxnId id = next_++;
      active_.insert(id);
      return id;
    }
  }
  // Raising the mark writes the catalog, which takes the pager's locks: done
  // without holding mu_, which flushes take under those locks (Active()).
  std::lock_guard reserving(reserve_mu_);
  TxnId mark;
  {
    std::lock_guard lock(mu_);
    if (next_ < reserved_) {  // another thread raised it meanwhile
      const TxnId id = next_++;
      active_.insert(id);
      return id;
    }
    // next_ cannot move while it is at the mark.
    mark = next_ + kBlock;
  }
  if (entry_id_ == 0) entry_id_ = catalog_->AllocateId();  // under reserve_mu_
  const table::CatalogEntry entry{entry_id_, table::CatalogKind::kTxnState, kEntryName,
                                  EncodeMark(mark)};
  catalog_->Put(std::span<const table::CatalogEntry>(&entry, 1));
  std::lock_guard lock(mu_);
  reserved_ = mark;
  const TxnId id = next_++;
  active_.insert(id);
  return id;
}

void TxnIdManager::End(TxnId id) {
  std::lock_guard lock(mu_);
  if (active_.erase(id) == 0) {
    Fail(ErrorKind::kTransaction, "transaction {} is not active", id);
  }
}

void TxnIdManager::Commit(TxnId id) {
  End(id);
}

void TxnIdManager::Abort(TxnId id) {
  End(id);
}

SnapshotPtr TxnIdManager::TakeSnapshot(TxnId own) const {
  auto s = std::make_unique<Snapshot>();
  // Registered under mu_, so VacuumHorizon (also under mu_) never misses a
  // snapshot whose state it could invalidate.
  std::lock_guard lock(mu_);
  s->own = own;
  s->next = next_;
  for (TxnId id : active_) {
    if (id != own) s->active.push_back(id);
  }
  const TxnId horizon = s->horizon();
  {
    std::lock_guard in_use_lock(in_use_->mu);
    in_use_->horizons.insert(horizon);
  }
  return SnapshotPtr(s.release(), [in_use = in_use_, horizon](const Snapshot* p) {
    {
      std::lock_guard lock(in_use->mu);
      in_use->horizons.erase(in_use->horizons.find(horizon));
    }
    delete p;
  });
}

TxnId TxnIdManager::VacuumHorizon() const {
  std::lock_guard lock(mu_);
  TxnId h = active_.empty() ? next_ : *active_.begin();
  std::lock_guard in_use_lock(in_use_->mu);
  if (!in_use_->horizons.empty()) h = std::min(h, *in_use_->horizons.begin());
  return h;
}

bool TxnIdManager::IsActive(TxnId id) const {
  std::lock_guard lock(mu_);
  return active_.contains(id);
}

std::vector<TxnId> TxnIdManager::Active() const {
  std::lock_guard lock(mu_);
  return {active_.begin(), active_.end()};
}

TxnId TxnIdManager::Watermark() const {
  std::lock_guard lock(mu_);
  return active_.empty() ? next_ : *active_.begin();
}

TxnId TxnIdManager::next() const {
  std::lock_guard lock(mu_);
  return next_;
}

}  // namespace llkv::runtime
