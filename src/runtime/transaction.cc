#include "runtime/transaction.h"

#include <algorithm>

#include "common/ascii.h"
#include "llkv/common/error.h"

namespace llkv::runtime {

Transaction::Transaction(Database& db)
    : db_(db), id_(db.txn_ids().Begin()), snapshot_(db.txn_ids().TakeSnapshot(id_)) {}

Transaction::~Transaction() {
  if (ended_) return;
  try {
    Rollback();
  } catch (...) {
    // Undo failed (storage error): the versions stay; their creator is
    // never committed, so recovery on the next open removes them.
  }
}

void Transaction::Inserted(const std::shared_ptr<table::Table>& t, uint64_t first, uint64_t count) {
  if (count == 0) return;
  Undo u{t, true, {}, 0};
  u.row_ids.resize(count);
  for (uint64_t i = 0; i < count; ++i)
    u.row_ids[i] = first + i;
  undo_.push_back(std::move(u));
}

std::vector<uint64_t> Transaction::WrittenSince(size_t from, uint32_t table_id,
                                                bool inserted) const {
  std::vector<uint64_t> out;
  for (size_t i = from; i < undo_.size(); ++i) {
    const Undo& u = undo_[i];
    if (u.table && u.table->id() == table_id && u.inserted == inserted)
      out.insert(out.end(), u.row_ids.begin(), u.row_ids.end());
  }
  return out;
}

void Transaction::Deleted(const std::shared_ptr<table::Table>& t,
                          std::span<const uint64_t> row_ids) {
  if (row_ids.empty()) return;
  undo_.push_back(Undo{t, false, std::vector<uint64_t>(row_ids.begin(), row_ids.end()), 0});
}

bool Transaction::Commit() {
  if (aborted_) {
    Rollback();
    return false;
  }
  try {
    db_.CommitTransaction(id_);
  } catch (...) {
    // The commit could not be made durable: undo it, report the failure.
    aborted_ = true;
    Rollback();
    throw;
  }
  ended_ = true;
  for (const Undo& u : undo_) {
    if (u.table && !u.inserted) db_.NoteDeleted(u.table->id(), u.row_ids.size());
  }
  return true;
}

void Transaction::Created(Object kind, const std::string& name) {
  uint64_t object_id = 0;
  switch (kind) {
    case Object::kTable:
      if (auto t = db_.FindTable(name)) object_id = t->id();
      break;
    case Object::kView:
      if (auto v = db_.FindView(name)) object_id = v->id;
      break;
    case Object::kIndex:
      if (auto i = db_.FindIndex(name)) object_id = i->id;
      break;
    case Object::kTrigger:
      if (auto t = db_.FindTrigger(name)) object_id = t->id;
      break;
    case Object::kSchema:
      for (const auto& schema : db_.Schemas()) {
        if (EqualsIgnoreCase(schema->name, name)) object_id = schema->id;
      }
      break;
  }
  if (object_id == 0) return;
  db_.NoteCreated(id_, object_id);
  undo_.push_back(Undo{nullptr, false, {}, object_id});
}

void Transaction::UndoFrom(size_t from) {
  // Newest first: an UPDATE's new version goes before its old one's mark,
  // a table's rows before the table.
  for (size_t i = undo_.size(); i > from; --i) {
    Undo& u = undo_[i - 1];
    if (!u.table) {
      db_.EraseObject(u.object);
      continue;
    }
    if (db_.TableById(u.table->id()) != u.table) continue;  // erased since
    std::sort(u.row_ids.begin(), u.row_ids.end());
    if (u.inserted) {
      u.table->RemoveRows(u.row_ids);
    } else {
      u.table->ClearDeleted(u.row_ids);
    }
  }
  undo_.resize(from);
}

void Transaction::Rollback() {
  if (ended_) Fail(ErrorKind::kTransaction, "transaction {} has already ended", id_);
  UndoFrom(0);
  savepoints_.clear();
  ended_ = true;
  db_.AbortTransaction(id_);
}

size_t Transaction::FindSavepoint(const std::string& name) const {
  for (size_t i = savepoints_.size(); i > 0; --i) {
    if (savepoints_[i - 1].name == name) return i - 1;
  }
  Fail(ErrorKind::kTransaction, "savepoint \"{}\" does not exist", name);
}

void Transaction::Savepoint(const std::string& name) {
  savepoints_.push_back({name, undo_.size(), db_.PendingDrops(id_)});
}

void Transaction::Release(const std::string& name) {
  savepoints_.resize(FindSavepoint(name));
}

void Transaction::RollbackTo(const std::string& name) {
  const size_t i = FindSavepoint(name);
  // Objects created after the savepoint go with the undo records; objects
  // dropped after it come back.
  UndoFrom(savepoints_[i].undo);
  db_.RevertDropsFrom(id_, savepoints_[i].drops);
  savepoints_.resize(i + 1);
  aborted_ = false;
}

}  // namespace llkv::runtime
