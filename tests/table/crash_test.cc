// Crash test: a child process appends batches to a persistent column store
// and reports each commit that returned; the parent kills it with SIGKILL at
// a random moment, reopens the database and checks that every reported
// batch is there complete, that at most the one batch in flight beyond them
// is there too (and then complete), and that nothing else is. Repeated many
// times over the same file, which keeps growing across the kills.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "llkv/arrow/builder.h"
#include "llkv/storage/lmdb_pager.h"
#include "table/column_store.h"
#include "test_util.h"

namespace llkv::table {
namespace {

using arrow::ArrayDataPtr;

constexpr LogicalFieldId kValue{Namespace::kUserData, 3, 0};
constexpr LogicalFieldId kTally{Namespace::kUserData, 3, 1};
constexpr uint64_t kRowsPerBatch = 500;
constexpr uint64_t kTallyRow = 0;  // row of kTally that holds the last batch number

// Batch b writes rows [1 + b * kRowsPerBatch, 1 + (b + 1) * kRowsPerBatch) of
// kValue with value b, and kTally's single row = b: two columns, one commit.
void AppendBatch(ColumnStore& store, uint64_t b) {
  arrow::UInt64Builder ids(arrow::uint64());
  arrow::Int64Builder values(arrow::int64());
  arrow::Int64Builder tally(arrow::int64());
  for (uint64_t r = 0; r < kRowsPerBatch; ++r) {
    ids.Append(1 + b * kRowsPerBatch + r);
    values.Append(static_cast<int64_t>(b));
    tally.AppendNull();
  }
  ids.Append(kTallyRow);
  values.AppendNull();
  tally.Append(static_cast<int64_t>(b));
  auto schema = std::make_shared<arrow::Schema>(
      std::vector<arrow::FieldPtr>{arrow::field("row_id", arrow::uint64(), false),
                                   ColumnStore::ColumnField("v", arrow::int64(), kValue),
                                   ColumnStore::ColumnField("t", arrow::int64(), kTally)});
  store.Append(*arrow::RecordBatch::Make(schema, kRowsPerBatch + 1,
                                         {ids.Finish(), values.Finish(), tally.Finish()}));
}

[[noreturn]] void RunChild(const std::filesystem::path& db, uint64_t first_batch, int report_fd) {
  try {
    auto store = ColumnStore::Open(storage::LmdbPager::Open(db),  // default: durable commits
                                   {.target_chunk_bytes = 16384});
    for (uint64_t b = first_batch;; ++b) {
      AppendBatch(*store, b);
      if (::write(report_fd, &b, sizeof b) != sizeof b) ::_exit(3);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash_test child: %s\n", e.what());
    ::_exit(2);
  }
}

// Returns the number of complete batches found, failing the test on any
// partial or foreign data.
uint64_t Verify(const std::filesystem::path& db) {
  auto store = ColumnStore::Open(storage::LmdbPager::Open(db));
  if (!store->HasColumn(kValue)) {
    EXPECT_FALSE(store->HasColumn(kTally));
    return 0;
  }
  // Every batch also writes the tally row (null in kValue).
  const uint64_t rows = store->RowCount(kValue) - 1;
  EXPECT_EQ(rows % kRowsPerBatch, 0u) << "a batch is partly present";
  const uint64_t batches = rows / kRowsPerBatch;
  auto scan = store->ScanColumns({kValue, kTally});
  arrow::RecordBatchPtr batch;
  uint64_t expected_row = 1, seen = 0;
  int64_t tally = -1;
  while (scan->Next(&batch)) {
    const auto* ids = batch->column(0)->values<uint64_t>();
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      if (ids[i] == kTallyRow) {
        tally = batch->column(2)->values<int64_t>()[i];
        continue;
      }
      EXPECT_EQ(ids[i], expected_row) << "row ids have a gap";
      const int64_t v = batch->column(1)->values<int64_t>()[i];
      EXPECT_EQ(static_cast<uint64_t>(v), (ids[i] - 1) / kRowsPerBatch);
      ++expected_row;
      ++seen;
    }
  }
  EXPECT_EQ(seen, batches * kRowsPerBatch);
  EXPECT_EQ(tally, static_cast<int64_t>(batches) - 1) << "the two columns disagree";
  return batches;
}

TEST(CrashTest, KilledWritersLoseNothingCommittedAndLeaveNoPartialBatch) {
  testing::TempDir dir;
  const auto db = dir.file("crash.llkv");
  std::mt19937_64 rng(std::random_device{}());
  const int kKills = 60;
  uint64_t committed = 0;  // batches known to be durable
  int kills_mid_write = 0;
  for (int kill = 0; kill < kKills; ++kill) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      RunChild(db, committed, fds[1]);
    }
    ::close(fds[1]);
    std::this_thread::sleep_for(std::chrono::microseconds(2000 + rng() % 60000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with status " << WEXITSTATUS(status);
    uint64_t acked = committed, b;
    while (::read(fds[0], &b, sizeof b) == sizeof b)
      acked = b + 1;
    ::close(fds[0]);

    const uint64_t found = Verify(db);
    if (HasFailure()) return;
    ASSERT_GE(found, acked) << "kill " << kill << ": a reported commit was lost";
    ASSERT_LE(found, acked + 1) << "kill " << kill << ": batches nobody wrote";
    if (found == acked + 1) ++kills_mid_write;  // the in-flight commit had landed
    committed = found;
  }
  std::printf(
      "crash test: %d kills, %llu batches committed, %d kills after a commit landed "
      "but before it was reported\n",
      kKills, static_cast<unsigned long long>(committed), kills_mid_write);
  EXPECT_GT(committed, static_cast<uint64_t>(kKills));  // the children did make progress
  // The database keeps working after all that.
  auto store = ColumnStore::Open(storage::LmdbPager::Open(db), {.target_chunk_bytes = 16384});
  AppendBatch(*store, committed);
  store.reset();
  EXPECT_EQ(Verify(db), committed + 1);
}

}  // namespace
}  // namespace llkv::table
