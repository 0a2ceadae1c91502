// The ColumnStore write path: appends (last writer wins), deletes, chunk
// splitting and merging, meta page maintenance.
#include <algorithm>

#include "llkv/arrow/builder.h"
#include "llkv/arrow/compute.h"
#include "table/chunk_codec.h"
#include "table/column_store_mutation.h"

namespace llkv::table {

using arrow::ArrayData;
using arrow::ArrayDataPtr;
using arrow::TypeId;

std::vector<PhysicalKey> ColumnStore::Mutation::Finalize() {
  std::unordered_set<PhysicalKey> dead;
  std::vector<PhysicalKey> out;
  for (PhysicalKey k : retired) {
    if (created.contains(k))
      dead.insert(k);
    else
      out.push_back(k);
  }
  if (!dead.empty()) {
    std::erase_if(batch.puts, [&](const storage::PutEntry& p) { return dead.contains(p.key); });
  }
  retired.clear();
  return out;
}

namespace {

// Approximate encoded bytes of rows [off, off + len) of `a`.
int64_t EstimateBytes(const ArrayData& a, int64_t off, int64_t len) {
  const int64_t validity = a.validity() ? (len + 7) / 8 : 0;
  switch (a.type->id()) {
    case TypeId::kNull:
      return 0;
    case TypeId::kUtf8:
    case TypeId::kBinary: {
      const int32_t* o = a.values<int32_t>(1);
      return validity + 4 * (len + 1) + (o[off + len] - o[off]);
    }
    case TypeId::kLargeUtf8: {
      const int64_t* o = a.values<int64_t>(1);
      return validity + 8 * (len + 1) + (o[off + len] - o[off]);
    }
    case TypeId::kStruct: {
      int64_t total = validity;
      for (const auto& c : a.children)
        total += EstimateBytes(*c, a.offset + off, len);
      return total;
    }
    case TypeId::kList: {
      const int32_t* o = a.values<int32_t>(1);
      return validity + 4 * (len + 1) +
             EstimateBytes(*a.children[0], o[off], o[off + len] - o[off]);
    }
    default:
      return validity + (len * a.type->bit_width() + 7) / 8;
  }
}

ArrayDataPtr RowIdArray(std::span<const uint64_t> rows) {
  auto data = std::make_shared<ArrayData>();
  data->type = arrow::uint64();
  data->length = static_cast<int64_t>(rows.size());
  data->null_count = 0;
  data->buffers = {nullptr,
                   arrow::Buffer::Copy(rows.data(), static_cast<int64_t>(rows.size() * 8))};
  return data;
}

std::span<const uint64_t> RowIds(const ArrayData& a) {
  return {a.values<uint64_t>(), static_cast<size_t>(a.length)};
}

// Builds an array from runs of (source, offset, length) in order.
struct Run {
  const ArrayData* source;
  int64_t offset;
  int64_t length;
};
ArrayDataPtr Interleave(const arrow::TypePtr& type, const std::vector<Run>& runs, int64_t total) {
  auto b = arrow::MakeBuilder(type);
  b->Reserve(total);
  for (const auto& r : runs)
    b->AppendRange(*r.source, r.offset, r.length);
  return b->Finish();
}

}  // namespace

ChunkMeta ColumnStore::MakeChunk(Mutation& m, const ArrayDataPtr& values,
                                 std::span<const uint64_t> rows) const {
  LLKV_CHECK(values->length == static_cast<int64_t>(rows.size()) && !rows.empty(),
             "chunk of {} values for {} row ids", values->length, rows.size());
  ChunkMeta c;
  c.data_key = m.NewKey();
  c.row_id_key = m.NewKey();
  c.rows = rows.size();
  c.null_count = static_cast<uint64_t>(values->null_count);
  c.min_row_id = rows.front();
  c.max_row_id = rows.back();
  c.stats = ComputeStats(*values);
  std::vector<uint8_t> data = EncodeChunk(values);
  ArrayDataPtr ids = RowIdArray(rows);
  std::vector<uint8_t> id_bytes = EncodeChunk(ids);
  c.data_bytes = data.size();
  c.row_id_bytes = id_bytes.size();
  m.Put(c.data_key, std::move(data));
  m.Put(c.row_id_key, std::move(id_bytes));
  m.fresh[c.data_key] = values;
  m.fresh[c.row_id_key] = ids;
  return c;
}

// Cuts rows into chunks of about the target size. A run estimated at no more
// than `split_above` bytes stays one chunk.
std::vector<ChunkMeta> ColumnStore::MakeChunks(Mutation& m, const ArrayDataPtr& values,
                                               std::span<const uint64_t> rows) const {
  const int64_t n = static_cast<int64_t>(rows.size());
  std::vector<ChunkMeta> out;
  if (n == 0) return out;
  const int64_t target = static_cast<int64_t>(options_.target_chunk_bytes);
  const int64_t bytes = std::max(EstimateBytes(*values, 0, n), n * 8);
  const int64_t pieces = bytes <= 2 * target ? 1 : (bytes + target - 1) / target;
  const int64_t per_piece = (n + pieces - 1) / pieces;
  for (int64_t start = 0; start < n; start += per_piece) {
    const int64_t len = std::min(per_piece, n - start);
    ArrayDataPtr slice = pieces == 1 ? values : ArrayData::Slice(values, start, len);
    out.push_back(
        MakeChunk(m, slice, rows.subspan(static_cast<size_t>(start), static_cast<size_t>(len))));
  }
  return out;
}

namespace {

// Chunk arrays for writing: from this mutation if it created them, else
// from the pager.
ColumnStore::LoadedChunk LoadForWrite(const ColumnStore& store, ColumnStore::Mutation& m,
                                      const ColumnState& state, const ChunkMeta& c,
                                      bool with_values) {
  auto d = m.fresh.find(c.data_key);
  auto r = m.fresh.find(c.row_id_key);
  if (r != m.fresh.end() && (!with_values || d != m.fresh.end())) {
    return {with_values ? d->second : nullptr, r->second};
  }
  const ChunkMeta* p = &c;
  return store.LoadChunks(state, std::span<const ChunkMeta* const>(&p, 1), with_values, true)[0];
}

void RetireChunk(ColumnStore::Mutation& m, const ChunkMeta& c) {
  m.Retire(c.data_key);
  m.Retire(c.row_id_key);
}

}  // namespace

void ColumnStore::MergeTail(Mutation& m, ColumnState& state, std::vector<ChunkMeta>& chunks) const {
  while (chunks.size() >= 2) {
    const ChunkMeta& prev = chunks[chunks.size() - 2];
    const ChunkMeta& last = chunks.back();
    if (prev.size_bytes() > last.size_bytes() ||
        prev.size_bytes() + last.size_bytes() > options_.target_chunk_bytes) {
      break;
    }
    LoadedChunk a = LoadForWrite(*this, m, state, prev, true);
    LoadedChunk b = LoadForWrite(*this, m, state, last, true);
    std::vector<ArrayDataPtr> parts = {a.values, b.values};
    ArrayDataPtr values = arrow::Concatenate(parts);
    std::vector<uint64_t> ids(RowIds(*a.row_ids).begin(), RowIds(*a.row_ids).end());
    ids.insert(ids.end(), RowIds(*b.row_ids).begin(), RowIds(*b.row_ids).end());
    RetireChunk(m, prev);
    RetireChunk(m, last);
    ChunkMeta merged = MakeChunk(m, values, ids);
    chunks.pop_back();
    chunks.back() = merged;
  }
}

void ColumnStore::CompactSmallChunks(Mutation& m, const ColumnState& state,
                                     std::vector<ChunkMeta>& chunks) const {
  const uint64_t target = options_.target_chunk_bytes;
  for (size_t i = 0; i + 1 < chunks.size();) {
    const ChunkMeta& a = chunks[i];
    const ChunkMeta& b = chunks[i + 1];
    const bool small = a.size_bytes() < target / 4 || b.size_bytes() < target / 4;
    if (!small || a.size_bytes() + b.size_bytes() > target) {
      ++i;
      continue;
    }
    LoadedChunk la = LoadForWrite(*this, m, state, a, true);
    LoadedChunk lb = LoadForWrite(*this, m, state, b, true);
    std::vector<ArrayDataPtr> parts = {la.values, lb.values};
    std::vector<uint64_t> ids(RowIds(*la.row_ids).begin(), RowIds(*la.row_ids).end());
    ids.insert(ids.end(), RowIds(*lb.row_ids).begin(), RowIds(*lb.row_ids).end());
    RetireChunk(m, a);
    RetireChunk(m, b);
    ChunkMeta merged = MakeChunk(m, arrow::Concatenate(parts), ids);
    chunks.erase(chunks.begin() + static_cast<std::ptrdiff_t>(i + 1));
    chunks[i] = merged;  // it may merge again with the next one
  }
}

// Replaces pages[page_index] (or appends, when page_index == pages.size())
// with pages holding `chunks`; returns through state.pages.
void ColumnStore::StorePages(Mutation& m, ColumnState& state, size_t page_index,
                             std::vector<ChunkMeta> chunks) const {
  std::vector<MetaPagePtr> replacement;
  const size_t per_page = options_.chunks_per_page;
  for (size_t start = 0; start < chunks.size(); start += per_page) {
    auto page = std::make_shared<MetaPage>();
    const size_t end = std::min(chunks.size(), start + per_page);
    page->chunks.assign(
        std::make_move_iterator(chunks.begin() + static_cast<std::ptrdiff_t>(start)),
        std::make_move_iterator(chunks.begin() + static_cast<std::ptrdiff_t>(end)));
    page->key = m.NewKey();
    m.Put(page->key, EncodeMetaPage(*page));
    replacement.push_back(std::move(page));
  }
  auto at = state.pages.begin() + static_cast<std::ptrdiff_t>(page_index);
  if (page_index < state.pages.size()) {
    m.Retire((*at)->key);
    at = state.pages.erase(at);
  }
  state.pages.insert(at, replacement.begin(), replacement.end());
}

void ColumnStore::WriteRows(Mutation& m, ColumnState& state, std::span<const uint64_t> rows,
                            const ArrayDataPtr& values) const {
  const size_t n = rows.size();
  if (n == 0) return;
  const ChunkMeta* last = state.last_chunk();
  // Rows past the last chunk go to the tail; the rest rewrite chunks in place.
  const size_t tail_start =
      last ? static_cast<size_t>(std::upper_bound(rows.begin(), rows.end(), last->max_row_id) -
                                 rows.begin())
           : 0;
  size_t pos = 0;
  std::vector<MetaPagePtr> old_pages = state.pages;
  size_t new_index = 0;  // index of old page p in state.pages as it changes
  for (size_t p = 0; p < old_pages.size(); ++p) {
    const MetaPage& page = *old_pages[p];
    const bool is_last_page = p + 1 == old_pages.size();
    const uint64_t page_hi =
        is_last_page ? UINT64_MAX : old_pages[p + 1]->chunks.front().min_row_id;
    const size_t q = static_cast<size_t>(
        std::lower_bound(rows.begin() + static_cast<std::ptrdiff_t>(pos),
                         rows.begin() + static_cast<std::ptrdiff_t>(tail_start), page_hi) -
        rows.begin());
    const bool has_tail = is_last_page && tail_start < n;
    if (q == pos && !has_tail) {
      ++new_index;
      continue;
    }
    std::vector<ChunkMeta> chunks;
    for (size_t k = 0; k < page.chunks.size(); ++k) {
      const ChunkMeta& c = page.chunks[k];
      const uint64_t chunk_hi =
          k + 1 < page.chunks.size() ? page.chunks[k + 1].min_row_id : page_hi;
      const size_t qk = static_cast<size_t>(
          std::lower_bound(rows.begin() + static_cast<std::ptrdiff_t>(pos),
                           rows.begin() + static_cast<std::ptrdiff_t>(q), chunk_hi) -
          rows.begin());
      if (qk == pos) {
        chunks.push_back(c);
        continue;
      }
      // Merge rows [pos, qk) into chunk c; equal row ids take the new value.
      LoadedChunk old = LoadForWrite(*this, m, state, c, true);
      std::span<const uint64_t> old_ids = RowIds(*old.row_ids);
      std::span<const uint64_t> new_ids = rows.subspan(pos, qk - pos);
      std::vector<uint64_t> ids;
      ids.reserve(old_ids.size() + new_ids.size());
      std::vector<Run> runs;
      auto add = [&runs](const ArrayData* src, int64_t at) {
        if (!runs.empty() && runs.back().source == src &&
            runs.back().offset + runs.back().length == at) {
          ++runs.back().length;
        } else {
          runs.push_back({src, at, 1});
        }
      };
      size_t i = 0, j = 0;
      while (i < old_ids.size() || j < new_ids.size()) {
        if (j == new_ids.size() || (i < old_ids.size() && old_ids[i] < new_ids[j])) {
          add(old.values.get(), static_cast<int64_t>(i));
          ids.push_back(old_ids[i++]);
        } else {
          if (i < old_ids.size() && old_ids[i] == new_ids[j])
            ++i;  // overwritten
          else
            ++state.total_rows;
          add(values.get(), static_cast<int64_t>(pos + j));
          ids.push_back(new_ids[j++]);
        }
      }
      ArrayDataPtr merged = Interleave(state.type, runs, static_cast<int64_t>(ids.size()));
      RetireChunk(m, c);
      for (auto& piece : MakeChunks(m, merged, ids))
        chunks.push_back(std::move(piece));
      pos = qk;
    }
    if (has_tail) {
      ArrayDataPtr tail = ArrayData::Slice(values, static_cast<int64_t>(tail_start),
                                           static_cast<int64_t>(n - tail_start));
      for (auto& piece : MakeChunks(m, tail, rows.subspan(tail_start)))
        chunks.push_back(piece);
      state.total_rows += n - tail_start;
      MergeTail(m, state, chunks);
    }
    const size_t before = state.pages.size();
    StorePages(m, state, new_index, std::move(chunks));
    new_index += 1 + state.pages.size() - before;
  }
  if (old_pages.empty()) {
    std::vector<ChunkMeta> chunks = MakeChunks(m, values, rows);
    state.total_rows += n;
    MergeTail(m, state, chunks);
    StorePages(m, state, 0, std::move(chunks));
  }
}

void ColumnStore::DeleteFromColumn(Mutation& m, ColumnState& state,
                                   std::span<const uint64_t> rows) const {
  if (rows.empty() || state.pages.empty()) return;
  std::vector<MetaPagePtr> old_pages = state.pages;
  size_t new_index = 0;
  size_t pos = 0;
  for (size_t p = 0; p < old_pages.size() && pos < rows.size(); ++p) {
    const MetaPage& page = *old_pages[p];
    const uint64_t page_hi =
        p + 1 < old_pages.size() ? old_pages[p + 1]->chunks.front().min_row_id : UINT64_MAX;
    const size_t q = static_cast<size_t>(
        std::lower_bound(rows.begin() + static_cast<std::ptrdiff_t>(pos), rows.end(), page_hi) -
        rows.begin());
    if (q == pos) {
      ++new_index;
      continue;
    }
    bool changed = false;
    std::vector<ChunkMeta> chunks;
    for (size_t k = 0; k < page.chunks.size(); ++k) {
      const ChunkMeta& c = page.chunks[k];
      const uint64_t chunk_hi =
          k + 1 < page.chunks.size() ? page.chunks[k + 1].min_row_id : page_hi;
      const size_t qk = static_cast<size_t>(
          std::lower_bound(rows.begin() + static_cast<std::ptrdiff_t>(pos),
                           rows.begin() + static_cast<std::ptrdiff_t>(q), chunk_hi) -
          rows.begin());
      std::span<const uint64_t> doomed = rows.subspan(pos, qk - pos);
      pos = qk;
      // Ids outside the chunk's range cannot be in it: skip loading it.
      if (doomed.empty() || doomed.back() < c.min_row_id || doomed.front() > c.max_row_id) {
        chunks.push_back(c);
        continue;
      }
      LoadedChunk ids_only = LoadForWrite(*this, m, state, c, false);
      std::span<const uint64_t> ids = RowIds(*ids_only.row_ids);
      std::vector<int64_t> keep;
      std::vector<uint64_t> kept_ids;
      size_t j = 0;
      for (size_t i = 0; i < ids.size(); ++i) {
        while (j < doomed.size() && doomed[j] < ids[i])
          ++j;
        if (j < doomed.size() && doomed[j] == ids[i]) continue;
        keep.push_back(static_cast<int64_t>(i));
        kept_ids.push_back(ids[i]);
      }
      if (keep.size() == ids.size()) {
        chunks.push_back(c);
        continue;
      }
      changed = true;
      state.total_rows -= ids.size() - keep.size();
      RetireChunk(m, c);
      if (keep.empty()) continue;
      LoadedChunk full = LoadForWrite(*this, m, state, c, true);
      chunks.push_back(MakeChunk(m, arrow::Take(*full.values, keep), kept_ids));
    }
    if (!changed) {
      ++new_index;
      continue;
    }
    CompactSmallChunks(m, state, chunks);
    const size_t before = state.pages.size();
    StorePages(m, state, new_index, std::move(chunks));
    new_index += 1 + state.pages.size() - before;
  }
}

}  // namespace llkv::table
