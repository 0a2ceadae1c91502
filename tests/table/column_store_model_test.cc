// Randomized model test: thousands of random appends, overwrites, deletes,
// drops and reopens against a ColumnStore, compared after every step with a
// plain std::map model, on both pagers. Small chunk and page sizes make
// splits, merges and meta page changes happen constantly.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "llkv/arrow/builder.h"
#include "llkv/storage/lmdb_pager.h"
#include "llkv/storage/mem_pager.h"
#include "table/column_store.h"
#include "test_util.h"

namespace llkv::table {
namespace {

using arrow::ArrayDataPtr;

constexpr LogicalFieldId kInts{Namespace::kUserData, 7, 0};
constexpr LogicalFieldId kText{Namespace::kUserData, 7, 1};

// Model: row id -> value (nullopt = SQL NULL), per column.
using IntModel = std::map<uint64_t, std::optional<int64_t>>;
using TextModel = std::map<uint64_t, std::optional<std::string>>;

class ModelTest : public ::testing::TestWithParam<bool /*persistent*/> {
 protected:
  void Reopen() {
    store_.reset();
    if (GetParam()) {
      pager_.reset();
      pager_ =
          storage::LmdbPager::Open(dir_.file("model.llkv"), {.sync = storage::SyncMode::kNone});
    } else if (!pager_) {
      pager_ = std::make_shared<storage::MemPager>();
    }
    store_ = ColumnStore::Open(pager_, {.target_chunk_bytes = 2048, .chunks_per_page = 3});
  }

  void Append(const std::vector<uint64_t>& ids, bool ints, bool text) {
    arrow::UInt64Builder rid(arrow::uint64());
    arrow::Int64Builder ib(arrow::int64());
    arrow::StringBuilder sb(arrow::utf8());
    std::vector<std::optional<int64_t>> iv;
    std::vector<std::optional<std::string>> sv;
    for (uint64_t id : ids) {
      rid.Append(id);
      std::optional<int64_t> i;
      if (rng_() % 10 != 0) i = static_cast<int64_t>(rng_() % 2000000) - 1000000;
      std::optional<std::string> s;
      if (rng_() % 10 != 0) s = std::string(rng_() % 40, static_cast<char>('a' + rng_() % 26));
      i ? ib.Append(*i) : ib.AppendNull();
      s ? sb.Append(*s) : sb.AppendNull();
      iv.push_back(i);
      sv.push_back(s);
    }
    std::vector<arrow::FieldPtr> fields = {arrow::field("row_id", arrow::uint64(), false)};
    std::vector<ArrayDataPtr> cols = {rid.Finish()};
    if (ints) {
      fields.push_back(ColumnStore::ColumnField("i", arrow::int64(), kInts));
      cols.push_back(ib.Finish());
    }
    if (text) {
      fields.push_back(ColumnStore::ColumnField("s", arrow::utf8(), kText));
      cols.push_back(sb.Finish());
    }
    store_->Append(*arrow::RecordBatch::Make(std::make_shared<arrow::Schema>(fields),
                                             static_cast<int64_t>(ids.size()), cols));
    // Later occurrences of an id in one batch win, as in the store.
    for (size_t k = 0; k < ids.size(); ++k) {
      if (ints) ints_[ids[k]] = iv[k];
      if (text) text_[ids[k]] = sv[k];
    }
  }

  template <typename Model>
  void CheckColumn(LogicalFieldId id, const Model& model, const std::string& step) {
    if (model.empty() && !store_->HasColumn(id)) return;
    ASSERT_TRUE(store_->HasColumn(id)) << step;
    ASSERT_EQ(store_->RowCount(id), model.size()) << step;
    auto scan = store_->Scan(id);
    ColumnChunk c;
    auto it = model.begin();
    while (scan->Next(&c)) {
      for (int64_t i = 0; i < c.values->length; ++i, ++it) {
        ASSERT_NE(it, model.end()) << step;
        ASSERT_EQ(c.row_ids->values<uint64_t>()[i], it->first) << step;
        ASSERT_EQ(c.values->IsNull(i), !it->second.has_value()) << step << " row " << it->first;
        if (!it->second) continue;
        if constexpr (std::is_same_v<Model, IntModel>) {
          ASSERT_EQ(c.values->values<int64_t>()[i], *it->second) << step;
        } else {
          ASSERT_EQ(arrow::BinaryValueAt(*c.values, i), *it->second) << step;
        }
      }
    }
    ASSERT_EQ(it, model.end()) << step;
  }

  void CheckGather(const std::string& step) {
    if (ints_.empty()) return;
    std::vector<uint64_t> ids;
    for (int k = 0; k < 20; ++k)
      ids.push_back(rng_() % 1200);
    std::sort(ids.begin(), ids.end());
    auto got = store_->Gather(std::vector<LogicalFieldId>{kInts}, ids)[0];
    for (size_t k = 0; k < ids.size(); ++k) {
      auto it = ints_.find(ids[k]);
      const bool present = it != ints_.end() && it->second.has_value();
      ASSERT_EQ(got->IsValid(static_cast<int64_t>(k)), present) << step << " gather " << ids[k];
      if (present) {
        ASSERT_EQ(got->values<int64_t>()[k], *it->second) << step;
      }
    }
  }

  testing::TempDir dir_;
  storage::PagerPtr pager_;
  std::shared_ptr<ColumnStore> store_;
  std::mt19937_64 rng_{20261125};
  IntModel ints_;
  TextModel text_;
};

TEST_P(ModelTest, RandomOperationsMatchTheModel) {
  Reopen();
  const int steps = 3000;
  for (int step = 0; step < steps; ++step) {
    const std::string name = "step " + std::to_string(step);
    const unsigned op = rng_() % 100;
    if (op < 55) {
      // Append: new rows at the tail, overwrites in the middle, or a mix;
      // sometimes a single row, sometimes repeated ids in one batch.
      std::vector<uint64_t> ids;
      const size_t n = rng_() % 4 == 0 ? 1 : 1 + rng_() % 120;
      const uint64_t hi = ints_.empty() ? 1 : ints_.rbegin()->first + 50;
      for (size_t k = 0; k < n; ++k)
        ids.push_back(rng_() % std::min<uint64_t>(hi, 1200));
      const unsigned which = rng_() % 4;
      Append(ids, which != 1, which != 2);
    } else if (op < 80) {
      std::vector<uint64_t> doomed;
      const size_t n = 1 + rng_() % 60;
      for (size_t k = 0; k < n; ++k)
        doomed.push_back(rng_() % 1200);
      std::vector<LogicalFieldId> cols;
      if (store_->HasColumn(kInts)) cols.push_back(kInts);
      if (store_->HasColumn(kText) && rng_() % 3 != 0) cols.push_back(kText);
      store_->DeleteRows(cols, doomed);
      for (uint64_t id : doomed) {
        if (std::find(cols.begin(), cols.end(), kInts) != cols.end()) ints_.erase(id);
        if (std::find(cols.begin(), cols.end(), kText) != cols.end()) text_.erase(id);
      }
    } else if (op < 83) {
      if (store_->HasColumn(kText)) {
        store_->DropColumn(kText);
        text_.clear();
      }
    } else if (op < 90) {
      Reopen();
    } else {
      CheckGather(name);
    }
    CheckColumn(kInts, ints_, name);
    CheckColumn(kText, text_, name);
    if (HasFatalFailure()) return;
  }
  Reopen();
  CheckColumn(kInts, ints_, "final");
  CheckColumn(kText, text_, "final");
  EXPECT_EQ(store_->pending_frees(), 0u);
  if (auto* mem = dynamic_cast<storage::MemPager*>(pager_.get())) {
    // No leaked values: catalog + per column a descriptor, its meta pages and
    // two values per chunk.
    size_t expected = 1;
    for (const auto& c : store_->Columns())
      expected += 1 + c.meta_pages + 2 * c.chunks;
    EXPECT_EQ(mem->size(), expected);
  }
}

INSTANTIATE_TEST_SUITE_P(BothPagers, ModelTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Lmdb" : "Mem"; });

}  // namespace
}  // namespace llkv::table
