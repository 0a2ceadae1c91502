// Arrow IPC writers: sinks, the stream and file formats.
#include <cerrno>
#include <cstring>

#include "arrow/array_layout.h"
#include "arrow/ipc_metadata.h"
#include "common/bit_util.h"
#include "llkv/arrow/compute.h"
#include "llkv/arrow/ipc.h"
#include "llkv/common/error.h"

namespace llkv::arrow::ipc {

// ---------------------------------------------------------------- sinks

void BufferSink::Write(const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  bytes_.insert(bytes_.end(), p, p + size);
}

BufferPtr BufferSink::Finish() const {
  return Buffer::Copy(bytes_.data(), static_cast<int64_t>(bytes_.size()));
}

FileSink::FileSink(const std::filesystem::path& path) : path_(path.string()) {
  file_ = std::fopen(path_.c_str(), "wb");
  if (file_ == nullptr) {
    Fail(ErrorKind::kIO, "cannot create '{}': {}", path_, std::strerror(errno));
  }
}

FileSink::~FileSink() {
  if (file_ != nullptr) std::fclose(file_);
}

void FileSink::Write(const void* data, size_t size) {
  if (file_ == nullptr) Fail(ErrorKind::kInvalidInput, "'{}' is already closed", path_);
  if (size > 0 && std::fwrite(data, 1, size, file_) != size) {
    Fail(ErrorKind::kIO, "cannot write '{}': {}", path_, std::strerror(errno));
  }
  position_ += size;
}

void FileSink::Close() {
  if (file_ == nullptr) return;
  std::FILE* f = file_;
  file_ = nullptr;
  const bool flushed = std::fflush(f) == 0;
  const int flush_errno = errno;
  if (std::fclose(f) != 0 || !flushed) {
    Fail(ErrorKind::kIO, "cannot write '{}': {}", path_,
         std::strerror(flushed ? errno : flush_errno));
  }
}

// ---------------------------------------------------------------- writer

namespace {

constexpr uint32_t kContinuation = 0xFFFFFFFF;
constexpr char kMagic[] = "ARROW1";
constexpr int64_t kBodyAlignment = 64;

const uint8_t kZeros[kBodyAlignment] = {};

}  // namespace

struct Writer::Impl {
  OutputSink* sink;
  SchemaPtr schema;
  bool file_format;
  bool closed = false;
  std::vector<fb::Block> blocks;

  void Pad(uint64_t to) {
    const uint64_t pad = (to - sink->position() % to) % to;
    sink->Write(kZeros, pad);
  }

  // Writes one encapsulated message; returns its metadata length (prefix
  // included) for the file footer.
  int32_t WriteMessage(flatbuffers::FlatBufferBuilder& b) {
    const uint32_t fb_size = b.GetSize();
    // The format needs the prefix (8 bytes) plus the flatbuffer padded to a
    // multiple of 8; padding to 64 puts the body, and so every buffer, on a
    // 64-byte boundary, which lets readers use the buffers in place.
    const uint64_t start = sink->position();
    const uint64_t end =
        (start + 8 + fb_size + kBodyAlignment - 1) / kBodyAlignment * kBodyAlignment;
    const auto padded = static_cast<uint32_t>(end - start - 8);
    const int32_t length = static_cast<int32_t>(padded);
    sink->Write(&kContinuation, 4);
    sink->Write(&length, 4);
    sink->Write(b.GetBufferPointer(), fb_size);
    sink->Write(kZeros, padded - fb_size);
    return length + 8;
  }

  void WriteSchema() {
    flatbuffers::FlatBufferBuilder b;
    auto s = BuildSchema(b, *schema);
    b.Finish(fb::CreateMessage(b, fb::MetadataVersion_V5, fb::MessageHeader_Schema, s.Union(), 0));
    WriteMessage(b);
  }
};

Writer::Writer(OutputSink* sink, SchemaPtr schema, bool file_format)
    : impl_(std::make_unique<Impl>(Impl{sink, std::move(schema), file_format, false, {}})) {
  if (impl_->file_format) {
    impl_->sink->Write(kMagic, 6);
    impl_->sink->Write(kZeros, 2);
  }
  impl_->WriteSchema();
}

Writer::~Writer() = default;

void Writer::Write(const RecordBatch& batch) {
  Impl& w = *impl_;
  if (w.closed) Fail(ErrorKind::kInvalidInput, "IPC writer is closed");
  if (!batch.schema()->Equals(*w.schema)) {
    Fail(ErrorKind::kInvalidInput, "IPC writer: batch schema {} differs from the stream's {}",
         batch.schema()->ToString(), w.schema->ToString());
  }
  std::vector<ArrayDataPtr> columns;
  std::vector<FlatNode> nodes;
  std::vector<FlatBuffer> buffers;
  for (const auto& c : batch.columns()) {
    columns.push_back(Normalize(c));
    Flatten(*columns.back(), &nodes, &buffers);
  }
  std::vector<fb::FieldNode> fb_nodes;
  for (const auto& n : nodes)
    fb_nodes.emplace_back(n.length, n.null_count);
  std::vector<fb::Buffer> fb_buffers;
  int64_t body = 0;
  for (const auto& buf : buffers) {
    fb_buffers.emplace_back(body, buf.size);
    body += bit_util::RoundUp(buf.size, kBodyAlignment);
  }
  flatbuffers::FlatBufferBuilder b;
  auto rb = fb::CreateRecordBatch(b, batch.num_rows(), b.CreateVectorOfStructs(fb_nodes),
                                  b.CreateVectorOfStructs(fb_buffers));
  b.Finish(fb::CreateMessage(b, fb::MetadataVersion_V5, fb::MessageHeader_RecordBatch, rb.Union(),
                             body));
  const uint64_t start = w.sink->position();
  const int32_t meta = w.WriteMessage(b);
  for (const auto& buf : buffers) {
    if (buf.size > 0) w.sink->Write(buf.data, static_cast<size_t>(buf.size));
    w.sink->Write(kZeros,
                  static_cast<size_t>(bit_util::RoundUp(buf.size, kBodyAlignment) - buf.size));
  }
  w.blocks.emplace_back(static_cast<int64_t>(start), meta, body);
}

void Writer::Close() {
  Impl& w = *impl_;
  if (w.closed) return;
  w.closed = true;
  const uint32_t eos[2] = {kContinuation, 0};
  w.sink->Write(eos, sizeof eos);
  if (w.file_format) {
    flatbuffers::FlatBufferBuilder b;
    auto s = BuildSchema(b, *w.schema);
    std::vector<fb::Block> none;
    auto dicts = b.CreateVectorOfStructs(none);
    auto batches = b.CreateVectorOfStructs(w.blocks);
    b.Finish(fb::CreateFooter(b, fb::MetadataVersion_V5, s, dicts, batches));
    const auto size = static_cast<int32_t>(b.GetSize());
    w.sink->Write(b.GetBufferPointer(), b.GetSize());
    w.sink->Write(&size, 4);
    w.sink->Write(kMagic, 6);
  }
  w.sink->Close();
}

// ---------------------------------------------------------------- conveniences

BufferPtr WriteStreamToBuffer(const SchemaPtr& schema, const std::vector<RecordBatchPtr>& batches) {
  BufferSink sink;
  Writer w(&sink, schema, false);
  for (const auto& batch : batches)
    w.Write(*batch);
  w.Close();
  return sink.Finish();
}

void WriteFile(const std::filesystem::path& path, const SchemaPtr& schema,
               const std::vector<RecordBatchPtr>& batches) {
  FileSink sink(path);
  Writer w(&sink, schema, true);
  for (const auto& batch : batches)
    w.Write(*batch);
  w.Close();
}

}  // namespace llkv::arrow::ipc
