// The aggregates over the set of values a group holds whose results are
// built from all of them at once: histogram (a MAP of each value or bin
// to its count) and bitstring_agg (a BIT string with a bit per value).
#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <limits>

#include "arrow/temporal.h"
#include "execution/aggregate.h"
#include "execution/bit_string.h"
#include "execution/expression.h"
#include "execution/scalar_function.h"

namespace llkv::execution {

Value HistogramOtherBin(const arrow::TypePtr& type) {
  using arrow::TypeId;
  switch (type->id()) {
    case TypeId::kInt8:
      return Value::Integer(type, INT8_MAX);
    case TypeId::kInt16:
      return Value::Integer(type, INT16_MAX);
    case TypeId::kInt32:
    case TypeId::kDate32:  // (INT32_MAX is infinity)
      return Value::FromArray(*Cast(*Value::Int64(INT32_MAX).ToArray(1), type), 0);
    case TypeId::kInt64:
    case TypeId::kTimestamp:  // (INT64_MAX is infinity)
    case TypeId::kTime64:
      return Value::FromArray(*Cast(*Value::Int64(INT64_MAX).ToArray(1), type), 0);
    case TypeId::kUInt8:
      return Value::Integer(type, UINT8_MAX);
    case TypeId::kUInt16:
      return Value::Integer(type, UINT16_MAX);
    case TypeId::kUInt32:
      return Value::Integer(type, UINT32_MAX);
    case TypeId::kUInt64:
      return Value::Integer(type, -1);  // (its bits: UINT64_MAX)
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return Value::FromArray(
          *Cast(*Value::Double(std::numeric_limits<double>::infinity()).ToArray(1), type), 0);
    case TypeId::kDecimal128: {
      arrow::Decimal128 max = 1;
      for (int i = 0; i < type->precision(); ++i)
        max *= 10;
      return Value::Decimal(max - 1, type->precision(), type->scale());
    }
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary:
      return Value::FromArray(*Cast(*Value::String("").ToArray(1), type), 0);
    case TypeId::kBool:
      return Value::Bool(true);
    case TypeId::kList:
      return Value::List(type, {});
    case TypeId::kStruct: {
      std::vector<Value> fields;
      for (const auto& f : type->fields())
        fields.push_back(HistogramOtherBin(f->type()));
      return Value::Struct(type, std::move(fields));
    }
    default:
      return Value::Null(type);
  }
}

Value HistogramOf(const AggregateSpec& spec, const std::vector<Value>& values,
                  const arrow::TypePtr& type) {
  const arrow::TypePtr& entry = type->value_type();
  std::vector<std::pair<Value, uint64_t>> counts;
  if (spec.bins.empty() && !spec.exact_bins) {
    absl::flat_hash_map<std::string, size_t> slot;
    std::string key;
    for (const Value& v : values) {
      key.clear();
      EncodeValueKey(v, &key);
      auto [it, inserted] = slot.try_emplace(key, counts.size());
      if (inserted) counts.emplace_back(v, 0);
      ++counts[it->second].second;
    }
    std::sort(counts.begin(), counts.end(),
              [](const auto& a, const auto& b) { return CompareValues(a.first, b.first) < 0; });
  } else {
    for (const Value& b : spec.bins)
      counts.emplace_back(b, 0);
    uint64_t other = 0;
    for (const Value& v : values) {
      auto it = std::lower_bound(
          counts.begin(), counts.end(), v,
          [](const auto& bin, const Value& x) { return CompareValues(bin.first, x) < 0; });
      if (it == counts.end() || (spec.exact_bins && CompareValues(it->first, v) != 0)) {
        ++other;
      } else {
        ++it->second;
      }
    }
    if (other > 0) counts.emplace_back(HistogramOtherBin(entry->fields()[0]->type()), other);
  }
  std::vector<Value> entries;
  for (auto& [v, n] : counts) {
    entries.push_back(Value::Struct(
        entry, {std::move(v), Value::Integer(arrow::uint64(), static_cast<int64_t>(n))}));
  }
  return Value::List(type, std::move(entries));
}

namespace {

// An integer argument's value (a HUGEINT is a DECIMAL(38, 0)).
__int128 WideInteger(const Value& v) {
  if (v.type()->id() == arrow::TypeId::kDecimal128) return v.decimal();
  if (v.type()->id() == arrow::TypeId::kUInt64) return static_cast<uint64_t>(v.int64());
  return v.int64();
}

std::string WideText(__int128 v) {
  return arrow::FormatDecimal128(v, 0);
}

}  // namespace

Value BitstringOf(const AggregateSpec& spec, const std::vector<Value>& values,
                  const arrow::TypePtr& type) {
  __int128 lo = 0, hi = 0;
  if (spec.bins.size() == 2) {
    lo = WideInteger(spec.bins[0]);
    hi = WideInteger(spec.bins[1]);
  } else {
    lo = hi = WideInteger(values[0]);
    for (const Value& v : values) {
      lo = std::min(lo, WideInteger(v));
      hi = std::max(hi, WideInteger(v));
    }
  }
  if (hi < lo) {
    Fail(ErrorKind::kOutOfRange, "bitstring_agg: the minimum {} is greater than the maximum {}",
         WideText(lo), WideText(hi));
  }
  if (hi - lo >= (__int128{1} << 30)) {
    Fail(ErrorKind::kOutOfRange,
         "The range between min and max value ({} <-> {}) is too large for bitstring aggregation",
         WideText(lo), WideText(hi));
  }
  std::string b = bits::Zeros(static_cast<size_t>(hi - lo + 1));
  for (const Value& v : values) {
    const __int128 x = WideInteger(v);
    if (x < lo || x > hi) {
      Fail(ErrorKind::kOutOfRange, "Value {} is outside of provided min and max range ({} <-> {})",
           WideText(x), WideText(lo), WideText(hi));
    }
    bits::Set(b, static_cast<size_t>(x - lo), true);
  }
  return Value::FromArray(*ValuesToArray(type, {Value::Blob(std::move(b))}), 0);
}

}  // namespace llkv::execution
