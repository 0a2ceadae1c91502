// Window functions: ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST,
// NTILE, LAG, LEAD, FIRST_VALUE, LAST_VALUE, NTH_VALUE and every aggregate
// of execution/aggregate.h OVER (PARTITION BY ...
// ORDER BY ... frame).
//
// The operator materializes its input and appends one column per function;
// rows come out in the first function's window order (partitions together,
// each in its ORDER BY), as DuckDB's do. Each function sorts the rows by its
// partition keys and ORDER BY (stably: ties keep input order), then walks
// each partition:
//   * peers are rows equal in every ORDER BY key (all rows of a partition
//     without ORDER BY); ranks and CUME_DIST count peers together;
//   * the frame of a row is, by default, RANGE BETWEEN UNBOUNDED PRECEDING
//     AND CURRENT ROW (the row and its peers) with ORDER BY, the whole
//     partition without; ROWS counts rows, RANGE measures the (single,
//     numeric or date) ORDER BY key, GROUPS counts peer groups; EXCLUDE
//     removes the current row, its peers, or its peers but itself;
//   * aggregates skip NULLs as they do in GROUP BY; an empty frame gives
//     NULL (count: 0); LAG/LEAD look outside the frame, within the
//     partition, and give their default (NULL) past its ends.
// Sums, counts and averages use prefix sums; MIN/MAX over frames whose
// start is fixed run incrementally; other frames are computed row by row.
#pragma once

#include <string>
#include <vector>

#include "execution/aggregate.h"
#include "execution/operators.h"

namespace llkv::execution {

enum class WindowFunc {
  kRowNumber,
  kRank,
  kDenseRank,
  kPercentRank,
  kCumeDist,
  kNtile,       // args[0]: the number of buckets
  kLag,         // args: value [, offset [, default]]
  kLead,        // the same
  kFirstValue,  // args[0]
  kLastValue,   // args[0]
  kNthValue,    // args[0], args[1]: the position in the frame (1-based)
  kAggregate,   // `aggregate` over args[0] (none for count(*))
};

struct WindowFrame {
  enum class Mode { kRows, kRange, kGroups };
  enum class Bound {
    kUnboundedPreceding,
    kPreceding,
    kCurrentRow,
    kFollowing,
    kUnboundedFollowing
  };
  enum class Exclude { kNoOthers, kCurrentRow, kGroup, kTies };
  Mode mode = Mode::kRange;
  Bound start = Bound::kUnboundedPreceding;
  Bound end = Bound::kCurrentRow;
  double start_offset = 0;  // kPreceding / kFollowing: a non-negative number
  double end_offset = 0;
  // kPreceding / kFollowing offsets that vary by row (ROWS BETWEEN p
  // PRECEDING AND f FOLLOWING over columns p, f): each row's own value, a
  // non-negative number (NULL or negative is an error); null: the constant.
  std::shared_ptr<const BoundExpr> start_expr, end_expr;
  // RANGE offsets that are intervals (over a DATE or TIMESTAMP ORDER BY
  // key): the frame reaches the key moved by the interval, calendar months
  // included; the double offsets are then unused.
  std::optional<arrow::MonthDayNano> start_interval, end_interval;
  Exclude exclude = Exclude::kNoOthers;
};

struct WindowFunctionSpec {
  WindowFunc func = WindowFunc::kRowNumber;
  // kAggregate: the aggregate (its kind, DISTINCT, separator, fraction; its
  // argument expressions are moved into `args`: arg, then arg2 if any).
  AggregateSpec aggregate;
  std::vector<BoundExprPtr> args;  // over the input
  std::vector<BoundExprPtr> partition_by;
  std::vector<SortKey> order_by;
  // Null: the default frame (see above).
  std::optional<WindowFrame> frame;
  arrow::TypePtr type;  // the result type
  std::string name;     // the output column's name
  // IGNORE NULLS (lag, lead, first_value, last_value, nth_value): rows
  // whose value is NULL are skipped, and not counted in offsets.
  bool ignore_nulls = false;
  // f(... ORDER BY k) OVER (...): the rows of each frame are read in this
  // order (DuckDB's secondary ordering): value functions take the first,
  // last, n-th or offset row by it, ranking functions rank the current row
  // among the frame's rows by it, and aggregates see the frame in it.
  std::vector<SortKey> arg_order;
};

// Input columns followed by one column per function.
OperatorPtr MakeWindow(OperatorPtr input, std::vector<WindowFunctionSpec> functions);

}  // namespace llkv::execution
