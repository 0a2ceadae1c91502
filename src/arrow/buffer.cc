#include "llkv/arrow/buffer.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <utility>

#include "common/bit_util.h"
#include "llkv/common/error.h"

namespace llkv::arrow {

namespace {

// Every allocation is at least one 64-byte line so that data() is never null
// and a zero-length buffer still has a valid, aligned address.
uint8_t* AlignedAlloc(int64_t capacity) {
  const size_t bytes = static_cast<size_t>(std::max<int64_t>(capacity, bit_util::kAlignment));
  void* p = std::aligned_alloc(bit_util::kAlignment, bytes);
  if (p == nullptr) {
    Fail(ErrorKind::kOutOfRange, "out of memory allocating {} bytes", bytes);
  }
  return static_cast<uint8_t*>(p);
}

std::shared_ptr<const void> OwnAllocation(uint8_t* p) {
  return std::shared_ptr<const void>(p, [](const void* q) { std::free(const_cast<void*>(q)); });
}

}  // namespace

BufferPtr Buffer::Allocate(int64_t size) {
  LLKV_CHECK(size >= 0, "negative buffer size {}", size);
  const int64_t capacity = bit_util::RoundUp(size, bit_util::kAlignment);
  uint8_t* p = AlignedAlloc(capacity);
  std::memset(p, 0, static_cast<size_t>(std::max<int64_t>(capacity, bit_util::kAlignment)));
  return std::make_shared<Buffer>(p, size, OwnAllocation(p));
}

BufferPtr Buffer::Copy(const void* data, int64_t size) {
  BufferPtr b = Allocate(size);
  if (size > 0) std::memcpy(b->mutable_data(), data, static_cast<size_t>(size));
  return b;
}

BufferPtr Buffer::Wrap(const uint8_t* data, int64_t size, std::shared_ptr<const void> owner) {
  return std::make_shared<Buffer>(data, size, std::move(owner));
}

BufferPtr Buffer::Slice(const BufferPtr& parent, int64_t offset, int64_t length) {
  LLKV_CHECK(offset >= 0 && length >= 0 && offset + length <= parent->size(),
             "slice [{}, +{}) outside buffer of {} bytes", offset, length, parent->size());
  return std::make_shared<Buffer>(parent->data() + offset, length, parent);
}

BufferBuilder& BufferBuilder::operator=(BufferBuilder&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

BufferBuilder::~BufferBuilder() {
  std::free(data_);
}

void BufferBuilder::Grow(int64_t min_capacity) {
  const int64_t capacity =
      bit_util::RoundUp(std::max<int64_t>(min_capacity, capacity_ * 2), bit_util::kAlignment);
  uint8_t* p = AlignedAlloc(capacity);
  if (size_ > 0) std::memcpy(p, data_, static_cast<size_t>(size_));
  std::free(data_);
  data_ = p;
  capacity_ = capacity;
}

void BufferBuilder::Resize(int64_t new_size) {
  if (new_size > size_) {
    Extend(new_size - size_);
  } else {
    size_ = new_size;
  }
}

BufferPtr BufferBuilder::Finish() {
  if (data_ == nullptr) return Buffer::Allocate(0);
  // Zero the padding so that serialized buffers are deterministic.
  const int64_t padded = bit_util::RoundUp(size_, bit_util::kAlignment);
  Reserve(padded - size_);
  std::memset(data_ + size_, 0, static_cast<size_t>(padded - size_));
  uint8_t* p = std::exchange(data_, nullptr);
  const int64_t size = std::exchange(size_, 0);
  capacity_ = 0;
  return std::make_shared<Buffer>(p, size, OwnAllocation(p));
}

}  // namespace llkv::arrow
