// MAP functions (DuckDB's names and semantics): construction (map(),
// map(keys, values), map_from_entries, MAP {k: v} literals), access
// (m[k], map_extract, element_at, map_contains), the parts (map_keys,
// map_values, map_entries, cardinality), map_concat, and histogram's
// is_histogram_other_bin.
//
// A MAP is a LIST of {key, value} entries (arrow::map): every LIST
// function applies to one as to its entries. The functions that build maps
// refuse NULL and duplicate keys, so a key finds at most one entry.
#include <absl/container/flat_hash_set.h>

#include "execution/aggregate.h"
#include "execution/function_registry.h"

namespace llkv::execution {

using arrow::TypePtr;

namespace {

bool IsMapType(const arrow::DataType& t) {
  return arrow::IsMap(t);
}

// Argument i of `name`, which must be a MAP (a NULL: an empty map's type).
TypePtr MapArg(const std::string& name, const std::vector<TypePtr>& types, size_t i) {
  if (IsNullType(*types[i])) return arrow::map(arrow::null(), arrow::null());
  if (!IsMapType(*types[i])) NoMatch(name, types);
  return types[i];
}

const TypePtr& KeyType(const TypePtr& map) {
  return map->value_type()->fields()[0]->type();
}
const TypePtr& ValueType(const TypePtr& map) {
  return map->value_type()->fields()[1]->type();
}

// A map of `type` over `keys` and `values` (of one length), checked.
Value MakeMap(const TypePtr& type, const std::vector<Value>& keys,
              const std::vector<Value>& values) {
  const TypePtr& entry = type->value_type();
  absl::flat_hash_set<std::string> seen;
  std::vector<Value> entries;
  std::string key;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].is_null()) Fail(ErrorKind::kInvalidInput, "Map keys can not be NULL");
    key.clear();
    EncodeValueKey(keys[i], &key);
    if (!seen.insert(key).second) {
      Fail(ErrorKind::kInvalidInput, "Map keys must be unique: {} appears twice",
           keys[i].ToString());
    }
    entries.push_back(Value::Struct(entry, {keys[i], values[i]}));
  }
  return Value::List(type, std::move(entries));
}

// The value of `key` in map `m`, if any.
const Value* Find(const Value& m, const Value& key) {
  for (const Value& e : m.elements()) {
    const Value& k = e.elements()[0];
    if (!k.is_null() && CompareValues(k, key) == 0) return &e.elements()[1];
  }
  return nullptr;
}

// The key's type after a map: the map's key type (anything when the map is
// empty and untyped).
FunctionBinding MapAndKey(const std::string& n, const std::vector<TypePtr>& t, TypePtr result) {
  CheckArity(n, t, 2, 2);
  const TypePtr m = MapArg(n, t, 0);
  const TypePtr& key = IsNullType(*KeyType(m)) ? t[1] : KeyType(m);
  return {{m, key}, std::move(result)};
}

bool IsOtherBin(const Value& v) {
  if (v.is_null()) return true;  // (a NULL inside a nested value)
  const Value other = HistogramOtherBin(v.type());
  if (other.is_null()) return false;
  if (v.type()->id() == arrow::TypeId::kStruct) {
    for (const Value& f : v.elements()) {
      if (!IsOtherBin(f)) return false;
    }
    return true;
  }
  return CompareValues(v, other) == 0;
}

}  // namespace

void RegisterMapFunctions(FunctionRegistry& r) {
  // map(), map(keys, values).
  RegisterRowFunction(
      r, {"map"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        if (t.empty()) return {{}, arrow::map(arrow::null(), arrow::null())};
        CheckArity(n, t, 2, 2);
        for (const auto& x : t) {
          if (x->id() != arrow::TypeId::kList && !IsNullType(*x)) NoMatch(n, t);
        }
        auto element = [](const TypePtr& l) {
          return IsNullType(*l) ? arrow::null() : l->value_type();
        };
        return {{t[0], t[1]}, arrow::map(element(t[0]), element(t[1]))};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        if (a.empty()) return Value::List(result, {});
        const auto& keys = a[0].elements();
        const auto& values = a[1].elements();
        if (keys.size() != values.size()) {
          Fail(ErrorKind::kInvalidInput,
               "map(): the key list has {} elements and the value list {}; they must be as long",
               keys.size(), values.size());
        }
        return MakeMap(result, keys, values);
      });
  // MAP {k: v, ...}: the binder casts the keys to one type and the values
  // to another.
  RegisterRowFunction(
      r, {"__llkv_map_literal"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        if (t.size() % 2 != 0) NoMatch(n, t);
        if (t.empty()) return {{}, arrow::map(arrow::null(), arrow::null())};
        return {t, arrow::map(t[0], t[1])};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        std::vector<Value> keys, values;
        for (size_t i = 0; i < a.size(); i += 2) {
          keys.push_back(a[i]);
          values.push_back(a[i + 1]);
        }
        return MakeMap(result, keys, values);
      },
      false);
  // map_from_entries([{k, v}, ...]): each entry a STRUCT of two fields.
  RegisterRowFunction(
      r, {"map_from_entries"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 1, 1);
        if (IsNullType(*t[0])) return {{t[0]}, arrow::map(arrow::null(), arrow::null())};
        if (t[0]->id() != arrow::TypeId::kList) NoMatch(n, t);
        const TypePtr& e = t[0]->value_type();
        if (IsNullType(*e)) return {{t[0]}, arrow::map(arrow::null(), arrow::null())};
        if (e->id() != arrow::TypeId::kStruct || e->fields().size() != 2) {
          Fail(ErrorKind::kBinder,
               "map_from_entries() takes a list of STRUCTs of two fields (key, value), not {}",
               SqlTypeName(*t[0]));
        }
        return {{t[0]}, arrow::map(e->fields()[0]->type(), e->fields()[1]->type())};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        std::vector<Value> keys, values;
        for (const Value& e : a[0].elements()) {
          if (e.is_null()) Fail(ErrorKind::kInvalidInput, "map_from_entries(): an entry is NULL");
          keys.push_back(e.elements()[0]);
          values.push_back(e.elements()[1]);
        }
        return MakeMap(result, keys, values);
      });
  // map_keys, map_values, map_entries: lists in the map's order.
  for (const int part : {0, 1, 2}) {
    RegisterRowFunction(
        r,
        {part == 0   ? "map_keys"
         : part == 1 ? "map_values"
                     : "map_entries"},
        [part](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
          CheckArity(n, t, 1, 1);
          const TypePtr m = MapArg(n, t, 0);
          const TypePtr element = part == 0   ? KeyType(m)
                                  : part == 1 ? ValueType(m)
                                              : m->value_type();
          return {{m}, arrow::list(element)};
        },
        [part](const std::vector<Value>& a, const TypePtr& result) {
          std::vector<Value> out;
          for (const Value& e : a[0].elements()) {
            out.push_back(part == 2 ? Value::Struct(result->value_type(), e.elements())
                                    : e.elements()[static_cast<size_t>(part)]);
          }
          return Value::List(result, std::move(out));
        });
  }
  RegisterRowFunction(
      r, {"cardinality"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 1, 1);
        return {{MapArg(n, t, 0)}, arrow::uint64()};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        return Value::Integer(result, static_cast<int64_t>(a[0].elements().size()));
      });
  // map_extract(m, k) / element_at: [value], or [] when k is not a key;
  // map_extract_value (m[k]): the value, or NULL.
  RegisterRowFunction(
      r, {"map_extract", "element_at"},
      [](const std::string& n, const std::vector<TypePtr>& t) {
        const TypePtr m = MapArg(n, t, 0);
        return MapAndKey(n, t, arrow::list(ValueType(m)));
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        const Value* v = Find(a[0], a[1]);
        return Value::List(result, v ? std::vector<Value>{*v} : std::vector<Value>{});
      });
  RegisterRowFunction(
      r, {"map_extract_value"},
      [](const std::string& n, const std::vector<TypePtr>& t) {
        const TypePtr m = MapArg(n, t, 0);
        return MapAndKey(n, t, ValueType(m));
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        const Value* v = Find(a[0], a[1]);
        return v ? *v : Value::Null(result);
      });
  RegisterRowFunction(
      r, {"map_contains", "map_contains_key"},
      [](const std::string& n, const std::vector<TypePtr>& t) {
        return MapAndKey(n, t, arrow::boolean());
      },
      [](const std::vector<Value>& a, const TypePtr&) {
        return Value::Bool(Find(a[0], a[1]) != nullptr);
      });
  // map_concat(m1, m2, ...): a key's value from the last map that has it,
  // at its first place.
  RegisterRowFunction(
      r, {"map_concat"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        if (t.empty()) NoMatch(n, t);
        TypePtr type;
        for (size_t i = 0; i < t.size(); ++i) {
          const TypePtr m = MapArg(n, t, i);
          if (IsNullType(*KeyType(m))) continue;
          if (type && !type->Equals(*m)) NoMatch(n, t);
          type = m;
        }
        if (!type) type = arrow::map(arrow::null(), arrow::null());
        return {std::vector<TypePtr>(t.size(), type), type};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        std::vector<Value> keys, values;
        for (const Value& m : a) {
          if (m.is_null()) continue;
          for (const Value& e : m.elements()) {
            const Value& k = e.elements()[0];
            size_t i = 0;
            while (i < keys.size() && CompareValues(keys[i], k) != 0)
              ++i;
            if (i == keys.size()) {
              keys.push_back(k);
              values.push_back(e.elements()[1]);
            } else {
              values[i] = e.elements()[1];
            }
          }
        }
        return MakeMap(result, keys, values);
      },
      false);
  // Whether a histogram's bin is the one for values in no other bin.
  RegisterRowFunction(
      r, {"is_histogram_other_bin"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 1, 1);
        return {{t[0]}, arrow::boolean()};
      },
      [](const std::vector<Value>& a, const TypePtr&) { return Value::Bool(IsOtherBin(a[0])); });
}

}  // namespace llkv::execution
