#include "execution/subquery.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {

namespace {

// What one instantiation of the subquery produced.
struct SubqueryResult {
  bool any_rows = false;
  Value scalar;                             // kScalar: first row, first column
  absl::flat_hash_set<std::string> values;  // kIn: encoded non-null values
  bool has_null = false;                    // kIn: a NULL among them
};

SubqueryResult Run(SubqueryRunner& runner, const std::vector<Value>& outer_row,
                   const arrow::TypePtr& type) {
  SubqueryResult r;
  OperatorPtr plan = runner.Plan(outer_row);
  if (runner.kind != SubqueryKind::kExists && plan->schema()->num_fields() != 1) {
    Fail(ErrorKind::kBinder, "Subquery returns {} columns - expected 1",
         plan->schema()->num_fields());
  }
  while (auto batch = plan->Next()) {
    r.any_rows = true;
    if (runner.kind == SubqueryKind::kExists) break;
    if (runner.kind == SubqueryKind::kScalar) {
      // SQLite's rule: a scalar subquery yields its first row.
      r.scalar = Value::FromArray(*Cast(*batch->column(0), type), 0);
      break;
    }
    arrow::ArrayDataPtr col = Cast(*batch->column(0), type);
    for (int64_t i = 0; i < col->length; ++i) {
      if (col->IsNull(i)) {
        r.has_null = true;
        continue;
      }
      std::string key;
      EncodeValueKey(Value::FromArray(*col, i), &key);
      r.values.insert(std::move(key));
    }
  }
  if (runner.kind == SubqueryKind::kScalar && !r.any_rows) r.scalar = Value::Null(type);
  return r;
}

}  // namespace

arrow::ArrayDataPtr EvaluateSubquery(SubqueryRunner& runner, const arrow::RecordBatch& input,
                                     const arrow::ArrayData* test, bool negated,
                                     const arrow::TypePtr& type, bool incomparable) {
  absl::flat_hash_map<std::string, SubqueryResult> memo;
  auto builder = arrow::MakeBuilder(runner.kind == SubqueryKind::kScalar ? type : arrow::boolean());
  // Only EXISTS and IN build booleans (a cast of the scalar builder would
  // be undefined behaviour even unused).
  auto* booleans = runner.kind == SubqueryKind::kScalar
                       ? nullptr
                       : static_cast<arrow::BooleanBuilder*>(builder.get());
  std::string key;
  std::vector<Value> outer_row;
  for (int64_t row = 0; row < input.num_rows(); ++row) {
    key.clear();
    for (int c : runner.correlated_columns)
      EncodeValueKey(Value::FromArray(*input.column(c), row), &key);
    auto it = memo.find(key);
    if (it == memo.end()) {
      outer_row.clear();
      if (!runner.correlated_columns.empty()) {
        for (int c = 0; c < input.num_columns(); ++c)
          outer_row.push_back(Value::FromArray(*input.column(c), row));
      }
      it = memo.emplace(key, Run(runner, outer_row, type)).first;
    }
    const SubqueryResult& r = it->second;
    switch (runner.kind) {
      case SubqueryKind::kScalar:
        builder->AppendRange(*r.scalar.ToArray(1), 0, 1);
        break;
      case SubqueryKind::kExists:
        booleans->Append(r.any_rows != negated);
        break;
      case SubqueryKind::kIn: {
        // x IN (empty) is FALSE even for NULL x; otherwise NULL when x is
        // NULL or unmatched with a NULL present.
        if (!r.any_rows) {
          booleans->Append(negated);
        } else if (!incomparable && test->IsNull(row)) {
          booleans->AppendNull();
        } else {
          std::string v;
          if (!incomparable) EncodeValueKey(Value::FromArray(*test, row), &v);
          if (!incomparable && r.values.contains(v))
            booleans->Append(!negated);
          else if (r.has_null)
            booleans->AppendNull();
          else
            booleans->Append(negated);
        }
        break;
      }
    }
  }
  return builder->Finish();
}

}  // namespace llkv::execution
