// EXPLAIN and EXPLAIN ANALYZE: the operator tree as text, and the per
// operator counters Operator::Next keeps for it.
#include <cmath>

#include <fmt/format.h>

#include "execution/operators.h"

namespace llkv::execution {

arrow::RecordBatchPtr Operator::Next() {
  const auto start = std::chrono::steady_clock::now();
  arrow::RecordBatchPtr batch = NextBatch();
  stats_.time += std::chrono::steady_clock::now() - start;
  if (batch) {
    stats_.rows += static_cast<uint64_t>(batch->num_rows());
    ++stats_.batches;
  }
  return batch;
}

double EstimatedRows(const Operator& op) {
  return op.Explain().estimated_rows;
}

double EstimateSelectivity(const BoundExpr& e) {
  switch (e.op) {
    case ExprOp::kAnd:
      return EstimateSelectivity(*e.args[0]) * EstimateSelectivity(*e.args[1]);
    case ExprOp::kOr:
      return std::min(1.0, EstimateSelectivity(*e.args[0]) + EstimateSelectivity(*e.args[1]));
    case ExprOp::kNot:
      return 1.0 - EstimateSelectivity(*e.args[0]);
    case ExprOp::kEqual:
    case ExprOp::kIsNull:
      return kEqualitySelectivity;
    case ExprOp::kConstant:
      return e.value.is_null() ? 0.0 : 1.0;
    default:
      return kRangeSelectivity;
  }
}

namespace {

void Describe(const Operator& op, bool analyze, int depth, std::vector<std::string>* lines) {
  const ExplainInfo info = op.Explain();
  std::string line(static_cast<size_t>(depth) * 3, ' ');
  if (depth > 0) line.replace(line.size() - 3, 3, "-> ");
  line += info.name;
  if (!info.detail.empty()) line += ": " + info.detail;
  line += fmt::format("  (estimated rows={:.0f}", std::max(0.0, std::round(info.estimated_rows)));
  if (analyze) {
    const OperatorStats& s = op.stats();
    line += fmt::format(", actual rows={}, batches={}, time={:.3f} ms", s.rows, s.batches,
                        std::chrono::duration<double, std::milli>(s.time).count());
  }
  line += ")";
  lines->push_back(std::move(line));
  for (const Operator* child : info.children)
    Describe(*child, analyze, depth + 1, lines);
}

}  // namespace

std::vector<std::string> ExplainPlan(const Operator& root, bool analyze) {
  std::vector<std::string> lines;
  Describe(root, analyze, 0, &lines);
  return lines;
}

}  // namespace llkv::execution
