// Bulk load with and without constraints: INSERT INTO target SELECT * FROM
// staging, 1,000,000 rows (LLKV_BENCH_ROWS), into a table without keys and
// into one with a PRIMARY KEY and a FOREIGN KEY (to a 1,000-row parent).
// The keyed load checks every row's key for uniqueness and its parent's
// existence through indexes; bench/bulk_load_ratio.sh prints the ratio.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "llkv/llkv.h"

namespace {

int64_t Rows() {
  const char* env = std::getenv("LLKV_BENCH_ROWS");
  return env ? std::atoll(env) : 1000000;
}

void BM_BulkLoad(benchmark::State& state) {
  // 0: no keys; 1: PRIMARY KEY and FOREIGN KEY; 2: the PRIMARY KEY alone;
  // 3: the FOREIGN KEY alone; 4: as 1, the rows not in key order.
  const int64_t keys = state.range(0);
  const int64_t rows = Rows();
  for (auto _ : state) {
    state.PauseTiming();
    auto db = llkv::Database::Open();
    auto conn = db->Connect();
    conn->Execute("CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT)");
    std::string values;
    for (int i = 0; i < 1000; ++i)
      values += (i ? ",(" : "(") + std::to_string(i) + ", 'p')";
    conn->Execute("INSERT INTO parent VALUES " + values);
    conn->Execute("CREATE TABLE staging(id INTEGER, parent_id INTEGER, amount DOUBLE)");
    conn->Execute("BEGIN");
    for (int64_t start = 0; start < rows; start += 1000) {
      values.clear();
      for (int64_t i = start; i < std::min(rows, start + 1000); ++i) {
        // Variant 4 scatters the ids (a permutation: 7919 is a prime that
        // does not divide the row count).
        const int64_t id = keys == 4 ? (i * 7919) % rows : i;
        values += (i > start ? ",(" : "(") + std::to_string(id) + ", " + std::to_string(i % 1000) +
                  ", " + std::to_string(i % 97) + ".5)";
      }
      conn->Execute("INSERT INTO staging VALUES " + values);
    }
    conn->Execute("COMMIT");
    const char* kTargets[] = {
        "CREATE TABLE target(id INTEGER, parent_id INTEGER, amount DOUBLE)",
        "CREATE TABLE target(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id), "
        "amount DOUBLE)",
        "CREATE TABLE target(id INTEGER PRIMARY KEY, parent_id INTEGER, amount DOUBLE)",
        "CREATE TABLE target(id INTEGER, parent_id INTEGER REFERENCES parent(id), amount DOUBLE)",
        "CREATE TABLE target(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id), "
        "amount DOUBLE)"};
    conn->Execute(kTargets[keys]);
    state.ResumeTiming();
    auto r = conn->Execute("INSERT INTO target SELECT * FROM staging");
    if (r.rows_changed() != rows) state.SkipWithError("wrong row count");
  }
  state.SetItemsProcessed(state.iterations() * rows);
}

BENCHMARK(BM_BulkLoad)
    ->ArgName("keys")
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Arg(3)
    ->Arg(4)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
