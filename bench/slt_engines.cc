// Runs sqllogictest files with LLKV and with SQLite (Debian's libsqlite3)
// through the same runner, one file at a time on one thread per engine,
// and prints each engine's wall time, its pass counts and the ratio. The
// runner checks SQLite's answers too, so both engines do the same work.
// Usage: slt_engines PATH...   (files or directories)
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "interface/slt_runner.h"
#include "llkv/arrow/builder.h"
#include "llkv/llkv.h"

namespace {

using llkv::ErrorKind;

// ---------------------------------------------------------------- LLKV

class LlkvConnection final : public llkv::slt::Connection {
 public:
  explicit LlkvConnection(std::unique_ptr<llkv::Connection> c) : conn_(std::move(c)) {}
  llkv::slt::QueryResult Execute(const std::string& sql) override {
    llkv::Result r = conn_->Query(sql);
    return {r.schema(), r.Collect()};
  }

 private:
  std::unique_ptr<llkv::Connection> conn_;
};

class LlkvDatabase final : public llkv::slt::Database {
 public:
  std::unique_ptr<llkv::slt::Connection> Connect() override {
    return std::make_unique<LlkvConnection>(db_->Connect());
  }

 private:
  std::shared_ptr<llkv::Database> db_ = llkv::Database::Open(":memory:");
};

// ---------------------------------------------------------------- SQLite

// A result column: int64 when every value is an integer (or NULL), double
// when numbers mix, binary for blobs, text otherwise.
llkv::arrow::ArrayDataPtr Column(const std::vector<std::vector<sqlite3_value*>>& rows, int c) {
  bool any_real = false, any_text = false, any_blob = false;
  for (const auto& row : rows) {
    switch (sqlite3_value_type(row[static_cast<size_t>(c)])) {
      case SQLITE_FLOAT:
        any_real = true;
        break;
      case SQLITE_TEXT:
        any_text = true;
        break;
      case SQLITE_BLOB:
        any_blob = true;
        break;
      default:
        break;
    }
  }
  if (!any_text && !any_blob && !any_real) {
    llkv::arrow::Int64Builder b(llkv::arrow::int64());
    for (const auto& row : rows) {
      sqlite3_value* v = row[static_cast<size_t>(c)];
      sqlite3_value_type(v) == SQLITE_NULL ? b.AppendNull() : b.Append(sqlite3_value_int64(v));
    }
    return b.Finish();
  }
  if (!any_text && !any_blob) {
    llkv::arrow::DoubleBuilder b(llkv::arrow::float64());
    for (const auto& row : rows) {
      sqlite3_value* v = row[static_cast<size_t>(c)];
      sqlite3_value_type(v) == SQLITE_NULL ? b.AppendNull() : b.Append(sqlite3_value_double(v));
    }
    return b.Finish();
  }
  llkv::arrow::StringBuilder b(any_text ? llkv::arrow::utf8() : llkv::arrow::binary());
  for (const auto& row : rows) {
    sqlite3_value* v = row[static_cast<size_t>(c)];
    if (sqlite3_value_type(v) == SQLITE_NULL) {
      b.AppendNull();
      continue;
    }
    const auto* text = sqlite3_value_text(v);
    b.Append(std::string_view(reinterpret_cast<const char*>(text),
                              static_cast<size_t>(sqlite3_value_bytes(v))));
  }
  return b.Finish();
}

class SqliteConnection final : public llkv::slt::Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  llkv::slt::QueryResult Execute(const std::string& sql) override {
    llkv::slt::QueryResult out;
    const char* tail = sql.c_str();
    while (*tail != '\0') {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db_, tail, -1, &stmt, &tail) != SQLITE_OK) Throw();
      if (stmt == nullptr) break;  // trailing space or comment
      std::vector<std::vector<sqlite3_value*>> rows;
      const int n = sqlite3_column_count(stmt);
      int rc;
      while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        rows.emplace_back();
        for (int c = 0; c < n; ++c)
          rows.back().push_back(sqlite3_value_dup(sqlite3_column_value(stmt, c)));
      }
      auto free_rows = [&] {
        for (auto& row : rows)
          for (auto* v : row)
            sqlite3_value_free(v);
      };
      if (rc != SQLITE_DONE) {
        free_rows();
        sqlite3_finalize(stmt);
        Throw();
      }
      if (n > 0) {
        std::vector<llkv::arrow::FieldPtr> fields;
        std::vector<llkv::arrow::ArrayDataPtr> columns;
        for (int c = 0; c < n; ++c) {
          columns.push_back(Column(rows, c));
          fields.push_back(llkv::arrow::field(sqlite3_column_name(stmt, c), columns.back()->type));
        }
        out.schema = std::make_shared<llkv::arrow::Schema>(std::move(fields));
        out.batches = {llkv::arrow::RecordBatch::Make(out.schema, static_cast<int64_t>(rows.size()),
                                                      std::move(columns))};
      }
      free_rows();
      sqlite3_finalize(stmt);
    }
    return out;
  }

 private:
  [[noreturn]] void Throw() {
    const std::string message = sqlite3_errmsg(db_);
    // SQLite's reference driver stops at a failing step; the runner accepts
    // that for overflow, which it knows as Out of Range.
    llkv::Fail(message.find("overflow") != std::string::npos ? ErrorKind::kOutOfRange
                                                             : ErrorKind::kInvalidInput,
               "{}", message);
  }
  sqlite3* db_;
};

class SqliteDatabase final : public llkv::slt::Database {
 public:
  SqliteDatabase() { sqlite3_open(":memory:", &db_); }
  ~SqliteDatabase() override { sqlite3_close(db_); }
  std::unique_ptr<llkv::slt::Connection> Connect() override {
    return std::make_unique<SqliteConnection>(db_);
  }

 private:
  sqlite3* db_ = nullptr;
};

struct Run {
  double seconds = 0;
  int64_t passed = 0, failed = 0, skipped = 0;
};

template <typename Db>
Run RunAll(const std::vector<std::string>& files) {
  Run r;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& f : files) {
    const auto o = llkv::slt::RunFile(f, [] { return std::make_unique<Db>(); });
    r.passed += o.passed;
    r.failed += o.failed;
    r.skipped += o.skipped;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::filesystem::is_directory(argv[i])) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(argv[i])) {
        const auto ext = e.path().extension();
        if (e.is_regular_file() && (ext == ".test" || ext == ".slt"))
          files.push_back(e.path().string());
      }
    } else {
      files.push_back(argv[i]);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "usage: slt_engines PATH...\n");
    return 2;
  }
  const Run sqlite = RunAll<SqliteDatabase>(files);
  const Run llkv = RunAll<LlkvDatabase>(files);
  std::printf("%zu files, one thread per engine\n", files.size());
  std::printf("  sqlite: %8.2f s  (%lld passed, %lld failed, %lld skipped)\n", sqlite.seconds,
              static_cast<long long>(sqlite.passed), static_cast<long long>(sqlite.failed),
              static_cast<long long>(sqlite.skipped));
  std::printf("  llkv:   %8.2f s  (%lld passed, %lld failed, %lld skipped)\n", llkv.seconds,
              static_cast<long long>(llkv.passed), static_cast<long long>(llkv.failed),
              static_cast<long long>(llkv.skipped));
  std::printf("  llkv time / sqlite time: %.2f\n", llkv.seconds / sqlite.seconds);
  return 0;
}
