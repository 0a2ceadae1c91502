// Functions over a value's bytes and digits: hex / to_hex, unhex / from_hex,
// bin / to_binary, unbin / from_binary, to_base, sha1, sha256, and
// octet_length of text or a BLOB. Text is taken as its UTF-8 bytes.
#include <string>
#include <string_view>

#include "common/sha.h"
#include "execution/function_registry.h"

namespace llkv::execution {

namespace {

bool IsBlobType(const arrow::DataType& t) {
  return t.id() == arrow::TypeId::kBinary;
}

// Binds one argument that must be text or a BLOB (or, with `integers`, an
// integer, taken as BIGINT); returns `result`.
FunctionBinding BindBytes(const std::string& name, const std::vector<arrow::TypePtr>& types,
                          const arrow::TypePtr& result, bool integers) {
  CheckArity(name, types, 1, 1);
  const arrow::DataType& t = *types[0];
  if (IsTextType(t) || IsBlobType(t)) return {{types[0]}, result};
  if (integers && t.is_integer()) return {{arrow::int64()}, result};
  if (IsNullType(t)) return {{arrow::utf8()}, result};
  NoMatch(name, types);
}

void Register(
    FunctionRegistry& r, std::initializer_list<const char*> names,
    std::function<FunctionBinding(const std::string&, const std::vector<arrow::TypePtr>&)> bind,
    RowFunction f) {
  for (const char* name : names) {
    ScalarFunction fn;
    fn.name = name;
    fn.bind = [bind, n = std::string(name)](const std::vector<arrow::TypePtr>& types) {
      return bind(n, types);
    };
    fn.kernel = RowKernel(f);
    r[name] = std::move(fn);
  }
}

// An integer's two's-complement bits, `bits_per_digit` at a time (4: hex,
// 1: binary), without leading zeros ("0" for zero).
std::string IntegerDigits(int64_t v, int bits_per_digit) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  auto u = static_cast<uint64_t>(v);
  std::string out;
  do {
    out.insert(out.begin(), kDigits[u & ((1u << bits_per_digit) - 1)]);
    u >>= bits_per_digit;
  } while (u != 0);
  return out;
}

std::string BytesToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

std::string BytesToBits(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 8);
  for (unsigned char c : bytes) {
    for (int bit = 7; bit >= 0; --bit)
      out += (c >> bit) & 1 ? '1' : '0';
  }
  return out;
}

// Hex digits (or binary digits) to bytes; a short first group is padded
// with leading zeros ('5' is the byte 0x05).
std::string DigitsToBytes(const std::string& name, std::string_view text, int bits_per_digit) {
  const size_t per_byte = static_cast<size_t>(8 / bits_per_digit);
  std::string out;
  unsigned value = 0;
  size_t in_group = (per_byte - text.size() % per_byte) % per_byte;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (bits_per_digit == 4 && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (bits_per_digit == 4 && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0 || digit >= (1 << bits_per_digit)) {
      Fail(ErrorKind::kInvalidInput, "{}: '{}' at position {} of '{}' is not a {} digit", name,
           std::string(1, c), i + 1, text, bits_per_digit == 4 ? "hexadecimal" : "binary");
    }
    value = (value << bits_per_digit) | static_cast<unsigned>(digit);
    if (++in_group == per_byte) {
      out += static_cast<char>(value);
      value = 0;
      in_group = 0;
    }
  }
  return out;
}

Value ToDigits(const Value& v, int bits_per_digit) {
  if (v.type()->is_integer()) return Value::String(IntegerDigits(v.int64(), bits_per_digit));
  return Value::String(bits_per_digit == 4 ? BytesToHex(v.str()) : BytesToBits(v.str()));
}

}  // namespace

void RegisterEncodingFunctions(FunctionRegistry& r) {
  auto text_or_integer = [](const std::string& n, const std::vector<arrow::TypePtr>& types) {
    return BindBytes(n, types, arrow::utf8(), /*integers=*/true);
  };
  auto text_only = [](const std::string& n, const std::vector<arrow::TypePtr>& types) {
    CheckArity(n, types, 1, 1);
    if (!IsTextType(*types[0]) && !IsNullType(*types[0])) NoMatch(n, types);
    return FunctionBinding{{arrow::utf8()}, arrow::binary()};
  };
  Register(r, {"hex", "to_hex"}, text_or_integer,
           [](const std::vector<Value>& a, const arrow::TypePtr&) { return ToDigits(a[0], 4); });
  Register(r, {"bin", "to_binary"}, text_or_integer,
           [](const std::vector<Value>& a, const arrow::TypePtr&) { return ToDigits(a[0], 1); });
  Register(r, {"unhex", "from_hex"}, text_only,
           [](const std::vector<Value>& a, const arrow::TypePtr&) {
             return Value::Blob(DigitsToBytes("from_hex", a[0].str(), 4));
           });
  Register(r, {"unbin", "from_binary"}, text_only,
           [](const std::vector<Value>& a, const arrow::TypePtr&) {
             return Value::Blob(DigitsToBytes("from_binary", a[0].str(), 1));
           });
  auto digest = [](const std::string& n, const std::vector<arrow::TypePtr>& types) {
    return BindBytes(n, types, arrow::utf8(), /*integers=*/false);
  };
  Register(r, {"sha1"}, digest, [](const std::vector<Value>& a, const arrow::TypePtr&) {
    return Value::String(Sha1Hex(a[0].str()));
  });
  Register(r, {"sha256"}, digest, [](const std::vector<Value>& a, const arrow::TypePtr&) {
    return Value::String(Sha256Hex(a[0].str()));
  });
  Register(
      r, {"octet_length", "strlen"},
      [](const std::string& n, const std::vector<arrow::TypePtr>& types) {
        return BindBytes(n, types, arrow::int64(), /*integers=*/false);
      },
      [](const std::vector<Value>& a, const arrow::TypePtr&) {
        return Value::Int64(static_cast<int64_t>(a[0].str().size()));
      });
  // to_base(n, radix[, min_length]): n >= 0 in digits 0-9 then A-Z, padded
  // with zeros to min_length.
  Register(
      r, {"to_base"},
      [](const std::string& n, const std::vector<arrow::TypePtr>& types) {
        CheckArity(n, types, 2, 3);
        for (const auto& t : types) {
          if (!t->is_integer() && !IsNullType(*t)) NoMatch(n, types);
        }
        return AllAs(types, arrow::int64(), arrow::utf8());
      },
      [](const std::vector<Value>& a, const arrow::TypePtr&) {
        const int64_t v = a[0].int64(), radix = a[1].int64();
        const int64_t min_length = a.size() > 2 ? a[2].int64() : 0;
        if (v < 0) {
          Fail(ErrorKind::kInvalidInput, "'to_base' number must be greater than or equal to 0");
        }
        if (radix < 2 || radix > 36) {
          Fail(ErrorKind::kInvalidInput, "'to_base' radix must be between 2 and 36, not {}", radix);
        }
        if (min_length < 0 || min_length > 64) {
          Fail(ErrorKind::kInvalidInput, "'to_base' min_length must be between 0 and 64, not {}",
               min_length);
        }
        static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        std::string out;
        auto u = static_cast<uint64_t>(v);
        do {
          out.insert(out.begin(), kDigits[u % static_cast<uint64_t>(radix)]);
          u /= static_cast<uint64_t>(radix);
        } while (u != 0);
        if (static_cast<int64_t>(out.size()) < min_length) {
          out.insert(0, static_cast<size_t>(min_length) - out.size(), '0');
        }
        return Value::String(out);
      });
}

}  // namespace llkv::execution
