// T5Tokenizer: one interface over the two tokenizers T5-family folders ship.
#include "hyv/engine/t5_tokenizer.h"

#include "hyv/engine/utf8_text.h"

namespace hyv::engine {
namespace {

// SentencePiece never matches control pieces in text; Hugging Face's T5 tokenizers match the
// special ones (<extra_id_N>, </s>, <pad>), which span-infilling prompts rely on. So "<...>"
// spelling a control piece becomes its id and the text between is encoded on its own.
// special_id: the id of a "<...>" token matched in text, if it is one.
template <typename SpecialId>
std::vector<int32_t> encode_with_controls(const UnigramTokenizer& tok, std::string_view text,
                                          const SpecialId& special_id) {
  std::vector<int32_t> ids;
  size_t from = 0;
  auto flush = [&](size_t to) {
    if (to == from) return;
    std::vector<int32_t> part = tok.encode(text.substr(from, to - from));
    ids.insert(ids.end(), part.begin(), part.end());
  };
  for (size_t at = text.find('<'); at != std::string_view::npos; at = text.find('<', at + 1)) {
    size_t close = text.find('>', at);
    if (close == std::string_view::npos) break;
    std::optional<int32_t> id = special_id(text.substr(at, close - at + 1));
    if (!id) continue;
    flush(at);
    ids.push_back(*id);
    from = close + 1;
    at = close;
  }
  flush(text.size());
  return ids;
}

std::vector<int32_t> without_specials(const T5Tokenizer& tok, std::span<const int32_t> ids) {
  std::vector<int32_t> kept;
  kept.reserve(ids.size());
  for (int32_t id : ids) {
    if (!tok.is_special(id)) kept.push_back(id);
  }
  return kept;
}

}  // namespace

T5Tokenizer T5Tokenizer::from_bpe(BpeTokenizer tokenizer, int32_t bos_id, int32_t eos_id) {
  T5Tokenizer t;
  t.tokenizer_ = std::move(tokenizer);
  t.bos_id_ = bos_id;
  t.eos_id_ = eos_id;
  return t;
}

T5Tokenizer T5Tokenizer::from_unigram(UnigramTokenizer tokenizer, int extra_ids) {
  T5Tokenizer t;
  t.eos_id_ = tokenizer.eos_id();
  t.tokenizer_ = std::move(tokenizer);
  t.extra_ids_ = extra_ids > 0 ? extra_ids : 0;
  return t;
}

std::optional<int32_t> T5Tokenizer::sentinel_id(std::string_view token) const {
  constexpr std::string_view kPrefix = "<extra_id_";
  if (extra_ids_ == 0 || !token.starts_with(kPrefix) || !token.ends_with('>')) return std::nullopt;
  std::string_view digits = token.substr(kPrefix.size(), token.size() - kPrefix.size() - 1);
  if (digits.empty() || digits.size() > 4 || (digits.size() > 1 && digits[0] == '0'))
    return std::nullopt;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n >= extra_ids_) return std::nullopt;
  return std::get<UnigramTokenizer>(tokenizer_).vocab_size() + extra_ids_ - 1 - n;
}

bool T5Tokenizer::is_sentinel(int32_t id) const {
  if (extra_ids_ == 0) return false;
  int base = std::get<UnigramTokenizer>(tokenizer_).vocab_size();
  return id >= base && id < base + extra_ids_;
}

std::vector<int32_t> T5Tokenizer::encode(std::string_view text) const {
  if (const auto* bpe = std::get_if<BpeTokenizer>(&tokenizer_)) return bpe->encode(text);
  const auto& unigram = std::get<UnigramTokenizer>(tokenizer_);
  return encode_with_controls(unigram, text, [&](std::string_view token) {
    std::optional<int32_t> id = unigram.piece_id(token);
    return id && unigram.is_control(*id) ? id : sentinel_id(token);
  });
}

std::vector<int32_t> T5Tokenizer::encode_source(std::string_view text) const {
  std::vector<int32_t> ids;
  if (bos_id_ >= 0) ids.push_back(bos_id_);
  std::vector<int32_t> body = encode(text);
  ids.insert(ids.end(), body.begin(), body.end());
  if (eos_id_ >= 0) ids.push_back(eos_id_);
  return ids;
}

std::string T5Tokenizer::decode(std::span<const int32_t> ids, bool final) const {
  std::vector<int32_t> kept = without_specials(*this, ids);
  std::string text;
  if (const auto* bpe = std::get_if<BpeTokenizer>(&tokenizer_)) {
    std::string bytes = bpe->decode(kept);
    append_sanitized_utf8(
        final ? bytes : std::string_view(bytes).substr(0, complete_utf8_prefix(bytes)), text);
    return text;
  }
  const auto& unigram = std::get<UnigramTokenizer>(tokenizer_);
  // A run of byte pieces at the end may be an unfinished character: hold it back.
  size_t n = kept.size();
  while (!final && n > 0 && unigram.is_byte(kept[n - 1])) --n;
  return unigram.decode(std::span<const int32_t>(kept).first(n));
}

bool T5Tokenizer::is_special(int32_t id) const {
  if (const auto* bpe = std::get_if<BpeTokenizer>(&tokenizer_)) return bpe->is_special(id);
  return std::get<UnigramTokenizer>(tokenizer_).is_control(id) || is_sentinel(id);
}

std::optional<int32_t> T5Tokenizer::token_id(std::string_view token) const {
  if (const auto* bpe = std::get_if<BpeTokenizer>(&tokenizer_)) return bpe->token_id(token);
  if (auto id = std::get<UnigramTokenizer>(tokenizer_).piece_id(token)) return id;
  return sentinel_id(token);
}

int T5Tokenizer::vocab_size() const {
  return std::visit([](const auto& t) { return t.vocab_size(); }, tokenizer_) + extra_ids_;
}

}  // namespace hyv::engine
