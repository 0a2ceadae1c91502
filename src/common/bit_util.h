// Bit and alignment helpers shared by the Arrow core and the storage layers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace llkv::bit_util {

// Arrow pads and aligns every buffer to 64 bytes.
inline constexpr size_t kAlignment = 64;

constexpr int64_t RoundUp(int64_t value, int64_t factor) {
  return (value + factor - 1) / factor * factor;
}
constexpr int64_t BytesForBits(int64_t bits) {
  return (bits + 7) >> 3;
}

// Validity bitmaps and boolean values are LSB-ordered, as Arrow defines.
inline bool GetBit(const uint8_t* bits, int64_t i) {
  return (bits[i >> 3] >> (i & 7)) & 1;
}
inline void SetBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] |= uint8_t(1u << (i & 7));
}
inline void ClearBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] &= uint8_t(~(1u << (i & 7)));
}
inline void SetBitTo(uint8_t* bits, int64_t i, bool v) {
  bits[i >> 3] = uint8_t((bits[i >> 3] & ~(1u << (i & 7))) | (uint32_t(v) << (i & 7)));
}

// Number of set bits in [offset, offset + length).
int64_t CountSetBits(const uint8_t* bits, int64_t offset, int64_t length);

// Copies `length` bits from src starting at src_offset into dst starting at
// dst_offset; bits of dst outside the range are preserved.
void CopyBits(const uint8_t* src, int64_t src_offset, int64_t length, uint8_t* dst,
              int64_t dst_offset);

// Sets `length` bits of dst starting at offset to `value`.
void SetBitsTo(uint8_t* dst, int64_t offset, int64_t length, bool value);

}  // namespace llkv::bit_util
