#include "hyv/engine/utf8_text.h"

#include <cstdint>

namespace hyv::engine {
namespace {

// Length of the valid sequence starting at text[i]; 0 if invalid; -k if the k bytes left are a
// valid but unfinished start of one.
int sequence_at(std::string_view text, size_t i) {
  auto byte = [&](size_t j) { return static_cast<uint8_t>(text[j]); };
  uint8_t b0 = byte(i);
  if (b0 < 0x80) return 1;
  int length;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  for (int k = 1; k < length; ++k) {
    if (i + k >= text.size()) return -k;
    uint8_t b = byte(i + k);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
  }
  return length;
}

}  // namespace

std::optional<size_t> find_invalid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    int n = sequence_at(text, i);
    if (n <= 0) return i;
    i += size_t(n);
  }
  return std::nullopt;
}

size_t complete_utf8_prefix(std::string_view text) {
  // Only the last three bytes can start an unfinished sequence.
  size_t start = text.size() > 3 ? text.size() - 3 : 0;
  for (size_t i = start; i < text.size(); ++i) {
    if (sequence_at(text, i) == -int(text.size() - i)) return i;
  }
  return text.size();
}

void append_sanitized_utf8(std::string_view text, std::string& out) {
  for (size_t i = 0; i < text.size();) {
    int n = sequence_at(text, i);
    if (n > 0) {
      out.append(text.substr(i, size_t(n)));
      i += size_t(n);
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
}

}  // namespace hyv::engine
