// The scalar function library: functions looked up by name, each with a
// binding rule (which argument types it accepts, what they are cast to,
// what it returns) and a kernel over evaluated argument arrays.
//
// The SQL layer binds a call once: it asks the function for its binding,
// casts the arguments to the chosen types and keeps a pointer to the
// function in the bound expression (ExprOp::kFunction). Functions live for
// the whole process; lookups are thread-safe.
//
// Unless a function says otherwise, a NULL argument makes the result NULL.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "execution/value.h"
#include "llkv/arrow/array.h"

namespace llkv::execution {

struct FunctionBinding {
  std::vector<arrow::TypePtr> arg_types;  // what each argument is cast to
  arrow::TypePtr result;
};

struct ScalarFunction {
  std::string name;
  // Chooses the binding for arguments of `types` (NULL literals have the
  // null type); throws a Binder Error naming the function when they do not
  // fit.
  std::function<FunctionBinding(const std::vector<arrow::TypePtr>& types)> bind;
  // The result over arguments cast as bound, each `rows` long.
  std::function<arrow::ArrayDataPtr(const std::vector<arrow::ArrayDataPtr>& args,
                                    const arrow::TypePtr& result, int64_t rows)>
      kernel;
  // A different result for the same arguments each call (random()).
  bool is_volatile = false;
  // Takes timestamps in any unit as they are (typeof). Other functions see
  // timestamps in seconds, milliseconds or nanoseconds cast to microseconds,
  // the unit their kernels compute in.
  bool any_timestamp_unit = false;
};

// The function `name` (lower-case), or null when there is none.
const ScalarFunction* FindScalarFunction(const std::string& name);

// An array of `type` holding `values` (each null or of that type).
arrow::ArrayDataPtr ValuesToArray(const arrow::TypePtr& type, const std::vector<Value>& values);

// Whether values of `t` are numbers (integers, reals, decimals).
bool IsNumericType(const arrow::DataType& t);

}  // namespace llkv::execution
