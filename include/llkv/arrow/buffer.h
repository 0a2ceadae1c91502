// Immutable, reference-counted byte buffers.
//
// A Buffer is a view of bytes plus an owner that keeps them alive: its own
// 64-byte-aligned allocation, a parent buffer (for slices), or any foreign
// keep-alive such as a pager read handle or an imported C Data Interface
// array. The bytes never change while any Buffer refers to them, so Buffers
// may be shared freely across threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace llkv::arrow {

class Buffer {
 public:
  // A new zero-initialised buffer of `size` bytes, 64-byte aligned, with
  // capacity rounded up to a multiple of 64 (the padding is zeroed too).
  // The bytes are writable through mutable_data() until the buffer is shared.
  static std::shared_ptr<Buffer> Allocate(int64_t size);
  // A 64-byte-aligned copy of `size` bytes at `data`.
  static std::shared_ptr<Buffer> Copy(const void* data, int64_t size);
  // Views foreign bytes; `owner` keeps them alive for the buffer's lifetime.
  static std::shared_ptr<Buffer> Wrap(const uint8_t* data, int64_t size,
                                      std::shared_ptr<const void> owner);

  const uint8_t* data() const { return data_; }
  // Writable bytes; only for the creator of a buffer made by Allocate, before
  // the buffer is handed to anyone else.
  uint8_t* mutable_data() { return const_cast<uint8_t*>(data_); }
  int64_t size() const { return size_; }
  template <typename T>
  const T* data_as() const {
    return reinterpret_cast<const T*>(data_);
  }

  // Zero-copy view of [offset, offset + length); keeps this buffer alive.
  static std::shared_ptr<Buffer> Slice(const std::shared_ptr<Buffer>& parent, int64_t offset,
                                       int64_t length);

  bool Equals(const Buffer& other) const {
    return size_ == other.size_ && std::memcmp(data_, other.data_, static_cast<size_t>(size_)) == 0;
  }

  Buffer(const uint8_t* data, int64_t size, std::shared_ptr<const void> owner)
      : data_(data), size_(size), owner_(std::move(owner)) {}

 private:
  const uint8_t* data_;
  int64_t size_;
  std::shared_ptr<const void> owner_;
};

using BufferPtr = std::shared_ptr<Buffer>;

// A growable, 64-byte-aligned byte buffer for builders. Finish() hands the
// bytes over as an immutable Buffer without copying.
class BufferBuilder {
 public:
  BufferBuilder() = default;
  BufferBuilder(const BufferBuilder&) = delete;
  BufferBuilder& operator=(const BufferBuilder&) = delete;
  BufferBuilder(BufferBuilder&& other) noexcept { *this = std::move(other); }
  BufferBuilder& operator=(BufferBuilder&& other) noexcept;
  ~BufferBuilder();

  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }

  // Ensures room for `additional` more bytes beyond size().
  void Reserve(int64_t additional) {
    if (size_ + additional > capacity_) Grow(size_ + additional);
  }
  // Grows size() by `n` bytes, zeroed; returns a pointer to the first.
  uint8_t* Extend(int64_t n) {
    if (n == 0) return data_ + size_;
    Reserve(n);
    uint8_t* p = data_ + size_;
    std::memset(p, 0, static_cast<size_t>(n));
    size_ += n;
    return p;
  }
  void Append(const void* bytes, int64_t n) {
    if (n == 0) return;  // memcpy with a null pointer is undefined even for 0 bytes
    Reserve(n);
    std::memcpy(data_ + size_, bytes, static_cast<size_t>(n));
    size_ += n;
  }
  template <typename T>
  void AppendValue(const T& v) {
    Append(&v, sizeof(T));
  }
  void Resize(int64_t new_size);  // new bytes are zeroed
  // Returns the bytes as a Buffer and leaves the builder empty.
  BufferPtr Finish();

 private:
  void Grow(int64_t min_capacity);

  uint8_t* data_ = nullptr;
  int64_t size_ = 0;
  int64_t capacity_ = 0;
};

}  // namespace llkv::arrow
