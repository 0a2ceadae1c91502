// The Arrow IPC stream and file formats ("Arrow IPC Format" in the Arrow
// columnar format specification), metadata version V5, little-endian,
// without compression or dictionaries.
//
//   stream  a Schema message, then RecordBatch messages, then the
//           end-of-stream marker (0xFFFFFFFF, 0). Each message is the
//           continuation marker 0xFFFFFFFF, an int32 metadata length, a
//           Message flatbuffer padded to 8 bytes, then the body: every
//           buffer of the batch, each padded to a multiple of 64 bytes.
//   file    "ARROW1" and two zero bytes, the stream, a Footer flatbuffer
//           (schema and the position of every record batch), its int32
//           length, and "ARROW1" again. Files allow random access to batches.
//
// Readers check everything they read (flatbuffer verification, buffer
// bounds, array layouts) and throw InvalidInput naming the source, the
// message and the problem; a malformed file never crashes a reader.
// Batches read from memory are zero-copy views of that memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "llkv/arrow/record_batch.h"

namespace llkv::arrow::ipc {

// Where a writer's bytes go.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void Write(const void* data, size_t size) = 0;
  virtual uint64_t position() const = 0;
  virtual void Close() {}
};

// Bytes collected in memory.
class BufferSink final : public OutputSink {
 public:
  void Write(const void* data, size_t size) override;
  uint64_t position() const override { return bytes_.size(); }
  // The bytes written so far as a 64-byte-aligned Buffer.
  BufferPtr Finish() const;

 private:
  std::vector<uint8_t> bytes_;
};

// A file, created or truncated; write errors name the path. Close() flushes
// and reports errors; the destructor closes without reporting.
class FileSink final : public OutputSink {
 public:
  explicit FileSink(const std::filesystem::path& path);
  ~FileSink() override;
  void Write(const void* data, size_t size) override;
  uint64_t position() const override { return position_; }
  void Close() override;

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t position_ = 0;
};

// Writes the stream format (or, with `file_format`, the file format) of
// batches of one schema. Close() must be called to finish the stream or file.
class Writer {
 public:
  Writer(OutputSink* sink, SchemaPtr schema, bool file_format);
  ~Writer();
  // Throws InvalidInput if the batch's schema differs from the writer's.
  void Write(const RecordBatch& batch);
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads the stream format from `bytes`. `source` names the input in errors.
std::shared_ptr<RecordBatchReader> OpenStream(BufferPtr bytes, std::string source = "stream");

// Random access to a file-format buffer.
class FileReader {
 public:
  static std::shared_ptr<FileReader> Open(BufferPtr bytes, std::string source = "file");
  SchemaPtr schema() const;
  int num_batches() const;
  RecordBatchPtr ReadBatch(int i) const;
  ~FileReader();

  struct Impl;
  explicit FileReader(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// Reads a whole file into an aligned buffer; errors name the path.
BufferPtr ReadWholeFile(const std::filesystem::path& path);

// Conveniences.
BufferPtr WriteStreamToBuffer(const SchemaPtr& schema, const std::vector<RecordBatchPtr>& batches);
void WriteFile(const std::filesystem::path& path, const SchemaPtr& schema,
               const std::vector<RecordBatchPtr>& batches);
// Reads every batch of an IPC file at `path`, whichever of the two formats
// it is in (detected by the leading magic).
std::vector<RecordBatchPtr> ReadFile(const std::filesystem::path& path,
                                     SchemaPtr* schema = nullptr);

}  // namespace llkv::arrow::ipc
