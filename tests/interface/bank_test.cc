// Concurrency test: sessions on real threads run random bank transfers
// (read two balances, write both, log the transfer, commit; retry on a
// write-write conflict) for a few seconds. Afterwards the total is
// unchanged, every account's balance is its opening balance plus the logged
// transfers (no transfer half applied, none lost to a concurrent update),
// and every sum a transaction read was the invariant (snapshots are
// consistent). LLKV_BANK_SECONDS sets the duration; run it under
// ThreadSanitizer with scripts/tsan.sh.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "llkv/common/error.h"
#include "llkv/llkv.h"
#include "test_util.h"

namespace llkv {
namespace {

constexpr int kAccounts = 10;
constexpr int64_t kOpening = 1000;

int64_t Scalar(Result r) {
  auto batch = r.Next();
  if (!batch || batch->num_rows() != 1) Fail(ErrorKind::kInternal, "expected one row");
  return batch->column(0)->values<int64_t>()[0];
}

struct Totals {
  std::atomic<int64_t> committed{0}, conflicts{0}, bad_sums{0}, snapshot_reads{0};
};

// With `primary_key` false, only the write-write conflict check stands
// between two transfers and a lost update (no uniqueness check meets the
// other transaction's new version first).
void RunBank(const std::shared_ptr<Database>& db, int threads, double seconds, bool primary_key) {
  {
    auto conn = db->Connect();
    conn->Execute(std::string("CREATE TABLE accounts(id INTEGER") +
                  (primary_key ? " PRIMARY KEY" : "") +
                  ", balance INTEGER NOT NULL);"
                  "CREATE TABLE transfers(thread INTEGER, seq INTEGER, src INTEGER, dst INTEGER, "
                  "amount INTEGER, PRIMARY KEY (thread, seq))");
    for (int i = 0; i < kAccounts; ++i)
      conn->Execute("INSERT INTO accounts VALUES (" + std::to_string(i) + ", " +
                    std::to_string(kOpening) + ")");
  }
  const int64_t total = kAccounts * kOpening;
  Totals totals;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      try {
        auto conn = db->Connect();
        auto balance = conn->Prepare("SELECT balance FROM accounts WHERE id = $1");
        auto set = conn->Prepare("UPDATE accounts SET balance = $1 WHERE id = $2");
        auto log = conn->Prepare("INSERT INTO transfers VALUES ($1, $2, $3, $4, $5)");
        std::mt19937 rng(static_cast<unsigned>(w) * 7919u + 1u);
        int64_t seq = 0;
        while (std::chrono::steady_clock::now() < deadline) {
          if (rng() % 8 == 0) {
            // A reader: its snapshot keeps one total while others commit.
            conn->Execute("BEGIN");
            const int64_t a = Scalar(conn->Query("SELECT sum(balance) FROM accounts"));
            std::this_thread::yield();
            const int64_t b = Scalar(conn->Query("SELECT sum(balance) FROM accounts"));
            conn->Execute("COMMIT");
            if (a != total || b != total) ++totals.bad_sums;
            ++totals.snapshot_reads;
            continue;
          }
          const int64_t src = rng() % kAccounts;
          const int64_t dst = (src + 1 + rng() % (kAccounts - 1)) % kAccounts;
          const int64_t amount = 1 + rng() % 100;
          try {
            conn->Execute("BEGIN");
            const int64_t from = Scalar(balance.Query({src}));
            const int64_t to = Scalar(balance.Query({dst}));
            if (from < amount) {
              conn->Execute("ROLLBACK");
              continue;
            }
            // Values computed from the reads: a lost update would show.
            set.Execute({from - amount, src});
            set.Execute({to + amount, dst});
            log.Execute({w, seq, src, dst, amount});
            if (Scalar(conn->Query("SELECT sum(balance) FROM accounts")) != total)
              ++totals.bad_sums;
            conn->Execute("COMMIT");
            ++seq;
            ++totals.committed;
          } catch (const Error& e) {
            if (e.kind() != ErrorKind::kTransaction) throw;
            ++totals.conflicts;
            conn->Execute("ROLLBACK");
          }
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << "thread " << w << ": " << e.what();
      }
    });
  }
  for (auto& t : workers)
    t.join();

  auto conn = db->Connect();
  EXPECT_EQ(totals.bad_sums.load(), 0) << "a transaction saw an inconsistent total";
  EXPECT_EQ(Scalar(conn->Query("SELECT sum(balance) FROM accounts")), total);
  EXPECT_EQ(Scalar(conn->Query("SELECT count(*) FROM transfers")), totals.committed.load());
  // Every balance is the opening one plus what the log says moved.
  EXPECT_EQ(Scalar(conn->Query(
                "SELECT count(*) FROM accounts a WHERE a.balance <> " + std::to_string(kOpening) +
                " + coalesce((SELECT sum(amount) FROM transfers WHERE dst = a.id), 0)"
                " - coalesce((SELECT sum(amount) FROM transfers WHERE src = a.id), 0)")),
            0);
  EXPECT_GT(totals.committed.load(), 0);
  EXPECT_GT(totals.conflicts.load(), 0) << "no conflicts: the test did not interleave";
  std::printf(
      "bank: %d threads, %.1f s: %lld transfers committed, %lld conflicts retried, %lld "
      "read-only snapshot checks\n",
      threads, seconds, static_cast<long long>(totals.committed.load()),
      static_cast<long long>(totals.conflicts.load()),
      static_cast<long long>(totals.snapshot_reads.load()));
}

double Seconds(double fallback) {
  const char* env = std::getenv("LLKV_BANK_SECONDS");
  return env ? std::atof(env) : fallback;
}

TEST(BankTest, TransfersKeepTheTotalInMemory) {
  RunBank(Database::Open(), 4, Seconds(3), /*primary_key=*/false);
}

TEST(BankTest, TransfersKeepTheTotalInAFileAndAfterReopen) {
  testing::TempDir dir;
  const std::string path = dir.file("bank.llkv").string();
  RunBank(Database::Open(path), 4, Seconds(2), /*primary_key=*/true);
  auto conn = Database::Open(path)->Connect();
  EXPECT_EQ(Scalar(conn->Query("SELECT sum(balance) FROM accounts")), kAccounts * kOpening);
}

}  // namespace
}  // namespace llkv
