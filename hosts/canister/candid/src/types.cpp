#include "hyv/candid/types.h"

#include <algorithm>

namespace hyv::candid {

const char* op_name(Op op) {
  switch (op) {
    case Op::Null:
      return "null";
    case Op::Bool:
      return "bool";
    case Op::Nat:
      return "nat";
    case Op::Int:
      return "int";
    case Op::Nat8:
      return "nat8";
    case Op::Nat16:
      return "nat16";
    case Op::Nat32:
      return "nat32";
    case Op::Nat64:
      return "nat64";
    case Op::Int8:
      return "int8";
    case Op::Int16:
      return "int16";
    case Op::Int32:
      return "int32";
    case Op::Int64:
      return "int64";
    case Op::Float32:
      return "float32";
    case Op::Float64:
      return "float64";
    case Op::Text:
      return "text";
    case Op::Reserved:
      return "reserved";
    case Op::Empty:
      return "empty";
    case Op::Opt:
      return "opt";
    case Op::Vec:
      return "vec";
    case Op::Record:
      return "record";
    case Op::Variant:
      return "variant";
    case Op::Func:
      return "func";
    case Op::Service:
      return "service";
    case Op::Principal:
      return "principal";
  }
  return "unknown";
}

bool is_primitive(Op op) {
  int32_t c = static_cast<int32_t>(op);
  return (c <= -1 && c >= -17) || op == Op::Principal;
}

bool is_constructor(Op op) {
  int32_t c = static_cast<int32_t>(op);
  return c <= -18 && c >= -23;
}

uint32_t field_hash(std::string_view name) {
  uint32_t h = 0;  // arithmetic mod 2^32 by unsigned wrap-around
  for (unsigned char c : name) h = h * 223u + c;
  return h;
}

namespace {
std::vector<Field> sorted(std::vector<Field> f) {
  std::sort(f.begin(), f.end(), [](const Field& a, const Field& b) { return a.id < b.id; });
  return f;
}
}  // namespace

TypeNode TypeNode::record(std::vector<Field> f) {
  TypeNode n;
  n.op = Op::Record;
  n.fields = sorted(std::move(f));
  return n;
}

TypeNode TypeNode::variant(std::vector<Field> f) {
  TypeNode n;
  n.op = Op::Variant;
  n.fields = sorted(std::move(f));
  return n;
}

TypeRef TypeTable::add(TypeNode node) {
  nodes_.push_back(std::move(node));
  defined_.push_back(true);
  return TypeRef{static_cast<int32_t>(nodes_.size() - 1)};
}

TypeRef TypeTable::tuple(const std::vector<TypeRef>& items) {
  std::vector<Field> f;
  for (size_t i = 0; i < items.size(); ++i) f.push_back(Field{static_cast<uint32_t>(i), items[i]});
  return record(std::move(f));
}

TypeRef TypeTable::reserve() {
  TypeRef r = add(TypeNode{});
  defined_.back() = false;
  return r;
}

Status TypeTable::define(TypeRef slot, TypeNode node) {
  if (!slot.is_index() || static_cast<size_t>(slot.code) >= nodes_.size()) {
    return Status::Error("candid type table: define(" + std::to_string(slot.code) +
                         ") is not a reserved slot");
  }
  nodes_[static_cast<size_t>(slot.code)] = std::move(node);
  defined_[static_cast<size_t>(slot.code)] = true;
  return Status::Ok();
}

bool TypeTable::valid(TypeRef t) const {
  if (t.is_index()) return static_cast<size_t>(t.code) < nodes_.size();
  return is_primitive(static_cast<Op>(t.code));
}

Op TypeTable::op(TypeRef t) const {
  return t.is_index() ? node(t).op : static_cast<Op>(t.code);
}

namespace {
Status check_ref(const TypeTable& t, TypeRef r, size_t entry) {
  if (t.valid(r)) return Status::Ok();
  return Status::Error("candid type table: entry " + std::to_string(entry) +
                       " refers to invalid type " + std::to_string(r.code));
}
}  // namespace

Status TypeTable::validate() const {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const TypeNode& n = nodes_[i];
    std::string where = "candid type table: entry " + std::to_string(i);
    if (!defined_[i]) return Status::Error(where + " was reserved but never defined");
    if (!is_constructor(n.op)) return Status::Error(where + " is not a constructed type");
    if (n.op == Op::Opt || n.op == Op::Vec) HYV_RETURN_IF_ERROR(check_ref(*this, n.inner, i));
    for (size_t k = 0; k < n.fields.size(); ++k) {
      HYV_RETURN_IF_ERROR(check_ref(*this, n.fields[k].type, i));
      if (k > 0 && n.fields[k].id <= n.fields[k - 1].id) {
        return Status::Error(where + ": field ids are not strictly increasing (" +
                             std::to_string(n.fields[k].id) + ")");
      }
    }
    for (TypeRef r : n.args) HYV_RETURN_IF_ERROR(check_ref(*this, r, i));
    for (TypeRef r : n.results) HYV_RETURN_IF_ERROR(check_ref(*this, r, i));
    for (uint8_t m : n.modes) {
      if (m < 1 || m > 3)
        return Status::Error(where + ": unknown func annotation " + std::to_string(m));
    }
    for (size_t k = 0; k < n.methods.size(); ++k) {
      HYV_RETURN_IF_ERROR(check_ref(*this, n.methods[k].type, i));
      if (op(n.methods[k].type) != Op::Func) {
        return Status::Error(where + ": method " + n.methods[k].name + " is not a func type");
      }
      if (k > 0 && n.methods[k].name <= n.methods[k - 1].name) {
        return Status::Error(where + ": method names are not strictly increasing");
      }
    }
  }
  return Status::Ok();
}

}  // namespace hyv::candid
