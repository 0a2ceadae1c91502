#include "execution/lateral_join.h"

#include <absl/container/flat_hash_map.h>

#include <fmt/format.h>

#include "common/bit_util.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"

namespace llkv::execution {

namespace {

class LateralJoin final : public Operator {
 public:
  LateralJoin(OperatorPtr left, std::shared_ptr<SubqueryRunner> runner,
              arrow::SchemaPtr right_schema, JoinKind kind, BoundExprPtr condition)
      : left_(std::move(left)),
        runner_(std::move(runner)),
        right_schema_(std::move(right_schema)),
        kind_(kind),
        condition_(std::move(condition)) {
    if (kind_ != JoinKind::kInner && kind_ != JoinKind::kLeft) {
      Fail(ErrorKind::kBinder, "a LATERAL subquery can only be joined with INNER or LEFT JOIN");
    }
    std::vector<arrow::FieldPtr> fields = left_->schema()->fields();
    for (const auto& f : right_schema_->fields())
      fields.push_back(arrow::field(f->name(), f->type(), true));
    schema_ = std::make_shared<arrow::Schema>(std::move(fields));
  }

  arrow::SchemaPtr schema() const override { return schema_; }

  ExplainInfo Explain() const override {
    std::string detail = kind_ == JoinKind::kLeft ? "LEFT" : "INNER";
    if (condition_) detail += " ON " + condition_->ToString();
    detail += fmt::format(", the subquery planned per distinct value of {} outer column{}",
                          runner_->correlated_columns.size(),
                          runner_->correlated_columns.size() == 1 ? "" : "s");
    return {"LateralJoin", detail, EstimatedRows(*left_), {left_.get()}};
  }

  arrow::RecordBatchPtr NextBatch() override {
    while (auto batch = left_->Next()) {
      if (auto out = Pair(*batch); out && out->num_rows() > 0) return out;
    }
    return nullptr;
  }

 private:
  // The subquery's rows for row `row` of `batch`, as one batch.
  const arrow::RecordBatchPtr& RightRows(const arrow::RecordBatch& batch, int64_t row) {
    std::string key;
    for (int c : runner_->correlated_columns)
      EncodeValueKey(Value::FromArray(*batch.column(c), row), &key);
    auto [it, inserted] = memo_.try_emplace(std::move(key));
    if (!inserted) return it->second;
    std::vector<Value> outer_row;
    for (const auto& c : batch.columns())
      outer_row.push_back(Value::FromArray(*c, row));
    OperatorPtr plan = runner_->Plan(outer_row);
    std::vector<arrow::RecordBatchPtr> parts = Collect(*plan);
    int64_t rows = 0;
    for (const auto& p : parts)
      rows += p->num_rows();
    std::vector<arrow::ArrayDataPtr> columns;
    for (int c = 0; c < right_schema_->num_fields(); ++c) {
      const arrow::TypePtr& type = right_schema_->field(c)->type();
      std::vector<arrow::ArrayDataPtr> pieces;
      for (const auto& p : parts) {
        const auto& col = p->column(c);
        pieces.push_back(col->type->Equals(*type) ? col : Cast(*col, type));
      }
      columns.push_back(pieces.empty() ? arrow::MakeNullArray(type, 0)
                                       : arrow::Concatenate(pieces));
    }
    it->second = arrow::RecordBatch::Make(right_schema_, rows, std::move(columns));
    return it->second;
  }

  arrow::RecordBatchPtr Pair(const arrow::RecordBatch& batch) {
    std::vector<int64_t> left_rows;
    std::vector<std::vector<arrow::ArrayDataPtr>> right_parts(
        static_cast<size_t>(right_schema_->num_fields()));
    for (int64_t i = 0; i < batch.num_rows(); ++i) {
      const arrow::RecordBatchPtr& right = RightRows(batch, i);
      if (right->num_rows() == 0) continue;
      left_rows.insert(left_rows.end(), static_cast<size_t>(right->num_rows()), i);
      for (int c = 0; c < right_schema_->num_fields(); ++c)
        right_parts[static_cast<size_t>(c)].push_back(right->column(c));
    }
    arrow::RecordBatchPtr joined = Assemble(batch, left_rows, right_parts);
    std::vector<bool> matched(static_cast<size_t>(batch.num_rows()), false);
    if (condition_ && joined->num_rows() > 0) {
      const arrow::ArrayDataPtr mask = Evaluate(*condition_, *joined);
      const uint8_t* bits = mask->buffers[1]->data();
      std::vector<int64_t> kept;
      for (int64_t r = 0; r < joined->num_rows(); ++r) {
        if (mask->IsValid(r) && bit_util::GetBit(bits, mask->offset + r)) kept.push_back(r);
      }
      joined = FilterRows(*joined, kept);
      for (int64_t r : kept)
        matched[static_cast<size_t>(left_rows[static_cast<size_t>(r)])] = true;
    } else {
      for (int64_t r : left_rows)
        matched[static_cast<size_t>(r)] = true;
    }
    if (kind_ != JoinKind::kLeft) return joined;
    // Left rows that paired with nothing: once, with NULLs on the right.
    std::vector<int64_t> unmatched;
    for (size_t i = 0; i < matched.size(); ++i) {
      if (!matched[i]) unmatched.push_back(static_cast<int64_t>(i));
    }
    if (unmatched.empty()) return joined;
    std::vector<std::vector<arrow::ArrayDataPtr>> nulls(right_parts.size());
    for (int c = 0; c < right_schema_->num_fields(); ++c) {
      nulls[static_cast<size_t>(c)].push_back(arrow::MakeNullArray(
          right_schema_->field(c)->type(), static_cast<int64_t>(unmatched.size())));
    }
    arrow::RecordBatchPtr padded = Assemble(batch, unmatched, nulls);
    if (joined->num_rows() == 0) return padded;
    std::vector<arrow::ArrayDataPtr> columns;
    for (int c = 0; c < schema_->num_fields(); ++c) {
      const std::vector<arrow::ArrayDataPtr> both{joined->column(c), padded->column(c)};
      columns.push_back(arrow::Concatenate(both));
    }
    return arrow::RecordBatch::Make(schema_, joined->num_rows() + padded->num_rows(),
                                    std::move(columns));
  }

  // Rows `left_rows` of `batch` beside the concatenated right columns.
  arrow::RecordBatchPtr Assemble(const arrow::RecordBatch& batch,
                                 const std::vector<int64_t>& left_rows,
                                 const std::vector<std::vector<arrow::ArrayDataPtr>>& right) {
    std::vector<arrow::ArrayDataPtr> columns;
    for (const auto& c : batch.columns())
      columns.push_back(arrow::Take(*c, left_rows));
    for (int c = 0; c < right_schema_->num_fields(); ++c) {
      const auto& parts = right[static_cast<size_t>(c)];
      columns.push_back(parts.empty() ? arrow::MakeNullArray(right_schema_->field(c)->type(), 0)
                                      : arrow::Concatenate(parts));
    }
    return arrow::RecordBatch::Make(schema_, static_cast<int64_t>(left_rows.size()),
                                    std::move(columns));
  }

  arrow::RecordBatchPtr FilterRows(const arrow::RecordBatch& b, const std::vector<int64_t>& rows) {
    std::vector<arrow::ArrayDataPtr> columns;
    for (const auto& c : b.columns())
      columns.push_back(arrow::Take(*c, rows));
    return arrow::RecordBatch::Make(schema_, static_cast<int64_t>(rows.size()), std::move(columns));
  }

  OperatorPtr left_;
  std::shared_ptr<SubqueryRunner> runner_;
  arrow::SchemaPtr right_schema_;
  JoinKind kind_;
  BoundExprPtr condition_;
  arrow::SchemaPtr schema_;
  absl::flat_hash_map<std::string, arrow::RecordBatchPtr> memo_;
};

}  // namespace

OperatorPtr MakeLateralJoin(OperatorPtr left, std::shared_ptr<SubqueryRunner> runner,
                            arrow::SchemaPtr right_schema, JoinKind kind, BoundExprPtr condition) {
  return std::make_unique<LateralJoin>(std::move(left), std::move(runner), std::move(right_schema),
                                       kind, std::move(condition));
}

}  // namespace llkv::execution
