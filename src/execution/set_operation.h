// UNION [ALL], INTERSECT [ALL] and EXCEPT [ALL] over two inputs with the
// same column types. Rows compare as in DISTINCT: NULLs are equal to each
// other. The distinct forms return each qualifying row once, in order of
// first appearance; the ALL forms count duplicates (bag semantics).
#pragma once

#include "execution/operators.h"

namespace llkv::execution {

enum class SetOperationKind { kUnion, kIntersect, kExcept };

// With `compare`, rows are equal when the inputs' columns at those
// positions are (collation keys in place of collated text); with `output`
// >= 0, only the first `output` columns are returned.
OperatorPtr MakeSetOperation(SetOperationKind kind, bool all, OperatorPtr left, OperatorPtr right,
                             std::vector<int> compare = {}, int output = -1);

}  // namespace llkv::execution
