// MD5 (RFC 1321), for the sqllogictest format's result hashes. Not for
// security.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace llkv {

class Md5 {
 public:
  Md5();
  void Update(std::string_view data);
  // The digest as 32 lower-case hex digits. Call once.
  std::string HexDigest();

 private:
  void Block(const uint8_t* p);

  uint32_t state_[4];
  uint64_t length_ = 0;  // bytes
  uint8_t buffer_[64];
  size_t buffered_ = 0;
};

}  // namespace llkv
