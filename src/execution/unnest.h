// UNNEST in a select list (DuckDB's semantics): each input row becomes one
// row per element of its lists.
#pragma once

#include <string>
#include <vector>

#include "execution/operators.h"

namespace llkv::execution {

// The input's columns followed by one column per list expression (named
// `names`, of the list's element type): an input row repeated once per
// element of its longest list, shorter and NULL lists padded with NULLs;
// a row whose lists are all empty or NULL gives no rows. A list
// expression of the null type (unnest(NULL)) is an empty list.
OperatorPtr MakeUnnest(OperatorPtr input, std::vector<BoundExprPtr> lists,
                       std::vector<std::string> names);

}  // namespace llkv::execution
