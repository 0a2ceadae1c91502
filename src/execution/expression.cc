#include "execution/expression.h"

#include "execution/scalar_function.h"

#include <fmt/format.h>

#include "common/bit_util.h"
#include "execution/subquery.h"
#include "llkv/arrow/builder.h"
#include "llkv/arrow/compute.h"
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

BoundExprPtr TryCastTo(BoundExprPtr arg, arrow::TypePtr type) {
  if (arg->type->Equals(*type)) return arg;
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(arg));
  return Call(ExprOp::kTryCast, std::move(type), std::move(args));
}

const char* OpSymbol(ExprOp op) {
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
    case ExprOp::kBitAnd:
      return "&";
    case ExprOp::kBitOr:
      return "|";
    case ExprOp::kShiftLeft:
      return "<<";
    case ExprOp::kShiftRight:
      return ">>";
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
    case ExprOp::kConcat:
      return "||";
    default:
      return "?";
  }
}

std::string BoundExpr::ToString() const {
  switch (op) {
    case ExprOp::kConstant:
      return value.ToString();
    case ExprOp::kColumn:
      return fmt::format("#{}", column);
    case ExprOp::kNegate:
      return "(-" + args[0]->ToString() + ")";
    case ExprOp::kBitNot:
      return "(~" + args[0]->ToString() + ")";
    case ExprOp::kNot:
      return "(NOT " + args[0]->ToString() + ")";
    case ExprOp::kIsNull:
      return "(" + args[0]->ToString() + " IS NULL)";
    case ExprOp::kIsNotNull:
      return "(" + args[0]->ToString() + " IS NOT NULL)";
    case ExprOp::kCast:
      return "CAST(" + args[0]->ToString() + " AS " + type->ToString() + ")";
    case ExprOp::kTryCast:
      return "TRY_CAST(" + args[0]->ToString() + " AS " + type->ToString() + ")";
    case ExprOp::kAbs:
      return "abs(" + args[0]->ToString() + ")";
    case ExprOp::kLength:
      return "length(" + args[0]->ToString() + ")";
    case ExprOp::kLower:
    case ExprOp::kUpper:
    case ExprOp::kSubstring:
    case ExprOp::kReplace:
    case ExprOp::kTrim:
    case ExprOp::kLTrim:
    case ExprOp::kRTrim:
    case ExprOp::kStrpos: {
      static const char* kNames[] = {"lower", "upper", "substring", "replace",
                                     "trim",  "ltrim", "rtrim",     "strpos"};
      std::string out = kNames[static_cast<int>(op) - static_cast<int>(ExprOp::kLower)];
      out += "(";
      for (size_t i = 0; i < args.size(); ++i)
        out += (i ? ", " : "") + args[i]->ToString();
      return out + ")";
    }
    case ExprOp::kLike:
    case ExprOp::kILike:
      return "(" + args[0]->ToString() + (op == ExprOp::kLike ? " LIKE " : " ILIKE ") +
             args[1]->ToString() + (args.size() > 2 ? " ESCAPE " + args[2]->ToString() : "") + ")";
    case ExprOp::kTextToReal:
      return "text_to_real(" + args[0]->ToString() + ")";
    case ExprOp::kDatePart:
      return "date_part(" + args[0]->ToString() + ", " + args[1]->ToString() + ")";
    case ExprOp::kFunction: {
      std::string out = function->name + "(";
      for (size_t i = 0; i < args.size(); ++i)
        out += (i ? ", " : "") + args[i]->ToString();
      return out + ")";
    }
    case ExprOp::kSubquery:
      return args.empty() ? "(subquery)" : "(" + args[0]->ToString() + " IN (subquery))";
    case ExprOp::kTry:
      return "try(" + args[0]->ToString() + ")";
    case ExprOp::kCoalesce:
    case ExprOp::kCase: {
      std::string out = op == ExprOp::kCase ? "CASE" : "COALESCE(";
      for (size_t i = 0; i < args.size(); ++i) {
        if (op == ExprOp::kCoalesce) {
          out += (i ? ", " : "") + args[i]->ToString();
        } else if (has_else && i + 1 == args.size()) {
          out += " ELSE " + args[i]->ToString();
        } else {
          out += (i % 2 == 0 ? " WHEN " : " THEN ") + args[i]->ToString();
        }
      }
      return out + (op == ExprOp::kCase ? " END" : ")");
    }
    default:
      return "(" + args[0]->ToString() + " " + OpSymbol(op) + " " + args[1]->ToString() + ")";
  }
}

namespace {

arrow::RecordBatchPtr TakeRows(const arrow::RecordBatch& input, std::span<const int64_t> rows) {
  std::vector<arrow::ArrayDataPtr> columns;
  for (int c = 0; c < input.num_columns(); ++c)
    columns.push_back(arrow::Take(*input.column(c), rows));
  return arrow::RecordBatch::Make(input.schema(), static_cast<int64_t>(rows.size()),
                                  std::move(columns));
}

// CASE over the whole batch: every branch evaluated on every row.
arrow::ArrayDataPtr EvaluateCaseWhole(const BoundExpr& e, const arrow::RecordBatch& input) {
  const int64_t n = input.num_rows();
  const size_t whens = (e.args.size() - (e.has_else ? 1 : 0)) / 2;
  std::vector<arrow::ArrayDataPtr> choices;
  std::vector<int> pick(static_cast<size_t>(n), -1);
  for (size_t w = 0; w < whens; ++w) {
    arrow::ArrayDataPtr cond = Evaluate(*e.args[2 * w], input);
    choices.push_back(Evaluate(*e.args[2 * w + 1], input));
    const uint8_t* bits = cond->buffers[1]->data();
    for (int64_t i = 0; i < n; ++i) {
      auto& p = pick[static_cast<size_t>(i)];
      if (p < 0 && cond->IsValid(i) && bit_util::GetBit(bits, cond->offset + i)) {
        p = static_cast<int>(w);
      }
    }
  }
  if (e.has_else) {
    choices.push_back(Evaluate(*e.args.back(), input));
    for (auto& p : pick) {
      if (p < 0) p = static_cast<int>(whens);
    }
  }
  return Choose(e.type, choices, pick);
}

// CASE branch by branch over only the rows still undecided, so a branch
// never runs on a row that does not take it: CASE WHEN x = 0 THEN 0 ELSE
// 1 / x END must not fail on the rows where x is 0.
arrow::ArrayDataPtr EvaluateCaseByRows(const BoundExpr& e, const arrow::RecordBatch& input) {
  const int64_t n = input.num_rows();
  const size_t whens = (e.args.size() - (e.has_else ? 1 : 0)) / 2;
  std::vector<int64_t> undecided(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    undecided[static_cast<size_t>(i)] = i;
  std::vector<arrow::ArrayDataPtr> choices;
  // Per row: the branch it took (-1: none, NULL) and its place there.
  std::vector<std::pair<int, int64_t>> pick(static_cast<size_t>(n), {-1, 0});
  auto take = [&](const BoundExpr& branch, const std::vector<int64_t>& rows) {
    if (rows.empty()) return;
    choices.push_back(Evaluate(branch, *TakeRows(input, rows)));
    for (size_t k = 0; k < rows.size(); ++k)
      pick[static_cast<size_t>(rows[k])] = {static_cast<int>(choices.size() - 1),
                                            static_cast<int64_t>(k)};
  };
  for (size_t w = 0; w < whens && !undecided.empty(); ++w) {
    arrow::ArrayDataPtr cond = Evaluate(*e.args[2 * w], *TakeRows(input, undecided));
    const uint8_t* bits = cond->buffers[1]->data();
    std::vector<int64_t> yes, no;
    for (size_t k = 0; k < undecided.size(); ++k) {
      const auto i = static_cast<int64_t>(k);
      const bool taken = cond->IsValid(i) && bit_util::GetBit(bits, cond->offset + i);
      (taken ? yes : no).push_back(undecided[k]);
    }
    take(*e.args[2 * w + 1], yes);
    undecided = std::move(no);
  }
  if (e.has_else) take(*e.args.back(), undecided);
  auto b = arrow::MakeBuilder(e.type);
  b->Reserve(n);
  for (const auto& [choice, at] : pick) {
    if (choice < 0) {
      b->AppendNull();
    } else {
      b->AppendRange(*choices[static_cast<size_t>(choice)], at, 1);
    }
  }
  return b->Finish();
}

}  // namespace

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
    case ExprOp::kBitNot:
      return BitNot(*Evaluate(*e.args[0], input));
    case ExprOp::kTextToReal:
      return TextToReal(*Evaluate(*e.args[0], input));
    case ExprOp::kNot:
      return Not(*Evaluate(*e.args[0], input));
    case ExprOp::kIsNull:
      return IsNull(*Evaluate(*e.args[0], input), false);
    case ExprOp::kIsNotNull:
      return IsNull(*Evaluate(*e.args[0], input), true);
    case ExprOp::kCast:
      return Cast(*Evaluate(*e.args[0], input), e.type);
    case ExprOp::kTryCast: {
      arrow::ArrayDataPtr in = Evaluate(*e.args[0], input);
      // A value that does not convert: malformed, or out of the target's
      // range (a cast fails for nothing else).
      auto value_error = [](const Error& err) {
        return err.kind() == ErrorKind::kConversion || err.kind() == ErrorKind::kOutOfRange ||
               err.kind() == ErrorKind::kInvalidInput;
      };
      try {
        return Cast(*in, e.type);
      } catch (const Error& err) {
        if (!value_error(err)) throw;
      }
      // Row by row: NULL where the value does not convert.
      std::vector<int64_t> one(1);
      std::vector<arrow::ArrayDataPtr> parts;
      for (int64_t i = 0; i < in->length; ++i) {
        one[0] = i;
        try {
          parts.push_back(Cast(*arrow::Take(*in, one), e.type));
        } catch (const Error& err) {
          if (!value_error(err)) throw;
          parts.push_back(arrow::MakeNullArray(e.type, 1));
        }
      }
      if (parts.empty()) return arrow::MakeNullArray(e.type, 0);
      return arrow::Concatenate(parts);
    }
    case ExprOp::kAbs:
      return Abs(*Evaluate(*e.args[0], input));
    case ExprOp::kLength:
      return Length(*Evaluate(*e.args[0], input));
    case ExprOp::kLower:
    case ExprOp::kUpper:
    case ExprOp::kSubstring:
    case ExprOp::kReplace:
    case ExprOp::kTrim:
    case ExprOp::kLTrim:
    case ExprOp::kRTrim:
    case ExprOp::kStrpos: {
      std::vector<arrow::ArrayDataPtr> args;
      for (const auto& a : e.args)
        args.push_back(Evaluate(*a, input));
      return TextFunction(e.op, args);
    }
    case ExprOp::kConcat:
      return Concat(*Evaluate(*e.args[0], input), *Evaluate(*e.args[1], input));
    case ExprOp::kDatePart:
      return DatePart(e.args[0]->value.str(), *Evaluate(*e.args[1], input));
    case ExprOp::kFunction: {
      std::vector<arrow::ArrayDataPtr> args;
      for (const auto& a : e.args)
        args.push_back(Evaluate(*a, input));
      return e.function->kernel(args, e.type, input.num_rows());
    }
    case ExprOp::kLike:
    case ExprOp::kILike: {
      arrow::ArrayDataPtr escape = e.args.size() > 2 ? Evaluate(*e.args[2], input) : nullptr;
      return LikeMatch(*Evaluate(*e.args[0], input), *Evaluate(*e.args[1], input), escape.get(),
                       e.op == ExprOp::kILike);
    }
    case ExprOp::kSubquery: {
      arrow::ArrayDataPtr test = e.args.empty() ? nullptr : Evaluate(*e.args[0], input);
      return EvaluateSubquery(*e.subquery, input, test.get(), e.negated, e.subquery_type,
                              e.incomparable);
    }
    case ExprOp::kTry: {
      // The whole batch at once; should it fail, row by row.
      auto caught = [](const Error& err) {
        return err.kind() == ErrorKind::kConversion || err.kind() == ErrorKind::kOutOfRange ||
               err.kind() == ErrorKind::kInvalidInput;
      };
      try {
        return Evaluate(*e.args[0], input);
      } catch (const Error& err) {
        if (!caught(err)) throw;
      }
      auto b = arrow::MakeBuilder(e.type);
      b->Reserve(n);
      for (int64_t i = 0; i < n; ++i) {
        Value v = Value::Null(e.type);
        try {
          const int64_t row[] = {i};
          v = Value::FromArray(*Evaluate(*e.args[0], *TakeRows(input, row)), 0);
        } catch (const Error& err) {
          if (!caught(err)) throw;
        }
        AppendValue(b.get(), v);
      }
      return b->Finish();
    }
    case ExprOp::kCase: {
      // Every branch is evaluated over the whole batch; each row then takes
      // the value of its first TRUE condition. Should a branch fail, the
      // failure may be on rows that do not take it: then branch by branch.
      try {
        return EvaluateCaseWhole(e, input);
      } catch (const Error&) {
        return EvaluateCaseByRows(e, input);
      }
    }
    case ExprOp::kCoalesce: {
      std::vector<arrow::ArrayDataPtr> choices;
      std::vector<int> pick(static_cast<size_t>(n), -1);
      for (size_t a = 0; a < e.args.size(); ++a) {
        choices.push_back(Evaluate(*e.args[a], input));
        for (int64_t i = 0; i < n; ++i) {
          auto& p = pick[static_cast<size_t>(i)];
          if (p < 0 && choices.back()->IsValid(i)) p = static_cast<int>(a);
        }
      }
      return Choose(e.type, choices, pick);
    }
    case ExprOp::kAdd:
    case ExprOp::kSubtract:
    case ExprOp::kMultiply:
    case ExprOp::kDivide:
    case ExprOp::kModulo:
    case ExprOp::kBitAnd:
    case ExprOp::kBitOr:
    case ExprOp::kShiftLeft:
    case ExprOp::kShiftRight:
      if (e.type->id() == arrow::TypeId::kDecimal128) {
        return DecimalArithmetic(e.op, *Evaluate(*e.args[0], input), *Evaluate(*e.args[1], input),
                                 e.type);
      }
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
