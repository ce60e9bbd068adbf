// Trains a byte-level BPE vocabulary the way GPT-2's was made: text is split with GPT-2's
// pre-tokenizer, the 256 bytes are the first tokens (in GPT-2's id order), and the most frequent
// adjacent pair is merged into a new token until the vocabulary reaches the target size. Special
// tokens (by default <|endoftext|>) take the last ids.
//
//   hyv::engine::BpeTrainer trainer({.vocab_size = 8192});
//   for (const std::string& text : files) trainer.add_text(text);
//   hyv::Result<hyv::engine::BpeTokenizer> tok = trainer.train();
//   // tok.value().to_vocab_json(), to_merges_txt(): a Hugging Face tokenizer folder
//
// Deterministic: the same texts give the same tokenizer on every platform. Among pairs with equal
// counts the one with the smaller (left id, right id) is merged first. Pair counts are updated
// incrementally (only the words that contain the merged pair are touched), so training an 8k
// vocabulary on tens of megabytes takes seconds, not hours.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/engine/tokenizer.h"
#include "hyv/status.h"

namespace hyv::engine {

struct BpeTrainerOptions {
  // Tokens in the result: 256 bytes + merges + special tokens. Training stops early (a smaller
  // vocabulary) when no pair occurs at least min_pair_count times.
  int vocab_size = 8192;
  std::vector<std::string> special_tokens = {"<|endoftext|>"};
  int64_t min_pair_count = 2;
  // Called now and then from train() with the merges made so far and the number aimed at.
  std::function<void(int merges_done, int merges_target)> on_progress;
};

class BpeTrainer {
 public:
  explicit BpeTrainer(BpeTrainerOptions options = {});
  ~BpeTrainer();
  BpeTrainer(BpeTrainer&&) noexcept;
  BpeTrainer& operator=(BpeTrainer&&) noexcept;

  // Counts the pre-token words of text. Special tokens in it separate words and are not learned.
  // Give whole documents: a word cut in two by the caller is counted as two.
  void add_text(std::string_view text);

  uint64_t words_counted() const;  // pre-token words seen so far
  uint64_t unique_words() const;

  // Learns the merges from the words counted so far. May be called again after more add_text.
  Result<BpeTokenizer> train() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hyv::engine
