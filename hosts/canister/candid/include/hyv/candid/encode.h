// Candid serialisation: "DIDL", the type table, the argument types, then the values.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hyv/candid/types.h"
#include "hyv/candid/value.h"
#include "hyv/status.h"

namespace hyv::candid {

struct EncodeOptions {
  size_t max_depth =
      256;  // nesting of values, so a deep tree fails instead of overflowing the stack
};

// Encodes values[i] as types[i]; a value that does not fit its type is an error naming the argument
// and the path into it. The whole table is written, so indices in `types` stay valid on the wire.
Result<std::vector<uint8_t>> encode_args(const TypeTable& table, std::span<const TypeRef> types,
                                         std::span<const Value> values,
                                         const EncodeOptions& options = {});

// The building blocks, for callers that stream their own formats.
void write_uleb(std::vector<uint8_t>& out, uint64_t v);
void write_sleb(std::vector<uint8_t>& out, int64_t v);
void write_nat(std::vector<uint8_t>& out, const BigInt& v);  // must not be negative
void write_int(std::vector<uint8_t>& out, const BigInt& v);

}  // namespace hyv::candid
