// Stop strings, shared by the GPT-2 and T5 sessions: where one starts in the text, and how much of
// the text's end could still begin one (and so must be held back from streaming).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace hyv::engine {

// Length of the longest suffix of text that is a proper prefix of some stop string.
inline size_t stop_prefix_length(const std::string& text, const std::vector<std::string>& stop) {
  size_t longest = 0;
  for (const auto& s : stop) {
    for (size_t n = std::min(text.size(), s.size() - 1); n > longest; --n) {
      if (text.compare(text.size() - n, n, s, 0, n) == 0) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

// Earliest position where any stop string starts in text, or npos.
inline size_t find_stop(const std::string& text, const std::vector<std::string>& stop) {
  size_t first = std::string::npos;
  for (const auto& s : stop) first = std::min(first, text.find(s));
  return first;
}

}  // namespace hyv::engine
