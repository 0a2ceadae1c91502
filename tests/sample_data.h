// A record batch with one column of every Arrow type LLKV supports, nulls
// sprinkled in, for round-trip tests (C Data Interface, IPC, column store).
#pragma once

#include <string>

#include "llkv/arrow/builder.h"
#include "llkv/arrow/record_batch.h"

namespace llkv::testing {

inline std::vector<arrow::FieldPtr> SampleFields() {
  using namespace arrow;
  return {field("null", null()),
          field("bool", boolean()),
          field("i8", int8()),
          field("i16", int16()),
          field("i32", int32()),
          field("i64", int64(), false),
          field("u8", uint8()),
          field("u16", uint16()),
          field("u32", uint32()),
          field("u64", uint64()),
          field("f32", float32()),
          field("f64", float64()),
          field("dec", decimal128(20, 3)),
          field("utf8", utf8()),
          field("large", large_utf8()),
          field("bin", binary()),
          field("date", date32()),
          field("ts", timestamp()),
          field("ts_utc", timestamp("UTC")),
          field("ts_s", timestamp(TimeUnit::kSecond)),
          field("ts_ns", timestamp(TimeUnit::kNano, "UTC")),
          field("interval", interval_month_day_nano()),
          field("struct", struct_({field("x", int32()), field("s", utf8())})),
          field("list", list(int64())),
          field("map", map(utf8(), int32()))};
}

// Row i of every column is deterministic; rows with i % 7 == 3 are null
// (except the non-nullable i64 column).
inline arrow::RecordBatchPtr MakeSampleBatch(int64_t n, int64_t seed = 0) {
  using namespace arrow;
  auto fields = SampleFields();
  std::vector<ArrayDataPtr> columns;
  for (const auto& f : fields) {
    auto b = MakeBuilder(f->type());
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = k + seed;
      const bool null_row = f->nullable() && i % 7 == 3;
      const TypeId id = f->type()->id();
      if (id == TypeId::kNull || null_row) {
        b->AppendNull();
        continue;
      }
      switch (id) {
        case TypeId::kBool:
          static_cast<BooleanBuilder*>(b.get())->Append(i % 3 == 0);
          break;
        case TypeId::kInt8:
          static_cast<Int8Builder*>(b.get())->Append(int8_t(i % 200 - 100));
          break;
        case TypeId::kInt16:
          static_cast<Int16Builder*>(b.get())->Append(int16_t(i * -7));
          break;
        case TypeId::kInt32:
        case TypeId::kDate32:
          static_cast<Int32Builder*>(b.get())->Append(int32_t(i * 1000 - 5));
          break;
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          static_cast<Int64Builder*>(b.get())->Append(i * 1000000007LL - 3);
          break;
        case TypeId::kUInt8:
          static_cast<UInt8Builder*>(b.get())->Append(uint8_t(i));
          break;
        case TypeId::kUInt16:
          static_cast<UInt16Builder*>(b.get())->Append(uint16_t(i * 200));
          break;
        case TypeId::kUInt32:
          static_cast<UInt32Builder*>(b.get())->Append(uint32_t(i) << 20);
          break;
        case TypeId::kUInt64:
          static_cast<UInt64Builder*>(b.get())->Append(uint64_t(i) << 50);
          break;
        case TypeId::kFloat32:
          static_cast<FloatBuilder*>(b.get())->Append(float(i) / 8);
          break;
        case TypeId::kFloat64:
          static_cast<DoubleBuilder*>(b.get())->Append(double(i) / 3);
          break;
        case TypeId::kDecimal128:
          static_cast<Decimal128Builder*>(b.get())->Append(Decimal128(i) * 123456789 - 5);
          break;
        case TypeId::kUtf8:
          static_cast<StringBuilder*>(b.get())->Append(
              "é" + std::string(size_t(i % 13), char('a' + i % 26)));
          break;
        case TypeId::kBinary: {
          std::string bytes(size_t(i % 5), '\0');
          for (size_t j = 0; j < bytes.size(); ++j)
            bytes[j] = static_cast<char>(i * 37 + j);
          static_cast<BinaryBuilder*>(b.get())->Append(bytes);
          break;
        }
        case TypeId::kLargeUtf8:
          static_cast<LargeStringBuilder*>(b.get())->Append("large " + std::to_string(i));
          break;
        case TypeId::kIntervalMonthDayNano:
          static_cast<MonthDayNanoBuilder*>(b.get())->Append({int32_t(i), int32_t(-i), i * 999});
          break;
        case TypeId::kStruct: {
          auto* sb = static_cast<StructBuilder*>(b.get());
          sb->Append(true);
          static_cast<Int32Builder*>(sb->field_builder(0))->Append(static_cast<int32_t>(i));
          if (i % 5 == 1) {
            sb->field_builder(1)->AppendNull();
          } else {
            static_cast<StringBuilder*>(sb->field_builder(1))->Append("s" + std::to_string(i));
          }
          break;
        }
        case TypeId::kList: {
          auto* lb = static_cast<ListBuilder*>(b.get());
          lb->Append(true);
          if (IsMap(*f->type())) {  // i % 3 entries "kj" -> i + j (NULL for j = 1)
            auto* entries = static_cast<StructBuilder*>(lb->value_builder());
            for (int64_t j = 0; j < i % 3; ++j) {
              entries->Append(true);
              static_cast<StringBuilder*>(entries->field_builder(0))
                  ->Append("k" + std::to_string(j));
              if (j == 1) {
                entries->field_builder(1)->AppendNull();
              } else {
                static_cast<Int32Builder*>(entries->field_builder(1))->Append(int32_t(i + j));
              }
            }
            break;
          }
          for (int64_t j = 0; j < i % 4; ++j) {
            static_cast<Int64Builder*>(lb->value_builder())->Append(i * 10 + j);
          }
          break;
        }
        default:
          break;
      }
    }
    columns.push_back(b->Finish());
  }
  return RecordBatch::Make(std::make_shared<Schema>(fields, KeyValueMetadata{{"origin", "llkv"}}),
                           n, std::move(columns));
}

}  // namespace llkv::testing
