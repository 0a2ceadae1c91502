// ASOF joins (DuckDB's): each left row pairs with the one right row that
// has equal keys and the nearest value on the other side of an inequality,
// as a time series joins the latest reading at or before each event.
#pragma once

#include "execution/join.h"

namespace llkv::execution {

struct AsOfSpec {
  // kInner (unmatched left rows dropped), kLeft (kept with NULLs), kRight
  // (right rows no left row chose also come out, with NULL left columns)
  // or kFull (both).
  JoinKind kind = JoinKind::kInner;
  // Equality keys (left expression, right expression), each pair of one
  // type; NULL keys match nothing.
  std::vector<std::pair<BoundExprPtr, BoundExprPtr>> keys;
  // Per key (missing: false): IS NOT DISTINCT FROM, where NULL matches NULL.
  std::vector<bool> null_safe;
  // Over the left row (null: none): a row for which it is not TRUE has no
  // match (a condition of the join on the left side only).
  BoundExprPtr left_filter;
  // The inequality `left op right`, both of one type; op is kGreaterEqual
  // (the right row with the largest value <= the left's), kGreater,
  // kLessEqual (the smallest value >= the left's) or kLess. NULLs match
  // nothing.
  BoundExprPtr left_value, right_value;
  ExprOp op = ExprOp::kGreaterEqual;
};

// Left columns followed by right columns (all nullable). Among right rows
// with the same nearest value, the one read last wins.
OperatorPtr MakeAsOfJoin(OperatorPtr left, OperatorPtr right, AsOfSpec spec);

}  // namespace llkv::execution
