#include "llkv/arrow/record_batch.h"

#include <fmt/format.h>

#include <algorithm>

#include "llkv/common/error.h"

namespace llkv::arrow {

RecordBatchPtr RecordBatch::Make(SchemaPtr schema, int64_t num_rows,
                                 std::vector<ArrayDataPtr> columns) {
  if (static_cast<int>(columns.size()) != schema->num_fields()) {
    Fail(ErrorKind::kInvalidInput, "record batch has {} columns but its schema has {} fields",
         columns.size(), schema->num_fields());
  }
  for (int i = 0; i < schema->num_fields(); ++i) {
    const auto& f = schema->field(i);
    const auto& c = columns[static_cast<size_t>(i)];
    if (!c) Fail(ErrorKind::kInvalidInput, "column '{}' is missing", f->name());
    if (!c->type->Equals(*f->type())) {
      Fail(ErrorKind::kInvalidInput, "column '{}' has type {} but the schema says {}", f->name(),
           c->type->ToString(), f->type()->ToString());
    }
    if (c->length != num_rows) {
      Fail(ErrorKind::kInvalidInput, "column '{}' has {} rows, the batch has {}", f->name(),
           c->length, num_rows);
    }
    if (!f->nullable() && c->null_count > 0) {
      Fail(ErrorKind::kInvalidInput, "column '{}' is not nullable but holds {} nulls", f->name(),
           c->null_count);
    }
  }
  return std::make_shared<RecordBatch>(std::move(schema), num_rows, std::move(columns));
}

ArrayDataPtr RecordBatch::GetColumnByName(const std::string& name) const {
  auto i = schema_->FieldIndex(name);
  return i ? columns_[static_cast<size_t>(*i)] : nullptr;
}

RecordBatchPtr RecordBatch::Slice(int64_t offset, int64_t length) const {
  std::vector<ArrayDataPtr> cols;
  cols.reserve(columns_.size());
  for (const auto& c : columns_)
    cols.push_back(ArrayData::Slice(c, offset, length));
  return std::make_shared<RecordBatch>(schema_, length, std::move(cols));
}

bool RecordBatch::Equals(const RecordBatch& other) const {
  if (!schema_->Equals(*other.schema_) || num_rows_ != other.num_rows_) return false;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!ArrayEquals(*columns_[i], *other.columns_[i])) return false;
  }
  return true;
}

namespace {

class VectorReader final : public RecordBatchReader {
 public:
  VectorReader(SchemaPtr schema, std::vector<RecordBatchPtr> batches)
      : schema_(std::move(schema)), batches_(std::move(batches)) {}
  SchemaPtr schema() const override { return schema_; }
  RecordBatchPtr Next() override { return next_ < batches_.size() ? batches_[next_++] : nullptr; }

 private:
  SchemaPtr schema_;
  std::vector<RecordBatchPtr> batches_;
  size_t next_ = 0;
};

}  // namespace

std::shared_ptr<RecordBatchReader> MakeVectorReader(SchemaPtr schema,
                                                    std::vector<RecordBatchPtr> batches) {
  for (const auto& b : batches) {
    if (!b->schema()->Equals(*schema)) {
      Fail(ErrorKind::kInvalidInput, "batch schema {} differs from the reader's {}",
           b->schema()->ToString(), schema->ToString());
    }
  }
  return std::make_shared<VectorReader>(std::move(schema), std::move(batches));
}

namespace {

// Display width of UTF-8 text: one column per code point (continuation bytes
// do not count). Wide CJK glyphs are not measured specially.
size_t DisplayWidth(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s)
    w += (c & 0xC0) != 0x80;
  return w;
}

std::string Pad(const std::string& s, size_t width, bool right) {
  const size_t w = DisplayWidth(s);
  if (w >= width) return s;
  std::string pad(width - w, ' ');
  return right ? pad + s : s + pad;
}

bool RightAligned(const DataType& t) {
  return t.is_integer() || t.is_floating() || t.id() == TypeId::kDecimal128;
}

// Keeps cells on one line: newlines and tabs are shown escaped.
std::string CellText(const ArrayData& a, int64_t i) {
  std::string s = FormatValue(a, i);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out;
}

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

}  // namespace

std::string FormatTable(const std::vector<RecordBatchPtr>& batches, int64_t max_rows) {
  if (batches.empty()) return "(no columns)\n";
  const SchemaPtr& schema = batches[0]->schema();
  const size_t ncols = static_cast<size_t>(schema->num_fields());
  int64_t total = 0;
  for (const auto& b : batches)
    total += b->num_rows();

  // Show the first and last rows when there are too many, like DuckDB.
  const int64_t shown = std::min(total, max_rows);
  const int64_t head = total > max_rows ? max_rows / 2 : total;
  const int64_t tail_start = total > max_rows ? total - (shown - head) : total;

  std::vector<std::vector<std::string>> rows;
  int64_t row = 0;
  for (const auto& b : batches) {
    for (int64_t i = 0; i < b->num_rows(); ++i, ++row) {
      if (row >= head && row < tail_start) continue;
      std::vector<std::string> cells;
      for (size_t c = 0; c < ncols; ++c)
        cells.push_back(CellText(*b->column(static_cast<int>(c)), i));
      rows.push_back(std::move(cells));
    }
  }

  std::vector<size_t> width(ncols, 1);
  for (size_t c = 0; c < ncols; ++c) {
    width[c] = std::max({width[c], DisplayWidth(schema->field(static_cast<int>(c))->name()),
                         DisplayWidth(schema->field(static_cast<int>(c))->type()->ToString())});
    for (const auto& r : rows)
      width[c] = std::max(width[c], DisplayWidth(r[c]));
  }

  auto rule = [&](const char* left, const char* mid, const char* right) {
    std::string s = left;
    for (size_t c = 0; c < ncols; ++c) {
      if (c) s += mid;
      s += Repeat("─", width[c] + 2);
    }
    return s + right + "\n";
  };
  auto line = [&](const std::vector<std::string>& cells, const std::vector<bool>& right) {
    std::string s = "│";
    for (size_t c = 0; c < ncols; ++c)
      s += " " + Pad(cells[c], width[c], right[c]) + " │";
    return s + "\n";
  };

  std::vector<bool> centered(ncols, false), align(ncols, false);
  std::vector<std::string> names, types;
  for (size_t c = 0; c < ncols; ++c) {
    const auto& f = schema->field(static_cast<int>(c));
    names.push_back(f->name());
    types.push_back(f->type()->ToString());
    align[c] = RightAligned(*f->type());
  }
  std::string out = rule("┌", "┬", "┐");
  out += line(names, centered);
  out += line(types, centered);
  out += rule("├", "┼", "┤");
  for (size_t r = 0; r < rows.size(); ++r) {
    if (static_cast<int64_t>(r) == head && total > max_rows) {
      std::vector<std::string> dots(ncols, "·");
      out += line(dots, centered);
    }
    out += line(rows[r], align);
  }
  out += rule("└", "┴", "┘");
  out += fmt::format("{} row{}{}\n", total, total == 1 ? "" : "s",
                     total > max_rows ? fmt::format(" ({} shown)", shown) : "");
  return out;
}

}  // namespace llkv::arrow
