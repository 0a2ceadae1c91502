#include "table/chunk_codec.h"

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

struct Node {
  int64_t length;
  int64_t null_count;
};
struct BufferRef {
  const uint8_t* data;  // null when absent
  int64_t size;
};

// True when the array's buffers can be written as they are: offset 0 and,
// for offset layouts, a first offset of 0.
bool IsNormalized(const ArrayData& a) {
  if (a.offset != 0) return false;
  switch (a.type->id()) {
    case TypeId::kUtf8:
    case TypeId::kBinary: return a.length == 0 || a.values<int32_t>(1)[0] == 0;
    case TypeId::kList:
      return (a.length == 0 || a.values<int32_t>(1)[0] == 0) && IsNormalized(*a.children[0]);
    case TypeId::kLargeUtf8: return a.length == 0 || a.values<int64_t>(1)[0] == 0;
    case TypeId::kStruct:
      for (const auto& c : a.children) {
        if (!IsNormalized(*c) || c->length != a.length) return false;
      }
      return true;
    default: return true;
  }
}

void Collect(const ArrayData& a, std::vector<Node>& nodes, std::vector<BufferRef>& buffers) {
  nodes.push_back({a.length, a.null_count});
  const TypeId id = a.type->id();
  if (id == TypeId::kNull) return;
  const BufferPtr& validity = a.buffers[0];
  buffers.push_back(validity ? BufferRef{validity->data(), bit_util::BytesForBits(a.length)}
                             : BufferRef{nullptr, 0});
  switch (id) {
    case TypeId::kStruct:
      for (const auto& c : a.children) Collect(*c, nodes, buffers);
      return;
    case TypeId::kList: {
      buffers.push_back({a.buffers[1]->data(), (a.length + 1) * 4});
      Collect(*a.children[0], nodes, buffers);
      return;
    }
    case TypeId::kUtf8:
    case TypeId::kBinary: {
      const int32_t end = a.values<int32_t>(1)[a.length];
      buffers.push_back({a.buffers[1]->data(), (a.length + 1) * 4});
      buffers.push_back({a.buffers[2]->data(), end});
      return;
    }
    case TypeId::kLargeUtf8: {
      const int64_t end = a.values<int64_t>(1)[a.length];
      buffers.push_back({a.buffers[1]->data(), (a.length + 1) * 8});
      buffers.push_back({a.buffers[2]->data(), end});
      return;
    }
    default:
      buffers.push_back({a.buffers[1]->data(), bit_util::BytesForBits(a.length * a.type->bit_width())});
      return;
  }
}

}  // namespace

std::vector<uint8_t> EncodeChunk(const ArrayData& input) {
  ArrayDataPtr normalized;
  const ArrayData* a = &input;
  if (!IsNormalized(input)) {
    auto b = arrow::MakeBuilder(input.type);
    b->AppendRange(input, 0, input.length);
    normalized = b->Finish();
    a = normalized.get();
  }
  std::vector<Node> nodes;
  std::vector<BufferRef> buffers;
  Collect(*a, nodes, buffers);

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

struct Decoder {
  ByteReader& header;
  std::span<const uint8_t> bytes;
  std::shared_ptr<const void> owner;
  uint32_t nodes_left;
  uint32_t buffers_left;
  size_t node_pos;
  size_t buffer_pos;

  Node NextNode() {
    if (nodes_left == 0) header.Corrupt("fewer nodes than the type needs");
    --nodes_left;
    Node n;
    std::memcpy(&n, bytes.data() + node_pos, sizeof n);
    node_pos += sizeof n;
    if (n.length < 0 || n.null_count < 0 || n.null_count > n.length) header.Corrupt("bad node");
    return n;
  }

  BufferPtr NextBuffer() {
    if (buffers_left == 0) header.Corrupt("fewer buffers than the type needs");
    --buffers_left;
    uint64_t off, len;
    std::memcpy(&off, bytes.data() + buffer_pos, 8);
    std::memcpy(&len, bytes.data() + buffer_pos + 8, 8);
    buffer_pos += 16;
    if (off == kAbsent) return nullptr;
    if (off > bytes.size() || len > bytes.size() - off) header.Corrupt("buffer outside the chunk");
    return arrow::Buffer::Wrap(bytes.data() + off, static_cast<int64_t>(len), owner);
  }

  ArrayDataPtr Decode(const arrow::TypePtr& type) {
    auto out = std::make_shared<ArrayData>();
    out->type = type;
    const Node n = NextNode();
    out->length = n.length;
    out->null_count = n.null_count;
    if (type->id() == TypeId::kNull) return out;
    out->buffers.push_back(NextBuffer());
    switch (type->id()) {
      case TypeId::kStruct:
        for (const auto& f : type->fields()) out->children.push_back(Decode(f->type()));
        break;
      case TypeId::kList:
        out->buffers.push_back(NextBuffer());
        out->children.push_back(Decode(type->value_type()));
        break;
      case TypeId::kUtf8:
      case TypeId::kBinary:
      case TypeId::kLargeUtf8:
        out->buffers.push_back(NextBuffer());
        out->buffers.push_back(NextBuffer());
        if (!out->buffers[2]) out->buffers[2] = arrow::Buffer::Allocate(0);
        break;
      default: out->buffers.push_back(NextBuffer()); break;
    }
    for (size_t i = 1; i < out->buffers.size(); ++i) {
      if (!out->buffers[i]) header.Corrupt("a required buffer is absent");
    }
    return out;
  }
};

}  // namespace

ArrayDataPtr DecodeChunk(const arrow::TypePtr& type, std::span<const uint8_t> bytes,
                         std::shared_ptr<const void> owner, const std::string& what) {
  ByteReader r(bytes, what);
  if (r.Get<uint32_t>() != kChunkMagic) r.Corrupt("not a column chunk (bad magic)");
  if (r.Get<uint16_t>() != kChunkVersion) r.Corrupt("unknown column chunk version");
  r.Get<uint16_t>();
  const uint32_t node_count = r.GetCount(16);
  const uint32_t buffer_count = r.Get<uint32_t>();
  const size_t node_pos = r.pos();
  const size_t buffer_pos = node_pos + size_t{node_count} * 16;
  if (buffer_count > (bytes.size() - buffer_pos) / 16) r.Corrupt("buffer table past the end");
  Decoder d{r, bytes, std::move(owner), node_count, buffer_count, node_pos, buffer_pos};
  ArrayDataPtr out = d.Decode(type);
  if (d.nodes_left != 0 || d.buffers_left != 0) r.Corrupt("more nodes or buffers than the type");
  out->Validate(/*corruption=*/true);
  return out;
}

}  // namespace llkv::table
