// What the llkv program prints about a database until the SQL shell exists:
// the storage it opened and the columns its column store holds.
#pragma once

#include <string>

namespace llkv::interface {

// Opens `path` (":memory:" for a fresh in-memory database) and describes its
// contents. Throws llkv::Error naming the file when it cannot be opened.
std::string DescribeDatabase(const std::string& path);

}  // namespace llkv::interface
