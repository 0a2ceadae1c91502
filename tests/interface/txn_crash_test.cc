// Crash test: a child process (txn_crash_child) runs random transactions on a
// database file and is killed with SIGKILL at random moments. After every
// kill, reopening the file must show exactly the transactions whose COMMIT
// returned (the child logs them), give or take the one whose COMMIT
// returned just before the kill, none of them half applied, and the
// database must keep working. LLKV_CRASH_KILLS sets the number of kills.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "llkv/llkv.h"
#include "runtime/database.h"
#include "test_util.h"

namespace llkv {
namespace {

std::map<int64_t, int64_t> Pairs(Connection& c, const std::string& sql) {
  std::map<int64_t, int64_t> out;
  for (const auto& b : c.Query(sql).Collect()) {
    for (int64_t i = 0; i < b->num_rows(); ++i)
      out[b->column(0)->values<int64_t>()[i]] = b->column(1)->values<int64_t>()[i];
  }
  return out;
}

// Committed transaction numbers in the log: complete lines only (a kill
// may cut the last one).
std::set<int64_t> ReadLog(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::set<int64_t> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    out.insert(std::stoll(text.substr(start, nl - start)));
  return out;
}

TEST(CrashTest, ReopeningAfterSigkillShowsExactlyTheCommittedTransactions) {
  testing::TempDir dir;
  const std::string db_path = dir.file("crash.llkv").string();
  const std::string log_path = dir.file("committed.log").string();
  const std::string child = std::string(LLKV_BINARY_DIR) + "/tests/interface/txn_crash_child";
  int kills = 60;
  if (const char* env = std::getenv("LLKV_CRASH_KILLS")) kills = std::atoi(env);
  std::mt19937 rng(20261125);
  size_t recovered = 0, unlogged = 0;
  std::set<int64_t> committed;
  for (int round = 0; round < kills; ++round) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      const std::string seed = std::to_string(round);
      execl(child.c_str(), child.c_str(), db_path.c_str(), log_path.c_str(), seed.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + rng() % 220));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << round << ": the child exited by itself (status "
                                     << WEXITSTATUS(status) << "); see its stderr";

    auto db = Database::Open(db_path);
    recovered += db->runtime()->recovered_transactions();
    auto conn = db->Connect();
    const std::set<int64_t> logged = ReadLog(log_path);
    const auto names = db->TableNames();
    auto has = [&](const char* n) {
      return std::find(names.begin(), names.end(), n) != names.end();
    };
    if (!has("ledger") || !has("items") || !has("accounts")) {  // killed while creating them
      ASSERT_TRUE(logged.empty());
      continue;
    }
    const auto ledger = Pairs(*conn, "SELECT n, k FROM ledger");
    std::set<int64_t> present;
    for (const auto& [n, k] : ledger)
      present.insert(n);
    for (int64_t n : logged)
      ASSERT_TRUE(present.contains(n))
          << "round " << round << ": committed transaction " << n << " is missing after reopening";
    // At most one more: the transaction whose COMMIT returned just before
    // the kill, before the child could log it.
    std::vector<int64_t> extra;
    for (int64_t n : present) {
      if (!logged.contains(n)) extra.push_back(n);
    }
    ASSERT_LE(extra.size(), 1u) << "round " << round << ": uncommitted transactions survived";
    if (!extra.empty() && !logged.empty()) {
      ASSERT_GT(extra[0], *logged.rbegin());
    }
    unlogged += extra.size();
    // No transaction is half applied.
    const auto items = Pairs(*conn, "SELECT n, count(*) FROM items GROUP BY n");
    for (const auto& [n, count] : items)
      ASSERT_EQ(ledger.contains(n) ? ledger.at(n) : -1, count)
          << "round " << round << ": items of " << n;
    for (const auto& [n, k] : ledger)
      ASSERT_EQ(k, items.contains(n) ? items.at(n) : 0) << "round " << round << ": ledger of " << n;
    const auto sums = Pairs(*conn, "SELECT count(*), sum(balance) FROM accounts");
    if (!sums.empty() && sums.begin()->first > 0) {
      ASSERT_EQ(sums.begin()->first, 5);
      ASSERT_EQ(sums.begin()->second, 5000) << "round " << round << ": a transfer was half applied";
    }
    for (const auto& name : db->TableNames()) {
      if (name.rfind("extra_", 0) == 0) {
        const int64_t n = std::stoll(name.substr(6));
        ASSERT_TRUE(present.contains(n))
            << "round " << round << ": table " << name << " of an uncommitted transaction";
        // Its ALTERs came with it: one row (n, n) under the new names.
        const auto rows = Pairs(*conn, "SELECT z, y FROM " + name);
        ASSERT_EQ(rows.size(), 1u) << "round " << round << ": " << name;
        ASSERT_EQ(rows.begin()->first, n);
        ASSERT_EQ(rows.begin()->second, n);
      }
    }
    // The log now holds what is in the database, so the next round checks
    // against it.
    std::ofstream(log_path, std::ios::trunc) << [&] {
      std::string s;
      for (int64_t n : present)
        s += std::to_string(n) + "\n";
      return s;
    }();
    committed = present;
  }
  // The database keeps working after all that.
  {
    auto db = Database::Open(db_path);
    auto conn = db->Connect();
    conn->Execute("BEGIN; INSERT INTO ledger VALUES (-1, 0); COMMIT");
  }
  auto conn = Database::Open(db_path)->Connect();
  EXPECT_EQ(Pairs(*conn, "SELECT n, k FROM ledger WHERE n = -1").size(), 1u);
  std::printf(
      "crash test: %d kills; %zu transactions committed in all; %zu reopenings undid a "
      "transaction the file held in progress; %zu commits landed just before a kill\n",
      kills, committed.size(), recovered, unlogged);
}

}  // namespace
}  // namespace llkv
