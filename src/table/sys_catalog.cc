#include "table/sys_catalog.h"

#include "llkv/arrow/builder.h"

namespace llkv::table {

namespace {
constexpr uint32_t kKindField = 0, kNameField = 1, kDefinitionField = 2;
}  // namespace

SysCatalog::SysCatalog(std::shared_ptr<ColumnStore> store) : store_(std::move(store)) {
  const LogicalFieldId kind = Field(kKindField);
  if (store_->HasColumn(kind)) {
    if (auto max_id = store_->MaxRowId(kind)) next_id_ = *max_id + 1;
  }
}

std::vector<CatalogEntry> SysCatalog::Entries() const {
  std::vector<CatalogEntry> out;
  if (!store_->HasColumn(Field(kKindField))) return out;
  auto scan = store_->ScanColumns({Field(kKindField), Field(kNameField), Field(kDefinitionField)});
  arrow::RecordBatchPtr batch;
  while (scan->Next(&batch)) {
    const auto& ids = *batch->column(0);
    const auto& kinds = *batch->column(1);
    const auto& names = *batch->column(2);
    const auto& defs = *batch->column(3);
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      if (names.IsNull(i) || defs.IsNull(i)) {
        Fail(ErrorKind::kCorruption, "{}: system catalog entry {} is incomplete",
             store_->pager()->name(), ids.values<uint64_t>()[i]);
      }
      CatalogEntry e;
      e.id = ids.values<uint64_t>()[i];
      e.kind = static_cast<CatalogKind>(kinds.values<uint8_t>()[i]);
      e.name = std::string(arrow::BinaryValueAt(names, i));
      const std::string_view d = arrow::BinaryValueAt(defs, i);
      e.definition.assign(d.begin(), d.end());
      out.push_back(std::move(e));
    }
  }
  return out;
}

void SysCatalog::Put(std::span<const CatalogEntry> entries) {
  if (entries.empty()) return;
  std::vector<const CatalogEntry*> sorted;
  for (const auto& e : entries)
    sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->id < b->id; });
  arrow::UInt64Builder ids(arrow::uint64());
  arrow::UInt8Builder kinds(arrow::uint8());
  arrow::StringBuilder names(arrow::utf8());
  arrow::BinaryBuilder defs(arrow::binary());
  for (const auto* e : sorted) {
    ids.Append(e->id);
    kinds.Append(static_cast<uint8_t>(e->kind));
    names.Append(e->name);
    defs.Append(std::string_view(reinterpret_cast<const char*>(e->definition.data()),
                                 e->definition.size()));
  }
  auto schema = std::make_shared<arrow::Schema>(std::vector<arrow::FieldPtr>{
      arrow::field(ColumnStore::kRowIdColumn, arrow::uint64(), false),
      ColumnStore::ColumnField("kind", arrow::uint8(), Field(kKindField), false),
      ColumnStore::ColumnField("name", arrow::utf8(), Field(kNameField), false),
      ColumnStore::ColumnField("definition", arrow::binary(), Field(kDefinitionField), false)});
  std::lock_guard lock(mu_);
  store_->Append(
      *arrow::RecordBatch::Make(schema, static_cast<int64_t>(sorted.size()),
                                {ids.Finish(), kinds.Finish(), names.Finish(), defs.Finish()}));
  next_id_ = std::max(next_id_, sorted.back()->id + 1);
}

void SysCatalog::Remove(std::span<const uint64_t> ids) {
  if (ids.empty() || !store_->HasColumn(Field(kKindField))) return;
  std::lock_guard lock(mu_);
  const std::vector<LogicalFieldId> fields = {Field(kKindField), Field(kNameField),
                                              Field(kDefinitionField)};
  store_->DeleteRows(fields, ids);
}

uint64_t SysCatalog::AllocateId() {
  std::lock_guard lock(mu_);
  if (next_id_ > LogicalFieldId::kMaxTableId) {
    Fail(ErrorKind::kFull, "the system catalog has used all {} object ids",
         LogicalFieldId::kMaxTableId);
  }
  return next_id_++;
}

}  // namespace llkv::table
