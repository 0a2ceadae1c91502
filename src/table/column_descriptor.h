// The column store's metadata records (format in docs/storage-format.md):
//   catalog      (key 0)  columns -> descriptor keys, plus keys awaiting free
//   descriptor            one per column: type, row count, its meta pages
//   meta page             up to ColumnStoreOptions::chunks_per_page chunk entries
// A column's chunks are ordered by row id and do not overlap: chunk i holds
// row ids in [min_row_id, max_row_id], all below chunk i + 1's min_row_id.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "llkv/arrow/type.h"
#include "llkv/storage/pager.h"
#include "table/chunk_stats.h"
#include "table/logical_field_id.h"

namespace llkv::table {

using storage::PhysicalKey;

struct ChunkMeta {
  PhysicalKey data_key = 0;
  PhysicalKey row_id_key = 0;
  uint64_t rows = 0;
  uint64_t data_bytes = 0;    // encoded data chunk size
  uint64_t row_id_bytes = 0;  // encoded row-id chunk size
  uint64_t null_count = 0;
  uint64_t min_row_id = 0;
  uint64_t max_row_id = 0;
  ChunkStats stats;

  // The size that chunk targets are measured against.
  uint64_t size_bytes() const { return std::max(data_bytes, row_id_bytes); }
};

struct MetaPage {
  PhysicalKey key = 0;  // 0 while not yet written
  std::vector<ChunkMeta> chunks;
};
using MetaPagePtr = std::shared_ptr<const MetaPage>;

// A column's metadata at one moment. Immutable once published: writers build
// a new state, sharing unchanged pages, and swap it in after their commit.
struct ColumnState {
  LogicalFieldId id;
  arrow::TypePtr type;
  PhysicalKey descriptor_key = 0;
  uint64_t total_rows = 0;
  std::vector<MetaPagePtr> pages;  // never holds an empty page

  size_t num_chunks() const;
  const ChunkMeta* last_chunk() const {
    return pages.empty() ? nullptr : &pages.back()->chunks.back();
  }
};
using ColumnStatePtr = std::shared_ptr<const ColumnState>;

struct CatalogRecord {
  std::vector<std::pair<LogicalFieldId, PhysicalKey>> columns;
  std::vector<PhysicalKey> pending_frees;
};

std::vector<uint8_t> EncodeCatalog(const CatalogRecord& catalog);
CatalogRecord DecodeCatalog(std::span<const uint8_t> bytes);

std::vector<uint8_t> EncodeDescriptor(const ColumnState& state);
// Fills id, type, total_rows and the page keys (pages with empty chunk lists).
ColumnState DecodeDescriptor(std::span<const uint8_t> bytes, PhysicalKey key);

std::vector<uint8_t> EncodeMetaPage(const MetaPage& page);
MetaPage DecodeMetaPage(std::span<const uint8_t> bytes, PhysicalKey key);

}  // namespace llkv::table
