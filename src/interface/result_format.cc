#include "interface/result_format.h"

#include <fmt/format.h>

namespace llkv::interface {

namespace {

std::string CsvField(const arrow::ArrayData& a, int64_t i) {
  if (a.IsNull(i)) return "";
  const std::string v = arrow::FormatValue(a, i);
  if (v.find_first_of(",\"\n\r") == std::string::npos &&
      (v.empty() || (v.front() != ' ' && v.back() != ' '))) {
    return v;
  }
  std::string out = "\"";
  for (char c : v) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string JsonValue(const arrow::ArrayData& a, int64_t i) {
  if (a.IsNull(i)) return "null";
  const std::string v = arrow::FormatValue(a, i);
  const auto& t = *a.type;
  if (t.id() == arrow::TypeId::kBool) return v;
  if (t.is_integer() || t.id() == arrow::TypeId::kDecimal128) return v;
  if (t.is_floating()) {
    // JSON has no NaN or infinities.
    return v == "nan" || v == "inf" || v == "-inf" ? JsonString(v) : v;
  }
  return JsonString(v);
}

}  // namespace

bool ParseOutputMode(const std::string& name, OutputMode* mode) {
  if (name == "box")
    *mode = OutputMode::kBox;
  else if (name == "csv")
    *mode = OutputMode::kCsv;
  else if (name == "json")
    *mode = OutputMode::kJson;
  else
    return false;
  return true;
}

std::string FormatResult(OutputMode mode, const arrow::Schema& schema,
                         const std::vector<arrow::RecordBatchPtr>& batches) {
  switch (mode) {
    case OutputMode::kBox: {
      if (!batches.empty()) return arrow::FormatTable(batches, 40);
      // No rows: still show the columns, as sqlite3 and duckdb do.
      std::vector<arrow::ArrayDataPtr> columns;
      for (const auto& f : schema.fields())
        columns.push_back(arrow::MakeNullArray(f->type(), 0));
      return arrow::FormatTable(
          {arrow::RecordBatch::Make(std::make_shared<arrow::Schema>(schema.fields()), 0,
                                    std::move(columns))},
          40);
    }
    case OutputMode::kCsv: {
      std::string out;
      for (int c = 0; c < schema.num_fields(); ++c) {
        out += (c ? "," : "") + schema.field(c)->name();
      }
      out += "\n";
      for (const auto& b : batches) {
        for (int64_t r = 0; r < b->num_rows(); ++r) {
          for (int c = 0; c < b->num_columns(); ++c)
            out += (c ? "," : "") + CsvField(*b->column(c), r);
          out += "\n";
        }
      }
      return out;
    }
    case OutputMode::kJson: {
      std::string out = "[";
      bool first = true;
      for (const auto& b : batches) {
        for (int64_t r = 0; r < b->num_rows(); ++r) {
          out += first ? "{" : ",\n{";
          first = false;
          for (int c = 0; c < b->num_columns(); ++c) {
            out += (c ? "," : "") + JsonString(schema.field(c)->name()) + ":" +
                   JsonValue(*b->column(c), r);
          }
          out += "}";
        }
      }
      return out + "]\n";
    }
  }
  return "";
}

}  // namespace llkv::interface
