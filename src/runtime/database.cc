#include "runtime/database.h"

#include <cctype>

#include "common/ascii.h"
#include "common/bytes.h"
#include "llkv/common/error.h"
#include "llkv/storage/lmdb_pager.h"
#include "llkv/storage/mem_pager.h"

namespace llkv::runtime {

// An index's catalog definition: u32 table id, u8 unique, u32 count, u32
// field ids.
std::vector<uint8_t> Database::EncodeIndex(const Index& index) {
  ByteWriter w;
  w.Put(index.table_id);
  w.Put<uint8_t>(index.unique);
  w.Put(static_cast<uint32_t>(index.field_ids.size()));
  for (uint32_t f : index.field_ids)
    w.Put(f);
  return w.Take();
}

Database::Index Database::DecodeIndex(const table::CatalogEntry& entry, const std::string& what) {
  ByteReader r(entry.definition, what);
  Index index;
  index.id = entry.id;
  index.name = entry.name;
  index.table_id = r.Get<uint32_t>();
  index.unique = r.Get<uint8_t>() != 0;
  const uint32_t n = r.GetCount(4);
  for (uint32_t i = 0; i < n; ++i)
    index.field_ids.push_back(r.Get<uint32_t>());
  r.ExpectEnd();
  return index;
}

std::shared_ptr<Database> Database::Open(const std::string& path) {
  storage::PagerPtr pager;
  if (path == ":memory:") {
    pager = std::make_shared<storage::MemPager>();
  } else {
    pager = storage::LmdbPager::Open(path);
  }
  return Open(path, std::move(pager));
}

std::shared_ptr<Database> Database::Open(const std::string& name, storage::PagerPtr pager) {
  auto db = std::make_shared<Database>(name, std::move(pager));
  db->Load();
  return db;
}

Database::Database(std::string path, storage::PagerPtr pager) : path_(std::move(path)) {
  if (pager->persistent()) {
    buffered_ = std::make_shared<storage::BufferedPager>(std::move(pager));
    pager_ = buffered_;
  } else {
    pager_ = std::move(pager);
  }
}

void Database::Load() {
  store_ = table::ColumnStore::Open(pager_);
  catalog_ = std::make_unique<table::SysCatalog>(store_);
  txn_ids_ = std::make_unique<TxnIdManager>(catalog_.get());
  for (const auto& entry : catalog_->Entries()) {
    if (entry.kind == table::CatalogKind::kView) {
      auto v = std::make_shared<View>();
      v->id = entry.id;
      v->name = entry.name;
      v->sql.assign(entry.definition.begin(), entry.definition.end());
      views_[AsciiLower(v->name)] = std::move(v);
      continue;
    }
    if (entry.kind == table::CatalogKind::kTrigger) {
      // definition: the table's name, a NUL, the CREATE TRIGGER text.
      auto t = std::make_shared<Trigger>();
      t->id = entry.id;
      t->name = entry.name;
      const std::string def(entry.definition.begin(), entry.definition.end());
      const size_t nul = def.find('\0');
      if (nul == std::string::npos) {
        Fail(ErrorKind::kCorruption, "{}: catalog entry {} ('{}') is not a trigger definition",
             path_, entry.id, entry.name);
      }
      t->table = def.substr(0, nul);
      t->sql = def.substr(nul + 1);
      triggers_[AsciiLower(t->name)] = std::move(t);
      continue;
    }
    if (entry.kind == table::CatalogKind::kIndex) {
      indexes_[AsciiLower(entry.name)] = std::make_shared<Index>(DecodeIndex(
          entry, fmt::format("{}: catalog entry {} ('{}')", path_, entry.id, entry.name)));
      continue;
    }
    if (entry.kind != table::CatalogKind::kTable) continue;
    table::TableDef def = table::DecodeTableDef(
        entry.definition, fmt::format("{}: catalog entry {} ('{}')", path_, entry.id, entry.name));
    auto t = std::make_shared<table::Table>(store_, std::move(def));
    tables_[AsciiLower(t->def().name)] = std::move(t);
  }
  Recover();
}

std::shared_ptr<table::Table> Database::FindTable(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = tables_.find(AsciiLower(name));
  return it == tables_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<table::Table>> Database::Tables() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<table::Table>> out;
  for (const auto& [name, t] : tables_)
    out.push_back(t);
  return out;
}

std::shared_ptr<const Database::Index> Database::FindIndex(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = indexes_.find(AsciiLower(name));
  return it == indexes_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Database::Index>> Database::IndexesOf(uint32_t table_id) const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const Index>> out;
  for (const auto& [name, index] : indexes_) {
    if (index->table_id == table_id) out.push_back(index);
  }
  return out;
}

void Database::CreateIndex(Index index) {
  std::lock_guard lock(mu_);
  const std::string key = AsciiLower(index.name);
  if (indexes_.contains(key)) {
    Fail(ErrorKind::kCatalog, "Index with name \"{}\" already exists!", index.name);
  }
  index.id = catalog_->AllocateId();
  table::CatalogEntry entry{index.id, table::CatalogKind::kIndex, index.name, EncodeIndex(index)};
  catalog_->Put(std::span<const table::CatalogEntry>(&entry, 1));
  indexes_[key] = std::make_shared<Index>(std::move(index));
}

void Database::DropIndex(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = indexes_.find(AsciiLower(name));
  if (it == indexes_.end()) Fail(ErrorKind::kCatalog, "Index with name {} does not exist!", name);
  const uint64_t id = it->second->id;
  catalog_->Remove(std::span<const uint64_t>(&id, 1));
  if (it->second->data) {
    for (const auto& [table_name, t] : tables_) {
      if (t->id() == it->second->table_id) t->RemoveObserver(it->second->data.get());
    }
  }
  indexes_.erase(it);
}

void Database::Reindex(const std::string& name) {
  std::lock_guard lock(mu_);
  const std::string key = AsciiLower(name);
  for (const auto& [index_name, index] : indexes_) {
    if (!index->data) continue;
    for (const auto& [table_name, t] : tables_) {
      if (t->id() != index->table_id) continue;
      if (!key.empty() && key != index_name && key != table_name) continue;
      t->RemoveObserver(index->data.get());
      index->data.reset();
    }
  }
}

std::vector<size_t> Database::IndexColumns(const table::Table& t, const Index& index) {
  std::vector<size_t> out;
  for (uint32_t f : index.field_ids) {
    for (size_t c = 0; c < t.def().columns.size(); ++c) {
      if (t.def().columns[c].field_id == f) out.push_back(c);
    }
  }
  if (out.size() != index.field_ids.size()) {
    Fail(ErrorKind::kCorruption, "index {} names columns table {} does not have", index.name,
         t.def().name);
  }
  return out;
}

std::shared_ptr<OrderedIndex> Database::IndexData(const Index& index) {
  std::lock_guard lock(mu_);
  if (index.data) return index.data;
  for (const auto& [name, t] : tables_) {
    if (t->id() == index.table_id) {
      index.data = OrderedIndex::Build(t, IndexColumns(*t, index));
      return index.data;
    }
  }
  Fail(ErrorKind::kCatalog, "index {} names a table that does not exist", index.name);
}

std::shared_ptr<const Database::Trigger> Database::FindTrigger(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = triggers_.find(AsciiLower(name));
  return it == triggers_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Database::Trigger>> Database::TriggersOf(
    const std::string& table) const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const Trigger>> out;
  for (const auto& [name, t] : triggers_) {
    if (AsciiLower(t->table) == AsciiLower(table)) out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  return out;
}

void Database::CreateTrigger(const std::string& name, const std::string& table,
                             const std::string& sql) {
  std::lock_guard lock(mu_);
  const std::string key = AsciiLower(name);
  if (triggers_.contains(key)) {
    Fail(ErrorKind::kCatalog, "Trigger with name \"{}\" already exists!", name);
  }
  if (!tables_.contains(AsciiLower(table))) {
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
  triggers_[key] = std::move(t);
}

void Database::DropTrigger(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = triggers_.find(AsciiLower(name));
  if (it == triggers_.end())
    Fail(ErrorKind::kCatalog, "Trigger with name {} does not exist!", name);
  const uint64_t id = it->second->id;
  catalog_->Remove(std::span<const uint64_t>(&id, 1));
  triggers_.erase(it);
}

std::shared_ptr<const Database::View> Database::FindView(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = views_.find(AsciiLower(name));
  return it == views_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Database::View>> Database::Views() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const View>> out;
  for (const auto& [name, v] : views_)
    out.push_back(v);
  return out;
}

void Database::CreateView(const std::string& name, const std::string& sql) {
  std::lock_guard lock(mu_);
  const std::string key = AsciiLower(name);
  if (tables_.contains(key) || views_.contains(key)) {
    Fail(ErrorKind::kCatalog, "View with name \"{}\" already exists!", name);
  }
  auto v = std::make_shared<View>();
  v->id = catalog_->AllocateId();
  v->name = name;
  v->sql = sql;
  table::CatalogEntry entry{v->id, table::CatalogKind::kView, name,
                            std::vector<uint8_t>(sql.begin(), sql.end())};
  catalog_->Put(std::span<const table::CatalogEntry>(&entry, 1));
  views_[key] = std::move(v);
}

void Database::DropView(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = views_.find(AsciiLower(name));
  if (it == views_.end()) Fail(ErrorKind::kCatalog, "View with name {} does not exist!", name);
  const uint64_t id = it->second->id;
  catalog_->Remove(std::span<const uint64_t>(&id, 1));
  views_.erase(it);
}

std::shared_ptr<table::Table> Database::CreateTable(table::TableDef def) {
  std::lock_guard lock(mu_);
  const std::string key = AsciiLower(def.name);
  if (views_.contains(key))
    Fail(ErrorKind::kCatalog, "View with name \"{}\" already exists!", def.name);
  if (tables_.contains(key)) {
    Fail(ErrorKind::kCatalog, "Table with name \"{}\" already exists!", def.name);
  }
  def.id = static_cast<uint32_t>(catalog_->AllocateId());
  table::CatalogEntry entry{def.id, table::CatalogKind::kTable, def.name,
                            table::EncodeTableDef(def)};
  catalog_->Put(std::span<const table::CatalogEntry>(&entry, 1));
  auto t = std::make_shared<table::Table>(store_, std::move(def));
  tables_[key] = t;
  return t;
}

void Database::DropTable(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = tables_.find(AsciiLower(name));
  if (it == tables_.end()) Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", name);
  std::vector<uint64_t> ids = {it->second->id()};
  for (auto ix = indexes_.begin(); ix != indexes_.end();) {
    if (ix->second->table_id == it->second->id()) {
      ids.push_back(ix->second->id);
      ix = indexes_.erase(ix);
    } else {
      ++ix;
    }
  }
  for (auto tr = triggers_.begin(); tr != triggers_.end();) {
    if (AsciiLower(tr->second->table) == AsciiLower(name)) {
      ids.push_back(tr->second->id);
      tr = triggers_.erase(tr);
    } else {
      ++tr;
    }
  }
  catalog_->Remove(ids);
  // The catalog no longer names the table; a crash before its columns are
  // dropped leaves unreferenced storage, never a half-visible table.
  it->second->DropStorage();
  tables_.erase(it);
}

}  // namespace llkv::runtime
