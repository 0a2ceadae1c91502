#include "table/column_descriptor.h"

#include <fmt/format.h>

#include "table/type_codec.h"

namespace llkv::table {

namespace {
constexpr uint32_t kCatalogMagic = 0x5443564C;     // "LVCT"
constexpr uint32_t kDescriptorMagic = 0x5344564C;  // "LVDS"
constexpr uint32_t kPageMagic = 0x4750564C;        // "LVPG"
constexpr uint16_t kVersion = 1;

void PutHeader(ByteWriter& w, uint32_t magic) {
  w.Put(magic);
  w.Put(kVersion);
  w.Put(uint16_t{0});
}

void CheckHeader(ByteReader& r, uint32_t magic, const char* kind) {
  if (r.Get<uint32_t>() != magic) r.Corrupt(fmt::format("not a {} (bad magic)", kind));
  const uint16_t v = r.Get<uint16_t>();
  if (v != kVersion) r.Corrupt(fmt::format("unknown {} version {}", kind, v));
  r.Get<uint16_t>();
}
}  // namespace

size_t ColumnState::num_chunks() const {
  size_t n = 0;
  for (const auto& p : pages)
    n += p->chunks.size();
  return n;
}

std::vector<uint8_t> EncodeCatalog(const CatalogRecord& c) {
  ByteWriter w;
  PutHeader(w, kCatalogMagic);
  w.Put(static_cast<uint32_t>(c.columns.size()));
  for (const auto& [id, key] : c.columns) {
    w.Put(id.Pack());
    w.Put(key);
  }
  w.Put(static_cast<uint32_t>(c.pending_frees.size()));
  for (PhysicalKey k : c.pending_frees)
    w.Put(k);
  return w.Take();
}

CatalogRecord DecodeCatalog(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, "column store catalog (key 0)");
  CheckHeader(r, kCatalogMagic, "column store catalog");
  CatalogRecord c;
  const uint32_t n = r.GetCount(16);
  for (uint32_t i = 0; i < n; ++i) {
    const auto id = LogicalFieldId::Unpack(r.Get<uint64_t>());
    c.columns.emplace_back(id, r.Get<PhysicalKey>());
  }
  const uint32_t f = r.GetCount(8);
  for (uint32_t i = 0; i < f; ++i)
    c.pending_frees.push_back(r.Get<PhysicalKey>());
  r.ExpectEnd();
  return c;
}

std::vector<uint8_t> EncodeDescriptor(const ColumnState& s) {
  ByteWriter w;
  PutHeader(w, kDescriptorMagic);
  w.Put(s.id.Pack());
  EncodeType(w, *s.type);
  w.Put(s.total_rows);
  w.Put(static_cast<uint32_t>(s.pages.size()));
  for (const auto& p : s.pages)
    w.Put(p->key);
  return w.Take();
}

ColumnState DecodeDescriptor(std::span<const uint8_t> bytes, PhysicalKey key) {
  ByteReader r(bytes, fmt::format("column descriptor (key {})", key));
  CheckHeader(r, kDescriptorMagic, "column descriptor");
  ColumnState s;
  s.descriptor_key = key;
  s.id = LogicalFieldId::Unpack(r.Get<uint64_t>());
  s.type = DecodeType(r);
  s.total_rows = r.Get<uint64_t>();
  const uint32_t n = r.GetCount(8);
  for (uint32_t i = 0; i < n; ++i) {
    auto page = std::make_shared<MetaPage>();
    page->key = r.Get<PhysicalKey>();
    s.pages.push_back(std::move(page));
  }
  r.ExpectEnd();
  return s;
}

std::vector<uint8_t> EncodeMetaPage(const MetaPage& page) {
  ByteWriter w;
  PutHeader(w, kPageMagic);
  w.Put(static_cast<uint32_t>(page.chunks.size()));
  for (const auto& c : page.chunks) {
    w.Put(c.data_key);
    w.Put(c.row_id_key);
    w.Put(c.rows);
    w.Put(c.data_bytes);
    w.Put(c.row_id_bytes);
    w.Put(c.null_count);
    w.Put(c.min_row_id);
    w.Put(c.max_row_id);
    EncodeStats(w, c.stats);
  }
  return w.Take();
}

MetaPage DecodeMetaPage(std::span<const uint8_t> bytes, PhysicalKey key) {
  ByteReader r(bytes, fmt::format("column meta page (key {})", key));
  CheckHeader(r, kPageMagic, "column meta page");
  MetaPage page;
  page.key = key;
  const uint32_t n = r.GetCount(66);
  page.chunks.resize(n);
  uint64_t prev_max = 0;
  for (uint32_t i = 0; i < n; ++i) {
    ChunkMeta& c = page.chunks[i];
    c.data_key = r.Get<PhysicalKey>();
    c.row_id_key = r.Get<PhysicalKey>();
    c.rows = r.Get<uint64_t>();
    c.data_bytes = r.Get<uint64_t>();
    c.row_id_bytes = r.Get<uint64_t>();
    c.null_count = r.Get<uint64_t>();
    c.min_row_id = r.Get<uint64_t>();
    c.max_row_id = r.Get<uint64_t>();
    c.stats = DecodeStats(r);
    if (c.rows == 0 || c.min_row_id > c.max_row_id || c.null_count > c.rows ||
        (i > 0 && c.min_row_id <= prev_max)) {
      r.Corrupt(fmt::format("chunk entry {} is inconsistent", i));
    }
    prev_max = c.max_row_id;
  }
  r.ExpectEnd();
  if (n == 0) r.Corrupt("empty meta page");
  return page;
}

}  // namespace llkv::table
