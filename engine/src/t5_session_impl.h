// T5Session's state, shared by the state machine (t5_session.cpp), beam search (t5_beam.cpp)
// and the binary form (t5_session_codec.cpp).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "hyv/engine/t5_session.h"

namespace hyv::engine {

// One decoder sequence: its tokens (decoder_start_token_id, then the generated ones) and the
// self-attention cache of all but the last. The cross-attention K/V is the session's, shared.
struct T5Beam {
  std::vector<int32_t> tokens;
  double score = 0;  // summed log-probabilities of the generated tokens (beam search)
  int n_cached = 0;
  std::vector<float> self_k, self_v;  // as T5DecoderState's
};

// A beam that ended: its generated tokens (no </s>) and normalised score.
struct T5Hypothesis {
  std::vector<int32_t> generated;
  double score = 0;
  bool eos = false;
};

struct T5SessionState {
  const T5Model* model = nullptr;
  const T5Tokenizer* tokenizer = nullptr;
  T5Request request;
  bool encoded = false;
  T5EncoderOutput encoder;
  T5DecoderState decoder;     // cross K/V and scratch; a beam's cache is swapped in to decode
  std::vector<T5Beam> beams;  // live beams (one when sampling)
  std::vector<T5Hypothesis> finished;
  Rng rng;
  FinishReason finish = FinishReason::none;
  std::vector<int32_t> result;  // the generated tokens of the answer (sampling: so far)
  // The text step() has returned; the rest of the result's text may still begin a stop string.
  std::string emitted;
  // Scratch, not state.
  std::vector<float> logits;
  SamplerScratch scratch;
};

struct T5Session::Impl : T5SessionState {};

// Whether id ends a hypothesis: </s> (unless stop_at_eos is off) or one of the end tokens.
inline bool ends_generation(const T5SessionState& s, int32_t id) {
  if (s.request.stop_at_eos && id == s.model->config().eos_token_id) return true;
  const auto& end = s.request.end_tokens;
  return std::find(end.begin(), end.end(), id) != end.end();
}

// The checks start() and restore() share.
Status validate_t5_request(const T5Config& config, const T5Request& request);
// Runs decoder tokens [beam.n_cached, end) of one beam through the shared decoder state, leaving
// the last token's logits in s.logits.
Status decode_beam(T5SessionState& s, T5Beam& beam, TaskRunner* runner);
// One beam-search step over every live beam (t5_beam.cpp); may finish the session.
Status beam_step(T5SessionState& s, TaskRunner* runner, StepOutput& out);
// Ends the session with the text of s.result, cut at a stop string; appends new text to out.
void finish_t5(T5SessionState& s, FinishReason reason, std::string& out);
// The decoder's cache capacity for this request: every decoder token but the last.
inline int t5_cache_capacity(const T5Request& request) {
  return request.max_tokens;
}

}  // namespace hyv::engine
