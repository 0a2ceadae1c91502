// LogicalFieldId: the name of one stored column, independent of where its
// bytes live. The column store maps each id to physical keys.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace llkv::table {

// Namespaces keep user data apart from the columns the table layer adds.
enum class Namespace : uint8_t {
  kUserData = 0,     // columns users declare
  kRowIdShadow = 1,  // a table's row-id column (the set of row ids it holds)
  kCreatedBy = 2,    // MVCC: transaction that created each row version
  kDeletedBy = 3,    // MVCC: transaction that deleted it (null while live)
};

struct LogicalFieldId {
  Namespace ns = Namespace::kUserData;
  uint32_t table_id = 0;  // < 2^24
  uint32_t field_id = 0;

  static constexpr uint32_t kMaxTableId = (1u << 24) - 1;

  // ns:8 | table:24 | field:32
  uint64_t Pack() const {
    return (uint64_t(ns) << 56) | (uint64_t(table_id & kMaxTableId) << 32) | field_id;
  }
  static LogicalFieldId Unpack(uint64_t v) {
    return {static_cast<Namespace>(v >> 56), static_cast<uint32_t>((v >> 32) & kMaxTableId),
            static_cast<uint32_t>(v)};
  }
  std::string ToString() const;  // e.g. "user:3.7"

  friend bool operator==(const LogicalFieldId&, const LogicalFieldId&) = default;
  friend auto operator<=>(const LogicalFieldId& a, const LogicalFieldId& b) {
    return a.Pack() <=> b.Pack();
  }
};

}  // namespace llkv::table

template <>
struct std::hash<llkv::table::LogicalFieldId> {
  size_t operator()(const llkv::table::LogicalFieldId& id) const noexcept {
    return std::hash<uint64_t>{}(id.Pack());
  }
};
