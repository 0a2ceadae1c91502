// The function registry and the numeric functions: round, floor, ceil,
// trunc, sign, abs-like math over doubles (sqrt, cbrt, ln, log, log10,
// log2, exp, power, trigonometry), pi, random, gcd, lcm, even, isnan,
// fmod, fdiv, binom, roundbankers, ...
#include <charconv>
#include <cmath>
#include <mutex>
#include <numbers>
#include <numeric>
#include <optional>
#include <random>

#include "execution/expression.h"
#include "execution/function_registry.h"
#include "llkv/arrow/builder.h"

namespace llkv::execution {

using arrow::TypeId;

bool IsNumericType(const arrow::DataType& t) {
  return t.is_integer() || t.is_floating() || t.id() == TypeId::kDecimal128;
}
bool IsTextType(const arrow::DataType& t) {
  return t.id() == TypeId::kUtf8 || t.id() == TypeId::kLargeUtf8;
}
bool IsNullType(const arrow::DataType& t) {
  return t.id() == TypeId::kNull;
}

void NoMatch(const std::string& name, const std::vector<arrow::TypePtr>& types) {
  std::string list;
  for (size_t i = 0; i < types.size(); ++i)
    list += (i ? ", " : "") + SqlTypeName(*types[i]);
  Fail(ErrorKind::kBinder, "No function matches the given name and argument types '{}({})'", name,
       list);
}

void CheckArity(const std::string& name, const std::vector<arrow::TypePtr>& types, size_t min,
                long max) {
  if (types.size() < min || (max >= 0 && types.size() > static_cast<size_t>(max))) {
    std::string want = max < 0                           ? fmt::format("at least {}", min)
                       : static_cast<size_t>(max) == min ? std::to_string(min)
                                                         : fmt::format("{} to {}", min, max);
    Fail(ErrorKind::kBinder,
         "No function matches the given name and argument types: {}() takes {} argument{}, not {}",
         name, want, (max == 1 && min == 1) ? "" : "s", types.size());
  }
}

FunctionBinding AllAs(const std::vector<arrow::TypePtr>& types, const arrow::TypePtr& arg,
                      const arrow::TypePtr& result) {
  return {std::vector<arrow::TypePtr>(types.size(), arg), result};
}

arrow::ArrayDataPtr ValuesToArray(const arrow::TypePtr& type, const std::vector<Value>& values) {
  auto b = arrow::MakeBuilder(type);
  b->Reserve(static_cast<int64_t>(values.size()));
  for (const Value& v : values)
    AppendValue(b.get(), v);
  return b->Finish();
}

decltype(ScalarFunction::kernel) RowKernel(RowFunction f, bool propagate_nulls) {
  return [f = std::move(f), propagate_nulls](const std::vector<arrow::ArrayDataPtr>& args,
                                             const arrow::TypePtr& result, int64_t rows) {
    std::vector<Value> out;
    out.reserve(static_cast<size_t>(rows));
    std::vector<Value> row(args.size());
    for (int64_t i = 0; i < rows; ++i) {
      bool null = false;
      for (size_t a = 0; a < args.size(); ++a) {
        row[a] = Value::FromArray(*args[a], i);
        null = null || row[a].is_null();
      }
      out.push_back(null && propagate_nulls ? Value::Null(result) : f(row, result));
    }
    return ValuesToArray(result, out);
  };
}

namespace {

// Registers `name` (and its aliases) as a function of doubles.
void DoubleFunction(FunctionRegistry& r, std::initializer_list<const char*> names, size_t arity,
                    std::function<double(const std::vector<double>&)> f) {
  for (const char* name : names) {
    ScalarFunction fn;
    fn.name = name;
    fn.bind = [n = std::string(name), arity](const std::vector<arrow::TypePtr>& types) {
      CheckArity(n, types, arity, static_cast<long>(arity));
      for (const auto& t : types) {
        if (!IsNumericType(*t) && !IsNullType(*t)) NoMatch(n, types);
      }
      return AllAs(types, arrow::float64(), arrow::float64());
    };
    fn.kernel = RowKernel([f](const std::vector<Value>& args, const arrow::TypePtr&) {
      std::vector<double> d;
      for (const auto& a : args)
        d.push_back(a.float64());
      return Value::Double(f(d));
    });
    r[name] = std::move(fn);
  }
}

// The type a rounding function returns for `t`: integers stay integers,
// reals become double, decimals stay exact (DecimalRoundType).
arrow::TypePtr RoundingType(const arrow::DataType& t) {
  if (t.id() == arrow::TypeId::kDecimal128) return DecimalRoundType(t, 0);
  return t.is_integer() ? arrow::int64() : arrow::float64();
}

// A DECIMAL argument taken as it is, rounded to an integer DECIMAL.
FunctionBinding DecimalBinding(const arrow::DataType& t) {
  FunctionBinding b;
  b.arg_types.push_back(arrow::decimal128(t.precision(), t.scale()));
  b.result = DecimalRoundType(t, 0);
  return b;
}

// floor, ceil, trunc, even: `op` on reals; on DECIMAL (exactly) `mode`,
// when the function has one (even has none: its decimals become double).
void RoundingFunction(FunctionRegistry& r, std::initializer_list<const char*> names,
                      double (*op)(double), std::optional<DecimalRounding> mode) {
  for (const char* name : names) {
    ScalarFunction fn;
    fn.name = name;
    fn.bind = [n = std::string(name), mode](const std::vector<arrow::TypePtr>& types) {
      CheckArity(n, types, 1, 1);
      if (!IsNumericType(*types[0]) && !IsNullType(*types[0])) NoMatch(n, types);
      if (types[0]->id() == arrow::TypeId::kDecimal128 && mode) return DecimalBinding(*types[0]);
      const arrow::TypePtr t = IsNullType(*types[0]) || types[0]->id() == arrow::TypeId::kDecimal128
                                   ? arrow::float64()
                                   : RoundingType(*types[0]);
      return FunctionBinding{{t}, t};
    };
    auto rows = RowKernel([op](const std::vector<Value>& args, const arrow::TypePtr& result) {
      if (result->is_integer()) return args[0];
      return Value::Double(op(args[0].float64()));
    });
    fn.kernel = [rows, mode](const std::vector<arrow::ArrayDataPtr>& args,
                             const arrow::TypePtr& result, int64_t n) {
      if (result->id() == arrow::TypeId::kDecimal128) {
        return DecimalRound(*args[0], 0, *mode, result);
      }
      return rows(args, result, n);
    };
    r[name] = std::move(fn);
  }
}

// Round half away from zero to `digits` decimal places (negative: tens...).
double RoundTo(double x, int64_t digits) {
  if (!std::isfinite(x)) return x;
  if (digits > 300) return x;
  if (digits < -300) return 0;
  const double scale = std::pow(10.0, static_cast<double>(digits));
  const double scaled = x * scale;
  if (!std::isfinite(scaled)) return x;
  return std::round(scaled) / scale;
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& r) {
  RoundingFunction(
      r, {"floor"}, [](double x) { return std::floor(x); }, DecimalRounding::kFloor);
  RoundingFunction(
      r, {"ceil", "ceiling"}, [](double x) { return std::ceil(x); }, DecimalRounding::kCeil);
  RoundingFunction(
      r, {"trunc"}, [](double x) { return std::trunc(x); }, DecimalRounding::kTrunc);
  RoundingFunction(
      r, {"even"},
      [](double x) {
        const double up = x < 0 ? std::floor(x) : std::ceil(x);
        return std::fmod(up, 2.0) == 0 ? up : up + (x < 0 ? -1 : 1);
      },
      std::nullopt);
  // round(decimal, digits) with constant digits: the binder calls this with
  // the result type (DecimalRoundType) and the digits as a constant.
  {
    ScalarFunction fn;
    fn.name = "__decimal_round";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) -> FunctionBinding {
      Fail(ErrorKind::kBinder, "__decimal_round() is bound by the SQL binder ({} arguments)",
           types.size());
    };
    fn.kernel = [](const std::vector<arrow::ArrayDataPtr>& args, const arrow::TypePtr& result,
                   int64_t) {
      return DecimalRound(*args[0], Value::FromArray(*args[1], 0).int64(), DecimalRounding::kRound,
                          result);
    };
    r[fn.name] = std::move(fn);
  }
  {
    ScalarFunction fn;
    fn.name = "round";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("round", types, 1, 2);
      for (const auto& t : types) {
        if (!IsNumericType(*t) && !IsNullType(*t)) NoMatch("round", types);
      }
      if (types.size() == 2 && !types[1]->is_integer() && !IsNullType(*types[1])) {
        NoMatch("round", types);
      }
      if (types.size() == 1 && types[0]->id() == arrow::TypeId::kDecimal128) {
        return DecimalBinding(*types[0]);
      }
      // (Decimals with digits the binder could not see become doubles.)
      const arrow::TypePtr t = IsNullType(*types[0]) || types[0]->id() == arrow::TypeId::kDecimal128
                                   ? arrow::float64()
                                   : RoundingType(*types[0]);
      std::vector<arrow::TypePtr> args{t};
      if (types.size() == 2) args.push_back(arrow::int64());
      return FunctionBinding{args, t};
    };
    auto rows = RowKernel([](const std::vector<Value>& args, const arrow::TypePtr& result) {
      const int64_t digits = args.size() > 1 ? args[1].int64() : 0;
      if (result->is_integer()) {
        if (digits >= 0) return args[0];
        const double v = RoundTo(static_cast<double>(args[0].int64()), digits);
        return Value::Int64(static_cast<int64_t>(v));
      }
      return Value::Double(RoundTo(args[0].float64(), digits));
    });
    fn.kernel = [rows](const std::vector<arrow::ArrayDataPtr>& args, const arrow::TypePtr& result,
                       int64_t n) {
      if (result->id() == arrow::TypeId::kDecimal128) {
        return DecimalRound(*args[0], 0, DecimalRounding::kRound, result);
      }
      return rows(args, result, n);
    };
    r["round"] = std::move(fn);
  }
  {
    ScalarFunction fn;
    fn.name = "sign";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("sign", types, 1, 1);
      if (!IsNumericType(*types[0]) && !IsNullType(*types[0])) NoMatch("sign", types);
      return FunctionBinding{{arrow::float64()}, arrow::int64()};
    };
    fn.kernel = RowKernel([](const std::vector<Value>& args, const arrow::TypePtr&) {
      const double x = args[0].float64();
      return Value::Int64(x > 0 ? 1 : (x < 0 ? -1 : 0));
    });
    r["sign"] = std::move(fn);
  }
  auto domain = [](const char* name, double x, bool ok) {
    if (!ok) Fail(ErrorKind::kOutOfRange, "cannot take {} of {}", name, x);
    return x;
  };
  // A logarithm's argument: NaN passes through, zero and negatives are
  // errors (DuckDB's and PostgreSQL's wording).
  auto log_arg = [](double x) {
    if (x == 0) Fail(ErrorKind::kOutOfRange, "cannot take logarithm of zero");
    if (x < 0) Fail(ErrorKind::kOutOfRange, "cannot take logarithm of a negative number");
    return x;
  };
  DoubleFunction(r, {"sqrt"}, 1, [domain](const std::vector<double>& a) {
    return std::sqrt(domain("the square root", a[0], a[0] >= 0));
  });
  DoubleFunction(r, {"cbrt"}, 1, [](const std::vector<double>& a) { return std::cbrt(a[0]); });
  DoubleFunction(r, {"gamma"}, 1, [domain](const std::vector<double>& a) {
    return std::tgamma(domain("gamma", a[0], a[0] != 0));
  });
  DoubleFunction(r, {"lgamma"}, 1, [domain](const std::vector<double>& a) {
    return std::lgamma(domain("log gamma", a[0], a[0] != 0));
  });
  DoubleFunction(r, {"nextafter"}, 2,
                 [](const std::vector<double>& a) { return std::nextafter(a[0], a[1]); });
  DoubleFunction(r, {"sinh"}, 1, [](const std::vector<double>& a) { return std::sinh(a[0]); });
  DoubleFunction(r, {"cosh"}, 1, [](const std::vector<double>& a) { return std::cosh(a[0]); });
  DoubleFunction(r, {"tanh"}, 1, [](const std::vector<double>& a) { return std::tanh(a[0]); });
  DoubleFunction(r, {"asinh"}, 1, [](const std::vector<double>& a) { return std::asinh(a[0]); });
  DoubleFunction(r, {"acosh"}, 1, [domain](const std::vector<double>& a) {
    return std::acosh(domain("acosh", a[0], a[0] >= 1));
  });
  DoubleFunction(r, {"atanh"}, 1, [domain](const std::vector<double>& a) {
    return std::atanh(domain("atanh", a[0], a[0] >= -1 && a[0] <= 1));
  });
  RegisterTextFunction(r, {"signbit"}, "D", arrow::boolean(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return Value::Bool(std::signbit(a[0].float64()));
                       });
  DoubleFunction(r, {"ln"}, 1,
                 [log_arg](const std::vector<double>& a) { return std::log(log_arg(a[0])); });
  DoubleFunction(r, {"log10"}, 1,
                 [log_arg](const std::vector<double>& a) { return std::log10(log_arg(a[0])); });
  DoubleFunction(r, {"log2"}, 1,
                 [log_arg](const std::vector<double>& a) { return std::log2(log_arg(a[0])); });
  {
    // log(x) is the base-10 logarithm (DuckDB, SQLite); log(b, x) base b.
    ScalarFunction fn;
    fn.name = "log";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("log", types, 1, 2);
      for (const auto& t : types) {
        if (!IsNumericType(*t) && !IsNullType(*t)) NoMatch("log", types);
      }
      return AllAs(types, arrow::float64(), arrow::float64());
    };
    fn.kernel = RowKernel([log_arg](const std::vector<Value>& args, const arrow::TypePtr&) {
      const double x = log_arg(args.back().float64());
      if (args.size() == 1) return Value::Double(std::log10(x));
      const double b = log_arg(args[0].float64());
      if (b == 1) Fail(ErrorKind::kOutOfRange, "division by zero: a logarithm of base 1");
      return Value::Double(std::log(x) / std::log(b));
    });
    r["log"] = std::move(fn);
  }
  DoubleFunction(r, {"exp"}, 1, [](const std::vector<double>& a) { return std::exp(a[0]); });
  DoubleFunction(r, {"power", "pow"}, 2,
                 [](const std::vector<double>& a) { return std::pow(a[0], a[1]); });
  // The trigonometric functions of an infinity are errors (PostgreSQL's
  // and DuckDB's rule), as is cot(0); NaN passes through.
  DoubleFunction(r, {"sin"}, 1, [domain](const std::vector<double>& a) {
    return std::sin(domain("sin", a[0], !std::isinf(a[0])));
  });
  DoubleFunction(r, {"cos"}, 1, [domain](const std::vector<double>& a) {
    return std::cos(domain("cos", a[0], !std::isinf(a[0])));
  });
  DoubleFunction(r, {"tan"}, 1, [domain](const std::vector<double>& a) {
    return std::tan(domain("tan", a[0], !std::isinf(a[0])));
  });
  DoubleFunction(r, {"cot"}, 1, [domain](const std::vector<double>& a) {
    return 1 / std::tan(domain("cot", a[0], !std::isinf(a[0]) && a[0] != 0));
  });
  DoubleFunction(r, {"asin"}, 1, [domain](const std::vector<double>& a) {
    return std::asin(domain("asin", a[0], a[0] >= -1 && a[0] <= 1));
  });
  DoubleFunction(r, {"acos"}, 1, [domain](const std::vector<double>& a) {
    return std::acos(domain("acos", a[0], a[0] >= -1 && a[0] <= 1));
  });
  DoubleFunction(r, {"atan"}, 1, [](const std::vector<double>& a) { return std::atan(a[0]); });
  DoubleFunction(r, {"atan2"}, 2,
                 [](const std::vector<double>& a) { return std::atan2(a[0], a[1]); });
  DoubleFunction(r, {"degrees"}, 1,
                 [](const std::vector<double>& a) { return a[0] * 180 / std::numbers::pi; });
  DoubleFunction(r, {"radians"}, 1,
                 [](const std::vector<double>& a) { return a[0] * std::numbers::pi / 180; });
  DoubleFunction(r, {"pi"}, 0, [](const std::vector<double>&) { return std::numbers::pi; });
  {
    ScalarFunction fn;
    fn.name = "random";
    fn.is_volatile = true;
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("random", types, 0, 0);
      return FunctionBinding{{}, arrow::float64()};
    };
    fn.kernel = [](const std::vector<arrow::ArrayDataPtr>&, const arrow::TypePtr&, int64_t rows) {
      static std::mutex mu;
      static std::mt19937_64 engine{std::random_device{}()};
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      arrow::DoubleBuilder b(arrow::float64());
      b.Reserve(rows);
      std::lock_guard lock(mu);
      for (int64_t i = 0; i < rows; ++i)
        b.Append(unit(engine));
      return b.Finish();
    };
    r["random"] = std::move(fn);
  }
  for (const char* name : {"isnan", "isinf", "isfinite"}) {
    ScalarFunction fn;
    fn.name = name;
    fn.bind = [n = std::string(name)](const std::vector<arrow::TypePtr>& types) {
      CheckArity(n, types, 1, 1);
      if (!IsNumericType(*types[0]) && !IsNullType(*types[0])) NoMatch(n, types);
      return FunctionBinding{{arrow::float64()}, arrow::boolean()};
    };
    const std::string n = name;
    fn.kernel = RowKernel([n](const std::vector<Value>& args, const arrow::TypePtr&) {
      const double x = args[0].float64();
      return Value::Bool(n == "isnan"   ? std::isnan(x)
                         : n == "isinf" ? std::isinf(x)
                                        : std::isfinite(x));
    });
    r[name] = std::move(fn);
  }
  for (const char* name : {"gcd", "lcm", "greatest_common_divisor", "least_common_multiple"}) {
    ScalarFunction fn;
    fn.name = name;
    const bool gcd = name[0] == 'g';
    fn.bind = [n = std::string(name)](const std::vector<arrow::TypePtr>& types) {
      CheckArity(n, types, 2, 2);
      for (const auto& t : types) {
        if (!t->is_integer() && !IsNullType(*t)) NoMatch(n, types);
      }
      return AllAs(types, arrow::int64(), arrow::int64());
    };
    fn.kernel = RowKernel([gcd](const std::vector<Value>& args, const arrow::TypePtr&) {
      const int64_t a = args[0].int64(), b = args[1].int64();
      if (gcd) return Value::Int64(std::gcd(a, b));
      const int64_t g = std::gcd(a, b);
      const __int128 l = g == 0 ? 0
                                : static_cast<__int128>(a / g) *
                                      static_cast<__int128>(b < 0 ? -b : b) * (a < 0 ? -1 : 1);
      if (l > INT64_MAX || l < INT64_MIN)
        Fail(ErrorKind::kOutOfRange, "lcm({}, {}) overflows", a, b);
      return Value::Int64(static_cast<int64_t>(l));
    });
    r[name] = std::move(fn);
  }
  {
    ScalarFunction fn;
    fn.name = "factorial";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("factorial", types, 1, 1);
      if (!types[0]->is_integer() && !IsNullType(*types[0])) NoMatch("factorial", types);
      return FunctionBinding{{arrow::int64()}, arrow::int64()};
    };
    fn.kernel = RowKernel([](const std::vector<Value>& args, const arrow::TypePtr&) {
      const int64_t n = args[0].int64();
      if (n > 20) Fail(ErrorKind::kOutOfRange, "factorial({}) is beyond BIGINT", n);
      if (n < 0)
        Fail(ErrorKind::kOutOfRange, "factorial of a negative number ({}) is undefined", n);
      int64_t f = 1;
      for (int64_t i = 2; i <= n; ++i)
        f *= i;
      return Value::Int64(f);
    });
    r["factorial"] = std::move(fn);
  }
}

namespace {

// `x` rounded to `digits` decimal places, ties to the even digit, as the
// value's shortest decimal text reads: 45.55 (stored as 45.5499...) is a tie
// and rounds to 45.6, as the number written rounds.
double RoundHalfEven(double x, int64_t digits) {
  if (!std::isfinite(x) || digits > 300) return x;
  char text[64];
  const auto res = std::to_chars(text, text + sizeof(text), x, std::chars_format::fixed);
  if (res.ec != std::errc()) return x;
  std::string s(text, res.ptr);
  const bool negative = s[0] == '-';
  if (negative) s.erase(0, 1);
  size_t point = s.find('.');
  if (point == std::string::npos) {
    point = s.size();
    s += '.';
  }
  std::string digits_only = s.substr(0, point) + s.substr(point + 1);
  // Position (in digits_only) of the last digit kept.
  const int64_t keep = static_cast<int64_t>(point) + digits;
  if (keep >= static_cast<int64_t>(digits_only.size())) return x;
  if (keep < 0) return negative ? -0.0 : 0.0;
  const char next = digits_only[static_cast<size_t>(keep)];
  const bool rest_nonzero =
      digits_only.find_first_not_of('0', static_cast<size_t>(keep) + 1) != std::string::npos;
  const int last = keep > 0 ? digits_only[static_cast<size_t>(keep) - 1] - '0' : 0;
  const bool up = next > '5' || (next == '5' && (rest_nonzero || last % 2 == 1));
  std::string kept = digits_only.substr(0, static_cast<size_t>(keep));
  if (kept.empty()) kept = "0";
  double v = 0;
  std::from_chars(kept.data(), kept.data() + kept.size(), v);
  if (up) v += 1;
  v *= std::pow(10.0, static_cast<double>(static_cast<int64_t>(point) - keep));
  return negative ? -v : v;
}

// n choose k, exact in 128 bits: C(n, i + 1) = C(n, i) * (n - i) / (i + 1),
// with the division taken first where it divides.
__int128 Binomial(int64_t n, int64_t k) {
  if (n < 0 || k < 0) Fail(ErrorKind::kInvalidInput, "binom with negative input is undefined");
  if (k > n) return 0;
  k = std::min(k, n - k);
  __int128 r = 1;
  for (int64_t i = 0; i < k; ++i) {
    __int128 num = n - i, den = i + 1;
    __int128 a = r, b = den;
    while (b != 0) {
      const __int128 t = a % b;
      a = b;
      b = t;
    }
    r /= a;
    den /= a;
    num /= den;
    if (__builtin_mul_overflow(r, num, &r) || r >= DecimalPow10(38)) {
      Fail(ErrorKind::kOutOfRange, "Value out of range: binom({}, {}) exceeds 38 digits", n, k);
    }
  }
  return r;
}

}  // namespace

void RegisterNumericExtras(FunctionRegistry& r) {
  // greatest / least (PostgreSQL, DuckDB): NULL arguments are skipped, NULL
  // only when all are; min / max with several arguments (SQLite's scalar
  // forms): NULL when any argument is. The SQL binder casts the arguments
  // to their common type first.
  for (const char* name : {"greatest", "least", "min", "max"}) {
    ScalarFunction fn;
    fn.name = name;
    const std::string n = name;
    const bool greater = n == "greatest" || n == "max";
    const bool skip_nulls = n == "greatest" || n == "least";
    fn.bind = [n](const std::vector<arrow::TypePtr>& types) {
      CheckArity(n, types, n == "min" || n == "max" ? 2 : 1, -1);
      for (const auto& t : types) {
        if (!t->Equals(*types[0]) && !IsNullType(*t)) NoMatch(n, types);
      }
      return AllAs(types, types[0], types[0]);
    };
    fn.kernel = RowKernel(
        [greater, skip_nulls](const std::vector<Value>& a, const arrow::TypePtr& result) {
          const Value* best = nullptr;
          for (const Value& v : a) {
            if (v.is_null()) {
              if (!skip_nulls) return Value::Null(result);
              continue;
            }
            const int c = best == nullptr ? 0 : CompareValues(v, *best);
            if (best == nullptr || (greater ? c > 0 : c < 0)) best = &v;
          }
          return best == nullptr ? Value::Null(result) : *best;
        },
        /*propagate_nulls=*/false);
    r[name] = std::move(fn);
  }
  // fmod(x, y) and fdiv(x, y): the remainder and quotient of floored
  // division (the remainder takes y's sign); NULL when y is 0.
  for (const char* name : {"fmod", "fdiv"}) {
    ScalarFunction fn;
    fn.name = name;
    const bool mod = name[1] == 'm';
    fn.bind = [n = std::string(name)](const std::vector<arrow::TypePtr>& types) {
      CheckArity(n, types, 2, 2);
      for (const auto& t : types) {
        if (!IsNumericType(*t) && !IsNullType(*t)) NoMatch(n, types);
      }
      return AllAs(types, arrow::float64(), arrow::float64());
    };
    fn.kernel = RowKernel([mod](const std::vector<Value>& a, const arrow::TypePtr&) {
      const double x = a[0].float64(), y = a[1].float64();
      if (y == 0) return Value::Null(arrow::float64());
      const double q = std::floor(x / y);
      return Value::Double(mod ? x - q * y : q);
    });
    r[name] = std::move(fn);
  }
  {
    ScalarFunction fn;
    fn.name = "binom";
    fn.bind = [](const std::vector<arrow::TypePtr>& types) {
      CheckArity("binom", types, 2, 2);
      for (const auto& t : types) {
        if (!t->is_integer() && !IsNullType(*t)) NoMatch("binom", types);
      }
      return AllAs(types, arrow::int64(), arrow::decimal128(38, 0));
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr&) {
      return Value::Decimal(Binomial(a[0].int64(), a[1].int64()), 38, 0);
    });
    r["binom"] = std::move(fn);
  }
  for (const char* name : {"roundbankers", "round_even"}) {
    ScalarFunction fn;
    fn.name = name;
    fn.bind = [n = std::string(name)](const std::vector<arrow::TypePtr>& types) {
      CheckArity(n, types, 2, 2);
      if (!IsNumericType(*types[0]) && !IsNullType(*types[0])) NoMatch(n, types);
      if (!types[1]->is_integer() && !IsNullType(*types[1])) NoMatch(n, types);
      const arrow::TypePtr t = types[0]->is_integer() ? arrow::int64() : arrow::float64();
      return FunctionBinding{{t, arrow::int64()}, t};
    };
    fn.kernel = RowKernel([](const std::vector<Value>& a, const arrow::TypePtr& result) {
      if (result->is_integer()) {
        const double v = RoundHalfEven(static_cast<double>(a[0].int64()), a[1].int64());
        return Value::Int64(static_cast<int64_t>(v));
      }
      return Value::Double(RoundHalfEven(a[0].float64(), a[1].int64()));
    });
    r[name] = std::move(fn);
  }
}

const ScalarFunction* FindScalarFunction(const std::string& name) {
  static const FunctionRegistry registry = [] {
    FunctionRegistry r;
    RegisterMathFunctions(r);
    RegisterStringFunctions(r);
    RegisterStringSimilarityFunctions(r);
    RegisterDateFunctions(r);
    RegisterListFunctions(r);
    RegisterEncodingFunctions(r);
    RegisterEpochFunctions(r);
    RegisterPathFunctions(r);
    RegisterNumericExtras(r);
    RegisterAggregateStateFunctions(r);
    RegisterMapFunctions(r);
    RegisterBitFunctions(r);
    return r;
  }();
  auto it = registry.find(name);
  return it == registry.end() ? nullptr : &it->second;
}

}  // namespace llkv::execution
