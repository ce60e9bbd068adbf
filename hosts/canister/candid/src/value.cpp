#include "hyv/candid/value.h"

#include <algorithm>
#include <cstring>

namespace hyv::candid {

void BigInt::normalize() {
  while (!magnitude.empty() && magnitude.back() == 0) magnitude.pop_back();
  if (magnitude.empty()) negative = false;
}

BigInt BigInt::from_u64(uint64_t v) {
  BigInt b;
  for (; v != 0; v >>= 8) b.magnitude.push_back(static_cast<uint8_t>(v));
  return b;
}

BigInt BigInt::from_i64(int64_t v) {
  // The magnitude of INT64_MIN does not fit int64_t, so negate in unsigned arithmetic.
  uint64_t m = v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
  BigInt b = from_u64(m);
  b.negative = v < 0;
  return b;
}

Result<BigInt> BigInt::from_decimal(std::string_view s) {
  BigInt b;
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  if (s.empty()) return Status::Error("not a decimal integer: no digits");
  for (char c : s) {
    if (c < '0' || c > '9') return Status::Error(std::string("not a decimal integer: '") + c + "'");
    unsigned carry = static_cast<unsigned>(c - '0');
    for (uint8_t& byte : b.magnitude) {
      unsigned x = byte * 10u + carry;
      byte = static_cast<uint8_t>(x);
      carry = x >> 8;
    }
    if (carry) b.magnitude.push_back(static_cast<uint8_t>(carry));
  }
  b.negative = neg;
  b.normalize();
  return b;
}

std::string BigInt::to_decimal() const {
  if (magnitude.empty()) return "0";
  std::vector<uint8_t> m = magnitude;  // divided by 10^9 in place, most significant byte first
  std::string digits;                  // least significant first
  while (!m.empty()) {
    uint64_t rem = 0;
    for (size_t i = m.size(); i-- > 0;) {
      uint64_t cur = (rem << 8) | m[i];
      m[i] = static_cast<uint8_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    while (!m.empty() && m.back() == 0) m.pop_back();
    for (int k = 0; k < 9; ++k) {
      digits.push_back(static_cast<char>('0' + rem % 10));
      rem /= 10;
      if (m.empty() && rem == 0) break;
    }
  }
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

Value Value::boolean_(bool b) {
  Value v = of(Op::Bool);
  v.boolean = b;
  return v;
}
Value Value::nat(BigInt b) {
  Value v = of(Op::Nat);
  v.big = std::move(b);
  return v;
}
Value Value::int_(BigInt b) {
  Value v = of(Op::Int);
  v.big = std::move(b);
  return v;
}
Value Value::fixed(Op kind, uint64_t bits) {
  Value v = of(kind);
  v.bits = bits;
  return v;
}
Value Value::float32(float f) {
  Value v = of(Op::Float32);
  v.real = f;
  return v;
}
Value Value::float64(double d) {
  Value v = of(Op::Float64);
  v.real = d;
  return v;
}
Value Value::text_(std::string s) {
  Value v = of(Op::Text);
  v.text = std::move(s);
  return v;
}
Value Value::principal_(std::vector<uint8_t> bytes) {
  Value v = of(Op::Principal);
  v.principal = std::move(bytes);
  return v;
}
Value Value::none() {
  return of(Op::Opt);
}
Value Value::some(Value x) {
  Value v = of(Op::Opt);
  v.items.push_back(std::move(x));
  return v;
}
Value Value::vec(std::vector<Value> items) {
  Value v = of(Op::Vec);
  v.items = std::move(items);
  return v;
}
Value Value::blob_(std::vector<uint8_t> bytes) {
  Value v = of(Op::Vec);
  v.blob = std::move(bytes);
  return v;
}
Value Value::record(std::vector<uint32_t> ids, std::vector<Value> items) {
  Value v = of(Op::Record);
  v.ids = std::move(ids);
  v.items = std::move(items);
  return v;
}
Value Value::variant(uint32_t id, Value x) {
  Value v = of(Op::Variant);
  v.ids.push_back(id);
  v.items.push_back(std::move(x));
  return v;
}
Value Value::service(std::vector<uint8_t> principal) {
  Value v = of(Op::Service);
  v.principal = std::move(principal);
  return v;
}
Value Value::func(std::vector<uint8_t> principal, std::string method) {
  Value v = of(Op::Func);
  v.principal = std::move(principal);
  v.text = std::move(method);
  return v;
}

const Value* Value::field(uint32_t id) const {
  for (size_t i = 0; i < ids.size() && i < items.size(); ++i) {
    if (ids[i] == id) return &items[i];
  }
  return nullptr;
}

}  // namespace hyv::candid
