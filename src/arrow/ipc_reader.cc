// Arrow IPC readers: messages, the stream format, the file format.
#include <cerrno>
#include <cstring>
#include <fstream>

#include "arrow/array_layout.h"
#include "arrow/ipc_metadata.h"
#include "llkv/arrow/ipc.h"
#include "llkv/common/error.h"

namespace llkv::arrow::ipc {

namespace {

constexpr uint32_t kContinuation = 0xFFFFFFFF;
constexpr std::string_view kMagic = "ARROW1";

// One decoded message: its flatbuffer and body, inside `bytes`.
struct Message {
  const fb::Message* meta = nullptr;  // null at end of stream
  const uint8_t* body = nullptr;
  int64_t body_length = 0;
  uint64_t end = 0;  // position after the message
};

class MessageReader {
 public:
  MessageReader(BufferPtr bytes, std::string source)
      : bytes_(std::move(bytes)), source_(std::move(source)) {}

  [[noreturn]] void Invalid(uint64_t pos, const std::string& problem) const {
    Fail(ErrorKind::kInvalidInput, "{}: invalid Arrow IPC data at byte {}: {}", source_, pos,
         problem);
  }

  // Reads the message at `pos`; a message whose metadata is absent (end of
  // stream marker, or the end of the bytes) has meta == null.
  Message Read(uint64_t pos) const {
    const uint64_t size = static_cast<uint64_t>(bytes_->size());
    Message m;
    if (pos == size) return m;  // streams may end without a marker
    if (size - pos < 4) Invalid(pos, "truncated message header");
    int32_t length;
    std::memcpy(&length, bytes_->data() + pos, 4);
    uint64_t meta_pos = pos + 4;
    if (static_cast<uint32_t>(length) == kContinuation) {
      if (size - pos < 8) Invalid(pos, "truncated message header");
      std::memcpy(&length, bytes_->data() + pos + 4, 4);
      meta_pos = pos + 8;
    }
    if (length == 0) {
      m.end = meta_pos;
      return m;
    }
    if (length < 0 || static_cast<uint64_t>(length) > size - meta_pos) {
      Invalid(pos, fmt::format("message metadata of {} bytes runs past the end", length));
    }
    const uint8_t* meta = bytes_->data() + meta_pos;
    flatbuffers::Verifier verifier(meta, static_cast<size_t>(length));
    if (!verifier.VerifyBuffer<fb::Message>(nullptr))
      Invalid(pos, "message metadata fails verification");
    m.meta = flatbuffers::GetRoot<fb::Message>(meta);
    if (m.meta->version() < fb::MetadataVersion_V4) {
      Invalid(pos, fmt::format("metadata version {} is older than V4",
                               fb::EnumNameMetadataVersion(m.meta->version())));
    }
    const uint64_t body_pos = meta_pos + static_cast<uint64_t>(length);
    m.body_length = m.meta->bodyLength();
    if (m.body_length < 0 || static_cast<uint64_t>(m.body_length) > size - body_pos) {
      Invalid(pos, fmt::format("message body of {} bytes runs past the end", m.body_length));
    }
    m.body = bytes_->data() + body_pos;
    m.end = body_pos + static_cast<uint64_t>(m.body_length);
    return m;
  }

  SchemaPtr ReadSchema(const Message& m, uint64_t pos) const {
    if (m.meta == nullptr || m.meta->header_type() != fb::MessageHeader_Schema) {
      Invalid(pos, "expected a Schema message first");
    }
    return ParseSchema(m.meta->header_as_Schema(), source_);
  }

  RecordBatchPtr ReadBatch(const Message& m, const SchemaPtr& schema, uint64_t pos) const;

  const BufferPtr& bytes() const { return bytes_; }
  const std::string& source() const { return source_; }

 private:
  BufferPtr bytes_;
  std::string source_;
};

// Nodes and buffers of one RecordBatch message, checked against its body.
class BodySource final : public FlatSource {
 public:
  BodySource(const MessageReader& reader, const fb::RecordBatch* rb, const Message& m, uint64_t pos)
      : reader_(reader), rb_(rb), m_(m), pos_(pos) {}

  FlatNode NextNode() override {
    if (rb_->nodes() == nullptr || node_ >= rb_->nodes()->size()) Invalid("too few field nodes");
    const fb::FieldNode* n = rb_->nodes()->Get(node_++);
    return {n->length(), n->null_count()};
  }

  BufferPtr NextBuffer(bool validity) override {
    if (rb_->buffers() == nullptr || buffer_ >= rb_->buffers()->size()) Invalid("too few buffers");
    const fb::Buffer* b = rb_->buffers()->Get(buffer_++);
    if (b->offset() < 0 || b->length() < 0 || b->offset() > m_.body_length ||
        b->length() > m_.body_length - b->offset()) {
      Invalid(fmt::format("buffer {} [{}, +{}) lies outside the {}-byte body", buffer_ - 1,
                          b->offset(), b->length(), m_.body_length));
    }
    if (b->length() == 0) return validity ? nullptr : Buffer::Allocate(0);
    const uint8_t* p = m_.body + b->offset();
    // Values are read in place only when aligned for every type (decimal128
    // needs 16 bytes); writers that align less get a copy.
    if (reinterpret_cast<uintptr_t>(p) % 16 != 0) return Buffer::Copy(p, b->length());
    return Buffer::Wrap(p, b->length(), reader_.bytes());
  }

  [[noreturn]] void Invalid(const std::string& problem) const override {
    reader_.Invalid(pos_, problem);
  }

  bool exhausted() const {
    return (rb_->nodes() == nullptr || node_ == rb_->nodes()->size()) &&
           (rb_->buffers() == nullptr || buffer_ == rb_->buffers()->size());
  }

 private:
  const MessageReader& reader_;
  const fb::RecordBatch* rb_;
  const Message& m_;
  uint64_t pos_;
  flatbuffers::uoffset_t node_ = 0;
  flatbuffers::uoffset_t buffer_ = 0;
};

RecordBatchPtr MessageReader::ReadBatch(const Message& m, const SchemaPtr& schema,
                                        uint64_t pos) const {
  if (m.meta->header_type() == fb::MessageHeader_DictionaryBatch) {
    Invalid(pos, "dictionary batches are not supported");
  }
  if (m.meta->header_type() != fb::MessageHeader_RecordBatch) {
    Invalid(pos,
            fmt::format("unexpected {} message", fb::EnumNameMessageHeader(m.meta->header_type())));
  }
  const fb::RecordBatch* rb = m.meta->header_as_RecordBatch();
  if (rb->compression() != nullptr) Invalid(pos, "compressed record batches are not supported");
  if (rb->length() < 0) Invalid(pos, "negative record batch length");
  BodySource source(*this, rb, m, pos);
  std::vector<ArrayDataPtr> columns;
  for (const auto& f : schema->fields()) {
    ArrayDataPtr a = Assemble(f->type(), source);
    try {
      a->Validate();
    } catch (const Error& e) {
      Invalid(pos, fmt::format("column '{}': {}", f->name(), e.message()));
    }
    if (a->length != rb->length()) {
      Invalid(pos, fmt::format("column '{}' has {} rows, the batch {}", f->name(), a->length,
                               rb->length()));
    }
    columns.push_back(std::move(a));
  }
  if (!source.exhausted()) Invalid(pos, "more field nodes or buffers than the schema needs");
  try {
    return RecordBatch::Make(schema, rb->length(), std::move(columns));
  } catch (const Error& e) {
    Invalid(pos, e.message());
  }
}

class StreamReader final : public RecordBatchReader {
 public:
  StreamReader(BufferPtr bytes, std::string source) : reader_(std::move(bytes), std::move(source)) {
    Message m = reader_.Read(0);
    schema_ = reader_.ReadSchema(m, 0);
    pos_ = m.end;
  }
  SchemaPtr schema() const override { return schema_; }
  RecordBatchPtr Next() override {
    if (done_) return nullptr;
    const uint64_t at = pos_;
    Message m = reader_.Read(at);
    if (m.meta == nullptr) {
      done_ = true;
      return nullptr;
    }
    pos_ = m.end;
    return reader_.ReadBatch(m, schema_, at);
  }

 private:
  MessageReader reader_;
  SchemaPtr schema_;
  uint64_t pos_ = 0;
  bool done_ = false;
};

bool HasFileMagic(const Buffer& b) {
  return b.size() >= 6 && std::memcmp(b.data(), kMagic.data(), 6) == 0;
}

}  // namespace

std::shared_ptr<RecordBatchReader> OpenStream(BufferPtr bytes, std::string source) {
  return std::make_shared<StreamReader>(std::move(bytes), std::move(source));
}

struct FileReader::Impl {
  MessageReader reader;
  SchemaPtr schema;
  std::vector<fb::Block> blocks;
};

std::shared_ptr<FileReader> FileReader::Open(BufferPtr bytes, std::string source) {
  const int64_t size = bytes->size();
  MessageReader reader(bytes, source);
  if (size < 6 + 2 + 4 + 6 || !HasFileMagic(*bytes) ||
      std::memcmp(bytes->data() + size - 6, kMagic.data(), 6) != 0) {
    Fail(ErrorKind::kInvalidInput, "{}: not an Arrow IPC file (no ARROW1 magic at both ends)",
         source);
  }
  int32_t footer_len;
  std::memcpy(&footer_len, bytes->data() + size - 10, 4);
  if (footer_len <= 0 || footer_len > size - 18) {
    reader.Invalid(static_cast<uint64_t>(size - 10),
                   fmt::format("bad footer length {}", footer_len));
  }
  const int64_t footer_pos = size - 10 - footer_len;
  const uint8_t* footer_bytes = bytes->data() + footer_pos;
  // Flatbuffers need their root 4-byte aligned; copy a misaligned footer.
  std::vector<uint8_t> aligned;
  if (reinterpret_cast<uintptr_t>(footer_bytes) % 8 != 0) {
    aligned.assign(footer_bytes, footer_bytes + footer_len);
    footer_bytes = aligned.data();
  }
  flatbuffers::Verifier verifier(footer_bytes, static_cast<size_t>(footer_len));
  if (!verifier.VerifyBuffer<fb::Footer>(nullptr)) {
    reader.Invalid(static_cast<uint64_t>(footer_pos), "footer fails verification");
  }
  const auto* footer = flatbuffers::GetRoot<fb::Footer>(footer_bytes);
  auto impl = std::make_unique<Impl>(Impl{reader, ParseSchema(footer->schema(), source), {}});
  if (footer->dictionaries() != nullptr && footer->dictionaries()->size() > 0) {
    reader.Invalid(static_cast<uint64_t>(footer_pos), "dictionary batches are not supported");
  }
  if (footer->recordBatches() != nullptr) {
    for (const auto* b : *footer->recordBatches()) {
      if (b->offset() < 8 || b->offset() >= footer_pos) {
        reader.Invalid(static_cast<uint64_t>(footer_pos),
                       fmt::format("record batch block at {} outside the file", b->offset()));
      }
      impl->blocks.push_back(*b);
    }
  }
  return std::make_shared<FileReader>(std::move(impl));
}

FileReader::FileReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileReader::~FileReader() = default;
SchemaPtr FileReader::schema() const {
  return impl_->schema;
}
int FileReader::num_batches() const {
  return static_cast<int>(impl_->blocks.size());
}

RecordBatchPtr FileReader::ReadBatch(int i) const {
  if (i < 0 || i >= num_batches()) {
    Fail(ErrorKind::kInvalidInput, "{}: batch {} requested, the file has {}",
         impl_->reader.source(), i, num_batches());
  }
  const auto pos = static_cast<uint64_t>(impl_->blocks[static_cast<size_t>(i)].offset());
  Message m = impl_->reader.Read(pos);
  if (m.meta == nullptr) impl_->reader.Invalid(pos, "record batch block points at end of stream");
  return impl_->reader.ReadBatch(m, impl_->schema, pos);
}

BufferPtr ReadWholeFile(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) Fail(ErrorKind::kIO, "cannot read '{}': {}", path.string(), ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail(ErrorKind::kIO, "cannot open '{}': {}", path.string(), std::strerror(errno));
  BufferPtr b = Buffer::Allocate(static_cast<int64_t>(size));
  if (size > 0 &&
      !in.read(reinterpret_cast<char*>(b->mutable_data()), static_cast<std::streamsize>(size))) {
    Fail(ErrorKind::kIO, "cannot read '{}': short read", path.string());
  }
  return b;
}

std::vector<RecordBatchPtr> ReadFile(const std::filesystem::path& path, SchemaPtr* schema) {
  BufferPtr bytes = ReadWholeFile(path);
  std::vector<RecordBatchPtr> out;
  if (HasFileMagic(*bytes)) {
    auto reader = FileReader::Open(bytes, path.string());
    for (int i = 0; i < reader->num_batches(); ++i)
      out.push_back(reader->ReadBatch(i));
    if (schema) *schema = reader->schema();
  } else {
    auto reader = OpenStream(bytes, path.string());
    while (auto batch = reader->Next())
      out.push_back(std::move(batch));
    if (schema) *schema = reader->schema();
  }
  return out;
}

}  // namespace llkv::arrow::ipc
