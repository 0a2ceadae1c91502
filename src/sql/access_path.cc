#include "sql/access_path.h"

#include <algorithm>

#include "execution/expression.h"
#include "llkv/common/error.h"
#include "runtime/ordered_index.h"
#include "sql/planner.h"

namespace llkv::sql {

using execution::ExprOp;
using execution::Value;

namespace {

// `v` as a value of `type`, if it converts without changing (5 for an
// integer column, not 5.5; '7' for a text column, not 7).
std::optional<Value> Exactly(const Value& v, const arrow::TypePtr& type) {
  if (v.type()->Equals(*type)) return v;
  const bool text_value = v.type()->id() == arrow::TypeId::kUtf8;
  const bool text_column = type->id() == arrow::TypeId::kUtf8;
  if (text_value != text_column) return std::nullopt;  // text and numbers compare by kind
  try {
    const Value converted = Value::FromArray(*execution::Cast(*v.ToArray(1), type), 0);
    const Value back = Value::FromArray(*execution::Cast(*converted.ToArray(1), v.type()), 0);
    if (converted.is_null() || execution::CompareValues(back, v) != 0) return std::nullopt;
    return converted;
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace

execution::OperatorPtr ChooseIndexScan(runtime::Database& db,
                                       const std::shared_ptr<table::Table>& table,
                                       const std::vector<size_t>& columns, bool with_row_id,
                                       const std::vector<ColumnPredicate>& predicates) {
  if (predicates.empty()) return nullptr;
  const auto& defs = table->def().columns;
  std::shared_ptr<const runtime::Database::Index> range_index;
  for (const auto& index : db.IndexesOf(table->id())) {
    const size_t first = runtime::Database::IndexColumns(*table, *index)[0];
    for (const auto& p : predicates) {
      if (p.column != first || p.op != ExprOp::kEqual) continue;
      // Equality (or an IN list) on the first column: one lookup per value.
      std::vector<std::string> keys;
      bool usable = true;
      for (const Value& v : p.values) {
        auto exact = Exactly(v, defs[first].type);
        if (!exact) {  // compared after a conversion the index cannot mirror
          usable = false;
          break;
        }
        keys.emplace_back();
        runtime::OrderedIndex::EncodeValue(*exact, &keys.back());
      }
      if (!usable) continue;
      auto data = db.IndexData(*index);
      std::vector<uint64_t> ids;
      for (const auto& key : keys) {
        auto found = data->Equal(key);
        ids.insert(ids.end(), found.begin(), found.end());
      }
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      return execution::MakeRowIdScan(table, columns, std::move(ids), CurrentSnapshot(db),
                                      with_row_id);
    }
    if (!range_index) {
      for (const auto& p : predicates) {
        if (p.column == first && p.op != ExprOp::kEqual) range_index = index;
      }
    }
  }
  if (!range_index) return nullptr;
  // The tightest bounds the range predicates on the first column give.
  const size_t first = runtime::Database::IndexColumns(*table, *range_index)[0];
  std::optional<Value> lower, upper;
  bool lower_inclusive = true, upper_inclusive = true;
  for (const auto& p : predicates) {
    if (p.column != first || p.op == ExprOp::kEqual) continue;
    auto v = Exactly(p.values[0], defs[first].type);
    if (!v) return nullptr;
    const bool is_lower = p.op == ExprOp::kGreater || p.op == ExprOp::kGreaterEqual;
    const bool inclusive = p.op == ExprOp::kGreaterEqual || p.op == ExprOp::kLessEqual;
    auto& bound = is_lower ? lower : upper;
    bool& bound_inclusive = is_lower ? lower_inclusive : upper_inclusive;
    const int c = bound ? execution::CompareValues(*v, *bound) : 0;
    if (!bound || (is_lower ? c > 0 : c < 0) || (c == 0 && !inclusive)) {
      bound = *v;
      bound_inclusive = inclusive;
    }
  }
  auto bound_of = [](const std::optional<Value>& v, bool inclusive) {
    std::optional<runtime::OrderedIndex::Bound> out;
    if (!v) return out;
    out.emplace();
    runtime::OrderedIndex::EncodeValue(*v, &out->key);
    out->inclusive = inclusive;
    return out;
  };
  const size_t budget = static_cast<size_t>(table->row_count() / 4) + 1;
  std::vector<uint64_t> ids =
      db.IndexData(*range_index)
          ->Range(bound_of(lower, lower_inclusive), bound_of(upper, upper_inclusive), budget + 1);
  if (ids.size() > budget) return nullptr;
  return execution::MakeRowIdScan(table, columns, std::move(ids), CurrentSnapshot(db), with_row_id);
}

std::optional<table::Table::ScanFilter> ChooseScanFilter(
    const table::Table& table, const std::vector<ColumnPredicate>& predicates) {
  for (const auto& p : predicates) {
    if (p.values.size() != 1) continue;
    const arrow::DataType& column = *table.def().columns[p.column].type;
    const Value& v = p.values[0];
    table::StatValue value;
    if (column.is_integer() && v.type()->is_integer()) {
      value = v.int64();
    } else if (column.id() == arrow::TypeId::kFloat64 &&
               v.type()->id() == arrow::TypeId::kFloat64) {
      value = v.float64();
    } else if (column.id() == arrow::TypeId::kUtf8 && v.type()->id() == arrow::TypeId::kUtf8) {
      value = v.str();
    } else {
      continue;
    }
    table::Predicate predicate;
    switch (p.op) {
      case ExprOp::kEqual:
        predicate = table::Predicate::Eq(value);
        break;
      case ExprOp::kLess:
        predicate = table::Predicate::Lt(value);
        break;
      case ExprOp::kLessEqual:
        predicate = table::Predicate::Le(value);
        break;
      case ExprOp::kGreater:
        predicate = table::Predicate::Gt(value);
        break;
      case ExprOp::kGreaterEqual:
        predicate = table::Predicate::Ge(value);
        break;
      default:
        continue;
    }
    return table::Table::ScanFilter{p.column, std::move(predicate)};
  }
  return std::nullopt;
}

}  // namespace llkv::sql
