// SHA-1 and SHA-256 (FIPS 180-4) for the sha1() and sha256() SQL functions.
// SHA-1 is broken for signatures; it is here because SQL users compare its
// digests with other systems', not for security.
#pragma once

#include <string>
#include <string_view>

namespace llkv {

// The digest of `data` as lower-case hex digits (40 for SHA-1, 64 for
// SHA-256).
std::string Sha1Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);

}  // namespace llkv
