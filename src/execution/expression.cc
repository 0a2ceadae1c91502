#include "execution/expression.h"

#include <fmt/format.h>

#include "llkv/common/error.h"

namespace llkv::execution {

BoundExprPtr Constant(Value v) {
  auto e = std::make_unique<BoundExpr>();
  e->op = ExprOp::kConstant;
  e->type = v.type();
  e->value = std::move(v);
  return e;
}

BoundExprPtr ColumnRef(int column, arrow::TypePtr type) {
  auto e = std::make_unique<BoundExpr>();
  e->op = ExprOp::kColumn;
  e->type = std::move(type);
  e->column = column;
  return e;
}

BoundExprPtr Call(ExprOp op, arrow::TypePtr type, std::vector<BoundExprPtr> args) {
  auto e = std::make_unique<BoundExpr>();
  e->op = op;
  e->type = std::move(type);
  e->args = std::move(args);
  return e;
}

BoundExprPtr CastTo(BoundExprPtr arg, arrow::TypePtr type) {
  if (arg->type->Equals(*type)) return arg;
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(arg));
  return Call(ExprOp::kCast, std::move(type), std::move(args));
}

namespace {

const char* Symbol(ExprOp op) {
  switch (op) {
    case ExprOp::kAdd:
      return "+";
    case ExprOp::kSubtract:
      return "-";
    case ExprOp::kMultiply:
      return "*";
    case ExprOp::kDivide:
      return "/";
    case ExprOp::kModulo:
      return "%";
    case ExprOp::kEqual:
      return "=";
    case ExprOp::kNotEqual:
      return "<>";
    case ExprOp::kLess:
      return "<";
    case ExprOp::kLessEqual:
      return "<=";
    case ExprOp::kGreater:
      return ">";
    case ExprOp::kGreaterEqual:
      return ">=";
    case ExprOp::kAnd:
      return "AND";
    case ExprOp::kOr:
      return "OR";
    default:
      return "?";
  }
}

}  // namespace

std::string BoundExpr::ToString() const {
  switch (op) {
    case ExprOp::kConstant:
      return value.ToString();
    case ExprOp::kColumn:
      return fmt::format("#{}", column);
    case ExprOp::kNegate:
      return "(-" + args[0]->ToString() + ")";
    case ExprOp::kNot:
      return "(NOT " + args[0]->ToString() + ")";
    case ExprOp::kIsNull:
      return "(" + args[0]->ToString() + " IS NULL)";
    case ExprOp::kIsNotNull:
      return "(" + args[0]->ToString() + " IS NOT NULL)";
    case ExprOp::kCast:
      return "CAST(" + args[0]->ToString() + " AS " + type->ToString() + ")";
    default:
      return "(" + args[0]->ToString() + " " + Symbol(op) + " " + args[1]->ToString() + ")";
  }
}

arrow::ArrayDataPtr Evaluate(const BoundExpr& e, const arrow::RecordBatch& input) {
  const int64_t n = input.num_rows();
  switch (e.op) {
    case ExprOp::kConstant:
      return e.value.ToArray(n);
    case ExprOp::kColumn:
      if (e.column < 0 || e.column >= input.num_columns()) {
        Fail(ErrorKind::kInternal, "column #{} of a batch with {} columns", e.column,
             input.num_columns());
      }
      return input.column(e.column);
    case ExprOp::kNegate:
      return Negate(*Evaluate(*e.args[0], input));
    case ExprOp::kNot:
      return Not(*Evaluate(*e.args[0], input));
    case ExprOp::kIsNull:
      return IsNull(*Evaluate(*e.args[0], input), false);
    case ExprOp::kIsNotNull:
      return IsNull(*Evaluate(*e.args[0], input), true);
    case ExprOp::kCast:
      return Cast(*Evaluate(*e.args[0], input), e.type);
    case ExprOp::kAdd:
    case ExprOp::kSubtract:
    case ExprOp::kMultiply:
    case ExprOp::kDivide:
    case ExprOp::kModulo:
      return Arithmetic(e.op, *Evaluate(*e.args[0], input), *Evaluate(*e.args[1], input));
    case ExprOp::kEqual:
    case ExprOp::kNotEqual:
    case ExprOp::kLess:
    case ExprOp::kLessEqual:
    case ExprOp::kGreater:
    case ExprOp::kGreaterEqual:
      return Compare(e.op, *Evaluate(*e.args[0], input), *Evaluate(*e.args[1], input));
    case ExprOp::kAnd:
    case ExprOp::kOr:
      return Logical(e.op, *Evaluate(*e.args[0], input), *Evaluate(*e.args[1], input));
  }
  Fail(ErrorKind::kInternal, "unknown expression operator {}", static_cast<int>(e.op));
}

}  // namespace llkv::execution
