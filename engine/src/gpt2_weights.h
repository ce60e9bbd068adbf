// GPT-2's weights as the forward pass reads them (internal to the engine).
// Invariant after load: every matrix is [out][in] (row r = output r's weights), either float or q8,
// with sizes matching the config; vectors hold exactly the sizes their names imply.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/engine/gpt2.h"
#include "hyv/engine/kernels.h"
#include "hyv/status.h"

namespace hyv::engine {

// An allocator that leaves elements uninitialised on resize: weight buffers are written in full
// right after allocation, so zeroing hundreds of MB first would only cost load time.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using WeightBuffer = std::vector<float, UninitializedAllocator<float>>;

// out = in W^T + bias, W: [rows][cols] stored as float (w) or as q8 (q); bias may be empty.
struct Linear {
  int rows = 0, cols = 0;
  bool quantized = false;
  WeightBuffer w;
  kernels::Q8Matrix q;
  std::vector<float> bias;

  // out: [tokens][rows], in: [tokens][cols]. For q8, x_q ([tokens][q.padded_cols]) and x_scale
  // ([tokens]) are working memory for the rounded activations.
  void apply(float* out, const float* in, int tokens, bool accumulate, int16_t* x_q, float* x_scale,
             TaskRunner* runner) const;
  void row(int r, float* out) const;  // W[r][0..cols) as float
  int padded_cols() const { return quantized ? q.padded_cols : cols; }
};

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
