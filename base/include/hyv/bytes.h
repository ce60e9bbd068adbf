// Byte spans: the core's loaders take bytes, never paths (hosts decide where bytes come from).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace hyv {

using Bytes = std::span<const uint8_t>;

inline std::string_view as_string_view(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace hyv
