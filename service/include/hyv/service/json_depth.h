// RapidJSON parses, copies and writes documents recursively, so a deeply nested document from a
// user ("[[[[...") would overflow the stack: in a canister that is a trap, on the native server a
// crash. Every JSON text the service or the studio's API reads passes this iterative check first.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "hyv/status.h"

namespace hyv::service {

inline constexpr size_t kMaxJsonDepth = 64;

// hyv/json_nesting.h's scan (one for the whole core), under the service's name: the byte offset of
// the bracket that first nests deeper than kMaxJsonDepth, or nullopt when the text never does.
std::optional<size_t> json_too_deep_at(std::string_view json);

// The same as a Status: "<what>: nested deeper than 64 levels at byte N".
Status check_json_depth(std::string_view json, const std::string& what);

}  // namespace hyv::service
