// OrderedIndex: the rows of a secondary index (CREATE INDEX, PRIMARY KEY,
// UNIQUE) as an ordered set of (key, row id) entries, for equality and
// range lookups and uniqueness checks without scanning the table.
//
// Design note.
//   * An entry is the key's order-preserving encoding and the row id,
//     ordered by both. Encodings are prefix-free, so all entries of one key
//     (or of one leading column value) are contiguous, and byte order is
//     SQL order within a type: integers and dates by value,
//     reals numerically (-0 = 0), decimals by unscaled value, text and
//     blobs bytewise.
//   * Only live rows with no NULL in the key are entered: NULL never equals
//     anything and never conflicts.
//   * The index is built from a scan of the live rows on first use and is
//     kept current as a TableObserver of its table (inserts add entries,
//     deletes remove them). It lives in memory and is rebuilt after a
//     reopen.
//
// Thread safety: lookups and maintenance are guarded by a mutex.
#pragma once

#include <absl/container/btree_set.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "execution/value.h"
#include "table/table.h"

namespace llkv::runtime {

class OrderedIndex : public table::TableObserver {
 public:
  // Builds the index of `columns` (positions in the table's columns) from
  // the table's stored versions and registers it as the table's observer.
  static std::shared_ptr<OrderedIndex> Build(const std::shared_ptr<table::Table>& table,
                                             std::vector<size_t> columns);

  const std::vector<size_t>& columns() const { return columns_; }

  // Appends the encoding of row `row` of `values` (one array per key
  // column, of the columns' types) to `out`; false if any value is NULL.
  static bool EncodeKey(const std::vector<arrow::ArrayDataPtr>& values, int64_t row,
                        std::string* out);
  // Positions of `keys` (encodings) in ascending byte order; equal keys keep
  // their order. A radix sort on the first 8 bytes, then, where those tie,
  // a comparison of the rest: bulk loads sort a million keys this way.
  static std::vector<uint32_t> SortedOrder(const std::vector<std::string>& keys);
  // The encoding of one non-null value.
  static void EncodeValue(const execution::Value& v, std::string* out);

  // Row ids (ascending) of entries whose key starts with `prefix` (an
  // encoding of the leading key columns), stopping after `limit` ids.
  std::vector<uint64_t> Equal(const std::string& prefix, size_t limit = SIZE_MAX) const;

  struct Bound {
    std::string key;  // an encoding of the first key column
    bool inclusive = true;
  };
  // Row ids (ascending) whose first key column lies between the bounds
  // (either may be absent), stopping after `limit` ids.
  std::vector<uint64_t> Range(const std::optional<Bound>& lower, const std::optional<Bound>& upper,
                              size_t limit = SIZE_MAX) const;

  size_t size() const;
  // The largest key entered (an encoding of every key column), if any.
  std::optional<std::string> MaxKey() const;

  void RowsInserted(uint64_t first, const arrow::RecordBatch& rows) override;
  void RowsRemoved(std::span<const uint64_t> row_ids) override;

  OrderedIndex(table::Table* table, std::vector<size_t> columns)
      : table_(table), columns_(std::move(columns)) {}

 private:
  void Add(const std::vector<arrow::ArrayDataPtr>& values, std::span<const uint64_t> row_ids,
           bool insert);

  // An entry: the key's encoding and the row id, ordered by both. Keys of
  // up to 15 bytes (one or two integers) live inside the string object.
  struct Entry {
    std::string key;
    uint64_t row_id;
    bool operator<(const Entry& o) const {
      const int c = key.compare(o.key);
      return c != 0 ? c < 0 : row_id < o.row_id;
    }
  };

  table::Table* table_;  // the observed table outlives its observers
  std::vector<size_t> columns_;
  mutable std::mutex mu_;
  absl::btree_set<Entry> entries_;
};

}  // namespace llkv::runtime
