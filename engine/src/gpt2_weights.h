// GPT-2's weights as the forward pass reads them (internal to the engine).
// Invariant after load: every matrix is [out][in] (row r = output r's weights), either float or q8,
// with sizes matching the config; vectors hold exactly the sizes their names imply.
#pragma once

#include <cstdint>
#include <vector>

#include "hyv/engine/gpt2.h"
#include "linear.h"

namespace hyv::engine {

struct Gpt2Block {
  std::vector<float> ln1_gamma, ln1_beta, ln2_gamma, ln2_beta;
  Linear attn_qkv;   // [3 n_embd][n_embd]: q, k, v rows in that order
  Linear attn_proj;  // [n_embd][n_embd]
  Linear mlp_fc;     // [n_inner][n_embd]
  Linear mlp_proj;   // [n_embd][n_inner]
};

struct Gpt2Weights {
  Linear wte;              // [vocab][n_embd]: embedding rows, and the lm_head when tied
  Linear lm_head;          // rows == 0 when tied to wte (the usual case)
  std::vector<float> wpe;  // [n_positions][n_embd]
  std::vector<float> lnf_gamma, lnf_beta;
  std::vector<Gpt2Block> blocks;
  int64_t parameter_count = 0;

  const Linear& logits_matrix() const { return lm_head.rows > 0 ? lm_head : wte; }
};

}  // namespace hyv::engine
