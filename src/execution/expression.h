// Bound expressions and their vectorized evaluation over record batches.
//
// The planner produces BoundExpr trees whose operands already have the
// types the operator needs (it inserts casts): arithmetic works on int64,
// float64 or decimal128 of one scale, comparisons on two operands of one
// type. Evaluation produces one array per input batch, with SQL semantics:
//   * NULL propagates through arithmetic and comparisons; AND, OR and NOT
//     follow three-valued logic;
//   * integer arithmetic that overflows int64 is an "Out of Range Error"
//     naming the operation, never a wrap-around;
//   * integer division truncates toward zero; division or modulo by zero
//     yields NULL (SQLite's rule, which DuckDB shares);
//   * text compares bytewise (the binary collation).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "execution/value.h"
#include "llkv/arrow/record_batch.h"

namespace llkv::execution {

enum class ExprOp {
  kConstant,  // value
  kColumn,    // column (index into the input batch)
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kBitAnd,  // int64 only, as are the shifts and kBitNot
  kBitOr,
  kShiftLeft,
  kShiftRight,
  kNegate,
  kBitNot,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kAnd,
  kOr,
  kNot,
  kIsNull,
  kIsNotNull,
  kCast,      // args[0] to `type`
  kTryCast,   // the same, NULL where a value does not convert
  kCase,      // args: when1, then1, when2, then2, ..., [else]; `has_else`
  kCoalesce,  // the first non-null argument
  kAbs,
  kConcat,      // utf8 || utf8 (NULL if either is)
  kLength,      // characters of utf8, bytes of binary
  kLower,       // utf8: letters to lower case (Unicode's simple mappings)
  kUpper,       // utf8: letters to upper case (ß stays: no one-to-one capital)
  kSubstring,   // utf8, int64 start (1-based)[, int64 length], in characters
  kReplace,     // utf8, from, to: every occurrence of `from` replaced
  kTrim,        // utf8[, characters]: both ends (default: spaces)
  kLTrim,       // the start only
  kRTrim,       // the end only
  kStrpos,      // utf8 haystack, needle: 1-based character position, 0 if absent
  kLike,        // args: text, pattern[, escape]: SQL LIKE (case-sensitive)
  kILike,       // the same, ASCII letters matching either case
  kTextToReal,  // utf8 to float64 as SQLite's arithmetic reads text: the
                // longest numeric prefix, 0 if there is none
  kDatePart,    // args: part (a constant text: 'year', 'month', ...), date32 or
                // timestamp: that field of the date, int64
  kFunction,    // a library function (`function`) over args cast as it bound them
  kSubquery,    // subquery (scalar, EXISTS, IN with args[0] the tested value)
  kTry,         // args[0], NULL for each row where it fails with a conversion,
                // range or invalid-input error (DuckDB's try)
};

// The output field metadata key under which a projected column carries its
// collation (BoundExpr::collation), for the queries that read it.
inline constexpr const char* kCollationMetadata = "llkv.collation";

struct BoundExpr;
using BoundExprPtr = std::unique_ptr<BoundExpr>;
class SubqueryRunner;
struct ScalarFunction;

struct BoundExpr {
  ExprOp op = ExprOp::kConstant;
  arrow::TypePtr type;    // the result type
  Value value;            // kConstant
  int column = -1;        // kColumn
  bool has_else = false;  // kCase
  bool negated = false;   // kSubquery: NOT EXISTS, NOT IN
  // kSubquery IN: the tested value is a constant of another kind than the
  // subquery's values (SQLite's 'hello' IN (1, 2)): non-null, equal to none.
  bool incomparable = false;
  std::shared_ptr<SubqueryRunner> subquery;
  const ScalarFunction* function = nullptr;  // kFunction (functions live for the process)
  // A function made for this expression alone (nextval of one database),
  // which `function` then points to.
  std::shared_ptr<const ScalarFunction> owned_function;
  arrow::TypePtr subquery_type;  // kSubquery: the type values are compared or returned in
  std::vector<BoundExprPtr> args;
  // Text only: the collation SQL compares, sorts and groups this value by
  // (canonical, see sql/collation.h; empty: bytewise), and whether COLLATE
  // gave it explicitly. Evaluation ignores both: the planner applies a
  // collation by comparing keys (CollationKey).
  std::string collation;
  bool explicit_collation = false;

  std::string ToString() const;
};

BoundExprPtr Constant(Value v);
BoundExprPtr ColumnRef(int column, arrow::TypePtr type);
BoundExprPtr Call(ExprOp op, arrow::TypePtr type, std::vector<BoundExprPtr> args);
BoundExprPtr CastTo(BoundExprPtr arg, arrow::TypePtr type);
// TRY_CAST: values that do not convert become NULL.
BoundExprPtr TryCastTo(BoundExprPtr arg, arrow::TypePtr type);

// The SQL spelling of a binary operator ("+", "<>", "AND", ...).
const char* OpSymbol(ExprOp op);

// Evaluates `expr` over `input`; the result has input.num_rows() rows.
// Throws llkv::Error for runtime failures (overflow, failed conversions).
arrow::ArrayDataPtr Evaluate(const BoundExpr& expr, const arrow::RecordBatch& input);

// Kernels (arrays of equal length; see the semantics above).
arrow::ArrayDataPtr Arithmetic(ExprOp op, const arrow::ArrayData& a, const arrow::ArrayData& b);
arrow::ArrayDataPtr Negate(const arrow::ArrayData& a);
// Exact DECIMAL + - * % (decimal_kernels.cc): the result is of type `out`;
// a result beyond its precision is an Out of Range error; x % 0 is NULL.
arrow::ArrayDataPtr DecimalArithmetic(ExprOp op, const arrow::ArrayData& a,
                                      const arrow::ArrayData& b, const arrow::TypePtr& out);
arrow::ArrayDataPtr DecimalNegate(const arrow::ArrayData& a);
// 10^n as an unscaled DECIMAL, for 0 <= n <= 38 (a table lookup).
arrow::Decimal128 DecimalPow10(int n);
arrow::ArrayDataPtr DecimalAbs(const arrow::ArrayData& a);
// DECIMAL `a` rounded to `digits` places after the point (negative: tens,
// hundreds, ...) by `mode`, as DECIMAL type `out` (of scale max(digits, 0)
// when digits is below a's scale, else a's own type). A result beyond
// out's precision is an Out of Range error.
enum class DecimalRounding { kRound, kFloor, kCeil, kTrunc };  // kRound: half away from zero
arrow::ArrayDataPtr DecimalRound(const arrow::ArrayData& a, int64_t digits, DecimalRounding mode,
                                 const arrow::TypePtr& out);
// The type DecimalRound gives DECIMAL(p, s) rounded to `digits` places:
// DECIMAL(p, s) itself when digits >= s, else DECIMAL(min(38, p - s +
// max(digits, 0) + 1), max(digits, 0)) (one more digit for a carry).
arrow::TypePtr DecimalRoundType(const arrow::DataType& t, int64_t digits);
arrow::ArrayDataPtr BitNot(const arrow::ArrayData& a);  // int64
arrow::ArrayDataPtr TextToReal(const arrow::ArrayData& a);
arrow::ArrayDataPtr Compare(ExprOp op, const arrow::ArrayData& a, const arrow::ArrayData& b);
// Whether comparison `op` (kEqual ... kGreaterEqual) holds for a three-way
// result `c` (negative, zero, positive).
bool ComparisonHolds(ExprOp op, int c);
arrow::ArrayDataPtr Logical(ExprOp op, const arrow::ArrayData& a, const arrow::ArrayData& b);
arrow::ArrayDataPtr Not(const arrow::ArrayData& a);
arrow::ArrayDataPtr IsNull(const arrow::ArrayData& a, bool negated);
arrow::ArrayDataPtr Abs(const arrow::ArrayData& a);
arrow::ArrayDataPtr Concat(const arrow::ArrayData& a, const arrow::ArrayData& b);  // utf8
arrow::ArrayDataPtr Length(const arrow::ArrayData& a);  // utf8 or binary -> int64
// The text functions kLower ... kStrpos over their evaluated arguments.
arrow::ArrayDataPtr TextFunction(ExprOp op, const std::vector<arrow::ArrayDataPtr>& args);
// text LIKE pattern [ESCAPE escape] (all utf8; `escape` may be null);
// `fold`: ILIKE.
arrow::ArrayDataPtr LikeMatch(const arrow::ArrayData& text, const arrow::ArrayData& pattern,
                              const arrow::ArrayData* escape, bool fold);
// The names date_part accepts, lower-case ("year", "month", "day",
// "quarter", "week", "dow", "isodow", "doy", "decade", "century",
// "millennium", "hour", "minute", "second", "millisecond", "microsecond",
// "epoch", "yearweek"...) and their synonyms: whether `part` is one.
bool IsDatePart(const std::string& part);
// ISO 8601 week number (1-53) and its year of the date `days` since 1970-01-01.
void IsoWeek(int64_t days, int64_t* iso_year, int64_t* week);
// `part` (IsDatePart) of each date32 or timestamp value, as int64.
arrow::ArrayDataPtr DatePart(const std::string& part, const arrow::ArrayData& a);
// Row i of the result is row i of choices[pick[i]], or null where pick[i]
// is -1. Every choice has the result's type.
arrow::ArrayDataPtr Choose(const arrow::TypePtr& type,
                           const std::vector<arrow::ArrayDataPtr>& choices,
                           const std::vector<int>& pick);
// Text as an INTERVAL ("1 year 2 months", "90 days", "04:05:06", ...);
// throws a Conversion Error naming the text otherwise.
arrow::MonthDayNano ParseInterval(std::string_view text);
// Timestamp `t` (microseconds) moved by `sign` (1 or -1) times interval
// `v`: months first (the day clamped to the month's last), then days,
// then time. Throws Out of Range past int64.
int64_t AddInterval(int64_t t, const arrow::MonthDayNano& v, int sign);
// Throws "Conversion Error" naming the value that does not convert.
arrow::ArrayDataPtr Cast(const arrow::ArrayData& a, const arrow::TypePtr& to);
// Cast's LIST and STRUCT conversions (nested_cast.cc).
arrow::ArrayDataPtr CastNested(const arrow::ArrayData& a, const arrow::TypePtr& to);

}  // namespace llkv::execution
