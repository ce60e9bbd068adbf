// UTF-8 checks for text that crosses token boundaries: a token may end inside a multi-byte
// character, so streamed output holds such a tail back until the next token completes it.
//
//   auto bad = hyv::engine::find_invalid_utf8(prompt);          // byte offset, for the message
//   size_t n = hyv::engine::complete_utf8_prefix(bytes);        // emit bytes[0, n), keep the rest
//   hyv::engine::append_sanitized_utf8(bytes.substr(0, n), out); // invalid bytes -> U+FFFD
//
// Valid means RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hyv::engine {

// Offset of the first byte that does not start or continue a valid sequence (a sequence cut off by
// the end of text counts as invalid at its first byte); nullopt when text is valid UTF-8.
std::optional<size_t> find_invalid_utf8(std::string_view text);

// Length of text without a trailing sequence that is valid so far but incomplete.
size_t complete_utf8_prefix(std::string_view text);

// Appends text to out with each byte that is not part of a valid sequence replaced by U+FFFD.
void append_sanitized_utf8(std::string_view text, std::string& out);

}  // namespace hyv::engine
