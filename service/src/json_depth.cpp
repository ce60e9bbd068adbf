#include "hyv/service/json_depth.h"

#include "hyv/json_nesting.h"

namespace hyv::service {

static_assert(kMaxJsonDepth == kMaxJsonNesting, "one nesting limit for every JSON reader");

std::optional<size_t> json_too_deep_at(std::string_view json) {
  return json_nesting_too_deep_at(json);
}

Status check_json_depth(std::string_view json, const std::string& what) {
  std::optional<size_t> at = json_too_deep_at(json);
  if (!at) return Status::Ok();
  return Status::Error(what + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                       " levels at byte " + std::to_string(*at));
}

}  // namespace hyv::service
