#include "table/column_store.h"

#include <algorithm>
#include <charconv>
#include <numeric>

#include "llkv/arrow/compute.h"
#include "table/chunk_codec.h"
#include "table/column_store_mutation.h"

namespace llkv::table {

using arrow::ArrayData;
using arrow::ArrayDataPtr;

// ---------------------------------------------------------------- open / load

ColumnStore::ColumnStore(storage::PagerPtr pager, ColumnStoreOptions options)
    : pager_(std::move(pager)), options_(options) {
  if (options_.target_chunk_bytes < 64 || options_.chunks_per_page < 2) {
    Fail(ErrorKind::kInvalidInput,
         "column store options: target_chunk_bytes must be >= 64 and "
         "chunks_per_page >= 2");
  }
}

std::shared_ptr<ColumnStore> ColumnStore::Open(storage::PagerPtr pager,
                                               ColumnStoreOptions options) {
  auto store = std::make_shared<ColumnStore>(std::move(pager), options);
  store->Load();
  if (!store->pending_frees_.empty()) {
    try {
      store->ReclaimSpace();  // left over from readers active at the last close or crash
    } catch (const Error&) {
      // A read-only pager keeps them pending; nothing is lost either way.
    }
  }
  return store;
}

ColumnStore::~ColumnStore() {
  try {
    ReclaimSpace();
  } catch (...) {
    // Destructors must not throw; the keys stay pending in the catalog.
  }
}

void ColumnStore::Load() {
  auto root = pager_->get(storage::kColumnStoreCatalogKey);
  if (!root) return;
  CatalogRecord catalog = DecodeCatalog(root->bytes());
  pending_frees_ = catalog.pending_frees;
  std::vector<PhysicalKey> keys;
  for (const auto& [id, key] : catalog.columns)
    keys.push_back(key);
  auto descriptors = pager_->batch_get(keys);
  for (size_t i = 0; i < keys.size(); ++i) {
    const LogicalFieldId id = catalog.columns[i].first;
    if (!descriptors[i]) {
      Fail(ErrorKind::kCorruption, "{}: descriptor of column {} (key {}) is missing",
           pager_->name(), id.ToString(), keys[i]);
    }
    auto state = std::make_shared<ColumnState>(DecodeDescriptor(descriptors[i]->bytes(), keys[i]));
    if (state->id != id) {
      Fail(ErrorKind::kCorruption, "{}: descriptor at key {} names column {}, the catalog says {}",
           pager_->name(), keys[i], state->id.ToString(), id.ToString());
    }
    std::vector<PhysicalKey> page_keys;
    for (const auto& p : state->pages)
      page_keys.push_back(p->key);
    auto pages = pager_->batch_get(page_keys);
    uint64_t rows = 0;
    for (size_t p = 0; p < pages.size(); ++p) {
      if (!pages[p]) {
        Fail(ErrorKind::kCorruption, "{}: meta page {} of column {} is missing", pager_->name(),
             page_keys[p], id.ToString());
      }
      auto page = std::make_shared<MetaPage>(DecodeMetaPage(pages[p]->bytes(), page_keys[p]));
      if (p > 0 &&
          page->chunks.front().min_row_id <= state->pages[p - 1]->chunks.back().max_row_id) {
        Fail(ErrorKind::kCorruption, "{}: meta pages of column {} overlap", pager_->name(),
             id.ToString());
      }
      for (const auto& c : page->chunks)
        rows += c.rows;
      state->pages[p] = std::move(page);
    }
    if (rows != state->total_rows) {
      Fail(ErrorKind::kCorruption, "{}: column {} claims {} rows but its chunks hold {}",
           pager_->name(), id.ToString(), state->total_rows, rows);
    }
    columns_[id] = std::move(state);
  }
}

// ---------------------------------------------------------------- publishing

void ColumnStore::Publish(Mutation& m) {
  for (auto& [id, state] : m.changed) {
    m.Put(state->descriptor_key, EncodeDescriptor(*state));
  }
  std::vector<PhysicalKey> retired = m.Finalize();
  std::lock_guard lock(mu_);
  std::vector<PhysicalKey> pending = pending_frees_;
  if (active_readers_ == 0) {
    m.batch.frees = std::move(retired);
    m.batch.frees.insert(m.batch.frees.end(), pending.begin(), pending.end());
    pending.clear();
  } else {
    pending.insert(pending.end(), retired.begin(), retired.end());
  }
  if (m.catalog_dirty || pending != pending_frees_) {
    CatalogRecord catalog;
    for (const auto& [id, state] : columns_) {
      if (std::find(m.dropped.begin(), m.dropped.end(), id) == m.dropped.end()) {
        catalog.columns.emplace_back(id, state->descriptor_key);
      }
    }
    for (const auto& [id, state] : m.changed) {
      if (!columns_.contains(id)) catalog.columns.emplace_back(id, state->descriptor_key);
    }
    std::sort(catalog.columns.begin(), catalog.columns.end());
    catalog.pending_frees = pending;
    m.Put(storage::kColumnStoreCatalogKey, EncodeCatalog(catalog));
  }
  pager_->commit(m.batch);  // throws: nothing changed, in storage or here
  for (auto& [id, state] : m.changed)
    columns_[id] = std::move(state);
  for (const auto& id : m.dropped)
    columns_.erase(id);
  pending_frees_ = std::move(pending);
}

void ColumnStore::ReclaimSpace() {
  std::lock_guard write_lock(write_mu_);
  {
    std::lock_guard lock(mu_);
    if (pending_frees_.empty() || active_readers_ > 0) return;
  }
  Mutation m;
  m.pager = pager_.get();
  Publish(m);
}

size_t ColumnStore::pending_frees() const {
  std::lock_guard lock(mu_);
  return pending_frees_.size();
}

// ---------------------------------------------------------------- writes

arrow::FieldPtr ColumnStore::ColumnField(std::string name, arrow::TypePtr type, LogicalFieldId id,
                                         bool nullable) {
  return arrow::field(std::move(name), std::move(type), nullable,
                      {{kFieldIdKey, std::to_string(id.Pack())}});
}

namespace {

LogicalFieldId FieldIdOf(const arrow::Field& f) {
  for (const auto& [k, v] : f.metadata()) {
    if (k != ColumnStore::kFieldIdKey) continue;
    uint64_t packed = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), packed);
    if (ec != std::errc() || end != v.data() + v.size()) {
      Fail(ErrorKind::kInvalidInput, "column '{}': field id '{}' is not a number", f.name(), v);
    }
    return LogicalFieldId::Unpack(packed);
  }
  Fail(ErrorKind::kInvalidInput, "column '{}' has no '{}' metadata naming the column it writes",
       f.name(), ColumnStore::kFieldIdKey);
}

}  // namespace

void ColumnStore::Append(const arrow::RecordBatch& batch) {
  const auto& schema = *batch.schema();
  auto rid_index = schema.FieldIndex(kRowIdColumn);
  if (!rid_index) Fail(ErrorKind::kInvalidInput, "append batch has no '{}' column", kRowIdColumn);
  const ArrayDataPtr& rid = batch.column(*rid_index);
  if (rid->type->id() != arrow::TypeId::kUInt64) {
    Fail(ErrorKind::kInvalidInput, "'{}' must be uint64, not {}", kRowIdColumn,
         rid->type->ToString());
  }
  if (rid->null_count > 0) Fail(ErrorKind::kInvalidInput, "'{}' holds nulls", kRowIdColumn);

  std::vector<std::pair<LogicalFieldId, ArrayDataPtr>> cols;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (i == *rid_index) continue;
    const LogicalFieldId id = FieldIdOf(*schema.field(i));
    for (const auto& [other, _] : cols) {
      if (other == id) {
        Fail(ErrorKind::kInvalidInput, "append batch writes column {} twice", id.ToString());
      }
    }
    cols.emplace_back(id, batch.column(i));
  }

  // Sort by row id; for a repeated id the last occurrence wins.
  const uint64_t* ids = rid->values<uint64_t>();
  const int64_t n = batch.num_rows();
  std::vector<uint64_t> rows(ids, ids + n);
  bool sorted_unique = true;
  for (int64_t i = 1; i < n && sorted_unique; ++i)
    sorted_unique = ids[i - 1] < ids[i];
  if (!sorted_unique) {
    std::vector<int64_t> perm(static_cast<size_t>(n));
    std::iota(perm.begin(), perm.end(), 0);
    std::stable_sort(perm.begin(), perm.end(),
                     [&](int64_t a, int64_t b) { return ids[a] < ids[b]; });
    std::vector<int64_t> keep;
    for (size_t i = 0; i < perm.size(); ++i) {
      if (i + 1 < perm.size() && ids[perm[i]] == ids[perm[i + 1]]) continue;
      keep.push_back(perm[i]);
    }
    rows.clear();
    for (int64_t k : keep)
      rows.push_back(ids[k]);
    for (auto& [id, values] : cols)
      values = arrow::Take(*values, keep);
  }

  std::lock_guard write_lock(write_mu_);
  Mutation m;
  m.pager = pager_.get();
  for (auto& [id, values] : cols) {
    ColumnStatePtr current;
    {
      std::lock_guard lock(mu_);
      auto it = columns_.find(id);
      if (it != columns_.end()) current = it->second;
    }
    std::shared_ptr<ColumnState> state;
    if (current) {
      if (!current->type->Equals(*values->type)) {
        Fail(ErrorKind::kInvalidInput, "column {} has type {}; the batch gives {}", id.ToString(),
             current->type->ToString(), values->type->ToString());
      }
      state = std::make_shared<ColumnState>(*current);
    } else {
      if (id.table_id > LogicalFieldId::kMaxTableId) {
        Fail(ErrorKind::kInvalidInput, "table id {} exceeds {}", id.table_id,
             LogicalFieldId::kMaxTableId);
      }
      state = std::make_shared<ColumnState>();
      state->id = id;
      state->type = values->type;
      state->descriptor_key = m.NewKey();
      m.catalog_dirty = true;
    }
    WriteRows(m, *state, rows, values);
    m.changed[id] = std::move(state);
  }
  if (m.changed.empty()) return;
  Publish(m);
}

void ColumnStore::DeleteRows(std::span<const LogicalFieldId> columns,
                             std::span<const uint64_t> row_ids) {
  std::vector<uint64_t> rows(row_ids.begin(), row_ids.end());
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  std::lock_guard write_lock(write_mu_);
  Mutation m;
  m.pager = pager_.get();
  for (const auto& id : columns) {
    auto state = std::make_shared<ColumnState>(*StateOrThrow(id));
    const uint64_t before = state->total_rows;
    DeleteFromColumn(m, *state, rows);
    if (state->total_rows != before) m.changed[id] = std::move(state);
  }
  if (m.changed.empty()) return;
  Publish(m);
}

void ColumnStore::DropColumn(LogicalFieldId id) {
  std::lock_guard write_lock(write_mu_);
  ColumnStatePtr state = StateOrThrow(id);
  Mutation m;
  m.pager = pager_.get();
  for (const auto& page : state->pages) {
    for (const auto& c : page->chunks) {
      m.Retire(c.data_key);
      m.Retire(c.row_id_key);
    }
    m.Retire(page->key);
  }
  m.Retire(state->descriptor_key);
  m.dropped.push_back(id);
  m.catalog_dirty = true;
  Publish(m);
}

// ---------------------------------------------------------------- metadata

ColumnStatePtr ColumnStore::StateOrThrow(LogicalFieldId id) const {
  std::lock_guard lock(mu_);
  auto it = columns_.find(id);
  if (it == columns_.end()) Fail(ErrorKind::kNotFound, "column {} does not exist", id.ToString());
  return it->second;
}

bool ColumnStore::HasColumn(LogicalFieldId id) const {
  std::lock_guard lock(mu_);
  return columns_.contains(id);
}

arrow::TypePtr ColumnStore::ColumnType(LogicalFieldId id) const {
  return StateOrThrow(id)->type;
}
uint64_t ColumnStore::RowCount(LogicalFieldId id) const {
  return StateOrThrow(id)->total_rows;
}

std::optional<uint64_t> ColumnStore::MaxRowId(LogicalFieldId id) const {
  const ChunkMeta* last = StateOrThrow(id)->last_chunk();
  if (last == nullptr) return std::nullopt;
  return last->max_row_id;
}

std::vector<ColumnInfo> ColumnStore::Columns() const {
  std::vector<ColumnInfo> out;
  std::lock_guard lock(mu_);
  for (const auto& [id, s] : columns_) {
    ColumnInfo info{id, s->type, s->total_rows, 0, 0, s->pages.size()};
    for (const auto& p : s->pages) {
      info.chunks += p->chunks.size();
      for (const auto& c : p->chunks)
        info.data_bytes += c.data_bytes;
    }
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

// ---------------------------------------------------------------- reads

std::vector<ColumnStatePtr> ColumnStore::BeginRead(std::span<const LogicalFieldId> ids) const {
  std::vector<ColumnStatePtr> states;
  std::lock_guard lock(mu_);
  for (const auto& id : ids) {
    auto it = columns_.find(id);
    if (it == columns_.end()) Fail(ErrorKind::kNotFound, "column {} does not exist", id.ToString());
    states.push_back(it->second);
  }
  ++active_readers_;
  return states;
}

void ColumnStore::EndRead() const {
  std::lock_guard lock(mu_);
  --active_readers_;
}

std::vector<ColumnStore::LoadedChunk> ColumnStore::LoadChunks(
    const ColumnState& state, std::span<const ChunkMeta* const> chunks, bool with_values,
    bool with_row_ids) const {
  std::vector<PhysicalKey> keys;
  keys.reserve(chunks.size() * 2);
  for (const ChunkMeta* c : chunks) {
    if (with_values) keys.push_back(c->data_key);
    if (with_row_ids) keys.push_back(c->row_id_key);
  }
  auto handles = pager_->batch_get(keys);
  std::vector<LoadedChunk> out(chunks.size());
  size_t h = 0;
  auto decode = [&](const arrow::TypePtr& type, PhysicalKey key, uint64_t rows) {
    auto& handle = handles[h++];
    if (!handle) {
      Fail(ErrorKind::kCorruption, "{}: chunk {} of column {} is missing", pager_->name(), key,
           state.id.ToString());
    }
    // A key's bytes never change (every write uses fresh keys) and pagers
    // verify checksums on read, so a chunk's layout is validated once.
    bool known;
    {
      std::lock_guard lock(validated_mu_);
      known = validated_.contains(key);
    }
    ArrayDataPtr a = DecodeChunk(
        type, handle->bytes(), handle->owner(),
        fmt::format("{}: chunk {} of column {}", pager_->name(), key, state.id.ToString()), !known);
    if (!known) {
      std::lock_guard lock(validated_mu_);
      if (validated_.size() >= kMaxValidatedKeys) validated_.clear();
      validated_.insert(key);
    }
    if (static_cast<uint64_t>(a->length) != rows) {
      Fail(ErrorKind::kCorruption, "{}: chunk {} of column {} holds {} rows, its entry says {}",
           pager_->name(), key, state.id.ToString(), a->length, rows);
    }
    return a;
  };
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (with_values) out[i].values = decode(state.type, chunks[i]->data_key, chunks[i]->rows);
    if (with_row_ids)
      out[i].row_ids = decode(arrow::uint64(), chunks[i]->row_id_key, chunks[i]->rows);
  }
  return out;
}

namespace {

std::vector<const ChunkMeta*> AllChunks(const ColumnState& s) {
  std::vector<const ChunkMeta*> out;
  for (const auto& p : s.pages)
    for (const auto& c : p->chunks)
      out.push_back(&c);
  return out;
}

// A chunk whose row ids are exactly [min_row_id, max_row_id].
bool IsDense(const ChunkMeta& c) {
  return c.max_row_id - c.min_row_id + 1 == c.rows;
}

// Values of one column at ascending `rows` (null where missing).
ArrayDataPtr GatherColumn(const ColumnStore& store, const ColumnState& state,
                          std::span<const uint64_t> rows, MissingRows missing) {
  if (rows.empty()) return arrow::MakeNullArray(state.type, 0);
  std::vector<const ChunkMeta*> chunks = AllChunks(state);
  auto not_found = [&](uint64_t id) {
    Fail(ErrorKind::kNotFound, "row id {} not found in column {}", id, state.id.ToString());
  };
  if (chunks.empty()) {
    if (missing == MissingRows::kError) not_found(rows[0]);
    return arrow::MakeNullArray(state.type, static_cast<int64_t>(rows.size()));
  }
  // Each row belongs to the last chunk whose min row id is <= it.
  struct Group {
    size_t chunk;
    size_t begin, end;
  };
  std::vector<Group> groups;
  size_t pos = 0;
  while (pos < rows.size()) {
    auto it = std::upper_bound(chunks.begin(), chunks.end(), rows[pos],
                               [](uint64_t r, const ChunkMeta* c) { return r < c->min_row_id; });
    const size_t ci = it == chunks.begin() ? 0 : static_cast<size_t>(it - chunks.begin()) - 1;
    const uint64_t hi = ci + 1 < chunks.size() ? chunks[ci + 1]->min_row_id : UINT64_MAX;
    size_t end = pos;
    while (end < rows.size() && rows[end] < hi)
      ++end;
    groups.push_back({ci, pos, end});
    pos = end;
  }
  std::vector<ArrayDataPtr> pieces;
  constexpr size_t kWindow = 32;
  for (size_t g0 = 0; g0 < groups.size(); g0 += kWindow) {
    const size_t g1 = std::min(groups.size(), g0 + kWindow);
    std::vector<const ChunkMeta*> wanted, sparse;
    for (size_t g = g0; g < g1; ++g) {
      const ChunkMeta* c = chunks[groups[g].chunk];
      wanted.push_back(c);
      if (!IsDense(*c)) sparse.push_back(c);
    }
    auto loaded = store.LoadChunks(state, wanted, true, false);
    // Dense chunks (no gaps in their row ids) need no row-id lookups at all.
    auto sparse_ids = store.LoadChunks(state, sparse, false, true);
    size_t next_sparse = 0;
    for (size_t g = g0; g < g1; ++g) {
      const ChunkMeta& c = *wanted[g - g0];
      const size_t count = groups[g].end - groups[g].begin;
      bool whole = IsDense(c) && rows[groups[g].begin] == c.min_row_id &&
                   c.max_row_id - c.min_row_id + 1 == count;
      for (size_t r = groups[g].begin + 1; whole && r < groups[g].end; ++r)
        whole = rows[r] == rows[r - 1] + 1;
      if (whole) {
        // The whole chunk, in order (columns appended together line up):
        // its values as they are.
        pieces.push_back(loaded[g - g0].values);
        continue;
      }
      std::vector<int64_t> idx;
      idx.reserve(groups[g].end - groups[g].begin);
      auto missing_row = [&](uint64_t id) {
        if (missing == MissingRows::kError) not_found(id);
        idx.push_back(-1);
      };
      if (IsDense(c)) {
        for (size_t r = groups[g].begin; r < groups[g].end; ++r) {
          if (rows[r] < c.min_row_id || rows[r] > c.max_row_id)
            missing_row(rows[r]);
          else
            idx.push_back(static_cast<int64_t>(rows[r] - c.min_row_id));
        }
      } else {
        const auto& row_ids = sparse_ids[next_sparse++].row_ids;
        const uint64_t* ids = row_ids->values<uint64_t>();
        const uint64_t* ids_end = ids + row_ids->length;
        const uint64_t* cursor = ids;
        for (size_t r = groups[g].begin; r < groups[g].end; ++r) {
          cursor = std::lower_bound(cursor, ids_end, rows[r]);
          if (cursor != ids_end && *cursor == rows[r])
            idx.push_back(cursor - ids);
          else
            missing_row(rows[r]);
        }
      }
      pieces.push_back(arrow::Take(*loaded[g - g0].values, idx));
    }
  }
  return pieces.size() == 1 ? pieces[0] : arrow::Concatenate(pieces);
}

}  // namespace

class ColumnStore::ReaderGuard {
 public:
  explicit ReaderGuard(const ColumnStore& s) : s_(s) {}
  ~ReaderGuard() { s_.EndRead(); }

 private:
  const ColumnStore& s_;
};

std::vector<ArrayDataPtr> ColumnStore::Gather(std::span<const LogicalFieldId> ids,
                                              std::span<const uint64_t> row_ids,
                                              MissingRows missing) const {
  for (size_t i = 1; i < row_ids.size(); ++i) {
    if (row_ids[i] < row_ids[i - 1]) {
      Fail(ErrorKind::kInvalidInput, "gather row ids must be ascending ({} follows {})", row_ids[i],
           row_ids[i - 1]);
    }
  }
  std::vector<ColumnStatePtr> states = BeginRead(ids);
  ReaderGuard guard(*this);
  std::vector<ArrayDataPtr> out;
  for (const auto& s : states)
    out.push_back(GatherColumn(*this, *s, row_ids, missing));
  return out;
}

std::unique_ptr<ColumnScanner> ColumnStore::Scan(LogicalFieldId id, ScanOptions options) const {
  auto states = BeginRead(std::span<const LogicalFieldId>(&id, 1));
  try {
    if (options.predicate) CheckPredicate(*options.predicate, *states[0]->type);
  } catch (...) {
    EndRead();
    throw;
  }
  return std::unique_ptr<ColumnScanner>(
      new ColumnScanner(shared_from_this(), states[0], std::move(options)));
}

std::unique_ptr<MultiColumnScanner> ColumnStore::ScanColumns(std::vector<LogicalFieldId> ids,
                                                             ScanOptions options,
                                                             std::vector<std::string> names) const {
  if (ids.empty()) Fail(ErrorKind::kInvalidInput, "a multi-column scan needs at least one column");
  if (!names.empty() && names.size() != ids.size()) {
    Fail(ErrorKind::kInvalidInput, "{} names given for {} columns", names.size(), ids.size());
  }
  auto states = BeginRead(ids);
  std::unique_ptr<ColumnScanner> anchor;
  std::vector<arrow::FieldPtr> fields = {arrow::field(kRowIdColumn, arrow::uint64(), false)};
  try {
    if (options.predicate) CheckPredicate(*options.predicate, *states[0]->type);
    for (size_t i = 0; i < ids.size(); ++i) {
      fields.push_back(arrow::field(
          names.empty() ? "c" + std::to_string(ids[i].field_id) : names[i], states[i]->type));
    }
  } catch (...) {
    EndRead();
    throw;
  }
  options.with_row_ids = true;
  // The anchor scanner owns this read registration and ends it.
  anchor.reset(new ColumnScanner(shared_from_this(), states[0], std::move(options)));
  return std::unique_ptr<MultiColumnScanner>(new MultiColumnScanner(
      shared_from_this(), std::move(ids), std::move(states), std::move(anchor),
      std::make_shared<arrow::Schema>(std::move(fields))));
}

// ---------------------------------------------------------------- scanners

ColumnScanner::ColumnScanner(std::shared_ptr<const ColumnStore> store, ColumnStatePtr state,
                             ScanOptions options)
    : store_(std::move(store)), state_(std::move(state)), options_(std::move(options)) {
  for (const auto& p : state_->pages) {
    for (const auto& c : p->chunks) {
      if (options_.predicate && !MayMatch(*options_.predicate, c.stats, c.rows, c.null_count)) {
        ++chunks_skipped_;
      } else {
        chunks_.push_back(&c);
      }
    }
  }
  options_.prefetch_chunks = std::max<size_t>(options_.prefetch_chunks, 1);
}

ColumnScanner::~ColumnScanner() {
  store_->EndRead();
}

void ColumnScanner::Fetch() {
  const size_t end = std::min(chunks_.size(), next_ + options_.prefetch_chunks);
  std::span<const ChunkMeta* const> window(chunks_.data() + next_, end - next_);
  next_ = end;
  auto loaded = store_->LoadChunks(*state_, window, true, options_.with_row_ids);
  ready_.clear();
  ready_pos_ = 0;
  for (auto& lc : loaded) {
    ++chunks_read_;
    ColumnChunk chunk{std::move(lc.values), std::move(lc.row_ids)};
    if (options_.predicate && options_.filter_rows) {
      std::vector<int64_t> keep = FilterPositions(*options_.predicate, *chunk.values);
      if (keep.empty()) continue;
      if (static_cast<int64_t>(keep.size()) != chunk.values->length) {
        chunk.values = arrow::Take(*chunk.values, keep);
        if (chunk.row_ids) chunk.row_ids = arrow::Take(*chunk.row_ids, keep);
      }
    }
    ready_.push_back(std::move(chunk));
  }
}

bool ColumnScanner::Next(ColumnChunk* out) {
  while (ready_pos_ >= ready_.size()) {
    if (next_ >= chunks_.size()) return false;
    Fetch();
  }
  *out = std::move(ready_[ready_pos_++]);
  return true;
}

MultiColumnScanner::MultiColumnScanner(std::shared_ptr<const ColumnStore> store,
                                       std::vector<LogicalFieldId> ids,
                                       std::vector<ColumnStatePtr> states,
                                       std::unique_ptr<ColumnScanner> anchor,
                                       arrow::SchemaPtr schema)
    : store_(std::move(store)),
      ids_(std::move(ids)),
      states_(std::move(states)),
      anchor_(std::move(anchor)),
      schema_(std::move(schema)) {}

bool MultiColumnScanner::Next(arrow::RecordBatchPtr* out) {
  ColumnChunk chunk;
  if (!anchor_->Next(&chunk)) return false;
  std::span<const uint64_t> rows(chunk.row_ids->values<uint64_t>(),
                                 static_cast<size_t>(chunk.row_ids->length));
  std::vector<ArrayDataPtr> cols = {chunk.row_ids, chunk.values};
  for (size_t i = 1; i < states_.size(); ++i) {
    cols.push_back(GatherColumn(*store_, *states_[i], rows, MissingRows::kNull));
  }
  *out = arrow::RecordBatch::Make(schema_, chunk.row_ids->length, std::move(cols));
  return true;
}

}  // namespace llkv::table
