#include "execution/aggregate.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cmath>
#include <cstring>

#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::execution {

using arrow::ArrayDataPtr;
using arrow::TypeId;

arrow::TypePtr AggregateType(AggKind kind, const arrow::TypePtr& arg_type) {
  switch (kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
      return arrow::int64();
    case AggKind::kSum:
      return arg_type->is_integer() ? arrow::int64() : arrow::float64();
    case AggKind::kAvg:
    case AggKind::kTotal:
      return arrow::float64();
    case AggKind::kMin:
    case AggKind::kMax:
    case AggKind::kAnyValue:
      return arg_type;
    case AggKind::kGroupConcat:
      return arrow::utf8();
  }
  return arrow::null();
}

namespace {

struct AggState {
  int64_t count = 0;
  int64_t int_sum = 0;
  double double_sum = 0;
  Value best;  // min/max
  std::string text;
  absl::flat_hash_set<std::string> seen;  // DISTINCT
};

class HashAggregate final : public Operator {
 public:
  HashAggregate(OperatorPtr input, std::vector<BoundExprPtr> keys,
                std::vector<std::string> key_names, std::vector<AggregateSpec> aggs)
      : input_(std::move(input)), keys_(std::move(keys)), aggs_(std::move(aggs)) {
    std::vector<arrow::FieldPtr> fields;
    for (size_t k = 0; k < keys_.size(); ++k)
      fields.push_back(arrow::field(key_names[k], keys_[k]->type));
    for (const auto& a : aggs_) {
      fields.push_back(arrow::field(a.name, AggregateType(a.kind, a.arg ? a.arg->type : nullptr)));
    }
    schema_ = std::make_shared<arrow::Schema>(std::move(fields));
  }

  arrow::SchemaPtr schema() const override { return schema_; }

  arrow::RecordBatchPtr Next() override {
    if (done_) return nullptr;
    done_ = true;
    while (auto batch = input_->Next())
      Consume(*batch);
    if (keys_.empty() && groups_.empty()) NewGroup({});
    return Finish();
  }

 private:
  size_t NewGroup(std::vector<Value> key) {
    group_keys_.push_back(std::move(key));
    states_.emplace_back(aggs_.size());
    return group_keys_.size() - 1;
  }

  void Consume(const arrow::RecordBatch& batch) {
    std::vector<ArrayDataPtr> key_cols, arg_cols;
    for (const auto& k : keys_)
      key_cols.push_back(Evaluate(*k, batch));
    for (const auto& a : aggs_)
      arg_cols.push_back(a.arg ? Evaluate(*a.arg, batch) : nullptr);
    std::string encoded;
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      encoded.clear();
      for (const auto& c : key_cols)
        EncodeValueKey(Value::FromArray(*c, row), &encoded);
      auto [it, inserted] = groups_.try_emplace(encoded, 0);
      if (inserted) {
        std::vector<Value> key;
        for (const auto& c : key_cols)
          key.push_back(Value::FromArray(*c, row));
        it->second = NewGroup(std::move(key));
      }
      std::vector<AggState>& states = states_[it->second];
      for (size_t a = 0; a < aggs_.size(); ++a)
        Update(aggs_[a], states[a], arg_cols[a].get(), row);
    }
  }

  static void Update(const AggregateSpec& spec, AggState& s, const arrow::ArrayData* arg,
                     int64_t row) {
    if (spec.kind == AggKind::kCountStar) {
      ++s.count;
      return;
    }
    if (spec.kind == AggKind::kAnyValue) {
      if (s.count++ == 0) s.best = Value::FromArray(*arg, row);
      return;
    }
    if (arg->IsNull(row)) return;
    const Value v = Value::FromArray(*arg, row);
    if (spec.distinct) {
      std::string key;
      EncodeValueKey(v, &key);
      if (!s.seen.insert(std::move(key)).second) return;
    }
    ++s.count;
    switch (spec.kind) {
      case AggKind::kSum:
      case AggKind::kAvg:
      case AggKind::kTotal:
        if (v.type()->is_integer()) {
          if (spec.kind == AggKind::kSum &&
              __builtin_add_overflow(s.int_sum, v.int64(), &s.int_sum)) {
            Fail(ErrorKind::kOutOfRange, "Overflow in sum: integer result exceeds BIGINT");
          }
          s.double_sum += static_cast<double>(v.int64());
        } else if (v.type()->id() == TypeId::kDecimal128) {
          s.double_sum += static_cast<double>(v.decimal()) / std::pow(10.0, v.type()->scale());
        } else {
          s.double_sum += v.float64();
        }
        break;
      case AggKind::kMin:
        if (s.count == 1 || CompareValues(v, s.best) < 0) s.best = v;
        break;
      case AggKind::kMax:
        if (s.count == 1 || CompareValues(v, s.best) > 0) s.best = v;
        break;
      case AggKind::kGroupConcat:
        if (s.count > 1) s.text += spec.separator;
        s.text += v.str();
        break;
      default:
        break;
    }
  }

  arrow::RecordBatchPtr Finish() {
    const auto rows = static_cast<int64_t>(group_keys_.size());
    std::vector<ArrayDataPtr> columns;
    for (size_t k = 0; k < keys_.size(); ++k) {
      auto b = arrow::MakeBuilder(keys_[k]->type);
      for (const auto& key : group_keys_)
        b->AppendRange(*key[k].ToArray(1), 0, 1);
      columns.push_back(b->Finish());
    }
    for (size_t a = 0; a < aggs_.size(); ++a) {
      const AggregateSpec& spec = aggs_[a];
      const arrow::TypePtr type = schema_->field(static_cast<int>(keys_.size() + a))->type();
      auto b = arrow::MakeBuilder(type);
      for (const auto& states : states_) {
        const AggState& s = states[a];
        switch (spec.kind) {
          case AggKind::kCountStar:
          case AggKind::kCount:
            static_cast<arrow::Int64Builder*>(b.get())->Append(s.count);
            break;
          case AggKind::kTotal:
            static_cast<arrow::DoubleBuilder*>(b.get())->Append(s.double_sum);
            break;
          case AggKind::kSum:
            if (s.count == 0)
              b->AppendNull();
            else if (type->id() == TypeId::kInt64)
              static_cast<arrow::Int64Builder*>(b.get())->Append(s.int_sum);
            else
              static_cast<arrow::DoubleBuilder*>(b.get())->Append(s.double_sum);
            break;
          case AggKind::kAvg:
            if (s.count == 0)
              b->AppendNull();
            else
              static_cast<arrow::DoubleBuilder*>(b.get())->Append(s.double_sum /
                                                                  static_cast<double>(s.count));
            break;
          case AggKind::kMin:
          case AggKind::kMax:
          case AggKind::kAnyValue:
            if (s.count == 0 || s.best.is_null())
              b->AppendNull();
            else
              b->AppendRange(*s.best.ToArray(1), 0, 1);
            break;
          case AggKind::kGroupConcat:
            if (s.count == 0)
              b->AppendNull();
            else
              static_cast<arrow::StringBuilder*>(b.get())->Append(s.text);
            break;
        }
      }
      columns.push_back(b->Finish());
    }
    if (rows == 0) return nullptr;
    return std::make_shared<arrow::RecordBatch>(schema_, rows, std::move(columns));
  }

  OperatorPtr input_;
  std::vector<BoundExprPtr> keys_;
  std::vector<AggregateSpec> aggs_;
  arrow::SchemaPtr schema_;
  bool done_ = false;
  absl::flat_hash_map<std::string, size_t> groups_;
  std::vector<std::vector<Value>> group_keys_;
  std::vector<std::vector<AggState>> states_;
};

}  // namespace

OperatorPtr MakeHashAggregate(OperatorPtr input, std::vector<BoundExprPtr> keys,
                              std::vector<std::string> key_names,
                              std::vector<AggregateSpec> aggregates) {
  return std::make_unique<HashAggregate>(std::move(input), std::move(keys), std::move(key_names),
                                         std::move(aggregates));
}

}  // namespace llkv::execution
