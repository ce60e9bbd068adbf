// Byte-level BPE tokenizer, identical to GPT-2's (and tiktoken's r50k_base) on the same files.
//
//   auto tok = hyv::engine::BpeTokenizer::from_vocab_merges(vocab_json, merges_txt);
//   std::vector<int32_t> ids = tok.value().encode("Hello world");
//   std::string text = tok.value().decode(ids);   // == "Hello world"
//
// Invalid UTF-8 in encode(): each byte that is not part of a valid sequence is pre-tokenized as a
// character of its own (class "other"), so every byte string round-trips exactly:
// decode(encode(s)) == s for all s. decode() returns raw bytes, which may be partial UTF-8 when ids
// are a prefix of a longer sequence (streaming callers should use token_bytes and buffer); ids that
// are not in the vocabulary decode to nothing.
//
// Thread safety: every const method may run concurrently on one tokenizer. encode() keeps its cache
// of word -> ids per call (texts of a few hundred bytes or more), so no state is shared.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hyv/status.h"

namespace hyv::engine {

// A token matched literally in text before BPE runs, as Hugging Face's added tokens are: the
// specials of a RoBERTa-style folder (<s>, </s>, <mask>, ...) and CodeT5's <extra_id_N> sentinels.
// hyv::engine::parse_added_tokens (added_tokens.h) makes them from a folder's JSON files.
struct BpeAddedToken {
  std::string content;  // UTF-8, matched byte for byte
  int32_t id = -1;      // -1: the id vocab.json gives `content`
  bool special = true;  // dropped from output text, as skip_special_tokens does
  // Hugging Face's AddedToken flags: the match also takes the white space (Unicode White_Space)
  // to its left / right, so "a <mask>" is ["a", "<mask>"] and not ["a", " ", "<mask>"].
  bool lstrip = false;
  bool rstrip = false;
  std::string where;  // file and entry it came from, for error messages
};

struct BpeAddedTokens {
  std::vector<BpeAddedToken> tokens;
};

class BpeTokenizer {
 public:
  // GPT-2's vocab.json (token -> id) and merges.txt (ranked pairs, optional "#version" line).
  // Entries spelled <|name|> (GPT-2's <|endoftext|>) are the special tokens.
  static Result<BpeTokenizer> from_vocab_merges(std::string_view vocab_json,
                                                std::string_view merges_txt);
  // A RoBERTa-style folder (Salesforce/codet5-small's): vocab.json and merges.txt as above, but
  // the special and added tokens are exactly `added` (vocab.json's <|name|> entries are then plain
  // tokens). A token's id must not be taken by another token of vocab.json or of `added`, and its
  // content must not be a vocab.json token under another id. Ids above vocab.json's are new tokens.
  static Result<BpeTokenizer> from_vocab_merges(std::string_view vocab_json,
                                                std::string_view merges_txt,
                                                const BpeAddedTokens& added);
  // A Hugging Face tokenizer.json with a BPE model and ByteLevel pre-tokenizer; merges may be
  // "left right" strings or [left, right] pairs. Every entry of added_tokens is matched literally
  // with its lstrip/rstrip flags (single_word is not applied) and is special unless it says
  // "special": false; ByteLevel's add_prefix_space is not applied (GPT-2-family files set it
  // false).
  // Errors of both loaders name the file and the entry or line, e.g. "merges.txt line 12: ...".
  static Result<BpeTokenizer> from_tokenizer_json(std::string_view tokenizer_json);
  // From raw parts, as the trainer makes them: token_bytes[id] is the byte string of token id
  // ("" for an unused id; all 256 single bytes must be present), merges in rank order as id pairs
  // whose concatenation is a token, and special tokens (content, id) matched literally in text.
  static Result<BpeTokenizer> from_parts(std::vector<std::string> token_bytes,
                                         std::span<const std::pair<int32_t, int32_t>> merges,
                                         std::span<const std::pair<std::string, int32_t>> specials);

  // Special tokens such as <|endoftext|> are matched literally in the text and become their id.
  std::vector<int32_t> encode(std::string_view text) const;
  std::string decode(std::span<const int32_t> ids) const;
  // The raw bytes one token stands for ("" for an unknown id).
  std::string token_bytes(int32_t id) const;
  std::optional<int32_t> token_id(std::string_view token) const;  // by its vocab.json string
  // Whether id is a special token (</s>, <pad>, a sentinel, <|endoftext|>): generation leaves
  // these out of the text it shows, as Hugging Face's skip_special_tokens does.
  bool is_special(int32_t id) const;
  int vocab_size() const;  // one past the highest id, added tokens included

  // Serialised forms, for writing a trained tokenizer as a model folder.
  std::string to_vocab_json() const;
  std::string to_merges_txt() const;
  // A Hugging Face tokenizer.json (BPE model, ByteLevel pre-tokenizer and decoder), as GPT-2's.
  std::string to_tokenizer_json() const;

  BpeTokenizer();
  ~BpeTokenizer();
  BpeTokenizer(BpeTokenizer&&) noexcept;
  BpeTokenizer& operator=(BpeTokenizer&&) noexcept;

 private:
  struct Impl;
  Impl* impl_ = nullptr;
};

}  // namespace hyv::engine
