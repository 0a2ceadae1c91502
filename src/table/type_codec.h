// Serialization of Arrow types for the column store's descriptors.
#pragma once

#include "common/bytes.h"
#include "llkv/arrow/type.h"

namespace llkv::table {

void EncodeType(ByteWriter& w, const arrow::DataType& type);
arrow::TypePtr DecodeType(ByteReader& r);

}  // namespace llkv::table
