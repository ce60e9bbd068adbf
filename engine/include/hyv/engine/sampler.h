// Token sampling with llama.cpp's semantics and order: penalties (repetition, frequency,
// presence) over the last repeat_last_n tokens, then top-k, top-p, min-p, temperature, and a draw
// from the project's Rng. temperature == 0 means greedy (argmax after penalties).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hyv/engine/rng.h"
#include "hyv/status.h"

namespace hyv::engine {

struct SamplingParams {
  float temperature = 0.8f;
  int top_k = 40;               // <= 0: off
  float top_p = 0.95f;          // >= 1: off
  float min_p = 0.05f;          // <= 0: off
  float repeat_penalty = 1.1f;  // 1: off
  float frequency_penalty = 0.0f;
  float presence_penalty = 0.0f;
  int repeat_last_n = 64;  // tokens the penalties look back over
  uint64_t seed = 0;
};

// Checks ranges; the message names the parameter.
Status validate(const SamplingParams& params);

// Picks the next token. logits is modified in place (penalties); history is the tokens so far.
// scratch is reused between calls to avoid allocation.
int32_t sample_token(std::span<float> logits, std::span<const int32_t> history,
                     const SamplingParams& params, Rng& rng, std::vector<float>& scratch);

// Working memory for sample_token; reusing one across calls makes sampling allocation-free.
struct SamplerScratch {
  struct Candidate {
    float logit;
    int32_t id;
  };
  std::vector<Candidate> candidates;  // best first once a filter has ordered them
  std::vector<double> probs;          // their probabilities, for the draw
  std::vector<int32_t> counts;        // the penalty window, sorted
};

// The same draw as above, with ids and probabilities kept in scratch.
int32_t sample_token(std::span<float> logits, std::span<const int32_t> history,
                     const SamplingParams& params, Rng& rng, SamplerScratch& scratch);

}  // namespace hyv::engine
