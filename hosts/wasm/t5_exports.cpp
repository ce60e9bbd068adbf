// The C ABI of tests/wasm/t5_parity_test.mjs: load a T5 model from bytes, run the decoder
// teacher-forced one token per call through its caches (as a canister would across calls), and
// greedy-decode. Same memory protocol as engine_exports.cpp.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "exports_common.h"
#include "hyv/bytes.h"
#include "hyv/engine/t5.h"

namespace {

using hyv::engine::T5Model;
using hyv::wasm::fail;

std::vector<std::unique_ptr<T5Model>>& models() {
  static std::vector<std::unique_ptr<T5Model>> all;
  return all;
}

const T5Model* find_model(int32_t handle) {
  if (handle < 1 || static_cast<size_t>(handle) > models().size()) return nullptr;
  return models()[handle - 1].get();
}

hyv::Result<hyv::engine::T5DecoderState> start(const T5Model& m, const int32_t* source,
                                               int32_t n_source, int capacity) {
  if (n_source < 1) return hyv::Status::Error("the source needs at least one token");
  hyv::engine::T5EncoderOutput encoded;
  HYV_RETURN_IF_ERROR(
      m.encode(std::span<const int32_t>(source, static_cast<size_t>(n_source)), encoded, nullptr));
  return m.start_decoder(encoded, capacity, nullptr);
}

}  // namespace

// Returns a model handle >= 1, or -1. quantize: 0 = fp32, 1 = int8 (q8).
HYV_EXPORT("hyv_t5_load")
int32_t hyv_t5_load(const uint8_t* config, uint32_t config_len, const uint8_t* safetensors,
                    uint32_t safetensors_len, int32_t quantize) {
  auto parsed = hyv::engine::parse_t5_config(
      std::string_view(reinterpret_cast<const char*>(config), config_len));
  if (!parsed.ok()) return fail(parsed.status().with_context("config.json"));
  auto model =
      T5Model::load(parsed.value(), hyv::Bytes(safetensors, safetensors_len),
                    quantize == 1 ? hyv::engine::WeightType::q8 : hyv::engine::WeightType::f32);
  if (!model.ok()) return fail(model.status().with_context("model.safetensors"));
  models().push_back(std::make_unique<T5Model>(std::move(model).value()));
  return static_cast<int32_t>(models().size());
}

// Logits of every target position ([n_target][vocab] floats into out), one decode call per token.
// Returns vocab_size, or -1.
HYV_EXPORT("hyv_t5_logits")
int32_t hyv_t5_logits(int32_t handle, const int32_t* source, int32_t n_source,
                      const int32_t* target, int32_t n_target, float* out) {
  const T5Model* m = find_model(handle);
  if (m == nullptr) return fail(hyv::Status::Error("unknown model handle"));
  auto state = start(*m, source, n_source, n_target);
  if (!state.ok()) return fail(state.status());
  const size_t vocab = static_cast<size_t>(m->config().vocab_size);
  for (int32_t t = 0; t < n_target; ++t) {
    hyv::Status st = m->decode(state.value(), std::span<const int32_t>(target + t, 1),
                               std::span<float>(out + t * vocab, vocab), nullptr);
    if (!st.ok()) return fail(st);
  }
  return static_cast<int32_t>(vocab);
}

// Greedy tokens after decoder_start_token_id (max_tokens of them, into out); returns the count.
HYV_EXPORT("hyv_t5_greedy")
int32_t hyv_t5_greedy(int32_t handle, const int32_t* source, int32_t n_source, int32_t max_tokens,
                      int32_t* out) {
  const T5Model* m = find_model(handle);
  if (m == nullptr) return fail(hyv::Status::Error("unknown model handle"));
  auto state = start(*m, source, n_source, max_tokens);
  if (!state.ok()) return fail(state.status());
  std::vector<float> logits(static_cast<size_t>(m->config().vocab_size));
  int32_t next = m->config().decoder_start_token_id;
  for (int32_t i = 0; i < max_tokens; ++i) {
    hyv::Status st = m->decode(state.value(), {&next, 1}, logits, nullptr);
    if (!st.ok()) return fail(st);
    next = 0;
    for (size_t v = 1; v < logits.size(); ++v) {
      if (logits[v] > logits[next]) next = static_cast<int32_t>(v);
    }
    out[i] = next;
  }
  return max_tokens;
}
