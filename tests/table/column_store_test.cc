// ColumnStore behaviour on both pagers: round trips of every type, last
// writer wins, chunk sizing, pruning, gather, deletes, reopen, corruption.
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "llkv/arrow/builder.h"
#include "llkv/arrow/compute.h"
#include "llkv/common/error.h"
#include "llkv/storage/instrumented_pager.h"
#include "llkv/storage/lmdb_pager.h"
#include "llkv/storage/mem_pager.h"
#include "sample_data.h"
#include "table/column_store.h"
#include "test_util.h"

namespace llkv::table {
namespace {

using arrow::ArrayDataPtr;
using arrow::RecordBatch;

constexpr LogicalFieldId kA{Namespace::kUserData, 1, 1};
constexpr LogicalFieldId kB{Namespace::kUserData, 1, 2};

ArrayDataPtr RowIdArray(const std::vector<uint64_t>& ids) {
  arrow::UInt64Builder b(arrow::uint64());
  for (auto id : ids)
    b.Append(id);
  return b.Finish();
}

ArrayDataPtr Int64s(const std::vector<std::optional<int64_t>>& v) {
  arrow::Int64Builder b(arrow::int64());
  for (const auto& x : v)
    x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}

ArrayDataPtr Strings(const std::vector<std::optional<std::string>>& v) {
  arrow::StringBuilder b(arrow::utf8());
  for (const auto& x : v)
    x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}

// A batch writing `cols` (id, values) at `ids`.
RecordBatch Batch(const std::vector<uint64_t>& ids,
                  const std::vector<std::pair<LogicalFieldId, ArrayDataPtr>>& cols) {
  std::vector<arrow::FieldPtr> fields = {arrow::field("row_id", arrow::uint64(), false)};
  std::vector<ArrayDataPtr> arrays = {RowIdArray(ids)};
  for (const auto& [id, a] : cols) {
    fields.push_back(ColumnStore::ColumnField("c" + std::to_string(id.field_id), a->type, id));
    arrays.push_back(a);
  }
  return *RecordBatch::Make(std::make_shared<arrow::Schema>(fields),
                            static_cast<int64_t>(ids.size()), arrays);
}

// Every (row id, value) of a column, via a full scan.
std::vector<std::pair<uint64_t, std::string>> Dump(const ColumnStore& store, LogicalFieldId id) {
  std::vector<std::pair<uint64_t, std::string>> out;
  auto scan = store.Scan(id);
  ColumnChunk c;
  while (scan->Next(&c)) {
    for (int64_t i = 0; i < c.values->length; ++i) {
      out.emplace_back(c.row_ids->values<uint64_t>()[i], arrow::FormatValue(*c.values, i));
    }
  }
  return out;
}

struct StoreKind {
  std::string name;
  bool persistent;
};

class ColumnStoreTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override { Reopen(); }

  // Closes and reopens the store; the in-memory kind reopens over the same pager.
  void Reopen(ColumnStoreOptions options = {}) {
    store_.reset();
    if (GetParam().persistent) {
      pager_.reset();
      pager_ = storage::LmdbPager::Open(dir_.file("db.llkv"), {.sync = storage::SyncMode::kNone});
    } else if (!pager_) {
      pager_ = std::make_shared<storage::MemPager>();
    }
    store_ = ColumnStore::Open(pager_, options);
  }

  testing::TempDir dir_;
  storage::PagerPtr pager_;
  std::shared_ptr<ColumnStore> store_;
};

TEST_P(ColumnStoreTest, EveryTypeRoundTripsThroughReopen) {
  // One column per Arrow type, nulls included (tests/sample_data.h).
  auto sample = testing::MakeSampleBatch(300);
  std::vector<uint64_t> ids;
  for (int64_t i = 0; i < sample->num_rows(); ++i)
    ids.push_back(static_cast<uint64_t>(i * 3));
  std::vector<std::pair<LogicalFieldId, ArrayDataPtr>> cols;
  for (int c = 0; c < sample->num_columns(); ++c) {
    cols.emplace_back(LogicalFieldId{Namespace::kUserData, 2, static_cast<uint32_t>(c)},
                      sample->column(c));
  }
  store_->Append(Batch(ids, cols));
  Reopen();
  for (size_t t = 0; t < cols.size(); ++t) {
    const auto& type = sample->schema()->field(static_cast<int>(t))->type();
    auto scan = store_->Scan(cols[t].first);
    ColumnChunk c;
    std::vector<ArrayDataPtr> parts;
    while (scan->Next(&c))
      parts.push_back(c.values);
    ASSERT_FALSE(parts.empty()) << type->ToString();
    auto all = arrow::Concatenate(parts);
    EXPECT_TRUE(arrow::ArrayEquals(*all, *cols[t].second)) << type->ToString();
    EXPECT_TRUE(store_->ColumnType(cols[t].first)->Equals(*type));
  }
}

TEST_P(ColumnStoreTest, LastWriterWinsAndBatchesAreSortedByRowId) {
  store_->Append(Batch({5, 1, 3}, {{kA, Int64s({50, 10, 30})}}));
  store_->Append(Batch({3, 9, 3}, {{kA, Int64s({31, 90, 32})}}));  // 3 twice: the last wins
  std::vector<std::pair<uint64_t, std::string>> want = {{1, "10"}, {3, "32"}, {5, "50"}, {9, "90"}};
  EXPECT_EQ(Dump(*store_, kA), want);
  EXPECT_EQ(store_->RowCount(kA), 4u);
  Reopen();
  EXPECT_EQ(Dump(*store_, kA), want);
}

TEST_P(ColumnStoreTest, AppendIsAtomicAcrossColumnsAndChecksTypes) {
  store_->Append(Batch({1, 2}, {{kA, Int64s({1, 2})}, {kB, Strings({"x", std::nullopt})}}));
  // kB has type utf8: this batch is rejected whole, kA included.
  EXPECT_THROW(store_->Append(Batch({3}, {{kA, Int64s({3})}, {kB, Int64s({3})}})), Error);
  EXPECT_EQ(store_->RowCount(kA), 2u);
  EXPECT_THROW(store_->Append(Batch({4}, {{kA, Int64s({3})}, {kA, Int64s({4})}})), Error);
  EXPECT_EQ(Dump(*store_, kB),
            (std::vector<std::pair<uint64_t, std::string>>{{1, "x"}, {2, "NULL"}}));
}

TEST_P(ColumnStoreTest, ChunksStayNearTheTargetSize) {
  Reopen({.target_chunk_bytes = 8192, .chunks_per_page = 4});
  std::vector<uint64_t> ids;
  std::vector<std::optional<int64_t>> vals;
  for (int64_t i = 0; i < 20000; ++i) {
    ids.push_back(static_cast<uint64_t>(i));
    vals.push_back(i);
  }
  store_->Append(Batch(ids, {{kA, Int64s(vals)}}));
  auto info = store_->Columns()[0];
  EXPECT_EQ(info.rows, 20000u);
  // 160 KB of values and 160 KB of row ids in chunks of at most 2x 8 KiB.
  EXPECT_GE(info.chunks, 10u);
  EXPECT_LE(info.chunks, 40u);
  EXPECT_GT(info.meta_pages, 1u);
  // Deleting most rows merges the small chunks left behind (within each meta
  // page: one chunk per page remains).
  std::vector<uint64_t> doomed;
  for (uint64_t i = 0; i < 20000; ++i)
    if (i % 50 != 0) doomed.push_back(i);
  store_->DeleteRows(std::vector<LogicalFieldId>{kA}, doomed);
  info = store_->Columns()[0];
  EXPECT_EQ(info.rows, 400u);
  EXPECT_LE(info.chunks, info.meta_pages);
  auto dump = Dump(*store_, kA);
  ASSERT_EQ(dump.size(), 400u);
  EXPECT_EQ(dump[7], (std::pair<uint64_t, std::string>{350, "350"}));
}

TEST_P(ColumnStoreTest, SingleRowAppendsAreNotQuadratic) {
  auto counted = std::make_shared<storage::InstrumentedPager>(pager_);
  store_.reset();
  store_ = ColumnStore::Open(counted, {.target_chunk_bytes = 16384});
  auto bytes_for = [&](uint64_t first, int n) {
    counted->reset();
    for (int i = 0; i < n; ++i) {
      store_->Append(Batch({first + uint64_t(i)}, {{kA, Int64s({int64_t(i)})}}));
    }
    return static_cast<double>(counted->totals().bytes_written) / n;
  };
  const double small = bytes_for(0, 1000);
  const double large = bytes_for(1000, 8000);
  // Quadratic rewriting would make the per-row cost grow 8x; the binary
  // counter merge grows it by about log(8000)/log(1000).
  EXPECT_LT(large / small, 2.5) << small << " vs " << large << " bytes per row";
  EXPECT_EQ(store_->RowCount(kA), 9000u);
}

TEST_P(ColumnStoreTest, PredicatesPruneChunksAndFilterRows) {
  Reopen({.target_chunk_bytes = 4096, .chunks_per_page = 16});
  std::vector<uint64_t> ids;
  std::vector<std::optional<int64_t>> vals;
  for (int64_t i = 0; i < 10000; ++i) {
    ids.push_back(static_cast<uint64_t>(i));
    vals.push_back(i % 1000 == 0 ? std::nullopt : std::optional<int64_t>(i * 2));
  }
  store_->Append(Batch(ids, {{kA, Int64s(vals)}}));
  auto scan = store_->Scan(kA, {.predicate = Predicate::Between(int64_t{1000}, int64_t{1100})});
  ColumnChunk c;
  std::vector<int64_t> got;
  while (scan->Next(&c)) {
    for (int64_t i = 0; i < c.values->length; ++i)
      got.push_back(c.values->values<int64_t>()[i]);
  }
  ASSERT_EQ(got.size(), 51u);
  EXPECT_EQ(got.front(), 1000);
  EXPECT_EQ(got.back(), 1100);
  EXPECT_GT(scan->chunks_skipped(), 5 * scan->chunks_read());
  // A double bound against an int64 column compares exactly.
  auto exact = store_->Scan(kA, {.predicate = Predicate::Gt(19997.5)});
  std::vector<int64_t> top;
  while (exact->Next(&c)) {
    for (int64_t i = 0; i < c.values->length; ++i)
      top.push_back(c.values->values<int64_t>()[i]);
  }
  EXPECT_EQ(top, (std::vector<int64_t>{19998}));
  auto nulls = store_->Scan(kA, {.predicate = Predicate::IsNull()});
  int64_t null_rows = 0;
  while (nulls->Next(&c))
    null_rows += c.values->length;
  EXPECT_EQ(null_rows, 10);
  EXPECT_THROW(store_->Scan(kA, {.predicate = Predicate::Eq(std::string("x"))}), Error);
}

TEST_P(ColumnStoreTest, GatherAndMultiColumnScan) {
  store_->Append(Batch({10, 20, 30, 40}, {{kA, Int64s({1, 2, 3, 4})}}));
  store_->Append(Batch({20, 40}, {{kB, Strings({"b", "d"})}}));
  auto got =
      store_->Gather(std::vector<LogicalFieldId>{kA, kB}, std::vector<uint64_t>{20, 25, 40, 40});
  EXPECT_EQ(arrow::FormatValue(*got[0], 0), "2");
  EXPECT_TRUE(got[0]->IsNull(1));
  EXPECT_EQ(arrow::FormatValue(*got[1], 2), "d");
  EXPECT_EQ(arrow::FormatValue(*got[1], 3), "d");
  try {
    store_->Gather(std::vector<LogicalFieldId>{kB}, std::vector<uint64_t>{20, 30},
                   MissingRows::kError);
    FAIL() << "missing row not reported";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("row id 30"), std::string::npos) << e.what();
  }
  EXPECT_THROW(store_->Gather(std::vector<LogicalFieldId>{kA}, std::vector<uint64_t>{2, 1}), Error);

  auto scan = store_->ScanColumns({kA, kB}, {}, {"a", "b"});
  arrow::RecordBatchPtr batch;
  ASSERT_TRUE(scan->Next(&batch));
  EXPECT_EQ(arrow::FormatTable(batch),
            arrow::FormatTable(RecordBatch::Make(
                std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{
                    arrow::field("row_id", arrow::uint64(), false),
                    arrow::field("a", arrow::int64()), arrow::field("b", arrow::utf8())}),
                4,
                {RowIdArray({10, 20, 30, 40}), Int64s({1, 2, 3, 4}),
                 Strings({std::nullopt, "b", std::nullopt, "d"})})));
  EXPECT_FALSE(scan->Next(&batch));
}

TEST_P(ColumnStoreTest, ScannersSeeTheStateAtTheirCreation) {
  Reopen({.target_chunk_bytes = 1024});
  std::vector<uint64_t> ids;
  std::vector<std::optional<int64_t>> vals;
  for (int64_t i = 0; i < 2000; ++i) {
    ids.push_back(static_cast<uint64_t>(i));
    vals.push_back(i);
  }
  store_->Append(Batch(ids, {{kA, Int64s(vals)}}));
  auto scan = store_->Scan(kA);
  std::vector<std::optional<int64_t>> negated;
  for (auto v : vals)
    negated.push_back(-*v);
  store_->Append(Batch(ids, {{kA, Int64s(negated)}}));  // rewrites every chunk
  store_->DeleteRows(std::vector<LogicalFieldId>{kA}, std::vector<uint64_t>{1, 2, 3});
  EXPECT_GT(store_->pending_frees(), 0u);  // the old chunks wait for the scanner
  ColumnChunk c;
  int64_t sum = 0, rows = 0;
  while (scan->Next(&c)) {
    for (int64_t i = 0; i < c.values->length; ++i)
      sum += c.values->values<int64_t>()[i];
    rows += c.values->length;
  }
  EXPECT_EQ(rows, 2000);
  EXPECT_EQ(sum, 1999 * 2000 / 2);
  scan.reset();
  store_->ReclaimSpace();
  EXPECT_EQ(store_->pending_frees(), 0u);
  EXPECT_EQ(store_->RowCount(kA), 1997u);
}

TEST_P(ColumnStoreTest, DropColumnFreesItsStorage) {
  store_->Append(Batch({1, 2}, {{kA, Int64s({1, 2})}, {kB, Strings({"x", "y"})}}));
  store_->DropColumn(kA);
  EXPECT_FALSE(store_->HasColumn(kA));
  EXPECT_THROW(store_->Scan(kA), Error);
  EXPECT_THROW(store_->DropColumn(kA), Error);
  Reopen();
  EXPECT_FALSE(store_->HasColumn(kA));
  EXPECT_EQ(store_->RowCount(kB), 2u);
  if (auto* mem = dynamic_cast<storage::MemPager*>(pager_.get())) {
    // catalog + kB's descriptor, meta page, data and row-id chunks
    EXPECT_EQ(mem->size(), 5u);
  }
}

TEST_P(ColumnStoreTest, CorruptChunkIsReportedNotCrashed) {
  store_->Append(Batch({1, 2, 3}, {{kA, Int64s({1, 2, 3})}}));
  // Overwrite the data and row-id chunks (they start with "LKCH") with
  // garbage of the same size; the catalog and descriptors stay intact.
  std::vector<storage::PhysicalKey> keys;
  for (storage::PhysicalKey k = storage::kFirstAllocatableKey; k < 64; ++k)
    keys.push_back(k);
  auto values = pager_->batch_get(keys);
  std::vector<std::vector<uint8_t>> garbage(keys.size());
  std::vector<storage::PutEntry> puts;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!values[i] || values[i]->size() < 4 || std::memcmp(values[i]->data(), "LKCH", 4) != 0) {
      continue;
    }
    garbage[i].assign(values[i]->size(), 0xAB);
    puts.push_back({keys[i], garbage[i]});
  }
  ASSERT_FALSE(puts.empty());
  pager_->batch_put(puts);
  Reopen();
  try {
    Dump(*store_, kA);
    FAIL() << "corruption not detected";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorruption) << e.what();
    EXPECT_NE(std::string(e.what()).find("column user:1.1"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(BothPagers, ColumnStoreTest,
                         ::testing::Values(StoreKind{"Mem", false}, StoreKind{"Lmdb", true}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace llkv::table
