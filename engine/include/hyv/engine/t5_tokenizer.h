// The tokenizer of a T5-family folder, with the family's framing of a source text:
//   - CodeT5 (RobertaTokenizer): byte-level BPE, "<s> text </s>";
//   - T5 (T5Tokenizer): SentencePiece unigram, "text </s>".
// In both, special tokens typed in the text (<extra_id_0>, </s>...) become their ids, as Hugging
// Face's tokenizers match added special tokens, so span-infilling prompts work unchanged.
//
//   auto tok = hyv::engine::T5Tokenizer::from_unigram(std::move(unigram));
//   std::vector<int32_t> src = tok.encode_source("def add(a, b): <extra_id_0>");
//   std::string text = tok.decode(generated, true);  // special tokens dropped
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hyv/engine/tokenizer.h"
#include "hyv/engine/unigram_tokenizer.h"

namespace hyv::engine {

class T5Tokenizer {
 public:
  // bos_id < 0: the source is not prefixed (a BPE T5 without <s>).
  static T5Tokenizer from_bpe(BpeTokenizer tokenizer, int32_t bos_id, int32_t eos_id);
  // extra_ids: sentinels appended after the SentencePiece pieces, as Hugging Face's T5Tokenizer
  // adds them to a spiece.model (100 for t5-small): <extra_id_0> is the last id, <extra_id_N>
  // the (N+1)-th from the end. 0 when the model holds them already (a tokenizer.json does).
  static T5Tokenizer from_unigram(UnigramTokenizer tokenizer, int extra_ids = 0);

  // The text's ids, unframed.
  std::vector<int32_t> encode(std::string_view text) const;
  // The encoder's input: the text's ids framed as the family's tokenizer frames them.
  std::vector<int32_t> encode_source(std::string_view text) const;
  // The ids' text with special tokens dropped (Hugging Face's skip_special_tokens), always valid
  // UTF-8. With final false it is the part that no later id can change (an unfinished UTF-8
  // sequence is held back), so streamed text is a prefix of the final text.
  std::string decode(std::span<const int32_t> ids, bool final) const;

  bool is_special(int32_t id) const;
  std::optional<int32_t> token_id(std::string_view token) const;
  int vocab_size() const;
  int32_t eos_id() const { return eos_id_; }
  bool is_bpe() const { return std::holds_alternative<BpeTokenizer>(tokenizer_); }

 private:
  std::optional<int32_t> sentinel_id(std::string_view token) const;
  bool is_sentinel(int32_t id) const;

  std::variant<BpeTokenizer, UnigramTokenizer> tokenizer_;
  int32_t bos_id_ = -1, eos_id_ = -1;
  int extra_ids_ = 0;  // sentinels after a unigram model's pieces
};

}  // namespace hyv::engine
