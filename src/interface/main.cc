// The llkv program. For now it opens a database (":memory:" by default, or a
// file path) and reports what it holds; the SQL shell replaces this.
#include <fmt/format.h>

#include <cstring>
#include <string>

#include "interface/database_report.h"
#include "llkv/common/error.h"

int main(int argc, char** argv) {
  std::string path = ":memory:";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
      fmt::print(
          "usage: llkv [DBFILE]\n  Opens DBFILE (default :memory:) and reports what it holds.\n");
      return 0;
    }
    if (argv[i][0] == '-') {
      fmt::print(stderr, "llkv: unknown option '{}' (try --help)\n", argv[i]);
      return 2;
    }
    path = argv[i];
  }
  try {
    fmt::print("{}", llkv::interface::DescribeDatabase(path));
  } catch (const llkv::Error& e) {
    fmt::print(stderr, "llkv: {}\n", e.what());
    return 1;
  }
  return 0;
}
