// RapidJSON parses, copies and writes documents recursively, so a deeply nested document from a
// user ("[[[[...") would overflow the stack — in a canister that is a trap. Every JSON text the
// service reads passes this iterative check first.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "hyv/status.h"

namespace hyv::service {

inline constexpr size_t kMaxJsonDepth = 64;

// Counts bracket nesting outside strings; the message gives the byte offset where it got too deep.
inline Status check_json_depth(std::string_view json, const std::string& what) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return Status::Error(what + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                             " levels at byte " + std::to_string(i));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return Status::Ok();
}

}  // namespace hyv::service
