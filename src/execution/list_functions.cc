// LIST functions (DuckDB's names and semantics): construction, subscripts
// and slices, search, concatenation, sorting, set-like operations, the
// list aggregates (list_sum, list_min, ...), range / generate_series as
// lists, and struct_pack / struct_extract's kernels.
//
// Lists are 1-based; a negative index counts from the end. A NULL list
// gives NULL; NULL elements are values like any other (list_contains finds
// them only where noted).
#include <algorithm>
#include <cmath>
#include <map>

#include "execution/expression.h"
#include "execution/function_registry.h"
#include "llkv/arrow/builder.h"

namespace llkv::execution {

using arrow::TypeId;
using arrow::TypePtr;

void RegisterRowFunction(FunctionRegistry& r, std::initializer_list<const char*> names,
                         NamedBind bind, RowFunction f, bool propagate_nulls) {
  for (const char* name : names) {
    ScalarFunction fn;
    fn.name = name;
    fn.bind = [bind, n = std::string(name)](const std::vector<TypePtr>& types) {
      return bind(n, types);
    };
    fn.kernel = RowKernel(f, propagate_nulls);
    r[name] = std::move(fn);
  }
}

namespace {

bool IsList(const arrow::DataType& t) {
  return t.id() == TypeId::kList;
}

void Register(FunctionRegistry& r, std::initializer_list<const char*> names, NamedBind bind,
              RowFunction f, bool propagate_nulls = true) {
  RegisterRowFunction(r, names, std::move(bind), std::move(f), propagate_nulls);
}

// The list type of argument `i` (a NULL argument: a list of NULLs).
TypePtr ListArg(const std::string& name, const std::vector<TypePtr>& types, size_t i) {
  if (IsNullType(*types[i])) return arrow::list(arrow::null());
  if (!IsList(*types[i])) NoMatch(name, types);
  return types[i];
}

// Character positions of UTF-8 text: the byte offset of each character
// and the end.
std::vector<size_t> CharStarts(const std::string& s) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(s.size());
  return out;
}

// [begin, end) positions of DuckDB's slice [from:to] (1-based, inclusive,
// negative from the end, omitted = NULL) over `n` items.
std::pair<int64_t, int64_t> SliceRange(const Value& from, const Value& to, int64_t n) {
  int64_t b = from.is_null() ? 1 : from.int64();
  int64_t e = to.is_null() ? n : to.int64();
  if (b < 0) b = n + b + 1;
  if (e < 0) e = n + e + 1;
  b = std::clamp<int64_t>(b, 1, n + 1);
  e = std::clamp<int64_t>(e, 0, n);
  return {b - 1, std::max(b - 1, e)};
}

// The position (0-based) of DuckDB's index `i` over `n` items, or -1.
int64_t IndexOf(int64_t i, int64_t n) {
  if (i < 0) i = n + i + 1;
  return i >= 1 && i <= n ? i - 1 : -1;
}

bool SameValue(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  return CompareValues(a, b) == 0;
}

Value SortedList(const Value& list, const TypePtr& type, bool descending, bool nulls_first) {
  std::vector<Value> v = list.elements();
  std::stable_sort(v.begin(), v.end(), [&](const Value& a, const Value& b) {
    if (a.is_null() || b.is_null())
      return !b.is_null() ? nulls_first : (!a.is_null() && !nulls_first);
    const int c = CompareValues(a, b);
    return descending ? c > 0 : c < 0;
  });
  return Value::List(type, std::move(v));
}

// A numeric element as a double (integers, decimals, reals).
double AsDouble(const Value& v) {
  switch (v.type()->id()) {
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return v.float64();
    case TypeId::kDecimal128:
      return static_cast<double>(v.decimal()) / std::pow(10.0, v.type()->scale());
    default:
      return static_cast<double>(v.int64());
  }
}

// A list-of-numbers aggregate's result type for element type `t`.
TypePtr SumType(const arrow::DataType& t) {
  if (t.is_integer() || IsNullType(t)) return arrow::int64();
  if (t.id() == TypeId::kDecimal128) return arrow::decimal128(38, t.scale());
  return arrow::float64();
}

void RegisterListAggregates(FunctionRegistry& r) {
  auto numeric = [](const std::string& name, const std::vector<TypePtr>& types,
                    bool sum) -> FunctionBinding {
    CheckArity(name, types, 1, 1);
    const TypePtr l = ListArg(name, types, 0);
    const auto& e = *l->value_type();
    if (!IsNumericType(e) && !IsNullType(e)) NoMatch(name, types);
    return {{l}, sum ? SumType(e) : arrow::float64()};
  };
  Register(
      r, {"list_sum", "array_sum"},
      [numeric](const std::string& n, const std::vector<TypePtr>& t) {
        return numeric(n, t, true);
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        bool any = false;
        int64_t i = 0;
        arrow::Decimal128 d = 0;
        double f = 0;
        for (const Value& v : a[0].elements()) {
          if (v.is_null()) continue;
          any = true;
          if (result->id() == TypeId::kInt64) {
            if (__builtin_add_overflow(i, v.int64(), &i)) {
              Fail(ErrorKind::kOutOfRange, "list_sum: the sum overflows BIGINT");
            }
          } else if (result->id() == TypeId::kDecimal128) {
            d += v.decimal();
          } else {
            f += AsDouble(v);
          }
        }
        if (!any) return Value::Null(result);
        if (result->id() == TypeId::kInt64) return Value::Int64(i);
        if (result->id() == TypeId::kDecimal128) {
          return Value::Decimal(d, result->precision(), result->scale());
        }
        return Value::Double(f);
      });
  Register(
      r, {"list_avg", "array_avg"},
      [numeric](const std::string& n, const std::vector<TypePtr>& t) {
        return numeric(n, t, false);
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        double s = 0;
        int64_t n = 0;
        for (const Value& v : a[0].elements()) {
          if (v.is_null()) continue;
          s += AsDouble(v);
          ++n;
        }
        return n == 0 ? Value::Null(result) : Value::Double(s / static_cast<double>(n));
      });
  // min / max / first / last / count over any element type.
  auto element = [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
    CheckArity(n, t, 1, 1);
    const TypePtr l = ListArg(n, t, 0);
    return {{l}, l->value_type()};
  };
  for (const bool max : {false, true}) {
    Register(r,
             max ? std::initializer_list<const char*>{"list_max", "array_max"}
                 : std::initializer_list<const char*>{"list_min", "array_min"},
             element, [max](const std::vector<Value>& a, const TypePtr& result) {
               Value best = Value::Null(result);
               for (const Value& v : a[0].elements()) {
                 if (v.is_null()) continue;
                 const int c = best.is_null() ? 0 : CompareValues(v, best);
                 if (best.is_null() || (max ? c > 0 : c < 0)) best = v;
               }
               return best;
             });
  }
  Register(r, {"list_first", "array_first"}, element,
           [](const std::vector<Value>& a, const TypePtr& result) {
             for (const Value& v : a[0].elements())
               if (!v.is_null()) return v;
             return Value::Null(result);
           });
  Register(r, {"list_last", "array_last"}, element,
           [](const std::vector<Value>& a, const TypePtr& result) {
             const auto& e = a[0].elements();
             for (auto it = e.rbegin(); it != e.rend(); ++it)
               if (!it->is_null()) return *it;
             return Value::Null(result);
           });
  Register(
      r, {"list_count", "array_count"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 1, 1);
        return {{ListArg(n, t, 0)}, arrow::int64()};
      },
      [](const std::vector<Value>& a, const TypePtr&) {
        int64_t n = 0;
        for (const Value& v : a[0].elements())
          n += v.is_null() ? 0 : 1;
        return Value::Int64(n);
      });
  for (const bool any : {false, true}) {
    Register(
        r,
        any ? std::initializer_list<const char*>{"list_bool_or", "array_bool_or"}
            : std::initializer_list<const char*>{"list_bool_and", "array_bool_and"},
        [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
          CheckArity(n, t, 1, 1);
          ListArg(n, t, 0);
          return {{arrow::list(arrow::boolean())}, arrow::boolean()};
        },
        [any](const std::vector<Value>& a, const TypePtr& result) {
          bool seen = false, acc = !any;
          for (const Value& v : a[0].elements()) {
            if (v.is_null()) continue;
            seen = true;
            acc = any ? (acc || v.boolean()) : (acc && v.boolean());
          }
          return seen ? Value::Bool(acc) : Value::Null(result);
        });
  }
}

}  // namespace

namespace {

// x ~ ANY / ALL (list of patterns), and ~*, !~, !~* (a[2] the operator,
// with an F when the pattern must match all of the text; a[3] whether
// ALL): through the regular expression function, as the operator on one
// pattern is.
Value RegexQuantified(const std::vector<Value>& a, const std::string& op, const TypePtr& result) {
  const bool full = op.back() == 'F';
  const ScalarFunction* match = FindScalarFunction(full ? "regexp_full_match" : "regexp_matches");
  const bool ignore_case = op.find('*') != std::string::npos;
  const bool all = a[3].boolean();
  const bool negated = op[0] == '!';
  bool unknown = false;
  for (const Value& pattern : a[1].elements()) {
    if (a[0].is_null() || pattern.is_null()) {
      unknown = true;
      continue;
    }
    std::vector<arrow::ArrayDataPtr> args = {a[0].ToArray(1), pattern.ToArray(1)};
    if (ignore_case) args.push_back(Value::String("i").ToArray(1));
    const bool holds =
        arrow::BooleanArray(match->kernel(args, arrow::boolean(), 1)).Value(0) != negated;
    if (holds != all) return Value::Bool(holds);
  }
  return unknown ? Value::Null(result) : Value::Bool(all);
}

}  // namespace

void RegisterListFunctions(FunctionRegistry& r) {
  // list_value(a, b, ...) / [a, b, ...]: the binder casts the arguments to
  // their common type first.
  {
    ScalarFunction fn;
    for (const char* name : {"list_value", "list_pack"}) {
      fn.name = name;
      fn.bind = [n = std::string(name)](const std::vector<TypePtr>& types) -> FunctionBinding {
        TypePtr element = types.empty() ? arrow::null() : types[0];
        for (const auto& t : types) {
          if (!t->Equals(*element)) NoMatch(n, types);
        }
        return {types, arrow::list(element)};
      };
      fn.kernel = [](const std::vector<arrow::ArrayDataPtr>& args, const TypePtr& result,
                     int64_t rows) {
        arrow::ListBuilder b(result);
        for (int64_t i = 0; i < rows; ++i) {
          b.Append(true);
          for (const auto& a : args)
            b.value_builder()->AppendRange(*a, i, 1);
        }
        return b.Finish();
      };
      r[name] = fn;
    }
  }
  // list[i] (and text[i]: the i-th character).
  Register(
      r, {"list_extract", "list_element", "array_extract"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 2, 2);
        if (!t[1]->is_integer() && !IsNullType(*t[1])) NoMatch(n, t);
        if (IsTextType(*t[0])) return {{arrow::utf8(), arrow::int64()}, arrow::utf8()};
        const TypePtr l = ListArg(n, t, 0);
        return {{l, arrow::int64()}, l->value_type()};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        if (IsTextType(*a[0].type())) {
          const std::string& s = a[0].str();
          const auto starts = CharStarts(s);
          const int64_t k = IndexOf(a[1].int64(), static_cast<int64_t>(starts.size()) - 1);
          if (k < 0) return Value::String("");
          return Value::String(
              s.substr(starts[static_cast<size_t>(k)],
                       starts[static_cast<size_t>(k) + 1] - starts[static_cast<size_t>(k)]));
        }
        const auto& e = a[0].elements();
        const int64_t k = IndexOf(a[1].int64(), static_cast<int64_t>(e.size()));
        return k < 0 ? Value::Null(result) : e[static_cast<size_t>(k)];
      });
  // list[a:b] and text[a:b] (1-based, inclusive; negative counts from the
  // end); a NULL argument makes the slice NULL.
  Register(
      r, {"list_slice", "array_slice"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 3, 3);
        for (size_t i = 1; i < 3; ++i) {
          if (!t[i]->is_integer() && !IsNullType(*t[i])) NoMatch(n, t);
        }
        if (IsTextType(*t[0])) return {{arrow::utf8(), arrow::int64(), arrow::int64()}, t[0]};
        const TypePtr l = ListArg(n, t, 0);
        return {{l, arrow::int64(), arrow::int64()}, l};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        if (a[0].is_null()) return Value::Null(result);
        if (IsTextType(*a[0].type())) {
          const std::string& s = a[0].str();
          const auto starts = CharStarts(s);
          const auto [b, e] = SliceRange(a[1], a[2], static_cast<int64_t>(starts.size()) - 1);
          return Value::String(
              s.substr(starts[static_cast<size_t>(b)],
                       starts[static_cast<size_t>(e)] - starts[static_cast<size_t>(b)]));
        }
        const auto& v = a[0].elements();
        const auto [b, e] = SliceRange(a[1], a[2], static_cast<int64_t>(v.size()));
        return Value::List(result, std::vector<Value>(v.begin() + b, v.begin() + e));
      });
  // len(list) / array_length(list): the number of elements.
  Register(
      r, {"len", "array_length", "list_length"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 1, 2);
        if (IsTextType(*t[0]) && n == "len") return {{arrow::utf8()}, arrow::int64()};
        std::vector<TypePtr> args{ListArg(n, t, 0)};
        if (t.size() > 1) args.push_back(arrow::int64());
        return {args, arrow::int64()};
      },
      [](const std::vector<Value>& a, const TypePtr&) {
        if (IsTextType(*a[0].type())) {
          return Value::Int64(static_cast<int64_t>(CharStarts(a[0].str()).size()) - 1);
        }
        if (a.size() > 1 && a[1].int64() != 1) {
          Fail(ErrorKind::kOutOfRange, "array_length: dimension {} is out of range (lists have 1)",
               a[1].int64());
        }
        return Value::Int64(static_cast<int64_t>(a[0].elements().size()));
      });
  // list_concat(a, b): a NULL list counts as empty (both NULL: NULL). The
  // binder casts both to their common type.
  Register(
      r, {"list_concat", "list_cat", "array_concat", "array_cat"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 2, 2);
        const TypePtr a = ListArg(n, t, 0), b = ListArg(n, t, 1);
        const TypePtr out = IsNullType(*t[0]) ? b : a;
        if (!IsNullType(*t[0]) && !IsNullType(*t[1]) && !a->Equals(*b)) NoMatch(n, t);
        return {{out, out}, out};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        if (a[0].is_null() && a[1].is_null()) return Value::Null(result);
        std::vector<Value> v;
        for (const Value& x : a)
          if (!x.is_null()) v.insert(v.end(), x.elements().begin(), x.elements().end());
        return Value::List(result, std::move(v));
      },
      false);
  // Element-and-list functions: the element is cast to the list's element
  // type.
  auto list_and_element = [](size_t list_at) {
    return [list_at](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
      CheckArity(n, t, 2, 2);
      TypePtr l = ListArg(n, t, list_at);
      const size_t e = 1 - list_at;
      if (IsNullType(*l->value_type()) && !IsNullType(*t[e])) l = arrow::list(t[e]);
      std::vector<TypePtr> args(2);
      args[list_at] = l;
      args[e] = l->value_type();
      return {args, l};
    };
  };
  auto contains = [list_and_element](bool position) {
    return [position, list_and_element](const std::string& n, const std::vector<TypePtr>& t) {
      FunctionBinding b = list_and_element(0)(n, t);
      b.result = position ? arrow::int64() : arrow::boolean();
      return b;
    };
  };
  Register(r, {"list_contains", "list_has", "array_contains", "array_has"}, contains(false),
           [](const std::vector<Value>& a, const TypePtr&) {
             for (const Value& v : a[0].elements())
               if (SameValue(v, a[1])) return Value::Bool(true);
             return Value::Bool(false);
           });
  Register(
      r, {"list_position", "list_indexof", "array_position", "array_indexof"}, contains(true),
      [](const std::vector<Value>& a, const TypePtr& result) {
        if (a[0].is_null()) return Value::Null(result);
        const auto& e = a[0].elements();
        for (size_t i = 0; i < e.size(); ++i)
          if (SameValue(e[i], a[1])) return Value::Int64(static_cast<int64_t>(i) + 1);
        return Value::Null(result);
      },
      false);
  Register(
      r, {"list_append", "array_append", "array_push_back"}, list_and_element(0),
      [](const std::vector<Value>& a, const TypePtr& result) {
        std::vector<Value> v;
        if (!a[0].is_null()) v = a[0].elements();
        v.push_back(a[1]);
        return Value::List(result, std::move(v));
      },
      false);
  Register(
      r, {"list_prepend", "array_prepend", "array_push_front"}, list_and_element(1),
      [](const std::vector<Value>& a, const TypePtr& result) {
        std::vector<Value> v{a[0]};
        if (!a[1].is_null()) v.insert(v.end(), a[1].elements().begin(), a[1].elements().end());
        return Value::List(result, std::move(v));
      },
      false);
  auto same_list = [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
    if (t.empty()) NoMatch(n, t);
    const TypePtr l = ListArg(n, t, 0);
    std::vector<TypePtr> args{l};
    for (size_t i = 1; i < t.size(); ++i) {
      if (!IsTextType(*t[i])) NoMatch(n, t);
      args.push_back(arrow::utf8());
    }
    return {args, l};
  };
  Register(r, {"list_reverse", "array_reverse"}, same_list,
           [](const std::vector<Value>& a, const TypePtr& result) {
             std::vector<Value> v = a[0].elements();
             std::reverse(v.begin(), v.end());
             return Value::List(result, std::move(v));
           });
  // list_sort(l[, 'ASC' | 'DESC'[, 'NULLS FIRST' | 'NULLS LAST']]): NULLs
  // first by default, as DuckDB's default null order.
  for (const bool reverse : {false, true}) {
    Register(r,
             reverse ? std::initializer_list<const char*>{"list_reverse_sort", "array_reverse_sort"}
                     : std::initializer_list<const char*>{"list_sort", "array_sort"},
             same_list, [reverse](const std::vector<Value>& a, const TypePtr& result) {
               bool descending = reverse, nulls_first = true;
               for (size_t i = 1; i < a.size(); ++i) {
                 std::string o = a[i].str();
                 for (char& c : o)
                   c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                 if (o == "ASC" && !reverse) {
                   descending = false;
                 } else if (o == "DESC" && !reverse) {
                   descending = true;
                 } else if (o == "NULLS FIRST") {
                   nulls_first = true;
                 } else if (o == "NULLS LAST") {
                   nulls_first = false;
                 } else {
                   Fail(ErrorKind::kInvalidInput, "list_sort: unknown order '{}'", a[i].str());
                 }
               }
               return SortedList(a[0], result, descending, nulls_first);
             });
  }
  // list_distinct: each non-NULL value once (first occurrence order);
  // list_unique: how many there are.
  auto distinct = [](const Value& list) {
    std::vector<Value> out;
    std::map<std::string, bool> seen;
    for (const Value& v : list.elements()) {
      if (v.is_null()) continue;
      std::string key;
      EncodeValueKey(v, &key);
      if (seen.emplace(std::move(key), true).second) out.push_back(v);
    }
    return out;
  };
  Register(r, {"list_distinct", "array_distinct"}, same_list,
           [distinct](const std::vector<Value>& a, const TypePtr& result) {
             return Value::List(result, distinct(a[0]));
           });
  Register(
      r, {"list_unique", "array_unique"},
      [same_list](const std::string& n, const std::vector<TypePtr>& t) {
        FunctionBinding b = same_list(n, t);
        b.result = arrow::int64();
        return b;
      },
      [distinct](const std::vector<Value>& a, const TypePtr&) {
        return Value::Int64(static_cast<int64_t>(distinct(a[0]).size()));
      });
  // list_has_any / list_has_all (&& and @>): over non-NULL elements.
  for (const bool all : {false, true}) {
    Register(
        r,
        all ? std::initializer_list<const char*>{"list_has_all", "array_has_all"}
            : std::initializer_list<const char*>{"list_has_any", "array_has_any"},
        [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
          CheckArity(n, t, 2, 2);
          const TypePtr a = ListArg(n, t, 0), b = ListArg(n, t, 1);
          if (!a->Equals(*b) && !IsNullType(*a->value_type()) && !IsNullType(*b->value_type())) {
            NoMatch(n, t);
          }
          return {{a, b}, arrow::boolean()};
        },
        [all](const std::vector<Value>& a, const TypePtr&) {
          for (const Value& want : a[1].elements()) {
            if (want.is_null()) continue;
            bool found = false;
            for (const Value& v : a[0].elements())
              found = found || SameValue(v, want);
            if (found != all) return Value::Bool(found);
          }
          return Value::Bool(all);
        });
  }
  // flatten(list of lists): the inner lists' elements, in order.
  Register(
      r, {"flatten"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 1, 1);
        const TypePtr l = ListArg(n, t, 0);
        if (IsNullType(*l->value_type())) return {{l}, l};
        if (!IsList(*l->value_type())) NoMatch(n, t);
        return {{l}, l->value_type()};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        std::vector<Value> v;
        for (const Value& inner : a[0].elements())
          if (!inner.is_null()) v.insert(v.end(), inner.elements().begin(), inner.elements().end());
        return Value::List(result, std::move(v));
      });
  // range(stop) / range(start, stop[, step]): [start, stop) by step;
  // generate_series includes stop.
  for (const bool inclusive : {false, true}) {
    Register(
        r, {inclusive ? "generate_series" : "range"},
        [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
          CheckArity(n, t, 1, 3);
          for (const auto& x : t) {
            if (!x->is_integer() && !IsNullType(*x)) NoMatch(n, t);
          }
          return AllAs(t, arrow::int64(), arrow::list(arrow::int64()));
        },
        [inclusive](const std::vector<Value>& a, const TypePtr& result) {
          const int64_t start = a.size() > 1 ? a[0].int64() : 0;
          const int64_t stop = a.size() > 1 ? a[1].int64() : a[0].int64();
          const int64_t step = a.size() > 2 ? a[2].int64() : 1;
          if (step == 0) Fail(ErrorKind::kInvalidInput, "{}: the step is 0", "range");
          std::vector<Value> v;
          for (__int128 x = start;
               step > 0 ? (inclusive ? x <= stop : x < stop) : (inclusive ? x >= stop : x > stop);
               x += step) {
            if (v.size() >= (size_t{1} << 28)) {
              Fail(ErrorKind::kOutOfRange, "range: more than 2^28 values");
            }
            v.push_back(Value::Int64(static_cast<int64_t>(x)));
          }
          return Value::List(result, std::move(v));
        });
  }
  // x op ANY / ALL (list), with SQL's three-valued answer: ANY is TRUE if
  // one comparison is, else NULL if one is unknown (a NULL on either
  // side), else FALSE; ALL the reverse. Over an empty list ANY is FALSE
  // and ALL TRUE. (Bound by the SQL binder: args x, list, op, all.)
  Register(
      r, {"list_quantified"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 4, 4);
        return {t, arrow::boolean()};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        if (a[1].is_null()) return Value::Null(result);
        const std::string& text = a[2].str();
        if (text.find('~') != std::string::npos) return RegexQuantified(a, text, result);
        const ExprOp op = text == "="                      ? ExprOp::kEqual
                          : (text == "<>" || text == "!=") ? ExprOp::kNotEqual
                          : text == "<"                    ? ExprOp::kLess
                          : text == "<="                   ? ExprOp::kLessEqual
                          : text == ">"                    ? ExprOp::kGreater
                                                           : ExprOp::kGreaterEqual;
        const bool all = a[3].boolean();
        bool unknown = false;
        for (const Value& v : a[1].elements()) {
          if (a[0].is_null() || v.is_null()) {
            unknown = true;
            continue;
          }
          const bool holds = ComparisonHolds(op, CompareValues(a[0], v));
          if (holds != all) return Value::Bool(holds);
        }
        return unknown ? Value::Null(result) : Value::Bool(all);
      },
      false);
  RegisterListAggregates(r);
  // struct_pack(name := value, ...): the binder names the fields and gives
  // the result type; the kernel lays the arguments side by side.
  {
    ScalarFunction fn;
    fn.name = "struct_pack";
    fn.bind = [](const std::vector<TypePtr>& types) -> FunctionBinding {
      Fail(ErrorKind::kBinder, "struct_pack() is bound by the SQL binder ({} arguments)",
           types.size());
    };
    fn.kernel = [](const std::vector<arrow::ArrayDataPtr>& args, const TypePtr& result,
                   int64_t rows) {
      arrow::StructBuilder b(result);
      for (int64_t i = 0; i < rows; ++i) {
        b.Append(true);
        for (size_t f = 0; f < args.size(); ++f)
          b.field_builder(static_cast<int>(f))->AppendRange(*args[f], i, 1);
      }
      return b.Finish();
    };
    r["struct_pack"] = fn;
    // struct_extract(s, i): field i (0-based, a constant the binder chose);
    // NULL where the struct is.
    fn.name = "struct_extract";
    fn.kernel = [](const std::vector<arrow::ArrayDataPtr>& args, const TypePtr& result,
                   int64_t rows) {
      const arrow::ArrayData& s = *args[0];
      const arrow::ArrayData& field =
          *s.children[static_cast<size_t>(args[1]->values<int64_t>()[0])];
      auto b = arrow::MakeBuilder(result);
      for (int64_t i = 0; i < rows; ++i) {
        if (s.IsNull(i))
          b->AppendNull();
        else
          b->AppendRange(field, s.offset + i, 1);
      }
      return b->Finish();
    };
    r["struct_extract"] = fn;
  }
}

}  // namespace llkv::execution
