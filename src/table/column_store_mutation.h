// One atomic change to a ColumnStore under construction (internal).
#pragma once

#include <deque>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "table/column_store.h"

namespace llkv::table {

struct ColumnStore::Mutation {
  storage::Pager* pager = nullptr;
  storage::WriteBatch batch;
  std::deque<std::vector<uint8_t>> blobs;                      // bytes the puts point to
  std::unordered_set<PhysicalKey> created;                     // keys first written here
  std::vector<PhysicalKey> retired;                            // keys this change replaces
  std::unordered_map<PhysicalKey, arrow::ArrayDataPtr> fresh;  // arrays of created chunks
  std::map<LogicalFieldId, std::shared_ptr<ColumnState>> changed;
  std::vector<LogicalFieldId> dropped;
  bool catalog_dirty = false;

  PhysicalKey NewKey() {
    PhysicalKey k = pager->alloc_many(1)[0];
    created.insert(k);
    return k;
  }
  void Put(PhysicalKey key, std::vector<uint8_t> bytes) {
    blobs.push_back(std::move(bytes));
    batch.puts.push_back({key, blobs.back()});
  }
  void Retire(PhysicalKey key) { retired.push_back(key); }
  // Drops puts of keys created and retired within this change, and moves the
  // remaining retired keys out for the caller to free or defer.
  std::vector<PhysicalKey> Finalize();
};

}  // namespace llkv::table
