// Binding of LIST and STRUCT expressions whose typing needs more than the
// argument types the function library sees: list constructors and
// concatenation (their arguments' common type), struct_pack (field names)
// and field access (a constant field name), and s.field column paths.
#include "common/ascii.h"
#include "execution/scalar_function.h"
#include "llkv/arrow/builder.h"
#include "sql/binder.h"
#include "sql/settings.h"

namespace llkv::sql::plan {

namespace {

BoundExprPtr LibraryCall(const char* name, arrow::TypePtr result, std::vector<BoundExprPtr> args) {
  const execution::ScalarFunction* f = execution::FindScalarFunction(name);
  LLKV_CHECK(f != nullptr, "function {} is not registered", name);
  auto out = execution::Call(ExprOp::kFunction, std::move(result), std::move(args));
  out->function = f;
  return out;
}

}  // namespace

BoundExprPtr Binder::StructField(BoundExprPtr s, const std::string& field) {
  if (s->type->id() != arrow::TypeId::kStruct) {
    Fail(ErrorKind::kBinder, "Cannot extract field \"{}\" from a value of type {}", field,
         s->type->ToString());
  }
  const auto& fields = s->type->fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!EqualsIgnoreCase(fields[i]->name(), field)) continue;
    const arrow::TypePtr type = fields[i]->type();
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(s));
    args.push_back(execution::Constant(Value::Int64(static_cast<int64_t>(i))));
    return LibraryCall("struct_extract", type, std::move(args));
  }
  std::string names;
  for (const auto& f : fields)
    names += (names.empty() ? "" : ", ") + f->name();
  Fail(ErrorKind::kBinder, "Could not find key \"{}\" in struct (its keys: {})", field, names);
}

BoundExprPtr Binder::StructPath(const Expr& e) {
  // names = column, field, field...: the longest prefix that names a
  // column (schema.table.column, table.column or column) wins.
  for (size_t n = std::min<size_t>(e.names.size() - 1, 3); n >= 1; --n) {
    Expr column;
    column.kind = ExprKind::kColumnRef;
    column.location = e.location;
    column.names.assign(e.names.begin(), e.names.begin() + static_cast<long>(n));
    const std::string& name = column.names.back();
    const std::string qualifier = n >= 2 ? column.names[n - 2] : "";
    const std::string schema = n >= 3 ? column.names[0] : "";
    bool exists = false;
    for (const auto& c : scope_) {
      exists =
          exists ||
          (EqualsIgnoreCase(c.name, name) &&
           (qualifier.empty() ? !c.qualified_only : EqualsIgnoreCase(c.qualifier, qualifier)) &&
           (schema.empty() || EqualsIgnoreCase(c.schema, schema)));
    }
    if (!exists) continue;
    BoundExprPtr out = Column(column);
    if (out->type->id() != arrow::TypeId::kStruct) continue;
    for (size_t i = n; i < e.names.size(); ++i)
      out = StructField(std::move(out), e.names[i]);
    return out;
  }
  return nullptr;
}

BoundExprPtr Binder::NestedFunction(const Expr& e, const std::string& name) {
  auto bind_all = [&]() {
    std::vector<BoundExprPtr> args;
    for (const auto& a : e.args)
      args.push_back(Bind(*a));
    return args;
  };
  if (name == "list_value" || name == "list_pack") {
    std::vector<BoundExprPtr> args = bind_all();
    std::vector<arrow::TypePtr> types;
    for (const auto& a : args)
      types.push_back(a->type);
    const arrow::TypePtr element = CommonType(types);
    for (auto& a : args)
      a = execution::CastTo(std::move(a), element);
    return LibraryCall("list_value", arrow::list(element), std::move(args));
  }
  if (name == "list_concat" || name == "list_cat" || name == "array_concat" ||
      name == "array_cat") {
    if (e.args.size() != 2) Fail(ErrorKind::kBinder, "{}() takes 2 arguments", name);
    std::vector<BoundExprPtr> args = bind_all();
    return ListConcat(std::move(args[0]), std::move(args[1]));
  }
  if (name == "struct_pack" || name == "row") {
    if (e.args.empty()) Fail(ErrorKind::kBinder, "{}() needs at least one field", name);
    std::vector<BoundExprPtr> args = bind_all();
    std::vector<arrow::FieldPtr> fields;
    for (size_t i = 0; i < args.size(); ++i) {
      // ROW(...) makes an unnamed struct (fields named ""), shown (a, b).
      std::string field = i < e.arg_names.size() ? e.arg_names[i] : "";
      if (field.empty() && name == "struct_pack") {
        field = e.args[i]->kind == ExprKind::kColumnRef ? e.args[i]->names.back()
                                                        : "v" + std::to_string(i + 1);
      }
      for (const auto& f : fields) {
        if (!field.empty() && EqualsIgnoreCase(f->name(), field)) {
          Fail(ErrorKind::kBinder, "Duplicate struct entry name \"{}\"", field);
        }
      }
      if (IsNull(*args[i]->type)) args[i] = execution::CastTo(std::move(args[i]), arrow::int32());
      fields.push_back(arrow::field(field, args[i]->type));
    }
    return LibraryCall("struct_pack", arrow::struct_(std::move(fields)), std::move(args));
  }
  if (name == "__llkv_map_literal") {  // MAP {k: v, ...}: keys of one type, values of one
    std::vector<BoundExprPtr> args = bind_all();
    if (args.empty())
      return LibraryCall(name.c_str(), arrow::map(arrow::null(), arrow::null()), {});
    std::vector<arrow::TypePtr> key_types, value_types;
    for (size_t i = 0; i < args.size(); ++i)
      (i % 2 == 0 ? key_types : value_types).push_back(args[i]->type);
    const arrow::TypePtr key = CommonType(key_types), value = CommonType(value_types);
    for (size_t i = 0; i < args.size(); ++i)
      args[i] = execution::CastTo(std::move(args[i]), i % 2 == 0 ? key : value);
    return LibraryCall(name.c_str(), arrow::map(key, value), std::move(args));
  }
  if ((name == "list_extract" || name == "array_extract" || name == "list_element") &&
      e.args.size() == 2) {
    // s['field'] on a STRUCT is struct_extract; m[k] on a MAP the value of
    // key k (or NULL).
    BoundExprPtr s = Bind(*e.args[0]);
    if (arrow::IsMap(*s->type)) {
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(s));
      args.push_back(Bind(*e.args[1]));
      return OperatorCall("map_extract_value", std::move(args));
    }
    if (s->type->id() == arrow::TypeId::kStruct) {
      BoundExprPtr key = Bind(*e.args[1]);
      if (key->op != ExprOp::kConstant || key->value.is_null() || !IsText(*key->type)) {
        Fail(ErrorKind::kBinder, "a STRUCT subscript must be a constant field name");
      }
      return StructField(std::move(s), key->value.str());
    }
    return nullptr;
  }
  if ((name == "regexp_extract" || name == "regexp_extract_all") &&
      (e.args.size() == 3 || e.args.size() == 4)) {
    // The group-names form: a constant list of names makes a STRUCT.
    std::vector<BoundExprPtr> args = bind_all();
    if (args[2]->type->id() != arrow::TypeId::kList) return nullptr;
    Value names;
    try {
      names = EvaluateConstant(*e.args[2], db_, outer_);
    } catch (const Error&) {
      Fail(ErrorKind::kBinder, "{}(): the group names must be a constant list", name);
    }
    if (names.is_null()) Fail(ErrorKind::kBinder, "{}(): the group names are NULL", name);
    std::vector<arrow::FieldPtr> fields;
    for (const Value& v : names.elements()) {
      if (v.is_null()) Fail(ErrorKind::kBinder, "NULL group name in {}", name);
      if (!IsText(*v.type())) {
        Fail(ErrorKind::kBinder, "{}(): group names must be text, not {}", name, v.ToString());
      }
      for (const auto& f : fields) {
        if (f->name() == v.str()) {
          Fail(ErrorKind::kBinder, "Duplicate group name '{}' in {}", v.str(), name);
        }
      }
      fields.push_back(arrow::field(v.str(), arrow::utf8()));
    }
    if (fields.empty()) Fail(ErrorKind::kBinder, "{}(): the list of group names is empty", name);
    if (args[1]->op == ExprOp::kConstant && args[1]->value.is_null()) {
      Fail(ErrorKind::kBinder, "{}(): the pattern is NULL", name);
    }
    const arrow::TypePtr st = arrow::struct_(std::move(fields));
    std::vector<BoundExprPtr> call;
    call.push_back(AsText(std::move(args[0])));
    call.push_back(AsText(std::move(args[1])));
    if (args.size() == 4) call.push_back(AsText(std::move(args[3])));
    const bool all = name == "regexp_extract_all";
    return LibraryCall(all ? "regexp_extract_all_struct" : "regexp_extract_struct",
                       all ? arrow::list(st) : st, std::move(call));
  }
  if (name == "__llkv_any" || name == "__llkv_all") {
    // x op ANY / ALL (list): x and the elements brought to one type.
    // (Also the regular expression matches ~, ~*, !~ and !~*, of text.)
    static const char* kOps[] = {"=", "<>", "!=", "<", "<=", ">", ">=", "~", "~*", "!~", "!~*"};
    if (std::find(std::begin(kOps), std::end(kOps), e.op) == std::end(kOps)) {
      Fail(ErrorKind::kNotImplemented, "{} {}(list) (comparisons and regular expressions only)",
           e.op, name == "__llkv_any" ? "ANY" : "ALL");
    }
    const bool regex = e.op.find('~') != std::string::npos;
    std::vector<BoundExprPtr> args = bind_all();
    if (IsNull(*args[1]->type))
      args[1] = execution::CastTo(std::move(args[1]), arrow::list(args[0]->type));
    if (args[1]->type->id() != arrow::TypeId::kList) {
      Fail(ErrorKind::kBinder, "{} ANY/ALL needs a list (or a subquery), not {}", e.op,
           args[1]->type->ToString());
    }
    const arrow::TypePtr t =
        regex ? arrow::utf8() : CommonType({args[0]->type, args[1]->type->value_type()});
    args[0] = execution::CastTo(std::move(args[0]), t);
    args[1] = execution::CastTo(std::move(args[1]), arrow::list(t));
    const bool full = regex && CurrentSettings().regex_full_match();
    args.push_back(execution::Constant(Value::String(full ? e.op + "F" : e.op)));
    args.push_back(execution::Constant(Value::Bool(name == "__llkv_all")));
    return LibraryCall("list_quantified", arrow::boolean(), std::move(args));
  }
  if (name == "nextval" || name == "currval") {
    // Sequence values: a function of this database, made for the call.
    if (e.args.size() != 1) Fail(ErrorKind::kBinder, "{}() takes 1 argument", name);
    if (!db_) Fail(ErrorKind::kBinder, "{}() needs a database", name);
    std::vector<BoundExprPtr> args;
    args.push_back(AsText(Bind(*e.args[0])));
    auto fn = std::make_shared<execution::ScalarFunction>();
    fn->name = name;
    fn->is_volatile = true;
    runtime::Database* db = db_;
    const bool next = name == "nextval";
    fn->kernel = [db, next](const std::vector<arrow::ArrayDataPtr>& a, const arrow::TypePtr&,
                            int64_t rows) {
      arrow::Int64Builder b(arrow::int64());
      for (int64_t i = 0; i < rows;) {
        if (a[0]->IsNull(i)) {
          b.AppendNull();
          ++i;
          continue;
        }
        // A run of rows naming one sequence takes its values in one go
        // (one durable write).
        const std::string sequence(arrow::BinaryValueAt(*a[0], i));
        int64_t end = i + 1;
        while (end < rows && a[0]->IsValid(end) && arrow::BinaryValueAt(*a[0], end) == sequence)
          ++end;
        if (next) {
          for (int64_t v : db->NextVals(sequence, static_cast<size_t>(end - i)))
            b.Append(v);
        } else {
          const int64_t v = db->CurrVal(sequence);
          for (int64_t k = i; k < end; ++k)
            b.Append(v);
        }
        i = end;
      }
      return b.Finish();
    };
    auto out = execution::Call(ExprOp::kFunction, arrow::int64(), std::move(args));
    out->function = fn.get();
    out->owned_function = std::move(fn);
    return out;
  }
  if (name == "struct_extract") {
    if (e.args.size() != 2) Fail(ErrorKind::kBinder, "struct_extract() takes 2 arguments");
    BoundExprPtr s = Bind(*e.args[0]);
    BoundExprPtr key = Bind(*e.args[1]);
    if (key->op != ExprOp::kConstant || key->value.is_null()) {
      Fail(ErrorKind::kBinder, "struct_extract() needs a constant field name or position");
    }
    if (key->type->is_integer() && s->type->id() == arrow::TypeId::kStruct) {
      const int64_t i = key->value.int64();
      if (i < 1 || i > static_cast<int64_t>(s->type->fields().size())) {
        Fail(ErrorKind::kBinder, "struct_extract(): index {} is out of range", i);
      }
      return StructField(std::move(s), s->type->fields()[static_cast<size_t>(i - 1)]->name());
    }
    if (!IsText(*key->type)) Fail(ErrorKind::kBinder, "struct_extract() needs a field name");
    return StructField(std::move(s), key->value.str());
  }
  return nullptr;
}

bool Binder::IsRow(const Expr& e) {
  return e.kind == ExprKind::kFunction && e.names.size() == 1 && e.names[0] == "row" &&
         e.arg_names.empty() && !e.window;
}

BoundExprPtr Binder::RowCompare(ExprOp op, const Expr& a, const Expr& b) {
  if (a.args.size() != b.args.size()) {
    Fail(ErrorKind::kBinder, "Cannot compare rows of {} and {} values", a.args.size(),
         b.args.size());
  }
  auto call = [](ExprOp o, BoundExprPtr x, BoundExprPtr y) {
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(x));
    args.push_back(std::move(y));
    return execution::Call(o, arrow::boolean(), std::move(args));
  };
  auto pair = [&](ExprOp o, size_t i) { return Compare(o, Bind(*a.args[i]), Bind(*b.args[i])); };
  const size_t n = a.args.size();
  if (op == ExprOp::kEqual || op == ExprOp::kNotEqual) {
    BoundExprPtr out = pair(op, 0);
    for (size_t i = 1; i < n; ++i)
      out = call(op == ExprOp::kEqual ? ExprOp::kAnd : ExprOp::kOr, std::move(out), pair(op, i));
    return out;
  }
  // a1 < b1 OR (a1 = b1 AND (a2 < b2 OR (... an op bn)))
  const ExprOp strict = op == ExprOp::kLessEqual      ? ExprOp::kLess
                        : op == ExprOp::kGreaterEqual ? ExprOp::kGreater
                                                      : op;
  BoundExprPtr out = pair(op, n - 1);
  for (size_t i = n - 1; i-- > 0;) {
    out = call(ExprOp::kOr, pair(strict, i),
               call(ExprOp::kAnd, pair(ExprOp::kEqual, i), std::move(out)));
  }
  return out;
}

BoundExprPtr Binder::ListConcat(BoundExprPtr a, BoundExprPtr b) {
  const arrow::TypePtr t = CommonType({a->type, b->type});
  if (t->id() != arrow::TypeId::kList) {
    Fail(ErrorKind::kBinder, "No function matches list_concat({}, {})", a->type->ToString(),
         b->type->ToString());
  }
  std::vector<BoundExprPtr> args;
  args.push_back(execution::CastTo(std::move(a), t));
  args.push_back(execution::CastTo(std::move(b), t));
  return LibraryCall("list_concat", t, std::move(args));
}

}  // namespace llkv::sql::plan
