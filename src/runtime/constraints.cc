#include "runtime/constraints.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <algorithm>

#include "execution/operators.h"
#include "llkv/common/error.h"

namespace llkv::runtime {

namespace {

// Positions in the table's columns of the index's fields.
std::vector<size_t> IndexColumns(const table::Table& t, const Database::Index& index) {
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
    const std::vector<size_t> columns = IndexColumns(*table, *index);
    absl::flat_hash_set<std::string> keys;
    ExistingKeys(table, *index, columns, replaced, false, &keys);
    std::string key;
    for (const auto& batch : rows) {
      std::vector<arrow::ArrayDataPtr> values;
      for (size_t c : columns)
        values.push_back(batch->column(static_cast<int>(c)));
      for (int64_t i = 0; i < batch->num_rows(); ++i) {
        if (!Key(values, i, &key)) continue;
        if (!keys.insert(key).second) Duplicate(*table, *index, columns, values, i);
      }
    }
  }
}

ConflictResolution ResolveConflicts(Database& db, const std::shared_ptr<table::Table>& table,
                                    const arrow::RecordBatch& rows, bool replace) {
  std::vector<std::shared_ptr<const Database::Index>> indexes;
  for (const auto& index : db.IndexesOf(table->id())) {
    if (index->unique) indexes.push_back(index);
  }
  // Owner of each key per index: an existing row (id >= 0 as a row id) or a
  // new row (stored as -1 - position).
  std::vector<absl::flat_hash_map<std::string, int64_t>> owners(indexes.size());
  absl::flat_hash_map<int64_t, std::vector<std::pair<size_t, std::string>>> keys_of;
  std::vector<std::vector<arrow::ArrayDataPtr>> new_values(indexes.size());
  for (size_t x = 0; x < indexes.size(); ++x) {
    const std::vector<size_t> columns = IndexColumns(*table, *indexes[x]);
    ForEachLiveKey(table, columns, [&](uint64_t id, const std::string& key, const auto&, int64_t) {
      const auto owner = static_cast<int64_t>(id);
      owners[x][key] = owner;
      keys_of[owner].emplace_back(x, key);
    });
    for (size_t c : columns)
      new_values[x].push_back(rows.column(static_cast<int>(c)));
  }
  ConflictResolution out;
  std::vector<bool> dropped(static_cast<size_t>(rows.num_rows()), false);
  std::string key;
  for (int64_t i = 0; i < rows.num_rows(); ++i) {
    std::vector<std::pair<size_t, std::string>> mine;
    std::vector<int64_t> conflicts;
    for (size_t x = 0; x < indexes.size(); ++x) {
      if (!Key(new_values[x], i, &key)) continue;
      auto it = owners[x].find(key);
      if (it != owners[x].end()) conflicts.push_back(it->second);
      mine.emplace_back(x, key);
    }
    if (!conflicts.empty() && !replace) {
      dropped[static_cast<size_t>(i)] = true;
      continue;
    }
    for (int64_t owner : conflicts) {
      auto keys = keys_of.find(owner);
      if (keys == keys_of.end()) continue;  // already replaced via another index
      for (const auto& [x, k] : keys->second)
        owners[x].erase(k);
      keys_of.erase(keys);
      if (owner >= 0)
        out.replaced.push_back(static_cast<uint64_t>(owner));
      else
        dropped[static_cast<size_t>(-1 - owner)] = true;
    }
    for (const auto& [x, k] : mine)
      owners[x][k] = -1 - i;
    keys_of[-1 - i] = std::move(mine);
  }
  for (int64_t i = 0; i < rows.num_rows(); ++i) {
    if (!dropped[static_cast<size_t>(i)]) out.keep.push_back(i);
  }
  std::sort(out.replaced.begin(), out.replaced.end());
  return out;
}

void CheckExistingUnique(const std::shared_ptr<table::Table>& table, const Database::Index& index) {
  absl::flat_hash_set<std::string> keys;
  ExistingKeys(table, index, IndexColumns(*table, index), {}, true, &keys);
}

}  // namespace llkv::runtime
