#include "table/table.h"

#include <fmt/format.h>

#include <cctype>

#include "common/ascii.h"
#include "common/bytes.h"
#include "llkv/arrow/builder.h"
#include "table/type_codec.h"

namespace llkv::table {

namespace {

constexpr uint32_t kTableDefMagic = 0x4442544C;  // "LTBD"
constexpr uint16_t kTableDefVersion = 2;         // 2 added create_sql

arrow::ArrayDataPtr Uint64Column(std::span<const uint64_t> values) {
  arrow::UInt64Builder b(arrow::uint64());
  b.UnsafeAppendValues(values.data(), static_cast<int64_t>(values.size()));
  return b.Finish();
}

arrow::ArrayDataPtr RepeatedUint64(uint64_t value, int64_t n) {
  arrow::UInt64Builder b(arrow::uint64());
  b.Reserve(n);
  for (int64_t i = 0; i < n; ++i)
    b.Append(value);
  return b.Finish();
}

}  // namespace

std::optional<size_t> TableDef::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (EqualsIgnoreCase(columns[i].name, name)) return i;
  }
  return std::nullopt;
}

arrow::SchemaPtr TableDef::Schema() const {
  std::vector<arrow::FieldPtr> fields;
  for (const auto& c : columns)
    fields.push_back(arrow::field(c.name, c.type, c.nullable));
  return std::make_shared<arrow::Schema>(std::move(fields));
}

std::vector<uint8_t> EncodeTableDef(const TableDef& def) {
  ByteWriter w;
  w.Put(kTableDefMagic);
  w.Put(kTableDefVersion);
  w.Put(uint16_t{0});
  w.Put(def.id);
  w.PutString(def.name);
  w.Put(def.next_field_id);
  w.Put(static_cast<uint32_t>(def.columns.size()));
  for (const auto& c : def.columns) {
    w.PutString(c.name);
    EncodeType(w, *c.type);
    w.Put<uint8_t>(c.nullable);
    w.Put(c.field_id);
  }
  w.PutString(def.create_sql);
  return w.Take();
}

TableDef DecodeTableDef(std::span<const uint8_t> bytes, const std::string& what) {
  ByteReader r(bytes, what);
  if (r.Get<uint32_t>() != kTableDefMagic) r.Corrupt("not a table definition (bad magic)");
  const uint16_t version = r.Get<uint16_t>();
  if (version < 1 || version > kTableDefVersion) r.Corrupt("unknown table definition version");
  r.Get<uint16_t>();
  TableDef def;
  def.id = r.Get<uint32_t>();
  def.name = r.GetString();
  def.next_field_id = r.Get<uint32_t>();
  const uint32_t n = r.GetCount(10);
  for (uint32_t i = 0; i < n; ++i) {
    ColumnDef c;
    c.name = r.GetString();
    c.type = DecodeType(r);
    c.nullable = r.Get<uint8_t>() != 0;
    c.field_id = r.Get<uint32_t>();
    if (c.field_id >= def.next_field_id) r.Corrupt("column field id beyond the table's counter");
    def.columns.push_back(std::move(c));
  }
  if (version >= 2) def.create_sql = r.GetString();
  r.ExpectEnd();
  return def;
}

Table::Table(std::shared_ptr<ColumnStore> store, TableDef def)
    : store_(std::move(store)), def_(std::move(def)) {
  if (def_.id > LogicalFieldId::kMaxTableId) {
    Fail(ErrorKind::kInvalidInput, "table id {} exceeds {}", def_.id, LogicalFieldId::kMaxTableId);
  }
  next_row_id_ = next_row_id();
}

uint64_t Table::next_row_id() const {
  if (!store_->HasColumn(RowIdField())) return 0;
  const std::optional<uint64_t> max_id = store_->MaxRowId(RowIdField());
  return max_id ? *max_id + 1 : 0;
}

uint64_t Table::row_count() const {
  return store_->HasColumn(RowIdField()) ? store_->RowCount(RowIdField()) : 0;
}

uint64_t Table::Insert(const arrow::RecordBatch& rows, TxnId txn) {
  CheckRows(rows);
  return InsertChecked(rows, txn);
}

void Table::CheckRows(const arrow::RecordBatch& rows) const {
  const auto& schema = *rows.schema();
  if (static_cast<size_t>(schema.num_fields()) != def_.columns.size()) {
    Fail(ErrorKind::kInvalidInput, "table {} has {} columns but {} values were supplied", def_.name,
         def_.columns.size(), schema.num_fields());
  }
  for (size_t i = 0; i < def_.columns.size(); ++i) {
    const ColumnDef& c = def_.columns[i];
    const auto& col = rows.column(static_cast<int>(i));
    if (!col->type->Equals(*c.type)) {
      Fail(ErrorKind::kInvalidInput, "column {}.{} has type {}, the batch gives {}", def_.name,
           c.name, c.type->ToString(), col->type->ToString());
    }
    if (!c.nullable && col->null_count > 0) {
      Fail(ErrorKind::kConstraint, "NOT NULL constraint failed: {}.{}", def_.name, c.name);
    }
  }
}

uint64_t Table::InsertChecked(const arrow::RecordBatch& rows, TxnId txn) {
  const int64_t n = rows.num_rows();
  std::lock_guard lock(write_mu_);
  const uint64_t first = next_row_id_;
  if (n == 0) return first;
  std::vector<uint64_t> ids(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    ids[static_cast<size_t>(i)] = first + static_cast<uint64_t>(i);
  arrow::ArrayDataPtr id_array = Uint64Column(ids);
  std::vector<arrow::FieldPtr> fields = {
      arrow::field(ColumnStore::kRowIdColumn, arrow::uint64(), false),
      ColumnStore::ColumnField("rowid", arrow::uint64(), RowIdField(), false),
      ColumnStore::ColumnField("created_by", arrow::uint64(), CreatedByField(), false)};
  std::vector<arrow::ArrayDataPtr> columns = {id_array, id_array, RepeatedUint64(txn, n)};
  for (size_t i = 0; i < def_.columns.size(); ++i) {
    fields.push_back(
        ColumnStore::ColumnField(def_.columns[i].name, def_.columns[i].type, UserField(i)));
    columns.push_back(rows.column(static_cast<int>(i)));
  }
  store_->Append(*arrow::RecordBatch::Make(std::make_shared<arrow::Schema>(std::move(fields)), n,
                                           std::move(columns)));
  next_row_id_ = first + static_cast<uint64_t>(n);
  for (const auto& o : observers_)
    o->RowsInserted(first, rows);
  return first;
}

void Table::AddObserver(std::shared_ptr<TableObserver> observer) {
  std::lock_guard lock(write_mu_);
  observers_.push_back(std::move(observer));
}

void Table::RemoveObserver(const TableObserver* observer) {
  std::lock_guard lock(write_mu_);
  std::erase_if(observers_, [&](const auto& o) { return o.get() == observer; });
}

void Table::MarkDeleted(std::span<const uint64_t> row_ids, TxnId txn) {
  if (row_ids.empty()) return;
  std::lock_guard lock(write_mu_);
  const auto n = static_cast<int64_t>(row_ids.size());
  std::vector<arrow::FieldPtr> fields = {
      arrow::field(ColumnStore::kRowIdColumn, arrow::uint64(), false),
      ColumnStore::ColumnField("deleted_by", arrow::uint64(), DeletedByField())};
  store_->Append(*arrow::RecordBatch::Make(std::make_shared<arrow::Schema>(std::move(fields)), n,
                                           {Uint64Column(row_ids), RepeatedUint64(txn, n)}));
}

void Table::ClearDeleted(std::span<const uint64_t> row_ids) {
  if (row_ids.empty() || !store_->HasColumn(DeletedByField())) return;
  std::lock_guard lock(write_mu_);
  const LogicalFieldId f = DeletedByField();
  store_->DeleteRows(std::span<const LogicalFieldId>(&f, 1), row_ids);
}

void Table::RemoveRows(std::span<const uint64_t> row_ids) {
  if (row_ids.empty()) return;
  std::lock_guard lock(write_mu_);
  std::vector<LogicalFieldId> fields = {RowIdField(), CreatedByField()};
  if (store_->HasColumn(DeletedByField())) fields.push_back(DeletedByField());
  for (size_t i = 0; i < def_.columns.size(); ++i) {
    if (store_->HasColumn(UserField(i))) fields.push_back(UserField(i));
  }
  std::erase_if(fields, [&](const LogicalFieldId& f) { return !store_->HasColumn(f); });
  for (const auto& o : observers_)  // while the rows can still be read
    o->RowsRemoved(row_ids);
  store_->DeleteRows(fields, row_ids);
}

Table::Versions Table::FetchVersions(std::span<const uint64_t> row_ids) const {
  Versions out;
  if (row_ids.empty()) return out;
  if (!store_->HasColumn(CreatedByField())) {  // never written: no such rows
    out.created_by.assign(row_ids.size(), 0);
    out.deleted_by.assign(row_ids.size(), 0);
    return out;
  }
  const LogicalFieldId fields[] = {CreatedByField(), DeletedByField()};
  const bool any_deleted = store_->HasColumn(DeletedByField());
  auto columns = store_->Gather(std::span<const LogicalFieldId>(fields, any_deleted ? 2 : 1),
                                row_ids, MissingRows::kNull);
  const auto n = static_cast<int64_t>(row_ids.size());
  // A row vacuum removed after the caller found its id reads as created by
  // no transaction (0): nobody sees it.
  out.created_by.assign(row_ids.size(), 0);
  const auto& c = *columns[0];
  for (int64_t i = 0; i < n; ++i) {
    if (c.IsValid(i)) out.created_by[static_cast<size_t>(i)] = c.values<uint64_t>()[i];
  }
  out.deleted_by.assign(row_ids.size(), 0);
  if (any_deleted) {
    const auto& d = *columns[1];
    for (int64_t i = 0; i < n; ++i) {
      if (d.IsValid(i)) out.deleted_by[static_cast<size_t>(i)] = d.values<uint64_t>()[i];
    }
  }
  return out;
}

std::vector<int64_t> Table::VisibleRows(std::span<const uint64_t> row_ids,
                                        const Snapshot& snapshot) const {
  std::vector<int64_t> out;
  if (row_ids.empty()) return out;
  if (snapshot.all_versions) {
    out.resize(row_ids.size());
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<int64_t>(i);
    return out;
  }
  const Versions v = FetchVersions(row_ids);
  for (size_t i = 0; i < row_ids.size(); ++i) {
    if (snapshot.Visible(v.created_by[i], v.deleted_by[i])) out.push_back(static_cast<int64_t>(i));
  }
  return out;
}

std::vector<arrow::ArrayDataPtr> Table::Fetch(std::span<const size_t> columns,
                                              std::span<const uint64_t> row_ids) const {
  std::vector<LogicalFieldId> fields;
  for (size_t c : columns)
    fields.push_back(UserField(c));
  return store_->Gather(fields, row_ids, MissingRows::kError);
}

bool TableScanner::Next(arrow::RecordBatchPtr* out) {
  arrow::RecordBatchPtr batch;
  if (!inner_ || !inner_->Next(&batch)) return false;
  std::vector<arrow::ArrayDataPtr> columns = {batch->column(0)};
  for (size_t i = 0; i < source_.size(); ++i) {
    if (source_[i] >= 0) {
      columns.push_back(batch->column(source_[i]));
    } else {
      columns.push_back(
          arrow::MakeNullArray(schema_->field(static_cast<int>(i + 1))->type(), batch->num_rows()));
    }
  }
  *out = arrow::RecordBatch::Make(schema_, batch->num_rows(), std::move(columns));
  return true;
}

std::unique_ptr<TableScanner> Table::Scan(std::span<const size_t> columns, bool with_versions,
                                          const std::optional<ScanFilter>& filter) const {
  std::vector<LogicalFieldId> fields;
  std::vector<arrow::FieldPtr> out_fields = {arrow::field("row_id", arrow::uint64(), false)};
  if (with_versions) {
    fields.push_back(CreatedByField());
    out_fields.push_back(arrow::field("created_by", arrow::uint64()));
    fields.push_back(DeletedByField());
    out_fields.push_back(arrow::field("deleted_by", arrow::uint64()));
  }
  for (size_t c : columns) {
    fields.push_back(UserField(c));
    out_fields.push_back(arrow::field(def_.columns[c].name, def_.columns[c].type));
  }
  auto scanner = std::make_unique<TableScanner>();
  scanner->schema_ = std::make_shared<arrow::Schema>(std::move(out_fields));
  if (!store_->HasColumn(RowIdField())) return scanner;
  // The scan's rows are its first column's: the row-id shadow (every row),
  // or the filter's column with the predicate. The store's batch is
  // "row_id", that first column, then the other present columns.
  ScanOptions options;
  LogicalFieldId anchor = RowIdField();
  if (filter) {
    if (!store_->HasColumn(UserField(filter->column))) {
      // No stored values: every row's is NULL, which only IS NULL matches.
      if (filter->predicate.op != Predicate::Op::kIsNull) return scanner;
    } else {
      anchor = UserField(filter->column);
      options.predicate = filter->predicate;
    }
  }
  std::vector<LogicalFieldId> present = {anchor};
  for (const auto& f : fields) {
    if (!store_->HasColumn(f)) {
      scanner->source_.push_back(-1);
    } else if (f == anchor) {
      scanner->source_.push_back(1);
    } else {
      present.push_back(f);
      scanner->source_.push_back(static_cast<int>(present.size()));
    }
  }
  scanner->inner_ = store_->ScanColumns(std::move(present), std::move(options));
  return scanner;
}

void Table::DropStorage() {
  std::lock_guard lock(write_mu_);
  std::vector<LogicalFieldId> fields = {RowIdField(), CreatedByField(), DeletedByField()};
  for (size_t i = 0; i < def_.columns.size(); ++i)
    fields.push_back(UserField(i));
  for (const auto& f : fields) {
    if (store_->HasColumn(f)) store_->DropColumn(f);
  }
}

}  // namespace llkv::table
