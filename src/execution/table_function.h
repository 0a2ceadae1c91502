// Table functions: operators that produce rows from their arguments alone
// (no table), for FROM items such as range(10).
#pragma once

#include <string>

#include "execution/operators.h"

namespace llkv::execution {

// One BIGINT column named `name` holding start, start + step, ... up to
// `stop` (excluded, or included with `inclusive`), streamed in batches:
// DuckDB's range() (exclusive) and generate_series() (inclusive). A step
// that moves away from `stop` gives no rows. Requires step != 0.
OperatorPtr MakeIntegerSeries(std::string name, int64_t start, int64_t stop, int64_t step,
                              bool inclusive);

}  // namespace llkv::execution
