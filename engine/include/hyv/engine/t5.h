// T5 (encoder-decoder transformer), as published (Raffel et al. 2020; Hugging Face's
// T5ForConditionalGeneration weight layout), which CodeT5 uses unchanged:
//   - RMS norm without bias or mean, before each sub-layer and after each stack;
//   - attention without the 1/sqrt(d) scale, with a relative position bias that each stack's first
//     layer holds and every layer of the stack adds (bidirectional buckets in the encoder, causal
//     in the decoder); cross-attention has none;
//   - a ReLU or gated (GELU, SiLU) MLP; logits from the shared embedding scaled by d_model^-0.5
//     when tied, else from lm_head.
//
//   auto config = hyv::engine::parse_t5_config(config_json);
//   auto model = hyv::engine::T5Model::load(config.value(), safetensors_bytes, WeightType::f32);
//   hyv::engine::T5EncoderOutput enc;
//   model.value().encode(source_ids, enc, runner);              // once per request
//   auto dec = model.value().start_decoder(enc, 128, runner);   // cross-attention K/V, computed
//   once model.value().decode(dec.value(), {&start_id, 1}, logits, runner);  // one step per token
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/engine/gpt2.h"  // WeightType, ForwardScratch
#include "hyv/engine/safetensors.h"
#include "hyv/status.h"
#include "hyv/task_runner.h"

namespace hyv::engine {

struct T5Weights;

struct T5Config {
  int d_model = 512;
  int d_kv = 64;  // per head
  int d_ff = 2048;
  int num_layers = 6;          // encoder
  int num_decoder_layers = 6;  // decoder (config.json: defaults to num_layers)
  int num_heads = 8;
  int relative_attention_num_buckets = 32;
  int relative_attention_max_distance = 128;
  // feed_forward_proj "relu", "gelu", "silu", "gelu_new", optionally "gated-"; "gated-gelu" is
  // the tanh form (gelu_new), as in Hugging Face's T5Config.
  std::string activation = "relu";  // relu | gelu (erf) | gelu_new (tanh) | silu
  bool gated = false;
  float layer_norm_epsilon = 1e-6f;
  bool tie_word_embeddings = true;
  int vocab_size = 32128;
  int decoder_start_token_id = 0;
  int pad_token_id = 0;
  int eos_token_id = 1;
  int bos_token_id = -1;  // -1: none (T5 has none; CodeT5 has <s> = 1)
};

// Reads T5Config's fields from config.json; errors name the field (the caller adds the file name).
Result<T5Config> parse_t5_config(std::string_view config_json);
// Sizes positive, buckets even and below max distance, special ids inside the vocabulary.
Status validate_t5_config(const T5Config& config);
// True when config.json describes a T5-family model (model_type "t5", or a T5 architecture).
bool is_t5_config(std::string_view config_json);

// The encoder's output for one source sequence: [n_tokens][d_model], after the final norm.
struct T5EncoderOutput {
  int n_tokens = 0;
  std::vector<float> hidden;
  ForwardScratch scratch;  // working memory of encode, reused
};

// The decoder's state for one request. Plain data: it may be copied or serialised between calls.
// Layout (inner = num_heads * d_kv): self_k/self_v [layer][position][inner]; cross_kv
// [layer][source position][2 inner], each row the encoder output through the layer's K then V
// (computed once by start_decoder).
struct T5DecoderState {
  int n_layer = 0, inner = 0, capacity_tokens = 0;
  int n_tokens = 0;  // decoder positions filled
  int n_source = 0;  // encoder positions
  std::vector<float> self_k, self_v, cross_kv;
  ForwardScratch scratch;
};

class T5Model {
 public:
  // Weights from model.safetensors (F32, F16 or BF16). The embedding may be stored as
  // "shared.weight" or only as "encoder.embed_tokens.weight" / "decoder.embed_tokens.weight".
  static Result<T5Model> load(const T5Config& config, Bytes safetensors, WeightType type);
  // The same from tensors already parsed (sorted by name, as SafetensorsFile::tensors() and
  // TorchCheckpoint::tensors() give them); their bytes need not outlive the call.
  static Result<T5Model> load(const T5Config& config, std::span<const TensorView> tensors,
                              WeightType type);

  const T5Config& config() const;
  WeightType weight_type() const;
  int64_t parameter_count() const;

  // Runs the encoder over source tokens (non-empty, ids in the vocabulary) into out.
  Status encode(std::span<const int32_t> tokens, T5EncoderOutput& out, TaskRunner* runner) const;
  // A decoder state for up to capacity_tokens decoder positions, with the cross-attention K/V of
  // encoded (from this model's encode).
  Result<T5DecoderState> start_decoder(const T5EncoderOutput& encoded, int capacity_tokens,
                                       TaskRunner* runner) const;
  // Runs decoder tokens at positions [state.n_tokens, state.n_tokens + tokens.size()) and appends
  // their self-attention K/V. logits as in Gpt2Model::forward: vocab_size floats for the last
  // token, tokens x vocab_size for every token, or empty for none. On error the state is unchanged.
  // Bit-identical with or without a runner.
  Status decode(T5DecoderState& state, std::span<const int32_t> tokens, std::span<float> logits,
                TaskRunner* runner) const;

  T5Model();
  ~T5Model();
  T5Model(T5Model&&) noexcept;
  T5Model& operator=(T5Model&&) noexcept;

 private:
  struct Impl;
  friend class T5Loader;  // builds the model it loaded
  // Defined next to T5Model's internals.
  static T5Model assemble(const T5Config& config, WeightType type, T5Weights&& weights);
  std::unique_ptr<Impl> impl_;
};

// Relative position bucket of key position minus query position (Hugging Face's
// _relative_position_bucket): exact buckets for small distances, logarithmic ones up to
// max_distance; bidirectional splits the buckets between the two signs.
int t5_relative_bucket(int relative_position, bool bidirectional, int num_buckets,
                       int max_distance);

}  // namespace hyv::engine
