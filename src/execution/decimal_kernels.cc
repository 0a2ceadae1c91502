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
