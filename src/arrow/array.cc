#include "llkv/arrow/array.h"

#include <fmt/format.h>
#include <algorithm>

#include <cmath>
#include <cstring>

#include "arrow/temporal.h"
#include "common/bit_util.h"
#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"

namespace llkv::arrow {

bool ArrayData::IsValid(int64_t i) const {
  if (type->id() == TypeId::kNull) return false;
  const uint8_t* v = validity();
  return v == nullptr || bit_util::GetBit(v, offset + i);
}

int64_t CountNulls(const uint8_t* validity, int64_t offset, int64_t length) {
  if (validity == nullptr) return 0;
  return length - bit_util::CountSetBits(validity, offset, length);
}

ArrayDataPtr ArrayData::Slice(const ArrayDataPtr& data, int64_t offset, int64_t length) {
  LLKV_CHECK(offset >= 0 && length >= 0 && offset + length <= data->length,
             "slice [{}, +{}) of an array of length {}", offset, length, data->length);
  auto out = std::make_shared<ArrayData>(*data);
  out->offset = data->offset + offset;
  out->length = length;
  out->null_count = data->type->id() == TypeId::kNull
                        ? length
                        : CountNulls(data->validity(), out->offset, length);
  return out;
}

ArrayDataPtr MakeNullArray(const TypePtr& type, int64_t length) {
  auto builder = MakeBuilder(type);
  builder->AppendNulls(length);
  return builder->Finish();
}

namespace {

[[noreturn]] void Invalid(bool corruption, const ArrayData& a, const std::string& what) {
  Fail(corruption ? ErrorKind::kCorruption : ErrorKind::kInvalidInput, "invalid {} array: {}",
       a.type->ToString(), what);
}

template <typename Offset>
void ValidateOffsets(const ArrayData& a, bool corruption, int64_t target_length) {
  const BufferPtr& ob = a.buffers[1];
  const int64_t needed = (a.offset + a.length + 1) * static_cast<int64_t>(sizeof(Offset));
  if (!ob || ob->size() < needed) {
    Invalid(corruption, a,
            fmt::format("offsets buffer holds {} bytes, needs {}", ob ? ob->size() : 0, needed));
  }
  const Offset* o = a.values<Offset>(1);
  if (o[0] < 0) Invalid(corruption, a, "negative first offset");
  for (int64_t i = 0; i < a.length; ++i) {
    if (o[i + 1] < o[i]) {
      Invalid(corruption, a, fmt::format("offsets decrease at element {}", i));
    }
  }
  if (o[a.length] > target_length) {
    Invalid(corruption, a,
            fmt::format("last offset {} beyond {} available values", o[a.length], target_length));
  }
}

}  // namespace

void ArrayData::Validate(bool corruption) const {
  if (!type) Fail(ErrorKind::kInvalidInput, "array without a type");
  if (length < 0 || offset < 0) Invalid(corruption, *this, "negative length or offset");
  // Bounded so that every size computed below ((offset + length + 1) times
  // at most 128 bits) stays inside int64, whatever a corrupt input claims.
  constexpr int64_t kMaxElements = int64_t{1} << 55;
  if (offset > kMaxElements || length > kMaxElements - offset) {
    Invalid(corruption, *this,
            fmt::format("offset {} + length {} is out of range", offset, length));
  }
  const TypeId id = type->id();
  size_t expected_buffers = 0;
  switch (id) {
    case TypeId::kNull:
      expected_buffers = 0;
      break;
    case TypeId::kStruct:
      expected_buffers = 1;
      break;
    case TypeId::kList:
      expected_buffers = 2;
      break;
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary:
      expected_buffers = 3;
      break;
    default:
      expected_buffers = 2;
      break;
  }
  if (buffers.size() != expected_buffers) {
    Invalid(corruption, *this,
            fmt::format("{} buffers, the layout has {}", buffers.size(), expected_buffers));
  }
  if (id == TypeId::kNull) {
    if (null_count != length) Invalid(corruption, *this, "null array with non-null values");
    return;
  }
  if (buffers[0] && buffers[0]->size() < bit_util::BytesForBits(offset + length)) {
    Invalid(corruption, *this, "validity bitmap too short");
  }
  const int64_t nulls = CountNulls(validity(), offset, length);
  if (nulls != null_count) {
    Invalid(corruption, *this,
            fmt::format("null count {} but the validity bitmap has {} nulls", null_count, nulls));
  }
  switch (id) {
    case TypeId::kStruct:
      if (children.size() != type->fields().size()) {
        Invalid(corruption, *this, "child count differs from the struct's fields");
      }
      for (size_t i = 0; i < children.size(); ++i) {
        if (!children[i]->type->Equals(*type->fields()[i]->type())) {
          Invalid(corruption, *this, fmt::format("field {} has the wrong type", i));
        }
        if (children[i]->length < offset + length) {
          Invalid(corruption, *this, fmt::format("field {} is shorter than the struct", i));
        }
        children[i]->Validate(corruption);
      }
      return;
    case TypeId::kList:
      if (children.size() != 1 || !children[0]->type->Equals(*type->value_type())) {
        Invalid(corruption, *this, "list without a value child of the value type");
      }
      ValidateOffsets<int32_t>(*this, corruption, children[0]->length);
      children[0]->Validate(corruption);
      return;
    case TypeId::kUtf8:
    case TypeId::kBinary:
      if (!buffers[2]) Invalid(corruption, *this, "missing data buffer");
      ValidateOffsets<int32_t>(*this, corruption, buffers[2]->size());
      return;
    case TypeId::kLargeUtf8:
      if (!buffers[2]) Invalid(corruption, *this, "missing data buffer");
      ValidateOffsets<int64_t>(*this, corruption, buffers[2]->size());
      return;
    default: {
      const int64_t bits = type->bit_width();
      const int64_t needed = bit_util::BytesForBits((offset + length) * bits);
      if (!buffers[1] || buffers[1]->size() < needed) {
        Invalid(corruption, *this,
                fmt::format("values buffer holds {} bytes, needs {}",
                            buffers[1] ? buffers[1]->size() : 0, needed));
      }
      if (!children.empty()) Invalid(corruption, *this, "unexpected children");
      return;
    }
  }
}

bool BooleanArray::Value(int64_t i) const {
  return bit_util::GetBit(data_->buffers[1]->data(), data_->offset + i);
}

Array StructArray::field(int i) const {
  const ArrayDataPtr& child = data_->children[static_cast<size_t>(i)];
  if (data_->offset == 0 && child->length == data_->length && child->offset == 0) {
    return Array(child);
  }
  return Array(ArrayData::Slice(child, data_->offset, data_->length));
}

std::string_view BinaryValueAt(const ArrayData& d, int64_t i) {
  const char* data = reinterpret_cast<const char*>(d.buffers[2]->data());
  if (d.type->id() == TypeId::kLargeUtf8) {
    const int64_t* o = d.values<int64_t>(1);
    return {data + o[i], static_cast<size_t>(o[i + 1] - o[i])};
  }
  const int32_t* o = d.values<int32_t>(1);
  return {data + o[i], static_cast<size_t>(o[i + 1] - o[i])};
}

// ---------------------------------------------------------------- equality

namespace {

bool ValueEquals(const ArrayData& a, int64_t i, const ArrayData& b, int64_t j) {
  const bool va = a.IsValid(i);
  if (va != b.IsValid(j)) return false;
  if (!va) return true;
  switch (a.type->id()) {
    case TypeId::kNull:
      return true;
    case TypeId::kBool:
      return bit_util::GetBit(a.buffers[1]->data(), a.offset + i) ==
             bit_util::GetBit(b.buffers[1]->data(), b.offset + j);
    case TypeId::kUtf8:
    case TypeId::kBinary:
    case TypeId::kLargeUtf8:
      return BinaryValueAt(a, i) == BinaryValueAt(b, j);
    case TypeId::kStruct:
      for (size_t c = 0; c < a.children.size(); ++c) {
        if (!ValueEquals(*a.children[c], a.offset + i, *b.children[c], b.offset + j)) return false;
      }
      return true;
    case TypeId::kList: {
      const int32_t* oa = a.values<int32_t>(1);
      const int32_t* ob = b.values<int32_t>(1);
      const int32_t la = oa[i + 1] - oa[i];
      if (la != ob[j + 1] - ob[j]) return false;
      for (int32_t k = 0; k < la; ++k) {
        if (!ValueEquals(*a.children[0], oa[i] + k, *b.children[0], ob[j] + k)) return false;
      }
      return true;
    }
    default: {
      const size_t width = static_cast<size_t>(a.type->bit_width() / 8);
      return std::memcmp(a.buffers[1]->data() + (a.offset + i) * static_cast<int64_t>(width),
                         b.buffers[1]->data() + (b.offset + j) * static_cast<int64_t>(width),
                         width) == 0;
    }
  }
}

}  // namespace

bool ArrayEquals(const ArrayData& a, const ArrayData& b) {
  if (!a.type->Equals(*b.type) || a.length != b.length || a.null_count != b.null_count) {
    return false;
  }
  for (int64_t i = 0; i < a.length; ++i) {
    if (!ValueEquals(a, i, b, i)) return false;
  }
  return true;
}

// ---------------------------------------------------------------- formatting

std::string FormatDecimal128(Decimal128 value, int scale) {
  const bool negative = value < 0;
  unsigned __int128 mag =
      negative ? -static_cast<unsigned __int128>(value) : static_cast<unsigned __int128>(value);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  } while (mag != 0);
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) {
      digits.insert(0, static_cast<size_t>(scale + 1) - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return negative ? "-" + digits : digits;
}

namespace {

// A value inside a list or struct, as DuckDB writes it: text (and the text
// of a date, time or interval) quoted only where it would otherwise read as
// something else (empty, NULL, padded, or holding a delimiter).
std::string FormatElement(const ArrayData& a, int64_t i) {
  if (a.IsNull(i)) return "NULL";
  std::string s = FormatValue(a, i);
  switch (a.type->id()) {
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    // Dates, times and intervals by the same rule: '12:13:14' is quoted
    // (its ':'), 2021-08-20 is not.
    case TypeId::kDate32:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
    case TypeId::kIntervalMonthDayNano: {
      const bool quote = s.empty() || s == "NULL" || s == "null" || s == "Null" ||
                         s.front() == ' ' || s.back() == ' ' ||
                         s.find_first_of("'\",[]{}():=\\\t\n") != std::string::npos;
      if (!quote) return s;
      std::string q = "'";
      for (char c : s) {
        if (c == '\'') q += '\'';
        q += c;
      }
      return q + "'";
    }
    default:
      return s;
  }
}

}  // namespace

std::string FormatBitString(std::string_view bits) {
  std::string text;
  if (bits.empty()) return text;
  const size_t padding = static_cast<unsigned char>(bits[0]);
  for (size_t b = 8 + padding; b < bits.size() * 8; ++b)
    text += ((static_cast<unsigned char>(bits[b / 8]) >> (7 - b % 8)) & 1) ? '1' : '0';
  return text;
}

std::string FormatValue(const ArrayData& a, int64_t i) {
  if (a.IsNull(i)) return "NULL";
  const int64_t k = a.offset + i;
  switch (a.type->id()) {
    case TypeId::kNull:
      return "NULL";
    case TypeId::kBool:
      return bit_util::GetBit(a.buffers[1]->data(), k) ? "true" : "false";
    case TypeId::kInt8:
      return fmt::format("{}", a.buffers[1]->data_as<int8_t>()[k]);
    case TypeId::kInt16:
      return fmt::format("{}", a.buffers[1]->data_as<int16_t>()[k]);
    case TypeId::kInt32:
      return fmt::format("{}", a.buffers[1]->data_as<int32_t>()[k]);
    case TypeId::kInt64:
      return fmt::format("{}", a.buffers[1]->data_as<int64_t>()[k]);
    case TypeId::kUInt8:
      return fmt::format("{}", a.buffers[1]->data_as<uint8_t>()[k]);
    case TypeId::kUInt16:
      return fmt::format("{}", a.buffers[1]->data_as<uint16_t>()[k]);
    case TypeId::kUInt32:
      return fmt::format("{}", a.buffers[1]->data_as<uint32_t>()[k]);
    case TypeId::kUInt64:
      return fmt::format("{}", a.buffers[1]->data_as<uint64_t>()[k]);
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      // The shortest text that reads back exactly, with a fraction when
      // the value is whole ("2.0", as SQLite and DuckDB show it).
      std::string s = a.type->id() == TypeId::kFloat32
                          ? fmt::format("{}", a.buffers[1]->data_as<float>()[k])
                          : fmt::format("{}", a.buffers[1]->data_as<double>()[k]);
      if (s == "-nan") return "nan";  // NaN's sign bit is not shown (DuckDB, PostgreSQL)
      if (s.find_first_of(".eni") == std::string::npos) s += ".0";
      return s;
    }
    case TypeId::kDecimal128:
      return FormatDecimal128(a.buffers[1]->data_as<Decimal128>()[k], a.type->scale());
    case TypeId::kDate32:
      return FormatDate32(a.buffers[1]->data_as<int32_t>()[k]);
    case TypeId::kTimestamp: {
      std::string s = FormatTimestamp(a.buffers[1]->data_as<int64_t>()[k], a.type->unit());
      if (a.type->timezone() == "UTC") {
        s += "+00";  // as PostgreSQL and DuckDB show an instant in UTC
      } else if (!a.type->timezone().empty()) {
        s += " " + a.type->timezone();
      }
      return s;
    }
    case TypeId::kTime64:
      return FormatTimeMicros(a.buffers[1]->data_as<int64_t>()[k]);
    case TypeId::kIntervalMonthDayNano:
      return FormatMonthDayNano(a.buffers[1]->data_as<MonthDayNano>()[k]);
    case TypeId::kUtf8:
    case TypeId::kBinary:
    case TypeId::kLargeUtf8: {
      const std::string_view v = BinaryValueAt(a, i);
      if (a.type->id() != TypeId::kBinary) return std::string(v);
      if (IsBitString(*a.type)) return FormatBitString(v);
      // DuckDB's text of a BLOB: printable ASCII as it is, every other
      // byte (and \, ', ") as \xHH.
      std::string text;
      for (unsigned char c : v) {
        if (c >= 32 && c <= 126 && c != '\\' && c != '\'' && c != '"') {
          text += static_cast<char>(c);
        } else {
          text += fmt::format("\\x{:02X}", c);
        }
      }
      return text;
    }
    case TypeId::kStruct: {
      if (IsAggregateState(*a.type)) return FormatValue(*a.children[0], k);
      // An unnamed struct (a row) is shown as (a, b).
      const bool unnamed = std::all_of(a.type->fields().begin(), a.type->fields().end(),
                                       [](const FieldPtr& f) { return f->name().empty(); });
      std::string s = unnamed ? "(" : "{";
      for (size_t c = 0; c < a.children.size(); ++c) {
        if (c) s += ", ";
        if (!unnamed) s += "'" + a.type->fields()[c]->name() + "': ";
        s += FormatElement(*a.children[c], k);
      }
      return s + (unnamed ? ")" : "}");
    }
    case TypeId::kList: {
      const int32_t* o = a.buffers[1]->data_as<int32_t>();
      if (IsMap(*a.type)) {  // {k=v, ...}, as DuckDB shows a MAP
        const ArrayData& entries = *a.children[0];
        std::string s = "{";
        for (int32_t e = o[k]; e < o[k + 1]; ++e) {
          if (e != o[k]) s += ", ";
          const int64_t ek = entries.offset + e;
          s += FormatElement(*entries.children[0], ek) + "=" +
               FormatElement(*entries.children[1], ek);
        }
        return s + "}";
      }
      std::string s = "[";
      for (int32_t e = o[k]; e < o[k + 1]; ++e) {
        if (e != o[k]) s += ", ";
        s += FormatElement(*a.children[0], e);
      }
      return s + "]";
    }
  }
  return "?";
}

}  // namespace llkv::arrow
