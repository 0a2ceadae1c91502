// Joins: a hash join on equality keys (a nested-loop join when there are
// none) with a residual condition, for INNER, LEFT, RIGHT, FULL and CROSS.
//
// The right input is materialized and, with keys, hashed; the left input
// streams. Output rows are the left columns followed by the right ones;
// unmatched rows of outer joins carry NULLs on the other side. Keys compare
// with SQL equality: a NULL key matches nothing.
#pragma once

#include <vector>

#include "execution/operators.h"

namespace llkv::execution {

// kSemi: each left row with at least one match, once; kAnti: each left row
// with none (NULL keys match nothing, so they are kept). Both output the
// left columns only.
enum class JoinKind { kInner, kLeft, kRight, kFull, kSemi, kAnti };

struct JoinSpec {
  JoinKind kind = JoinKind::kInner;
  // Pairs of (expression over the left input, expression over the right
  // input) of one type each; empty for a nested-loop join.
  std::vector<std::pair<BoundExprPtr, BoundExprPtr>> keys;
  // Per key (missing: false): IS NOT DISTINCT FROM, where NULL matches NULL.
  std::vector<bool> null_safe;
  // Over the joined row (left columns then right columns); null: none.
  BoundExprPtr residual;
};

OperatorPtr MakeJoin(OperatorPtr left, OperatorPtr right, JoinSpec spec);

// Encodes row i of join `keys` into `out`; false when a key is NULL (but
// for a `null_safe` key, where NULL encodes as a value that matches NULL).
bool EncodeJoinKeys(const std::vector<arrow::ArrayDataPtr>& keys,
                    const std::vector<bool>& null_safe, int64_t i, std::string* out);

// A join's build side read whole: one array per column.
struct BuildSide {
  std::vector<arrow::ArrayDataPtr> columns;
  int64_t rows = 0;
  // The side as one batch of `schema`.
  arrow::RecordBatchPtr Batch(const arrow::SchemaPtr& schema) const;
};
BuildSide ReadBuildSide(Operator& input);

// Rows `rows` of `build` with NULLs for every column of `left` before
// them: an outer join's unmatched build rows, as a batch of `out`.
arrow::RecordBatchPtr UnmatchedBuildRows(const arrow::SchemaPtr& out, const arrow::Schema& left,
                                         const BuildSide& build, const std::vector<int64_t>& rows);

}  // namespace llkv::execution
