// Candid values: one tagged tree for every type, so decoded messages of unknown shape can be
// inspected, re-encoded or coerced to an expected type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/candid/types.h"
#include "hyv/status.h"

namespace hyv::candid {

// An integer of any size for `nat` and `int`: sign and magnitude (little-endian base 256, no
// trailing zero bytes; zero is an empty magnitude and never negative).
struct BigInt {
  bool negative = false;
  std::vector<uint8_t> magnitude;

  static BigInt from_u64(uint64_t v);
  static BigInt from_i64(int64_t v);
  // "-123", "42": optional minus sign then decimal digits.
  static Result<BigInt> from_decimal(std::string_view s);
  std::string to_decimal() const;
  bool is_zero() const { return magnitude.empty(); }
  void normalize();
  bool operator==(const BigInt&) const = default;
};

struct Value {
  Op kind = Op::Null;
  bool boolean = false;
  uint64_t bits = 0;  // nat8..nat64 zero-extended, int8..int64 as two's complement of 64 bits
  double real = 0;    // float32 (exactly representable), float64
  BigInt big;         // nat, int
  std::string text;   // text; a func reference's method name
  std::vector<uint8_t> principal;  // principal, service and func references
  // vec nat8 (blob) as bytes, one byte each instead of one Value each: the decoder always fills
  // this for vec nat8 (items stay empty); the encoder takes it when items is empty.
  std::vector<uint8_t> blob;
  std::vector<Value> items;   // opt (0 or 1), vec, record and variant field values
  std::vector<uint32_t> ids;  // record and variant field ids, parallel to items

  static Value null() { return Value{}; }
  static Value reserved() { return of(Op::Reserved); }
  static Value boolean_(bool b);
  static Value nat(BigInt v);
  static Value int_(BigInt v);
  static Value fixed(Op kind, uint64_t bits);  // nat8..int64
  static Value float32(float v);
  static Value float64(double v);
  static Value text_(std::string s);
  static Value principal_(std::vector<uint8_t> bytes);
  static Value none();
  static Value some(Value v);
  static Value vec(std::vector<Value> items);
  static Value blob_(std::vector<uint8_t> bytes);
  static Value record(std::vector<uint32_t> ids, std::vector<Value> items);
  static Value variant(uint32_t id, Value v);
  static Value service(std::vector<uint8_t> principal);
  static Value func(std::vector<uint8_t> principal, std::string method);

  // The value of a record field, or null when absent.
  const Value* field(uint32_t id) const;
  int64_t as_i64() const { return static_cast<int64_t>(bits); }

  bool operator==(const Value&) const = default;

 private:
  static Value of(Op k) {
    Value v;
    v.kind = k;
    return v;
  }
};

}  // namespace hyv::candid
