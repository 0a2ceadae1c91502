// Conversion between LLKV's schemas and the Arrow IPC flatbuffers
// (generated at build time from ipc_format.fbs).
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <string>

#include "ipc_format_generated.h"
#include "llkv/arrow/type.h"

namespace llkv::arrow::ipc {

namespace fb = llkv::arrow::ipc::fb;

flatbuffers::Offset<fb::Schema> BuildSchema(flatbuffers::FlatBufferBuilder& b,
                                            const Schema& schema);

// Throws InvalidInput naming `source` and the field for anything LLKV does
// not support (dictionaries, big-endian data, unsupported types or units).
SchemaPtr ParseSchema(const fb::Schema* schema, const std::string& source);

}  // namespace llkv::arrow::ipc
