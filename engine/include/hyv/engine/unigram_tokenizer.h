// SentencePiece unigram tokenizer (T5's, CodeT5's), giving SentencePiece's own ids on the same
// model: spiece.model, or the Hugging Face tokenizer.json converted from it.
//
//   auto tok = hyv::engine::UnigramTokenizer::from_spiece_model(hyv::as_bytes(model_bytes));
//   std::vector<int32_t> ids = tok.value().encode("Hello world");  // no </s>: the caller adds it
//   std::string text = tok.value().decode(ids);                     // "Hello world"
//
// encode() is SentencePiece's EncodeAsIds: the model's normalizer (precompiled charsmap,
// whitespace rules, "▁" for spaces, user-defined pieces kept as typed), then the best-scoring
// segmentation into pieces (Viterbi; a character no piece covers is <unk>, and a run of them one
// <unk>, or its UTF-8 bytes with byte_fallback). Control pieces such as </s> or <extra_id_0> are
// never matched in text, as in SentencePiece (Hugging Face matches its special added tokens).
// Invalid UTF-8 is accepted: each malformed byte is read as U+FFFD, as SentencePiece does.
//
// decode() is SentencePiece's DecodeIds: "▁" becomes a space and the text's leading one is
// dropped, control pieces vanish, <unk> is written as " ⁇ " (trainer_spec.unk_surface), byte
// pieces are joined into UTF-8 (a malformed byte becomes U+FFFD). Ids outside the vocabulary are
// skipped (SentencePiece refuses the whole call).
//
// Thread safety: every const method may run concurrently on one tokenizer.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/status.h"

namespace hyv::engine {

struct SpModel;  // engine/src/spiece_model.h

class UnigramTokenizer {
 public:
  // A serialized sentencepiece.ModelProto whose trainer_spec.model_type is UNIGRAM. Errors name
  // the field and byte offset, e.g. "spiece.model: pieces[3].score: expected a fixed32 value at
  // byte 57".
  static Result<UnigramTokenizer> from_spiece_model(Bytes model);
  // A Hugging Face tokenizer.json with a Unigram model, laid out as Hugging Face converts
  // spiece.model: normalizer Precompiled (or none), pre-tokenizer Metaspace, alone or after
  // WhitespaceSplit. Its parts map to SentencePiece's settings: WhitespaceSplit (or the newer
  // converter's Replace(" {2,}")) is remove_extra_whitespaces, Metaspace's add_prefix_space (or
  // prepend_scheme) add_dummy_prefix, a special added token a control piece (model.unk_id the
  // unknown one), a non-special one a user-defined piece. The decoder and post-processor are not
  // read: decode() is SentencePiece's, and encode() adds no </s>.
  static Result<UnigramTokenizer> from_tokenizer_json(std::string_view json);

  std::vector<int32_t> encode(std::string_view text) const;
  std::string decode(std::span<const int32_t> ids) const;

  std::string piece(int32_t id) const;                            // "" for an id out of range
  std::optional<int32_t> piece_id(std::string_view piece) const;  // any piece, control ones too
  int vocab_size() const;
  // Control pieces (</s>, <pad>, <extra_id_0>...) decode to nothing; a byte piece (<0x41>) is one
  // byte of a UTF-8 sequence that decode() joins with its neighbours.
  bool is_control(int32_t id) const;
  bool is_byte(int32_t id) const;
  // As SentencePiece's unk_id(), pad_id(), eos_id(), bos_id(): the control piece named <pad>,
  // </s>, <s> (or as trainer_spec names them), -1 when the model has none.
  int32_t unk_id() const;
  int32_t pad_id() const;
  int32_t eos_id() const;
  int32_t bos_id() const;

  UnigramTokenizer();
  ~UnigramTokenizer();
  UnigramTokenizer(UnigramTokenizer&&) noexcept;
  UnigramTokenizer& operator=(UnigramTokenizer&&) noexcept;

 private:
  struct Impl;
  // Both loaders read their file into a SpModel; this checks it and builds the tokenizer. The
  // names say where the pieces and the normalizer are in the file, for errors
  // ("spiece.model: pieces", "tokenizer.json: normalizer").
  static Result<UnigramTokenizer> from_model(SpModel&& model, std::string_view pieces_where,
                                             std::string_view normalizer_where);

  Impl* impl_ = nullptr;
};

}  // namespace hyv::engine
