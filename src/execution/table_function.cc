#include "execution/table_function.h"

#include <fmt/format.h>
#include "llkv/arrow/builder.h"

#include "llkv/common/error.h"

namespace llkv::execution {

namespace {

class IntegerSeries final : public Operator {
 public:
  IntegerSeries(std::string name, int64_t start, int64_t stop, int64_t step, bool inclusive)
      : schema_(std::make_shared<arrow::Schema>(
            std::vector<arrow::FieldPtr>{arrow::field(std::move(name), arrow::int64(), false)})),
        next_(start),
        stop_(stop),
        step_(step),
        inclusive_(inclusive) {
    if (step == 0) Fail(ErrorKind::kInvalidInput, "the step of a series cannot be 0");
  }

  arrow::SchemaPtr schema() const override { return schema_; }

  ExplainInfo Explain() const override {
    // The count of values, computed without overflow in long double.
    const long double span = (static_cast<long double>(stop_) - next_) / step_;
    const double rows = span < 0 ? 0.0 : static_cast<double>(span) + (inclusive_ ? 1 : 0);
    return {"Series", fmt::format("{} to {} step {}", next_, stop_, step_), rows, {}};
  }

  arrow::RecordBatchPtr NextBatch() override {
    constexpr int64_t kBatchRows = 2048;
    arrow::Int64Builder values(arrow::int64());
    values.Reserve(kBatchRows);
    int64_t rows = 0;
    while (!done_ && rows < kBatchRows && InRange(next_)) {
      values.Append(next_);
      ++rows;
      // The value after the last one may not fit in 64 bits: stop there.
      if (__builtin_add_overflow(next_, step_, &next_)) done_ = true;
    }
    if (rows == 0) {
      done_ = true;
      return nullptr;
    }
    return arrow::RecordBatch::Make(schema_, rows, {values.Finish()});
  }

 private:
  bool InRange(int64_t v) const {
    if (step_ > 0) return inclusive_ ? v <= stop_ : v < stop_;
    return inclusive_ ? v >= stop_ : v > stop_;
  }

  arrow::SchemaPtr schema_;
  int64_t next_, stop_, step_;
  bool inclusive_;
  bool done_ = false;
};

}  // namespace

OperatorPtr MakeIntegerSeries(std::string name, int64_t start, int64_t stop, int64_t step,
                              bool inclusive) {
  return std::make_unique<IntegerSeries>(std::move(name), start, stop, step, inclusive);
}

}  // namespace llkv::execution
