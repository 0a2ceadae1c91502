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
#include "sql/sql_engine.h"

namespace {

using llkv::sql::SqlEngine;
using llkv::sql::StatementResult;

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

void PrintResult(const StatementResult& r) {
  if (r.schema) {
    std::fputs(llkv::interface::FormatResult(g_mode, *r.schema, r.batches).c_str(), stdout);
  }
  std::fflush(stdout);
}

// SQL spelling of a column type, for .schema.
std::string SqlType(const llkv::arrow::DataType& t) {
  using llkv::arrow::TypeId;
  switch (t.id()) {
    case TypeId::kInt8:
      return "TINYINT";
    case TypeId::kInt16:
      return "SMALLINT";
    case TypeId::kInt32:
      return "INTEGER";
    case TypeId::kInt64:
      return "BIGINT";
    case TypeId::kFloat32:
      return "REAL";
    case TypeId::kFloat64:
      return "DOUBLE";
    case TypeId::kDecimal128:
      return fmt::format("DECIMAL({},{})", t.precision(), t.scale());
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
      return "VARCHAR";
    case TypeId::kBool:
      return "BOOLEAN";
    case TypeId::kDate32:
      return "DATE";
    case TypeId::kTimestamp:
      return "TIMESTAMP";
    case TypeId::kBinary:
      return "BLOB";
    default:
      return t.ToString();
  }
}

// .schema [NAME]: the definitions of tables (with their indexes) and views.
void PrintSchema(const llkv::runtime::Database& db, const std::string& only) {
  auto matches = [&](const std::string& name) {
    if (only.empty()) return true;
    if (name.size() != only.size()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(name[i])) !=
          std::tolower(static_cast<unsigned char>(only[i]))) {
        return false;
      }
    }
    return true;
  };
  for (const auto& t : db.Tables()) {
    if (!matches(t->def().name)) continue;
    std::string sql = "CREATE TABLE " + t->def().name + "(";
    for (size_t i = 0; i < t->def().columns.size(); ++i) {
      const auto& c = t->def().columns[i];
      sql += (i ? ", " : "") + c.name + " " + SqlType(*c.type) + (c.nullable ? "" : " NOT NULL");
    }
    std::printf("%s);\n", sql.c_str());
    for (const auto& index : db.IndexesOf(t->id())) {
      std::string cols;
      for (uint32_t f : index->field_ids) {
        for (const auto& c : t->def().columns) {
          if (c.field_id == f) cols += (cols.empty() ? "" : ", ") + c.name;
        }
      }
      std::printf("CREATE %sINDEX %s ON %s(%s);\n", index->unique ? "UNIQUE " : "",
                  index->name.c_str(), t->def().name.c_str(), cols.c_str());
    }
  }
  for (const auto& v : db.Views()) {
    if (matches(v->name)) std::printf("%s;\n", v->sql.c_str());
  }
}

// Runs a script; prints results and errors. Returns false if a statement failed.
bool RunScript(SqlEngine& engine, const std::string& sql) {
  try {
    for (const auto& statement : SqlEngine::Parse(sql))
      PrintResult(engine.Run(*statement));
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

int Interactive(SqlEngine& engine) {
  std::fprintf(stdout, "llkv: SQL shell on %s. End statements with ';', .quit to leave.\n",
               engine.database()->path().c_str());
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
      PrintSchema(*engine.database(), text.size() > 8 ? text.substr(8) : "");
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
      for (const auto& t : engine.database()->Tables())
        std::printf("%s\n", t->def().name.c_str());
      continue;
    }
    if (!text.empty()) add_history(text.c_str());
    buffer += text + "\n";
    if (StatementComplete(buffer)) {
      RunScript(engine, buffer);
      buffer.clear();
    }
  }
  return 0;
}

// ---------------------------------------------------------------- --slt

class EngineConnection final : public llkv::slt::Connection {
 public:
  explicit EngineConnection(std::shared_ptr<llkv::runtime::Database> db) : engine_(std::move(db)) {}
  llkv::slt::QueryResult Execute(const std::string& sql) override {
    auto results = engine_.Execute(sql);
    llkv::slt::QueryResult out;
    if (!results.empty()) {
      out.schema = results.back().schema;
      out.batches = std::move(results.back().batches);
    }
    return out;
  }

 private:
  SqlEngine engine_;
};

class EngineDatabase final : public llkv::slt::Database {
 public:
  EngineDatabase() : db_(llkv::runtime::Database::Open(":memory:")) {}
  std::unique_ptr<llkv::slt::Connection> Connect() override {
    return std::make_unique<EngineConnection>(db_);
  }

 private:
  std::shared_ptr<llkv::runtime::Database> db_;
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
      outcomes[i] = llkv::slt::RunFile(files[i], [] { return std::make_unique<EngineDatabase>(); });
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
  std::shared_ptr<llkv::runtime::Database> db;
  try {
    db = llkv::runtime::Database::Open(path);
  } catch (const llkv::Error& e) {
    std::fprintf(stderr, "llkv: %s\n", e.what());
    return 1;
  }
  SqlEngine engine(db);
  if (have_command) return RunScript(engine, command) ? 0 : 1;
  if (!::isatty(STDIN_FILENO)) {
    std::stringstream script;
    script << std::cin.rdbuf();
    return RunScript(engine, script.str()) ? 0 : 1;
  }
  return Interactive(engine);
}
