// LLKV's one error model.
//
// Every layer reports failure by throwing llkv::Error. An Error carries a
// kind, which callers may branch on, and a message that names what failed and
// where (a file, a key, a column, a line). what() renders both the way users
// see them, e.g. "IO Error: cannot open '/data/x.llkv': Permission denied".
// The C API converts Errors to status codes at its boundary; nothing else
// catches an Error without either rethrowing it or reporting it to the user.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace llkv {

enum class ErrorKind {
  kInvalidInput,  // API misuse or malformed arguments
  kIO,            // the operating system refused (open, read, write, sync)
  kCorruption,    // stored bytes fail a structural or checksum check
  kNotFound,      // a key, row or object that must exist does not
  kOutOfRange,    // an index or value outside what is representable
  kFull,          // the storage limit (disk or map size) is reached
  kInternal,      // a broken invariant inside LLKV: always a bug
  // SQL-level categories; their prefixes are DuckDB's, which its tests check.
  kParser,          // the statement text does not parse
  kBinder,          // names or types do not resolve (unknown column, bad operands)
  kCatalog,         // a table, view, index or function that must (not) exist
  kConversion,      // a value cannot be converted to the requested type
  kConstraint,      // NOT NULL, PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY
  kTransaction,     // transaction conflicts and misuse
  kNotImplemented,  // valid SQL that LLKV does not execute
};

// The user-facing prefix of a kind, e.g. "IO Error".
std::string_view ErrorKindName(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message);

  ErrorKind kind() const { return kind_; }
  // The message without the kind prefix.
  const std::string& message() const { return message_; }

 private:
  ErrorKind kind_;
  std::string message_;
};

// Throws an Error of `kind` with a fmt-formatted message.
template <typename... Args>
[[noreturn]] void Fail(ErrorKind kind, fmt::format_string<Args...> format, Args&&... args) {
  throw Error(kind, fmt::format(format, std::forward<Args>(args)...));
}

// Checks an internal invariant; a failure is a bug in LLKV, reported as an
// Internal Error rather than a crash so that a server process survives it.
#define LLKV_CHECK(cond, ...)                                                              \
  do {                                                                                     \
    if (!(cond)) [[unlikely]] {                                                            \
      ::llkv::Fail(::llkv::ErrorKind::kInternal, "{}:{}: check '{}' failed: {}", __FILE__, \
                   __LINE__, #cond, ::fmt::format(__VA_ARGS__));                           \
    }                                                                                      \
  } while (0)

}  // namespace llkv
