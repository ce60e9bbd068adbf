// Candid deserialisation. Every malformed input is an error naming its byte offset; nothing the
// sender controls can make the decoder allocate much more than the message size or recurse deeper
// than max_depth.
//
//   decode_message(bytes)                  the values as the sender typed them (wire types)
//   decode_args(bytes, table, expected)    the values coerced to the types the receiver expects,
//                                          with Candid subtyping (unknown record fields skipped,
//                                          missing or mismatching opt values become null, nat
//                                          read as int, anything read as reserved)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/candid/types.h"
#include "hyv/candid/value.h"
#include "hyv/status.h"

namespace hyv::candid {

struct DecodeOptions {
  size_t max_depth = 128;  // nesting of types and values
  // Elements of vectors whose elements take no bytes (vec null, vec reserved, vec record {}) are
  // otherwise unbounded by the message size; this caps them over the whole message.
  uint64_t max_zero_size_elements = 1u << 16;
  // Values decoded over the whole message (blob bytes not counted): a Value takes ~200 bytes, so
  // this bounds the heap a message can make the decoder use.
  uint64_t max_values = 1u << 20;
};

inline constexpr size_t kMaxPrincipalBytes = 29;

struct Message {
  TypeTable table;
  std::vector<TypeRef> types;
  std::vector<Value> values;
};

Result<Message> decode_message(Bytes bytes, const DecodeOptions& options = {});

// The spec's subtype relation `from <: to` (types of two valid tables), recursive types included.
// Deeper than max_depth counts as not a subtype.
bool is_subtype(const TypeTable& from_table, TypeRef from, const TypeTable& to_table, TypeRef to,
                size_t max_depth = 128);

// Coerces one decoded value of wire type `from` (in `from_table`) to type `to` (in `to_table`).
// Both tables must pass validate().
Result<Value> coerce(const Value& v, const TypeTable& from_table, TypeRef from,
                     const TypeTable& to_table, TypeRef to, const DecodeOptions& options = {});

// Extra arguments on the wire are ignored; missing ones decode as null when their expected type is
// null, opt or reserved, and are an error otherwise.
Result<std::vector<Value>> decode_args(Bytes bytes, const TypeTable& table,
                                       std::span<const TypeRef> expected,
                                       const DecodeOptions& options = {});

}  // namespace hyv::candid
