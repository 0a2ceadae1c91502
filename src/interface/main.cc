// The llkv program: a SQL shell over a database (":memory:" by default or a
// file path), a script runner for piped input and -c, and a sqllogictest
// runner (--slt).
#include <editline/readline.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "interface/result_format.h"
#include "interface/slt_runner.h"
#include "llkv/common/error.h"
#include "llkv/llkv.h"

namespace {

constexpr const char* kUsage =
    "usage: llkv [OPTIONS] [DBFILE]\n"
    "  Opens DBFILE (default :memory:) and runs SQL: interactively on a terminal,\n"
    "  as a script when standard input is piped.\n"
    "options:\n"
    "  -c SQL          run SQL and exit (status 1 on error)\n"
    "  -csv, -json     print results as CSV or JSON instead of box tables\n"
    "  --slt PATH...   run sqllogictest files or directories, each in a fresh database\n"
    "  -h, --help      show this help\n";

llkv::interface::OutputMode g_mode = llkv::interface::OutputMode::kBox;

// Box tables need every row to size their columns; CSV and JSON could
// stream, but printing each result whole keeps the three modes alike.
void PrintResult(llkv::Result& r) {
  if (r.has_rows()) {
    const auto batches = r.Collect();
    std::fputs(llkv::interface::FormatResult(g_mode, *r.schema(), batches).c_str(), stdout);
  }
  std::fflush(stdout);
}

// .schema [NAME]: the definitions of tables (with their indexes) and views.
void PrintSchema(const llkv::Database& db, const std::string& only) {
  for (const auto& sql : db.SchemaSql(only))
    std::printf("%s\n", sql.c_str());
}

// Runs a script; prints results and errors. Returns false if a statement failed.
bool RunScript(llkv::Connection& conn, const std::string& sql) {
  try {
    conn.Run(sql, PrintResult);
    return true;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", e.what());
    std::fflush(stderr);
    return false;
  }
}

bool StatementComplete(const std::string& buffer) {
  const auto end = buffer.find_last_not_of(" \t\r\n");
  return end != std::string::npos && buffer[end] == ';';
}

int Interactive(llkv::Connection& conn) {
  std::fprintf(stdout, "llkv: SQL shell on %s. End statements with ';', .quit to leave.\n",
               conn.database()->path().c_str());
  std::string buffer;
  while (true) {
    char* line = readline(buffer.empty() ? "llkv> " : "  ...> ");
    if (line == nullptr) break;
    std::string text(line);
    std::free(line);
    if (buffer.empty() && (text == ".quit" || text == ".exit")) break;
    if (buffer.empty() && text == ".help") {
      std::fputs(
          ".help               this text\n.tables             list tables\n"
          ".schema [NAME]      show CREATE statements\n"
          ".mode box|csv|json  result format\n.quit               leave the shell\n",
          stdout);
      continue;
    }
    if (buffer.empty() && (text == ".schema" || text.rfind(".schema ", 0) == 0)) {
      PrintSchema(*conn.database(), text.size() > 8 ? text.substr(8) : "");
      continue;
    }
    if (buffer.empty() && text.rfind(".mode", 0) == 0) {
      const std::string name = text.size() > 6 ? text.substr(6) : "";
      if (!llkv::interface::ParseOutputMode(name, &g_mode)) {
        std::fprintf(stderr, "Error: .mode takes box, csv or json (got '%s')\n", name.c_str());
      }
      continue;
    }
    if (buffer.empty() && text == ".tables") {
      for (const auto& name : conn.database()->TableNames())
        std::printf("%s\n", name.c_str());
      continue;
    }
    if (!text.empty()) add_history(text.c_str());
    buffer += text + "\n";
    if (StatementComplete(buffer)) {
      RunScript(conn, buffer);
      buffer.clear();
    }
  }
  return 0;
}

// ---------------------------------------------------------------- --slt

class ApiConnection final : public llkv::slt::Connection {
 public:
  explicit ApiConnection(std::unique_ptr<llkv::Connection> conn) : conn_(std::move(conn)) {}
  llkv::slt::QueryResult Execute(const std::string& sql) override {
    llkv::Result r = conn_->Query(sql);
    llkv::slt::QueryResult out;
    out.schema = r.schema();
    out.batches = r.Collect();
    out.rows_changed = r.rows_changed();
    return out;
  }

 private:
  std::unique_ptr<llkv::Connection> conn_;
};

class ApiDatabase final : public llkv::slt::Database {
 public:
  ApiDatabase() : db_(llkv::Database::Open(":memory:")) {}
  std::unique_ptr<llkv::slt::Connection> Connect() override {
    return std::make_unique<ApiConnection>(db_->Connect());
  }

 private:
  std::shared_ptr<llkv::Database> db_;
};

int RunSlt(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
        const auto ext = e.path().extension();
        if (e.is_regular_file() && (ext == ".test" || ext == ".slt"))
          files.push_back(e.path().string());
      }
    } else if (std::filesystem::exists(p, ec)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "llkv: '%s' does not exist\n", p.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<llkv::slt::FileOutcome> outcomes(files.size());
  std::atomic<size_t> next{0};
  std::mutex print_mu;
  auto worker = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      outcomes[i] = llkv::slt::RunFile(files[i], [] { return std::make_unique<ApiDatabase>(); });
      const auto& o = outcomes[i];
      std::lock_guard lock(print_mu);
      for (const auto& f : o.failures) {
        std::printf("FAIL %s:%d\n%s\n%s\n\n", o.path.c_str(), f.line, f.sql.c_str(),
                    f.message.c_str());
      }
      std::printf("%s: %lld passed, %lld failed, %lld skipped%s\n", o.path.c_str(),
                  static_cast<long long>(o.passed), static_cast<long long>(o.failed),
                  static_cast<long long>(o.skipped),
                  o.skip_reason.empty() ? "" : (" (stopped: " + o.skip_reason + ")").c_str());
      std::fflush(stdout);
    }
  };
  std::vector<std::thread> threads;
  const unsigned n = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), 8));
  for (unsigned t = 0; t < n; ++t)
    threads.emplace_back(worker);
  for (auto& t : threads)
    t.join();
  int64_t passed = 0, failed = 0, skipped = 0;
  for (const auto& o : outcomes) {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
  }
  std::printf("%lld passed, %lld failed, %lld skipped\n", static_cast<long long>(passed),
              static_cast<long long>(failed), static_cast<long long>(skipped));
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = ":memory:";
  std::string command;
  bool have_command = false;
  std::vector<std::string> slt_paths;
  bool slt = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "-c") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "llkv: -c needs SQL (try --help)\n");
        return 2;
      }
      command = argv[++i];
      have_command = true;
    } else if (arg == "-csv" || arg == "--csv") {
      g_mode = llkv::interface::OutputMode::kCsv;
    } else if (arg == "-json" || arg == "--json") {
      g_mode = llkv::interface::OutputMode::kJson;
    } else if (arg == "--slt") {
      slt = true;
    } else if (slt) {
      slt_paths.push_back(arg);
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "llkv: unknown option '%s' (try --help)\n", arg.c_str());
      return 2;
    } else {
      path = arg;
    }
  }
  if (slt) {
    if (slt_paths.empty()) {
      std::fprintf(stderr, "llkv: --slt needs at least one file or directory\n");
      return 2;
    }
    return RunSlt(slt_paths);
  }
  std::unique_ptr<llkv::Connection> conn;
  try {
    conn = llkv::Database::Open(path)->Connect();
  } catch (const llkv::Error& e) {
    std::fprintf(stderr, "llkv: %s\n", e.what());
    return 1;
  }
  if (have_command) return RunScript(*conn, command) ? 0 : 1;
  if (!::isatty(STDIN_FILENO)) {
    std::stringstream script;
    script << std::cin.rdbuf();
    return RunScript(*conn, script.str()) ? 0 : 1;
  }
  return Interactive(*conn);
}
