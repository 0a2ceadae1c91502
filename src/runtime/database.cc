#include "runtime/database.h"

#include <cctype>

#include "llkv/common/error.h"
#include "llkv/storage/lmdb_pager.h"
#include "llkv/storage/mem_pager.h"

namespace llkv::runtime {

namespace {

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::shared_ptr<Database> Database::Open(const std::string& path) {
  storage::PagerPtr pager;
  if (path == ":memory:") {
    pager = std::make_shared<storage::MemPager>();
  } else {
    pager = storage::LmdbPager::Open(path);
  }
  auto db = std::make_shared<Database>(path, std::move(pager));
  db->Load();
  return db;
}

Database::Database(std::string path, storage::PagerPtr pager)
    : path_(std::move(path)), pager_(std::move(pager)) {}

void Database::Load() {
  store_ = table::ColumnStore::Open(pager_);
  catalog_ = std::make_unique<table::SysCatalog>(store_);
  for (const auto& entry : catalog_->Entries()) {
    if (entry.kind == table::CatalogKind::kView) {
      auto v = std::make_shared<View>();
      v->id = entry.id;
      v->name = entry.name;
      v->sql.assign(entry.definition.begin(), entry.definition.end());
      views_[Lower(v->name)] = std::move(v);
      continue;
    }
    if (entry.kind != table::CatalogKind::kTable) continue;
    table::TableDef def = table::DecodeTableDef(
        entry.definition, fmt::format("{}: catalog entry {} ('{}')", path_, entry.id, entry.name));
    auto t = std::make_shared<table::Table>(store_, std::move(def));
    tables_[Lower(t->def().name)] = std::move(t);
  }
}

std::shared_ptr<table::Table> Database::FindTable(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = tables_.find(Lower(name));
  return it == tables_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<table::Table>> Database::Tables() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<table::Table>> out;
  for (const auto& [name, t] : tables_)
    out.push_back(t);
  return out;
}

std::shared_ptr<const Database::View> Database::FindView(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = views_.find(Lower(name));
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
  const std::string key = Lower(name);
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
  auto it = views_.find(Lower(name));
  if (it == views_.end()) Fail(ErrorKind::kCatalog, "View with name {} does not exist!", name);
  const uint64_t id = it->second->id;
  catalog_->Remove(std::span<const uint64_t>(&id, 1));
  views_.erase(it);
}

std::shared_ptr<table::Table> Database::CreateTable(table::TableDef def) {
  std::lock_guard lock(mu_);
  const std::string key = Lower(def.name);
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
  auto it = tables_.find(Lower(name));
  if (it == tables_.end()) Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", name);
  const uint64_t id = it->second->id();
  catalog_->Remove(std::span<const uint64_t>(&id, 1));
  // The catalog no longer names the table; a crash before its columns are
  // dropped leaves unreferenced storage, never a half-visible table.
  it->second->DropStorage();
  tables_.erase(it);
}

}  // namespace llkv::runtime
