// SentencePiece's normalizer, as its normalizer.cc behaves (facts from its source and its
// documented format; the code is ours):
//
// - The precompiled charsmap is <uint32 little-endian trie size><darts-clone double array of
//   uint32 units><replacement strings, each ended by NUL>. At each position the longest key of the
//   double array that is a prefix of the remaining input is replaced by its string; bytes no key
//   starts pass through one UTF-8 character at a time, and a byte that does not begin a valid
//   character becomes U+FFFD (one byte consumed). User-defined pieces are not normalized at all.
// - remove_extra_whitespaces drops leading spaces (of the normalized text), collapses runs of
//   them to one and drops trailing ones; add_dummy_prefix puts one space in front (at the end with
//   treat_whitespace_as_suffix); escape_whitespaces writes each space as U+2581 "▁".
//
// "Space" is only ' ' after the charsmap: nmt_nfkc maps tabs, newlines, NBSP and the other
// spaces to it, while an identity normalizer (no charsmap) leaves them as they are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hyv/status.h"
#include "piece_trie.h"
#include "spiece_model.h"

namespace hyv::engine {

// The length of the valid UTF-8 character at the start of s (no overlong form, surrogate or code
// point above U+10FFFF), 0 when s does not start with one. A literal U+FFFD is valid.
size_t sp_char_length(std::string_view s);

class SpNormalizer {
 public:
  // `where` names the spec for errors, e.g. "spiece.model: normalizer_spec".
  static Result<SpNormalizer> make(const SpNormalizerSpec& spec, bool treat_whitespace_as_suffix,
                                   std::string_view where);

  // Appends the normalized input to out (which it clears first). `keep` holds the user-defined
  // pieces, copied through unchanged wherever they start; may be null.
  void normalize(std::string_view input, const PieceTrie* keep, std::string& out) const;

 private:
  // The normalized form of the start of input and how many input bytes it stands for.
  std::pair<std::string_view, size_t> prefix(std::string_view input, const PieceTrie* keep) const;
  // The charsmap's longest rule at the start of input: (replacement, key length), length 0 if none.
  std::pair<std::string_view, size_t> longest_rule(std::string_view input) const;

  std::vector<uint32_t> units_;  // the double array; empty without a charsmap
  std::string strings_;          // the replacements
  bool add_dummy_prefix_ = true;
  bool remove_extra_whitespaces_ = true;
  bool escape_whitespaces_ = true;
  bool whitespace_as_suffix_ = false;
};

}  // namespace hyv::engine
