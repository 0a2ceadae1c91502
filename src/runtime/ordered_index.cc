#include "runtime/ordered_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "execution/operators.h"
#include "llkv/common/error.h"

namespace llkv::runtime {

using arrow::TypeId;

namespace {

void PutBigEndian(uint64_t v, std::string* out) {
  char bytes[8];
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<char>((v >> (56 - 8 * i)) & 0xff);
  out->append(bytes, 8);
}

constexpr uint64_t kSignBit = uint64_t{1} << 63;

}  // namespace

void OrderedIndex::EncodeValue(const execution::Value& v, std::string* out) {
  switch (v.type()->id()) {
    case TypeId::kBool:
      out->push_back(v.boolean() ? '\1' : '\0');
      return;
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double d = v.float64();
      if (d == 0) d = 0;  // -0.0 is 0.0
      if (std::isnan(d)) d = NAN;
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      PutBigEndian((bits & kSignBit) ? ~bits : (bits | kSignBit), out);
      return;
    }
    case TypeId::kDecimal128: {
      const arrow::Decimal128 d = v.decimal();
      const auto u = static_cast<unsigned __int128>(d);
      PutBigEndian(static_cast<uint64_t>(u >> 64) ^ kSignBit, out);
      PutBigEndian(static_cast<uint64_t>(u), out);
      return;
    }
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary:
      // 0x00 is escaped as 0x00 0xff and the end marked by 0x00 0x00, which
      // keeps byte order and makes the encoding prefix-free.
      for (char c : v.str()) {
        out->push_back(c);
        if (c == '\0') out->push_back('\xff');
      }
      out->append("\0\0", 2);
      return;
    case TypeId::kUInt64:
      PutBigEndian(static_cast<uint64_t>(v.int64()), out);
      return;
    default:  // signed integers, dates, timestamps
      PutBigEndian(static_cast<uint64_t>(v.int64()) ^ kSignBit, out);
      return;
  }
}

bool OrderedIndex::EncodeKey(const std::vector<arrow::ArrayDataPtr>& values, int64_t row,
                             std::string* out) {
  for (const auto& a : values) {
    if (a->IsNull(row)) return false;
    // Integers straight from the buffer (bulk loads check a key per row);
    // the same bytes EncodeValue writes.
    switch (a->type->id()) {
      case TypeId::kInt64:
        PutBigEndian(static_cast<uint64_t>(a->values<int64_t>()[row]) ^ kSignBit, out);
        continue;
      case TypeId::kInt32:
        PutBigEndian(static_cast<uint64_t>(int64_t{a->values<int32_t>()[row]}) ^ kSignBit, out);
        continue;
      default:
        EncodeValue(execution::Value::FromArray(*a, row), out);
    }
  }
  return true;
}

std::vector<uint32_t> OrderedIndex::SortedOrder(const std::vector<std::string>& keys) {
  const size_t n = keys.size();
  std::vector<uint64_t> prefix(n);
  for (size_t i = 0; i < n; ++i) {
    uint64_t p = 0;
    const std::string& k = keys[i];
    for (size_t b = 0; b < 8; ++b)
      p = (p << 8) | (b < k.size() ? static_cast<unsigned char>(k[b]) : 0);
    prefix[i] = p;
  }
  std::vector<uint32_t> order(n), next(n);
  for (size_t i = 0; i < n; ++i)
    order[i] = static_cast<uint32_t>(i);
  // Least significant byte first; a byte every key shares is skipped.
  for (int shift = 0; shift < 64; shift += 8) {
    size_t count[257] = {};
    for (size_t i = 0; i < n; ++i)
      ++count[((prefix[i] >> shift) & 0xff) + 1];
    if (n > 0 && count[((prefix[0] >> shift) & 0xff) + 1] == n) continue;
    for (int d = 0; d < 256; ++d)
      count[d + 1] += count[d];
    for (uint32_t i : order)
      next[count[(prefix[i] >> shift) & 0xff]++] = i;
    order.swap(next);
  }
  // Runs of one prefix: by the rest of the key (stable, as the radix passes are).
  for (size_t start = 0; start < n;) {
    size_t end = start + 1;
    while (end < n && prefix[order[end]] == prefix[order[start]])
      ++end;
    if (end - start > 1) {
      std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(start),
                       order.begin() + static_cast<std::ptrdiff_t>(end),
                       [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
    }
    start = end;
  }
  return order;
}

std::shared_ptr<OrderedIndex> OrderedIndex::Build(const std::shared_ptr<table::Table>& table,
                                                  std::vector<size_t> columns) {
  auto index = std::make_shared<OrderedIndex>(table.get(), columns);
  // Registered before the scan: an entry added twice is one entry.
  table->AddObserver(index);
  auto scan = execution::MakeTableScan(table, columns, table::Snapshot::AllVersions(),
                                       /*with_row_id=*/true);
  while (auto batch = scan->Next()) {
    std::vector<arrow::ArrayDataPtr> values;
    for (size_t k = 0; k < columns.size(); ++k)
      values.push_back(batch->column(static_cast<int>(k + 1)));
    const auto* ids = batch->column(0)->values<uint64_t>();
    index->Add(values, std::span<const uint64_t>(ids, static_cast<size_t>(batch->num_rows())),
               true);
  }
  return index;
}

void OrderedIndex::Add(const std::vector<arrow::ArrayDataPtr>& values,
                       std::span<const uint64_t> row_ids, bool insert) {
  // Encoded first, then entered in key order: a batch in any order becomes
  // a run of neighbouring inserts (each next to the one before) instead of
  // one random descent per row.
  std::vector<std::string> keys;
  std::vector<uint64_t> ids;
  keys.reserve(row_ids.size());
  ids.reserve(row_ids.size());
  std::string key;
  bool sorted = true;
  for (size_t i = 0; i < row_ids.size(); ++i) {
    key.clear();
    if (!EncodeKey(values, static_cast<int64_t>(i), &key)) continue;
    sorted = sorted &&
             (keys.empty() || keys.back() < key || (keys.back() == key && ids.back() < row_ids[i]));
    keys.push_back(key);
    ids.push_back(row_ids[i]);
  }
  std::vector<uint32_t> order;
  if (sorted) {
    order.resize(keys.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = static_cast<uint32_t>(i);
  } else {
    order = SortedOrder(keys);  // equal keys keep their (ascending) row ids' order
  }
  std::lock_guard lock(mu_);
  auto hint = entries_.end();
  for (uint32_t i : order) {
    Entry e{std::move(keys[i]), ids[i]};
    if (!insert) {
      entries_.erase(e);
      continue;
    }
    // The next entry's place is usually right after the previous one's (a
    // wrong hint only costs the usual descent).
    hint = std::next(entries_.insert(hint, std::move(e)));
  }
}

void OrderedIndex::RowsInserted(uint64_t first, const arrow::RecordBatch& rows) {
  std::vector<arrow::ArrayDataPtr> values;
  for (size_t c : columns_)
    values.push_back(rows.column(static_cast<int>(c)));
  std::vector<uint64_t> ids(static_cast<size_t>(rows.num_rows()));
  for (size_t i = 0; i < ids.size(); ++i)
    ids[i] = first + i;
  Add(values, ids, true);
}

void OrderedIndex::RowsRemoved(std::span<const uint64_t> row_ids) {
  if (row_ids.empty()) return;
  Add(table_->Fetch(columns_, row_ids), row_ids, false);
}

size_t OrderedIndex::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::optional<std::string> OrderedIndex::MaxKey() const {
  std::lock_guard lock(mu_);
  if (entries_.empty()) return std::nullopt;
  return std::prev(entries_.end())->key;
}

std::vector<uint64_t> OrderedIndex::Equal(const std::string& prefix, size_t limit) const {
  std::vector<uint64_t> out;
  std::lock_guard lock(mu_);
  for (auto it = entries_.lower_bound(Entry{prefix, 0});
       it != entries_.end() && it->key.starts_with(prefix) && out.size() < limit; ++it) {
    out.push_back(it->row_id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint64_t> OrderedIndex::Range(const std::optional<Bound>& lower,
                                          const std::optional<Bound>& upper, size_t limit) const {
  std::vector<uint64_t> out;
  std::lock_guard lock(mu_);
  auto it = lower ? entries_.lower_bound(Entry{lower->key, 0}) : entries_.begin();
  if (lower && !lower->inclusive) {
    while (it != entries_.end() && it->key.starts_with(lower->key))
      ++it;
  }
  for (; it != entries_.end() && out.size() < limit; ++it) {
    if (upper) {
      const bool equal = it->key.starts_with(upper->key);
      if (equal ? !upper->inclusive : it->key > upper->key) break;
    }
    out.push_back(it->row_id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace llkv::runtime
