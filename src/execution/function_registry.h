// Internal to the scalar function library (scalar_function.h): the
// registry the function files fill, and helpers for binding rules and
// row-at-a-time kernels.
#pragma once

#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

#include "execution/scalar_function.h"
#include "llkv/common/error.h"

namespace llkv::execution {

using FunctionRegistry = std::map<std::string, ScalarFunction>;

void RegisterMathFunctions(FunctionRegistry& r);
void RegisterStringFunctions(FunctionRegistry& r);
void RegisterDateFunctions(FunctionRegistry& r);
void RegisterListFunctions(FunctionRegistry& r);
void RegisterEncodingFunctions(FunctionRegistry& r);
void RegisterEpochFunctions(FunctionRegistry& r);
void RegisterPathFunctions(FunctionRegistry& r);
void RegisterNumericExtras(FunctionRegistry& r);            // fmod, fdiv, binom, roundbankers
void RegisterAggregateStateFunctions(FunctionRegistry& r);  // finalize, combine
void RegisterMapFunctions(FunctionRegistry& r);
void RegisterBitFunctions(FunctionRegistry& r);  // after the string and encoding functions

// Per row: `f` over the row's argument values; with `propagate_nulls`, a
// row with a NULL argument is NULL without calling `f`.
using RowFunction =
    std::function<Value(const std::vector<Value>& args, const arrow::TypePtr& result)>;
decltype(ScalarFunction::kernel) RowKernel(RowFunction f, bool propagate_nulls = true);

// A binding rule told the name it was called by.
using NamedBind = std::function<FunctionBinding(const std::string& name,
                                                const std::vector<arrow::TypePtr>& types)>;
// Registers `f` (per row, see RowKernel) under every name in `names`.
void RegisterRowFunction(FunctionRegistry& r, std::initializer_list<const char*> names,
                         NamedBind bind, RowFunction f, bool propagate_nulls = true);

// Checks the argument count of `name` (min..max; max < 0: no limit).
void CheckArity(const std::string& name, const std::vector<arrow::TypePtr>& types, size_t min,
                long max);

// Binding rules: every argument to `arg` (or per position), returning `result`.
FunctionBinding AllAs(const std::vector<arrow::TypePtr>& types, const arrow::TypePtr& arg,
                      const arrow::TypePtr& result);

[[noreturn]] void NoMatch(const std::string& name, const std::vector<arrow::TypePtr>& types);

// Registers `names` as one function of fixed arguments, `kinds` giving each:
// 'T' text, 'I' integer, 'D' number (as DOUBLE); optional ones in lower case.
void RegisterTextFunction(FunctionRegistry& r, std::initializer_list<const char*> names,
                          std::string kinds, arrow::TypePtr result, RowFunction f,
                          bool propagate_nulls = true);

void RegisterStringSimilarityFunctions(FunctionRegistry& r);

bool IsTextType(const arrow::DataType& t);
bool IsNullType(const arrow::DataType& t);

}  // namespace llkv::execution
