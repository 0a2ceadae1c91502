#include "execution/subquery.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <atomic>

#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {

namespace {

// What one instantiation of the subquery produced.
struct SubqueryResult {
  bool any_rows = false;
  Value scalar;                             // kScalar: first row, first column
  absl::flat_hash_set<std::string> values;  // kIn: encoded non-null values
  bool has_null = false;                    // kIn, kQuantified: a NULL among them
  std::vector<Value> list;                  // kQuantified: the non-null values
  // Decorrelated EXISTS with residual comparisons: each row's inner sides.
  std::vector<std::vector<Value>> residual_rows;
  // Row IN (list holds the rows): for each pattern of NULL fields among
  // the rows (bit i: field i is NULL), the encoded non-NULL fields of the
  // rows with that pattern (IndexRows). Empty when not built.
  absl::flat_hash_map<uint64_t, absl::flat_hash_set<std::string>> rows_by_nulls;
};

// The bits of the NULL fields of row `v` (at most 64 fields), and the
// encoding of the fields outside `skip` that are not NULL.
uint64_t NullFields(const Value& v) {
  uint64_t mask = 0;
  for (size_t i = 0; i < v.elements().size(); ++i)
    if (v.elements()[i].is_null()) mask |= uint64_t{1} << i;
  return mask;
}
std::string FieldsKey(const Value& v, uint64_t skip) {
  std::string key;
  for (size_t i = 0; i < v.elements().size(); ++i)
    if (!(skip >> i & 1)) EncodeValueKey(v.elements()[i], &key);
  return key;
}

// Builds r.rows_by_nulls for a row IN of at most 64 fields, so that a
// probe row without NULLs is answered by one lookup per NULL pattern
// instead of a comparison with every row.
void IndexRows(SubqueryResult& r, int width) {
  if (width > 64 || r.list.empty()) return;
  for (const Value& v : r.list) {
    const uint64_t nulls = NullFields(v);
    r.rows_by_nulls[nulls].insert(FieldsKey(v, nulls));
  }
}

std::atomic<uint64_t> g_runs{0};

// The first `width` columns of `batch` from `first` on as one STRUCT column
// of `type` (each cast to its field's type).
arrow::ArrayDataPtr RowColumn(const arrow::RecordBatch& batch, int first, int width,
                              const arrow::TypePtr& type) {
  auto out = std::make_shared<arrow::ArrayData>();
  out->type = type;
  out->length = batch.num_rows();
  out->buffers = {nullptr};
  for (int f = 0; f < width; ++f) {
    out->children.push_back(
        Cast(*batch.column(first + f), type->fields()[static_cast<size_t>(f)]->type()));
  }
  return out;
}

// `values` as the runner compares them (SubqueryRunner::value_key).
arrow::ArrayDataPtr KeyOf(const SubqueryRunner& runner, arrow::ArrayDataPtr values) {
  if (!runner.value_key) return values;
  auto schema = std::make_shared<arrow::Schema>(
      std::vector<arrow::FieldPtr>{arrow::field("value", values->type)});
  const int64_t rows = values->length;
  const arrow::RecordBatch batch(std::move(schema), rows, {std::move(values)});
  return Evaluate(*runner.value_key, batch);
}

[[noreturn]] void TooManyRows() {
  Fail(ErrorKind::kInvalidInput,
       "More than one row returned by a subquery used as an expression - scalar subqueries can "
       "only return a single row (SET scalar_subquery_error_on_multiple_rows = false takes the "
       "first row)");
}

SubqueryResult Run(SubqueryRunner& runner, OperatorPtr plan, const arrow::TypePtr& type) {
  g_runs.fetch_add(1, std::memory_order_relaxed);
  SubqueryResult r;
  int64_t scalar_rows = 0;
  const int width = plan->schema()->num_fields();
  if (runner.kind != SubqueryKind::kExists && width != 1 && runner.row_width != width) {
    Fail(ErrorKind::kBinder, "Subquery returns {} columns - expected {}", width,
         std::max(runner.row_width, 1));
  }
  while (auto batch = plan->Next()) {
    r.any_rows = true;
    if (runner.kind == SubqueryKind::kExists) break;
    if (runner.kind == SubqueryKind::kScalar) {
      // SQLite's rule: a scalar subquery yields its first row.
      if (batch->num_rows() == 0) continue;
      if (runner.error_on_multiple_rows) {
        if (scalar_rows > 0 || batch->num_rows() > 1) TooManyRows();
        scalar_rows += batch->num_rows();
        r.scalar = Value::FromArray(*Cast(*batch->column(0), type), 0);
        continue;
      }
      r.scalar = Value::FromArray(*Cast(*batch->column(0), type), 0);
      break;
    }
    if (runner.row_width > 0) {  // rows: compared one by one (RowComparison)
      const arrow::ArrayDataPtr rows = RowColumn(*batch, 0, width, type);
      for (int64_t i = 0; i < rows->length; ++i)
        r.list.push_back(Value::FromArray(*rows, i));
      continue;
    }
    arrow::ArrayDataPtr col = KeyOf(runner, Cast(*batch->column(0), type));
    for (int64_t i = 0; i < col->length; ++i) {
      if (col->IsNull(i)) {
        r.has_null = true;
        continue;
      }
      if (runner.kind == SubqueryKind::kQuantified) {
        r.list.push_back(Value::FromArray(*col, i));
        continue;
      }
      std::string key;
      EncodeValueKey(Value::FromArray(*col, i), &key);
      r.values.insert(std::move(key));
    }
  }
  if (runner.kind == SubqueryKind::kScalar && !r.any_rows) r.scalar = Value::Null(type);
  if (runner.kind == SubqueryKind::kIn && runner.row_width > 0) IndexRows(r, runner.row_width);
  return r;
}

struct KeyedResults {
  absl::flat_hash_map<std::string, SubqueryResult> by_key;
  SubqueryResult none;  // for outer rows no subquery row matches
};

// Runs the decorrelated plan once and groups its rows by key. Rows with a
// NULL key part match no outer row (SQL equality) and are dropped.
std::shared_ptr<KeyedResults> BuildKeyed(SubqueryRunner& runner, const arrow::TypePtr& type) {
  auto out = std::make_shared<KeyedResults>();
  if (runner.kind == SubqueryKind::kScalar) out->none.scalar = Value::Null(type);
  // An aggregating subquery still yields a row for a key it has no rows
  // for (count 0, max NULL, ...): what it yields over no rows at all.
  if (auto empty = runner.PlanEmpty()) out->none = Run(runner, std::move(empty), type);
  g_runs.fetch_add(1, std::memory_order_relaxed);
  OperatorPtr plan = runner.PlanKeyed();
  const int keys = static_cast<int>(runner.key_types.size());
  const int residuals = static_cast<int>(runner.residual_types.size());
  std::string key;
  while (auto batch = plan->Next()) {
    const int first_key = batch->num_columns() - keys - residuals;
    std::vector<arrow::ArrayDataPtr> residual_columns;
    for (int k = 0; k < residuals; ++k) {
      residual_columns.push_back(Cast(*batch->column(first_key + keys + k),
                                      runner.residual_types[static_cast<size_t>(k)]));
    }
    std::vector<arrow::ArrayDataPtr> key_columns;
    for (int k = 0; k < keys; ++k) {
      key_columns.push_back(
          Cast(*batch->column(first_key + k), runner.key_types[static_cast<size_t>(k)]));
    }
    arrow::ArrayDataPtr values;
    if (runner.row_width > 0) {
      values = RowColumn(*batch, 0, runner.row_width, type);
    } else if (runner.kind != SubqueryKind::kExists) {
      values = Cast(*batch->column(0), type);
      if (runner.kind != SubqueryKind::kScalar) values = KeyOf(runner, std::move(values));
    }
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      key.clear();
      bool null_key = false;
      for (const auto& c : key_columns) {
        null_key = null_key || c->IsNull(i);
        EncodeValueKey(Value::FromArray(*c, i), &key);
      }
      if (null_key) continue;
      auto [it, inserted] = out->by_key.try_emplace(key);
      SubqueryResult& r = it->second;
      if (runner.kind == SubqueryKind::kScalar) {
        if (inserted) {
          r.scalar = Value::FromArray(*values, i);  // the first row
        } else if (runner.error_on_multiple_rows) {
          TooManyRows();
        }
      } else if (runner.row_width > 0) {
        r.list.push_back(Value::FromArray(*values, i));
      } else if (runner.kind == SubqueryKind::kIn) {
        if (values->IsNull(i)) {
          r.has_null = true;
        } else {
          std::string v;
          EncodeValueKey(Value::FromArray(*values, i), &v);
          r.values.insert(std::move(v));
        }
      }
      if (residuals > 0) {
        std::vector<Value> row;
        bool null_value = false;
        for (const auto& c : residual_columns) {
          null_value = null_value || c->IsNull(i);
          row.push_back(Value::FromArray(*c, i));
        }
        // A NULL compares true with nothing: the row can never match.
        if (!null_value) r.residual_rows.push_back(std::move(row));
        continue;
      }
      r.any_rows = true;
    }
  }
  if (runner.kind == SubqueryKind::kIn && runner.row_width > 0) {
    for (auto& [k, r] : out->by_key)
      IndexRows(r, runner.row_width);
  }
  return out;
}

}  // namespace

uint64_t SubqueryRuns() {
  return g_runs.load(std::memory_order_relaxed);
}

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
  // Decorrelated: the grouped rows, and each outer row's key columns.
  KeyedResults* keyed = nullptr;
  std::vector<arrow::ArrayDataPtr> outer_keys;
  if (!runner.outer_keys.empty()) {
    if (!runner.keyed_results) runner.keyed_results = BuildKeyed(runner, type);
    keyed = static_cast<KeyedResults*>(runner.keyed_results.get());
    for (const auto& k : runner.outer_keys)
      outer_keys.push_back(Evaluate(*k, input));
  }
  std::vector<arrow::ArrayDataPtr> residual_outer;
  for (const auto& r : runner.residual_outer)
    residual_outer.push_back(Evaluate(*r, input));
  // Whether a row of `rows` passes every residual comparison with the
  // outer row `row`.
  auto residual_match = [&](const std::vector<std::vector<Value>>& rows, int64_t row) {
    std::vector<Value> outer;
    for (const auto& c : residual_outer) {
      if (c->IsNull(row)) return false;
      outer.push_back(Value::FromArray(*c, row));
    }
    for (const auto& inner : rows) {
      bool all = true;
      for (size_t k = 0; k < outer.size() && all; ++k) {
        all = ComparisonHolds(runner.residual_ops[k], CompareValues(inner[k], outer[k]));
      }
      if (all) return true;
    }
    return false;
  };
  for (int64_t row = 0; row < input.num_rows(); ++row) {
    key.clear();
    const SubqueryResult* found = nullptr;
    if (keyed) {
      bool null_key = false;
      for (const auto& c : outer_keys) {
        null_key = null_key || c->IsNull(row);
        EncodeValueKey(Value::FromArray(*c, row), &key);
      }
      auto hit = null_key ? keyed->by_key.end() : keyed->by_key.find(key);
      found = hit == keyed->by_key.end() ? &keyed->none : &hit->second;
    }
    for (int c : runner.correlated_columns) {
      if (keyed) break;
      EncodeValueKey(Value::FromArray(*input.column(c), row), &key);
    }
    auto it = memo.end();
    if (!keyed) it = memo.find(key);
    if (!keyed && it == memo.end()) {
      outer_row.clear();
      if (!runner.correlated_columns.empty()) {
        for (int c = 0; c < input.num_columns(); ++c)
          outer_row.push_back(Value::FromArray(*input.column(c), row));
      }
      it = memo.emplace(key, Run(runner, runner.Plan(outer_row), type)).first;
    }
    const SubqueryResult& r = keyed ? *found : it->second;
    switch (runner.kind) {
      case SubqueryKind::kScalar:
        builder->AppendRange(*r.scalar.ToArray(1), 0, 1);
        break;
      case SubqueryKind::kExists:
        if (!residual_outer.empty()) {
          booleans->Append(residual_match(r.residual_rows, row) != negated);
          break;
        }
        booleans->Append(r.any_rows != negated);
        break;
      case SubqueryKind::kQuantified: {
        // ANY: TRUE if some comparison is, else NULL if one is unknown,
        // else FALSE (also over no rows). ALL: FALSE if some comparison
        // is, else NULL if one is unknown, else TRUE (also over no rows).
        const bool all = runner.quantified_all;
        if (!r.any_rows) {
          booleans->Append(all != negated);
          break;
        }
        if (test->IsNull(row)) {
          booleans->AppendNull();
          break;
        }
        const Value x = Value::FromArray(*test, row);
        bool decided = false, unknown = false;
        for (const Value& v : r.list) {
          const int holds = runner.row_width > 0
                                ? RowComparison(runner.quantified_op, x, v)
                                : ComparisonHolds(runner.quantified_op, CompareValues(x, v));
          unknown = unknown || holds < 0;
          if (holds >= 0 && (holds == 1) != all) {
            decided = true;
            break;
          }
        }
        if (decided) {
          booleans->Append((!all) != negated);
        } else if (r.has_null || unknown) {
          booleans->AppendNull();
        } else {
          booleans->Append(all != negated);
        }
        break;
      }
      case SubqueryKind::kIn: {
        // x IN (empty) is FALSE even for NULL x; otherwise NULL when x is
        // NULL or unmatched with a NULL present.
        if (!r.any_rows) {
          booleans->Append(negated);
        } else if (runner.row_width > 0) {  // a row: = ANY, one row at a time
          const Value x = Value::FromArray(*test, row);
          bool found = false, unknown = false;
          if (!r.rows_by_nulls.empty() && NullFields(x) == 0) {
            // A row with NULLs in `nulls` is unknown when x equals it elsewhere.
            for (const auto& [nulls, keys] : r.rows_by_nulls) {
              if (!keys.contains(FieldsKey(x, nulls))) continue;
              found = found || nulls == 0;
              unknown = unknown || nulls != 0;
            }
          } else {
            for (const Value& v : r.list) {
              const int holds = RowComparison(ExprOp::kEqual, x, v);
              found = found || holds == 1;
              unknown = unknown || holds < 0;
            }
          }
          if (found) {
            booleans->Append(!negated);
          } else if (unknown) {
            booleans->AppendNull();
          } else {
            booleans->Append(negated);
          }
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

int RowComparison(ExprOp op, const Value& x, const Value& y) {
  const auto& a = x.elements();
  const auto& b = y.elements();
  if (op == ExprOp::kEqual || op == ExprOp::kNotEqual) {
    bool unknown = false;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      if (a[i].is_null() || b[i].is_null()) {
        unknown = true;
      } else if (CompareValues(a[i], b[i]) != 0) {
        return op == ExprOp::kNotEqual ? 1 : 0;
      }
    }
    if (unknown) return -1;
    return op == ExprOp::kEqual ? 1 : 0;
  }
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].is_null() || b[i].is_null()) return -1;
    const int c = CompareValues(a[i], b[i]);
    if (c != 0) return ComparisonHolds(op, c) ? 1 : 0;
  }
  return op == ExprOp::kLessEqual || op == ExprOp::kGreaterEqual ? 1 : 0;
}

}  // namespace llkv::execution
