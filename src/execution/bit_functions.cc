// BIT strings (DuckDB's BIT / BITSTRING, arrow::bit_string()): casts from
// and to text, integers and blobs; the bitwise operators (&, |, xor, ~, <<,
// >>); bit_count, bit_length, octet_length, get_bit, set_bit, bit_position
// and bitstring().
//
// A value is bytes: byte 0 the count of padding bits (0-7) that start byte
// 1, then the bits, most significant first (the padding bits are 0). The
// bitwise operators take strings of one length, as DuckDB's do.
#include "execution/bit_string.h"

#include <algorithm>
#include <bit>

#include "execution/expression.h"
#include "execution/function_registry.h"
#include "llkv/arrow/builder.h"

namespace llkv::execution {

using arrow::TypePtr;

namespace bits {

size_t Length(std::string_view b) {
  return b.empty() ? 0 : (b.size() - 1) * 8 - static_cast<unsigned char>(b[0]);
}

std::string Zeros(size_t n) {
  std::string b(1 + (n + 7) / 8, '\0');
  b[0] = static_cast<char>((8 - n % 8) % 8);
  return b;
}

bool Get(std::string_view b, size_t i) {
  const size_t p = i + static_cast<unsigned char>(b[0]);
  return (static_cast<unsigned char>(b[1 + p / 8]) >> (7 - p % 8)) & 1;
}

void Set(std::string& b, size_t i, bool v) {
  const size_t p = i + static_cast<unsigned char>(b[0]);
  const auto mask = static_cast<unsigned char>(1u << (7 - p % 8));
  auto& byte = reinterpret_cast<unsigned char&>(b[1 + p / 8]);
  byte = v ? (byte | mask) : (byte & ~mask);
}

std::string FromText(std::string_view text) {
  if (text.empty()) Fail(ErrorKind::kConversion, "Cannot cast empty string to BIT");
  std::string b = Zeros(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '0' && text[i] != '1') {
      Fail(ErrorKind::kConversion,
           "Invalid character encountered in string -> bit conversion: '{}' in '{}'", text[i],
           text);
    }
    Set(b, i, text[i] == '1');
  }
  return b;
}

std::string FromInteger(uint64_t v, size_t width) {
  std::string b = Zeros(width);
  for (size_t i = 0; i < width; ++i)
    Set(b, i, (v >> (width - 1 - i)) & 1);
  return b;
}

std::string Bitwise(std::string_view a, std::string_view b, char op) {
  if (Length(a) != Length(b)) {
    const char* verb = op == '&' ? "AND" : op == '|' ? "OR" : "XOR";
    Fail(ErrorKind::kInvalidInput, "Cannot {} bit strings of different sizes ({} and {} bits)",
         verb, Length(a), Length(b));
  }
  std::string out(a);
  for (size_t i = 1; i < out.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    out[i] = static_cast<char>(op == '&' ? x & y : op == '|' ? x | y : x ^ y);
  }
  return out;
}

}  // namespace bits

namespace {

TypePtr Bit() {
  return arrow::bit_string();
}

bool IsBit(const arrow::DataType& t) {
  return arrow::IsBitString(t);
}

Value BitValue(std::string b) {
  return Value::FromArray(*ValuesToArray(Bit(), {Value::Blob(std::move(b))}), 0);
}

// Bit i of index argument `v` (0-based), checked against the length.
size_t BitIndex(const Value& v, std::string_view b, const char* name) {
  const int64_t i = v.int64();
  if (i < 0 || static_cast<size_t>(i) >= bits::Length(b)) {
    Fail(ErrorKind::kOutOfRange, "{}: bit index {} is out of range (the string has {} bits)", name,
         i, bits::Length(b));
  }
  return static_cast<size_t>(i);
}

// Makes `name` take BIT arguments too: calls whose first argument is a BIT
// bind with `bind` and run `f`; others go to the function as it was (if
// there is one).
void Overload(FunctionRegistry& r, const char* name, NamedBind bind, RowFunction f) {
  ScalarFunction previous;
  const bool had = r.count(name) > 0;
  if (had) previous = r[name];
  RegisterRowFunction(r, {name}, std::move(bind), std::move(f));
  if (!had) return;
  ScalarFunction mine = r[name];
  ScalarFunction& out = r[name];
  out.bind = [previous, mine](const std::vector<TypePtr>& t) {
    return !t.empty() && IsBit(*t[0]) ? mine.bind(t) : previous.bind(t);
  };
  out.kernel = [previous, mine](const std::vector<arrow::ArrayDataPtr>& args, const TypePtr& result,
                                int64_t rows) {
    return !args.empty() && IsBit(*args[0]->type) ? mine.kernel(args, result, rows)
                                                  : previous.kernel(args, result, rows);
  };
}

// Two BIT strings of one length, combined by `op` ('&', '|', '^').
Value Combine(const std::vector<Value>& a, char op) {
  return BitValue(bits::Bitwise(a[0].str(), a[1].str(), op));
}

FunctionBinding TwoBits(const std::string& n, const std::vector<TypePtr>& t) {
  CheckArity(n, t, 2, 2);
  if (!IsBit(*t[0]) || !IsBit(*t[1])) NoMatch(n, t);
  return {{Bit(), Bit()}, Bit()};
}

FunctionBinding OneBit(const std::string& n, const std::vector<TypePtr>& t, TypePtr result) {
  CheckArity(n, t, 1, 1);
  if (!IsBit(*t[0])) NoMatch(n, t);
  return {{Bit()}, std::move(result)};
}

}  // namespace

arrow::ArrayDataPtr CastBitString(const arrow::ArrayData& a, const TypePtr& to) {
  const arrow::DataType& from = *a.type;
  std::vector<Value> out;
  out.reserve(static_cast<size_t>(a.length));
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsNull(i)) {
      out.push_back(Value::Null(to));
      continue;
    }
    if (IsBit(*to)) {
      if (from.id() == arrow::TypeId::kUtf8 || from.id() == arrow::TypeId::kLargeUtf8) {
        out.push_back(Value::Blob(bits::FromText(arrow::BinaryValueAt(a, i))));
      } else if (from.is_integer() || from.id() == arrow::TypeId::kBool) {
        const Value v = Value::FromArray(a, i);
        const auto width =
            static_cast<size_t>(from.id() == arrow::TypeId::kBool ? 8 : from.bit_width());
        const uint64_t raw = from.id() == arrow::TypeId::kBool ? uint64_t{v.boolean()}
                                                               : static_cast<uint64_t>(v.int64());
        out.push_back(Value::Blob(bits::FromInteger(raw, width)));
      } else if (from.id() == arrow::TypeId::kBinary) {  // a BLOB: its bytes' bits
        const std::string_view bytes = arrow::BinaryValueAt(a, i);
        if (bytes.empty()) Fail(ErrorKind::kConversion, "Cannot cast empty BLOB to BIT");
        out.push_back(Value::Blob(std::string(1, '\0') + std::string(bytes)));
      } else {
        Fail(ErrorKind::kConversion, "Unimplemented type for cast ({} -> BIT)", SqlTypeName(from));
      }
      continue;
    }
    const std::string_view b = arrow::BinaryValueAt(a, i);
    const size_t n = bits::Length(b);
    if (to->id() == arrow::TypeId::kUtf8 || to->id() == arrow::TypeId::kLargeUtf8) {
      out.push_back(Value::String(arrow::FormatBitString(b)));
    } else if (to->is_integer()) {
      const auto width = static_cast<size_t>(to->bit_width());
      if (n > width) {
        Fail(ErrorKind::kConversion, "Bitstring {} does not fit in a {} ({} bits)",
             arrow::FormatBitString(b), SqlTypeName(*to), width);
      }
      uint64_t v = 0;
      for (size_t k = 0; k < n; ++k)
        v = (v << 1) | (bits::Get(b, k) ? 1 : 0);
      if (to->is_signed_integer() && n == width && width < 64 && (v >> (width - 1)) != 0)
        v |= ~uint64_t{0} << width;  // the sign bit of a full-width string
      out.push_back(Value::Integer(to, static_cast<int64_t>(v)));
    } else if (to->id() == arrow::TypeId::kBinary) {
      if (b[0] != 0) {
        Fail(ErrorKind::kConversion, "Bitstring {} is not a whole number of bytes for a BLOB",
             arrow::FormatBitString(b));
      }
      out.push_back(Value::Blob(std::string(b.substr(1))));
    } else {
      Fail(ErrorKind::kConversion, "Unimplemented type for cast (BIT -> {})", SqlTypeName(*to));
    }
  }
  // (Blob values stand for BIT ones: the layout is the same.)
  return ValuesToArray(to, out);
}

void RegisterBitFunctions(FunctionRegistry& r) {
  // bit_count of an integer: the one bits of its two's complement.
  RegisterRowFunction(
      r, {"bit_count"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 1, 1);
        if (!t[0]->is_integer() && !IsNullType(*t[0])) NoMatch(n, t);
        return {{IsNullType(*t[0]) ? arrow::int64() : t[0]}, arrow::int64()};
      },
      [](const std::vector<Value>& a, const TypePtr&) {
        const int width = a[0].type()->bit_width();
        uint64_t v = static_cast<uint64_t>(a[0].int64());
        if (width < 64) v &= (uint64_t{1} << width) - 1;
        return Value::Int64(std::popcount(v));
      });
  // xor(a, b): of integers, or of BIT strings of one length.
  RegisterRowFunction(
      r, {"xor"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 2, 2);
        for (const auto& x : t) {
          if (!x->is_integer() && !IsNullType(*x)) NoMatch(n, t);
        }
        return AllAs(t, arrow::int64(), arrow::int64());
      },
      [](const std::vector<Value>& a, const TypePtr&) {
        return Value::Int64(a[0].int64() ^ a[1].int64());
      });
  Overload(
      r, "bit_count",
      [](const std::string& n, const std::vector<TypePtr>& t) {
        return OneBit(n, t, arrow::int64());
      },
      [](const std::vector<Value>& a, const TypePtr&) {
        const std::string& b = a[0].str();
        int64_t c = 0;
        for (size_t i = 1; i < b.size(); ++i)
          c += std::popcount(static_cast<unsigned char>(b[i]));
        return Value::Int64(c);
      });
  Overload(
      r, "bit_length",
      [](const std::string& n, const std::vector<TypePtr>& t) {
        return OneBit(n, t, arrow::int64());
      },
      [](const std::vector<Value>& a, const TypePtr&) {
        return Value::Int64(static_cast<int64_t>(bits::Length(a[0].str())));
      });
  Overload(
      r, "octet_length",
      [](const std::string& n, const std::vector<TypePtr>& t) {
        return OneBit(n, t, arrow::int64());
      },
      [](const std::vector<Value>& a, const TypePtr&) {
        return Value::Int64(static_cast<int64_t>(a[0].str().size() - 1));
      });
  Overload(
      r, "get_bit",
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 2, 2);
        if (!IsBit(*t[0]) || (!t[1]->is_integer() && !IsNullType(*t[1]))) NoMatch(n, t);
        return {{Bit(), arrow::int64()}, arrow::int32()};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        const std::string& b = a[0].str();
        return Value::Integer(result, bits::Get(b, BitIndex(a[1], b, "get_bit")) ? 1 : 0);
      });
  Overload(
      r, "set_bit",
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 3, 3);
        if (!IsBit(*t[0])) NoMatch(n, t);
        return {{Bit(), arrow::int64(), arrow::int64()}, Bit()};
      },
      [](const std::vector<Value>& a, const TypePtr&) {
        std::string b = a[0].str();
        const size_t i = BitIndex(a[1], b, "set_bit");
        if (a[2].int64() != 0 && a[2].int64() != 1) {
          Fail(ErrorKind::kInvalidInput, "set_bit: the new value must be 0 or 1, not {}",
               a[2].int64());
        }
        bits::Set(b, i, a[2].int64() == 1);
        return BitValue(std::move(b));
      });
  // bit_position(needle, haystack): the 1-based position of the first
  // occurrence, 0 when there is none.
  Overload(
      r, "bit_position",
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 2, 2);
        if (!IsBit(*t[0]) || !IsBit(*t[1])) NoMatch(n, t);
        return {{Bit(), Bit()}, arrow::int32()};
      },
      [](const std::vector<Value>& a, const TypePtr& result) {
        const std::string needle = arrow::FormatBitString(a[0].str());
        const size_t at = arrow::FormatBitString(a[1].str()).find(needle);
        return Value::Integer(result, at == std::string::npos ? 0 : static_cast<int64_t>(at + 1));
      });
  // bitstring(text or BIT, length): left-padded with zeros to `length`.
  RegisterRowFunction(
      r, {"bitstring"},
      [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
        CheckArity(n, t, 2, 2);
        if (!IsBit(*t[0]) && !IsTextType(*t[0]) && !IsNullType(*t[0])) NoMatch(n, t);
        return {{Bit(), arrow::int64()}, Bit()};
      },
      [](const std::vector<Value>& a, const TypePtr&) {
        const std::string text = arrow::FormatBitString(a[0].str());
        const int64_t length = a[1].int64();
        if (length < static_cast<int64_t>(text.size())) {
          Fail(ErrorKind::kInvalidInput,
               "bitstring: length {} is smaller than the string's {} bits", length, text.size());
        }
        if (length > (int64_t{1} << 30)) {
          Fail(ErrorKind::kInvalidInput, "bitstring: length {} is too large", length);
        }
        return BitValue(
            bits::FromText(std::string(static_cast<size_t>(length) - text.size(), '0') + text));
      });
  // The operators (the binder calls these for BIT operands).
  RegisterRowFunction(r, {"__llkv_bit_and"}, TwoBits,
                      [](const std::vector<Value>& a, const TypePtr&) { return Combine(a, '&'); });
  RegisterRowFunction(r, {"__llkv_bit_or"}, TwoBits,
                      [](const std::vector<Value>& a, const TypePtr&) { return Combine(a, '|'); });
  Overload(r, "xor", TwoBits,
           [](const std::vector<Value>& a, const TypePtr&) { return Combine(a, '^'); });
  RegisterRowFunction(
      r, {"__llkv_bit_not"},
      [](const std::string& n, const std::vector<TypePtr>& t) { return OneBit(n, t, Bit()); },
      [](const std::vector<Value>& a, const TypePtr&) {
        std::string b = a[0].str();
        const size_t n = bits::Length(b);
        for (size_t i = 0; i < n; ++i)
          bits::Set(b, i, !bits::Get(b, i));
        return BitValue(std::move(b));
      });
  // Shifts keep the length: bits shifted out are lost, zeros come in.
  for (const bool left : {true, false}) {
    RegisterRowFunction(
        r, {left ? "__llkv_bit_shift_left" : "__llkv_bit_shift_right"},
        [](const std::string& n, const std::vector<TypePtr>& t) -> FunctionBinding {
          CheckArity(n, t, 2, 2);
          return {{Bit(), arrow::int64()}, Bit()};
        },
        [left](const std::vector<Value>& a, const TypePtr&) {
          const std::string& in = a[0].str();
          const size_t n = bits::Length(in);
          // (A shift by n or more bits leaves only zeros; clamping keeps
          // the index arithmetic from overflowing.)
          const auto len = static_cast<int64_t>(n);
          const int64_t by = std::clamp(a[1].int64(), -len, len);
          std::string b = bits::Zeros(n);
          for (size_t i = 0; i < n; ++i) {
            const int64_t from = left ? static_cast<int64_t>(i) + by : static_cast<int64_t>(i) - by;
            if (from >= 0 && from < static_cast<int64_t>(n))
              bits::Set(b, i, bits::Get(in, static_cast<size_t>(from)));
          }
          return BitValue(std::move(b));
        });
  }
}

}  // namespace llkv::execution
