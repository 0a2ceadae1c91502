// Checksums of stored bytes (XXH3-64 from Debian's libxxhash: tens of GB/s,
// so verification costs little next to reading the bytes at all).
#pragma once

#include <cstddef>
#include <cstdint>

namespace llkv {

uint64_t Checksum64(const void* data, size_t size);

}  // namespace llkv
