#include "hyv/candid/encode.h"

#include <cstring>
#include <string>

namespace hyv::candid {

void write_uleb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

void write_sleb(std::vector<uint8_t>& out, int64_t v) {
  for (;;) {
    uint8_t b = static_cast<uint8_t>(v) & 0x7f;
    v >>= 7;  // arithmetic shift (C++20)
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return;
  }
}

namespace {

size_t bit_length(const std::vector<uint8_t>& m) {
  if (m.empty()) return 0;
  size_t bits = (m.size() - 1) * 8;
  for (uint8_t top = m.back(); top; top >>= 1) ++bits;
  return bits;
}

// 7-bit groups of a little-endian two's complement number, sign-extended past its end.
void write_groups(std::vector<uint8_t>& out, const std::vector<uint8_t>& twos, bool negative,
                  size_t groups) {
  uint8_t fill = negative ? 0xff : 0x00;
  for (size_t g = 0; g < groups; ++g) {
    size_t bit = g * 7, byte = bit / 8, shift = bit % 8;
    unsigned lo = byte < twos.size() ? twos[byte] : fill;
    unsigned hi = byte + 1 < twos.size() ? twos[byte + 1] : fill;
    uint8_t b = static_cast<uint8_t>(((lo | (hi << 8)) >> shift) & 0x7f);
    out.push_back(g + 1 < groups ? (b | 0x80) : b);
  }
}

std::vector<uint8_t> minus_one(std::vector<uint8_t> m) {  // m > 0
  for (uint8_t& b : m) {
    if (b-- != 0) break;
  }
  while (!m.empty() && m.back() == 0) m.pop_back();
  return m;
}

}  // namespace

void write_nat(std::vector<uint8_t>& out, const BigInt& v) {
  size_t bits = bit_length(v.magnitude);
  write_groups(out, v.magnitude, false, bits == 0 ? 1 : (bits + 6) / 7);
}

void write_int(std::vector<uint8_t>& out, const BigInt& v) {
  if (!v.negative || v.is_zero()) {
    write_groups(out, v.magnitude, false, (bit_length(v.magnitude) + 1 + 6) / 7);
    return;
  }
  // -m in two's complement is ~(m - 1); it needs bit_length(m - 1) bits plus the sign bit.
  std::vector<uint8_t> twos = minus_one(v.magnitude);
  size_t groups = (bit_length(twos) + 1 + 6) / 7;
  for (uint8_t& b : twos) b = static_cast<uint8_t>(~b);
  write_groups(out, twos, true, groups);
}

namespace {

class Encoder {
 public:
  Encoder(const TypeTable& table, const EncodeOptions& options, std::vector<uint8_t>& out)
      : t_(table), opt_(options), out_(out) {}

  Status value(TypeRef type, const Value& v, const std::string& path, size_t depth) {
    if (depth > opt_.max_depth)
      return fail(path, "nesting deeper than " + std::to_string(opt_.max_depth));
    Op op = t_.op(type);
    if (op == Op::Reserved) return Status::Ok();  // reserved carries no bytes, whatever the value
    if (v.kind != op) {
      return fail(path,
                  std::string("expected a ") + op_name(op) + " value, got " + op_name(v.kind));
    }
    switch (op) {
      case Op::Null:
        return Status::Ok();
      case Op::Bool:
        out_.push_back(v.boolean ? 1 : 0);
        return Status::Ok();
      case Op::Nat:
        if (v.big.negative) return fail(path, "a nat cannot be negative");
        write_nat(out_, v.big);
        return Status::Ok();
      case Op::Int:
        write_int(out_, v.big);
        return Status::Ok();
      case Op::Nat8:
      case Op::Int8:
        return fixed(v.bits, 1);
      case Op::Nat16:
      case Op::Int16:
        return fixed(v.bits, 2);
      case Op::Nat32:
      case Op::Int32:
        return fixed(v.bits, 4);
      case Op::Nat64:
      case Op::Int64:
        return fixed(v.bits, 8);
      case Op::Float32: {
        float f = static_cast<float>(v.real);
        uint32_t b;
        std::memcpy(&b, &f, 4);
        return fixed(b, 4);
      }
      case Op::Float64: {
        uint64_t b;
        std::memcpy(&b, &v.real, 8);
        return fixed(b, 8);
      }
      case Op::Text:
        return bytes(v.text.data(), v.text.size());
      case Op::Principal:
        out_.push_back(1);
        return principal(v.principal, path);
      case Op::Empty:
        return fail(path, "the empty type has no values");
      case Op::Opt:
        if (v.items.size() > 1) return fail(path, "an opt holds at most one value");
        out_.push_back(v.items.empty() ? 0 : 1);
        return v.items.empty() ? Status::Ok()
                               : value(t_.node(type).inner, v.items[0], path + "?", depth + 1);
      case Op::Vec: {
        if (v.items.empty() && !v.blob.empty()) {
          if (t_.op(t_.node(type).inner) != Op::Nat8)
            return fail(path, "blob bytes for a vec that is not vec nat8");
          write_uleb(out_, v.blob.size());
          out_.insert(out_.end(), v.blob.begin(), v.blob.end());
          return Status::Ok();
        }
        write_uleb(out_, v.items.size());
        for (size_t i = 0; i < v.items.size(); ++i) {
          HYV_RETURN_IF_ERROR(value(t_.node(type).inner, v.items[i],
                                    path + "[" + std::to_string(i) + "]", depth + 1));
        }
        return Status::Ok();
      }
      case Op::Record:
        return record(t_.node(type), v, path, depth);
      case Op::Variant:
        return variant(t_.node(type), v, path, depth);
      case Op::Service:
        out_.push_back(1);
        return principal(v.principal, path);
      case Op::Func:
        out_.push_back(1);
        out_.push_back(1);
        HYV_RETURN_IF_ERROR(principal(v.principal, path));
        return bytes(v.text.data(), v.text.size());
      case Op::Reserved:
        break;
    }
    return Status::Ok();
  }

 private:
  Status fail(const std::string& path, const std::string& msg) {
    return Status::Error("candid encode: " + path + ": " + msg);
  }
  Status fixed(uint64_t bits, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
    return Status::Ok();
  }
  Status bytes(const char* p, size_t n) {
    write_uleb(out_, n);
    out_.insert(out_.end(), p, p + n);
    return Status::Ok();
  }
  Status principal(const std::vector<uint8_t>& p, const std::string& path) {
    if (p.size() > 29) return fail(path, "a principal has at most 29 bytes");
    write_uleb(out_, p.size());
    out_.insert(out_.end(), p.begin(), p.end());
    return Status::Ok();
  }
  Status record(const TypeNode& n, const Value& v, const std::string& path, size_t depth) {
    if (v.ids.size() != v.items.size()) return fail(path, "record ids and items differ in count");
    if (v.ids.size() != n.fields.size()) {
      return fail(path, "record has " + std::to_string(v.ids.size()) + " fields, its type " +
                            std::to_string(n.fields.size()));
    }
    for (const Field& f : n.fields) {
      const Value* fv = v.field(f.id);
      std::string sub = path + "." + std::to_string(f.id);
      if (!fv) return fail(sub, "missing record field");
      HYV_RETURN_IF_ERROR(value(f.type, *fv, sub, depth + 1));
    }
    return Status::Ok();
  }
  Status variant(const TypeNode& n, const Value& v, const std::string& path, size_t depth) {
    if (v.ids.size() != 1 || v.items.size() != 1)
      return fail(path, "a variant holds exactly one case");
    for (size_t i = 0; i < n.fields.size(); ++i) {
      if (n.fields[i].id == v.ids[0]) {
        write_uleb(out_, i);
        return value(n.fields[i].type, v.items[0], path + "." + std::to_string(v.ids[0]),
                     depth + 1);
      }
    }
    return fail(path, "variant case " + std::to_string(v.ids[0]) + " is not in its type");
  }

  const TypeTable& t_;
  const EncodeOptions& opt_;
  std::vector<uint8_t>& out_;
};

void write_table(std::vector<uint8_t>& out, const TypeTable& table) {
  write_uleb(out, table.size());
  for (const TypeNode& n : table.nodes()) {
    write_sleb(out, static_cast<int32_t>(n.op));
    switch (n.op) {
      case Op::Opt:
      case Op::Vec:
        write_sleb(out, n.inner.code);
        break;
      case Op::Record:
      case Op::Variant:
        write_uleb(out, n.fields.size());
        for (const Field& f : n.fields) {
          write_uleb(out, f.id);
          write_sleb(out, f.type.code);
        }
        break;
      case Op::Func:
        write_uleb(out, n.args.size());
        for (TypeRef r : n.args) write_sleb(out, r.code);
        write_uleb(out, n.results.size());
        for (TypeRef r : n.results) write_sleb(out, r.code);
        write_uleb(out, n.modes.size());
        out.insert(out.end(), n.modes.begin(), n.modes.end());
        break;
      case Op::Service:
        write_uleb(out, n.methods.size());
        for (const Method& m : n.methods) {
          write_uleb(out, m.name.size());
          out.insert(out.end(), m.name.begin(), m.name.end());
          write_sleb(out, m.type.code);
        }
        break;
      default:
        break;
    }
  }
}

}  // namespace

Result<std::vector<uint8_t>> encode_args(const TypeTable& table, std::span<const TypeRef> types,
                                         std::span<const Value> values,
                                         const EncodeOptions& options) {
  HYV_RETURN_IF_ERROR(table.validate());
  if (types.size() != values.size()) {
    return Status::Error("candid encode: " + std::to_string(types.size()) + " types but " +
                         std::to_string(values.size()) + " values");
  }
  std::vector<uint8_t> out = {'D', 'I', 'D', 'L'};
  write_table(out, table);
  write_uleb(out, types.size());
  for (TypeRef t : types) {
    if (!table.valid(t))
      return Status::Error("candid encode: invalid argument type " + std::to_string(t.code));
    write_sleb(out, t.code);
  }
  Encoder enc(table, options, out);
  for (size_t i = 0; i < types.size(); ++i) {
    HYV_RETURN_IF_ERROR(enc.value(types[i], values[i], "arg " + std::to_string(i), 0));
  }
  return out;
}

}  // namespace hyv::candid
