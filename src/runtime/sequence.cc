// Sequences: named counters in the system catalog.
//
// A sequence's catalog entry holds its options and the last value it handed
// out (definition: seven little-endian int64s: start, increment, min, max,
// cycle, last, called). nextval rewrites the entry in its own atomic commit
// before it returns the value, so a value is never handed out twice, even
// across a crash; values are not transactional (a rolled-back transaction
// does not give them back), as in PostgreSQL and DuckDB.
#include <cstring>

#include "common/ascii.h"
#include "runtime/database.h"

namespace llkv::runtime {

namespace {

std::vector<uint8_t> Encode(const Database::Sequence& s) {
  const int64_t fields[] = {s.start,         s.increment, s.min,           s.max,
                            s.cycle ? 1 : 0, s.last,      s.called ? 1 : 0};
  std::vector<uint8_t> out(sizeof fields);
  std::memcpy(out.data(), fields, sizeof fields);  // (the targets are little-endian)
  return out;
}

table::CatalogEntry EntryOf(const Database::Sequence& s) {
  return {s.id, table::CatalogKind::kSequence, s.name, Encode(s)};
}

}  // namespace

void Database::LoadSequence(const table::CatalogEntry& entry) {
  int64_t fields[7];
  if (entry.definition.size() != sizeof fields) {
    Fail(ErrorKind::kCorruption, "{}: catalog entry {} ('{}') is not a sequence definition", path_,
         entry.id, entry.name);
  }
  std::memcpy(fields, entry.definition.data(), sizeof fields);
  Sequence s;
  s.id = entry.id;
  s.name = entry.name;
  s.start = fields[0];
  s.increment = fields[1];
  s.min = fields[2];
  s.max = fields[3];
  s.cycle = fields[4] != 0;
  s.last = fields[5];
  s.called = fields[6] != 0;
  sequences_[AsciiLower(s.name)] = std::move(s);
}

void Database::CreateSequence(Sequence s, bool if_not_exists) {
  CreateSequenceLocked(std::move(s), if_not_exists);
  Checkpoint();
}

void Database::CreateSequenceLocked(Sequence s, bool if_not_exists) {
  if (s.increment == 0) Fail(ErrorKind::kInvalidInput, "INCREMENT must not be zero");
  if (s.min > s.max) {
    Fail(ErrorKind::kInvalidInput, "MINVALUE ({}) must be less than MAXVALUE ({})", s.min, s.max);
  }
  if (s.start < s.min || s.start > s.max) {
    Fail(ErrorKind::kInvalidInput,
         "START value ({}) cannot be outside of MINVALUE ({}) and "
         "MAXVALUE ({})",
         s.start, s.min, s.max);
  }
  std::lock_guard lock(mu_);
  const std::string key = AsciiLower(s.name);
  if (sequences_.contains(key)) {
    if (if_not_exists) return;
    Fail(ErrorKind::kCatalog, "Sequence with name \"{}\" already exists!", s.name);
  }
  s.id = catalog_->AllocateId();
  s.called = false;
  s.last = s.start;
  const table::CatalogEntry entry = EntryOf(s);
  catalog_->Put(std::span<const table::CatalogEntry>(&entry, 1));
  sequences_[key] = std::move(s);
}

void Database::DropSequence(const std::string& name, bool if_exists) {
  {
    std::lock_guard lock(mu_);
    auto it = sequences_.find(AsciiLower(name));
    if (it == sequences_.end()) {
      if (if_exists) return;
      Fail(ErrorKind::kCatalog, "Sequence with name {} does not exist!", name);
    }
    const uint64_t id = it->second.id;
    catalog_->Remove(std::span<const uint64_t>(&id, 1));
    sequences_.erase(it);
  }
  Checkpoint();
}

std::vector<std::string> Database::SequenceNames() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [key, s] : sequences_)
    out.push_back(s.name);
  return out;
}

bool Database::HasSequence(const std::string& name) const {
  std::lock_guard lock(mu_);
  return sequences_.contains(AsciiLower(name));
}

std::vector<int64_t> Database::NextVals(const std::string& name, size_t n) {
  std::vector<int64_t> out;
  {
    std::lock_guard lock(mu_);
    auto it = sequences_.find(AsciiLower(name));
    if (it == sequences_.end()) {
      Fail(ErrorKind::kCatalog, "Sequence with name {} does not exist!", name);
    }
    Sequence next = it->second;
    for (size_t i = 0; i < n; ++i) {
      if (!next.called) {
        next.last = next.start;
      } else {
        int64_t v = 0;
        const bool overflow = __builtin_add_overflow(next.last, next.increment, &v);
        if (overflow || v > next.max || v < next.min) {
          if (!next.cycle) {
            Fail(ErrorKind::kOutOfRange, "nextval: reached {} value of sequence \"{}\" ({})",
                 next.increment > 0 ? "maximum" : "minimum", next.name,
                 next.increment > 0 ? next.max : next.min);
          }
          v = next.increment > 0 ? next.min : next.max;
        }
        next.last = v;
      }
      next.called = true;
      out.push_back(next.last);
    }
    const table::CatalogEntry entry = EntryOf(next);
    catalog_->Put(std::span<const table::CatalogEntry>(&entry, 1));
    it->second = next;
  }
  Checkpoint();  // durable before anyone sees the values
  return out;
}

int64_t Database::CurrVal(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = sequences_.find(AsciiLower(name));
  if (it == sequences_.end()) {
    Fail(ErrorKind::kCatalog, "Sequence with name {} does not exist!", name);
  }
  if (!it->second.called) {
    Fail(ErrorKind::kInvalidInput, "currval: sequence \"{}\" has not been called with nextval",
         it->second.name);
  }
  return it->second.last;
}

}  // namespace llkv::runtime
