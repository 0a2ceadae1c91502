#include "execution/unnest.h"

#include <fmt/format.h>

#include <algorithm>

#include "llkv/arrow/builder.h"
#include "llkv/arrow/compute.h"

namespace llkv::execution {

namespace {

class Unnest final : public Operator {
 public:
  Unnest(OperatorPtr input, std::vector<BoundExprPtr> lists, std::vector<std::string> names)
      : input_(std::move(input)), lists_(std::move(lists)) {
    std::vector<arrow::FieldPtr> fields = input_->schema()->fields();
    for (size_t k = 0; k < lists_.size(); ++k) {
      const arrow::TypePtr& t = lists_[k]->type;
      fields.push_back(arrow::field(
          names[k], t->id() == arrow::TypeId::kList ? t->value_type() : arrow::null()));
    }
    schema_ = std::make_shared<arrow::Schema>(std::move(fields));
  }

  arrow::SchemaPtr schema() const override { return schema_; }

  ExplainInfo Explain() const override {
    std::string detail;
    for (const auto& l : lists_)
      detail += (detail.empty() ? "" : ", ") + l->ToString();
    // A guess: a few elements per list.
    return {"Unnest", detail, EstimatedRows(*input_) * 3, {input_.get()}};
  }

  arrow::RecordBatchPtr NextBatch() override {
    while (auto batch = input_->Next()) {
      if (auto out = Expand(*batch)) return out;
    }
    return nullptr;
  }

 private:
  // Each input row repeated once per element of its longest list; shorter
  // lists (and NULL ones) padded with NULLs; rows whose lists are all
  // empty or NULL dropped.
  arrow::RecordBatchPtr Expand(const arrow::RecordBatch& batch) {
    std::vector<arrow::ArrayDataPtr> lists;
    for (const auto& l : lists_)
      lists.push_back(Evaluate(*l, batch));
    std::vector<int64_t> take;
    std::vector<std::unique_ptr<arrow::ArrayBuilder>> elements;
    for (size_t k = 0; k < lists.size(); ++k)
      elements.push_back(arrow::MakeBuilder(
          schema_->field(static_cast<int>(batch.num_columns() + static_cast<int>(k)))->type()));
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      int32_t longest = 0;
      for (const auto& l : lists) {
        if (l->type->id() == arrow::TypeId::kList && l->IsValid(row)) {
          longest = std::max(longest, arrow::ListArray(l).value_length(row));
        }
      }
      for (int32_t j = 0; j < longest; ++j) {
        take.push_back(row);
        for (size_t k = 0; k < lists.size(); ++k) {
          const auto& l = lists[k];
          if (l->type->id() != arrow::TypeId::kList || l->IsNull(row)) {
            elements[k]->AppendNull();
            continue;
          }
          const arrow::ListArray list(l);
          if (j < list.value_length(row)) {
            elements[k]->AppendRange(*l->children[0], list.value_offset(row) + j, 1);
          } else {
            elements[k]->AppendNull();
          }
        }
      }
    }
    if (take.empty()) return nullptr;
    std::vector<arrow::ArrayDataPtr> columns;
    for (const auto& c : batch.columns())
      columns.push_back(arrow::Take(*c, take));
    for (auto& b : elements)
      columns.push_back(b->Finish());
    return std::make_shared<arrow::RecordBatch>(schema_, static_cast<int64_t>(take.size()),
                                                std::move(columns));
  }

  OperatorPtr input_;
  std::vector<BoundExprPtr> lists_;
  arrow::SchemaPtr schema_;
};

}  // namespace

OperatorPtr MakeUnnest(OperatorPtr input, std::vector<BoundExprPtr> lists,
                       std::vector<std::string> names) {
  return std::make_unique<Unnest>(std::move(input), std::move(lists), std::move(names));
}

}  // namespace llkv::execution
