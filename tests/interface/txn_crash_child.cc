// The child process of txn_crash_test: runs random transactions on a database
// file until it is killed, and appends the number of every transaction to a
// log (fsynced) after its COMMIT returns.
//
// Usage: txn_crash_child <database> <log> <seed>
//
// Transaction n: INSERT ledger(n, k); k rows into items(n, j, ...); a
// transfer between two accounts (the balances' sum never changes);
// sometimes CREATE TABLE extra_<n> with a row, then two ALTERs of it. Some
// transactions roll back on purpose, some are a single autocommit INSERT,
// some are large (so that kills land inside statements and inside early
// flushes of the write buffer).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "llkv/llkv.h"

namespace {

void Log(int fd, int64_t n) {
  const std::string line = std::to_string(n) + "\n";
  if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) || fsync(fd) != 0) {
    std::perror("txn_crash_child: log");
    std::exit(2);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: txn_crash_child <database> <log> <seed>\n");
    return 2;
  }
  try {
    // A small write buffer: long transactions flush early, so the file
    // often holds writes of a transaction in progress when it is killed.
    llkv::OpenOptions options;
    options.checkpoint_bytes = 64 << 10;
    auto db = llkv::Database::Open(argv[1], options);
    auto conn = db->Connect();
    const int log = open(argv[2], O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (log < 0) {
      std::perror("txn_crash_child: open log");
      return 2;
    }
    std::mt19937_64 rng(std::stoull(argv[3]));
    conn->Execute(
        "CREATE TABLE IF NOT EXISTS ledger(n INTEGER PRIMARY KEY, k INTEGER);"
        "CREATE TABLE IF NOT EXISTS items(n INTEGER, j INTEGER, payload TEXT);"
        "CREATE TABLE IF NOT EXISTS accounts(id INTEGER PRIMARY KEY, balance INTEGER)");
    if (conn->Query("SELECT count(*) FROM accounts").Collect().empty() ||
        conn->Query("SELECT count(*) FROM accounts")
                .Collect()[0]
                ->column(0)
                ->values<int64_t>()[0] == 0) {
      conn->Execute(
          "INSERT INTO accounts VALUES (0, 1000), (1, 1000), (2, 1000), (3, 1000), (4, 1000)");
    }
    auto max = conn->Query("SELECT coalesce(max(n), 0) FROM ledger").Collect();
    int64_t n = max[0]->column(0)->values<int64_t>()[0];
    auto ledger = conn->Prepare("INSERT INTO ledger VALUES (?, ?)");
    auto item = conn->Prepare("INSERT INTO items VALUES (?, ?, ?)");
    auto take = conn->Prepare("UPDATE accounts SET balance = balance - ? WHERE id = ?");
    auto give = conn->Prepare("UPDATE accounts SET balance = balance + ? WHERE id = ?");
    for (;;) {
      ++n;
      const uint64_t kind = rng() % 20;
      if (kind == 0) {  // autocommit
        ledger.Execute({n, 0});
        Log(log, n);
        continue;
      }
      // One in four is large: it flushes early, so kills often find it on disk.
      const bool large = kind % 4 == 1;
      const int64_t k =
          large ? 2000 + static_cast<int64_t>(rng() % 2000) : static_cast<int64_t>(rng() % 20);
      conn->Execute("BEGIN");
      ledger.Execute({n, k});
      if (k > 100) {
        // In statements of 100 rows: the write buffer flushes between them.
        for (int64_t start = 0; start < k; start += 100) {
          std::string values;
          for (int64_t j = start; j < std::min(k, start + 100); ++j) {
            values += (j > start ? ",(" : "(") + std::to_string(n) + "," + std::to_string(j) +
                      ",'payload payload payload payload')";
          }
          conn->Execute("INSERT INTO items VALUES " + values);
        }
      } else {
        for (int64_t j = 0; j < k; ++j)
          item.Execute({n, j, std::string("p")});
      }
      const int64_t from = static_cast<int64_t>(rng() % 5), to = static_cast<int64_t>(rng() % 5);
      const int64_t amount = static_cast<int64_t>(rng() % 50);
      take.Execute({amount, from});
      give.Execute({amount, to});
      if (rng() % 10 == 0) {
        // A table altered twice in its transaction: after a crash it holds
        // one row (n, n) under the columns z, y, or it does not exist.
        const std::string t = "extra_" + std::to_string(n);
        conn->Execute("CREATE TABLE " + t + "(x INTEGER); INSERT INTO " + t + " VALUES (" +
                      std::to_string(n) + "); ALTER TABLE " + t + " ADD COLUMN y INTEGER DEFAULT " +
                      std::to_string(n) + "; ALTER TABLE " + t + " RENAME COLUMN x TO z");
      }
      if (kind == 2) {
        conn->Execute("ROLLBACK");
        --n;  // the number is free again
        continue;
      }
      conn->Execute("COMMIT");
      Log(log, n);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "txn_crash_child: %s\n", e.what());
    return 1;
  }
}
