// ColumnStore: columns of Arrow arrays over a Pager.
//
// Design note.
//   * Each column (a LogicalFieldId) is a sequence of chunks ordered by row
//     id. A chunk is two pager values: the data (Arrow buffers, see
//     chunk_codec.h) and the row ids (a uint64 array, ascending, unique).
//     Chunks target options.target_chunk_bytes (1 MiB), measured as the larger
//     of the two values.
//   * Append sorts a batch by row id (a repeated row id in one batch keeps its
//     last value), rewrites the chunks whose row-id range the batch touches
//     (an existing row id is overwritten: last writer wins), and adds rows
//     beyond the last chunk as new chunks at the tail. Tail chunks merge like a
//     binary counter (the last two merge while the older is no bigger and both
//     fit the target), so n single-row appends copy each row O(log n) times.
//     Chunks grown past twice the target are split; chunks that deletes shrink
//     below a quarter of it merge with a neighbour in the same meta page.
//   * Every write (append, delete, drop) is one atomic pager commit with
//     fresh keys for every changed chunk and meta page, plus the rewritten
//     descriptor (and catalog when columns or pending frees change). The
//     in-memory state is swapped only after the commit succeeds, so a failed
//     commit leaves both the store and its memory image unchanged.
//   * Readers (scanners, gather) work on an immutable snapshot of column
//     state. Keys a write replaces are freed in the same commit when no
//     reader is active; otherwise they wait in the catalog's pending-free list
//     (persisted, so a crash leaks nothing) and are freed by a later write,
//     ReclaimSpace(), or the next open.
//
// Thread safety: any number of readers run concurrently with each other and
// with one writer; writes are serialized. Scanners and their output stay valid
// while writes happen (they see the state as of their creation).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "llkv/arrow/record_batch.h"
#include "llkv/storage/pager.h"
#include "table/chunk_stats.h"
#include "table/column_descriptor.h"
#include "table/logical_field_id.h"

namespace llkv::table {

struct ColumnStoreOptions {
  uint64_t target_chunk_bytes = uint64_t{1} << 20;
  size_t chunks_per_page = 256;
};

struct ColumnInfo {
  LogicalFieldId id;
  arrow::TypePtr type;
  uint64_t rows = 0;
  uint64_t chunks = 0;
  uint64_t data_bytes = 0;
  uint64_t meta_pages = 0;
};

enum class MissingRows { kNull, kError };

struct ScanOptions {
  // Skips chunks whose statistics rule the predicate out and, with
  // `filter_rows`, also drops the rows of read chunks that fail it.
  std::optional<Predicate> predicate;
  bool filter_rows = true;
  bool with_row_ids = true;
  // Chunks fetched from the pager per batch_get.
  size_t prefetch_chunks = 8;
};

struct ColumnChunk {
  arrow::ArrayDataPtr values;
  arrow::ArrayDataPtr row_ids;  // uint64; null unless ScanOptions::with_row_ids
};

class ColumnStore;

// Streams one column chunk by chunk; arrays are zero-copy views of the
// pager's bytes unless rows were filtered.
class ColumnScanner {
 public:
  ~ColumnScanner();
  // False at the end. Never yields an empty chunk.
  bool Next(ColumnChunk* out);
  uint64_t chunks_read() const { return chunks_read_; }
  uint64_t chunks_skipped() const { return chunks_skipped_; }

 private:
  friend class ColumnStore;
  ColumnScanner(std::shared_ptr<const ColumnStore> store, ColumnStatePtr state,
                ScanOptions options);
  void Fetch();

  std::shared_ptr<const ColumnStore> store_;
  ColumnStatePtr state_;
  ScanOptions options_;
  std::vector<const ChunkMeta*> chunks_;  // chunks that survive pruning
  size_t next_ = 0;
  std::vector<ColumnChunk> ready_;
  size_t ready_pos_ = 0;
  uint64_t chunks_read_ = 0;
  uint64_t chunks_skipped_ = 0;
};

// Streams several columns aligned by row id as RecordBatches: a "row_id"
// column, then one column per requested field. The rows are those of the
// first column (filtered by the predicate, which applies to it); other
// columns contribute null where they have no value for a row.
class MultiColumnScanner {
 public:
  bool Next(arrow::RecordBatchPtr* out);

 private:
  friend class ColumnStore;
  MultiColumnScanner(std::shared_ptr<const ColumnStore> store, std::vector<LogicalFieldId> ids,
                     std::vector<ColumnStatePtr> states, std::unique_ptr<ColumnScanner> anchor,
                     arrow::SchemaPtr schema);

  std::shared_ptr<const ColumnStore> store_;
  std::vector<LogicalFieldId> ids_;
  std::vector<ColumnStatePtr> states_;
  std::unique_ptr<ColumnScanner> anchor_;
  arrow::SchemaPtr schema_;
};

class ColumnStore : public std::enable_shared_from_this<ColumnStore> {
 public:
  // Name of the row-id column in append batches and scan output.
  static constexpr const char* kRowIdColumn = "row_id";
  // Field metadata key naming the LogicalFieldId (packed, decimal) that an
  // append batch column writes to.
  static constexpr const char* kFieldIdKey = "llkv.field_id";

  // Opens the store kept in `pager` (an empty pager gives an empty store).
  // Throws Corruption naming the key when its metadata cannot be decoded.
  static std::shared_ptr<ColumnStore> Open(storage::PagerPtr pager,
                                           ColumnStoreOptions options = {});
  ~ColumnStore();
  ColumnStore(const ColumnStore&) = delete;
  ColumnStore& operator=(const ColumnStore&) = delete;

  // A field for an append batch that writes column `id`.
  static arrow::FieldPtr ColumnField(std::string name, arrow::TypePtr type, LogicalFieldId id,
                                     bool nullable = true);

  // Appends `batch`: a non-null uint64 "row_id" column plus columns whose
  // fields carry kFieldIdKey. Columns are created on first use; a later
  // append must use the same type. All columns commit atomically.
  void Append(const arrow::RecordBatch& batch);

  // Removes `row_ids` (any order, duplicates allowed) from each column;
  // absent ids are ignored. Atomic across all columns.
  void DeleteRows(std::span<const LogicalFieldId> columns, std::span<const uint64_t> row_ids);

  // Removes a column and frees its storage. Throws NotFound if absent.
  void DropColumn(LogicalFieldId id);

  bool HasColumn(LogicalFieldId id) const;
  // Throws NotFound if the column does not exist.
  arrow::TypePtr ColumnType(LogicalFieldId id) const;
  uint64_t RowCount(LogicalFieldId id) const;
  // The largest row id the column holds; nullopt when it is empty. Throws
  // NotFound if the column does not exist.
  std::optional<uint64_t> MaxRowId(LogicalFieldId id) const;
  std::vector<ColumnInfo> Columns() const;  // ordered by id

  std::unique_ptr<ColumnScanner> Scan(LogicalFieldId id, ScanOptions options = {}) const;
  // Requires at least one column; `names` (optional) names the output columns
  // (default "c<field_id>").
  std::unique_ptr<MultiColumnScanner> ScanColumns(std::vector<LogicalFieldId> ids,
                                                  ScanOptions options = {},
                                                  std::vector<std::string> names = {}) const;

  // Values of each column at `row_ids`, which must be ascending (duplicates
  // allowed; InvalidInput otherwise). Missing rows are null, or with
  // MissingRows::kError a NotFound error naming the first missing id.
  std::vector<arrow::ArrayDataPtr> Gather(std::span<const LogicalFieldId> ids,
                                          std::span<const uint64_t> row_ids,
                                          MissingRows missing = MissingRows::kNull) const;

  // Frees storage replaced while readers were active. No-op if readers are
  // still active or nothing is pending.
  void ReclaimSpace();
  size_t pending_frees() const;

  const storage::PagerPtr& pager() const { return pager_; }
  const ColumnStoreOptions& options() const { return options_; }

  // Internal: decodes one chunk (data and, optionally, row ids) from handles.
  struct LoadedChunk {
    arrow::ArrayDataPtr values;
    arrow::ArrayDataPtr row_ids;
  };
  std::vector<LoadedChunk> LoadChunks(const ColumnState& state,
                                      std::span<const ChunkMeta* const> chunks, bool with_values,
                                      bool with_row_ids) const;

  ColumnStore(storage::PagerPtr pager, ColumnStoreOptions options);

  // Internal: one atomic change under construction (column_store_mutation.h).
  struct Mutation;

 private:
  friend class ColumnScanner;
  friend class MultiColumnScanner;
  class ReaderGuard;

  void Load();
  ColumnStatePtr StateOrThrow(LogicalFieldId id) const;
  // Registers a reader and returns the states of `ids` in one step, so no
  // write can free what the reader is about to use.
  std::vector<ColumnStatePtr> BeginRead(std::span<const LogicalFieldId> ids) const;
  void EndRead() const;
  void Publish(Mutation& m);

  // Write-path pieces (column_store_write.cc).
  void WriteRows(Mutation& m, ColumnState& state, std::span<const uint64_t> rows,
                 const arrow::ArrayDataPtr& values) const;
  void DeleteFromColumn(Mutation& m, ColumnState& state, std::span<const uint64_t> rows) const;
  std::vector<ChunkMeta> MakeChunks(Mutation& m, const arrow::ArrayDataPtr& values,
                                    std::span<const uint64_t> rows) const;
  ChunkMeta MakeChunk(Mutation& m, const arrow::ArrayDataPtr& values,
                      std::span<const uint64_t> rows) const;
  void MergeTail(Mutation& m, ColumnState& state, std::vector<ChunkMeta>& chunks) const;
  void CompactSmallChunks(Mutation& m, const ColumnState& state,
                          std::vector<ChunkMeta>& chunks) const;
  void StorePages(Mutation& m, ColumnState& state, size_t page_index,
                  std::vector<ChunkMeta> chunks) const;

  storage::PagerPtr pager_;
  ColumnStoreOptions options_;

  std::mutex write_mu_;    // serializes writers
  mutable std::mutex mu_;  // guards the fields below
  std::unordered_map<LogicalFieldId, ColumnStatePtr> columns_;
  std::vector<PhysicalKey> pending_frees_;
  mutable int64_t active_readers_ = 0;

  // Chunk keys whose layout was validated (bounded; cleared when full).
  static constexpr size_t kMaxValidatedKeys = 1 << 20;
  mutable std::mutex validated_mu_;
  mutable std::unordered_set<PhysicalKey> validated_;
};

}  // namespace llkv::table
