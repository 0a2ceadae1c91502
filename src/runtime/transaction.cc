#include "runtime/transaction.h"

#include <algorithm>

#include "llkv/common/error.h"

namespace llkv::runtime {

void Transaction::Inserted(const std::shared_ptr<table::Table>& t, uint64_t first, uint64_t count) {
  if (count == 0) return;
  Undo u{t, true, {}};
  u.row_ids.resize(count);
  for (uint64_t i = 0; i < count; ++i)
    u.row_ids[i] = first + i;
  undo_.push_back(std::move(u));
}

void Transaction::Deleted(const std::shared_ptr<table::Table>& t,
                          std::span<const uint64_t> row_ids) {
  if (row_ids.empty()) return;
  undo_.push_back(Undo{t, false, std::vector<uint64_t>(row_ids.begin(), row_ids.end())});
}

bool Transaction::Commit() {
  if (aborted_) {
    Rollback();
    return false;
  }
  ended_ = true;
  db_.txn_ids().Commit(id_);
  return true;
}

void Transaction::Rollback() {
  if (ended_) Fail(ErrorKind::kTransaction, "transaction {} has already ended", id_);
  // Newest first: an UPDATE's new version goes before its old one's mark.
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    if (db_.FindTable(it->table->def().name) != it->table) continue;  // dropped since
    std::sort(it->row_ids.begin(), it->row_ids.end());
    if (it->inserted) {
      it->table->RemoveRows(it->row_ids);
    } else {
      it->table->ClearDeleted(it->row_ids);
    }
  }
  undo_.clear();
  ended_ = true;
  db_.txn_ids().Abort(id_);
}

}  // namespace llkv::runtime
