// SysCatalog: the system catalog, stored as table 0 of the column store.
//
// One row per catalog object (a table, view, index, ...): the row id is the
// object's id, which for tables is also the table id of its columns. Columns:
// kind (uint8), name (utf8) and definition (binary, an encoding owned by the
// layer that defines the object: EncodeTableDef for tables). Every change is
// one atomic column store commit, so the catalog survives crashes and
// reopening exactly as committed.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "table/column_store.h"

namespace llkv::table {

enum class CatalogKind : uint8_t {
  kTable = 1,
  kView = 2,
  kIndex = 3,
  kConstraint = 4,
  kTrigger = 5,
  kTxnState = 6,  // the transaction id high-water mark (runtime::TxnIdManager)
  kSequence = 7,  // a sequence and its last value (runtime/sequence.cc)
  kSchema = 8     // a schema: its name (objects in it are named "schema.name")
};

struct CatalogEntry {
  uint64_t id = 0;
  CatalogKind kind = CatalogKind::kTable;
  std::string name;
  std::vector<uint8_t> definition;
};

class SysCatalog {
 public:
  static constexpr uint32_t kTableId = 0;

  explicit SysCatalog(std::shared_ptr<ColumnStore> store);

  // Every entry, ordered by id.
  std::vector<CatalogEntry> Entries() const;
  // Inserts or replaces entries (by id), atomically.
  void Put(std::span<const CatalogEntry> entries);
  // Removes entries by id (absent ids are ignored), atomically.
  void Remove(std::span<const uint64_t> ids);
  // An id no entry has used yet (ids start at 1; table ids stay below 2^24).
  uint64_t AllocateId();

 private:
  LogicalFieldId Field(uint32_t f) const { return {Namespace::kUserData, kTableId, f}; }

  std::shared_ptr<ColumnStore> store_;
  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
};

}  // namespace llkv::table
