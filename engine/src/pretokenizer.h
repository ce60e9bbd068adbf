// GPT-2's pre-tokenizer, written out by hand instead of with a regex engine:
//
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// Alternatives are tried in that order at each position, as a backtracking regex would (the
// contractions are case-sensitive; the optional prefix is U+0020 only). \s is Unicode White_Space,
// as in tiktoken and Python's `regex`. Bytes that are not valid UTF-8 count as class "other".
#pragma once

#include <cstddef>
#include <string_view>

namespace hyv::engine::bpe {

// End (exclusive byte offset) of the pre-token that starts at `pos` < text.size(). Always > pos.
size_t pretoken_end(std::string_view text, size_t pos);

// Calls fn(std::string_view piece) for each pre-token of text, in order; the pieces tile text.
template <typename Fn>
void for_each_pretoken(std::string_view text, Fn&& fn) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = pretoken_end(text, pos);
    fn(text.substr(pos, end - pos));
    pos = end;
  }
}

}  // namespace hyv::engine::bpe
