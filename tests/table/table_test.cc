// Table (hidden row id / created_by / deleted_by columns, inserts, delete
// marks, scans, fetch) and the system catalog (table 0), on both pagers and
// across reopening.
#include <gtest/gtest.h>

#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"
#include "llkv/storage/instrumented_pager.h"
#include "llkv/storage/lmdb_pager.h"
#include "llkv/storage/mem_pager.h"
#include "table/sys_catalog.h"
#include "table/table.h"
#include "test_util.h"

namespace llkv::table {
namespace {

TableDef PeopleDef(uint32_t id) {
  TableDef def;
  def.id = id;
  def.name = "people";
  def.columns = {{"id", arrow::int64(), false, 0},
                 {"name", arrow::utf8(), true, 1},
                 {"score", arrow::decimal128(5, 2), true, 3}};
  def.next_field_id = 4;
  return def;
}

arrow::RecordBatchPtr People(std::vector<int64_t> ids,
                             std::vector<std::optional<std::string>> names) {
  arrow::Int64Builder id(arrow::int64());
  arrow::StringBuilder name(arrow::utf8());
  arrow::Decimal128Builder score(arrow::decimal128(5, 2));
  for (size_t i = 0; i < ids.size(); ++i) {
    id.Append(ids[i]);
    names[i] ? name.Append(*names[i]) : name.AppendNull();
    score.Append(ids[i] * 100 + 25);
  }
  auto schema = std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{
      arrow::field("a", arrow::int64()), arrow::field("b", arrow::utf8()),
      arrow::field("c", arrow::decimal128(5, 2))});
  return arrow::RecordBatch::Make(schema, static_cast<int64_t>(ids.size()),
                                  {id.Finish(), name.Finish(), score.Finish()});
}

class TableTest : public ::testing::TestWithParam<bool /*persistent*/> {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    if (GetParam()) {
      pager_.reset();
      pager_ = storage::LmdbPager::Open(dir_.file("t.llkv"), {.sync = storage::SyncMode::kNone});
    } else if (!pager_) {
      pager_ = std::make_shared<storage::MemPager>();
    }
    store_ = ColumnStore::Open(pager_);
  }
  std::string Dump(const Table& t, bool versions) {
    std::vector<size_t> cols = {0, 1, 2};
    auto scan = t.Scan(cols, versions);
    std::vector<arrow::RecordBatchPtr> batches;
    arrow::RecordBatchPtr b;
    while (scan->Next(&b))
      batches.push_back(b);
    if (batches.empty()) return "(empty)";
    return arrow::FormatTable(batches);
  }

  testing::TempDir dir_;
  storage::PagerPtr pager_;
  std::shared_ptr<ColumnStore> store_;
};

TEST_P(TableTest, InsertScanDeleteMarksAndReopen) {
  {
    Table t(store_, PeopleDef(5));
    EXPECT_EQ(Dump(t, false), "(empty)");
    EXPECT_EQ(t.Insert(*People({1, 2}, {"ann", std::nullopt}), 7), 0u);
    EXPECT_EQ(t.Insert(*People({3}, {"cy"}), 8), 2u);
    t.MarkDeleted(std::vector<uint64_t>{1}, 9);
    EXPECT_EQ(t.row_count(), 3u);
  }
  Reopen();
  Table t(store_, PeopleDef(5));
  EXPECT_EQ(t.next_row_id(), 3u);
  const std::string dump = Dump(t, true);
  EXPECT_NE(dump.find("│      1 │          7 │          9 │     2 │ NULL │             2.25 │"),
            std::string::npos)
      << dump;
  EXPECT_NE(dump.find("│      2 │          8 │       NULL │     3 │ cy   │             3.25 │"),
            std::string::npos)
      << dump;
  t.ClearDeleted(std::vector<uint64_t>{1});
  EXPECT_NE(Dump(t, true).find("│      1 │          7 │       NULL │"), std::string::npos);
  t.RemoveRows(std::vector<uint64_t>{0});
  EXPECT_EQ(t.row_count(), 2u);
  auto fetched = t.Fetch(std::vector<size_t>{1}, std::vector<uint64_t>{2});
  EXPECT_EQ(arrow::BinaryValueAt(*fetched[0], 0), "cy");
  EXPECT_THROW(t.Fetch(std::vector<size_t>{1}, std::vector<uint64_t>{0}), Error);
  // Row ids are never reused while rows exist past them.
  EXPECT_EQ(t.Insert(*People({4}, {"di"}), 10), 3u);
}

TEST_P(TableTest, SchemaChecksAndNotNull) {
  Table t(store_, PeopleDef(6));
  arrow::Int64Builder id(arrow::int64());
  id.AppendNull();
  arrow::StringBuilder name(arrow::utf8());
  name.Append("x");
  arrow::Decimal128Builder score(arrow::decimal128(5, 2));
  score.Append(1);
  auto schema = std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{
      arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8()),
      arrow::field("score", arrow::decimal128(5, 2))});
  auto with_null =
      arrow::RecordBatch::Make(schema, 1, {id.Finish(), name.Finish(), score.Finish()});
  try {
    t.Insert(*with_null, 1);
    FAIL() << "null accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "Constraint Error: NOT NULL constraint failed: people.id");
  }
  auto narrow = arrow::RecordBatch::Make(
      std::make_shared<arrow::Schema>(
          std::vector<arrow::FieldPtr>{arrow::field("id", arrow::int64())}),
      0, {arrow::MakeNullArray(arrow::int64(), 0)});
  EXPECT_THROW(t.Insert(*narrow, 1), Error);
  EXPECT_EQ(t.row_count(), 0u);
}

TEST_P(TableTest, SystemCatalogPersists) {
  {
    SysCatalog catalog(store_);
    const uint64_t a = catalog.AllocateId(), b = catalog.AllocateId();
    EXPECT_EQ(a, 1u);
    EXPECT_EQ(b, 2u);
    TableDef def = PeopleDef(static_cast<uint32_t>(a));
    std::vector<CatalogEntry> entries = {{a, CatalogKind::kTable, "people", EncodeTableDef(def)},
                                         {b, CatalogKind::kView, "v", {'S', 'Q', 'L'}}};
    catalog.Put(entries);
    entries[1].name = "v2";  // replace by id
    catalog.Put(std::span<const CatalogEntry>(&entries[1], 1));
  }
  Reopen();
  SysCatalog catalog(store_);
  auto entries = catalog.Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].name, "v2");
  TableDef def = DecodeTableDef(entries[0].definition, "test");
  EXPECT_EQ(def.name, "people");
  ASSERT_EQ(def.columns.size(), 3u);
  EXPECT_TRUE(def.columns[2].type->Equals(*arrow::decimal128(5, 2)));
  EXPECT_FALSE(def.columns[0].nullable);
  EXPECT_EQ(def.FindColumn("NAME"), std::optional<size_t>(1));
  EXPECT_EQ(catalog.AllocateId(), 3u);
  catalog.Remove(std::vector<uint64_t>{1});
  EXPECT_EQ(catalog.Entries().size(), 1u);
  // A damaged definition is reported, not misread.
  auto bytes = EncodeTableDef(def);
  bytes.resize(bytes.size() - 3);
  EXPECT_THROW(DecodeTableDef(bytes, "catalog entry 1"), Error);
}

// A filtered scan reads only the chunks whose min/max admit the predicate
// and returns exactly the matching rows, with the other columns aligned.
TEST(TableScanFilterTest, SkipsChunksByStatistics) {
  auto pager = std::make_shared<storage::InstrumentedPager>(std::make_shared<storage::MemPager>());
  ColumnStoreOptions options;
  options.target_chunk_bytes = 4096;  // many small chunks
  auto store = ColumnStore::Open(pager, options);
  Table t(store, PeopleDef(7));
  std::vector<int64_t> ids;
  std::vector<std::optional<std::string>> names;
  for (int64_t i = 0; i < 20000; ++i) {
    ids.push_back(i);
    names.push_back("n" + std::to_string(i));
  }
  t.Insert(*People(ids, names), 1);
  const std::vector<size_t> columns = {0, 1};
  auto count_rows = [&](const std::optional<Table::ScanFilter>& filter, uint64_t* gets) {
    const uint64_t before = pager->totals().gets;
    auto scan = t.Scan(columns, true, filter);
    int64_t rows = 0;
    arrow::RecordBatchPtr b;
    while (scan->Next(&b)) {
      for (int64_t i = 0; i < b->num_rows(); ++i) {
        const int64_t id = b->column(3)->values<int64_t>()[i];
        EXPECT_EQ(arrow::BinaryValueAt(*b->column(4), i), "n" + std::to_string(id));
        EXPECT_EQ(b->column(0)->values<uint64_t>()[i], static_cast<uint64_t>(id));
      }
      rows += b->num_rows();
    }
    *gets = pager->totals().gets - before;
    return rows;
  };
  uint64_t full_gets = 0, filtered_gets = 0;
  EXPECT_EQ(count_rows(std::nullopt, &full_gets), 20000);
  EXPECT_EQ(count_rows(Table::ScanFilter{0, Predicate::Eq(int64_t{12345})}, &filtered_gets), 1);
  EXPECT_LT(filtered_gets * 10, full_gets) << "an equality should read a few chunks";
  EXPECT_EQ(count_rows(Table::ScanFilter{0, Predicate::Ge(int64_t{19990})}, &filtered_gets), 10);
  EXPECT_EQ(count_rows(Table::ScanFilter{0, Predicate::Lt(int64_t{0})}, &filtered_gets), 0);
  // IS NOT NULL keeps every row of a column without NULLs.
  EXPECT_EQ(count_rows(Table::ScanFilter{2, Predicate::IsNotNull()}, &filtered_gets), 20000);
}

INSTANTIATE_TEST_SUITE_P(BothPagers, TableTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Lmdb" : "Mem"; });

}  // namespace
}  // namespace llkv::table
