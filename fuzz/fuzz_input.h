// What the harnesses share: the fuzzer's bytes as a view, split into parts at NUL bytes (for
// parsers that take several inputs, e.g. vocab.json + merges.txt).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace hyv::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// At most `parts` pieces; the last one keeps any further NULs.
inline std::vector<std::string_view> split_at_nul(std::string_view s, size_t parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < parts) {
    size_t at = s.find('\0');
    if (at == std::string_view::npos) break;
    out.push_back(s.substr(0, at));
    s.remove_prefix(at + 1);
  }
  out.push_back(s);
  while (out.size() < parts) out.push_back({});
  return out;
}

}  // namespace hyv::fuzz
