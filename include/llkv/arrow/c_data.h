// The Arrow C Data Interface and C Stream Interface: the ABI through which
// LLKV hands Arrow data to other libraries (DuckDB, pyarrow, arrow-rs, ...)
// and takes theirs, without copying.
//
// Ownership rules, as the specification defines them:
//   * Export fills a caller-provided struct. The consumer owns it from then
//     on and must call its `release` exactly once (moving the struct by
//     memcpy and marking the source released, release = NULL, is allowed).
//     Exported buffers stay valid until release, however long LLKV's own
//     references live.
//   * Import takes ownership of a producer's struct: the struct passed in is
//     marked released (moved from) and the producer's release callback runs
//     when the last LLKV buffer that points into its memory is dropped. On
//     error the struct is released too, so the caller never leaks it.
//   * Imported arrays are validated against their type before use; malformed
//     input gives an InvalidInput error naming the problem, never a crash on
//     a later read.
//
// Supported formats: every type in llkv/arrow/type.h. Anything else
// (dictionary encoding, timestamps in units other than microseconds, ...)
// is rejected with an error naming the format string.
#pragma once

#include <cstdint>

#include "llkv/arrow/record_batch.h"

extern "C" {

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE
}

namespace llkv::arrow {

// ---- export (LLKV -> consumer)
void ExportType(const DataType& type, ArrowSchema* out);
void ExportField(const Field& field, ArrowSchema* out);
// A schema exports as a struct type whose children are its fields.
void ExportSchema(const Schema& schema, ArrowSchema* out);
void ExportArray(const ArrayDataPtr& array, ArrowArray* out);
// A record batch exports as a struct array (no nulls) of its columns.
void ExportRecordBatch(const RecordBatch& batch, ArrowArray* out);

// ---- import (producer -> LLKV); each call takes ownership of its input
FieldPtr ImportField(ArrowSchema* schema);
TypePtr ImportType(ArrowSchema* schema);
SchemaPtr ImportSchema(ArrowSchema* schema);
ArrayDataPtr ImportArray(ArrowArray* array, const TypePtr& type);
RecordBatchPtr ImportRecordBatch(ArrowArray* array, const SchemaPtr& schema);

// ---- streams
// Exports `reader` as a C stream; errors thrown by the reader surface through
// get_next's return code and get_last_error.
void ExportRecordBatchReader(std::shared_ptr<RecordBatchReader> reader, ArrowArrayStream* out);
// Wraps a producer's stream; takes ownership of it.
std::shared_ptr<RecordBatchReader> ImportRecordBatchReader(ArrowArrayStream* stream);

}  // namespace llkv::arrow
