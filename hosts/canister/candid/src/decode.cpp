#include "hyv/candid/decode.h"

#include <cstring>
#include <string>

namespace hyv::candid {
namespace {

bool valid_utf8(const uint8_t* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    uint32_t cp = c & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

class Reader {
 public:
  Reader(Bytes b, const DecodeOptions& o)
      : b_(b), opt_(o), zero_budget_(o.max_zero_size_elements), value_budget_(o.max_values) {}

  Status fail(const std::string& msg, size_t at) const {
    return Status::Error("candid: byte " + std::to_string(at) + ": " + msg);
  }
  Status fail(const std::string& msg) const { return fail(msg, pos_); }
  size_t remaining() const { return b_.size() - pos_; }
  size_t pos() const { return pos_; }

  Status magic() {
    if (b_.size() < 4 || std::memcmp(b_.data(), "DIDL", 4) != 0) {
      return fail("missing the \"DIDL\" magic number", 0);
    }
    pos_ = 4;
    return Status::Ok();
  }

  Status uleb(uint64_t& v) {
    size_t start = pos_;
    v = 0;
    for (int shift = 0;; shift += 7) {
      if (pos_ >= b_.size()) return fail("LEB128 number runs past the end", start);
      uint8_t byte = b_[pos_++];
      if (shift == 63 && (byte & 0x7e)) return fail("LEB128 number exceeds 64 bits", start);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return Status::Ok();
      if (shift == 63) return fail("LEB128 number exceeds 64 bits", start);
    }
  }

  Status sleb(int64_t& v) {
    size_t start = pos_;
    uint64_t r = 0;
    for (int shift = 0;; shift += 7) {
      if (pos_ >= b_.size()) return fail("SLEB128 number runs past the end", start);
      uint8_t byte = b_[pos_++];
      r |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) {
        if (shift < 57 && (byte & 0x40)) r |= ~uint64_t{0} << (shift + 7);
        if (shift == 63 && byte != 0 && byte != 0x7f)
          return fail("SLEB128 number exceeds 64 bits", start);
        v = static_cast<int64_t>(r);
        return Status::Ok();
      }
      if (shift == 63) return fail("SLEB128 number exceeds 64 bits", start);
    }
  }

  // A count of things that each take at least one byte, so it cannot exceed what is left.
  Status count(uint64_t& n, const char* what) {
    size_t start = pos_;
    HYV_RETURN_IF_ERROR(uleb(n));
    if (n > remaining()) {
      return fail(std::string(what) + " count " + std::to_string(n) + " exceeds the " +
                      std::to_string(remaining()) + " bytes left",
                  start);
    }
    return Status::Ok();
  }

  Status type_ref(TypeRef& r) {
    size_t start = pos_;
    int64_t c = 0;
    HYV_RETURN_IF_ERROR(sleb(c));
    if (c < INT32_MIN || c > INT32_MAX) return fail("type reference out of range", start);
    r.code = static_cast<int32_t>(c);
    refs_.push_back({r, start});
    return Status::Ok();
  }

  Status take(size_t n, const uint8_t*& p) {
    if (n > remaining()) {
      return fail(std::to_string(n) + " bytes needed, " + std::to_string(remaining()) + " left");
    }
    p = b_.data() + pos_;
    pos_ += n;
    return Status::Ok();
  }

  Status text(std::string& s) {
    size_t start = pos_;
    uint64_t n = 0;
    HYV_RETURN_IF_ERROR(count(n, "text byte"));
    const uint8_t* p = nullptr;
    HYV_RETURN_IF_ERROR(take(n, p));
    if (!valid_utf8(p, n)) return fail("text is not valid UTF-8", start);
    s.assign(reinterpret_cast<const char*>(p), n);
    return Status::Ok();
  }

  Status principal_bytes(std::vector<uint8_t>& out) {
    size_t start = pos_;
    uint64_t n = 0;
    HYV_RETURN_IF_ERROR(uleb(n));
    if (n > kMaxPrincipalBytes) {
      return fail("principal of " + std::to_string(n) + " bytes (at most 29)", start);
    }
    const uint8_t* p = nullptr;
    HYV_RETURN_IF_ERROR(take(n, p));
    out.assign(p, p + n);
    return Status::Ok();
  }

  Status ref_flag() {
    size_t start = pos_;
    const uint8_t* p = nullptr;
    HYV_RETURN_IF_ERROR(take(1, p));
    if (*p == 0) return fail("opaque references are not supported", start);
    if (*p != 1) return fail("reference flag " + std::to_string(*p) + " (expected 1)", start);
    return Status::Ok();
  }

  Status table(TypeTable& t) {
    uint64_t n = 0;
    HYV_RETURN_IF_ERROR(count(n, "type table"));
    for (uint64_t i = 0; i < n; ++i) {
      size_t start = pos_;
      int64_t code = 0;
      HYV_RETURN_IF_ERROR(sleb(code));
      TypeNode node;
      node.op = static_cast<Op>(code);
      if (code < -23 || code > -18) {
        return fail("type table entry " + std::to_string(i) + " has opcode " +
                        std::to_string(code) + ", not a constructed type",
                    start);
      }
      switch (node.op) {
        case Op::Opt:
        case Op::Vec:
          HYV_RETURN_IF_ERROR(type_ref(node.inner));
          break;
        case Op::Record:
        case Op::Variant:
          HYV_RETURN_IF_ERROR(fields(node));
          break;
        case Op::Func:
          HYV_RETURN_IF_ERROR(func(node));
          break;
        case Op::Service:
          HYV_RETURN_IF_ERROR(service(node));
          break;
        default:
          break;
      }
      t.add(std::move(node));
    }
    return Status::Ok();
  }

  // Every reference read so far must name a primitive or an entry of the table.
  Status check_refs(const TypeTable& t) const {
    for (const auto& [r, at] : refs_) {
      if (!t.valid(r))
        return fail("type reference " + std::to_string(r.code) + " is out of range", at);
    }
    return Status::Ok();
  }

  Status value(const TypeTable& t, TypeRef type, Value& v, size_t depth);

 private:
  Status fields(TypeNode& node) {
    uint64_t n = 0;
    HYV_RETURN_IF_ERROR(count(n, "field"));
    node.fields.reserve(n);
    for (uint64_t k = 0; k < n; ++k) {
      size_t start = pos_;
      uint64_t id = 0;
      HYV_RETURN_IF_ERROR(uleb(id));
      if (id > UINT32_MAX) return fail("field id exceeds 32 bits", start);
      if (k > 0 && id <= node.fields.back().id) {
        return fail("field id " + std::to_string(id) + " is not greater than the previous one",
                    start);
      }
      Field f;
      f.id = static_cast<uint32_t>(id);
      HYV_RETURN_IF_ERROR(type_ref(f.type));
      node.fields.push_back(f);
    }
    return Status::Ok();
  }

  Status refs(std::vector<TypeRef>& out) {
    uint64_t n = 0;
    HYV_RETURN_IF_ERROR(count(n, "type"));
    out.resize(n);
    for (TypeRef& r : out) HYV_RETURN_IF_ERROR(type_ref(r));
    return Status::Ok();
  }

  Status func(TypeNode& node) {
    HYV_RETURN_IF_ERROR(refs(node.args));
    HYV_RETURN_IF_ERROR(refs(node.results));
    uint64_t n = 0;
    HYV_RETURN_IF_ERROR(count(n, "annotation"));
    for (uint64_t k = 0; k < n; ++k) {
      const uint8_t* p = nullptr;
      HYV_RETURN_IF_ERROR(take(1, p));
      if (*p < 1 || *p > 3) return fail("unknown func annotation " + std::to_string(*p), pos_ - 1);
      node.modes.push_back(*p);
    }
    return Status::Ok();
  }

  Status service(TypeNode& node) {
    uint64_t n = 0;
    HYV_RETURN_IF_ERROR(count(n, "method"));
    for (uint64_t k = 0; k < n; ++k) {
      size_t start = pos_;
      Method m;
      HYV_RETURN_IF_ERROR(text(m.name));
      if (k > 0 && m.name <= node.methods.back().name) {
        return fail("method " + m.name + " is not after the previous one", start);
      }
      HYV_RETURN_IF_ERROR(type_ref(m.type));
      node.methods.push_back(std::move(m));
    }
    return Status::Ok();
  }

  Status fixed(Value& v, Op kind, size_t n) {
    const uint8_t* p = nullptr;
    HYV_RETURN_IF_ERROR(take(n, p));
    uint64_t bits = 0;
    for (size_t i = 0; i < n; ++i) bits |= static_cast<uint64_t>(p[i]) << (8 * i);
    bool is_signed =
        kind == Op::Int8 || kind == Op::Int16 || kind == Op::Int32 || kind == Op::Int64;
    if (is_signed && n < 8 && (bits >> (8 * n - 1)) & 1) bits |= ~uint64_t{0} << (8 * n);
    v = Value::fixed(kind, bits);
    return Status::Ok();
  }

  // nat and int of any size: 7-bit groups into a little-endian two's complement byte string.
  Status big(Value& v, bool is_signed) {
    size_t start = pos_;
    size_t end = pos_;
    while (end < b_.size() && (b_[end] & 0x80)) ++end;
    if (end >= b_.size()) return fail("LEB128 number runs past the end", start);
    size_t groups = end - start + 1;
    std::vector<uint8_t> twos((groups * 7 + 7) / 8, 0);
    for (size_t g = 0; g < groups; ++g) {
      unsigned bits = b_[start + g] & 0x7f;
      size_t bit = g * 7;
      twos[bit / 8] |= static_cast<uint8_t>(bits << (bit % 8));
      if (bit % 8 > 1 && bit / 8 + 1 < twos.size()) {
        twos[bit / 8 + 1] |= static_cast<uint8_t>(bits >> (8 - bit % 8));
      }
    }
    pos_ = end + 1;
    BigInt b;
    bool negative = is_signed && (b_[end] & 0x40);
    if (negative) {
      size_t top_bits = groups * 7 - (twos.size() - 1) * 8;  // bits used in the last byte
      if (top_bits < 8) twos.back() |= static_cast<uint8_t>(0xff << top_bits);
      unsigned carry = 1;  // magnitude = ~twos + 1
      for (uint8_t& x : twos) {
        unsigned y = static_cast<uint8_t>(~x) + carry;
        x = static_cast<uint8_t>(y);
        carry = y >> 8;
      }
    }
    b.magnitude = std::move(twos);
    b.negative = negative;
    b.normalize();
    v = is_signed ? Value::int_(std::move(b)) : Value::nat(std::move(b));
    return Status::Ok();
  }

  // True when values of `type` may take no bytes at all (null, reserved, records of those).
  bool zero_size(const TypeTable& t, TypeRef type, size_t depth) const {
    if (depth > opt_.max_depth) return true;
    Op op = t.op(type);
    if (op == Op::Null || op == Op::Reserved) return true;
    if (op != Op::Record) return false;
    for (const Field& f : t.node(type).fields) {
      if (!zero_size(t, f.type, depth + 1)) return false;
    }
    return true;
  }

  Bytes b_;
  const DecodeOptions& opt_;
  size_t pos_ = 0;
  uint64_t zero_budget_;
  uint64_t value_budget_;
  std::vector<std::pair<TypeRef, size_t>> refs_;
};

Status Reader::value(const TypeTable& t, TypeRef type, Value& v, size_t depth) {
  if (depth > opt_.max_depth) {
    return fail("values nested deeper than " + std::to_string(opt_.max_depth));
  }
  if (value_budget_ == 0) return fail("more than " + std::to_string(opt_.max_values) + " values");
  --value_budget_;
  Op op = t.op(type);
  switch (op) {
    case Op::Null:
      v = Value::null();
      return Status::Ok();
    case Op::Reserved:
      v = Value::reserved();
      return Status::Ok();
    case Op::Empty:
      return fail("a value of type empty cannot exist");
    case Op::Bool: {
      const uint8_t* p = nullptr;
      HYV_RETURN_IF_ERROR(take(1, p));
      if (*p > 1) return fail("bool byte " + std::to_string(*p) + " is neither 0 nor 1", pos_ - 1);
      v = Value::boolean_(*p == 1);
      return Status::Ok();
    }
    case Op::Nat:
      return big(v, false);
    case Op::Int:
      return big(v, true);
    case Op::Nat8:
    case Op::Int8:
      return fixed(v, op, 1);
    case Op::Nat16:
    case Op::Int16:
      return fixed(v, op, 2);
    case Op::Nat32:
    case Op::Int32:
      return fixed(v, op, 4);
    case Op::Nat64:
    case Op::Int64:
      return fixed(v, op, 8);
    case Op::Float32: {
      const uint8_t* p = nullptr;
      HYV_RETURN_IF_ERROR(take(4, p));
      uint32_t bits = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
      float f;
      std::memcpy(&f, &bits, 4);
      v = Value::float32(f);
      return Status::Ok();
    }
    case Op::Float64: {
      const uint8_t* p = nullptr;
      HYV_RETURN_IF_ERROR(take(8, p));
      uint64_t bits = 0;
      for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(p[i]) << (8 * i);
      double d;
      std::memcpy(&d, &bits, 8);
      v = Value::float64(d);
      return Status::Ok();
    }
    case Op::Text: {
      v = Value::text_("");
      return text(v.text);
    }
    case Op::Principal: {
      v = Value::principal_({});
      HYV_RETURN_IF_ERROR(ref_flag());
      return principal_bytes(v.principal);
    }
    case Op::Service: {
      v = Value::service({});
      HYV_RETURN_IF_ERROR(ref_flag());
      return principal_bytes(v.principal);
    }
    case Op::Func: {
      v = Value::func({}, "");
      HYV_RETURN_IF_ERROR(ref_flag());
      HYV_RETURN_IF_ERROR(ref_flag());
      HYV_RETURN_IF_ERROR(principal_bytes(v.principal));
      return text(v.text);
    }
    case Op::Opt: {
      const uint8_t* p = nullptr;
      HYV_RETURN_IF_ERROR(take(1, p));
      if (*p > 1) return fail("opt tag " + std::to_string(*p) + " is neither 0 nor 1", pos_ - 1);
      v = Value::none();
      if (*p == 0) return Status::Ok();
      v.items.emplace_back();
      return value(t, t.node(type).inner, v.items[0], depth + 1);
    }
    case Op::Vec: {
      size_t start = pos_;
      uint64_t n = 0;
      HYV_RETURN_IF_ERROR(uleb(n));
      TypeRef inner = t.node(type).inner;
      if (n > remaining()) {
        if (!zero_size(t, inner, depth) || n > zero_budget_) {
          return fail("vec of " + std::to_string(n) + " elements exceeds the " +
                          std::to_string(remaining()) + " bytes left",
                      start);
        }
        zero_budget_ -= n;
      }
      if (t.op(inner) == Op::Nat8) {
        const uint8_t* p = nullptr;
        HYV_RETURN_IF_ERROR(take(n, p));
        v = Value::blob_(std::vector<uint8_t>(p, p + n));
        return Status::Ok();
      }
      if (n > value_budget_) {
        return fail("vec of " + std::to_string(n) + " elements exceeds the value limit", start);
      }
      v = Value::vec({});
      v.items.resize(n);
      for (Value& item : v.items) HYV_RETURN_IF_ERROR(value(t, inner, item, depth + 1));
      return Status::Ok();
    }
    case Op::Record: {
      const TypeNode& node = t.node(type);
      v = Value::record({}, {});
      v.ids.reserve(node.fields.size());
      v.items.resize(node.fields.size());
      for (size_t i = 0; i < node.fields.size(); ++i) {
        v.ids.push_back(node.fields[i].id);
        HYV_RETURN_IF_ERROR(value(t, node.fields[i].type, v.items[i], depth + 1));
      }
      return Status::Ok();
    }
    case Op::Variant: {
      size_t start = pos_;
      uint64_t index = 0;
      HYV_RETURN_IF_ERROR(uleb(index));
      const TypeNode& node = t.node(type);
      if (index >= node.fields.size()) {
        return fail("variant index " + std::to_string(index) + " but the type has " +
                        std::to_string(node.fields.size()) + " cases",
                    start);
      }
      v = Value::variant(node.fields[index].id, Value{});
      return value(t, node.fields[index].type, v.items[0], depth + 1);
    }
  }
  return fail("unknown type");
}

}  // namespace

Result<Message> decode_message(Bytes bytes, const DecodeOptions& options) {
  Reader r(bytes, options);
  Message m;
  HYV_RETURN_IF_ERROR(r.magic());
  HYV_RETURN_IF_ERROR(r.table(m.table));
  uint64_t n = 0;
  HYV_RETURN_IF_ERROR(r.count(n, "argument"));
  m.types.resize(n);
  for (TypeRef& t : m.types) HYV_RETURN_IF_ERROR(r.type_ref(t));
  HYV_RETURN_IF_ERROR(r.check_refs(m.table));
  Status table_ok = m.table.validate();
  if (!table_ok.ok()) return Status::Error("candid: " + table_ok.message());
  m.values.resize(n);
  for (size_t i = 0; i < n; ++i) HYV_RETURN_IF_ERROR(r.value(m.table, m.types[i], m.values[i], 0));
  if (r.remaining() != 0)
    return r.fail(std::to_string(r.remaining()) + " bytes left after the values");
  return m;
}

}  // namespace hyv::candid
