// Arrow C Stream Interface: RecordBatchReader <-> ArrowArrayStream.
#include <cerrno>

#include "llkv/arrow/c_data.h"
#include "llkv/common/error.h"

namespace llkv::arrow {

namespace {

struct StreamPrivate {
  std::shared_ptr<RecordBatchReader> reader;
  std::string last_error;
};

StreamPrivate* Priv(ArrowArrayStream* s) {
  return static_cast<StreamPrivate*>(s->private_data);
}

// Runs `f`, turning any exception into an errno-style code and remembering
// its message for get_last_error, as the C stream contract requires.
template <typename F>
int Guarded(ArrowArrayStream* s, F&& f) {
  try {
    f();
    return 0;
  } catch (const Error& e) {
    Priv(s)->last_error = e.what();
    return e.kind() == ErrorKind::kInvalidInput ? EINVAL : EIO;
  } catch (const std::bad_alloc&) {
    Priv(s)->last_error = "out of memory";
    return ENOMEM;
  } catch (const std::exception& e) {
    Priv(s)->last_error = e.what();
    return EIO;
  }
}

int GetSchema(ArrowArrayStream* s, ArrowSchema* out) {
  return Guarded(s, [&] { ExportSchema(*Priv(s)->reader->schema(), out); });
}

int GetNext(ArrowArrayStream* s, ArrowArray* out) {
  return Guarded(s, [&] {
    RecordBatchPtr batch = Priv(s)->reader->Next();
    if (!batch) {
      out->release = nullptr;  // end of stream
      return;
    }
    ExportRecordBatch(*batch, out);
  });
}

const char* GetLastError(ArrowArrayStream* s) {
  const std::string& e = Priv(s)->last_error;
  return e.empty() ? nullptr : e.c_str();
}

void ReleaseStream(ArrowArrayStream* s) {
  if (s == nullptr || s->release == nullptr) return;
  delete Priv(s);
  s->release = nullptr;
}

// A producer's stream seen as a RecordBatchReader.
class ImportedReader final : public RecordBatchReader {
 public:
  explicit ImportedReader(ArrowArrayStream* stream) : stream_(*stream) {
    stream->release = nullptr;  // moved
    try {
      ArrowSchema schema;
      Check(stream_.get_schema(&stream_, &schema), "get_schema");
      schema_ = ImportSchema(&schema);
    } catch (...) {
      stream_.release(&stream_);  // the destructor will not run
      throw;
    }
  }
  ~ImportedReader() override {
    if (stream_.release != nullptr) stream_.release(&stream_);
  }
  SchemaPtr schema() const override { return schema_; }
  RecordBatchPtr Next() override {
    if (done_) return nullptr;
    ArrowArray array;
    Check(stream_.get_next(&stream_, &array), "get_next");
    if (array.release == nullptr) {
      done_ = true;
      return nullptr;
    }
    return ImportRecordBatch(&array, schema_);
  }

 private:
  void Check(int rc, const char* what) {
    if (rc == 0) return;
    const char* msg = stream_.get_last_error ? stream_.get_last_error(&stream_) : nullptr;
    Fail(ErrorKind::kIO, "C stream {} failed (code {}): {}", what, rc, msg ? msg : "no message");
  }

  ArrowArrayStream stream_;
  SchemaPtr schema_;
  bool done_ = false;
};

}  // namespace

void ExportRecordBatchReader(std::shared_ptr<RecordBatchReader> reader, ArrowArrayStream* out) {
  if (!reader) Fail(ErrorKind::kInvalidInput, "cannot export a null reader as a C stream");
  out->get_schema = GetSchema;
  out->get_next = GetNext;
  out->get_last_error = GetLastError;
  out->release = ReleaseStream;
  out->private_data = new StreamPrivate{std::move(reader), {}};
}

std::shared_ptr<RecordBatchReader> ImportRecordBatchReader(ArrowArrayStream* stream) {
  if (stream == nullptr || stream->release == nullptr) {
    Fail(ErrorKind::kInvalidInput, "C stream is null or already released");
  }
  return std::make_shared<ImportedReader>(stream);
}

}  // namespace llkv::arrow
