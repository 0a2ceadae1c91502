// Arrow IPC stream and file formats: round trips of every type, layout
// details the specification fixes, and malformed input (every truncation
// and thousands of random corruptions give an Error, never a crash).
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "llkv/arrow/compute.h"
#include "llkv/arrow/ipc.h"
#include "llkv/common/error.h"
#include "sample_data.h"
#include "test_util.h"

namespace llkv::arrow::ipc {
namespace {

std::vector<RecordBatchPtr> SampleBatches() {
  return {testing::MakeSampleBatch(100, 0), testing::MakeSampleBatch(0, 100),
          testing::MakeSampleBatch(300, 100)->Slice(77, 150)};
}

std::vector<RecordBatchPtr> ReadAll(RecordBatchReader& r) {
  std::vector<RecordBatchPtr> out;
  while (auto b = r.Next())
    out.push_back(std::move(b));
  return out;
}

TEST(IpcTest, StreamRoundTripsEveryType) {
  auto batches = SampleBatches();
  auto schema = batches[0]->schema();
  BufferPtr bytes = WriteStreamToBuffer(schema, batches);
  // Continuation marker first, end-of-stream marker last.
  EXPECT_EQ(std::memcmp(bytes->data(), "\xFF\xFF\xFF\xFF", 4), 0);
  EXPECT_EQ(std::memcmp(bytes->data() + bytes->size() - 8, "\xFF\xFF\xFF\xFF\0\0\0\0", 8), 0);
  auto reader = OpenStream(bytes);
  EXPECT_TRUE(reader->schema()->Equals(*schema, /*check_metadata=*/true));
  auto got = ReadAll(*reader);
  ASSERT_EQ(got.size(), batches.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(got[i]->Equals(*batches[i])) << "batch " << i;
  // Zero-copy: column buffers point into the stream's bytes.
  const uint8_t* p = got[0]->column(5)->buffers[1]->data();
  EXPECT_TRUE(p >= bytes->data() && p < bytes->data() + bytes->size());
}

// A MAP is written as Arrow's Map type (not a List) and read back as one.
TEST(IpcTest, MapTypeRoundTrips) {
  auto schema = std::make_shared<Schema>(
      std::vector<FieldPtr>{field("m", map(utf8(), int64())), field("l", list(int64()))});
  BufferPtr bytes = WriteStreamToBuffer(schema, {});
  auto reader = OpenStream(bytes);
  EXPECT_TRUE(reader->schema()->Equals(*schema)) << reader->schema()->ToString();
  EXPECT_TRUE(IsMap(*reader->schema()->field(0)->type()));
  EXPECT_FALSE(IsMap(*reader->schema()->field(1)->type()));
}

TEST(IpcTest, FileRoundTripsWithRandomAccess) {
  testing::TempDir dir;
  auto batches = SampleBatches();
  auto schema = batches[0]->schema();
  const auto path = dir.file("sample.arrow");
  WriteFile(path, schema, batches);
  BufferPtr bytes = ReadWholeFile(path);
  EXPECT_EQ(std::memcmp(bytes->data(), "ARROW1\0\0", 8), 0);
  EXPECT_EQ(std::memcmp(bytes->data() + bytes->size() - 6, "ARROW1", 6), 0);
  auto reader = FileReader::Open(bytes, path.string());
  ASSERT_EQ(reader->num_batches(), 3);
  EXPECT_TRUE(reader->ReadBatch(2)->Equals(*batches[2]));
  EXPECT_TRUE(reader->ReadBatch(0)->Equals(*batches[0]));
  EXPECT_THROW(reader->ReadBatch(3), Error);
  SchemaPtr read_schema;
  auto all = ReadFile(path, &read_schema);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(all[1]->Equals(*batches[1]));
  EXPECT_TRUE(read_schema->Equals(*schema, true));
}

TEST(IpcTest, WriterRejectsForeignSchemasAndBadPaths) {
  auto batch = testing::MakeSampleBatch(3);
  BufferSink sink;
  Writer w(&sink, std::make_shared<Schema>(std::vector<FieldPtr>{field("x", int64())}), false);
  EXPECT_THROW(w.Write(*batch), Error);
  try {
    WriteFile("/nonexistent-dir/x.arrow", batch->schema(), {batch});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.arrow"), std::string::npos);
  }
}

// Every truncation of a valid stream either reads a prefix of the batches or
// throws an Error; so does every random corruption.
TEST(IpcTest, MalformedInputNeverCrashes) {
  auto batches = SampleBatches();
  auto schema = batches[0]->schema();
  BufferPtr good = WriteStreamToBuffer(schema, {batches[0]->Slice(0, 20)});
  int errors = 0, clean = 0;
  auto attempt = [&](const BufferPtr& bytes, bool file) {
    try {
      if (file) {
        auto r = FileReader::Open(bytes);
        for (int i = 0; i < r->num_batches(); ++i) {
          auto b = r->ReadBatch(i);
          for (const auto& c : b->columns())
            c->Validate();
        }
      } else {
        auto r = OpenStream(bytes);
        for (auto& b : ReadAll(*r)) {
          for (const auto& c : b->columns())
            c->Validate();
        }
      }
      ++clean;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput) << e.what();
      ++errors;
    }
  };
  for (int64_t n = 0; n < good->size(); n += 3)
    attempt(Buffer::Slice(good, 0, n), false);
  std::mt19937_64 rng(7);
  testing::TempDir dir;
  WriteFile(dir.file("f.arrow"), schema, {batches[0]->Slice(0, 20)});
  BufferPtr good_file = ReadWholeFile(dir.file("f.arrow"));
  for (int round = 0; round < 3000; ++round) {
    const bool file = round % 2 == 1;
    const BufferPtr& src = file ? good_file : good;
    BufferPtr bad = Buffer::Copy(src->data(), src->size());
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      bad->mutable_data()[rng() % static_cast<uint64_t>(bad->size())] ^=
          static_cast<uint8_t>(1 + rng() % 255);
    }
    attempt(bad, file);
  }
  EXPECT_GT(errors, 1000);
  EXPECT_GT(clean, 0);  // flips inside value bytes are not detectable, and harmless
}

TEST(IpcTest, UnsupportedInputIsNamed) {
  auto not_arrow = Buffer::Copy("hello world, not arrow at all", 29);
  try {
    FileReader::Open(not_arrow, "notes.txt");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not an Arrow IPC file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(OpenStream(not_arrow, "notes.txt"), Error);
}

}  // namespace
}  // namespace llkv::arrow::ipc
