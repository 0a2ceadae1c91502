// RecordBatch: a schema and equal-length columns. Immutable; shareable
// across threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "llkv/arrow/array.h"
#include "llkv/arrow/type.h"

namespace llkv::arrow {

class RecordBatch;
using RecordBatchPtr = std::shared_ptr<const RecordBatch>;

class RecordBatch {
 public:
  // Validates that columns match the schema's types and all have num_rows
  // rows (throws InvalidInput naming the column otherwise), and that a
  // non-nullable field holds no nulls.
  static RecordBatchPtr Make(SchemaPtr schema, int64_t num_rows, std::vector<ArrayDataPtr> columns);

  const SchemaPtr& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ArrayDataPtr& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  const std::vector<ArrayDataPtr>& columns() const { return columns_; }
  // The column named `name`, or null.
  ArrayDataPtr GetColumnByName(const std::string& name) const;

  RecordBatchPtr Slice(int64_t offset, int64_t length) const;
  bool Equals(const RecordBatch& other) const;

  RecordBatch(SchemaPtr schema, int64_t num_rows, std::vector<ArrayDataPtr> columns)
      : schema_(std::move(schema)), num_rows_(num_rows), columns_(std::move(columns)) {}

 private:
  SchemaPtr schema_;
  int64_t num_rows_;
  std::vector<ArrayDataPtr> columns_;
};

// A stream of record batches of one schema. Single-consumer.
class RecordBatchReader {
 public:
  virtual ~RecordBatchReader() = default;
  virtual SchemaPtr schema() const = 0;
  // The next batch, or null at the end. Throws llkv::Error on failure.
  virtual RecordBatchPtr Next() = 0;
};

// A reader over batches already in memory.
std::shared_ptr<RecordBatchReader> MakeVectorReader(SchemaPtr schema,
                                                    std::vector<RecordBatchPtr> batches);

// Renders batches as one box table (a header with names and types, then the
// rows). At most `max_rows` rows are shown; the rest are summarised.
std::string FormatTable(const std::vector<RecordBatchPtr>& batches, int64_t max_rows = 40);
inline std::string FormatTable(const RecordBatchPtr& batch, int64_t max_rows = 40) {
  return FormatTable(std::vector<RecordBatchPtr>{batch}, max_rows);
}

}  // namespace llkv::arrow
