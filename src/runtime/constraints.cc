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

[[noreturn]] void Pending(const table::Table& t, const char* what) {
  Fail(ErrorKind::kTransaction,
       "Conflict on {} in table \"{}\": the row is being changed by another transaction in "
       "progress",
       what, t.def().name);
}

// The candidates among `ids` (ascending) that are live for `writer`,
// leaving out `skip`. A pending one is a conflict, or with `pending` set
// only reported there.
template <typename Skip>
std::vector<uint64_t> LiveCandidates(Database& db, const table::Table& t, TxnId writer,
                                     const std::vector<uint64_t>& ids, Skip skip,
                                     bool* pending = nullptr) {
  std::vector<uint64_t> out;
  std::vector<uint64_t> check;
  for (uint64_t id : ids) {
    if (!skip(id)) check.push_back(id);
  }
  if (check.empty()) return out;
  const std::vector<RowState> states = RowStates(db, t, writer, check);
  for (size_t i = 0; i < check.size(); ++i) {
    if (states[i] == RowState::kPending) {
      if (!pending) Pending(t, "insert");
      *pending = true;
    }
    if (states[i] == RowState::kLive) out.push_back(check[i]);
  }
  return out;
}

}  // namespace

std::vector<RowState> RowStates(Database& db, const table::Table& table, TxnId writer,
                                std::span<const uint64_t> row_ids) {
  const table::Table::Versions v = table.FetchVersions(row_ids);
  std::vector<RowState> out(row_ids.size());
  TxnIdManager& txns = db.txn_ids();
  for (size_t i = 0; i < row_ids.size(); ++i) {
    const TxnId c = v.created_by[i], d = v.deleted_by[i];
    if (c == 0 || d == writer || (d != 0 && !txns.IsActive(d))) {
      out[i] = RowState::kDead;
    } else if ((c != writer && txns.IsActive(c)) || d != 0) {
      out[i] = RowState::kPending;
    } else {
      out[i] = RowState::kLive;
    }
  }
  return out;
}

std::vector<uint64_t> LiveRows(Database& db, const table::Table& table, TxnId writer,
                               std::span<const uint64_t> row_ids, const char* what) {
  std::vector<uint64_t> out;
  if (row_ids.empty()) return out;
  const std::vector<RowState> states = RowStates(db, table, writer, row_ids);
  for (size_t i = 0; i < row_ids.size(); ++i) {
    if (states[i] == RowState::kPending) Pending(table, what);
    if (states[i] == RowState::kLive) out.push_back(row_ids[i]);
  }
  return out;
}

void CheckWriteConflicts(const table::Table& table, TxnId writer, std::span<const uint64_t> row_ids,
                         const char* what) {
  if (row_ids.empty()) return;
  const table::Table::Versions v = table.FetchVersions(row_ids);
  for (size_t i = 0; i < row_ids.size(); ++i) {
    if (v.deleted_by[i] != 0 && v.deleted_by[i] != writer) {
      Fail(ErrorKind::kTransaction,
           "Conflict on {} in table \"{}\": row {} was changed by a concurrent transaction", what,
           table.def().name, row_ids[i]);
    }
  }
}

void CheckUnique(Database& db, const std::shared_ptr<table::Table>& table, TxnId writer,
                 const std::vector<arrow::RecordBatchPtr>& rows,
                 std::span<const uint64_t> replaced) {
  for (const auto& index : db.IndexesOf(table->id())) {
    if (!index->unique) continue;
    const std::vector<size_t> columns = Database::IndexColumns(*table, *index);
    const std::shared_ptr<OrderedIndex> data = db.IndexData(*index);
    // Keys the index may hold: none above its largest key.
    const std::optional<std::string> max_key = data->MaxKey();
    // The new rows' keys (without those holding a NULL) in input order,
    // kept only once they stop increasing: keys in strictly increasing
    // order (a load sorted by its key) cannot repeat.
    std::vector<std::string> keys;
    std::vector<std::pair<uint32_t, int64_t>> where;  // batch, row
    std::vector<std::vector<arrow::ArrayDataPtr>> batch_values;
    bool increasing = true;
    std::string key, previous;
    for (size_t b = 0; b < rows.size(); ++b) {
      std::vector<arrow::ArrayDataPtr>& values = batch_values.emplace_back();
      for (size_t c : columns)
        values.push_back(rows[b]->column(static_cast<int>(c)));
      for (int64_t i = 0; i < rows[b]->num_rows(); ++i) {
        key.clear();
        if (!OrderedIndex::EncodeKey(values, i, &key)) continue;
        if (increasing && !(previous.empty() || previous < key)) {
          // The order broke: the earlier keys are needed after all.
          increasing = false;
          for (size_t eb = 0; eb <= b; ++eb) {
            const int64_t end = eb < b ? rows[eb]->num_rows() : i;
            for (int64_t ei = 0; ei < end; ++ei) {
              std::string earlier;
              if (!OrderedIndex::EncodeKey(batch_values[eb], ei, &earlier)) continue;
              keys.push_back(std::move(earlier));
              where.emplace_back(static_cast<uint32_t>(eb), ei);
            }
          }
        }
        if (increasing) {
          previous = key;
        } else {
          keys.push_back(key);
          where.emplace_back(static_cast<uint32_t>(b), i);
        }
        if (!max_key || key > *max_key) continue;
        bool pending = false;
        const auto live = LiveCandidates(
            db, *table, writer, data->Equal(key),
            [&](uint64_t id) { return std::binary_search(replaced.begin(), replaced.end(), id); },
            &pending);
        if (!live.empty()) Duplicate(*table, *index, columns, values, i);
        // Another transaction in progress wrote this key: whichever of the
        // two commits second fails (checked again at commit).
        if (pending) db.DeferUniqueCheck(writer, table->id(), index->id, key);
      }
    }
    if (increasing) continue;
    // Two new rows with one key are neighbours once sorted; the error names
    // the first repeat in input order.
    const std::vector<uint32_t> order = OrderedIndex::SortedOrder(keys);
    size_t first_repeat = keys.size();
    for (size_t k = 1; k < order.size(); ++k) {
      if (keys[order[k]] == keys[order[k - 1]])
        first_repeat = std::min<size_t>(first_repeat, std::max(order[k], order[k - 1]));
    }
    if (first_repeat < keys.size()) {
      const auto [b, i] = where[first_repeat];
      Duplicate(*table, *index, columns, batch_values[b], i);
    }
  }
}

ConflictResolution ResolveConflicts(Database& db, const std::shared_ptr<table::Table>& table,
                                    TxnId writer, const arrow::RecordBatch& rows, bool replace,
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
      for (uint64_t id : LiveCandidates(db, *table, writer, data[x]->Equal(key),
                                        [&](uint64_t id) { return replaced.contains(id); })) {
        existing.push_back(id);
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

void PendingKeys::Check(Database& db, const std::shared_ptr<table::Table>& table, TxnId writer,
                        const arrow::RecordBatchPtr& rows) {
  CheckUnique(db, table, writer, {rows}, {});
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

void CheckExistingUnique(Database& db, const std::shared_ptr<table::Table>& table, TxnId writer,
                         const Database::Index& index) {
  const std::vector<size_t> columns = Database::IndexColumns(*table, index);
  auto scan = execution::MakeTableScan(table, columns, table::Snapshot::AllVersions(),
                                       /*with_row_id=*/true);
  absl::flat_hash_set<std::string> keys;
  std::string key;
  while (auto batch = scan->Next()) {
    const auto* ids = batch->column(0)->values<uint64_t>();
    const auto states = RowStates(
        db, *table, writer, std::span<const uint64_t>(ids, static_cast<size_t>(batch->num_rows())));
    std::vector<arrow::ArrayDataPtr> values;
    for (size_t k = 0; k < columns.size(); ++k)
      values.push_back(batch->column(static_cast<int>(k + 1)));
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      if (states[static_cast<size_t>(i)] == RowState::kDead) continue;
      if (Key(values, i, &key) && !keys.insert(key).second)
        Duplicate(*table, index, columns, values, i);
    }
  }
}

void CheckDeferredUnique(Database& db, TxnId writer,
                         const std::vector<Database::DeferredKey>& keys) {
  for (const auto& k : keys) {
    auto table = db.TableById(k.table_id);
    if (!table) continue;
    std::shared_ptr<const Database::Index> index;
    for (const auto& i : db.IndexesOf(k.table_id)) {
      if (i->id == k.index_id) index = i;
    }
    if (!index) continue;
    if (LiveRows(db, *table, writer, db.IndexData(*index)->Equal(k.key), "commit").size() > 1) {
      Fail(ErrorKind::kTransaction,
           "Failed to commit: another transaction committed the same key of {} \"{}\" on table "
           "\"{}\" first",
           index->name.ends_with("_pkey") ? "primary key" : "unique index", index->name,
           table->def().name);
    }
  }
}

}  // namespace llkv::runtime
