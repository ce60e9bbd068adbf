// SpNormalizer: SentencePiece's precompiled-charsmap normalizer and whitespace rules.
#include "sp_normalizer.h"

#include <cstring>

#include "str_cat.h"

namespace hyv::engine {
namespace {

constexpr std::string_view kSpaceSymbol = "\xE2\x96\x81";      // U+2581 "▁"
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// darts-clone's unit layout: a label byte (bit 31 set on leaf units, so no input byte matches
// them), a has-leaf flag at bit 8, an offset to the children in bits 10..31 (scaled by 2^8 when
// bit 9 is set), and in leaf units a 31-bit value.
uint32_t unit_offset(uint32_t u) {
  return (u >> 10) << ((u & (1u << 9)) >> 6);
}
uint32_t unit_label(uint32_t u) {
  return u & ((1u << 31) | 0xFFu);
}
bool unit_has_leaf(uint32_t u) {
  return ((u >> 8) & 1u) != 0;
}
uint32_t unit_value(uint32_t u) {
  return u & ((1u << 31) - 1);
}

bool is_trail(uint8_t b) {
  return (b & 0xC0) == 0x80;
}

}  // namespace

size_t sp_char_length(std::string_view s) {
  if (s.empty()) return 0;
  auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  uint8_t c = b(0);
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0 && s.size() >= 2 && is_trail(b(1))) {
    uint32_t cp = ((c & 0x1Fu) << 6) | (b(1) & 0x3Fu);
    return cp >= 0x80 ? 2 : 0;
  }
  if ((c & 0xF0) == 0xE0 && s.size() >= 3 && is_trail(b(1)) && is_trail(b(2))) {
    uint32_t cp = ((c & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
    return cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) ? 3 : 0;
  }
  if ((c & 0xF8) == 0xF0 && s.size() >= 4 && is_trail(b(1)) && is_trail(b(2)) && is_trail(b(3))) {
    uint32_t cp =
        ((c & 0x07u) << 18) | ((b(1) & 0x3Fu) << 12) | ((b(2) & 0x3Fu) << 6) | (b(3) & 0x3Fu);
    return cp >= 0x10000 && cp <= 0x10FFFF ? 4 : 0;
  }
  return 0;
}

Result<SpNormalizer> SpNormalizer::make(const SpNormalizerSpec& spec,
                                        bool treat_whitespace_as_suffix, std::string_view where) {
  SpNormalizer n;
  n.add_dummy_prefix_ = spec.add_dummy_prefix;
  n.remove_extra_whitespaces_ = spec.remove_extra_whitespaces;
  n.escape_whitespaces_ = spec.escape_whitespaces;
  n.whitespace_as_suffix_ = treat_whitespace_as_suffix;
  std::string_view blob = spec.precompiled_charsmap;
  if (blob.empty()) return n;  // no rules: the identity
  uint32_t trie_bytes = 0;
  if (blob.size() > 4) {
    for (int i = 0; i < 4; ++i)
      trie_bytes |= static_cast<uint32_t>(static_cast<uint8_t>(blob[i])) << (8 * i);
  }
  // SentencePiece compares the trie's size with the whole blob, header included; we also make
  // sure the header and the trie fit.
  if (blob.size() <= 4 || trie_bytes > blob.size() - 4) {
    return Status::Error(str_cat(where, ".precompiled_charsmap: the double array's size (",
                                 std::to_string(trie_bytes), " bytes, bytes 0-3) runs past the ",
                                 std::to_string(blob.size()), "-byte charsmap"));
  }
  if (trie_bytes < 4) {
    return Status::Error(str_cat(where, ".precompiled_charsmap: the double array is empty"));
  }
  n.units_.resize(trie_bytes / 4);  // a partial last unit is ignored, as SentencePiece does
  for (size_t i = 0; i < n.units_.size(); ++i) {
    uint32_t u = 0;
    for (int k = 0; k < 4; ++k) {
      u |= static_cast<uint32_t>(static_cast<uint8_t>(blob[4 + 4 * i + k])) << (8 * k);
    }
    n.units_[i] = u;
  }
  n.strings_ = std::string(blob.substr(4 + trie_bytes));
  return n;
}

std::pair<std::string_view, size_t> SpNormalizer::longest_rule(std::string_view input) const {
  std::pair<std::string_view, size_t> best{{}, 0};
  if (units_.empty()) return best;
  // darts-clone's common-prefix search, with every index checked: a corrupt array must not make
  // us read outside it.
  size_t node = unit_offset(units_[0]);
  for (size_t i = 0; i < input.size(); ++i) {
    auto b = static_cast<uint8_t>(input[i]);
    node ^= b;
    if (node >= units_.size()) break;
    uint32_t unit = units_[node];
    if (unit_label(unit) != b) break;
    node ^= unit_offset(unit);
    if (unit_has_leaf(unit) && node < units_.size()) {
      // A key's replacement runs to its NUL; a value outside the strings replaces with nothing.
      size_t at = unit_value(units_[node]);
      std::string_view s;
      if (at < strings_.size()) {
        s = std::string_view(strings_).substr(at);
        s = s.substr(0, s.find('\0'));
      }
      best = {s, i + 1};  // keys found later are longer
    }
  }
  return best;
}

std::pair<std::string_view, size_t> SpNormalizer::prefix(std::string_view input,
                                                         const PieceTrie* keep) const {
  if (keep != nullptr) {
    size_t n = keep->longest_prefix(input);
    if (n > 0) return {input.substr(0, n), n};
  }
  auto rule = longest_rule(input);
  if (rule.second > 0) return rule;
  size_t n = sp_char_length(input);
  if (n == 0) return {kReplacementChar, 1};
  return {input.substr(0, n), n};
}

void SpNormalizer::normalize(std::string_view input, const PieceTrie* keep,
                             std::string& out) const {
  out.clear();
  if (remove_extra_whitespaces_) {
    while (!input.empty()) {
      auto [s, used] = prefix(input, keep);
      if (s != " ") break;
      input.remove_prefix(used);
    }
  }
  if (input.empty()) return;
  out.reserve(input.size() * 3 + kSpaceSymbol.size());
  const std::string_view space = escape_whitespaces_ ? kSpaceSymbol : std::string_view(" ");
  if (add_dummy_prefix_ && !whitespace_as_suffix_) out.append(space);
  bool prev_space = remove_extra_whitespaces_;
  while (!input.empty()) {
    auto [s, used] = prefix(input, keep);
    input.remove_prefix(used);
    while (prev_space && !s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (!s.empty()) {
      for (char c : s) {
        if (c == ' ' && escape_whitespaces_) {
          out.append(kSpaceSymbol);
        } else {
          out.push_back(c);
        }
      }
      prev_space = s.back() == ' ';
    }
    if (!remove_extra_whitespaces_) prev_space = false;
  }
  if (remove_extra_whitespaces_) {
    // Whatever the text ends with: a "▁" typed in the input goes as well, as in SentencePiece.
    while (out.size() >= space.size() &&
           std::string_view(out).substr(out.size() - space.size()) == space) {
      out.resize(out.size() - space.size());
    }
  }
  if (add_dummy_prefix_ && whitespace_as_suffix_) out.append(space);
}

}  // namespace hyv::engine
