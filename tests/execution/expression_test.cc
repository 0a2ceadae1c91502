// Scalar values, kernels and expression evaluation: SQL semantics for NULL,
// three-valued logic, overflow, division by zero and conversions.
#include <gtest/gtest.h>

#include <cmath>

#include "execution/expression.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {
namespace {

using arrow::ArrayDataPtr;

ArrayDataPtr Ints(std::vector<std::optional<int64_t>> v) {
  arrow::Int64Builder b(arrow::int64());
  for (auto x : v)
    x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}
ArrayDataPtr Doubles(std::vector<std::optional<double>> v) {
  arrow::DoubleBuilder b(arrow::float64());
  for (auto x : v)
    x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}
ArrayDataPtr Strings(std::vector<std::optional<std::string>> v) {
  arrow::StringBuilder b(arrow::utf8());
  for (const auto& x : v)
    x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}
ArrayDataPtr Bools(std::vector<std::optional<bool>> v) {
  arrow::BooleanBuilder b;
  for (auto x : v)
    x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}

// Values of an array as display strings ("NULL" for null).
std::vector<std::string> Show(const ArrayDataPtr& a) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < a->length; ++i)
    out.push_back(arrow::FormatValue(*a, i));
  return out;
}
using S = std::vector<std::string>;

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(KernelTest, IntegerArithmetic) {
  auto a = Ints({7, -7, 5, std::nullopt, 1});
  auto b = Ints({2, 2, 0, 3, std::nullopt});
  EXPECT_EQ(Show(Arithmetic(ExprOp::kAdd, *a, *b)), (S{"9", "-5", "5", "NULL", "NULL"}));
  EXPECT_EQ(Show(Arithmetic(ExprOp::kDivide, *a, *b)), (S{"3", "-3", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(Show(Arithmetic(ExprOp::kModulo, *a, *b)), (S{"1", "-1", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(Show(Negate(*a)), (S{"-7", "7", "-5", "NULL", "-1"}));
  auto big = Ints({INT64_MAX});
  auto one = Ints({1});
  EXPECT_EQ(ErrorOf([&] { Arithmetic(ExprOp::kAdd, *big, *one); }),
            "Out of Range Error: Overflow in addition of BIGINT (9223372036854775807 + 1)");
  auto min = Ints({INT64_MIN});
  auto minus_one = Ints({-1});
  EXPECT_NE(
      ErrorOf([&] { Arithmetic(ExprOp::kDivide, *min, *minus_one); }).find("Overflow in division"),
      std::string::npos);
  EXPECT_EQ(Show(Arithmetic(ExprOp::kModulo, *min, *minus_one)), (S{"0"}));
  EXPECT_NE(ErrorOf([&] { Negate(*min); }).find("Overflow in negation"), std::string::npos);
  // Mismatched types are the planner's bug, reported rather than misread.
  auto d = Doubles({1.0});
  EXPECT_NE(ErrorOf([&] { Arithmetic(ExprOp::kAdd, *one, *d); }).find("Internal Error"),
            std::string::npos);
}

TEST(KernelTest, FloatArithmeticAndComparisons) {
  auto a = Doubles({1.5, 1.0, NAN, std::nullopt});
  auto b = Doubles({0.5, 0.0, NAN, 1.0});
  EXPECT_EQ(Show(Arithmetic(ExprOp::kMultiply, *a, *b)), (S{"0.75", "0.0", "nan", "NULL"}));
  EXPECT_EQ(Show(Arithmetic(ExprOp::kDivide, *a, *b)), (S{"3.0", "NULL", "nan", "NULL"}));
  EXPECT_EQ(Show(Compare(ExprOp::kEqual, *a, *b)), (S{"false", "false", "true", "NULL"}));
  auto nan = Doubles({NAN});
  auto inf = Doubles({INFINITY});
  EXPECT_EQ(Show(Compare(ExprOp::kGreater, *nan, *inf)), (S{"true"}));
  auto s1 = Strings({"abc", "ab", "", std::nullopt, "é"});
  auto s2 = Strings({"abd", "ab", "a", "x", "z"});
  EXPECT_EQ(Show(Compare(ExprOp::kLess, *s1, *s2)), (S{"true", "false", "true", "NULL", "false"}));
  auto t = Bools({true, false, true});
  auto f = Bools({false, false, true});
  EXPECT_EQ(Show(Compare(ExprOp::kGreater, *t, *f)), (S{"true", "false", "false"}));
}

TEST(KernelTest, ThreeValuedLogic) {
  // Every combination of TRUE, FALSE and NULL.
  auto a = Bools({true, true, true, false, false, false, std::nullopt, std::nullopt, std::nullopt});
  auto b = Bools({true, false, std::nullopt, true, false, std::nullopt, true, false, std::nullopt});
  EXPECT_EQ(Show(Logical(ExprOp::kAnd, *a, *b)),
            (S{"true", "false", "NULL", "false", "false", "false", "NULL", "false", "NULL"}));
  EXPECT_EQ(Show(Logical(ExprOp::kOr, *a, *b)),
            (S{"true", "true", "true", "true", "false", "NULL", "true", "NULL", "NULL"}));
  EXPECT_EQ(Show(Not(*arrow::ArrayData::Slice(a, 5, 4))), (S{"true", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(Show(IsNull(*b, false)),
            (S{"false", "false", "true", "false", "false", "true", "false", "false", "true"}));
}

TEST(CastTest, NumbersTextAndDates) {
  auto text = Strings({"12", " -7 ", "+3", "1e2", "2.5", std::nullopt});
  EXPECT_EQ(Show(Cast(*text, arrow::int32())), (S{"12", "-7", "3", "100", "2", "NULL"}));
  EXPECT_EQ(ErrorOf([&] { Cast(*Strings({"12abc"}), arrow::int64()); }),
            "Conversion Error: Could not convert string '12abc' to BIGINT");
  EXPECT_NE(ErrorOf([&] {
              Cast(*Ints({300}), arrow::int8());
            }).find("out of range for the destination type INT8"),
            std::string::npos);
  // Rounded to the nearest, ties to even (DuckDB's and PostgreSQL's rule).
  EXPECT_EQ(Show(Cast(*Doubles({2.7, -2.7, 0.5, 1.5}), arrow::int64())), (S{"3", "-3", "0", "2"}));
  EXPECT_NE(ErrorOf([&] { Cast(*Doubles({1e300}), arrow::int64()); }).find("Conversion Error"),
            std::string::npos);
  EXPECT_EQ(Show(Cast(*Doubles({1.0, 0.1, -2.5e-7, NAN}), arrow::utf8())),
            (S{"1.0", "0.1", "-2.5e-07", "nan"}));
  EXPECT_EQ(Show(Cast(*Ints({-5, std::nullopt}), arrow::utf8())), (S{"-5", "NULL"}));
  EXPECT_EQ(Show(Cast(*Strings({"2024-02-29", "1970-01-01"}), arrow::date32())),
            (S{"2024-02-29", "1970-01-01"}));
  EXPECT_NE(ErrorOf([&] { Cast(*Strings({"2023-02-29"}), arrow::date32()); }).find("2023-02-29"),
            std::string::npos);
  EXPECT_EQ(Show(Cast(*Strings({"true", "F", "1"}), arrow::boolean())),
            (S{"true", "false", "true"}));
  EXPECT_EQ(Show(Cast(*Ints({12}), arrow::decimal128(5, 2))), (S{"12.00"}));
  // Text converts exactly (1.005 is no DOUBLE) and rounds half away from zero.
  EXPECT_EQ(Show(Cast(*Strings({"1.005", "-3.14159", "-0.125"}), arrow::decimal128(6, 2))),
            (S{"1.01", "-3.14", "-0.13"}));
  EXPECT_NE(ErrorOf([&] { Cast(*Ints({1000}), arrow::decimal128(5, 2)); }).find("Conversion Error"),
            std::string::npos);
  EXPECT_EQ(Show(Cast(*Cast(*Ints({12345}), arrow::decimal128(10, 2)), arrow::float64())),
            (S{"12345.0"}));
}

TEST(EvaluateTest, ExpressionTreeOverABatch) {
  auto schema = std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{
      arrow::field("a", arrow::int32()), arrow::field("b", arrow::int64())});
  arrow::Int32Builder a(arrow::int32());
  a.Append(1);
  a.Append(5);
  a.AppendNull();
  auto batch = arrow::RecordBatch::Make(schema, 3, {a.Finish(), Ints({5, 5, 5})});
  // CAST(a AS BIGINT) + 1 > b OR b IS NULL
  std::vector<BoundExprPtr> sum_args;
  sum_args.push_back(CastTo(ColumnRef(0, arrow::int32()), arrow::int64()));
  sum_args.push_back(Constant(Value::Int64(1)));
  std::vector<BoundExprPtr> gt_args;
  gt_args.push_back(Call(ExprOp::kAdd, arrow::int64(), std::move(sum_args)));
  gt_args.push_back(ColumnRef(1, arrow::int64()));
  std::vector<BoundExprPtr> null_args;
  null_args.push_back(ColumnRef(1, arrow::int64()));
  std::vector<BoundExprPtr> or_args;
  or_args.push_back(Call(ExprOp::kGreater, arrow::boolean(), std::move(gt_args)));
  or_args.push_back(Call(ExprOp::kIsNull, arrow::boolean(), std::move(null_args)));
  auto e = Call(ExprOp::kOr, arrow::boolean(), std::move(or_args));
  EXPECT_EQ(e->ToString(), "(((CAST(#0 AS int64) + 1) > #1) OR (#1 IS NULL))");
  EXPECT_EQ(Show(Evaluate(*e, *batch)), (S{"false", "true", "NULL"}));
  EXPECT_EQ(Value::FromArray(*batch->column(0), 1), Value::Integer(arrow::int32(), 5));
  EXPECT_TRUE(Value::FromArray(*batch->column(0), 2).is_null());
  EXPECT_EQ(Value::String("x").ToString(), "x");
}

}  // namespace
}  // namespace llkv::execution
