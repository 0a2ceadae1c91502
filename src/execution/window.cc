#include "execution/window.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "arrow/temporal.h"
#include "execution/scalar_function.h"
#include "llkv/arrow/builder.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"

namespace llkv::execution {

namespace {

using Bound = WindowFrame::Bound;

// One row's key values, for sorting and peer tests.
using KeyColumns = std::vector<std::vector<Value>>;

KeyColumns KeyValues(const std::vector<arrow::ArrayDataPtr>& arrays) {
  KeyColumns out;
  for (const auto& a : arrays) {
    std::vector<Value> column;
    column.reserve(static_cast<size_t>(a->length));
    for (int64_t i = 0; i < a->length; ++i)
      column.push_back(Value::FromArray(*a, i));
    out.push_back(std::move(column));
  }
  return out;
}

bool SameKeys(const KeyColumns& keys, size_t a, size_t b) {
  for (const auto& column : keys) {
    const Value& x = column[a];
    const Value& y = column[b];
    if (x.is_null() != y.is_null()) return false;
    if (!x.is_null() && CompareValues(x, y) != 0) return false;
  }
  return true;
}

// A number's value as double (integers, reals, decimals, dates, timestamps).
double AsDouble(const Value& v) {
  switch (v.type()->id()) {
    case arrow::TypeId::kFloat32:
    case arrow::TypeId::kFloat64:
      return v.float64();
    case arrow::TypeId::kDecimal128:
      return static_cast<double>(v.decimal()) / std::pow(10.0, v.type()->scale());
    default:
      return static_cast<double>(v.int64());
  }
}

// The rows of one function sorted into partitions, peers and frames.
class WindowState {
 public:
  WindowState(const WindowFunctionSpec& spec, const arrow::RecordBatch& input)
      : spec_(spec), n_(static_cast<size_t>(input.num_rows())) {
    std::vector<arrow::ArrayDataPtr> parts, orders;
    for (const auto& p : spec.partition_by)
      parts.push_back(Evaluate(*p, input));
    for (const auto& o : spec.order_by)
      orders.push_back(Evaluate(*o.expr, input));
    partition_ = KeyValues(parts);
    order_ = KeyValues(orders);
    perm_.resize(n_);
    std::iota(perm_.begin(), perm_.end(), size_t{0});
    std::stable_sort(perm_.begin(), perm_.end(), [&](size_t a, size_t b) {
      for (const auto& column : partition_) {
        const Value& x = column[a];
        const Value& y = column[b];
        if (x.is_null() != y.is_null()) return x.is_null();
        if (x.is_null()) continue;
        const int c = CompareValues(x, y);
        if (c != 0) return c < 0;
      }
      for (size_t k = 0; k < order_.size(); ++k) {
        const Value& x = order_[k][a];
        const Value& y = order_[k][b];
        const SortKey& key = spec.order_by[k];
        if (x.is_null() != y.is_null()) return x.is_null() == key.nulls_first;
        if (x.is_null()) continue;
        const int c = CompareValues(x, y);
        if (c != 0) return key.descending ? c > 0 : c < 0;
      }
      return false;
    });
    // Partition and peer-group boundaries over sorted positions.
    partition_start_.resize(n_);
    peer_start_.resize(n_);
    peer_end_.resize(n_);
    group_index_.resize(n_);
    for (size_t i = 0; i < n_; ++i) {
      const bool new_partition = i == 0 || !SameKeys(partition_, perm_[i - 1], perm_[i]);
      partition_start_[i] = new_partition ? i : partition_start_[i - 1];
      const bool new_peer = new_partition || !SameKeys(order_, perm_[i - 1], perm_[i]);
      peer_start_[i] = new_peer ? i : peer_start_[i - 1];
      group_index_[i] = new_partition ? 0 : group_index_[i - 1] + (new_peer ? 1 : 0);
    }
    partition_end_.resize(n_);
    for (size_t i = n_; i-- > 0;) {
      const bool last = i + 1 == n_ || partition_start_[i + 1] != partition_start_[i];
      partition_end_[i] = last ? i + 1 : partition_end_[i + 1];
      peer_end_[i] = (last || peer_start_[i + 1] != peer_start_[i]) ? i + 1 : peer_end_[i + 1];
    }
    frame_ = spec.frame.value_or(WindowFrame{});
    start_offsets_ = RowOffsets(frame_.start_expr.get(), frame_.start, input);
    end_offsets_ = RowOffsets(frame_.end_expr.get(), frame_.end, input);
    if (!spec.frame && spec.order_by.empty()) {
      frame_.start = Bound::kUnboundedPreceding;
      frame_.end = Bound::kUnboundedFollowing;
    }
    if (frame_.mode == WindowFrame::Mode::kRange &&
        (frame_.start == Bound::kPreceding || frame_.start == Bound::kFollowing ||
         frame_.end == Bound::kPreceding || frame_.end == Bound::kFollowing)) {
      if (order_.size() != 1) {
        Fail(ErrorKind::kBinder,
             "a RANGE frame with an offset needs exactly one ORDER BY expression, not {}",
             order_.size());
      }
      range_key_.resize(n_);
      for (size_t i = 0; i < n_; ++i) {
        const Value& v = order_[0][perm_[i]];
        if (!v.is_null()) range_key_[i] = AsDouble(v);
      }
      // INTERVAL offsets move each key as a microsecond timestamp: the
      // keys are converted once (dates and other units by the cast, which
      // keeps infinities), not per frame bound.
      if (frame_.start_interval || frame_.end_interval) {
        range_micros_ = Cast(*orders[0], arrow::timestamp());
      }
    }
  }

  size_t rows() const { return n_; }
  size_t row(size_t pos) const { return perm_[pos]; }  // input row at a sorted position
  size_t partition_start(size_t pos) const { return partition_start_[pos]; }
  size_t partition_end(size_t pos) const { return partition_end_[pos]; }
  size_t peer_start(size_t pos) const { return peer_start_[pos]; }
  size_t peer_end(size_t pos) const { return peer_end_[pos]; }
  const WindowFrame& frame() const { return frame_; }

  // The frame of the row at `pos`: sorted positions [lo, hi), before
  // exclusions.
  std::pair<size_t, size_t> Frame(size_t pos) const {
    const size_t ps = partition_start_[pos], pe = partition_end_[pos];
    auto clamp = [&](double v) {
      return static_cast<size_t>(std::clamp(v, static_cast<double>(ps), static_cast<double>(pe)));
    };
    auto at = [&](Bound b, double offset, bool start) -> size_t {
      switch (b) {
        case Bound::kUnboundedPreceding:
          return ps;
        case Bound::kUnboundedFollowing:
          return pe;
        case Bound::kCurrentRow:
          if (frame_.mode == WindowFrame::Mode::kRows) return start ? pos : pos + 1;
          return start ? peer_start_[pos] : peer_end_[pos];
        case Bound::kPreceding:
        case Bound::kFollowing: {
          const double sign = b == Bound::kPreceding ? -1 : 1;
          if (frame_.mode == WindowFrame::Mode::kRows) {
            return clamp(static_cast<double>(pos) + sign * offset + (start ? 0 : 1));
          }
          if (frame_.mode == WindowFrame::Mode::kGroups) {
            const double target = static_cast<double>(group_index_[pos]) + sign * offset;
            // The first (start) or one past the last (end) row of that group.
            size_t i = start ? ps : pe;
            if (start) {
              while (i < pe && static_cast<double>(group_index_[i]) < target)
                i = peer_end_[i];
            } else {
              while (i > ps && static_cast<double>(group_index_[i - 1]) > target)
                i = peer_start_[i - 1];
            }
            return i;
          }
          const auto& interval = start ? frame_.start_interval : frame_.end_interval;
          if (interval) return RangeBound(pos, 0, start, &*interval, static_cast<int>(sign));
          return RangeBound(pos, sign * offset, start);
        }
      }
      return ps;
    };
    const size_t row = perm_[pos];
    size_t lo =
        at(frame_.start, start_offsets_.empty() ? frame_.start_offset : start_offsets_[row], true);
    size_t hi = at(frame_.end, end_offsets_.empty() ? frame_.end_offset : end_offsets_[row], false);
    if (hi < lo) hi = lo;
    return {lo, hi};
  }

  // Whether the row at `i` is excluded from the frame of the row at `pos`.
  bool Excluded(size_t pos, size_t i) const {
    switch (frame_.exclude) {
      case WindowFrame::Exclude::kNoOthers:
        return false;
      case WindowFrame::Exclude::kCurrentRow:
        return i == pos;
      case WindowFrame::Exclude::kGroup:
        return i >= peer_start_[pos] && i < peer_end_[pos];
      case WindowFrame::Exclude::kTies:
        return i != pos && i >= peer_start_[pos] && i < peer_end_[pos];
    }
    return false;
  }

 private:
  // RANGE offset bounds: rows whose key is within `delta` of the current
  // row's (in the ORDER BY direction). NULL keys frame their peers.
  // With `interval`, the key is moved by it (`sign` times; a DATE or
  // TIMESTAMP key in any unit) instead of by `delta`.
  size_t RangeBound(size_t pos, double delta, bool start,
                    const arrow::MonthDayNano* interval = nullptr, int sign = 1) const {
    const size_t ps = partition_start_[pos], pe = partition_end_[pos];
    if (order_[0][perm_[pos]].is_null()) return start ? peer_start_[pos] : peer_end_[pos];
    const bool desc = spec_.order_by[0].descending;
    double target = range_key_[pos] + (desc ? -delta : delta);
    const int64_t micros = interval != nullptr ? range_micros_->values<int64_t>()[perm_[pos]] : 0;
    // (An infinite key stays where it is: infinity moved is infinity.)
    if (interval != nullptr && micros != arrow::kTimestampInfinity &&
        micros != arrow::kTimestampNegativeInfinity) {
      const arrow::DataType& key = *order_[0][perm_[pos]].type();
      // The key's units per microsecond (a day is 86400e6 microseconds).
      const double per_micro = key.id() == arrow::TypeId::kDate32
                                   ? 1.0 / 86400e6
                                   : static_cast<double>(arrow::UnitsPerSecond(key.unit())) / 1e6;
      target = static_cast<double>(AddInterval(micros, *interval, desc ? -sign : sign)) * per_micro;
    }
    // Rows with a key (non-null) in sorted order; nulls sit at one end.
    size_t lo = ps, hi = pe;
    while (lo < hi && order_[0][perm_[lo]].is_null())
      ++lo;
    while (hi > lo && order_[0][perm_[hi - 1]].is_null())
      --hi;
    // In direction order, keys rise (asc) or fall (desc): find the first
    // row at or past `target` (start) or the first row beyond it (end).
    auto before = [&](size_t i) {
      const double k = range_key_[i];
      if (start) return desc ? k > target : k < target;
      return desc ? k >= target : k <= target;
    };
    size_t a = lo, b = hi;
    while (a < b) {
      const size_t mid = a + (b - a) / 2;
      if (before(mid))
        a = mid + 1;
      else
        b = mid;
    }
    return a;
  }

  // A frame bound's offset per input row (empty: the constant offset).
  std::vector<double> RowOffsets(const BoundExpr* e, Bound bound,
                                 const arrow::RecordBatch& input) const {
    std::vector<double> out;
    if (e == nullptr) return out;
    const char* mode = frame_.mode == WindowFrame::Mode::kRows     ? "ROWS"
                       : frame_.mode == WindowFrame::Mode::kGroups ? "GROUPS"
                                                                   : "RANGE";
    const char* side = bound == Bound::kPreceding ? "PRECEDING" : "FOLLOWING";
    const arrow::ArrayDataPtr values = Evaluate(*e, input);
    out.reserve(n_);
    for (size_t i = 0; i < n_; ++i) {
      const Value v = Value::FromArray(*values, static_cast<int64_t>(i));
      if (v.is_null()) {
        Fail(ErrorKind::kInvalidInput, "Window {} {} expression cannot be NULL", mode, side);
      }
      const double d = AsDouble(v);
      if (!(d >= 0)) Fail(ErrorKind::kOutOfRange, "Invalid {} {} value: {}", mode, side, d);
      out.push_back(d);
    }
    return out;
  }

  const WindowFunctionSpec& spec_;
  size_t n_;
  KeyColumns partition_, order_;
  std::vector<double> start_offsets_, end_offsets_;
  std::vector<size_t> perm_;
  std::vector<size_t> partition_start_, partition_end_, peer_start_, peer_end_, group_index_;
  std::vector<double> range_key_;
  arrow::ArrayDataPtr range_micros_;  // INTERVAL offsets: the keys as microsecond timestamps
  WindowFrame frame_;
};

std::optional<int64_t> ConstantInt(const arrow::ArrayDataPtr& a, size_t row, const char* what) {
  const Value v = Value::FromArray(*a, static_cast<int64_t>(row));
  if (v.is_null()) return std::nullopt;
  if (!v.type()->is_integer()) Fail(ErrorKind::kBinder, "{} must be an integer", what);
  return v.int64();
}

// A function's argument ORDER BY keys, by input row.
class ArgOrder {
 public:
  ArgOrder(const WindowFunctionSpec& spec, const arrow::RecordBatch& input) : spec_(spec) {
    std::vector<arrow::ArrayDataPtr> arrays;
    for (const auto& o : spec.arg_order)
      arrays.push_back(Evaluate(*o.expr, input));
    keys_ = KeyValues(arrays);
  }
  bool empty() const { return keys_.empty(); }
  // <0, 0, >0 as input row a sorts before, with, or after b.
  int Compare(size_t a, size_t b) const {
    for (size_t k = 0; k < keys_.size(); ++k) {
      const Value& x = keys_[k][a];
      const Value& y = keys_[k][b];
      const SortKey& key = spec_.arg_order[k];
      if (x.is_null() != y.is_null()) return (x.is_null() == key.nulls_first) ? -1 : 1;
      if (x.is_null()) continue;
      const int c = CompareValues(x, y);
      if (c != 0) return key.descending ? -c : c;
    }
    return 0;
  }

 private:
  const WindowFunctionSpec& spec_;
  KeyColumns keys_;
};

// The functions other than aggregates with an argument ORDER BY: each
// row's frame is sorted by it (ties keep the window order), and the row is
// placed, ranked or offset within that sorted frame.
template <typename ForFrame>
arrow::ArrayDataPtr ComputeArgOrdered(const WindowFunctionSpec& spec, const WindowState& w,
                                      const arrow::RecordBatch& input,
                                      const std::vector<arrow::ArrayDataPtr>& args,
                                      ForFrame&& for_frame) {
  const ArgOrder order(spec, input);
  const size_t n = w.rows();
  std::vector<Value> results(n, Value::Null(spec.type));
  const bool value_function = spec.func == WindowFunc::kFirstValue ||
                              spec.func == WindowFunc::kLastValue ||
                              spec.func == WindowFunc::kNthValue || spec.func == WindowFunc::kLag ||
                              spec.func == WindowFunc::kLead;
  arrow::ArrayDataPtr values, defaults;
  if (value_function) {
    values = Cast(*args[0], spec.type);
    if (args.size() > 2) defaults = Cast(*args[2], spec.type);
  }
  auto value_at = [&](size_t input_row) {
    return Value::FromArray(*values, static_cast<int64_t>(input_row));
  };
  for (size_t p = 0; p < n; ++p) {
    const size_t cur = w.row(p);
    std::vector<size_t> frame;  // input rows
    for_frame(p, [&](size_t i) {
      const size_t r = w.row(i);
      if (value_function && spec.ignore_nulls && r != cur &&
          args[0]->IsNull(static_cast<int64_t>(r))) {
        return;
      }
      frame.push_back(r);
    });
    std::stable_sort(frame.begin(), frame.end(),
                     [&](size_t a, size_t b) { return order.Compare(a, b) < 0; });
    const auto at = std::find(frame.begin(), frame.end(), cur);
    const bool in_frame = at != frame.end();
    const int64_t index = in_frame ? at - frame.begin() : -1;
    const auto size = static_cast<int64_t>(frame.size());
    int64_t less = 0, not_greater = 0;
    for (size_t r : frame) {
      const int c = order.Compare(r, cur);
      less += c < 0 ? 1 : 0;
      not_greater += c <= 0 ? 1 : 0;
    }
    Value& out = results[cur];
    switch (spec.func) {
      case WindowFunc::kRowNumber:
        out = Value::Int64(in_frame ? index + 1 : not_greater + 1);
        break;
      case WindowFunc::kRank:
        out = Value::Int64(less + 1);
        break;
      case WindowFunc::kDenseRank: {
        int64_t distinct = 0;
        for (size_t k = 0; k < frame.size(); ++k) {
          if (order.Compare(frame[k], cur) >= 0) break;
          if (k == 0 || order.Compare(frame[k - 1], frame[k]) != 0) ++distinct;
        }
        out = Value::Int64(distinct + 1);
        break;
      }
      case WindowFunc::kPercentRank:
        out = Value::Double(size > 1 ? static_cast<double>(less) / static_cast<double>(size - 1)
                                     : 0.0);
        break;
      case WindowFunc::kCumeDist:
        out = Value::Double(size > 0 ? static_cast<double>(not_greater) / static_cast<double>(size)
                                     : 0.0);
        break;
      case WindowFunc::kNtile: {
        const std::optional<int64_t> arg = ConstantInt(args[0], cur, "NTILE's argument");
        if (!arg || !in_frame) break;
        const int64_t buckets = *arg;
        if (buckets <= 0)
          Fail(ErrorKind::kInvalidInput, "Argument for ntile must be greater than zero");
        const int64_t per = size / buckets, extra = size % buckets;
        const int64_t big = extra * (per + 1);
        out = Value::Int64(index < big ? index / (per + 1) + 1
                                       : (per == 0 ? index + 1 : (index - big) / per + extra + 1));
        break;
      }
      case WindowFunc::kLag:
      case WindowFunc::kLead: {
        int64_t offset = 1;
        if (args.size() > 1) {
          if (args[1]->IsNull(static_cast<int64_t>(cur))) break;
          offset = ConstantInt(args[1], cur, "the offset of LAG/LEAD").value_or(1);
        }
        if (!in_frame) break;
        const int64_t target = index + (spec.func == WindowFunc::kLag ? -offset : offset);
        if (target >= 0 && target < size) {
          out = value_at(frame[static_cast<size_t>(target)]);
        } else if (defaults) {
          out = Value::FromArray(*defaults, static_cast<int64_t>(cur));
        }
        break;
      }
      case WindowFunc::kFirstValue:
        if (size > 0) out = value_at(frame.front());
        break;
      case WindowFunc::kLastValue:
        if (size > 0) out = value_at(frame.back());
        break;
      case WindowFunc::kNthValue: {
        // A NULL or non-positive position names no row: NULL (DuckDB).
        const std::optional<int64_t> arg = ConstantInt(args[1], cur, "NTH_VALUE's position");
        if (!arg || *arg <= 0) break;
        const int64_t nth = *arg;
        if (nth <= size) out = value_at(frame[static_cast<size_t>(nth - 1)]);
        break;
      }
      case WindowFunc::kAggregate:
        break;
    }
  }
  return ValuesToArray(spec.type, results);
}

// Results gathered by sorted position, then put back in input order.
// `order` (if not null) receives the input rows in the function's sorted
// order.
arrow::ArrayDataPtr Compute(const WindowFunctionSpec& spec, const arrow::RecordBatch& input,
                            std::vector<int64_t>* order) {
  WindowState w(spec, input);
  const size_t n = w.rows();
  if (order) {
    for (size_t p = 0; p < n; ++p)
      order->push_back(static_cast<int64_t>(w.row(p)));
  }
  std::vector<arrow::ArrayDataPtr> args;
  for (const auto& a : spec.args)
    args.push_back(Evaluate(*a, input));
  // Result kinds: integers, doubles, or rows of an argument (take).
  std::vector<int64_t> ints(n, 0);
  std::vector<double> doubles(n, 0);
  std::vector<uint8_t> valid(n, 1);
  std::vector<int64_t> take(n, -1);
  enum { kInts, kDoubles, kTake, kValues } kind = kInts;
  std::vector<Value> results;  // kValues

  auto for_frame = [&](size_t pos, auto&& visit) {
    auto [lo, hi] = w.Frame(pos);
    for (size_t i = lo; i < hi; ++i) {
      if (!w.Excluded(pos, i)) visit(i);
    }
  };
  if (!spec.arg_order.empty() && spec.func != WindowFunc::kAggregate) {
    return ComputeArgOrdered(spec, w, input, args, for_frame);
  }

  switch (spec.func) {
    case WindowFunc::kRowNumber:
      for (size_t p = 0; p < n; ++p)
        ints[w.row(p)] = static_cast<int64_t>(p - w.partition_start(p) + 1);
      break;
    case WindowFunc::kRank:
      for (size_t p = 0; p < n; ++p)
        ints[w.row(p)] = static_cast<int64_t>(w.peer_start(p) - w.partition_start(p) + 1);
      break;
    case WindowFunc::kDenseRank: {
      int64_t rank = 0;
      for (size_t p = 0; p < n; ++p) {
        if (p == w.partition_start(p)) rank = 0;
        if (p == w.peer_start(p)) ++rank;
        ints[w.row(p)] = rank;
      }
      break;
    }
    case WindowFunc::kPercentRank:
      kind = kDoubles;
      for (size_t p = 0; p < n; ++p) {
        const double size = static_cast<double>(w.partition_end(p) - w.partition_start(p));
        const double rank = static_cast<double>(w.peer_start(p) - w.partition_start(p));
        doubles[w.row(p)] = size > 1 ? rank / (size - 1) : 0;
      }
      break;
    case WindowFunc::kCumeDist:
      kind = kDoubles;
      for (size_t p = 0; p < n; ++p) {
        const double size = static_cast<double>(w.partition_end(p) - w.partition_start(p));
        doubles[w.row(p)] = static_cast<double>(w.peer_end(p) - w.partition_start(p)) / size;
      }
      break;
    case WindowFunc::kNtile:
      for (size_t p = 0; p < n; ++p) {
        const std::optional<int64_t> arg = ConstantInt(args[0], w.row(p), "NTILE's argument");
        if (!arg) {
          valid[w.row(p)] = 0;
          continue;
        }
        const int64_t buckets = *arg;
        if (buckets <= 0)
          Fail(ErrorKind::kInvalidInput, "Argument for ntile must be greater than zero");
        const int64_t size = static_cast<int64_t>(w.partition_end(p) - w.partition_start(p));
        const int64_t i = static_cast<int64_t>(p - w.partition_start(p));
        const int64_t per = size / buckets, extra = size % buckets;
        const int64_t big = extra * (per + 1);
        ints[w.row(p)] =
            i < big ? i / (per + 1) + 1 : (per == 0 ? i + 1 : (i - big) / per + extra + 1);
      }
      break;
    case WindowFunc::kLag:
    case WindowFunc::kLead: {
      kind = kTake;
      for (size_t p = 0; p < n; ++p) {
        int64_t offset = 1;
        if (args.size() > 1) {
          const std::optional<int64_t> arg =
              ConstantInt(args[1], w.row(p), "the offset of LAG/LEAD");
          if (!arg) continue;  // a NULL offset: NULL
          offset = *arg;
        }
        int64_t target =
            static_cast<int64_t>(p) + (spec.func == WindowFunc::kLag ? -offset : offset);
        if (spec.ignore_nulls && offset != 0) {
          // The offset-th row with a value in that direction.
          const int64_t step = (spec.func == WindowFunc::kLag) == (offset > 0) ? -1 : 1;
          int64_t remaining = offset < 0 ? -offset : offset;
          target = static_cast<int64_t>(p);
          while (remaining > 0) {
            target += step;
            if (target < static_cast<int64_t>(w.partition_start(p)) ||
                target >= static_cast<int64_t>(w.partition_end(p))) {
              break;
            }
            if (!args[0]->IsNull(static_cast<int64_t>(w.row(static_cast<size_t>(target))))) {
              --remaining;
            }
          }
        }
        if (target >= static_cast<int64_t>(w.partition_start(p)) &&
            target < static_cast<int64_t>(w.partition_end(p))) {
          take[w.row(p)] = static_cast<int64_t>(w.row(static_cast<size_t>(target)));
        } else if (args.size() > 2) {
          take[w.row(p)] = static_cast<int64_t>(n + w.row(p));  // the default
        }
      }
      break;
    }
    case WindowFunc::kFirstValue:
    case WindowFunc::kLastValue:
    case WindowFunc::kNthValue: {
      kind = kTake;
      for (size_t p = 0; p < n; ++p) {
        int64_t nth = 1;
        if (spec.func == WindowFunc::kNthValue) {
          const std::optional<int64_t> arg = ConstantInt(args[1], w.row(p), "NTH_VALUE's position");
          if (!arg || *arg <= 0) continue;  // no row: NULL
          nth = *arg;
        }
        std::vector<size_t> in_frame;
        if (w.frame().exclude == WindowFrame::Exclude::kNoOthers && !spec.ignore_nulls) {
          auto [lo, hi] = w.Frame(p);
          if (lo >= hi) continue;
          if (spec.func == WindowFunc::kLastValue) {
            take[w.row(p)] = static_cast<int64_t>(w.row(hi - 1));
          } else if (static_cast<int64_t>(hi - lo) >= nth) {
            take[w.row(p)] = static_cast<int64_t>(w.row(lo + static_cast<size_t>(nth - 1)));
          }
          continue;
        }
        for_frame(p, [&](size_t i) {
          if (!spec.ignore_nulls || !args[0]->IsNull(static_cast<int64_t>(w.row(i)))) {
            in_frame.push_back(i);
          }
        });
        if (in_frame.empty()) continue;
        if (spec.func == WindowFunc::kLastValue) {
          take[w.row(p)] = static_cast<int64_t>(w.row(in_frame.back()));
        } else if (static_cast<int64_t>(in_frame.size()) >= nth) {
          take[w.row(p)] = static_cast<int64_t>(w.row(in_frame[static_cast<size_t>(nth - 1)]));
        }
      }
      break;
    }
    case WindowFunc::kAggregate: {
      const AggKind agg = spec.aggregate.kind;
      const arrow::ArrayData* arg = args.empty() ? nullptr : args[0].get();
      auto present = [&](size_t pos) {
        return arg == nullptr || !arg->IsNull(static_cast<int64_t>(w.row(pos)));
      };
      const bool integer_sum = agg == AggKind::kSum && spec.type->is_integer();
      std::vector<Value> values;  // by sorted position, for the row-by-row paths
      if (arg) {
        values.reserve(n);
        for (size_t p = 0; p < n; ++p)
          values.push_back(Value::FromArray(*arg, static_cast<int64_t>(w.row(p))));
      }
      // (A DECIMAL sum takes the exact row-by-row path.)
      // (So does an average of instants, times of day or intervals.)
      const bool decimal_sum =
          (agg == AggKind::kSum && spec.type->id() == arrow::TypeId::kDecimal128) ||
          (agg == AggKind::kAvg && spec.type->id() != arrow::TypeId::kFloat64);
      // FILTER (WHERE ...) of a kind that reads NULLs (list, first, last):
      // rows where it is not true stay out of every frame's aggregate.
      arrow::ArrayDataPtr filter;
      if (spec.aggregate.filter) filter = Evaluate(*spec.aggregate.filter, input);
      auto filtered_out = [&](size_t pos) {
        if (!filter) return false;
        const auto row = static_cast<int64_t>(w.row(pos));
        return filter->IsNull(row) || !arrow::BooleanArray(filter).Value(row);
      };
      const bool prefix = !filter && !spec.aggregate.distinct && !decimal_sum &&
                          w.frame().exclude == WindowFrame::Exclude::kNoOthers &&
                          (agg == AggKind::kCount || agg == AggKind::kCountStar ||
                           agg == AggKind::kSum || agg == AggKind::kAvg || agg == AggKind::kTotal);
      if (prefix) {
        // Prefix counts and sums over sorted positions.
        std::vector<int64_t> counts(n + 1, 0);
        std::vector<__int128> int_sums(n + 1, 0);
        std::vector<double> sums(n + 1, 0);
        for (size_t p = 0; p < n; ++p) {
          const bool has = present(p);
          counts[p + 1] = counts[p] + (has ? 1 : 0);
          int_sums[p + 1] = int_sums[p];
          sums[p + 1] = sums[p];
          // (count reads only whether a value is there: it may be text.)
          if (has && arg && agg != AggKind::kCount) {
            if (integer_sum)
              int_sums[p + 1] += values[p].int64();
            else
              sums[p + 1] += AsDouble(values[p]);
          }
        }
        kind = (agg == AggKind::kCount || agg == AggKind::kCountStar || integer_sum) ? kInts
                                                                                     : kDoubles;
        for (size_t p = 0; p < n; ++p) {
          auto [lo, hi] = w.Frame(p);
          const int64_t count = counts[hi] - counts[lo];
          const size_t r = w.row(p);
          if (agg == AggKind::kCount || agg == AggKind::kCountStar) {
            ints[r] = count;
          } else if (agg == AggKind::kTotal) {
            doubles[r] = sums[hi] - sums[lo];
          } else if (count == 0) {
            valid[r] = 0;
          } else if (integer_sum) {
            const __int128 s = int_sums[hi] - int_sums[lo];
            if (s > INT64_MAX || s < INT64_MIN) {
              Fail(ErrorKind::kOutOfRange, "Overflow in window SUM of {} values", count);
            }
            ints[r] = static_cast<int64_t>(s);
          } else if (agg == AggKind::kSum) {
            doubles[r] = sums[hi] - sums[lo];
          } else {
            doubles[r] = (sums[hi] - sums[lo]) / static_cast<double>(count);
          }
        }
        break;
      }
      if ((agg == AggKind::kMin || agg == AggKind::kMax) && !spec.aggregate.distinct && !filter) {
        kind = kTake;
        // Frames whose start stays put while the end only grows (running
        // and whole-partition frames) are extended row by row.
        constexpr size_t kNone = SIZE_MAX;
        size_t best = kNone;
        size_t run_lo = SIZE_MAX, run_hi = 0;
        for (size_t p = 0; p < n; ++p) {
          auto [lo, hi] = w.Frame(p);
          const bool extend = w.frame().exclude == WindowFrame::Exclude::kNoOthers &&
                              lo == run_lo && hi >= run_hi && p != w.partition_start(p);
          if (!extend) {
            best = kNone;
            run_lo = lo;
            run_hi = lo;
          }
          auto consider = [&](size_t i) {
            if (!present(i)) return;
            if (best == kNone) {
              best = i;
              return;
            }
            const int c = CompareValues(values[i], values[best]);
            if (agg == AggKind::kMin ? c < 0 : c > 0) best = i;
          };
          if (extend || w.frame().exclude == WindowFrame::Exclude::kNoOthers) {
            for (size_t i = run_hi; i < hi; ++i)
              consider(i);
            run_hi = hi;
          } else {
            for_frame(p, consider);
            run_lo = SIZE_MAX;
          }
          if (best != kNone) take[w.row(p)] = static_cast<int64_t>(w.row(best));
        }
        break;
      }
      // Other aggregates, DISTINCT and exclusions: frame by frame.
      kind = kValues;
      results.resize(n);
      const Value none;
      const ArgOrder arg_order(spec, input);
      for (size_t p = 0; p < n; ++p) {
        Accumulator acc(spec.aggregate);
        const arrow::ArrayData* arg2 = args.size() > 1 ? args[1].get() : nullptr;
        std::vector<size_t> frame;  // sorted positions
        for_frame(p, [&](size_t i) { frame.push_back(i); });
        if (!arg_order.empty()) {
          std::stable_sort(frame.begin(), frame.end(), [&](size_t a, size_t b) {
            return arg_order.Compare(w.row(a), w.row(b)) < 0;
          });
        }
        for (size_t i : frame) {
          if (spec.ignore_nulls && arg && values[i].is_null()) continue;  // last(x IGNORE NULLS)
          if (filtered_out(i)) continue;
          const Value v = arg ? values[i] : none;
          acc.Add(v, arg2 ? Value::FromArray(*arg2, static_cast<int64_t>(w.row(i))) : none);
        }
        results[w.row(p)] = acc.Finish(spec.type);
      }
      break;
    }
  }

  switch (kind) {
    case kInts: {
      arrow::Int64Builder b(arrow::int64());
      b.Reserve(static_cast<int64_t>(n));
      for (size_t i = 0; i < n; ++i) {
        if (valid[i])
          b.Append(ints[i]);
        else
          b.AppendNull();
      }
      return Cast(*b.Finish(), spec.type);
    }
    case kDoubles: {
      arrow::DoubleBuilder b(arrow::float64());
      b.Reserve(static_cast<int64_t>(n));
      for (size_t i = 0; i < n; ++i) {
        if (valid[i])
          b.Append(doubles[i]);
        else
          b.AppendNull();
      }
      return Cast(*b.Finish(), spec.type);
    }
    case kValues:
      return ValuesToArray(spec.type, results);
    case kTake: {
      arrow::ArrayDataPtr source = Cast(*args[0], spec.type);
      if ((spec.func == WindowFunc::kLag || spec.func == WindowFunc::kLead) && args.size() > 2) {
        std::vector<arrow::ArrayDataPtr> both{source, Cast(*args[2], spec.type)};
        source = arrow::Concatenate(both);
      }
      return arrow::Take(*source, take);
    }
  }
  return nullptr;
}

class WindowOperator final : public Operator {
 public:
  WindowOperator(OperatorPtr input, std::vector<WindowFunctionSpec> functions)
      : input_(std::move(input)), functions_(std::move(functions)) {
    std::vector<arrow::FieldPtr> fields = input_->schema()->fields();
    for (const auto& f : functions_)
      fields.push_back(arrow::field(f.name, f.type));
    schema_ = std::make_shared<arrow::Schema>(std::move(fields));
  }

  arrow::SchemaPtr schema() const override { return schema_; }

  ExplainInfo Explain() const override {
    std::string detail;
    for (const auto& f : functions_) {
      detail += (detail.empty() ? "" : ", ") + f.name;
      if (!f.partition_by.empty()) {
        detail += " PARTITION BY";
        for (const auto& p : f.partition_by)
          detail += " " + p->ToString();
      }
      if (!f.order_by.empty()) {
        detail += " ORDER BY";
        for (const auto& o : f.order_by)
          detail += " " + o.expr->ToString() + (o.descending ? " DESC" : "");
      }
    }
    return {"Window", detail, EstimatedRows(*input_), {input_.get()}};
  }

  arrow::RecordBatchPtr NextBatch() override {
    if (done_) return nullptr;
    done_ = true;
    std::vector<arrow::RecordBatchPtr> batches = Collect(*input_);
    int64_t rows = 0;
    for (const auto& b : batches)
      rows += b->num_rows();
    if (rows == 0) return nullptr;
    std::vector<arrow::ArrayDataPtr> columns;
    const auto& in = *input_->schema();
    for (int c = 0; c < in.num_fields(); ++c) {
      std::vector<arrow::ArrayDataPtr> parts;
      for (const auto& b : batches)
        parts.push_back(b->column(c));
      columns.push_back(arrow::Concatenate(parts));
    }
    auto all = arrow::RecordBatch::Make(input_->schema(), rows, columns);
    // Rows come out in the first function's window order (as DuckDB's
    // do): partitions together, each in its ORDER BY.
    std::vector<int64_t> order;
    for (size_t f = 0; f < functions_.size(); ++f)
      columns.push_back(Compute(functions_[f], *all, f == 0 ? &order : nullptr));
    for (auto& c : columns)
      c = arrow::Take(*c, order);
    return arrow::RecordBatch::Make(schema_, rows, std::move(columns));
  }

 private:
  OperatorPtr input_;
  std::vector<WindowFunctionSpec> functions_;
  arrow::SchemaPtr schema_;
  bool done_ = false;
};

}  // namespace

OperatorPtr MakeWindow(OperatorPtr input, std::vector<WindowFunctionSpec> functions) {
  return std::make_unique<WindowOperator>(std::move(input), std::move(functions));
}

}  // namespace llkv::execution
