// Column store benchmarks, each next to its hardware baseline in the same
// run (bench/storage_ratios.sh turns them into ratios):
//   * summing an int64 column scanned from the store, both pagers, vs
//     summing the same values in a std::vector;
//   * append throughput for batches of int64 + utf8 rows and for single-row
//     appends, both pagers (LMDB durable and without fsync);
//   * gathering a random 1% of the rows vs indexing a std::vector.
// LLKV_BENCH_ROWS sets the table size (default 50,000,000).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <random>

#include "llkv/arrow/builder.h"
#include "llkv/storage/lmdb_pager.h"
#include "llkv/storage/mem_pager.h"
#include "table/column_store.h"

namespace llkv::table {
namespace {

namespace fs = std::filesystem;

constexpr LogicalFieldId kValues{Namespace::kUserData, 1, 0};
constexpr LogicalFieldId kText{Namespace::kUserData, 1, 1};

int64_t Rows() {
  const char* env = std::getenv("LLKV_BENCH_ROWS");
  return env ? std::atoll(env) : 50'000'000;
}

// A scratch directory for the benchmark's database files, removed at exit.
fs::path BenchDir() {
  struct Scratch {
    fs::path dir = fs::temp_directory_path() / ("llkv-bench-" + std::to_string(::getpid()));
    Scratch() { fs::create_directories(dir); }
    ~Scratch() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  };
  static Scratch scratch;
  return scratch.dir;
}

// The values every benchmark sums or gathers: row id r holds r * 7 - 3.
const std::vector<int64_t>& Values() {
  static const std::vector<int64_t> v = [] {
    std::vector<int64_t> out(static_cast<size_t>(Rows()));
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<int64_t>(i) * 7 - 3;
    return out;
  }();
  return v;
}

arrow::RecordBatchPtr IntBatch(int64_t first, int64_t n, const std::vector<int64_t>& values) {
  arrow::UInt64Builder ids(arrow::uint64());
  arrow::Int64Builder vals(arrow::int64());
  ids.Reserve(n);
  vals.Reserve(n);
  for (int64_t i = first; i < first + n; ++i)
    ids.Append(static_cast<uint64_t>(i));
  vals.UnsafeAppendValues(values.data() + first, n);
  auto schema = std::make_shared<arrow::Schema>(
      std::vector<arrow::FieldPtr>{arrow::field("row_id", arrow::uint64(), false),
                                   ColumnStore::ColumnField("v", arrow::int64(), kValues)});
  return arrow::RecordBatch::Make(schema, n, {ids.Finish(), vals.Finish()});
}

enum PagerKind : int64_t { kMem = 0, kLmdb = 1, kLmdbNoSync = 2 };

storage::PagerPtr MakePager(int64_t kind, const fs::path& file) {
  if (kind == kMem) return std::make_shared<storage::MemPager>();
  fs::remove(file);
  fs::remove(file.string() + "-lock");
  return storage::LmdbPager::Open(
      file, {.sync = kind == kLmdb ? storage::SyncMode::kFull : storage::SyncMode::kNone});
}

// A store holding Values() in kValues, built once per pager kind.
std::shared_ptr<ColumnStore> LoadedStore(int64_t kind) {
  static std::shared_ptr<ColumnStore> stores[2];
  auto& store = stores[kind == kMem ? 0 : 1];
  if (!store) {
    const fs::path file = BenchDir() / "scan.llkv";
    auto pager = MakePager(kind == kMem ? kMem : kLmdbNoSync, file);
    auto s = ColumnStore::Open(pager);
    const int64_t n = Rows(), step = 4'000'000;
    for (int64_t first = 0; first < n; first += step) {
      s->Append(*IntBatch(first, std::min(step, n - first), Values()));
    }
    if (kind != kMem) {  // reopen: reads come from the file's map, not the writer's state
      s.reset();
      pager.reset();
      s = ColumnStore::Open(storage::LmdbPager::Open(file));
    }
    store = s;
  }
  return store;
}

void BM_SumVector(benchmark::State& state) {
  const auto& v = Values();
  for (auto _ : state) {
    int64_t sum = 0;
    for (int64_t x : v)
      sum += x;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(v.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(v.size() * 8));
}
BENCHMARK(BM_SumVector)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ScanSum(benchmark::State& state) {
  auto store = LoadedStore(state.range(0));
  int64_t expected = 0;
  for (int64_t x : Values())
    expected += x;
  ScanOptions options;
  options.with_row_ids = false;
  for (auto _ : state) {
    auto scan = store->Scan(kValues, options);
    ColumnChunk c;
    int64_t sum = 0;
    while (scan->Next(&c)) {
      const int64_t* p = c.values->values<int64_t>();
      const int64_t n = c.values->length;
      for (int64_t i = 0; i < n; ++i)
        sum += p[i];
    }
    if (sum != expected) state.SkipWithError("wrong sum");
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * Rows());
  state.SetBytesProcessed(state.iterations() * Rows() * 8);
}
BENCHMARK(BM_ScanSum)
    ->Arg(kMem)
    ->Arg(kLmdb)
    ->ArgName("pager")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Gathers the same random 1% of row ids each iteration.
std::vector<uint64_t> GatherIds() {
  std::vector<uint64_t> ids;
  std::mt19937_64 rng(42);
  const uint64_t n = static_cast<uint64_t>(Rows());
  for (uint64_t i = 0; i < n / 100; ++i)
    ids.push_back(rng() % n);
  std::sort(ids.begin(), ids.end());
  return ids;
}

void BM_GatherVector(benchmark::State& state) {
  const auto& v = Values();
  const auto ids = GatherIds();
  for (auto _ : state) {
    std::vector<int64_t> out(ids.size());
    for (size_t i = 0; i < ids.size(); ++i)
      out[i] = v[ids[i]];
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(ids.size()));
}
BENCHMARK(BM_GatherVector)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Gather(benchmark::State& state) {
  auto store = LoadedStore(state.range(0));
  const auto ids = GatherIds();
  for (auto _ : state) {
    auto got = store->Gather(std::vector<LogicalFieldId>{kValues}, ids, MissingRows::kError);
    if (got[0]->values<int64_t>()[0] != Values()[ids[0]]) state.SkipWithError("wrong value");
    benchmark::DoNotOptimize(got);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(ids.size()));
}
BENCHMARK(BM_Gather)
    ->Arg(kMem)
    ->Arg(kLmdb)
    ->ArgName("pager")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Appends 1,000,000 rows of (int64, ~20-byte utf8) in batches of range(1)
// rows to a fresh store.
void BM_Append(benchmark::State& state) {
  const int64_t kind = state.range(0), batch_rows = state.range(1), total = 1'000'000;
  std::vector<arrow::RecordBatchPtr> batches;
  auto schema = std::make_shared<arrow::Schema>(
      std::vector<arrow::FieldPtr>{arrow::field("row_id", arrow::uint64(), false),
                                   ColumnStore::ColumnField("v", arrow::int64(), kValues),
                                   ColumnStore::ColumnField("s", arrow::utf8(), kText)});
  const int64_t rows = batch_rows == 1 ? 20'000 : total;  // single rows: a smaller sample
  for (int64_t first = 0; first < rows; first += batch_rows) {
    arrow::UInt64Builder ids(arrow::uint64());
    arrow::Int64Builder vals(arrow::int64());
    arrow::StringBuilder text(arrow::utf8());
    const int64_t n = std::min(batch_rows, rows - first);
    for (int64_t i = first; i < first + n; ++i) {
      ids.Append(static_cast<uint64_t>(i));
      vals.Append(i * 3);
      text.Append("customer#" + std::to_string(100000000 + i));
    }
    batches.push_back(
        arrow::RecordBatch::Make(schema, n, {ids.Finish(), vals.Finish(), text.Finish()}));
  }
  const fs::path file = BenchDir() / "append.llkv";
  for (auto _ : state) {
    state.PauseTiming();
    auto store = ColumnStore::Open(MakePager(kind, file));
    state.ResumeTiming();
    for (const auto& b : batches)
      store->Append(*b);
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * rows);
}
BENCHMARK(BM_Append)
    ->ArgsProduct({{kMem, kLmdb, kLmdbNoSync}, {1, 100'000}})
    ->ArgNames({"pager", "batch"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
}  // namespace llkv::table

BENCHMARK_MAIN();
