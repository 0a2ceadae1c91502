// BIT strings (arrow::bit_string()): the layout's helpers, shared by the
// casts and functions (bit_functions.cc) and the aggregates over them.
#pragma once

#include <string>
#include <string_view>

#include "llkv/arrow/array.h"

namespace llkv::execution {

namespace bits {
// The number of bits in `b` (a BIT value's bytes).
size_t Length(std::string_view b);
// A BIT value of `n` zero bits.
std::string Zeros(size_t n);
// Bit i (0-based, from the left) of `b`; i < Length(b).
bool Get(std::string_view b, size_t i);
void Set(std::string& b, size_t i, bool v);
// A BIT value from '0'/'1' text; a Conversion Error names any other
// character.
std::string FromText(std::string_view text);
// The low `width` bits of `v`, most significant first.
std::string FromInteger(uint64_t v, size_t width);
// a & b, a | b or a ^ b (op '&', '|', '^') of two strings of one length;
// an Invalid Input Error when their lengths differ.
std::string Bitwise(std::string_view a, std::string_view b, char op);
}  // namespace bits

// Casts `a` to `to` where either is a BIT string: from text, integers
// (their two's complement, as wide as their type) and blobs; to text,
// integers (the string must fit) and blobs (whole bytes).
arrow::ArrayDataPtr CastBitString(const arrow::ArrayData& a, const arrow::TypePtr& to);

}  // namespace llkv::execution
