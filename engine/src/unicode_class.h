// The three Unicode classes GPT-2's pre-tokenizer pattern distinguishes, read straight from UTF-8.
//
// Invariant: classify_char never reads past `end` and always consumes at least one byte, so a
// scanner built on it terminates on any byte string. A byte that does not start a well-formed
// UTF-8 sequence (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF) is one character
// of class kOther on its own.
#pragma once

#include <cstdint>

namespace hyv::engine::bpe {

enum CharClass : uint8_t { kOther = 0, kLetter = 1, kNumber = 2, kSpace = 3 };

struct CharInfo {
  CharClass cls;
  uint8_t bytes;  // length of the character in bytes, 1..4
};

// Class of a code point >= 0x80 (binary search in the generated range table).
CharClass classify_code_point(uint32_t cp);
// Decodes the multi-byte (or invalid) character at p; p < end and *p >= 0x80.
CharInfo classify_non_ascii(const uint8_t* p, const uint8_t* end);

extern const CharClass kAsciiClass[128];

inline CharInfo classify_char(const uint8_t* p, const uint8_t* end) {
  if (*p < 0x80) return {kAsciiClass[*p], 1};
  return classify_non_ascii(p, end);
}

}  // namespace hyv::engine::bpe
