#include "unicode_class.h"

#include <iterator>

namespace hyv::engine::bpe {
namespace {

struct Range {
  uint32_t first;
  uint32_t last;
  uint8_t cls;
};

constexpr Range kRanges[] = {
#include "unicode_tables.inc"
};

constexpr CharClass ascii_class(int c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return kLetter;
  if (c >= '0' && c <= '9') return kNumber;
  if ((c >= 0x09 && c <= 0x0D) || c == ' ') return kSpace;
  return kOther;
}

constexpr bool is_continuation(uint8_t b) {
  return (b & 0xC0) == 0x80;
}

}  // namespace

#define HYV_ASCII_ROW(base)                                                                   \
  ascii_class(base + 0), ascii_class(base + 1), ascii_class(base + 2), ascii_class(base + 3), \
      ascii_class(base + 4), ascii_class(base + 5), ascii_class(base + 6), ascii_class(base + 7)
const CharClass kAsciiClass[128] = {
    HYV_ASCII_ROW(0),  HYV_ASCII_ROW(8),   HYV_ASCII_ROW(16),  HYV_ASCII_ROW(24),
    HYV_ASCII_ROW(32), HYV_ASCII_ROW(40),  HYV_ASCII_ROW(48),  HYV_ASCII_ROW(56),
    HYV_ASCII_ROW(64), HYV_ASCII_ROW(72),  HYV_ASCII_ROW(80),  HYV_ASCII_ROW(88),
    HYV_ASCII_ROW(96), HYV_ASCII_ROW(104), HYV_ASCII_ROW(112), HYV_ASCII_ROW(120),
};
#undef HYV_ASCII_ROW

CharClass classify_code_point(uint32_t cp) {
  const Range* lo = std::begin(kRanges);
  const Range* hi = std::end(kRanges);
  // First range whose last >= cp.
  while (lo < hi) {
    const Range* mid = lo + (hi - lo) / 2;
    if (mid->last < cp) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo != std::end(kRanges) && lo->first <= cp) return static_cast<CharClass>(lo->cls);
  return kOther;
}

CharInfo classify_non_ascii(const uint8_t* p, const uint8_t* end) {
  constexpr CharInfo kInvalid{kOther, 1};
  const uint8_t b0 = p[0];
  const long avail = end - p;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (avail < 2 || !is_continuation(p[1])) return kInvalid;
    return {classify_code_point(((b0 & 0x1Fu) << 6) | (p[1] & 0x3Fu)), 2};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (avail < 3 || !is_continuation(p[1]) || !is_continuation(p[2])) return kInvalid;
    if (b0 == 0xE0 && p[1] < 0xA0) return kInvalid;   // overlong
    if (b0 == 0xED && p[1] >= 0xA0) return kInvalid;  // UTF-16 surrogate
    uint32_t cp = ((b0 & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    return {classify_code_point(cp), 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (avail < 4 || !is_continuation(p[1]) || !is_continuation(p[2]) || !is_continuation(p[3])) {
      return kInvalid;
    }
    if (b0 == 0xF0 && p[1] < 0x90) return kInvalid;   // overlong
    if (b0 == 0xF4 && p[1] >= 0x90) return kInvalid;  // above U+10FFFF
    uint32_t cp =
        ((b0 & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
    return {classify_code_point(cp), 4};
  }
  return kInvalid;
}

}  // namespace hyv::engine::bpe
