#include "sql/copy.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/ascii.h"
#include "execution/delimited.h"
#include "execution/expression.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"
#include "sql/planner.h"
#include "sql/table_rules.h"

namespace llkv::sql {

namespace {

constexpr int64_t kRowsPerInsert = 1 << 16;

execution::DelimitedOptions Options(const CopyStatement& s) {
  execution::DelimitedOptions o;
  bool escape_set = false;
  for (const CopyOption& opt : s.options) {
    const std::string& name = opt.name;
    auto text = [&]() -> std::string {
      if (opt.value.is_null() || opt.value.type()->id() != arrow::TypeId::kUtf8) {
        Fail(ErrorKind::kBinder, "COPY option {} takes a text value, not {}", name,
             opt.value.ToString());
      }
      return opt.value.str();
    };
    auto one_char = [&]() {
      const std::string t = text();
      if (t.size() != 1) {
        Fail(ErrorKind::kBinder, "COPY option {} must be a single character, not '{}'", name, t);
      }
      return t[0];
    };
    if (name == "delimiter" || name == "delim" || name == "sep") {
      o.delimiter = one_char();
    } else if (name == "header") {
      const execution::Value& v = opt.value;
      if (v.type()->id() == arrow::TypeId::kBool) {
        o.header = v.boolean();
      } else if (v.type()->is_integer() && (v.int64() == 0 || v.int64() == 1)) {
        o.header = v.int64() == 1;
      } else {
        const std::string t = AsciiLower(text());
        if (t != "true" && t != "false" && t != "on" && t != "off") {
          Fail(ErrorKind::kBinder, "COPY option HEADER takes a boolean, not '{}'", t);
        }
        o.header = t == "true" || t == "on";
      }
    } else if (name == "quote") {
      o.quote = one_char();
    } else if (name == "escape") {
      o.escape = one_char();
      escape_set = true;
    } else if (name == "null" || name == "nullstr") {
      o.null_string = text();
    } else if (name == "format") {
      const std::string f = AsciiLower(text());
      if (f != "csv") {
        Fail(ErrorKind::kBinder,
             "COPY FORMAT {} is not one LLKV reads or writes: use FORMAT csv (delimited text)", f);
      }
    } else {
      Fail(ErrorKind::kBinder, "unrecognized COPY option \"{}\"", name);
    }
  }
  if (!escape_set) o.escape = o.quote;
  if (o.delimiter == o.quote || o.delimiter == '\n' || o.delimiter == '\r') {
    Fail(ErrorKind::kBinder, "COPY DELIMITER '{}' cannot be the quote or a line break",
         o.delimiter);
  }
  return o;
}

// `text` converted to `type`; a value that does not convert is reported
// with the file, line and column it came from.
arrow::ArrayDataPtr Convert(const arrow::ArrayDataPtr& text, const arrow::TypePtr& type,
                            const std::string& path, const std::vector<int64_t>& lines,
                            const std::string& column) {
  if (type->id() == arrow::TypeId::kUtf8) return text;
  try {
    return execution::Cast(*text, type);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kConversion) throw;
    for (int64_t i = 0; i < text->length; ++i) {
      if (text->IsNull(i)) continue;
      arrow::StringBuilder one(arrow::utf8());
      one.Append(arrow::BinaryValueAt(*text, i));
      try {
        execution::Cast(*one.Finish(), type);
      } catch (const Error& row) {
        Fail(ErrorKind::kConversion, "{}:{}: column \"{}\": {}", path,
             lines[static_cast<size_t>(i)], column, row.message());
      }
    }
    throw;
  }
}

int64_t CopyFrom(const CopyStatement& s, runtime::Database& db, const CopyInsert& insert) {
  auto t = db.FindTable(s.table.back());
  if (!t) {
    if (db.FindView(s.table.back())) {
      Fail(ErrorKind::kBinder, "cannot COPY into view \"{}\": COPY FROM needs a table",
           s.table.back());
    }
    Fail(ErrorKind::kCatalog, "Table with name {} does not exist!", s.table.back());
  }
  const auto& def = t->def();
  std::vector<size_t> targets;
  if (s.columns.empty()) {
    for (size_t i = 0; i < def.columns.size(); ++i) {
      if (!IsGenerated(*t, i)) targets.push_back(i);
    }
  } else {
    for (const auto& name : s.columns) {
      auto i = def.FindColumn(name);
      if (!i) {
        Fail(ErrorKind::kBinder, "Table \"{}\" does not have a column named \"{}\"", def.name,
             name);
      }
      if (std::find(targets.begin(), targets.end(), *i) != targets.end()) {
        Fail(ErrorKind::kBinder, "column \"{}\" is specified more than once", name);
      }
      if (IsGenerated(*t, *i)) {
        Fail(ErrorKind::kBinder, "cannot insert into generated column \"{}\"", name);
      }
      targets.push_back(*i);
    }
  }
  const execution::DelimitedOptions options = Options(s);
  execution::DelimitedReader reader(s.file, options);
  std::vector<execution::DelimitedReader::Field> fields;
  if (options.header) reader.Next(&fields);
  const size_t n = targets.size();
  std::vector<std::unique_ptr<arrow::StringBuilder>> builders;
  auto reset = [&] {
    builders.clear();
    for (size_t k = 0; k < n; ++k)
      builders.push_back(std::make_unique<arrow::StringBuilder>(arrow::utf8()));
  };
  reset();
  std::vector<int64_t> lines;
  int64_t total = 0;
  auto flush = [&] {
    if (lines.empty()) return;
    std::vector<arrow::ArrayDataPtr> columns;
    for (size_t k = 0; k < n; ++k) {
      const auto& column = def.columns[targets[k]];
      columns.push_back(Convert(builders[k]->Finish(), column.type, s.file, lines, column.name));
    }
    total += insert(t, targets, std::move(columns), static_cast<int64_t>(lines.size()));
    reset();
    lines.clear();
  };
  while (reader.Next(&fields)) {
    size_t m = fields.size();
    if (m == 1 && n != 1 && fields[0].text.empty()) continue;  // a blank line
    // A delimiter ending the line (TPC-H's .tbl files) adds an empty field.
    if (m == n + 1 && fields.back().text.empty()) m = n;
    if (m != n) {
      Fail(ErrorKind::kInvalidInput, "{}:{}: expected {} field{} (the columns of {}), found {}",
           s.file, reader.line(), n, n == 1 ? "" : "s", def.name, fields.size());
    }
    for (size_t k = 0; k < n; ++k) {
      if (fields[k].null)
        builders[k]->AppendNull();
      else
        builders[k]->Append(fields[k].text);
    }
    lines.push_back(reader.line());
    if (static_cast<int64_t>(lines.size()) >= kRowsPerInsert) flush();
  }
  flush();
  return total;
}

int64_t CopyTo(const CopyStatement& s, runtime::Database& db) {
  execution::OperatorPtr plan;
  if (s.query) {
    if (!s.columns.empty()) Fail(ErrorKind::kBinder, "COPY (query) TO takes no column list");
    plan = PlanQuery(*s.query, db);
  } else {
    // COPY t [(columns)] TO is SELECT columns FROM t.
    SelectStmt q;
    auto ref = std::make_unique<TableRef>();
    ref->name = s.table;
    q.from.push_back(std::move(ref));
    if (s.columns.empty()) {
      SelectItem star;
      star.expr = std::make_unique<Expr>();
      star.expr->kind = ExprKind::kStar;
      q.select_list.push_back(std::move(star));
    }
    for (const auto& c : s.columns) {
      SelectItem item;
      item.expr = std::make_unique<Expr>();
      item.expr->kind = ExprKind::kColumnRef;
      item.expr->names = {c};
      q.select_list.push_back(std::move(item));
    }
    plan = PlanQuery(q, db);
  }
  const execution::DelimitedOptions options = Options(s);
  execution::DelimitedWriter writer(s.file, options);
  const auto& schema = *plan->schema();
  std::vector<const std::string*> fields(static_cast<size_t>(schema.num_fields()));
  if (options.header) {
    std::vector<std::string> names;
    for (const auto& f : schema.fields())
      names.push_back(f->name());
    for (size_t k = 0; k < names.size(); ++k)
      fields[k] = &names[k];
    writer.Write(fields);
  }
  int64_t total = 0;
  std::vector<std::string> values(fields.size());
  while (auto batch = plan->Next()) {
    std::vector<arrow::ArrayDataPtr> text;
    for (const auto& c : batch->columns())
      text.push_back(execution::Cast(*c, arrow::utf8()));
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      for (size_t k = 0; k < text.size(); ++k) {
        if (text[k]->IsNull(i)) {
          fields[k] = nullptr;
          continue;
        }
        values[k] = std::string(arrow::BinaryValueAt(*text[k], i));
        fields[k] = &values[k];
      }
      writer.Write(fields);
    }
    total += batch->num_rows();
  }
  writer.Close();
  return total;
}

}  // namespace

int64_t Copy(const CopyStatement& s, runtime::Database& db, const CopyInsert& insert) {
  return s.from ? CopyFrom(s, db, insert) : CopyTo(s, db);
}

}  // namespace llkv::sql
