#include "common/checksum.h"

#include <xxhash.h>

namespace llkv {

uint64_t Checksum64(const void* data, size_t size) {
  return XXH3_64bits(data, size);
}

}  // namespace llkv
