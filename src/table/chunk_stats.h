// Per-chunk statistics (min, max, null count) and the column predicates that
// use them to skip chunks.
//
// Values compare in one total order per kind: integers, decimals (unscaled,
// of the column's own scale) and floats compare numerically and exactly with
// each other (an int64 against a double never rounds); NaN is equal to
// itself and greater than every other number, as in PostgreSQL; strings and
// binaries compare bytewise. Pruning and row filtering use that same order,
// so a chunk is skipped only when no row in it can match.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "llkv/arrow/array.h"

namespace llkv::table {

// A scalar for statistics and predicates. Booleans, dates and timestamps use
// int64 (false = 0, days, microseconds).
using StatValue =
    std::variant<std::monostate, int64_t, uint64_t, double, arrow::Decimal128, std::string>;

struct ChunkStats {
  std::optional<StatValue> min;  // absent: unknown (e.g. an all-null chunk)
  std::optional<StatValue> max;
};

// Stats of `array`; strings longer than kMaxStatBytes keep a prefix as min
// (still a lower bound) and no max.
inline constexpr size_t kMaxStatBytes = 64;
ChunkStats ComputeStats(const arrow::ArrayData& array);
void EncodeStats(ByteWriter& w, const ChunkStats& stats);
ChunkStats DecodeStats(ByteReader& r);

// Whether a column of `type` can be compared with predicates at all.
bool SupportsPredicates(const arrow::DataType& type);

struct Predicate {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kBetween, kIsNull, kIsNotNull };
  Op op = Op::kEq;
  StatValue value;  // kBetween: lower bound (inclusive)
  StatValue upper;  // kBetween only (inclusive)

  static Predicate Eq(StatValue v) { return {Op::kEq, std::move(v), {}}; }
  static Predicate Ne(StatValue v) { return {Op::kNe, std::move(v), {}}; }
  static Predicate Lt(StatValue v) { return {Op::kLt, std::move(v), {}}; }
  static Predicate Le(StatValue v) { return {Op::kLe, std::move(v), {}}; }
  static Predicate Gt(StatValue v) { return {Op::kGt, std::move(v), {}}; }
  static Predicate Ge(StatValue v) { return {Op::kGe, std::move(v), {}}; }
  static Predicate Between(StatValue lo, StatValue hi) {
    return {Op::kBetween, std::move(lo), std::move(hi)};
  }
  static Predicate IsNull() { return {Op::kIsNull, {}, {}}; }
  static Predicate IsNotNull() { return {Op::kIsNotNull, {}, {}}; }

  std::string ToString() const;
};

// Throws InvalidInput when `p` cannot apply to a column of `type` (say, a
// string compared with an integer column).
void CheckPredicate(const Predicate& p, const arrow::DataType& type);

// False only when no row of a chunk with these stats can satisfy `p`.
bool MayMatch(const Predicate& p, const ChunkStats& stats, uint64_t rows, uint64_t null_count);

// Positions of the rows of `array` that satisfy `p` (nulls satisfy only
// kIsNull), ascending.
std::vector<int64_t> FilterPositions(const Predicate& p, const arrow::ArrayData& array);

// Compares two non-null values in the order described above; throws
// InvalidInput if they are of incomparable kinds (a string and a number).
int CompareStatValues(const StatValue& a, const StatValue& b);

}  // namespace llkv::table
