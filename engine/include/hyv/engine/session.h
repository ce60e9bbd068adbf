// GenerationSession: one generation as a resumable state machine.
//
//   auto s = GenerationSession::start(model, tokenizer, request);
//   while (!s.value().done()) {
//     auto out = s.value().step(StepBudget::tokens(16), runner);  // or an instruction counter
//     fwrite(out.value().text ...);
//   }
//
// Invariant between step() calls: the KV cache holds every token in tokens() except the last
// sampled one, whose logits are not yet computed; the RNG has drawn exactly once per sampled token.
// (Before the first token is sampled the cache holds a prefix of the prompt: none of it, or the
// chunks a chunked prefill has run so far.)
// So a later step() (also after serialize()/restore()) continues with no token repeated or lost.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/engine/gpt2.h"
#include "hyv/engine/sampler.h"
#include "hyv/engine/tokenizer.h"
#include "hyv/status.h"
#include "hyv/task_runner.h"

namespace hyv::engine {

struct GenerationRequest {
  std::vector<int32_t> prompt;  // token ids; must be non-empty
  SamplingParams sampling;
  int max_tokens = 64;
  std::vector<std::string> stop;  // generation ends when the text contains one (it is cut off)
  bool stop_at_eos = true;
};

// How much work one step() may do: at most max_tokens new tokens, and it also stops once
// exhausted() returns true (checked after each forward pass: e.g. an instruction counter).
// prefill_chunk_tokens > 0 runs the prompt in forward passes of at most that many tokens, so a
// long prompt can span several steps (a canister call has an instruction limit); 0 runs it in one.
// Chunking changes no token: the cache holds the same values either way.
struct StepBudget {
  int max_tokens = 1 << 30;
  std::function<bool()> exhausted;
  int prefill_chunk_tokens = 0;
  static StepBudget tokens(int n) { return StepBudget{n, nullptr}; }
};

// The prompt as the engine starts from it: its tokens, or the model's beginning-of-text token
// (bos, else eos, else "<|endoftext|>") for an empty prompt, as GPT-2 does for unconditional
// samples. Empty when the prompt is empty and the model has none of those.
std::vector<int32_t> encode_prompt(const Gpt2Config& config, const BpeTokenizer& tokenizer,
                                   std::string_view prompt);

enum class FinishReason { none, max_tokens, eos, stop_string, context_full };
const char* to_string(FinishReason r);

struct StepOutput {
  std::vector<int32_t> tokens;  // new tokens this step
  std::string text;             // their text, held back at a partial UTF-8 sequence or stop prefix
  bool done = false;
};

class GenerationSession {
 public:
  static Result<GenerationSession> start(const Gpt2Model& model, const BpeTokenizer& tokenizer,
                                         GenerationRequest request);
  Result<StepOutput> step(const StepBudget& budget, TaskRunner* runner);

  bool done() const;
  FinishReason finish_reason() const;
  const std::vector<int32_t>& generated_tokens() const;
  std::string generated_text() const;  // all text so far, stop string removed

  // Everything needed to continue elsewhere (request, tokens, KV cache, RNG), as bytes.
  std::vector<uint8_t> serialize() const;
  static Result<GenerationSession> restore(const Gpt2Model& model, const BpeTokenizer& tokenizer,
                                           Bytes state);

  GenerationSession();
  ~GenerationSession();
  GenerationSession(GenerationSession&&) noexcept;
  GenerationSession& operator=(GenerationSession&&) noexcept;

 private:
  struct Impl;
  Impl* impl_ = nullptr;
};

}  // namespace hyv::engine
