// T5Session: one encoder-decoder generation as a resumable state machine, the T5 counterpart of
// GenerationSession (session.h), with the same StepBudget, StepOutput and FinishReason:
//
//   T5Request q;
//   q.source = tokenizer.encode_source("Return the sum of a and b.");
//   auto s = T5Session::start(model, tokenizer, std::move(q));
//   while (!s.value().done()) fwrite(s.value().step(StepBudget::tokens(16), runner).value().text);
//
// The first step runs the encoder once and computes every decoder layer's cross-attention K/V;
// each later token is one decoder pass over the self-attention cache. With beams == 1 the next
// token is drawn by the engine's sampler (temperature 0: greedy); with beams > 1 it is beam
// search, deterministic, whose text arrives in the step that finishes it.
//
// Beam search, as Hugging Face's (early_stopping false): every step extends each live beam by
// its best tokens and keeps the beams best by summed log-probability; a beam that emits </s> is
// a finished hypothesis scored sum / length^length_penalty (length: its generated tokens, </s>
// included); the search ends when `beams` hypotheses are finished and no live beam can beat the
// worst of them, or at max_tokens, when live beams count as finished. Ties go to the lower beam,
// then the lower token id. Sampling parameters other than the seed are not used by it.
//
// Between steps every live beam's cache holds its decoder tokens but the last, so a step after
// serialize()/restore() continues with nothing repeated or lost. The serialised state holds the
// encoder output; restore() recomputes the cross-attention K/V from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/engine/sampler.h"
#include "hyv/engine/session.h"  // StepBudget, StepOutput, FinishReason
#include "hyv/engine/t5.h"
#include "hyv/engine/t5_tokenizer.h"
#include "hyv/status.h"
#include "hyv/task_runner.h"

namespace hyv::engine {

struct T5Request {
  std::vector<int32_t> source;  // encoder input, framed (T5Tokenizer::encode_source); non-empty
  SamplingParams sampling;
  int max_tokens = 64;
  std::vector<std::string> stop;  // generation ends at the first one (it is cut off)
  bool stop_at_eos = true;
  // Ids that end generation as </s> does, left out of the text: when infilling, the sentinel
  // after the one being filled. At most kMaxEndTokens.
  std::vector<int32_t> end_tokens;
  int beams = 1;                // 1: sampling; 2..kMaxBeams: beam search
  float length_penalty = 1.0f;  // beam search: exponent of the length a score is divided by
  static constexpr int kMaxBeams = 16;
  static constexpr int kMaxEndTokens = 128;
};

class T5Session {
 public:
  static Result<T5Session> start(const T5Model& model, const T5Tokenizer& tokenizer,
                                 T5Request request);
  Result<StepOutput> step(const StepBudget& budget, TaskRunner* runner);

  bool done() const;
  FinishReason finish_reason() const;
  const std::vector<int32_t>& generated_tokens() const;  // the best beam's, without </s>
  std::string generated_text() const;                    // all text so far, stop string removed

  std::vector<uint8_t> serialize() const;
  static Result<T5Session> restore(const T5Model& model, const T5Tokenizer& tokenizer, Bytes state,
                                   TaskRunner* runner);

  T5Session();
  ~T5Session();
  T5Session(T5Session&&) noexcept;
  T5Session& operator=(T5Session&&) noexcept;

 private:
  struct Impl;
  Impl* impl_ = nullptr;
};

}  // namespace hyv::engine
