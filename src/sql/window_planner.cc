// Window function calls: the OVER clause resolved against the query's
// WINDOW clause and bound to an execution::WindowFunctionSpec.
#include <fmt/format.h>

#include <algorithm>

#include "execution/window.h"
#include "llkv/common/error.h"
#include "sql/binder.h"
#include "sql/collation.h"
#include "sql/planner_internal.h"
#include "sql/settings.h"

namespace llkv::sql::plan {

namespace {

using execution::WindowFrame;
using execution::WindowFunc;

const WindowSpec* NamedWindow(const SelectStmt& q, const std::string& name) {
  for (const auto& [n, spec] : q.windows) {
    if (EqualsIgnoreCase(n, name)) return &spec;
  }
  Fail(ErrorKind::kBinder, "window \"{}\" does not exist", name);
}

// The window's partition, order and frame, a named window's filling in
// what the call leaves out (PostgreSQL's rules: a call may add ORDER BY and
// a frame to a named window, not replace its PARTITION BY).
struct ResolvedWindow {
  const ExprList* partition_by;
  const std::vector<OrderItem>* order_by;
  const WindowSpec* frame;  // the spec whose frame applies
};

ResolvedWindow Resolve(const SelectStmt& q, const WindowSpec& w, int depth = 0) {
  if (w.ref_name.empty()) return {&w.partition_by, &w.order_by, &w};
  if (depth > 16) Fail(ErrorKind::kBinder, "windows refer to each other in a cycle");
  const ResolvedWindow base = Resolve(q, *NamedWindow(q, w.ref_name), depth + 1);
  // OVER (w ...) copies w, which SQL allows only without a frame clause
  // (PostgreSQL, DuckDB); OVER w uses it as it is.
  if (w.copies_ref && base.frame != nullptr && base.frame->has_frame) {
    Fail(ErrorKind::kBinder, "Cannot copy window \"{}\" because it has a frame clause", w.ref_name);
  }
  if (!w.partition_by.empty() && !base.partition_by->empty()) {
    Fail(ErrorKind::kBinder, "Cannot override PARTITION BY clause of window \"{}\"", w.ref_name);
  }
  if (!w.order_by.empty() && !base.order_by->empty()) {
    Fail(ErrorKind::kBinder, "Cannot override ORDER BY clause of window \"{}\"", w.ref_name);
  }
  ResolvedWindow out = base;
  if (!w.partition_by.empty()) out.partition_by = &w.partition_by;
  if (!w.order_by.empty()) out.order_by = &w.order_by;
  if (w.has_frame) out.frame = &w;
  return out;
}

WindowFrame::Bound BoundOf(FrameBoundKind k) {
  switch (k) {
    case FrameBoundKind::kUnboundedPreceding:
      return WindowFrame::Bound::kUnboundedPreceding;
    case FrameBoundKind::kPreceding:
      return WindowFrame::Bound::kPreceding;
    case FrameBoundKind::kCurrentRow:
      return WindowFrame::Bound::kCurrentRow;
    case FrameBoundKind::kFollowing:
      return WindowFrame::Bound::kFollowing;
    case FrameBoundKind::kUnboundedFollowing:
      return WindowFrame::Bound::kUnboundedFollowing;
  }
  return WindowFrame::Bound::kCurrentRow;
}

double OffsetValue(const Expr& offset) {
  const Value v = EvaluateConstant(offset);
  if (v.is_null() || !(v.type()->is_integer() || v.type()->is_floating() ||
                       v.type()->id() == arrow::TypeId::kDecimal128)) {
    Fail(ErrorKind::kBinder, "a frame offset must be a non-negative number, not {}", v.ToString());
  }
  const double d = v.type()->is_integer()    ? static_cast<double>(v.int64())
                   : v.type()->is_floating() ? v.float64()
                                             : std::stod(v.ToString());
  if (d < 0) Fail(ErrorKind::kBinder, "frame starting or ending offset must be non-negative");
  return d;
}

double FrameOffset(const FrameBound& b) {
  if (b.kind != FrameBoundKind::kPreceding && b.kind != FrameBoundKind::kFollowing) return 0;
  return OffsetValue(*b.offset);
}

}  // namespace

execution::WindowFunctionSpec BindWindowCall(const Expr& call, const SelectStmt& q,
                                             Binder& binder) {
  execution::WindowFunctionSpec spec;
  spec.name = call.ToString();
  std::string name = Lower(call.names.back());
  const ResolvedWindow w = Resolve(q, *call.window);
  for (const auto& p : *w.partition_by)
    spec.partition_by.push_back(SortKeyOf(binder.Bind(*p)));
  for (const auto& o : *w.order_by) {
    if (o.all) Fail(ErrorKind::kBinder, "ORDER BY ALL is not allowed in a window");
    spec.order_by.push_back(BindSortKey(o, binder));
  }
  if (w.frame->has_frame) {
    const WindowSpec& f = *w.frame;
    WindowFrame frame;
    frame.mode = f.mode == FrameMode::kRows    ? WindowFrame::Mode::kRows
                 : f.mode == FrameMode::kRange ? WindowFrame::Mode::kRange
                                               : WindowFrame::Mode::kGroups;
    if (f.start.kind == FrameBoundKind::kUnboundedFollowing) {
      Fail(ErrorKind::kParser, "frame start cannot be UNBOUNDED FOLLOWING");
    }
    if (f.end.kind == FrameBoundKind::kUnboundedPreceding) {
      Fail(ErrorKind::kParser, "frame end cannot be UNBOUNDED PRECEDING");
    }
    frame.start = BoundOf(f.start.kind);
    frame.end = BoundOf(f.end.kind);
    // An offset that reads columns varies by row; a constant one is folded.
    auto per_row = [&](const FrameBound& b) -> std::shared_ptr<const execution::BoundExpr> {
      if ((b.kind != FrameBoundKind::kPreceding && b.kind != FrameBoundKind::kFollowing) ||
          !b.offset) {
        return nullptr;
      }
      std::vector<const Expr*> columns;
      CollectBareColumns(*b.offset, &columns);
      if (columns.empty()) return nullptr;
      BoundExprPtr bound = binder.Bind(*b.offset);
      if (!IsNumeric(*bound->type) && !IsNull(*bound->type)) {
        Fail(ErrorKind::kBinder, "a frame offset must be a number, not {}",
             execution::SqlTypeName(*bound->type));
      }
      return std::shared_ptr<const execution::BoundExpr>(std::move(bound));
    };
    frame.start_expr = per_row(f.start);
    frame.end_expr = per_row(f.end);
    // RANGE offsets that are intervals, over a DATE or TIMESTAMP key.
    auto interval = [&](const FrameBound& b) -> std::optional<arrow::MonthDayNano> {
      if ((b.kind != FrameBoundKind::kPreceding && b.kind != FrameBoundKind::kFollowing) ||
          !b.offset) {
        return std::nullopt;
      }
      std::vector<const Expr*> columns;
      CollectBareColumns(*b.offset, &columns);
      const Expr& o = *b.offset;
      const bool marker = o.kind == ExprKind::kFunction && o.names.size() == 1 &&
                          o.names[0] == "__llkv_preceding";  // see below
      if (!columns.empty() || marker) return std::nullopt;
      const Value v = EvaluateConstant(*b.offset);
      if (v.is_null() || v.type()->id() != arrow::TypeId::kIntervalMonthDayNano)
        return std::nullopt;
      const arrow::TypeId key =
          spec.order_by.size() == 1 ? spec.order_by[0].expr->type->id() : arrow::TypeId::kNull;
      if (frame.mode != WindowFrame::Mode::kRange ||
          (key != arrow::TypeId::kDate32 && key != arrow::TypeId::kTimestamp)) {
        Fail(ErrorKind::kBinder,
             "an INTERVAL frame offset needs RANGE and one DATE or TIMESTAMP ORDER BY key");
      }
      const arrow::MonthDayNano iv = v.interval();
      if (iv.months < 0 || iv.days < 0 || iv.nanoseconds < 0) {
        Fail(ErrorKind::kOutOfRange, "Invalid RANGE {} value: {} is negative",
             b.kind == FrameBoundKind::kPreceding ? "PRECEDING" : "FOLLOWING", v.ToString());
      }
      return iv;
    };
    frame.start_interval = interval(f.start);
    frame.end_interval = interval(f.end);
    frame.start_offset = frame.start_expr || frame.start_interval ? 0 : FrameOffset(f.start);
    // n PRECEDING after an n FOLLOWING start, as the dialect rewriter
    // passes it: "__llkv_preceding"(n) FOLLOWING (an empty frame).
    const Expr* end_offset = f.end.offset.get();
    if (f.end.kind == FrameBoundKind::kFollowing && end_offset != nullptr &&
        end_offset->kind == ExprKind::kFunction && end_offset->names.size() == 1 &&
        end_offset->names[0] == "__llkv_preceding" && end_offset->args.size() == 1) {
      frame.end = WindowFrame::Bound::kPreceding;
      frame.end_offset = OffsetValue(*end_offset->args[0]);
    } else if (!frame.end_expr && !frame.end_interval) {
      frame.end_offset = FrameOffset(f.end);
    }
    frame.exclude = f.exclude == FrameExclude::kCurrentRow ? WindowFrame::Exclude::kCurrentRow
                    : f.exclude == FrameExclude::kGroup    ? WindowFrame::Exclude::kGroup
                    : f.exclude == FrameExclude::kTies     ? WindowFrame::Exclude::kTies
                                                           : WindowFrame::Exclude::kNoOthers;
    if (frame.mode != WindowFrame::Mode::kRows && spec.order_by.empty() &&
        (f.start.kind == FrameBoundKind::kPreceding || f.start.kind == FrameBoundKind::kFollowing ||
         f.end.kind == FrameBoundKind::kPreceding || f.end.kind == FrameBoundKind::kFollowing)) {
      Fail(ErrorKind::kBinder, "RANGE and GROUPS frames with an offset need an ORDER BY");
    }
    spec.frame = frame;
  }
  // IGNORE NULLS, which the dialect rewriter passes as a last argument
  // "__llkv_ignore_nulls"().
  // lag / lead name their parameters (col, offset, default): named
  // arguments go to their positions.
  std::vector<const Expr*> named(3, nullptr);
  const bool offset_function = name == "lag" || name == "lead";
  if (!call.arg_names.empty()) {
    if (!offset_function) RefuseNamedArguments(call, name);
    std::vector<const Expr*> positional;
    for (size_t i = 0; i < call.args.size(); ++i) {
      const std::string arg_name = i < call.arg_names.size() ? Lower(call.arg_names[i]) : "";
      if (arg_name.empty()) {
        positional.push_back(call.args[i].get());
        continue;
      }
      const int slot = arg_name == "col"       ? 0
                       : arg_name == "offset"  ? 1
                       : arg_name == "default" ? 2
                                               : -1;
      if (slot < 0 || named[static_cast<size_t>(slot)] != nullptr) {
        Fail(ErrorKind::kBinder, "{}() has no parameter named \"{}\" (or it is given twice)", name,
             arg_name);
      }
      named[static_cast<size_t>(slot)] = call.args[i].get();
    }
    size_t next = 0;
    for (auto& slot : named) {
      if (slot == nullptr && next < positional.size()) slot = positional[next++];
    }
    if (next < positional.size())
      Fail(ErrorKind::kBinder,
           "No function matches the given name and argument types: {}() takes 1 to 3 arguments",
           name);
    if (named[0] == nullptr) Fail(ErrorKind::kBinder, "{}() needs its col argument", name);
    if (named[2] != nullptr && named[1] == nullptr) {
      static const Expr kOne = [] {
        Expr one;
        one.kind = ExprKind::kLiteral;
        one.literal_kind = LiteralKind::kInteger;
        one.int_value = 1;
        one.text = "1";
        return one;
      }();
      named[1] = &kOne;  // the default offset
    }
    while (named.back() == nullptr)
      named.pop_back();
  }
  std::vector<const Expr*> call_args;
  if (!call.arg_names.empty()) call_args = named;
  for (const auto& a : call.args) {
    if (!call.arg_names.empty()) break;
    // f(ORDER BY k) reaches here as f("__llkv_no_args"() ORDER BY k).
    if (a->kind == ExprKind::kFunction && a->names.size() == 1 && a->names[0] == "__llkv_no_args") {
      continue;
    }
    call_args.push_back(a.get());
  }
  if (!call_args.empty() && call_args.back()->kind == ExprKind::kFunction &&
      call_args.back()->names.size() == 1 && call_args.back()->names[0] == "__llkv_ignore_nulls") {
    call_args.pop_back();
    spec.ignore_nulls = true;
    // first / last skipping NULLs over a frame are first_value / last_value.
    if (name == "first" || name == "last") name += "_value";
    if (name != "lag" && name != "lead" && name != "first_value" && name != "last_value" &&
        name != "nth_value") {
      Fail(ErrorKind::kBinder,
           "IGNORE NULLS is only allowed on lag, lead, first_value, "
           "last_value and nth_value, not {}()",
           name);
    }
  }
  // f(... ORDER BY k) OVER (...): the function reads its frame in the
  // order of k (DuckDB's secondary ordering).
  for (const auto& o : call.order_by) {
    if (o.all) Fail(ErrorKind::kBinder, "ORDER BY ALL is not allowed in a window function");
    // f(x ORDER BY k IGNORE NULLS) reaches here as f(x ORDER BY k,
    // "__llkv_ignore_nulls"()).
    if (&o == &call.order_by.back() && o.expr->kind == ExprKind::kFunction &&
        o.expr->names.size() == 1 && o.expr->names[0] == "__llkv_ignore_nulls") {
      spec.ignore_nulls = true;
      continue;
    }
    spec.arg_order.push_back(BindSortKey(o, binder));
  }
  // Framed ranking and offset functions place the current row within its
  // frame: an EXCLUDE that might remove it is refused (as DuckDB does).
  static const char* kPlacing[] = {"row_number", "rank",  "dense_rank", "percent_rank",
                                   "cume_dist",  "ntile", "lag",        "lead"};
  if (!spec.arg_order.empty() && spec.frame &&
      spec.frame->exclude != WindowFrame::Exclude::kNoOthers &&
      std::any_of(std::begin(kPlacing), std::end(kPlacing),
                  [&](const char* f) { return name == f; })) {
    Fail(ErrorKind::kBinder, "EXCLUDE is not supported for the window function {}", name);
  }
  auto args = [&](size_t lo, size_t hi) {
    if (call.filter) {
      Fail(ErrorKind::kBinder, "FILTER is only allowed on aggregate window functions, not {}()",
           name);
    }
    if (call_args.size() < lo || call_args.size() > hi || call.star_arg) {
      Fail(ErrorKind::kBinder,
           "No function matches the given name and argument types: {}() takes {} argument{}", name,
           lo == hi ? std::to_string(lo) : fmt::format("{} to {}", lo, hi), hi == 1 ? "" : "s");
    }
    for (const Expr* a : call_args)
      spec.args.push_back(binder.Bind(*a));
  };
  static const std::pair<const char*, WindowFunc> kRanking[] = {
      {"row_number", WindowFunc::kRowNumber}, {"rank", WindowFunc::kRank},
      {"dense_rank", WindowFunc::kDenseRank}, {"percent_rank", WindowFunc::kPercentRank},
      {"cume_dist", WindowFunc::kCumeDist},   {"rank_dense", WindowFunc::kDenseRank}};
  for (const auto& [n, f] : kRanking) {
    if (name != n) continue;
    args(0, 0);
    spec.func = f;
    spec.type = (f == WindowFunc::kPercentRank || f == WindowFunc::kCumeDist) ? arrow::float64()
                                                                              : arrow::int64();
    return spec;
  }
  if (name == "ntile") {
    args(1, 1);
    spec.func = WindowFunc::kNtile;
    spec.args[0] = execution::CastTo(std::move(spec.args[0]), arrow::int64());
    spec.type = arrow::int64();
    return spec;
  }
  if (name == "lag" || name == "lead") {
    args(1, 3);
    spec.func = name == "lag" ? WindowFunc::kLag : WindowFunc::kLead;
    std::vector<arrow::TypePtr> types{spec.args[0]->type};
    if (spec.args.size() > 2) types.push_back(spec.args[2]->type);
    spec.type = Binder::CommonTypeOf(types);
    if (IsNull(*spec.type)) spec.type = arrow::int64();
    if (spec.args.size() > 1)
      spec.args[1] = execution::CastTo(std::move(spec.args[1]), arrow::int64());
    return spec;
  }
  if (name == "first_value" || name == "last_value" || name == "nth_value") {
    args(name == "nth_value" ? 2 : 1, name == "nth_value" ? 2 : 1);
    spec.func = name == "first_value"  ? WindowFunc::kFirstValue
                : name == "last_value" ? WindowFunc::kLastValue
                                       : WindowFunc::kNthValue;
    spec.type = IsNull(*spec.args[0]->type) ? arrow::int64() : spec.args[0]->type;
    if (spec.args.size() > 1)
      spec.args[1] = execution::CastTo(std::move(spec.args[1]), arrow::int64());
    return spec;
  }
  // Aggregates over the frame.
  if (!IsAggregateName(name, call.args.size())) {
    Fail(ErrorKind::kCatalog, "{}() is not a window function or aggregate", name);
  }
  spec.func = WindowFunc::kAggregate;
  spec.aggregate = BindAggregate(call, binder);
  // The frame is fed to the aggregate in the argument order (spec.arg_order).
  spec.aggregate.order_by.clear();

  spec.type = execution::AggregateType(spec.aggregate);
  if (spec.aggregate.arg) spec.args.push_back(std::move(spec.aggregate.arg));
  if (spec.aggregate.arg2) spec.args.push_back(std::move(spec.aggregate.arg2));
  return spec;
}

}  // namespace llkv::sql::plan
