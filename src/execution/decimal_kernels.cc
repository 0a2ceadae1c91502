// Exact DECIMAL arithmetic on unscaled 128-bit integers. The binder chooses
// the operand and result types (sql/plan_util.cc, DecimalArithmetic): for
// + - % both operands share the result's scale; for * the result's scale is
// the sum of theirs. Every result must fit the result's precision, else the
// operation is an Out of Range error (never a silent float or wrap).
#include <fmt/format.h>

#include <array>

#include "arrow/temporal.h"
#include "execution/expression.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {

namespace {

using arrow::ArrayData;
using arrow::ArrayDataPtr;
using arrow::Decimal128;

// DuckDB's wording ("subtract" included), with the operands.
[[noreturn]] void Overflow(ExprOp op, Decimal128 x, int sx, Decimal128 y, int sy,
                           const arrow::DataType& out) {
  const char* what = op == ExprOp::kAdd        ? "addition"
                     : op == ExprOp::kSubtract ? "subtract"
                                               : "multiplication";
  Fail(ErrorKind::kOutOfRange, "Overflow in {} of {} ({} {} {}): the result exceeds {} digits",
       what, SqlTypeName(out), arrow::FormatDecimal128(x, sx), OpSymbol(op),
       arrow::FormatDecimal128(y, sy), out.precision());
}

template <typename UnaryOp>
ArrayDataPtr DecimalUnary(const ArrayData& a, UnaryOp op) {
  arrow::Decimal128Builder b(a.type);
  b.Reserve(a.length);
  const Decimal128* x = a.values<Decimal128>();
  for (int64_t i = 0; i < a.length; ++i)
    a.IsValid(i) ? b.Append(op(x[i])) : b.AppendNull();
  return b.Finish();
}

}  // namespace

Decimal128 DecimalPow10(int n) {
  static const std::array<Decimal128, 39> kPowers = [] {
    std::array<Decimal128, 39> p{};
    p[0] = 1;
    for (size_t i = 1; i < p.size(); ++i)
      p[i] = p[i - 1] * 10;
    return p;
  }();
  if (n < 0 || n > 38) Fail(ErrorKind::kInternal, "10^{} is beyond DECIMAL's 38 digits", n);
  return kPowers[static_cast<size_t>(n)];
}

ArrayDataPtr DecimalArithmetic(ExprOp op, const ArrayData& a, const ArrayData& b,
                               const arrow::TypePtr& out) {
  if (a.length != b.length || a.type->id() != arrow::TypeId::kDecimal128 ||
      b.type->id() != arrow::TypeId::kDecimal128) {
    Fail(ErrorKind::kInternal, "decimal arithmetic of {} and {}", a.type->ToString(),
         b.type->ToString());
  }
  const Decimal128 limit = DecimalPow10(out->precision());
  const int sa = a.type->scale(), sb = b.type->scale();
  arrow::Decimal128Builder builder(out);
  builder.Reserve(a.length);
  const Decimal128* x = a.values<Decimal128>();
  const Decimal128* y = b.values<Decimal128>();
  for (int64_t i = 0; i < a.length; ++i) {
    if (!a.IsValid(i) || !b.IsValid(i)) {
      builder.AppendNull();
      continue;
    }
    Decimal128 r = 0;
    bool overflow = false;
    switch (op) {
      case ExprOp::kAdd:
        overflow = __builtin_add_overflow(x[i], y[i], &r);
        break;
      case ExprOp::kSubtract:
        overflow = __builtin_sub_overflow(x[i], y[i], &r);
        break;
      case ExprOp::kMultiply:
        overflow = __builtin_mul_overflow(x[i], y[i], &r);
        break;
      case ExprOp::kModulo:
        if (y[i] == 0) {  // as for integers: NULL
          builder.AppendNull();
          continue;
        }
        r = x[i] % y[i];
        break;
      default:
        Fail(ErrorKind::kInternal, "decimal {}", OpSymbol(op));
    }
    if (overflow || r >= limit || r <= -limit) {
      Overflow(op, x[i], sa, y[i], sb, *out);
    }
    builder.Append(r);
  }
  return builder.Finish();
}

ArrayDataPtr DecimalNegate(const ArrayData& a) {
  return DecimalUnary(a, [](Decimal128 x) { return -x; });
}

ArrayDataPtr DecimalAbs(const ArrayData& a) {
  return DecimalUnary(a, [](Decimal128 x) { return x < 0 ? -x : x; });
}

}  // namespace llkv::execution

namespace llkv::execution {

arrow::TypePtr DecimalRoundType(const arrow::DataType& t, int64_t digits) {
  const int p = t.precision(), sc = t.scale();
  if (digits >= sc) return arrow::decimal128(p, sc);
  const int scale = static_cast<int>(std::max<int64_t>(digits, 0));
  return arrow::decimal128(std::min(38, p - sc + scale + 1), scale);
}

ArrayDataPtr DecimalRound(const ArrayData& a, int64_t digits, DecimalRounding mode,
                          const arrow::TypePtr& out) {
  const int scale = a.type->scale();
  arrow::Decimal128Builder b(out);
  b.Reserve(a.length);
  const Decimal128* x = a.values<Decimal128>();
  const Decimal128 limit = DecimalPow10(out->precision());
  // Digits dropped: beyond 38 every value rounds to 0 (or one unit of
  // 10^38, which no DECIMAL holds).
  const int64_t dropped = digits >= scale ? 0 : scale - digits;
  for (int64_t i = 0; i < a.length; ++i) {
    if (!a.IsValid(i)) {
      b.AppendNull();
      continue;
    }
    if (dropped == 0) {
      b.Append(x[i]);
      continue;
    }
    Decimal128 q = 0, r = x[i];
    if (dropped <= 38) {
      const Decimal128 divisor = DecimalPow10(static_cast<int>(dropped));
      q = x[i] / divisor;
      r = x[i] % divisor;
      switch (mode) {
        case DecimalRounding::kRound: {
          const Decimal128 twice = (r < 0 ? -r : r) * 2;
          if (twice >= divisor) q += x[i] < 0 ? -1 : 1;
          break;
        }
        case DecimalRounding::kFloor:
          if (r < 0) q -= 1;
          break;
        case DecimalRounding::kCeil:
          if (r > 0) q += 1;
          break;
        case DecimalRounding::kTrunc:
          break;
      }
    } else if ((mode == DecimalRounding::kFloor && r < 0) ||
               (mode == DecimalRounding::kCeil && r > 0)) {
      Fail(ErrorKind::kOutOfRange, "Overflow in ROUND of DECIMAL {}: the result exceeds {}",
           arrow::FormatDecimal128(x[i], scale), SqlTypeName(*out));
    }
    // q has scale max(digits, 0) when digits >= 0; below 0 it counts
    // 10^-digits units.
    Decimal128 v = q;
    if (digits < 0 && q != 0) {
      if (-digits > 38 || __builtin_mul_overflow(q, DecimalPow10(static_cast<int>(-digits)), &v)) {
        v = limit;  // out of range below
      }
    }
    if (v >= limit || v <= -limit) {
      Fail(ErrorKind::kOutOfRange, "Overflow in ROUND of DECIMAL {}: the result exceeds {}",
           arrow::FormatDecimal128(x[i], scale), SqlTypeName(*out));
    }
    b.Append(v);
  }
  return b.Finish();
}

}  // namespace llkv::execution
