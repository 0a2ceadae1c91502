#include "arrow/array_layout.h"

#include "common/bit_util.h"

namespace llkv::arrow {

void Flatten(const ArrayData& a, std::vector<FlatNode>* nodes, std::vector<FlatBuffer>* buffers) {
  nodes->push_back({a.length, a.null_count});
  const TypeId id = a.type->id();
  if (id == TypeId::kNull) return;
  const BufferPtr& validity = a.buffers[0];
  buffers->push_back(validity ? FlatBuffer{validity->data(), bit_util::BytesForBits(a.length)}
                              : FlatBuffer{nullptr, 0});
  switch (id) {
    case TypeId::kStruct:
      for (const auto& c : a.children)
        Flatten(*c, nodes, buffers);
      return;
    case TypeId::kList:
      buffers->push_back({a.buffers[1]->data(), (a.length + 1) * 4});
      Flatten(*a.children[0], nodes, buffers);
      return;
    case TypeId::kUtf8:
    case TypeId::kBinary:
      buffers->push_back({a.buffers[1]->data(), (a.length + 1) * 4});
      buffers->push_back({a.buffers[2]->data(), a.values<int32_t>(1)[a.length]});
      return;
    case TypeId::kLargeUtf8:
      buffers->push_back({a.buffers[1]->data(), (a.length + 1) * 8});
      buffers->push_back({a.buffers[2]->data(), a.values<int64_t>(1)[a.length]});
      return;
    default:
      buffers->push_back(
          {a.buffers[1]->data(), bit_util::BytesForBits(a.length * a.type->bit_width())});
      return;
  }
}

ArrayDataPtr Assemble(const TypePtr& type, FlatSource& source) {
  auto out = std::make_shared<ArrayData>();
  out->type = type;
  const FlatNode n = source.NextNode();
  if (n.length < 0 || n.null_count < 0 || n.null_count > n.length) {
    source.Invalid("a node with a bad length or null count");
  }
  out->length = n.length;
  out->null_count = n.null_count;
  if (type->id() == TypeId::kNull) {
    out->null_count = n.length;
    return out;
  }
  out->buffers.push_back(source.NextBuffer(true));
  switch (type->id()) {
    case TypeId::kStruct:
      for (const auto& f : type->fields())
        out->children.push_back(Assemble(f->type(), source));
      break;
    case TypeId::kList:
      out->buffers.push_back(source.NextBuffer(false));
      out->children.push_back(Assemble(type->value_type(), source));
      break;
    case TypeId::kUtf8:
    case TypeId::kBinary:
    case TypeId::kLargeUtf8:
      out->buffers.push_back(source.NextBuffer(false));
      out->buffers.push_back(source.NextBuffer(false));
      break;
    default:
      out->buffers.push_back(source.NextBuffer(false));
      break;
  }
  for (size_t i = 1; i < out->buffers.size(); ++i) {
    if (!out->buffers[i]) source.Invalid("a required buffer is absent");
  }
  if (!out->buffers[0] && out->null_count != 0) {
    source.Invalid("nulls without a validity bitmap");
  }
  return out;
}

}  // namespace llkv::arrow
