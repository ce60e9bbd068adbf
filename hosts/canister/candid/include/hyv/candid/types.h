// Candid types as the wire format sees them: a table of constructed types that may refer to each
// other by index (so recursive types need no pointers), and primitive types by their opcode.
//
//   hyv::candid::TypeTable t;
//   TypeRef list = t.reserve();                       // μlist. opt record { head : nat; tail :
//   list } TypeRef cell = t.record({field("head", prim(Op::Nat)), field("tail", list)});
//   HYV_RETURN_IF_ERROR(t.define(list, TypeNode::opt(cell)));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"

namespace hyv::candid {

// Opcodes of the binary format (negative SLEB128 values in the type table).
enum class Op : int32_t {
  Null = -1,
  Bool = -2,
  Nat = -3,
  Int = -4,
  Nat8 = -5,
  Nat16 = -6,
  Nat32 = -7,
  Nat64 = -8,
  Int8 = -9,
  Int16 = -10,
  Int32 = -11,
  Int64 = -12,
  Float32 = -13,
  Float64 = -14,
  Text = -15,
  Reserved = -16,
  Empty = -17,
  Opt = -18,
  Vec = -19,
  Record = -20,
  Variant = -21,
  Func = -22,
  Service = -23,
  Principal = -24,
};

const char* op_name(Op op);
bool is_primitive(Op op);  // may appear as a type reference, never as a table entry
bool is_constructor(Op op);

// A type: a primitive opcode (code < 0) or an index into a TypeTable (code >= 0).
struct TypeRef {
  int32_t code = static_cast<int32_t>(Op::Null);
  bool is_index() const { return code >= 0; }
  bool operator==(const TypeRef&) const = default;
};
inline TypeRef prim(Op op) {
  return TypeRef{static_cast<int32_t>(op)};
}

// Record and variant fields are identified by a 32-bit id, the hash of their name.
uint32_t field_hash(std::string_view name);

struct Field {
  uint32_t id = 0;
  TypeRef type;
};
inline Field field(std::string_view name, TypeRef type) {
  return Field{field_hash(name), type};
}
inline Field field(uint32_t id, TypeRef type) {
  return Field{id, type};
}

struct Method {
  std::string name;
  TypeRef type;  // a func type
};

// Function annotations of the binary format.
enum class FuncMode : uint8_t { Query = 1, Oneway = 2, CompositeQuery = 3 };

struct TypeNode {
  Op op = Op::Opt;
  TypeRef inner;                 // Opt, Vec
  std::vector<Field> fields;     // Record, Variant: ids strictly increasing
  std::vector<TypeRef> args;     // Func
  std::vector<TypeRef> results;  // Func
  std::vector<uint8_t> modes;    // Func: FuncMode values
  std::vector<Method> methods;   // Service: names strictly increasing (bytewise)

  static TypeNode opt(TypeRef t) { return TypeNode{Op::Opt, t, {}, {}, {}, {}, {}}; }
  static TypeNode vec(TypeRef t) { return TypeNode{Op::Vec, t, {}, {}, {}, {}, {}}; }
  static TypeNode record(std::vector<Field> f);   // sorts by id
  static TypeNode variant(std::vector<Field> f);  // sorts by id
};

class TypeTable {
 public:
  TypeRef add(TypeNode node);
  TypeRef opt(TypeRef t) { return add(TypeNode::opt(t)); }
  TypeRef vec(TypeRef t) { return add(TypeNode::vec(t)); }
  TypeRef record(std::vector<Field> f) { return add(TypeNode::record(std::move(f))); }
  TypeRef variant(std::vector<Field> f) { return add(TypeNode::variant(std::move(f))); }
  // Tuples are records with fields 0, 1, 2, ...
  TypeRef tuple(const std::vector<TypeRef>& items);

  // A slot to refer to before its definition, for recursive types; define() fills it.
  TypeRef reserve();
  Status define(TypeRef slot, TypeNode node);

  // The opcode of a type: its own for primitives, its entry's for indices (which must be valid).
  Op op(TypeRef t) const;
  const TypeNode& node(TypeRef t) const { return nodes_[static_cast<size_t>(t.code)]; }
  bool valid(TypeRef t) const;
  size_t size() const { return nodes_.size(); }
  const std::vector<TypeNode>& nodes() const { return nodes_; }

  // Every slot defined, every reference in range, fields and methods in strictly increasing order.
  Status validate() const;

 private:
  std::vector<TypeNode> nodes_;
  std::vector<bool> defined_;
};

}  // namespace hyv::candid
