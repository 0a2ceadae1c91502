// Physical operators: pull-based streams of record batches.
//
// An operator tree is built by the planner and drained by the runtime.
// Scans, filters, projections and limits stream batch by batch (memory
// bounded by batch size); Sort materializes its input.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "execution/expression.h"
#include "llkv/arrow/record_batch.h"
#include "table/table.h"

namespace llkv::execution {

class Operator;

// What EXPLAIN shows of one operator.
struct ExplainInfo {
  std::string name;    // "HashJoin", "Filter", ...
  std::string detail;  // its arguments on one line ("" if none)
  // A guess from table sizes and rules of thumb (never run to find out).
  double estimated_rows = 1;
  std::vector<const Operator*> children;  // its inputs, in order
};

// What an operator produced so far, for EXPLAIN ANALYZE.
struct OperatorStats {
  uint64_t rows = 0;
  uint64_t batches = 0;
  // Spent in Next(), the inputs' time included (as PostgreSQL reports).
  std::chrono::nanoseconds time{0};
};

class Operator {
 public:
  virtual ~Operator() = default;
  virtual arrow::SchemaPtr schema() const = 0;
  // The next non-empty batch, or null at the end. Counts into stats().
  arrow::RecordBatchPtr Next();
  // Describes the operator and its inputs; valid before, during and after
  // the run.
  virtual ExplainInfo Explain() const = 0;
  const OperatorStats& stats() const { return stats_; }

 protected:
  // The operator's work behind Next().
  virtual arrow::RecordBatchPtr NextBatch() = 0;

 private:
  OperatorStats stats_;
};
using OperatorPtr = std::unique_ptr<Operator>;

// The plan under `root` as an indented tree, one line per operator with its
// estimated rows; with `analyze` (after the plan has run) also the rows it
// produced and the time spent in it.
std::vector<std::string> ExplainPlan(const Operator& root, bool analyze);

// Estimated rows of `op` (its Explain() guess).
double EstimatedRows(const Operator& op);

// Rules of thumb for estimates where no statistics decide (PostgreSQL's
// defaults): the share of rows an equality or a range comparison keeps,
// and groups per input row.
inline constexpr double kEqualitySelectivity = 0.005;
inline constexpr double kRangeSelectivity = 1.0 / 3;
inline constexpr double kGroupsPerRow = 0.1;
// The share of rows `predicate` keeps, by those rules (AND multiplies, OR
// adds, NOT complements).
double EstimateSelectivity(const BoundExpr& predicate);

// The row versions of a table that `snapshot` sees, with `columns` named as
// the table names them; with `with_row_id`, preceded by a uint64 "row_id"
// column. Visibility is decided batch by batch as the scan reads. With a
// `filter`, chunks its statistics rule out are skipped and rows failing it
// dropped (the planner still filters: this only narrows).
OperatorPtr MakeTableScan(std::shared_ptr<table::Table> table, std::vector<size_t> columns,
                          table::SnapshotPtr snapshot, bool with_row_id = false,
                          const std::optional<table::Table::ScanFilter>& filter = std::nullopt);

// Of the rows `row_ids` (ascending: an index lookup's candidates), those
// `snapshot` sees, shaped as MakeTableScan shapes them.
OperatorPtr MakeRowIdScan(std::shared_ptr<table::Table> table, std::vector<size_t> columns,
                          std::vector<uint64_t> row_ids, table::SnapshotPtr snapshot,
                          bool with_row_id = false);

// `input`'s columns placed at positions of `schema` (source[i] is the
// input column of output column i, -1 for an all-NULL column): a scan that
// reads only the columns a query uses, shaped like the whole table.
OperatorPtr MakeWiden(OperatorPtr input, arrow::SchemaPtr schema, std::vector<int> source);

// Batches given up front (VALUES lists; a single empty row for SELECT
// without FROM).
OperatorPtr MakeValues(arrow::SchemaPtr schema, std::vector<arrow::RecordBatchPtr> batches);

// Rows for which `predicate` is TRUE (not FALSE, not NULL).
OperatorPtr MakeFilter(OperatorPtr input, BoundExprPtr predicate);

// One output column per expression.
OperatorPtr MakeProject(OperatorPtr input, std::vector<BoundExprPtr> exprs,
                        std::vector<std::string> names);

// Skips `offset` rows, then passes at most `limit` (negative: no limit).
OperatorPtr MakeLimit(OperatorPtr input, int64_t limit, int64_t offset);

// DuckDB's LIMIT p %: reads the whole input, skips `offset` rows, then
// passes floor(rows * percent / 100) of the input's row count.
// Requires 0 <= percent <= 100.
OperatorPtr MakeLimitPercent(OperatorPtr input, double percent, int64_t offset);

struct SortKey {
  BoundExprPtr expr;  // over the input's columns
  bool descending = false;
  bool nulls_first = true;
};

// All input rows ordered by `keys` (stable: ties keep input order).
// With limit >= 0, only the first `limit` rows in order are produced (top-N).
OperatorPtr MakeSort(OperatorPtr input, std::vector<SortKey> keys, int64_t limit = -1);

// The first row (in input order) of each combination of the values of
// columns `keys` (NULLs equal to each other): DISTINCT ON.
OperatorPtr MakeFirstPerKey(OperatorPtr input, std::vector<int> keys);

// Drains an operator.
std::vector<arrow::RecordBatchPtr> Collect(Operator& op);

// Selects rows of `batch` where `mask` (boolean) is TRUE.
arrow::RecordBatchPtr FilterBatch(const arrow::RecordBatch& batch, const arrow::ArrayData& mask);

}  // namespace llkv::execution
