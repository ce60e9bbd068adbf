// GPT-2 (decoder-only transformer), as published: token + position embeddings, n_layer blocks of
// pre-LayerNorm causal self-attention and a GELU (tanh) MLP, final LayerNorm, lm_head tied to wte.
//
//   auto config = hyv::engine::parse_gpt2_config(config_json);              // config.json
//   auto model = hyv::engine::Gpt2Model::load(config.value(), safetensors_bytes, WeightType::f32);
//   hyv::engine::KvCache cache = model.value().make_cache(/*capacity_tokens=*/256);
//   std::vector<float> logits(config.value().vocab_size);
//   model.value().forward(cache, prompt_ids, logits, nullptr);   // prefill: matrix-matrix
//   model.value().forward(cache, {&next_id, 1}, logits, nullptr); // decode: matrix-vector
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/status.h"
#include "hyv/task_runner.h"

namespace hyv::engine {

struct Gpt2Config {
  int n_layer = 12;
  int n_head = 12;
  int n_embd = 768;
  int n_positions = 1024;
  int vocab_size = 50257;
  float layer_norm_epsilon = 1e-5f;
  std::string activation_function = "gelu_new";
  int bos_token_id = 50256;  // -1: none
  int eos_token_id = 50256;  // -1: none
  int n_inner = 0;           // MLP width; 0 means 4 * n_embd (GPT2Config's n_inner = null)
};

// Reads GPT2Config fields from config.json; errors name the field (the caller adds the file name).
// n_positions may be given as n_ctx. activation_function: "gelu_new", "gelu_pytorch_tanh" and
// "gelu_fast" are the tanh form, "gelu" the exact erf form; others are refused. Absent bos/eos ids
// default to 50256 when that is inside the vocabulary, else to -1 (none).
Result<Gpt2Config> parse_gpt2_config(std::string_view config_json);

// Checks sizes (positive, n_embd divisible by n_head), the activation and the special token ids.
Status validate_gpt2_config(const Gpt2Config& config);

// f32: weights as float. q8: every matrix (attention, MLP, lm_head/wte) as int8 with one float
// scale per block of 32 inputs; |w - q * scale| <= max|w in block| / 254. Activations entering a
// q8 matrix are rounded to int16 with one scale per token (relative error <= 2^-16 of the token's
// largest value), so int8 x int16 products sum exactly in int32. q8 logits are bit-identical
// natively and in wasm (see kernels.h); f32 ones agree to rounding (native f32 uses FMA).
enum class WeightType { f32, q8 };

// Working memory of Gpt2Model::forward. It lives with the cache so that a decode step allocates
// nothing and one model serves many caches (and threads) at once. It is not state: it never
// needs serialising, and a copy or a cleared one works as well.
struct ForwardScratch {
  std::vector<float> f32;
  std::vector<int16_t> i16;
};

// Keys and values of every layer for the tokens seen so far. Plain data: it may be copied or
// serialised between calls. Layout: [layer][position][n_embd] for k and for v.
struct KvCache {
  int n_layer = 0, n_embd = 0, capacity_tokens = 0;
  int n_tokens = 0;  // positions filled
  std::vector<float> k, v;
  ForwardScratch scratch;
};

class Gpt2Model {
 public:
  // Weights from model.safetensors (F32, F16 or BF16; names with or without "transformer.").
  // WeightType::q8 quantises the matrices to int8 with per-block scales at load time.
  static Result<Gpt2Model> load(const Gpt2Config& config, Bytes safetensors, WeightType type);

  const Gpt2Config& config() const;
  WeightType weight_type() const;
  int64_t parameter_count() const;

  KvCache make_cache(int capacity_tokens) const;

  // Runs tokens at positions [cache.n_tokens, cache.n_tokens + tokens.size()) and appends their
  // keys/values to the cache. logits.size() == vocab_size: the last token's logits;
  // logits.size() == tokens.size() * vocab_size: every token's logits, row by row;
  // logits empty: none (a prefill whose logits are not needed skips the lm_head).
  // Errors: empty tokens, an id out of range, the cache or n_positions would overflow, a cache
  // made for another model; on error the cache is unchanged.
  // The whole prompt is one matrix-matrix pass per block of up to 128 tokens; one token is a
  // matrix-vector pass. With a runner, matrix rows and attention heads are split across
  // runner->concurrency() tasks; the result is bit-identical with or without a runner.
  Status forward(KvCache& cache, std::span<const int32_t> tokens, std::span<float> logits,
                 TaskRunner* runner) const;

  Gpt2Model();
  ~Gpt2Model();
  Gpt2Model(Gpt2Model&&) noexcept;
  Gpt2Model& operator=(Gpt2Model&&) noexcept;

 private:
  friend class Gpt2Loader;  // builds the model it loaded
  struct Impl;
  Impl* impl_ = nullptr;
};

}  // namespace hyv::engine
