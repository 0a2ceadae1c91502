// Arrow C Data and C Stream Interface: round trips of every type, release
// callbacks run exactly once (ASan proves no leak or double free), foreign
// producers' structs, and malformed input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "llkv/arrow/c_data.h"
#include "llkv/common/error.h"
#include "sample_data.h"

namespace llkv::arrow {
namespace {

TEST(CDataTest, SchemaRoundTripKeepsNamesNullabilityAndMetadata) {
  auto batch = testing::MakeSampleBatch(1);
  ArrowSchema c;
  ExportSchema(*batch->schema(), &c);
  EXPECT_STREQ(c.format, "+s");
  ASSERT_EQ(c.n_children, static_cast<int64_t>(batch->schema()->num_fields()));
  EXPECT_STREQ(c.children[12]->format, "d:20,3");
  EXPECT_STREQ(c.children[18]->format, "tsu:UTC");
  EXPECT_EQ(c.children[5]->flags & ARROW_FLAG_NULLABLE, 0);
  SchemaPtr back = ImportSchema(&c);
  EXPECT_EQ(c.release, nullptr);  // consumed
  EXPECT_TRUE(back->Equals(*batch->schema(), /*check_metadata=*/true)) << back->ToString();
}

// A MAP exports as "+m" and imports as a MAP; a List of the same layout
// stays a List.
TEST(CDataTest, MapSchemaRoundTrips) {
  const Schema schema({field("m", map(int32(), utf8())), field("l", list(int32()))});
  ArrowSchema c;
  ExportSchema(schema, &c);
  EXPECT_STREQ(c.children[0]->format, "+m");
  EXPECT_STREQ(c.children[1]->format, "+l");
  SchemaPtr back = ImportSchema(&c);
  EXPECT_TRUE(back->Equals(schema)) << back->ToString();
  EXPECT_TRUE(IsMap(*back->field(0)->type()));
}

TEST(CDataTest, EveryTypeRoundTripsZeroCopy) {
  auto batch = testing::MakeSampleBatch(200);
  ArrowArray c;
  ExportRecordBatch(*batch, &c);
  ASSERT_EQ(c.n_children, batch->num_columns());
  // The exported buffers are LLKV's own: nothing was copied.
  EXPECT_EQ(c.children[5]->buffers[1], batch->column(5)->buffers[1]->data());
  RecordBatchPtr back = ImportRecordBatch(&c, batch->schema());
  EXPECT_EQ(c.release, nullptr);
  EXPECT_TRUE(back->Equals(*batch));
  EXPECT_EQ(back->column(13)->buffers[2]->data(), batch->column(13)->buffers[2]->data());
}

TEST(CDataTest, SlicesExportWithTheirOffset) {
  auto batch = testing::MakeSampleBatch(100)->Slice(37, 20);
  ArrowArray c;
  ExportRecordBatch(*batch, &c);
  EXPECT_EQ(c.children[3]->offset, 37);
  RecordBatchPtr back = ImportRecordBatch(&c, batch->schema());
  EXPECT_TRUE(back->Equals(*batch));
}

TEST(CDataTest, ExportedDataOutlivesLlkvReferences) {
  ArrowArray c;
  {
    auto batch = testing::MakeSampleBatch(50);
    ExportArray(batch->column(13), &c);
  }  // LLKV's references are gone; the export keeps the buffers alive
  const auto* offsets = static_cast<const int32_t*>(c.buffers[1]);
  const auto* chars = static_cast<const char*>(c.buffers[2]);
  EXPECT_EQ(std::string(chars + offsets[1], static_cast<size_t>(offsets[2] - offsets[1])), "éb");
  c.release(&c);
  EXPECT_EQ(c.release, nullptr);
}

// A producer written the way a C library would: malloc'd buffers and a
// release callback that counts its calls.
int g_released = 0;
void ReleaseForeign(ArrowArray* a) {
  for (int64_t i = 0; i < a->n_buffers; ++i)
    std::free(const_cast<void*>(a->buffers[i]));
  std::free(a->buffers);
  ++g_released;
  a->release = nullptr;
}

ArrowArray ForeignInt32(std::vector<int32_t> values, bool with_nulls) {
  ArrowArray a{};
  a.length = static_cast<int64_t>(values.size());
  a.null_count = 0;
  a.n_buffers = 2;
  a.buffers = static_cast<const void**>(std::malloc(2 * sizeof(void*)));
  uint8_t* bits = nullptr;
  if (with_nulls) {
    bits = static_cast<uint8_t*>(std::calloc(1, (values.size() + 7) / 8));
    for (size_t i = 0; i < values.size(); ++i) {
      if (i % 2 == 0)
        bits[i / 8] |= uint8_t(1u << (i % 8));
      else
        ++a.null_count;
    }
  }
  auto* data = static_cast<int32_t*>(std::malloc(values.size() * 4));
  std::memcpy(data, values.data(), values.size() * 4);
  a.buffers[0] = bits;
  a.buffers[1] = data;
  a.release = ReleaseForeign;
  return a;
}

TEST(CDataTest, ForeignArrayIsReleasedOnceWhenTheLastBufferGoes) {
  g_released = 0;
  ArrowArray foreign = ForeignInt32({1, 2, 3, 4, 5}, true);
  ArrayDataPtr imported = ImportArray(&foreign, int32());
  EXPECT_EQ(foreign.release, nullptr);  // moved into LLKV
  EXPECT_EQ(imported->null_count, 2);
  auto slice = ArrayData::Slice(imported, 2, 3);
  imported.reset();
  EXPECT_EQ(g_released, 0);  // the slice still points into the producer's memory
  EXPECT_EQ(PrimitiveArray<int32_t>(slice).Value(0), 3);
  slice.reset();
  EXPECT_EQ(g_released, 1);
}

TEST(CDataTest, MalformedInputIsRejectedAndStillReleased) {
  g_released = 0;
  ArrowArray wrong_count = ForeignInt32({1, 2, 3, 4}, true);
  wrong_count.null_count = 1;  // the bitmap says 2
  EXPECT_THROW(ImportArray(&wrong_count, int32()), Error);
  ArrowArray wrong_type = ForeignInt32({1, 2}, false);
  EXPECT_THROW(ImportArray(&wrong_type, utf8()), Error);  // utf8 needs 3 buffers
  EXPECT_EQ(g_released, 2);
  ArrowArray released{};
  EXPECT_THROW(ImportArray(&released, int32()), Error);

  // Bad utf8 offsets: decreasing.
  StringBuilder sb(utf8());
  sb.Append("abc");
  sb.Append("de");
  auto strings = sb.Finish();
  auto offsets = Buffer::Copy(strings->buffers[1]->data(), strings->buffers[1]->size());
  reinterpret_cast<int32_t*>(offsets->mutable_data())[1] = 6;  // 0, 6, 5
  auto broken = std::make_shared<ArrayData>(*strings);
  broken->buffers[1] = offsets;
  ArrowArray c;
  ExportArray(broken, &c);
  try {
    ImportArray(&c, utf8());
    FAIL() << "decreasing offsets accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("offsets"), std::string::npos) << e.what();
  }

  ArrowSchema dict;
  ExportType(*int32(), &dict);
  ArrowSchema value_type;
  ExportType(*utf8(), &value_type);
  dict.dictionary = &value_type;
  try {
    ImportType(&dict);
    FAIL() << "dictionary accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dictionary"), std::string::npos) << e.what();
  }
  EXPECT_EQ(dict.release, nullptr);
  value_type.release(&value_type);  // ours: ImportType does not know about it

  ArrowSchema unsupported;
  ExportType(*int32(), &unsupported);
  auto* fmt = const_cast<char*>(unsupported.format);
  fmt[0] = 'e';  // "e" is float16
  EXPECT_THROW(ImportType(&unsupported), Error);
  EXPECT_EQ(unsupported.release, nullptr);
}

TEST(CStreamTest, StreamRoundTripAndErrors) {
  auto schema = testing::MakeSampleBatch(1)->schema();
  std::vector<RecordBatchPtr> batches = {testing::MakeSampleBatch(10, 0),
                                         testing::MakeSampleBatch(0, 10),
                                         testing::MakeSampleBatch(33, 10)};
  ArrowArrayStream stream;
  ExportRecordBatchReader(MakeVectorReader(schema, batches), &stream);
  auto reader = ImportRecordBatchReader(&stream);
  EXPECT_EQ(stream.release, nullptr);
  EXPECT_TRUE(reader->schema()->Equals(*schema, true));
  for (const auto& want : batches) {
    RecordBatchPtr got = reader->Next();
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->Equals(*want));
  }
  EXPECT_FALSE(reader->Next());
  EXPECT_FALSE(reader->Next());

  // A reader that fails: the error crosses the C boundary with its message.
  class Failing final : public RecordBatchReader {
   public:
    explicit Failing(SchemaPtr s) : s_(std::move(s)) {}
    SchemaPtr schema() const override { return s_; }
    RecordBatchPtr Next() override { Fail(ErrorKind::kIO, "disk on fire at row 7"); }

   private:
    SchemaPtr s_;
  };
  ExportRecordBatchReader(std::make_shared<Failing>(schema), &stream);
  ArrowArray out;
  EXPECT_NE(stream.get_next(&stream, &out), 0);
  EXPECT_NE(std::string(stream.get_last_error(&stream)).find("disk on fire"), std::string::npos);
  auto failing = ImportRecordBatchReader(&stream);
  try {
    failing->Next();
    FAIL() << "error lost";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("disk on fire at row 7"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace llkv::arrow
