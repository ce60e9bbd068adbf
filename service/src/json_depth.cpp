#include "hyv/service/json_depth.h"

namespace hyv::service {

std::optional<size_t> json_too_deep_at(std::string_view json) {
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
      if (++depth > kMaxJsonDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

Status check_json_depth(std::string_view json, const std::string& what) {
  std::optional<size_t> at = json_too_deep_at(json);
  if (!at) return Status::Ok();
  return Status::Error(what + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                       " levels at byte " + std::to_string(*at));
}

}  // namespace hyv::service
