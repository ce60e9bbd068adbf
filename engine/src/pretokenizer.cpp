#include "pretokenizer.h"

#include <cstdint>

#include "unicode_class.h"

namespace hyv::engine::bpe {
namespace {

// End of the run of characters of class `cls` that starts at p.
const uint8_t* run_end(const uint8_t* p, const uint8_t* end, CharClass cls) {
  while (p < end) {
    if (*p < 0x80) {
      if (kAsciiClass[*p] != cls) break;
      ++p;
      continue;
    }
    CharInfo c = classify_non_ascii(p, end);
    if (c.cls != cls) break;
    p += c.bytes;
  }
  return p;
}

// Length of a contraction ('s 't 're 've 'm 'll 'd) at p, which points at an apostrophe; 0 if none.
size_t contraction_bytes(const uint8_t* p, const uint8_t* end) {
  if (end - p >= 2) {
    uint8_t a = p[1];
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
    if (end - p >= 3) {
      uint8_t b = p[2];
      if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
    }
  }
  return 0;
}

// \s+(?!\S)|\s+ at p: the whole run at the end of the text; otherwise the run minus its last
// character (which then prefixes the next word), or a lone white-space character.
const uint8_t* space_end(const uint8_t* p, const uint8_t* end) {
  const uint8_t* last_start = p;
  const uint8_t* q = p;
  while (q < end) {
    CharInfo c = classify_char(q, end);
    if (c.cls != kSpace) break;
    last_start = q;
    q += c.bytes;
  }
  if (q == end) return end;
  return last_start > p ? last_start : q;
}

}  // namespace

size_t pretoken_end(std::string_view text, size_t pos) {
  const auto* begin = reinterpret_cast<const uint8_t*>(text.data());
  const uint8_t* end = begin + text.size();
  const uint8_t* p = begin + pos;
  if (*p == '\'') {
    if (size_t n = contraction_bytes(p, end)) return pos + n;
  } else if (*p == ' ' && p + 1 < end) {
    CharInfo next = classify_char(p + 1, end);
    if (next.cls != kSpace) return run_end(p + 1 + next.bytes, end, next.cls) - begin;
  }
  CharInfo c = classify_char(p, end);
  if (c.cls == kSpace) return space_end(p, end) - begin;
  return run_end(p + c.bytes, end, c.cls) - begin;
}

}  // namespace hyv::engine::bpe
