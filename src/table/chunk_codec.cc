#include "table/chunk_codec.h"

#include "arrow/array_layout.h"
#include "common/bit_util.h"
#include "common/bytes.h"
#include "llkv/arrow/builder.h"
#include "llkv/arrow/compute.h"

namespace llkv::table {

using arrow::ArrayData;
using arrow::ArrayDataPtr;
using arrow::BufferPtr;
using arrow::TypeId;

namespace {

constexpr uint32_t kChunkMagic = 0x48434B4C;  // "LKCH"
constexpr uint16_t kChunkVersion = 1;
constexpr uint64_t kAbsent = ~uint64_t{0};

}  // namespace

std::vector<uint8_t> EncodeChunk(const ArrayDataPtr& input) {
  const ArrayDataPtr normalized = arrow::Normalize(input);
  const ArrayData* a = normalized.get();
  std::vector<arrow::FlatNode> nodes;
  std::vector<arrow::FlatBuffer> buffers;
  arrow::Flatten(*a, &nodes, &buffers);

  ByteWriter w;
  w.Put(kChunkMagic);
  w.Put(kChunkVersion);
  w.Put(uint16_t{0});
  w.Put(static_cast<uint32_t>(nodes.size()));
  w.Put(static_cast<uint32_t>(buffers.size()));
  for (const auto& n : nodes) {
    w.Put(n.length);
    w.Put(n.null_count);
  }
  const size_t table_end = w.size() + buffers.size() * 16;
  uint64_t offset = static_cast<uint64_t>(bit_util::RoundUp(static_cast<int64_t>(table_end), 64));
  for (const auto& b : buffers) {
    if (b.data == nullptr) {
      w.Put(kAbsent);
      w.Put(uint64_t{0});
      continue;
    }
    w.Put(offset);
    w.Put(static_cast<uint64_t>(b.size));
    offset += static_cast<uint64_t>(bit_util::RoundUp(b.size, 64));
  }
  w.PadTo(64);
  w.bytes().reserve(offset);
  for (const auto& b : buffers) {
    if (b.data == nullptr) continue;
    w.PutBytes({b.data, static_cast<size_t>(b.size)});
    w.PadTo(64);
  }
  return w.Take();
}

namespace {

class Decoder final : public arrow::FlatSource {
 public:
  Decoder(ByteReader& header, std::span<const uint8_t> bytes, std::shared_ptr<const void> owner,
          uint32_t nodes, uint32_t buffers, size_t node_pos, size_t buffer_pos)
      : header_(header),
        bytes_(bytes),
        owner_(std::move(owner)),
        nodes_left_(nodes),
        buffers_left_(buffers),
        node_pos_(node_pos),
        buffer_pos_(buffer_pos) {}

  arrow::FlatNode NextNode() override {
    if (nodes_left_ == 0) header_.Corrupt("fewer nodes than the type needs");
    --nodes_left_;
    arrow::FlatNode n;
    std::memcpy(&n, bytes_.data() + node_pos_, sizeof n);
    node_pos_ += sizeof n;
    return n;
  }

  BufferPtr NextBuffer(bool validity) override {
    if (buffers_left_ == 0) header_.Corrupt("fewer buffers than the type needs");
    --buffers_left_;
    uint64_t off, len;
    std::memcpy(&off, bytes_.data() + buffer_pos_, 8);
    std::memcpy(&len, bytes_.data() + buffer_pos_ + 8, 8);
    buffer_pos_ += 16;
    // Empty data buffers may have been written as absent (no allocation).
    if (off == kAbsent) return validity ? nullptr : arrow::Buffer::Allocate(0);
    if (off > bytes_.size() || len > bytes_.size() - off)
      header_.Corrupt("buffer outside the chunk");
    if (off % 64 != 0) header_.Corrupt("misaligned buffer");
    return arrow::Buffer::Wrap(bytes_.data() + off, static_cast<int64_t>(len), owner_);
  }

  [[noreturn]] void Invalid(const std::string& problem) const override { header_.Corrupt(problem); }

  bool exhausted() const { return nodes_left_ == 0 && buffers_left_ == 0; }

 private:
  ByteReader& header_;
  std::span<const uint8_t> bytes_;
  std::shared_ptr<const void> owner_;
  uint32_t nodes_left_;
  uint32_t buffers_left_;
  size_t node_pos_;
  size_t buffer_pos_;
};

}  // namespace

ArrayDataPtr DecodeChunk(const arrow::TypePtr& type, std::span<const uint8_t> bytes,
                         std::shared_ptr<const void> owner, const std::string& what,
                         bool validate_values) {
  ByteReader r(bytes, what);
  if (r.Get<uint32_t>() != kChunkMagic) r.Corrupt("not a column chunk (bad magic)");
  if (r.Get<uint16_t>() != kChunkVersion) r.Corrupt("unknown column chunk version");
  r.Get<uint16_t>();
  const uint32_t node_count = r.GetCount(16);
  const uint32_t buffer_count = r.Get<uint32_t>();
  const size_t node_pos = r.pos();
  const size_t buffer_pos = node_pos + size_t{node_count} * 16;
  if (buffer_count > (bytes.size() - buffer_pos) / 16) r.Corrupt("buffer table past the end");
  Decoder d(r, bytes, std::move(owner), node_count, buffer_count, node_pos, buffer_pos);
  ArrayDataPtr out = arrow::Assemble(type, d);
  if (!d.exhausted()) r.Corrupt("more nodes or buffers than the type");
  if (validate_values) out->Validate(/*corruption=*/true);
  return out;
}

}  // namespace llkv::table
