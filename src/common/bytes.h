// Little-endian encoding of LLKV's own metadata records (catalogs,
// descriptors). ByteReader checks every read against the end of its input and
// throws Corruption naming `what` it was decoding, so a damaged record can
// never make the reader run off the end of its bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "llkv/common/error.h"

namespace llkv {

class ByteWriter {
 public:
  template <typename T>
  requires std::is_trivially_copyable_v<T>
  void Put(const T& v) { std::memcpy(Extend(sizeof(T)), &v, sizeof(T)); }
  void PutString(std::string_view s) {
    Put(static_cast<uint32_t>(s.size()));
    if (!s.empty()) std::memcpy(Extend(s.size()), s.data(), s.size());
  }
  void PutBytes(std::span<const uint8_t> b) {
    if (!b.empty()) std::memcpy(Extend(b.size()), b.data(), b.size());
  }
  void PadTo(size_t alignment) {
    while (out_.size() % alignment != 0)
      out_.push_back(0);
  }
  size_t size() const { return out_.size(); }
  std::vector<uint8_t>& bytes() { return out_; }
  std::vector<uint8_t> Take() { return std::move(out_); }

 private:
  // Grows the output by n bytes and returns where they start. Out of line:
  // inlined into callers, vector growth trips GCC 12's -Warray-bounds and
  // -Wstringop-overflow analysis with false reports at -O3.
  [[gnu::noinline]] uint8_t* Extend(size_t n) {
    const size_t at = out_.size();
    out_.resize(at + n);
    return out_.data() + at;
  }

  std::vector<uint8_t> out_;
};

class ByteReader {
 public:
  ByteReader(std::span<const uint8_t> in, std::string what) : in_(in), what_(std::move(what)) {}

  template <typename T>
  requires std::is_trivially_copyable_v<T> T Get() {
    Need(sizeof(T));
    T v;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string GetString() {
    const uint32_t n = Get<uint32_t>();
    Need(n);
    std::string s(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  // A count of records of at least `min_record_bytes` each; rejects counts
  // the remaining bytes cannot hold, so corrupt counts never cause huge
  // allocations.
  uint32_t GetCount(size_t min_record_bytes) {
    const uint32_t n = Get<uint32_t>();
    if (min_record_bytes > 0 && n > remaining() / min_record_bytes) {
      Fail(ErrorKind::kCorruption, "{}: count {} exceeds the {} bytes left", what_, n, remaining());
    }
    return n;
  }
  size_t pos() const { return pos_; }
  size_t remaining() const { return in_.size() - pos_; }
  void ExpectEnd() const {
    if (pos_ != in_.size()) {
      Fail(ErrorKind::kCorruption, "{}: {} unexpected trailing bytes", what_, in_.size() - pos_);
    }
  }
  [[noreturn]] void Corrupt(std::string_view problem) const {
    Fail(ErrorKind::kCorruption, "{}: {}", what_, problem);
  }
  const std::string& what() const { return what_; }

 private:
  void Need(size_t n) const {
    if (n > in_.size() - pos_) {
      Fail(ErrorKind::kCorruption, "{}: truncated at byte {} (needs {} more of {})", what_, pos_, n,
           in_.size() - pos_);
    }
  }
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
  std::string what_;
};

}  // namespace llkv
