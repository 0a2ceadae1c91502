#include "runtime/constraints.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <algorithm>

#include "execution/operators.h"
#include "llkv/common/error.h"
#include "runtime/ordered_index.h"

namespace llkv::runtime {

namespace {

// The encoded key of row i over `columns`, or false when part of it is NULL.
bool Key(const std::vector<arrow::ArrayDataPtr>& columns, int64_t i, std::string* out) {
  out->clear();
  for (const auto& c : columns) {
    if (c->IsNull(i)) return false;
    execution::EncodeValueKey(execution::Value::FromArray(*c, i), out);
  }
  return true;
}

[[noreturn]] void Duplicate(const table::Table& t, const Database::Index& index,
                            const std::vector<size_t>& columns,
                            const std::vector<arrow::ArrayDataPtr>& values, int64_t i) {
  std::string key;
  for (size_t k = 0; k < columns.size(); ++k) {
    if (k) key += ", ";
    key += t.def().columns[columns[k]].name + ": " + arrow::FormatValue(*values[k], i);
  }
  const bool primary = index.name.size() > 5 && index.name.ends_with("_pkey");
  Fail(ErrorKind::kConstraint, "Duplicate key \"{}\" violates {} constraint", key,
       primary ? "primary key" : "unique");
}

// Calls visit(row_id, key, values, i) for every live row of `t` whose key
// over `columns` has no NULL.
template <typename Visit>
void ForEachLiveKey(const std::shared_ptr<table::Table>& t, const std::vector<size_t>& columns,
                    Visit visit) {
  auto scan = execution::MakeTableScan(t, columns, /*with_row_id=*/true);
  std::string key;
  while (auto batch = scan->Next()) {
    const auto* ids = batch->column(0)->values<uint64_t>();
    std::vector<arrow::ArrayDataPtr> values;
    for (size_t k = 0; k < columns.size(); ++k) {
      values.push_back(batch->column(static_cast<int>(k + 1)));
    }
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      if (Key(values, i, &key)) visit(ids[i], key, values, i);
    }
  }
}

// Adds the live keys of `t` (except `replaced` rows) to `keys`; with
// `fail_on_duplicate`, a repeated key among them is an error.
void ExistingKeys(const std::shared_ptr<table::Table>& t, const Database::Index& index,
                  const std::vector<size_t>& columns, std::span<const uint64_t> replaced,
                  bool fail_on_duplicate, absl::flat_hash_set<std::string>* keys) {
  ForEachLiveKey(t, columns,
                 [&](uint64_t id, const std::string& key, const auto& values, int64_t i) {
                   if (std::binary_search(replaced.begin(), replaced.end(), id)) return;
                   if (!keys->insert(key).second && fail_on_duplicate)
                     Duplicate(*t, index, columns, values, i);
                 });
}

}  // namespace

void CheckUnique(Database& db, const std::shared_ptr<table::Table>& table,
                 const std::vector<arrow::RecordBatchPtr>& rows,
                 std::span<const uint64_t> replaced) {
  for (const auto& index : db.IndexesOf(table->id())) {
    if (!index->unique) continue;
    const std::vector<size_t> columns = Database::IndexColumns(*table, *index);
    const std::shared_ptr<OrderedIndex> data = db.IndexData(*index);
    absl::flat_hash_set<std::string> added;
    std::string key;
    for (const auto& batch : rows) {
      std::vector<arrow::ArrayDataPtr> values;
      for (size_t c : columns)
        values.push_back(batch->column(static_cast<int>(c)));
      for (int64_t i = 0; i < batch->num_rows(); ++i) {
        key.clear();
        if (!OrderedIndex::EncodeKey(values, i, &key)) continue;
        if (!added.insert(key).second) Duplicate(*table, *index, columns, values, i);
        for (uint64_t id : data->Equal(key, replaced.size() + 1)) {
          if (!std::binary_search(replaced.begin(), replaced.end(), id))
            Duplicate(*table, *index, columns, values, i);
        }
      }
    }
  }
}

ConflictResolution ResolveConflicts(Database& db, const std::shared_ptr<table::Table>& table,
                                    const arrow::RecordBatch& rows, bool replace,
                                    std::optional<uint64_t> only_index) {
  std::vector<std::shared_ptr<OrderedIndex>> data;
  std::vector<std::vector<arrow::ArrayDataPtr>> new_values;
  for (const auto& index : db.IndexesOf(table->id())) {
    if (!index->unique || (only_index && index->id != *only_index)) continue;
    data.push_back(db.IndexData(*index));
    new_values.emplace_back();
    for (size_t c : Database::IndexColumns(*table, *index))
      new_values.back().push_back(rows.column(static_cast<int>(c)));
  }
  // Keys of the new rows kept so far, per index, with their positions.
  std::vector<absl::flat_hash_map<std::string, int64_t>> owners(data.size());
  std::vector<std::vector<std::pair<size_t, std::string>>> keys_of(
      static_cast<size_t>(rows.num_rows()));
  absl::flat_hash_set<uint64_t> replaced;
  ConflictResolution out;
  std::vector<bool> dropped(static_cast<size_t>(rows.num_rows()), false);
  std::string key;
  for (int64_t i = 0; i < rows.num_rows(); ++i) {
    std::vector<std::pair<size_t, std::string>> mine;
    std::vector<uint64_t> existing;
    std::vector<int64_t> earlier;
    for (size_t x = 0; x < data.size(); ++x) {
      key.clear();
      if (!OrderedIndex::EncodeKey(new_values[x], i, &key)) continue;
      auto it = owners[x].find(key);
      if (it != owners[x].end()) earlier.push_back(it->second);
      for (uint64_t id : data[x]->Equal(key, replaced.size() + 1)) {
        if (!replaced.contains(id)) existing.push_back(id);
      }
      mine.emplace_back(x, key);
    }
    if (!replace && (!existing.empty() || !earlier.empty())) {
      dropped[static_cast<size_t>(i)] = true;
      continue;
    }
    for (uint64_t id : existing) {
      if (replaced.insert(id).second) out.replaced.push_back(id);
    }
    for (int64_t p : earlier) {
      if (dropped[static_cast<size_t>(p)]) continue;
      dropped[static_cast<size_t>(p)] = true;
      for (const auto& [x, k] : keys_of[static_cast<size_t>(p)])
        owners[x].erase(k);
    }
    for (const auto& [x, k] : mine)
      owners[x][k] = i;
    keys_of[static_cast<size_t>(i)] = std::move(mine);
  }
  for (int64_t i = 0; i < rows.num_rows(); ++i) {
    if (!dropped[static_cast<size_t>(i)]) out.keep.push_back(i);
  }
  std::sort(out.replaced.begin(), out.replaced.end());
  return out;
}

void PendingKeys::Check(Database& db, const std::shared_ptr<table::Table>& table,
                        const arrow::RecordBatchPtr& rows) {
  CheckUnique(db, table, {rows}, {});
  std::string key;
  std::vector<std::pair<absl::flat_hash_set<std::string>*, std::string>> added;
  for (const auto& index : db.IndexesOf(table->id())) {
    if (!index->unique) continue;
    const std::vector<size_t> columns = Database::IndexColumns(*table, *index);
    std::vector<arrow::ArrayDataPtr> values;
    for (size_t c : columns)
      values.push_back(rows->column(static_cast<int>(c)));
    auto& pending = keys_[index->id];
    for (int64_t i = 0; i < rows->num_rows(); ++i) {
      key.clear();
      if (!OrderedIndex::EncodeKey(values, i, &key)) continue;
      // Keys join the pending ones only once the whole statement passed.
      if (pending.contains(key)) Duplicate(*table, *index, columns, values, i);
      added.emplace_back(&pending, key);
    }
  }
  for (auto& [set, k] : added)
    set->insert(std::move(k));
}

void CheckExistingUnique(const std::shared_ptr<table::Table>& table, const Database::Index& index) {
  absl::flat_hash_set<std::string> keys;
  ExistingKeys(table, index, Database::IndexColumns(*table, index), {}, true, &keys);
}

}  // namespace llkv::runtime
