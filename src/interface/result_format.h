// How the llkv shell prints results: box tables (default), CSV with a
// header row (NULL as an empty field, RFC 4180 quoting) or JSON (an array
// of objects per result, NULL as null).
#pragma once

#include <string>
#include <vector>

#include "llkv/arrow/record_batch.h"

namespace llkv::interface {

enum class OutputMode { kBox, kCsv, kJson };

// Parses "box", "csv" or "json"; false for anything else.
bool ParseOutputMode(const std::string& name, OutputMode* mode);

std::string FormatResult(OutputMode mode, const arrow::Schema& schema,
                         const std::vector<arrow::RecordBatchPtr>& batches);

}  // namespace llkv::interface
