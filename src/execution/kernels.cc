// Vectorized kernels: arithmetic, comparison, logic, null tests.
#include <fmt/format.h>

#include <cmath>

#include "common/bit_util.h"
#include "execution/expression.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {

using arrow::ArrayData;
using arrow::ArrayDataPtr;
using arrow::TypeId;

namespace {

void CheckPair(const ArrayData& a, const ArrayData& b, const char* what) {
  if (a.length != b.length) {
    Fail(ErrorKind::kInternal, "{} of arrays of {} and {} rows", what, a.length, b.length);
  }
  if (!a.type->Equals(*b.type)) {
    Fail(ErrorKind::kInternal, "{} of {} and {}: the planner must cast to one type", what,
         a.type->ToString(), b.type->ToString());
  }
}

const char* OpName(ExprOp op) {
  switch (op) {
    case ExprOp::kAdd:
      return "addition";
    case ExprOp::kSubtract:
      return "subtraction";
    case ExprOp::kMultiply:
      return "multiplication";
    case ExprOp::kDivide:
      return "division";
    case ExprOp::kModulo:
      return "modulo";
    default:
      return "operation";
  }
}

// Applies f(x, y, &out) -> valid? to every row where both inputs are valid.
template <typename T, typename Out, typename F>
ArrayDataPtr Binary(const ArrayData& a, const ArrayData& b, const arrow::TypePtr& out_type, F f) {
  arrow::FixedWidthBuilder<Out> builder(out_type);
  builder.Reserve(a.length);
  const T* x = a.values<T>();
  const T* y = b.values<T>();
  for (int64_t i = 0; i < a.length; ++i) {
    Out r{};
    if (a.IsValid(i) && b.IsValid(i) && f(x[i], y[i], &r)) {
      builder.Append(r);
    } else {
      builder.AppendNull();
    }
  }
  return builder.Finish();
}

// x shifted left by n bits (right for negative n), SQLite's way: bits
// shifted past either end are gone, and right shifts copy the sign.
int64_t Shift(int64_t x, int64_t n) {
  if (n >= 64) return 0;
  if (n >= 0) return static_cast<int64_t>(static_cast<uint64_t>(x) << n);
  if (n <= -64) return x < 0 ? -1 : 0;
  return x >> -n;
}

ArrayDataPtr IntArithmetic(ExprOp op, const ArrayData& a, const ArrayData& b) {
  return Binary<int64_t, int64_t>(a, b, arrow::int64(), [op](int64_t x, int64_t y, int64_t* r) {
    bool overflow = false;
    switch (op) {
      case ExprOp::kAdd:
        overflow = __builtin_add_overflow(x, y, r);
        break;
      case ExprOp::kSubtract:
        overflow = __builtin_sub_overflow(x, y, r);
        break;
      case ExprOp::kMultiply:
        overflow = __builtin_mul_overflow(x, y, r);
        break;
      case ExprOp::kDivide:
        if (y == 0) return false;
        overflow = x == INT64_MIN && y == -1;
        if (!overflow) *r = x / y;
        break;
      case ExprOp::kModulo:
        if (y == 0) return false;
        *r = y == -1 ? 0 : x % y;
        break;
      case ExprOp::kBitAnd:
        *r = x & y;
        break;
      case ExprOp::kBitOr:
        *r = x | y;
        break;
      default:  // shifts
        *r = Shift(x, op == ExprOp::kShiftLeft ? y : (y == INT64_MIN ? INT64_MAX : -y));
        break;
    }
    if (overflow) {
      Fail(ErrorKind::kOutOfRange, "Overflow in {} of BIGINT ({} {} {})", OpName(op), x,
           OpSymbol(op), y);
    }
    return true;
  });
}

ArrayDataPtr FloatArithmetic(ExprOp op, const ArrayData& a, const ArrayData& b) {
  return Binary<double, double>(a, b, arrow::float64(), [op](double x, double y, double* r) {
    switch (op) {
      case ExprOp::kAdd:
        *r = x + y;
        return true;
      case ExprOp::kSubtract:
        *r = x - y;
        return true;
      case ExprOp::kMultiply:
        *r = x * y;
        return true;
      case ExprOp::kDivide:
        if (y == 0) return false;
        *r = x / y;
        return true;
      default:
        if (y == 0) return false;
        *r = std::fmod(x, y);
        return true;
    }
  });
}

// Boolean results are bit-packed, so comparisons build them with a
// BooleanBuilder rather than through Binary.
template <typename Get>
ArrayDataPtr CompareRows(ExprOp op, const ArrayData& a, const ArrayData& b, Get compare) {
  arrow::BooleanBuilder out;
  out.Reserve(a.length);
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsValid(i) && b.IsValid(i)) {
      out.Append(ComparisonHolds(op, compare(i)));
    } else {
      out.AppendNull();
    }
  }
  return out.Finish();
}

// Three-way comparison; NaN equals NaN and sorts above every other number
// (PostgreSQL's and DuckDB's rule), so comparisons stay a total order.
template <typename T>
int ThreeWay(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    const bool xn = std::isnan(x), yn = std::isnan(y);
    if (xn || yn) return xn == yn ? 0 : (xn ? 1 : -1);
  }
  return x < y ? -1 : (y < x ? 1 : 0);
}

template <typename T>
ArrayDataPtr CompareFixed(ExprOp op, const ArrayData& a, const ArrayData& b) {
  const T* x = a.values<T>();
  const T* y = b.values<T>();
  return CompareRows(op, a, b, [x, y](int64_t i) { return ThreeWay(x[i], y[i]); });
}

// An int64 or float64 function of one argument; `int_op` returns false on
// overflow, which is an Out of Range Error naming `what`.
template <typename IntOp, typename FloatOp>
ArrayDataPtr UnaryNumeric(const ArrayData& a, const char* what, IntOp int_op, FloatOp float_op) {
  if (a.type->id() == TypeId::kInt64) {
    arrow::Int64Builder b(arrow::int64());
    b.Reserve(a.length);
    const int64_t* x = a.values<int64_t>();
    for (int64_t i = 0; i < a.length; ++i) {
      int64_t r = 0;
      if (!a.IsValid(i)) {
        b.AppendNull();
      } else if (!int_op(x[i], &r)) {
        Fail(ErrorKind::kOutOfRange, "Overflow in {} of BIGINT ({})", what, x[i]);
      } else {
        b.Append(r);
      }
    }
    return b.Finish();
  }
  if (a.type->id() == TypeId::kFloat64) {
    arrow::DoubleBuilder b(arrow::float64());
    b.Reserve(a.length);
    const double* x = a.values<double>();
    for (int64_t i = 0; i < a.length; ++i)
      a.IsValid(i) ? b.Append(float_op(x[i])) : b.AppendNull();
    return b.Finish();
  }
  Fail(ErrorKind::kNotImplemented, "{} of {} values", what, a.type->ToString());
}

}  // namespace

ArrayDataPtr Arithmetic(ExprOp op, const ArrayData& a, const ArrayData& b) {
  CheckPair(a, b, "arithmetic");
  switch (a.type->id()) {
    case TypeId::kInt64:
      return IntArithmetic(op, a, b);
    case TypeId::kFloat64:
      return FloatArithmetic(op, a, b);
    default:
      Fail(ErrorKind::kNotImplemented, "arithmetic on {} values", a.type->ToString());
  }
}

ArrayDataPtr Negate(const ArrayData& a) {
  if (a.type->id() == TypeId::kDecimal128) return DecimalNegate(a);
  return UnaryNumeric(
      a, "negation", [](int64_t x, int64_t* r) { return !__builtin_sub_overflow(0, x, r); },
      [](double x) { return -x; });
}

ArrayDataPtr BitNot(const ArrayData& a) {
  return UnaryNumeric(
      a, "bitwise not",
      [](int64_t x, int64_t* r) {
        *r = ~x;
        return true;
      },
      [](double) -> double { Fail(ErrorKind::kInternal, "bitwise not of a double"); });
}

ArrayDataPtr Compare(ExprOp op, const ArrayData& a, const ArrayData& b) {
  CheckPair(a, b, "comparison");
  switch (a.type->id()) {
    case TypeId::kInt8:
      return CompareFixed<int8_t>(op, a, b);
    case TypeId::kInt16:
      return CompareFixed<int16_t>(op, a, b);
    case TypeId::kInt32:
    case TypeId::kDate32:
      return CompareFixed<int32_t>(op, a, b);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
      return CompareFixed<int64_t>(op, a, b);
    case TypeId::kUInt8:
      return CompareFixed<uint8_t>(op, a, b);
    case TypeId::kUInt16:
      return CompareFixed<uint16_t>(op, a, b);
    case TypeId::kUInt32:
      return CompareFixed<uint32_t>(op, a, b);
    case TypeId::kUInt64:
      return CompareFixed<uint64_t>(op, a, b);
    case TypeId::kFloat32:
      return CompareFixed<float>(op, a, b);
    case TypeId::kFloat64:
      return CompareFixed<double>(op, a, b);
    case TypeId::kDecimal128:
      return CompareFixed<arrow::Decimal128>(op, a, b);
    case TypeId::kBool: {
      const uint8_t* x = a.buffers[1]->data();
      const uint8_t* y = b.buffers[1]->data();
      return CompareRows(op, a, b, [&](int64_t i) {
        return int{bit_util::GetBit(x, a.offset + i)} - int{bit_util::GetBit(y, b.offset + i)};
      });
    }
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary:
      return CompareRows(op, a, b, [&](int64_t i) {
        return arrow::BinaryValueAt(a, i).compare(arrow::BinaryValueAt(b, i));
      });
    case TypeId::kIntervalMonthDayNano:
    case TypeId::kList:
    case TypeId::kStruct:
      // Intervals by length, a month being 30 days; lists and structs
      // element by element (CompareValues' rules).
      return CompareRows(op, a, b, [&](int64_t i) {
        return CompareValues(Value::FromArray(a, i), Value::FromArray(b, i));
      });
    default:
      Fail(ErrorKind::kNotImplemented, "comparison of {} values", a.type->ToString());
  }
}

ArrayDataPtr Logical(ExprOp op, const ArrayData& a, const ArrayData& b) {
  CheckPair(a, b, op == ExprOp::kAnd ? "AND" : "OR");
  arrow::BooleanBuilder out;
  const uint8_t* x = a.buffers[1]->data();
  const uint8_t* y = b.buffers[1]->data();
  for (int64_t i = 0; i < a.length; ++i) {
    const bool av = a.IsValid(i), bv = b.IsValid(i);
    const bool xa = av && bit_util::GetBit(x, a.offset + i);
    const bool yb = bv && bit_util::GetBit(y, b.offset + i);
    if (op == ExprOp::kAnd) {
      // FALSE wins over NULL.
      if ((av && !xa) || (bv && !yb))
        out.Append(false);
      else if (av && bv)
        out.Append(true);
      else
        out.AppendNull();
    } else {
      // TRUE wins over NULL.
      if (xa || yb)
        out.Append(true);
      else if (av && bv)
        out.Append(false);
      else
        out.AppendNull();
    }
  }
  return out.Finish();
}

ArrayDataPtr Not(const ArrayData& a) {
  arrow::BooleanBuilder out;
  const uint8_t* x = a.buffers[1]->data();
  for (int64_t i = 0; i < a.length; ++i) {
    a.IsValid(i) ? out.Append(!bit_util::GetBit(x, a.offset + i)) : out.AppendNull();
  }
  return out.Finish();
}

ArrayDataPtr Abs(const ArrayData& a) {
  if (a.type->id() == TypeId::kDecimal128) return DecimalAbs(a);
  return UnaryNumeric(
      a, "abs",
      [](int64_t x, int64_t* r) {
        return x < 0 ? !__builtin_sub_overflow(0, x, r) : (*r = x, true);
      },
      [](double x) { return std::fabs(x); });
}

ArrayDataPtr Choose(const arrow::TypePtr& type, const std::vector<ArrayDataPtr>& choices,
                    const std::vector<int>& pick) {
  auto b = arrow::MakeBuilder(type);
  b->Reserve(static_cast<int64_t>(pick.size()));
  for (size_t i = 0; i < pick.size(); ++i) {
    if (pick[i] < 0) {
      b->AppendNull();
      continue;
    }
    const ArrayData& from = *choices[static_cast<size_t>(pick[i])];
    if (!from.type->Equals(*type)) {
      Fail(ErrorKind::kInternal, "CASE branch of type {} for a result of type {}",
           from.type->ToString(), type->ToString());
    }
    b->AppendRange(from, static_cast<int64_t>(i), 1);
  }
  return b->Finish();
}

ArrayDataPtr IsNull(const ArrayData& a, bool negated) {
  arrow::BooleanBuilder out;
  for (int64_t i = 0; i < a.length; ++i)
    out.Append(a.IsNull(i) != negated);
  return out.Finish();
}

bool ComparisonHolds(ExprOp op, int c) {
  switch (op) {
    case ExprOp::kEqual:
      return c == 0;
    case ExprOp::kNotEqual:
      return c != 0;
    case ExprOp::kLess:
      return c < 0;
    case ExprOp::kLessEqual:
      return c <= 0;
    case ExprOp::kGreater:
      return c > 0;
    default:
      return c >= 0;
  }
}

}  // namespace llkv::execution
