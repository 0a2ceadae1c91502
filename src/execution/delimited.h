// Delimited text (CSV, TPC-H's '|' files): records of fields separated by
// one delimiter character, one record per line, fields optionally quoted.
//
// Reading follows RFC 4180 as DuckDB and PostgreSQL read CSV: a quoted
// field may hold delimiters, quotes (doubled, or preceded by the escape
// character) and line breaks; "\r\n" ends a line like "\n". An unquoted
// field equal to the null string (default: empty) is NULL; a quoted one
// never is. Bytes are passed through as they are (UTF-8 in, UTF-8 out).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llkv::execution {

struct DelimitedOptions {
  char delimiter = ',';
  char quote = '"';
  char escape = '"';
  bool header = false;
  std::string null_string;  // an unquoted field equal to it is NULL
};

// Reads a file record by record. Not thread-safe.
class DelimitedReader {
 public:
  struct Field {
    std::string_view text;  // valid until the next call of Next
    bool null = false;
  };

  // Opens `path`; throws an IO Error naming it when it cannot be read.
  DelimitedReader(std::string path, DelimitedOptions options);
  ~DelimitedReader();
  DelimitedReader(const DelimitedReader&) = delete;
  DelimitedReader& operator=(const DelimitedReader&) = delete;

  // The next record's fields; false at the end of the file. Throws an
  // Invalid Input Error naming the file and line for a quoted field that
  // never ends or text after a closing quote.
  bool Next(std::vector<Field>* fields);
  // The line the record Next returned last starts on (1-based).
  int64_t line() const { return record_line_; }
  const std::string& path() const { return path_; }

 private:
  int Get();  // the next byte, or EOF
  void Refill();

  std::string path_;
  DelimitedOptions options_;
  std::FILE* file_ = nullptr;
  std::vector<char> buffer_;
  size_t pos_ = 0, end_ = 0;
  int64_t line_ = 1;
  int64_t record_line_ = 0;
  std::string text_;  // the current record's field bytes
};

// Writes records to a file; quotes a field only when it must (it holds the
// delimiter, the quote, a line break, or equals the null string, or is
// empty while the null string is). Not thread-safe.
class DelimitedWriter {
 public:
  // Creates or truncates `path`; throws an IO Error naming it on failure.
  DelimitedWriter(std::string path, DelimitedOptions options);
  ~DelimitedWriter();
  DelimitedWriter(const DelimitedWriter&) = delete;
  DelimitedWriter& operator=(const DelimitedWriter&) = delete;

  // One record; a null pointer field is written as the null string.
  void Write(const std::vector<const std::string*>& fields);
  // Flushes and closes; throws an IO Error if the data did not reach the file.
  void Close();

 private:
  std::string path_;
  DelimitedOptions options_;
  std::FILE* file_ = nullptr;
  std::string line_;
};

}  // namespace llkv::execution
