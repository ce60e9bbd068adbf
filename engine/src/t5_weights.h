// T5's weights as the forward pass reads them (internal to the engine).
// Invariant after load: every matrix is [out][in], float or q8, with sizes matching the config.
#pragma once

#include <cstdint>
#include <vector>

#include "hyv/engine/t5.h"
#include "linear.h"

namespace hyv::engine {

// One block of either stack; the cross-attention members stay empty in the encoder.
struct T5Block {
  std::vector<float> ln_self, ln_cross, ln_ff;  // [d_model] RMS norm weights
  Linear self_qkv;  // [3 inner][d_model]: q, k, v rows in that order (inner = heads * d_kv)
  Linear self_o;    // [d_model][inner]
  Linear cross_q;   // [inner][d_model]
  Linear cross_kv;  // [2 inner][d_model]: k rows, then v rows
  Linear cross_o;   // [d_model][inner]
  Linear wi;        // [d_ff][d_model], or gated: [2 d_ff][d_model] (wi_0 rows, then wi_1 rows)
  Linear wo;        // [d_model][d_ff]
};

struct T5Weights {
  Linear shared;   // [vocab][d_model]: embedding rows, and the head when tied
  Linear lm_head;  // rows == 0 when tied to shared
  std::vector<float> encoder_bias, decoder_bias;  // [buckets][heads] relative position bias
  std::vector<float> encoder_norm, decoder_norm;  // [d_model] final RMS norms
  std::vector<T5Block> encoder, decoder;
  int64_t parameter_count = 0;
};

}  // namespace hyv::engine
