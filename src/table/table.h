// Table: a table's rows stored as columns of the ColumnStore.
//
// Design note.
//   * Every table has, besides its user columns, three hidden columns that
//     exist from the table's creation: the row-id shadow (Namespace
//     kRowIdShadow, field 0, uint64, the row id itself: the anchor that
//     defines which rows exist), `created_by` (kCreatedBy, uint64: the
//     transaction that inserted the row version) and `deleted_by` (kDeletedBy,
//     uint64, null while the version is live). MVCC visibility (issue 4)
//     is decided from the last two; this layer stores them faithfully.
//   * Row ids are assigned by the table in increasing order, never reused
//     while any version with that id exists: the next id is one past the
//     largest in the row-id shadow, recomputed on open.
//   * User columns are addressed by stable field ids (TableDef), so renaming
//     or dropping a column never moves another column's data.
//   * Every write (insert of a batch, update, delete marks) is one atomic
//     column store commit covering all its columns.
//
// Thread safety: reads may run concurrently with each other and with writes;
// writes to one table are serialized by the table.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "table/column_store.h"
#include "table/snapshot.h"

namespace llkv::table {

struct ColumnDef {
  std::string name;
  arrow::TypePtr type;
  bool nullable = true;
  uint32_t field_id = 0;
};

// The stored definition of a table (its row in the system catalog).
struct TableDef {
  uint32_t id = 0;
  std::string name;
  std::vector<ColumnDef> columns;
  uint32_t next_field_id = 0;
  // The CREATE TABLE statement, from which the SQL layer reads the table's
  // CHECK and FOREIGN KEY constraints (empty for tables created before
  // format version 2).
  std::string create_sql;

  // Index of the column named `name` (ASCII case-insensitive), if any.
  std::optional<size_t> FindColumn(std::string_view name) const;
  arrow::SchemaPtr Schema() const;  // user columns, in order
};

std::vector<uint8_t> EncodeTableDef(const TableDef& def);
TableDef DecodeTableDef(std::span<const uint8_t> bytes, const std::string& what);

// Streams a table's rows as batches of "row_id", optionally "created_by"
// and "deleted_by" (null: live), then the requested user columns.
class TableScanner {
 public:
  bool Next(arrow::RecordBatchPtr* out);
  const arrow::SchemaPtr& schema() const { return schema_; }

 private:
  friend class Table;
  std::unique_ptr<MultiColumnScanner> inner_;  // null for a table never written
  arrow::SchemaPtr schema_;
  // Per output column after row_id: its column in the store's batches, or
  // -1 when the column has no stored values yet (it reads as null).
  std::vector<int> source_;
};

// Told of every row version added to or physically removed from a table,
// under the table's write lock: for structures derived from the stored
// versions (indexes), which keep a version until it is removed because
// some snapshot may still read it. Delete marks are not reported.
// Observers must not write to the table.
class TableObserver {
 public:
  virtual ~TableObserver() = default;
  // Rows first, first + 1, ... were appended with the user columns `rows`.
  virtual void RowsInserted(uint64_t first, const arrow::RecordBatch& rows) = 0;
  // `row_ids` (ascending) are about to be removed (still readable).
  virtual void RowsRemoved(std::span<const uint64_t> row_ids) = 0;
};

class Table {
 public:
  Table(std::shared_ptr<ColumnStore> store, TableDef def);

  const TableDef& def() const { return def_; }
  uint32_t id() const { return def_.id; }
  const std::shared_ptr<ColumnStore>& store() const { return store_; }

  // Appends `rows`, whose columns are the table's user columns in order
  // (names may differ, types must match), as versions created by `txn`.
  // Returns the first assigned row id; the rest follow consecutively.
  // Throws Constraint Error naming the column when a NOT NULL column gets a
  // null, InvalidInput when the batch does not fit the table.
  uint64_t Insert(const arrow::RecordBatch& rows, TxnId txn);
  // Insert's checks alone: throws what Insert would for `rows`.
  void CheckRows(const arrow::RecordBatch& rows) const;

  // Sets deleted_by = txn on `row_ids` (ascending, existing rows). The
  // caller has checked that no other transaction marked them (runtime's
  // write-write conflict check, under its statement lock).
  void MarkDeleted(std::span<const uint64_t> row_ids, TxnId txn);
  // Clears deleted_by on `row_ids` (undo of MarkDeleted by an aborted txn).
  void ClearDeleted(std::span<const uint64_t> row_ids);
  // Physically removes rows (every column). For vacuum and rollback.
  void RemoveRows(std::span<const uint64_t> row_ids);

  // created_by and deleted_by (0: not deleted) of `row_ids` (ascending);
  // a row that no longer exists has created_by 0.
  struct Versions {
    std::vector<TxnId> created_by, deleted_by;
  };
  Versions FetchVersions(std::span<const uint64_t> row_ids) const;
  // Calls visit(row_id, created_by, deleted_by) (deleted_by 0: not deleted)
  // for every stored version, in row id order. The scan is closed when it
  // returns, so storage the caller then replaces is freed at once.
  template <typename Visit>
  void ForEachVersion(Visit visit) const {
    auto scan = Scan({}, /*with_versions=*/true);
    arrow::RecordBatchPtr batch;
    while (scan->Next(&batch)) {
      const auto* row_ids = batch->column(0)->values<uint64_t>();
      const auto* created = batch->column(1)->values<uint64_t>();
      const auto& deleted = *batch->column(2);
      for (int64_t i = 0; i < batch->num_rows(); ++i)
        visit(row_ids[i], created[i], deleted.IsValid(i) ? deleted.values<uint64_t>()[i] : 0);
    }
  }
  // The positions i of `row_ids` (ascending) whose versions `snapshot` sees.
  std::vector<int64_t> VisibleRows(std::span<const uint64_t> row_ids,
                                   const Snapshot& snapshot) const;

  // Values of user columns `columns` (indexes into def().columns) at
  // ascending `row_ids`.
  std::vector<arrow::ArrayDataPtr> Fetch(std::span<const size_t> columns,
                                         std::span<const uint64_t> row_ids) const;

  // Scans the table's stored row versions (see TableScanner). With a
  // `filter`, chunks of its column whose statistics rule the predicate out
  // are skipped and rows failing it are dropped (NULLs fail every predicate
  // but IS NULL).
  struct ScanFilter {
    size_t column = 0;  // position in def().columns
    Predicate predicate;
  };
  std::unique_ptr<TableScanner> Scan(std::span<const size_t> columns, bool with_versions,
                                     const std::optional<ScanFilter>& filter = std::nullopt) const;

  uint64_t row_count() const;  // stored row versions, live or not
  uint64_t next_row_id() const;

  LogicalFieldId UserField(size_t column) const {
    return {Namespace::kUserData, def_.id, def_.columns[column].field_id};
  }
  LogicalFieldId RowIdField() const { return {Namespace::kRowIdShadow, def_.id, 0}; }
  LogicalFieldId CreatedByField() const { return {Namespace::kCreatedBy, def_.id, 0}; }
  LogicalFieldId DeletedByField() const { return {Namespace::kDeletedBy, def_.id, 0}; }

  // Drops every column of the table from the store.
  void DropStorage();

  // The SQL layer's compiled form of the table's constraints, cached for as
  // long as the table object lives.
  mutable std::shared_ptr<const void> compiled_rules;

  void AddObserver(std::shared_ptr<TableObserver> observer);
  void RemoveObserver(const TableObserver* observer);

 private:
  uint64_t InsertChecked(const arrow::RecordBatch& rows, TxnId txn);
  std::vector<std::shared_ptr<TableObserver>> observers_;  // guarded by write_mu_
  std::shared_ptr<ColumnStore> store_;
  TableDef def_;
  mutable std::mutex write_mu_;
  uint64_t next_row_id_ = 0;  // guarded by write_mu_
};

}  // namespace llkv::table
