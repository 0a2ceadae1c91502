#include <gtest/gtest.h>

#include "arrow/temporal.h"
#include "llkv/arrow/builder.h"
#include "llkv/arrow/compute.h"
#include "llkv/arrow/record_batch.h"
#include "llkv/common/error.h"

namespace llkv::arrow {
namespace {

ArrayDataPtr Ints(std::initializer_list<std::optional<int64_t>> values) {
  Int64Builder b(int64());
  for (auto v : values) {
    if (v)
      b.Append(*v);
    else
      b.AppendNull();
  }
  return b.Finish();
}

ArrayDataPtr Strings(std::initializer_list<std::optional<std::string>> values) {
  StringBuilder b(utf8());
  for (const auto& v : values) {
    if (v)
      b.Append(*v);
    else
      b.AppendNull();
  }
  return b.Finish();
}

TEST(TypeTest, NamesAndEquality) {
  EXPECT_EQ(decimal128(12, 2)->ToString(), "decimal128(12, 2)");
  EXPECT_TRUE(decimal128(12, 2)->Equals(*decimal128(12, 2)));
  EXPECT_FALSE(decimal128(12, 2)->Equals(*decimal128(12, 3)));
  EXPECT_FALSE(timestamp("UTC")->Equals(*timestamp()));
  auto s = struct_({field("a", int32()), field("b", utf8(), false)});
  EXPECT_EQ(s->ToString(), "struct<a: int32, b: utf8 not null>");
  EXPECT_EQ(list(int64())->ToString(), "list<item: int64>");
  EXPECT_THROW(decimal128(39, 0), Error);
  EXPECT_THROW(decimal128(5, 6), Error);
  EXPECT_EQ(int64()->bit_width(), 64);
  EXPECT_EQ(interval_month_day_nano()->bit_width(), 128);
}

TEST(BuilderTest, ValidityOnlyWhenNullsAppear) {
  auto a = Ints({1, 2, 3});
  EXPECT_EQ(a->buffers[0], nullptr);
  EXPECT_EQ(a->null_count, 0);
  auto b = Ints({1, std::nullopt, 3, std::nullopt});
  ASSERT_NE(b->buffers[0], nullptr);
  EXPECT_EQ(b->null_count, 2);
  EXPECT_TRUE(b->IsValid(0));
  EXPECT_TRUE(b->IsNull(1));
  EXPECT_TRUE(b->IsValid(2));
  EXPECT_EQ(Int64Array(b).Value(2), 3);
  b->Validate();
}

TEST(BuilderTest, BuffersAre64ByteAligned) {
  auto a = Strings({"x", "yy", std::nullopt});
  for (const auto& buf : a->buffers) {
    ASSERT_NE(buf, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(buf->data()) % 64, 0u);
  }
}

TEST(BuilderTest, StringsAndSlices) {
  auto a = Strings({"alpha", std::nullopt, "", "delta"});
  StringArray s(a);
  EXPECT_EQ(s.Value(0), "alpha");
  EXPECT_EQ(s.Value(2), "");
  EXPECT_TRUE(s.IsNull(1));
  auto sl = s.Slice(1, 3);
  EXPECT_EQ(sl.length(), 3);
  EXPECT_EQ(sl.null_count(), 1);
  EXPECT_EQ(StringArray(sl).Value(2), "delta");
  EXPECT_TRUE(ArrayEquals(*sl.data(), *Strings({std::nullopt, "", "delta"})));
}

TEST(BuilderTest, BooleanAndLargeUtf8) {
  BooleanBuilder b;
  b.Append(true);
  b.AppendNull();
  b.Append(false);
  for (int i = 0; i < 20; ++i)
    b.Append(i % 3 == 0);
  auto a = b.Finish();
  a->Validate();
  BooleanArray ba(a);
  EXPECT_TRUE(ba.Value(0));
  EXPECT_TRUE(ba.IsNull(1));
  EXPECT_FALSE(ba.Value(2));
  EXPECT_TRUE(ba.Value(3 + 18));
  auto sl = ArrayData::Slice(a, 3, 20);
  EXPECT_EQ(FormatValue(*sl, 0), "true");
  EXPECT_EQ(FormatValue(*sl, 1), "false");

  LargeStringBuilder lb(large_utf8());
  lb.Append("big");
  lb.AppendNull();
  auto l = lb.Finish();
  l->Validate();
  EXPECT_EQ(LargeStringArray(l).Value(0), "big");
}

TEST(BuilderTest, StructAndList) {
  auto st = struct_({field("a", int32()), field("b", utf8())});
  StructBuilder sb(st);
  sb.Append();
  static_cast<Int32Builder*>(sb.field_builder(0))->Append(7);
  static_cast<StringBuilder*>(sb.field_builder(1))->Append("x");
  sb.AppendNull();
  sb.Append();
  sb.field_builder(0)->AppendNull();
  static_cast<StringBuilder*>(sb.field_builder(1))->Append("z");
  auto s = sb.Finish();
  s->Validate();
  EXPECT_EQ(FormatValue(*s, 0), "{'a': 7, 'b': x}");
  EXPECT_EQ(FormatValue(*s, 1), "NULL");
  EXPECT_EQ(FormatValue(*s, 2), "{'a': NULL, 'b': z}");
  auto sl = ArrayData::Slice(s, 2, 1);
  EXPECT_EQ(FormatValue(*sl, 0), "{'a': NULL, 'b': z}");
  EXPECT_EQ(FormatValue(*StructArray(sl).field(1).data(), 0), "z");

  ListBuilder lb(list(int64()));
  lb.Append();
  static_cast<Int64Builder*>(lb.value_builder())->Append(1);
  static_cast<Int64Builder*>(lb.value_builder())->Append(2);
  lb.AppendNull();
  lb.Append();  // empty list
  auto l = lb.Finish();
  l->Validate();
  EXPECT_EQ(FormatValue(*l, 0), "[1, 2]");
  EXPECT_EQ(FormatValue(*l, 1), "NULL");
  EXPECT_EQ(FormatValue(*l, 2), "[]");
  EXPECT_EQ(ListArray(l).value_length(0), 2);
}

TEST(FormatTest, TemporalAndDecimal) {
  EXPECT_EQ(FormatDate32(0), "1970-01-01");
  EXPECT_EQ(FormatDate32(19782), "2024-02-29");
  EXPECT_EQ(FormatDate32(-1), "1969-12-31");
  for (int64_t d = -800000; d < 800000; d += 997) {
    auto c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(FormatTimestampMicros(1'700'000'000'123'456), "2023-11-14 22:13:20.123456");
  EXPECT_EQ(FormatTimestampMicros(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(FormatMonthDayNano({14, 3, 1'500'000'000}), "1 year 2 months 3 days 00:00:01.5");
  EXPECT_EQ(FormatDecimal128(-12345, 2), "-123.45");
  EXPECT_EQ(FormatDecimal128(5, 3), "0.005");
  EXPECT_EQ(FormatDecimal128(0, 0), "0");
}

TEST(ComputeTest, TakeAndConcatenate) {
  auto a = Ints({10, std::nullopt, 30, 40});
  std::vector<int64_t> idx = {3, -1, 1, 0};
  auto t = Take(*a, idx);
  EXPECT_TRUE(ArrayEquals(*t, *Ints({40, std::nullopt, std::nullopt, 10})));
  auto s = Strings({"a", "bb", std::nullopt});
  std::vector<int64_t> idx2 = {2, 1, 1};
  EXPECT_TRUE(ArrayEquals(*Take(*s, idx2), *Strings({std::nullopt, "bb", "bb"})));
  std::vector<int64_t> bad = {4};
  EXPECT_THROW(Take(*a, bad), Error);

  std::vector<ArrayDataPtr> parts = {ArrayData::Slice(a, 1, 2), Ints({5}), Ints({})};
  EXPECT_TRUE(ArrayEquals(*Concatenate(parts), *Ints({std::nullopt, 30, 5})));
}

TEST(ValidateTest, RejectsBrokenLayouts) {
  auto a = Strings({"a", "b"});
  auto broken = std::make_shared<ArrayData>(*a);
  broken->length = 100;  // offsets buffer too short
  EXPECT_THROW(broken->Validate(), Error);
  auto wrong_nulls = std::make_shared<ArrayData>(*Ints({1, std::nullopt}));
  wrong_nulls->null_count = 0;
  EXPECT_THROW(wrong_nulls->Validate(), Error);
  try {
    broken->Validate(/*corruption=*/true);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruption);
  }
}

TEST(RecordBatchTest, MakeChecksAndFormats) {
  auto schema = std::make_shared<Schema>(
      std::vector<FieldPtr>{field("id", int64(), false), field("name", utf8())});
  auto batch = RecordBatch::Make(schema, 2, {Ints({1, 22}), Strings({"ann", std::nullopt})});
  EXPECT_EQ(FormatTable(batch),
            "┌───────┬──────┐\n"
            "│ id    │ name │\n"
            "│ int64 │ utf8 │\n"
            "├───────┼──────┤\n"
            "│     1 │ ann  │\n"
            "│    22 │ NULL │\n"
            "└───────┴──────┘\n"
            "2 rows\n");
  EXPECT_THROW(RecordBatch::Make(schema, 3, {Ints({1, 2, 3}), Strings({"a"})}), Error);
  EXPECT_THROW(RecordBatch::Make(schema, 1, {Ints({std::nullopt}), Strings({"a"})}), Error);
  EXPECT_THROW(RecordBatch::Make(schema, 1, {Strings({"x"}), Strings({"a"})}), Error);
}

}  // namespace
}  // namespace llkv::arrow
