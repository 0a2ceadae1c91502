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
      views_[AsciiLower(v->name)].push_back({std::move(v), 0, 0});
      continue;
    }
    if (entry.kind == table::CatalogKind::kSchema) {
      auto schema = std::make_shared<Schema>();
      schema->id = entry.id;
      schema->name = entry.name;
      schemas_[AsciiLower(schema->name)].push_back({std::move(schema), 0, 0});
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
      triggers_[AsciiLower(t->name)].push_back({std::move(t), 0, 0});
      continue;
    }
    if (entry.kind == table::CatalogKind::kSequence) {
      LoadSequence(entry);
      continue;
    }
    if (entry.kind == table::CatalogKind::kIndex) {
      indexes_[AsciiLower(entry.name)].push_back(
          {std::make_shared<const Index>(DecodeIndex(
               entry, fmt::format("{}: catalog entry {} ('{}')", path_, entry.id, entry.name))),
           0, 0});
      continue;
    }
    if (entry.kind != table::CatalogKind::kTable) continue;
    table::TableDef def = table::DecodeTableDef(
        entry.definition, fmt::format("{}: catalog entry {} ('{}')", path_, entry.id, entry.name));
    auto t = std::make_shared<table::Table>(store_, std::move(def));
    tables_[AsciiLower(t->def().name)].push_back({std::move(t), 0, 0});
  }
  Recover();
  DropOrphanColumns();
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

}  // namespace llkv::runtime
