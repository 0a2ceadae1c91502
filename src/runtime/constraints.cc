#include "runtime/constraints.h"

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

// Adds the live keys of `t` (except `replaced` rows) to `keys`; with
// `fail_on_duplicate`, a repeated key among them is an error.
void ExistingKeys(const std::shared_ptr<table::Table>& t, const Database::Index& index,
                  const std::vector<size_t>& columns, std::span<const uint64_t> replaced,
                  bool fail_on_duplicate, absl::flat_hash_set<std::string>* keys) {
  auto scan = execution::MakeTableScan(t, columns, /*with_row_id=*/true);
  std::string key;
  while (auto batch = scan->Next()) {
    const auto* ids = batch->column(0)->values<uint64_t>();
    std::vector<arrow::ArrayDataPtr> values;
    for (size_t k = 0; k < columns.size(); ++k)
      values.push_back(batch->column(static_cast<int>(k + 1)));
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      if (std::binary_search(replaced.begin(), replaced.end(), ids[i])) continue;
      if (!Key(values, i, &key)) continue;
      if (!keys->insert(key).second && fail_on_duplicate) Duplicate(*t, index, columns, values, i);
    }
  }
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

void CheckExistingUnique(const std::shared_ptr<table::Table>& table, const Database::Index& index) {
  absl::flat_hash_set<std::string> keys;
  ExistingKeys(table, index, IndexColumns(*table, index), {}, true, &keys);
}

}  // namespace llkv::runtime
