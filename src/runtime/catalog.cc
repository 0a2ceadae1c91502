// The versioned catalog of a Database: which tables, views, indexes and
// triggers a snapshot sees, and how transactions create and drop them. The
// design note is in runtime/database.h.
#include <algorithm>
#include <set>

#include "common/ascii.h"
#include "llkv/common/error.h"
#include "runtime/database.h"

namespace llkv::runtime {

namespace {

const table::Snapshot* Scoped() {
  return ScopedSnapshot().get();
}

table::TxnId Own() {
  const table::Snapshot* s = Scoped();
  return s ? s->own : 0;
}

// Whether a version created by `created` and dropped by `dropped` is seen:
// by snapshot `s`, or without one the latest (not dropped) version.
bool Sees(const table::Snapshot* s, table::TxnId created, table::TxnId dropped) {
  if (!s) return dropped == 0;
  return (created == 0 || s->Sees(created)) && (dropped == 0 || !s->Sees(dropped));
}

template <typename Map>
auto* FindVisible(Map& map, const std::string& name) {
  auto it = map.find(AsciiLower(name));
  using V = std::remove_reference_t<decltype(it->second.front())>;
  V* out = nullptr;
  if (it == map.end()) return out;
  const table::Snapshot* s = Scoped();
  for (auto& v : it->second) {
    if (Sees(s, v.created_by, v.dropped_by)) out = &v;
  }
  return out;
}

template <typename Map, typename Each>
void ForEachVisible(Map& map, Each each) {
  const table::Snapshot* s = Scoped();
  for (auto& [name, versions] : map) {
    for (auto& v : versions) {
      if (Sees(s, v.created_by, v.dropped_by)) each(v);
    }
  }
}

[[noreturn]] void Conflict(const char* action, const std::string& name) {
  Fail(ErrorKind::kTransaction,
       "Catalog write-write conflict on {} \"{}\": another transaction changed it", action, name);
}

uint64_t IdOf(const std::shared_ptr<table::Table>& t) {
  return t->id();
}
template <typename T>
uint64_t IdOf(const std::shared_ptr<const T>& o) {
  return o->id;
}

}  // namespace

// Throws unless `name` is free in `map` for the scoped transaction.
template <typename Map>
static void CheckFree(const Map& map, const std::string& name, const char* what) {
  auto it = map.find(AsciiLower(name));
  if (it == map.end()) return;
  const table::Snapshot* s = Scoped();
  const table::TxnId own = Own();
  for (const auto& v : it->second) {
    const bool seen = Sees(s, v.created_by, v.dropped_by);
    if (seen && v.dropped_by == 0) {
      Fail(ErrorKind::kCatalog, "{} with name \"{}\" already exists!", what, name);
    }
    // Created by another transaction (in progress, or committed after the
    // snapshot), or dropped by another one that this snapshot still sees.
    if (!seen && v.dropped_by == 0 && s) Conflict("create", name);
    if (seen && v.dropped_by != 0 && v.dropped_by != own) Conflict("create", name);
  }
}

std::shared_ptr<table::Table> Database::FindTable(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto* v = FindVisible(tables_, name);
  return v ? v->object : nullptr;
}

std::vector<std::shared_ptr<table::Table>> Database::Tables() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<table::Table>> out;
  ForEachVisible(tables_, [&](const auto& v) { out.push_back(v.object); });
  return out;
}

std::shared_ptr<table::Table> Database::TableById(uint32_t id) const {
  std::lock_guard lock(mu_);
  for (const auto& [name, versions] : tables_) {
    for (const auto& v : versions) {
      if (v.object->id() == id) return v.object;
    }
  }
  return nullptr;
}

std::shared_ptr<table::Table> Database::CreateTable(table::TableDef def) {
  std::lock_guard lock(mu_);
  CheckFree(views_, def.name, "View");
  CheckFree(tables_, def.name, "Table");
  def.id = static_cast<uint32_t>(catalog_->AllocateId());
  table::CatalogEntry entry{def.id, table::CatalogKind::kTable, def.name,
                            table::EncodeTableDef(def)};
  catalog_->Put(std::span<const table::CatalogEntry>(&entry, 1));
  const std::string key = AsciiLower(def.name);
  auto t = std::make_shared<table::Table>(store_, std::move(def));
  tables_[key].push_back({t, Own(), 0});
  return t;
}

void Database::DropTable(const std::string& name, bool keep_triggers) {
  std::lock_guard lock(mu_);
  DropVersionLocked(tables_, name, "Table", keep_triggers);
}

table::TxnId Database::DroppedBy(uint32_t table_id) const {
  std::lock_guard lock(mu_);
  for (const auto& [name, versions] : tables_) {
    for (const auto& v : versions) {
      if (v.object->id() == table_id) return v.dropped_by;
    }
  }
  return 0;
}

std::shared_ptr<const Database::View> Database::FindView(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto* v = FindVisible(views_, name);
  return v ? v->object : nullptr;
}

std::vector<std::shared_ptr<const Database::View>> Database::Views() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const View>> out;
  ForEachVisible(views_, [&](const auto& v) { out.push_back(v.object); });
  return out;
}

void Database::CreateView(const std::string& name, const std::string& sql) {
  std::lock_guard lock(mu_);
  CheckFree(tables_, name, "View");
  CheckFree(views_, name, "View");
  auto v = std::make_shared<View>();
  v->id = catalog_->AllocateId();
  v->name = name;
  v->sql = sql;
  table::CatalogEntry entry{v->id, table::CatalogKind::kView, name,
                            std::vector<uint8_t>(sql.begin(), sql.end())};
  catalog_->Put(std::span<const table::CatalogEntry>(&entry, 1));
  views_[AsciiLower(name)].push_back({std::move(v), Own(), 0});
}

void Database::DropView(const std::string& name) {
  std::lock_guard lock(mu_);
  DropVersionLocked(views_, name, "View");
}

bool Database::HasSchema(const std::string& name) const {
  std::lock_guard lock(mu_);
  return EqualsIgnoreCase(name, "main") || FindVisible(schemas_, name) != nullptr;
}

std::vector<std::shared_ptr<const Database::Schema>> Database::Schemas() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const Schema>> out;
  ForEachVisible(schemas_, [&](const auto& v) { out.push_back(v.object); });
  return out;
}

void Database::CreateSchema(const std::string& name) {
  std::lock_guard lock(mu_);
  if (EqualsIgnoreCase(name, "main")) {
    Fail(ErrorKind::kCatalog, "Schema with name \"{}\" already exists!", name);
  }
  CheckFree(schemas_, name, "Schema");
  auto schema = std::make_shared<Schema>();
  schema->id = catalog_->AllocateId();
  schema->name = name;
  table::CatalogEntry entry{schema->id, table::CatalogKind::kSchema, name, {}};
  catalog_->Put(std::span<const table::CatalogEntry>(&entry, 1));
  schemas_[AsciiLower(name)].push_back({std::move(schema), Own(), 0});
}

void Database::DropSchema(const std::string& name) {
  std::lock_guard lock(mu_);
  DropVersionLocked(schemas_, name, "Schema");
}

std::shared_ptr<const Database::Index> Database::FindIndex(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto* v = FindVisible(indexes_, name);
  return v ? v->object : nullptr;
}

std::vector<std::shared_ptr<const Database::Index>> Database::IndexesOf(uint32_t table_id) const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const Index>> out;
  ForEachVisible(indexes_, [&](const auto& v) {
    if (v.object->table_id == table_id) out.push_back(v.object);
  });
  return out;
}

void Database::CreateIndex(Index index) {
  std::lock_guard lock(mu_);
  CheckFree(indexes_, index.name, "Index");
  index.id = catalog_->AllocateId();
  table::CatalogEntry entry{index.id, table::CatalogKind::kIndex, index.name, EncodeIndex(index)};
  catalog_->Put(std::span<const table::CatalogEntry>(&entry, 1));
  const std::string key = AsciiLower(index.name);
  indexes_[key].push_back({std::make_shared<const Index>(std::move(index)), Own(), 0});
}

void Database::DropIndex(const std::string& name) {
  std::lock_guard lock(mu_);
  DropVersionLocked(indexes_, name, "Index");
}

std::shared_ptr<const Database::Trigger> Database::FindTrigger(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto* v = FindVisible(triggers_, name);
  return v ? v->object : nullptr;
}

std::vector<std::shared_ptr<const Database::Trigger>> Database::TriggersOf(
    const std::string& table) const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const Trigger>> out;
  ForEachVisible(triggers_, [&](const auto& v) {
    if (EqualsIgnoreCase(v.object->table, table)) out.push_back(v.object);
  });
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  return out;
}

void Database::CreateTrigger(const std::string& name, const std::string& table,
                             const std::string& sql) {
  std::lock_guard lock(mu_);
  CheckFree(triggers_, name, "Trigger");
  if (!FindVisible(tables_, table)) {
    Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", table);
  }
  auto t = std::make_shared<Trigger>();
  t->id = catalog_->AllocateId();
  t->name = name;
  t->table = table;
  t->sql = sql;
  std::string def = table;
  def.push_back('\0');
  def += sql;
  table::CatalogEntry entry{t->id, table::CatalogKind::kTrigger, name,
                            std::vector<uint8_t>(def.begin(), def.end())};
  catalog_->Put(std::span<const table::CatalogEntry>(&entry, 1));
  triggers_[AsciiLower(name)].push_back({std::move(t), Own(), 0});
}

void Database::DropTrigger(const std::string& name) {
  std::lock_guard lock(mu_);
  DropVersionLocked(triggers_, name, "Trigger");
}

template <typename T>
void Database::DropVersionLocked(VersionMap<T>& map, const std::string& name, const char* what,
                                 bool keep_triggers) {
  auto* v = FindVisible(map, name);
  if (!v) Fail(ErrorKind::kCatalog, "{} with name {} does not exist!", what, name);
  const table::TxnId own = Own();
  if (v->dropped_by != 0) Conflict("drop", name);
  const uint64_t id = IdOf(v->object);
  // A table's indexes and triggers go with it.
  std::vector<uint64_t> doomed = {id};
  if constexpr (std::is_same_v<T, std::shared_ptr<table::Table>>) {
    ForEachVisible(indexes_, [&](const auto& i) {
      if (i.object->table_id == id) doomed.push_back(i.object->id);
    });
    if (!keep_triggers) {
      ForEachVisible(triggers_, [&](const auto& t) {
        if (EqualsIgnoreCase(t.object->table, name)) doomed.push_back(t.object->id);
      });
    }
  }
  for (uint64_t d : doomed) {
    // Marked dropped by the transaction; without one it goes now. An
    // object the transaction created itself is marked too, so that
    // ROLLBACK TO a savepoint between its CREATE and DROP brings it back.
    bool marked = false;
    auto mark = [&](auto& versions_map) {
      for (auto& [key, versions] : versions_map) {
        for (auto& ver : versions) {
          if (IdOf(ver.object) != d || ver.dropped_by != 0) continue;
          if (own != 0) {
            ver.dropped_by = own;
            pending_drops_[own].push_back(d);
            marked = true;
          }
          return;
        }
      }
    };
    mark(tables_);
    mark(views_);
    mark(schemas_);
    mark(indexes_);
    mark(triggers_);
    if (!marked) EraseLocked(d);
  }
}

void Database::EraseObject(uint64_t id) {
  std::lock_guard lock(mu_);
  EraseLocked(id);
}

void Database::EraseLocked(uint64_t id) {
  std::shared_ptr<table::Table> table;
  std::shared_ptr<const Index> index;
  auto erase = [&](auto& map, auto on_found) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      auto& versions = it->second;
      for (auto v = versions.begin(); v != versions.end(); ++v) {
        if (IdOf(v->object) != id) continue;
        on_found(v->object);
        versions.erase(v);
        if (versions.empty()) map.erase(it);
        return true;
      }
    }
    return false;
  };
  const bool found = erase(tables_, [&](const auto& t) { table = t; }) ||
                     erase(views_, [](const auto&) {}) || erase(schemas_, [](const auto&) {}) ||
                     erase(indexes_, [&](const auto& i) { index = i; }) ||
                     erase(triggers_, [](const auto&) {});
  if (!found) return;
  dropped_.erase(id);
  std::vector<uint64_t> ids = {id};
  if (table) {  // its indexes, and its triggers unless a table of its name remains
    std::vector<uint64_t> children;
    for (const auto& [key, versions] : indexes_) {
      for (const auto& v : versions) {
        if (v.object->table_id == id) children.push_back(v.object->id);
      }
    }
    const bool replaced = tables_.contains(AsciiLower(table->def().name));
    for (const auto& [key, versions] : triggers_) {
      if (replaced) break;
      for (const auto& v : versions) {
        if (EqualsIgnoreCase(v.object->table, table->def().name)) children.push_back(v.object->id);
      }
    }
    for (uint64_t c : children)
      EraseLocked(c);
  }
  if (index && index->data) {
    for (const auto& [key, versions] : tables_) {
      for (const auto& v : versions) {
        if (v.object->id() == index->table_id) v.object->RemoveObserver(index->data.get());
      }
    }
  }
  catalog_->Remove(ids);
  // The catalog no longer names a dropped table; a crash before its columns
  // are dropped leaves unreferenced storage, which the next open removes.
  if (table) table->DropStorage();
}

std::vector<table::CatalogEntry> Database::FinishDrops(table::TxnId id) {
  std::lock_guard lock(mu_);
  auto it = pending_drops_.find(id);
  if (it == pending_drops_.end()) return {};
  std::vector<table::CatalogEntry> removed;
  for (const auto& e : catalog_->Entries()) {
    if (std::find(it->second.begin(), it->second.end(), e.id) != it->second.end())
      removed.push_back(e);
  }
  catalog_->Remove(it->second);
  return removed;
}

void Database::RevertDrops(table::TxnId id) {
  RevertDropsFrom(id, 0);
}

size_t Database::PendingDrops(table::TxnId id) const {
  std::lock_guard lock(mu_);
  auto it = pending_drops_.find(id);
  return it == pending_drops_.end() ? 0 : it->second.size();
}

void Database::RevertDropsFrom(table::TxnId id, size_t from) {
  std::lock_guard lock(mu_);
  auto it = pending_drops_.find(id);
  if (it == pending_drops_.end() || from >= it->second.size()) return;
  const std::set<uint64_t> undone(it->second.begin() + static_cast<std::ptrdiff_t>(from),
                                  it->second.end());
  auto revert = [&](auto& map) {
    for (auto& [key, versions] : map) {
      for (auto& v : versions) {
        if (v.dropped_by == id && undone.contains(IdOf(v.object))) v.dropped_by = 0;
      }
    }
  };
  revert(tables_);
  revert(views_);
  revert(schemas_);
  revert(indexes_);
  revert(triggers_);
  it->second.resize(from);
  if (it->second.empty()) pending_drops_.erase(it);
}

void Database::ReclaimDropped() {
  {
    std::lock_guard lock(mu_);
    if (dropped_.empty()) return;  // the usual case, after every statement
  }
  const table::TxnId horizon = txn_ids_->VacuumHorizon();
  std::lock_guard lock(mu_);
  std::vector<uint64_t> due;
  for (const auto& [object, by] : dropped_) {
    if (by < horizon) due.push_back(object);
  }
  for (uint64_t object : due)
    EraseLocked(object);
}

void Database::DropOrphanColumns() {
  std::set<uint32_t> owned = {table::SysCatalog::kTableId};
  for (const auto& [key, versions] : tables_) {
    for (const auto& v : versions)
      owned.insert(v.object->id());
  }
  for (const auto& c : store_->Columns()) {
    if (!owned.contains(c.id.table_id)) store_->DropColumn(c.id);
  }
}

std::shared_ptr<OrderedIndex> Database::IndexData(const Index& index) {
  std::lock_guard lock(mu_);
  if (index.data) return index.data;
  for (const auto& [name, versions] : tables_) {
    for (const auto& v : versions) {
      if (v.object->id() == index.table_id) {
        index.data = OrderedIndex::Build(v.object, IndexColumns(*v.object, index));
        return index.data;
      }
    }
  }
  Fail(ErrorKind::kCatalog, "index {} names a table that does not exist", index.name);
}

void Database::Reindex(const std::string& name) {
  std::lock_guard lock(mu_);
  const std::string key = AsciiLower(name);
  for (const auto& [index_name, indexes] : indexes_) {
    for (const auto& ix : indexes) {
      const auto& index = ix.object;
      if (!index->data) continue;
      for (const auto& [table_name, tables] : tables_) {
        for (const auto& tv : tables) {
          const auto& t = tv.object;
          if (t->id() != index->table_id) continue;
          if (!key.empty() && key != index_name && key != table_name) continue;
          t->RemoveObserver(index->data.get());
          index->data.reset();
        }
      }
    }
  }
}

}  // namespace llkv::runtime
