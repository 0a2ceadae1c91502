// The union table of a recursive CTE with DuckDB's USING KEY:
//
//   WITH RECURSIVE t(k, v, w) USING KEY (k, min(v)) AS (anchor UNION [ALL] term)
//
// Instead of a growing set of rows, the union table is a dictionary with
// one row per key (the key columns compared with IS NOT DISTINCT FROM).
// Every row the anchor and each round of the term produce is a candidate
// for its key:
//   * a column an aggregate of the list names (min(v): column v;
//     min(abs(v)) AS v) takes the aggregate over every candidate the key
//     has had, in all rounds;
//   * every other column takes the latest candidate's value.
// The next round's working table (what `t` reads in the term): with UNION
// ALL, the candidates of this round as they came (as in a plain recursive
// CTE); with UNION, the finished rows of the keys whose finished row
// changed (IS DISTINCT FROM before), so a round that changes nothing ends
// the recursion. `recurring.t` in the term reads the whole union table.
// The CTE's rows are the union table when no work is left. (DuckDB's
// rules, as its tests show them.)
//
// The columns have the anchor's types, except that an aggregate's column
// has the aggregate's result type (in the union table, and in the working
// table of a UNION); the term's rows are cast to the anchor's types.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "execution/aggregate.h"
#include "sql/planner_internal.h"

namespace llkv::sql::plan {

class KeyedUnion {
 public:
  // `input`: the anchor's schema with the CTE's column names; `items`: the
  // USING KEY list; `distinct`: the CTE is a UNION (not UNION ALL). Throws
  // a Binder Error for an item that is neither a column nor an aggregate
  // naming one column, or a list with no key column.
  KeyedUnion(arrow::SchemaPtr input, const std::vector<SelectItem>& items, bool distinct,
             runtime::Database& db);
  KeyedUnion(const KeyedUnion&) = delete;
  KeyedUnion& operator=(const KeyedUnion&) = delete;

  // The schema of finished rows (the CTE's columns).
  const arrow::SchemaPtr& schema() const { return output_; }
  const arrow::SchemaPtr& input_schema() const { return input_; }

  // The schema of the working table: schema() for a UNION, else the
  // input's.
  const arrow::SchemaPtr& working_schema() const { return distinct_ ? output_ : input_; }

  // Feeds candidate rows (of the input schema); returns the next round's
  // working table.
  std::vector<arrow::RecordBatchPtr> Apply(std::vector<arrow::RecordBatchPtr> candidates);

  // Every key's finished row, keys in the order first seen.
  std::vector<arrow::RecordBatchPtr> Rows() const;

 private:
  struct Entry {
    // The latest candidate, every column; key columns keep the value first
    // seen (under a collation, 'a' and 'A' are one key: the first stays).
    std::vector<Value> latest;
    std::vector<Value> latest_image;    // collated columns: their collation keys
    std::vector<Value> finished_image;  // finished, collated columns as keys
    std::vector<execution::Accumulator> accumulators;
    std::vector<Value> finished;  // empty before the first round it had candidates
  };
  std::vector<Value> Finish(const Entry& e) const;
  arrow::RecordBatchPtr ToBatch(const std::vector<const std::vector<Value>*>& rows) const;

  arrow::SchemaPtr input_, output_;
  bool distinct_;
  std::vector<int> key_columns_;
  // Per input column: its collation key over the batch, null when it
  // compares as it is (sql/collation.h).
  std::vector<BoundExprPtr> images_;
  std::vector<bool> is_key_, is_aggregate_;           // per input column, from the lists below
  std::vector<execution::AggregateSpec> aggregates_;  // never resized (accumulators point in)
  std::vector<int> aggregate_column_;                 // the column each aggregate sets
  absl::flat_hash_map<std::string, size_t> index_;    // key -> entries_ position
  std::vector<Entry> entries_;
};

}  // namespace llkv::sql::plan
