// RapidJSON's default parser, and its writers and copies, recurse once per nesting level, so a
// document of a million '[' from a user overflows the stack (SIGSEGV, no message). Readers of
// JSON that a user can hand in (schemas, models, data files, model folders) check the nesting
// first with this iterative scan; the service has the same check for its requests
// (hyv/service/json_depth.h).
//
//   HYV_RETURN_IF_ERROR(hyv::check_json_nesting(text, "schema"));
//   doc.Parse(text.data(), text.size());
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "hyv/status.h"

namespace hyv {

// Far beyond any real schema, model, config or data record (they nest fewer than 10 levels).
inline constexpr size_t kMaxJsonNesting = 64;

// The byte offset of the first '[' or '{' (outside strings) that nests deeper than kMaxJsonNesting,
// or nullopt when none does. Malformed text is left for the parser to report.
inline std::optional<size_t> json_nesting_too_deep_at(std::string_view json) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonNesting) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// "<what>: JSON nested deeper than 64 levels at byte N (arrays and objects count one each)".
// `base` is added to the offset, for text that starts inside a larger file.
inline Status check_json_nesting(std::string_view json, const std::string& what, size_t base = 0) {
  std::optional<size_t> at = json_nesting_too_deep_at(json);
  if (!at) return Status::Ok();
  return Status::Error(what + ": JSON nested deeper than " + std::to_string(kMaxJsonNesting) +
                       " levels at byte " + std::to_string(base + *at) +
                       " (arrays and objects count one each)");
}

}  // namespace hyv
