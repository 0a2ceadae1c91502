// Single-row OLTP work, LLKV next to SQLite (Debian's libsqlite3) in the
// same run, both through prepared statements, each in its default durable
// configuration for files (SQLite: rollback journal, synchronous=FULL;
// LLKV: LMDB with an fsync per commit):
//   * BM_Insert: N single-row autocommit INSERTs into a table with an
//     INTEGER PRIMARY KEY;
//   * BM_PointSelect: N SELECTs of one row by primary key, random order.
// Arguments: engine (0 LLKV, 1 SQLite), storage (0 memory, 1 file).
// LLKV_BENCH_ROWS sets N (default 100,000). bench/point_ops_ratios.sh
// prints the medians as ratios.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include "llkv/llkv.h"

namespace {

namespace fs = std::filesystem;

int64_t Rows() {
  const char* env = std::getenv("LLKV_BENCH_ROWS");
  return env ? std::atoll(env) : 100'000;
}

std::string FreshPath(const char* ext) {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("llkv-point-bench-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  static int n = 0;
  const fs::path p = dir / ("db" + std::to_string(++n) + ext);
  fs::remove_all(p);
  return p.string();
}

// ---------------------------------------------------------------- SQLite

void Check(int rc, sqlite3* db) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(sqlite3_errmsg(db));
}

struct Sqlite {
  sqlite3* db = nullptr;
  explicit Sqlite(bool file) {
    Check(sqlite3_open(file ? FreshPath(".sqlite").c_str() : ":memory:", &db), db);
    Check(sqlite3_exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, n INTEGER)", nullptr,
                       nullptr, nullptr),
          db);
  }
  ~Sqlite() { sqlite3_close(db); }
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    Check(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), db);
    return s;
  }
  void Insert(sqlite3_stmt* s, int64_t i, const std::string& v) {
    sqlite3_bind_int64(s, 1, i);
    sqlite3_bind_text(s, 2, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, i * 7);
    Check(sqlite3_step(s), db);
    sqlite3_reset(s);
  }
};

// ---------------------------------------------------------------- LLKV

struct Llkv {
  std::unique_ptr<llkv::Connection> conn;
  explicit Llkv(bool file) {
    conn = llkv::Database::Open(file ? FreshPath(".llkv") : ":memory:")->Connect();
    conn->Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, n INTEGER)");
  }
};

std::vector<int64_t> Shuffled(int64_t n) {
  std::vector<int64_t> ids(static_cast<size_t>(n));
  std::iota(ids.begin(), ids.end(), 0);
  std::shuffle(ids.begin(), ids.end(), std::mt19937_64(42));
  return ids;
}

void BM_Insert(benchmark::State& state) {
  const bool sqlite = state.range(0) == 1, file = state.range(1) == 1;
  const int64_t n = Rows();
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<Sqlite> s;
    std::unique_ptr<Llkv> l;
    if (sqlite)
      s = std::make_unique<Sqlite>(file);
    else
      l = std::make_unique<Llkv>(file);
    state.ResumeTiming();
    if (sqlite) {
      sqlite3_stmt* stmt = s->Prepare("INSERT INTO t VALUES (?, ?, ?)");
      for (int64_t i = 0; i < n; ++i)
        s->Insert(stmt, i, "value " + std::to_string(i));
      sqlite3_finalize(stmt);
    } else {
      auto stmt = l->conn->Prepare("INSERT INTO t VALUES (?, ?, ?)");
      for (int64_t i = 0; i < n; ++i)
        stmt.Execute({i, "value " + std::to_string(i), i * 7});
    }
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_PointSelect(benchmark::State& state) {
  const bool sqlite = state.range(0) == 1, file = state.range(1) == 1;
  const int64_t n = Rows();
  const std::vector<int64_t> ids = Shuffled(n);
  // The table is loaded once, in one statement per 1,000 rows.
  std::unique_ptr<Sqlite> s;
  std::unique_ptr<Llkv> l;
  if (sqlite) {
    s = std::make_unique<Sqlite>(file);
    Check(sqlite3_exec(s->db, "BEGIN", nullptr, nullptr, nullptr), s->db);
    sqlite3_stmt* stmt = s->Prepare("INSERT INTO t VALUES (?, ?, ?)");
    for (int64_t i = 0; i < n; ++i)
      s->Insert(stmt, i, "value " + std::to_string(i));
    sqlite3_finalize(stmt);
    Check(sqlite3_exec(s->db, "COMMIT", nullptr, nullptr, nullptr), s->db);
  } else {
    l = std::make_unique<Llkv>(file);
    for (int64_t start = 0; start < n; start += 1000) {
      std::string sql = "INSERT INTO t VALUES ";
      for (int64_t i = start; i < std::min(n, start + 1000); ++i) {
        sql += (i > start ? ", (" : "(") + std::to_string(i) + ", 'value " + std::to_string(i) +
               "', " + std::to_string(i * 7) + ")";
      }
      l->conn->Execute(sql);
    }
  }
  int64_t checksum = 0;
  for (auto _ : state) {
    if (sqlite) {
      sqlite3_stmt* stmt = s->Prepare("SELECT id, v, n FROM t WHERE id = ?");
      for (int64_t id : ids) {
        sqlite3_bind_int64(stmt, 1, id);
        while (sqlite3_step(stmt) == SQLITE_ROW)
          checksum += sqlite3_column_int64(stmt, 2) + sqlite3_column_bytes(stmt, 1);
        sqlite3_reset(stmt);
      }
      sqlite3_finalize(stmt);
    } else {
      auto stmt = l->conn->Prepare("SELECT id, v, n FROM t WHERE id = ?");
      for (int64_t id : ids) {
        llkv::Result r = stmt.Query({id});
        while (auto batch = r.Next()) {
          checksum += batch->column(2)->values<int64_t>()[0] +
                      static_cast<int64_t>(llkv::arrow::BinaryValueAt(*batch->column(1), 0).size());
        }
      }
    }
  }
  benchmark::DoNotOptimize(checksum);
  if (checksum != state.iterations() * (7 * (n * (n - 1) / 2) + static_cast<int64_t>([&] {
                                          int64_t bytes = 0;
                                          for (int64_t i = 0; i < n; ++i)
                                            bytes +=
                                                6 + static_cast<int64_t>(std::to_string(i).size());
                                          return bytes;
                                        }()))) {
    state.SkipWithError("point selects returned wrong rows");
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void Args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"sqlite", "file"});
  for (int engine : {0, 1})
    for (int file : {0, 1})
      b->Args({engine, file});
  b->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
}

BENCHMARK(BM_Insert)->Apply(Args);
BENCHMARK(BM_PointSelect)->Apply(Args);

}  // namespace

BENCHMARK_MAIN();
