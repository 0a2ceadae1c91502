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

}  // namespace llkv::execution
