// llkv_tpch: loads TPC-H data (dbgen's .tbl files) into a fresh database,
// runs the 22 queries and compares their rows with reference answers.
//
//   llkv_tpch --data DIR --queries DIR [--answers DIR] [--db PATH] [--query N]
//
// DIR holds the eight .tbl files; the queries are q01.sql .. q22.sql; the
// answers q01.csv .. q22.csv ('|'-separated, a header row). A query passes
// when it returns the answer's rows in order: text and dates exactly,
// integers exactly, NULL as an empty field, other numbers within 0.01 (money) and never more than
// 1e-4 relative (averages and ratios). Prints one line per query and a
// summary; exits 1 if a query fails or errs.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "llkv/arrow/array.h"
#include "llkv/common/error.h"
#include "llkv/llkv.h"

namespace {

// The TPC-H schema (specification 2.18, clause 1.4) as DuckDB's dbgen
// creates it: no keys, DECIMAL(15,2) money, DATE dates.
constexpr const char* kSchema = R"sql(
CREATE TABLE part (
  p_partkey INTEGER NOT NULL, p_name VARCHAR(55) NOT NULL, p_mfgr CHAR(25) NOT NULL,
  p_brand CHAR(10) NOT NULL, p_type VARCHAR(25) NOT NULL, p_size INTEGER NOT NULL,
  p_container CHAR(10) NOT NULL, p_retailprice DECIMAL(15,2) NOT NULL,
  p_comment VARCHAR(23) NOT NULL);
CREATE TABLE supplier (
  s_suppkey INTEGER NOT NULL, s_name CHAR(25) NOT NULL, s_address VARCHAR(40) NOT NULL,
  s_nationkey INTEGER NOT NULL, s_phone CHAR(15) NOT NULL, s_acctbal DECIMAL(15,2) NOT NULL,
  s_comment VARCHAR(101) NOT NULL);
CREATE TABLE partsupp (
  ps_partkey INTEGER NOT NULL, ps_suppkey INTEGER NOT NULL, ps_availqty INTEGER NOT NULL,
  ps_supplycost DECIMAL(15,2) NOT NULL, ps_comment VARCHAR(199) NOT NULL);
CREATE TABLE customer (
  c_custkey INTEGER NOT NULL, c_name VARCHAR(25) NOT NULL, c_address VARCHAR(40) NOT NULL,
  c_nationkey INTEGER NOT NULL, c_phone CHAR(15) NOT NULL, c_acctbal DECIMAL(15,2) NOT NULL,
  c_mktsegment CHAR(10) NOT NULL, c_comment VARCHAR(117) NOT NULL);
CREATE TABLE orders (
  o_orderkey INTEGER NOT NULL, o_custkey INTEGER NOT NULL, o_orderstatus CHAR(1) NOT NULL,
  o_totalprice DECIMAL(15,2) NOT NULL, o_orderdate DATE NOT NULL,
  o_orderpriority CHAR(15) NOT NULL, o_clerk CHAR(15) NOT NULL,
  o_shippriority INTEGER NOT NULL, o_comment VARCHAR(79) NOT NULL);
CREATE TABLE lineitem (
  l_orderkey INTEGER NOT NULL, l_partkey INTEGER NOT NULL, l_suppkey INTEGER NOT NULL,
  l_linenumber INTEGER NOT NULL, l_quantity DECIMAL(15,2) NOT NULL,
  l_extendedprice DECIMAL(15,2) NOT NULL, l_discount DECIMAL(15,2) NOT NULL,
  l_tax DECIMAL(15,2) NOT NULL, l_returnflag CHAR(1) NOT NULL, l_linestatus CHAR(1) NOT NULL,
  l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL,
  l_shipinstruct CHAR(25) NOT NULL, l_shipmode CHAR(10) NOT NULL,
  l_comment VARCHAR(44) NOT NULL);
CREATE TABLE nation (
  n_nationkey INTEGER NOT NULL, n_name CHAR(25) NOT NULL, n_regionkey INTEGER NOT NULL,
  n_comment VARCHAR(152) NOT NULL);
CREATE TABLE region (
  r_regionkey INTEGER NOT NULL, r_name CHAR(25) NOT NULL, r_comment VARCHAR(152) NOT NULL);
)sql";

constexpr const char* kTables[] = {"part",   "supplier", "partsupp", "customer",
                                   "orders", "lineitem", "nation",   "region"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) llkv::Fail(llkv::ErrorKind::kIO, "cannot open file \"{}\"", path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t end = line.find(sep, start);
    out.push_back(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

bool ParseNumber(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// Why `got` is not `want`, or "" when it matches (see the file comment).
std::string Mismatch(const std::string& want, const std::string& got) {
  if (want == got) return "";
  double w = 0, g = 0;
  if (ParseNumber(want, &w) && ParseNumber(got, &g)) {
    const bool integer = want.find_first_of(".eE") == std::string::npos;
    const double tolerance = integer ? 0 : std::max(1e-9, std::min(0.01, 1e-4 * std::fabs(w)));
    if (std::fabs(w - g) <= tolerance) return "";
  }
  return "expected '" + want + "', got '" + got + "'";
}

struct Options {
  std::string data, queries, answers, db = ":memory:";
  int only = 0;
};

int Run(const Options& o) {
  auto db = llkv::Database::Open(o.db);
  auto conn = db->Connect();
  auto start = std::chrono::steady_clock::now();
  conn->Execute(kSchema);
  for (const char* t : kTables) {
    conn->Execute("COPY " + std::string(t) + " FROM '" + o.data + "/" + t +
                  ".tbl' (DELIMITER '|')");
  }
  const double load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("loaded %s in %.0f ms\n", o.data.c_str(), load_ms);
  int passed = 0, failed = 0;
  double total_ms = 0;
  for (int q = 1; q <= 22; ++q) {
    if (o.only != 0 && q != o.only) continue;
    char name[8];
    std::snprintf(name, sizeof name, "q%02d", q);
    std::string problem;
    double ms = 0;
    size_t rows = 0;
    try {
      const std::string sql = ReadFile(o.queries + "/" + name + ".sql");
      start = std::chrono::steady_clock::now();
      auto batches = conn->Execute(sql).Collect();
      ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
               .count();
      total_ms += ms;
      std::vector<std::vector<std::string>> got;
      for (const auto& b : batches) {
        for (int64_t i = 0; i < b->num_rows(); ++i) {
          std::vector<std::string> row;
          for (const auto& c : b->columns())
            row.push_back(c->IsNull(i) ? "" : llkv::arrow::FormatValue(*c, i));
          got.push_back(std::move(row));
        }
      }
      rows = got.size();
      if (!o.answers.empty()) {
        std::istringstream answer(ReadFile(o.answers + "/" + name + ".csv"));
        std::string line;
        std::getline(answer, line);  // the header
        std::vector<std::vector<std::string>> want;
        // Every line after the header is a row (an empty line: one NULL).
        while (std::getline(answer, line))
          want.push_back(Split(line, '|'));
        if (want.size() != got.size()) {
          problem = "expected " + std::to_string(want.size()) + " rows, got " +
                    std::to_string(got.size());
        }
        for (size_t r = 0; r < std::min(want.size(), got.size()) && problem.empty(); ++r) {
          if (want[r].size() != got[r].size()) {
            problem = "row " + std::to_string(r + 1) + ": expected " +
                      std::to_string(want[r].size()) + " columns, got " +
                      std::to_string(got[r].size());
          }
          for (size_t c = 0; c < want[r].size() && problem.empty(); ++c) {
            const std::string why = Mismatch(want[r][c], got[r][c]);
            if (!why.empty())
              problem =
                  "row " + std::to_string(r + 1) + " column " + std::to_string(c + 1) + ": " + why;
          }
        }
      }
    } catch (const std::exception& e) {
      problem = e.what();
    }
    if (problem.empty()) {
      ++passed;
      std::printf("%s: ok (%zu rows, %.1f ms)\n", name, rows, ms);
    } else {
      ++failed;
      std::printf("%s: FAILED: %s\n", name, problem.c_str());
    }
  }
  std::printf("%d of %d queries %s; queries took %.0f ms\n", passed, passed + failed,
              o.answers.empty() ? "ran" : "match the answers", total_ms);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "llkv_tpch: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--data") {
      o.data = value();
    } else if (a == "--queries") {
      o.queries = value();
    } else if (a == "--answers") {
      o.answers = value();
    } else if (a == "--db") {
      o.db = value();
    } else if (a == "--query") {
      o.only = std::atoi(value().c_str());
    } else {
      std::fprintf(stderr,
                   "usage: llkv_tpch --data DIR --queries DIR [--answers DIR] [--db PATH] "
                   "[--query N]\n");
      return 2;
    }
  }
  if (o.data.empty() || o.queries.empty()) {
    std::fprintf(stderr, "llkv_tpch: --data and --queries are required\n");
    return 2;
  }
  try {
    return Run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "llkv_tpch: %s\n", e.what());
    return 1;
  }
}
