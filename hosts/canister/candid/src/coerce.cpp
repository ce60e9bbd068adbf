// Candid subtyping on decode: a value of the sender's type becomes a value of the receiver's type,
// following the spec's coercion rules. Whether an opt holds its value or null is decided on the
// types (is_subtype), as the spec says, so an empty vec of the wrong element type is null too.
#include <map>
#include <string>
#include <utility>

#include "hyv/candid/decode.h"

namespace hyv::candid {
namespace {

class Coercer {
 public:
  Coercer(const TypeTable& from, const TypeTable& to, const DecodeOptions& o)
      : ft_(from), tt_(to), opt_(o) {}

  Result<Value> run(const Value& v, TypeRef from, TypeRef to, const std::string& path,
                    size_t depth) {
    if (depth > opt_.max_depth)
      return fail(path, "nesting deeper than " + std::to_string(opt_.max_depth));
    Op fo = ft_.op(from), to_op = tt_.op(to);
    if (!shaped(v, from, fo)) return fail(path, std::string("the value is not a ") + op_name(fo));
    if (to_op == Op::Reserved) return Value::reserved();
    if (to_op == Op::Opt) return to_opt(v, from, fo, tt_.node(to).inner, path, depth);
    if (fo == to_op) return same(v, from, to, fo, path, depth);
    if (fo == Op::Nat && to_op == Op::Int) return Value::int_(v.big);
    return fail(path,
                std::string("expected ") + op_name(to_op) + ", the message has " + op_name(fo));
  }

 private:
  Status fail(const std::string& path, const std::string& msg) const {
    return Status::Error("candid: " + path + ": " + msg);
  }

  // Guards the public coerce() against hand-made values that do not match their claimed type.
  bool shaped(const Value& v, TypeRef from, Op fo) const {
    if (v.kind != fo) return false;
    if (fo == Op::Opt) return v.items.size() <= 1;
    if (fo == Op::Variant) return v.ids.size() == 1 && v.items.size() == 1;
    if (fo == Op::Record) {
      return v.ids.size() == v.items.size() && v.items.size() == ft_.node(from).fields.size();
    }
    return true;
  }

  // Cached: a vec of many opt values asks about the same pair of types each time.
  bool subtype(TypeRef from, TypeRef to) {
    auto key = std::make_pair(from.code, to.code);
    auto it = subtype_cache_.find(key);
    if (it != subtype_cache_.end()) return it->second;
    bool ok = is_subtype(ft_, from, tt_, to, opt_.max_depth);
    subtype_cache_.emplace(key, ok);
    return ok;
  }

  bool nullish(Op op) const { return op == Op::Null || op == Op::Opt || op == Op::Reserved; }

  Result<Value> to_opt(const Value& v, TypeRef from, Op fo, TypeRef inner, const std::string& path,
                       size_t depth) {
    if (fo == Op::Null || fo == Op::Reserved) return Value::none();
    if (fo == Op::Opt) {
      if (v.items.empty()) return Value::none();
      if (!subtype(ft_.node(from).inner, inner)) return Value::none();
      Result<Value> r = run(v.items[0], ft_.node(from).inner, inner, path + "?", depth + 1);
      return r.ok() ? Value::some(std::move(r).value()) : Value::none();
    }
    // The special opt rule: a plain value where an opt is expected, unless the opt's content could
    // itself be null (which would make the reading ambiguous).
    if (nullish(tt_.op(inner)) || !subtype(from, inner)) return Value::none();
    Result<Value> r = run(v, from, inner, path, depth + 1);
    return r.ok() ? Value::some(std::move(r).value()) : Value::none();
  }

  Result<Value> same(const Value& v, TypeRef from, TypeRef to, Op op, const std::string& path,
                     size_t depth) {
    switch (op) {
      case Op::Vec: {
        TypeRef to_inner = tt_.node(to).inner;
        if (v.items.empty() && !v.blob.empty()) {
          if (tt_.op(to_inner) == Op::Nat8) return v;
          if (v.blob.size() > opt_.max_values) return fail(path, "blob too long to read as a vec");
          Value expanded = Value::vec({});  // a blob read as, say, vec opt nat8
          for (uint8_t b : v.blob) expanded.items.push_back(Value::fixed(Op::Nat8, b));
          return same(expanded, from, to, op, path, depth);
        }
        std::vector<Value> items;
        items.reserve(v.items.size());
        for (size_t i = 0; i < v.items.size(); ++i) {
          Result<Value> r = run(v.items[i], ft_.node(from).inner, tt_.node(to).inner,
                                path + "[" + std::to_string(i) + "]", depth + 1);
          if (!r.ok()) return r.status();
          items.push_back(std::move(r).value());
        }
        return Value::vec(std::move(items));
      }
      case Op::Record:
        return record(v, ft_.node(from), tt_.node(to), path, depth);
      case Op::Variant: {
        const TypeNode& fn = ft_.node(from);
        const TypeNode& tn = tt_.node(to);
        uint32_t id = v.ids[0];
        TypeRef ft{}, target{};
        bool found_from = false, found_to = false;
        for (const Field& f : fn.fields) {
          if (f.id == id) ft = f.type, found_from = true;
        }
        for (const Field& f : tn.fields) {
          if (f.id == id) target = f.type, found_to = true;
        }
        if (!found_from || !found_to) {
          return fail(path, "variant case " + std::to_string(id) + " is not in the expected type");
        }
        Result<Value> r = run(v.items[0], ft, target, path + "." + std::to_string(id), depth + 1);
        if (!r.ok()) return r.status();
        return Value::variant(id, std::move(r).value());
      }
      default:
        return v;  // primitives and references
    }
  }

  Result<Value> record(const Value& v, const TypeNode& fn, const TypeNode& tn,
                       const std::string& path, size_t depth) {
    std::vector<uint32_t> ids;
    std::vector<Value> items;
    size_t k = 0;  // both field lists are sorted by id
    for (const Field& want : tn.fields) {
      while (k < fn.fields.size() && fn.fields[k].id < want.id) ++k;
      std::string sub = path + "." + std::to_string(want.id);
      ids.push_back(want.id);
      if (k < fn.fields.size() && fn.fields[k].id == want.id) {
        const Value* item = v.ids[k] == want.id ? &v.items[k] : v.field(want.id);
        if (!item) return fail(sub, "the record value lacks this field");
        Result<Value> r = run(*item, fn.fields[k].type, want.type, sub, depth + 1);
        if (!r.ok()) return r.status();
        items.push_back(std::move(r).value());
        continue;
      }
      Op wo = tt_.op(want.type);
      if (!nullish(wo)) return fail(sub, "record field missing from the message");
      items.push_back(wo == Op::Opt    ? Value::none()
                      : wo == Op::Null ? Value::null()
                                       : Value::reserved());
    }
    return Value::record(std::move(ids), std::move(items));
  }

  const TypeTable& ft_;
  const TypeTable& tt_;
  const DecodeOptions& opt_;
  std::map<std::pair<int32_t, int32_t>, bool> subtype_cache_;
};

}  // namespace

Result<Value> coerce(const Value& v, const TypeTable& from_table, TypeRef from,
                     const TypeTable& to_table, TypeRef to, const DecodeOptions& options) {
  if (!from_table.valid(from) || !to_table.valid(to)) {
    return Status::Error("candid: coerce: invalid type reference");
  }
  return Coercer(from_table, to_table, options).run(v, from, to, "value", 0);
}

Result<std::vector<Value>> decode_args(Bytes bytes, const TypeTable& table,
                                       std::span<const TypeRef> expected,
                                       const DecodeOptions& options) {
  Status ok = table.validate();
  if (!ok.ok()) return ok;
  Result<Message> m = decode_message(bytes, options);
  if (!m.ok()) return m.status();
  const Message& msg = m.value();
  Coercer c(msg.table, table, options);
  std::vector<Value> out;
  for (size_t i = 0; i < expected.size(); ++i) {
    std::string path = "arg " + std::to_string(i);
    if (i >= msg.values.size()) {
      Op op = table.op(expected[i]);
      if (op == Op::Opt)
        out.push_back(Value::none());
      else if (op == Op::Null)
        out.push_back(Value::null());
      else if (op == Op::Reserved)
        out.push_back(Value::reserved());
      else
        return Status::Error("candid: " + path + ": missing from the message");
      continue;
    }
    if (!is_subtype(msg.table, msg.types[i], table, expected[i], options.max_depth)) {
      // Find the first value-level mismatch for a precise message; fall back to a general one.
      Result<Value> r = c.run(msg.values[i], msg.types[i], expected[i], path, 0);
      return r.ok() ? Status::Error("candid: " + path +
                                    ": the message's type is not a subtype "
                                    "of the expected type")
                    : r.status();
    }
    Result<Value> r = c.run(msg.values[i], msg.types[i], expected[i], path, 0);
    if (!r.ok()) return r.status();
    out.push_back(std::move(r).value());
  }
  return out;
}

}  // namespace hyv::candid
