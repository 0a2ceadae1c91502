#include "execution/set_operation.h"

#include <absl/container/flat_hash_map.h>

#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"

namespace llkv::execution {

namespace {

class SetOperation final : public Operator {
 public:
  SetOperation(SetOperationKind kind, bool all, OperatorPtr left, OperatorPtr right,
               std::vector<int> compare, int output)
      : kind_(kind),
        all_(all),
        left_(std::move(left)),
        right_(std::move(right)),
        compare_(std::move(compare)) {
    const auto& l = *left_->schema();
    const auto& r = *right_->schema();
    if (l.num_fields() != r.num_fields()) {
      Fail(ErrorKind::kBinder,
           "Set operations can only apply to expressions with the same number "
           "of result columns ({} and {})",
           l.num_fields(), r.num_fields());
    }
    for (int i = 0; i < l.num_fields(); ++i) {
      if (!l.field(i)->type()->Equals(*r.field(i)->type())) {
        Fail(ErrorKind::kInternal, "set operation column {} has types {} and {}", i,
             l.field(i)->type()->ToString(), r.field(i)->type()->ToString());
      }
    }
    if (compare_.empty()) {
      for (int i = 0; i < l.num_fields(); ++i)
        compare_.push_back(i);
    }
    output_ = output < 0 ? l.num_fields() : output;
    std::vector<arrow::FieldPtr> fields;
    for (int i = 0; i < output_; ++i)
      fields.push_back(
          arrow::field(l.field(i)->name(), l.field(i)->type(), true, l.field(i)->metadata()));
    schema_ = std::make_shared<arrow::Schema>(std::move(fields));
  }

  arrow::SchemaPtr schema() const override { return schema_; }

  ExplainInfo Explain() const override {
    static const char* kNames[] = {"Union", "Intersect", "Except"};
    const double left = EstimatedRows(*left_), right = EstimatedRows(*right_);
    double rows = kind_ == SetOperationKind::kUnion       ? left + right
                  : kind_ == SetOperationKind::kIntersect ? std::min(left, right)
                                                          : left;
    return {kNames[static_cast<int>(kind_)],
            all_ ? "ALL" : "DISTINCT",
            rows,
            {left_.get(), right_.get()}};
  }

  arrow::RecordBatchPtr NextBatch() override {
    if (kind_ == SetOperationKind::kUnion) return NextUnion();
    if (!built_) {
      built_ = true;
      // Multiplicity of each right row.
      while (auto b = right_->Next()) {
        for (int64_t i = 0; i < b->num_rows(); ++i)
          ++right_counts_[RowKey(*b, i)];
      }
    }
    while (auto b = left_->Next()) {
      std::vector<int64_t> keep;
      for (int64_t i = 0; i < b->num_rows(); ++i) {
        const std::string key = RowKey(*b, i);
        const int64_t seen = seen_[key]++;
        auto it = right_counts_.find(key);
        const int64_t in_right = it == right_counts_.end() ? 0 : it->second;
        bool emit;
        if (kind_ == SetOperationKind::kIntersect) {
          emit = all_ ? seen < in_right : seen == 0 && in_right > 0;
        } else {
          emit = all_ ? seen >= in_right : seen == 0 && in_right == 0;
        }
        if (emit) keep.push_back(i);
      }
      if (!keep.empty()) return Take(*b, keep);
    }
    return nullptr;
  }

 private:
  std::string RowKey(const arrow::RecordBatch& b, int64_t row) const {
    std::string key;
    for (int c : compare_)
      EncodeValueKey(Value::FromArray(*b.column(c), row), &key);
    return key;
  }

  arrow::RecordBatchPtr Take(const arrow::RecordBatch& b, const std::vector<int64_t>& rows) const {
    std::vector<arrow::ArrayDataPtr> columns;
    for (int c = 0; c < output_; ++c)
      columns.push_back(arrow::Take(*b.column(c), rows));
    return std::make_shared<arrow::RecordBatch>(schema_, static_cast<int64_t>(rows.size()),
                                                std::move(columns));
  }

  arrow::RecordBatchPtr NextUnion() {
    while (true) {
      arrow::RecordBatchPtr b = left_done_ ? right_->Next() : left_->Next();
      if (!b) {
        if (left_done_) return nullptr;
        left_done_ = true;
        continue;
      }
      std::vector<int64_t> keep;
      for (int64_t i = 0; i < b->num_rows(); ++i) {
        if (all_ || seen_[RowKey(*b, i)]++ == 0) keep.push_back(i);
      }
      if (!keep.empty()) return Take(*b, keep);
    }
  }

  SetOperationKind kind_;
  bool all_;
  OperatorPtr left_, right_;
  std::vector<int> compare_;  // the columns rows compare by
  int output_;                // the leading columns returned
  arrow::SchemaPtr schema_;
  bool built_ = false;
  bool left_done_ = false;
  absl::flat_hash_map<std::string, int64_t> right_counts_;
  absl::flat_hash_map<std::string, int64_t> seen_;
};

}  // namespace

OperatorPtr MakeSetOperation(SetOperationKind kind, bool all, OperatorPtr left, OperatorPtr right,
                             std::vector<int> compare, int output) {
  return std::make_unique<SetOperation>(kind, all, std::move(left), std::move(right),
                                        std::move(compare), output);
}

}  // namespace llkv::execution
