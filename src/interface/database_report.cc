#include "interface/database_report.h"

#include <fmt/format.h>

#include "llkv/storage/lmdb_pager.h"
#include "llkv/storage/mem_pager.h"
#include "table/column_store.h"

namespace llkv::interface {

std::string DescribeDatabase(const std::string& path) {
  storage::PagerPtr pager;
  if (path == ":memory:") {
    pager = std::make_shared<storage::MemPager>();
  } else {
    pager = storage::LmdbPager::Open(path);
  }
  auto store = table::ColumnStore::Open(pager);
  auto columns = store->Columns();
  std::string out = fmt::format("llkv {}: database {}\n", LLKV_VERSION,
                                path == ":memory:" ? "in memory" : "'" + path + "'");
  if (columns.empty()) {
    out += "The database is empty.\n";
    return out;
  }
  uint64_t bytes = 0;
  for (const auto& c : columns)
    bytes += c.data_bytes;
  out += fmt::format("{} columns, {} bytes of column data\n", columns.size(), bytes);
  out += fmt::format("{:<16} {:<24} {:>12} {:>8} {:>14}\n", "column", "type", "rows", "chunks",
                     "bytes");
  for (const auto& c : columns) {
    out += fmt::format("{:<16} {:<24} {:>12} {:>8} {:>14}\n", c.id.ToString(), c.type->ToString(),
                       c.rows, c.chunks, c.data_bytes);
  }
  return out;
}

}  // namespace llkv::interface
