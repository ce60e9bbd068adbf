// A small C ABI over the engine for tests/wasm: load a model from byte buffers, encode a prompt and
// run greedy generation through GenerationSession, stepping in small budgets and moving the session
// through serialize()/restore() between steps, the way one generation spans several canister calls.
//
// Memory protocol: the host allocates with hyv_alloc, copies bytes in, and passes (pointer,
// length). Functions return a count >= 0, or -1 with the reason in hyv_error_ptr()/hyv_error_len().
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exports_common.h"
#include "hyv/bytes.h"
#include "hyv/engine/gpt2.h"
#include "hyv/engine/model_folder.h"
#include "hyv/engine/session.h"
#include "hyv/engine/tokenizer.h"
#include "hyv/status.h"

namespace {

using hyv::engine::LoadedModel;

std::vector<std::unique_ptr<LoadedModel>>& models() {
  static std::vector<std::unique_ptr<LoadedModel>> all;
  return all;
}

using hyv::wasm::fail;
using hyv::wasm::last_error;

std::string_view text(const uint8_t* data, uint32_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

LoadedModel* find_model(int32_t handle) {
  if (handle < 1 || static_cast<size_t>(handle) > models().size()) return nullptr;
  return models()[handle - 1].get();
}

// Runs the session to the end in steps of at most step_tokens tokens. Between steps the session is
// serialised and restored, so every step after the first starts from bytes alone.
hyv::Result<std::vector<int32_t>> run_greedy(const LoadedModel& m, std::vector<int32_t> prompt,
                                             int max_tokens, int step_tokens) {
  hyv::engine::GenerationRequest request;
  request.prompt = std::move(prompt);
  request.sampling.temperature = 0.0f;
  request.max_tokens = max_tokens;
  auto started = hyv::engine::GenerationSession::start(m.model, m.tokenizer, std::move(request));
  if (!started.ok()) return started.status();
  hyv::engine::GenerationSession session = std::move(started).value();
  std::vector<int32_t> tokens;
  while (!session.done()) {
    auto out = session.step(hyv::engine::StepBudget::tokens(step_tokens), nullptr);
    if (!out.ok()) return out.status();
    tokens.insert(tokens.end(), out.value().tokens.begin(), out.value().tokens.end());
    if (session.done()) break;
    std::vector<uint8_t> state = session.serialize();
    auto restored = hyv::engine::GenerationSession::restore(m.model, m.tokenizer, state);
    if (!restored.ok()) return restored.status().with_context("restore");
    session = std::move(restored).value();
  }
  if (tokens != session.generated_tokens()) {
    return hyv::Status::Error("tokens returned by step() differ from generated_tokens()");
  }
  return tokens;
}

}  // namespace

HYV_EXPORT("hyv_alloc") uint8_t* hyv_alloc(uint32_t size) {
  return static_cast<uint8_t*>(std::malloc(size == 0 ? 1 : size));
}

HYV_EXPORT("hyv_free") void hyv_free(uint8_t* p) {
  std::free(p);
}

HYV_EXPORT("hyv_error_ptr") const char* hyv_error_ptr() {
  return last_error().data();
}

HYV_EXPORT("hyv_error_len") uint32_t hyv_error_len() {
  return static_cast<uint32_t>(last_error().size());
}

// Returns a model handle >= 1, or -1. quantize: 0 = fp32, 1 = int8 (q8).
HYV_EXPORT("hyv_model_load")
int32_t hyv_model_load(const uint8_t* config, uint32_t config_len, const uint8_t* safetensors,
                       uint32_t safetensors_len, const uint8_t* vocab, uint32_t vocab_len,
                       const uint8_t* merges, uint32_t merges_len, int32_t quantize) {
  hyv::engine::ModelFolderFiles files;
  files.config_json = hyv::Bytes(config, config_len);
  files.safetensors = hyv::Bytes(safetensors, safetensors_len);
  files.vocab_json = hyv::Bytes(vocab, vocab_len);
  files.merges_txt = hyv::Bytes(merges, merges_len);
  auto loaded = hyv::engine::load_model_folder(
      files, quantize == 1 ? hyv::engine::WeightType::q8 : hyv::engine::WeightType::f32);
  if (!loaded.ok()) return fail(loaded.status());
  models().push_back(std::make_unique<LoadedModel>(std::move(loaded).value()));
  return static_cast<int32_t>(models().size());
}

// Writes up to capacity ids of the prompt's tokens to out; returns how many there are (may exceed
// capacity, in which case only the first capacity are written).
HYV_EXPORT("hyv_encode")
int32_t hyv_encode(int32_t handle, const uint8_t* prompt, uint32_t prompt_len, int32_t* out,
                   int32_t capacity) {
  const LoadedModel* m = find_model(handle);
  if (m == nullptr) return fail(hyv::Status::Error("unknown model handle"));
  std::vector<int32_t> ids = m->tokenizer.encode(text(prompt, prompt_len));
  for (size_t i = 0; i < ids.size() && static_cast<int32_t>(i) < capacity; ++i) out[i] = ids[i];
  return static_cast<int32_t>(ids.size());
}

// Greedy generation (temperature 0, every other sampling setting at its SamplingParams default,
// stopping at EOS, like `hyv generate --temperature 0`). Writes the generated ids to out (at most
// capacity) and returns how many were generated.
HYV_EXPORT("hyv_generate_greedy")
int32_t hyv_generate_greedy(int32_t handle, const uint8_t* prompt, uint32_t prompt_len,
                            int32_t max_tokens, int32_t step_tokens, int32_t* out,
                            int32_t capacity) {
  const LoadedModel* m = find_model(handle);
  if (m == nullptr) return fail(hyv::Status::Error("unknown model handle"));
  if (step_tokens < 1) return fail(hyv::Status::Error("step_tokens must be >= 1"));
  auto tokens =
      run_greedy(*m, m->tokenizer.encode(text(prompt, prompt_len)), max_tokens, step_tokens);
  if (!tokens.ok()) return fail(tokens.status());
  const std::vector<int32_t>& ids = tokens.value();
  for (size_t i = 0; i < ids.size() && static_cast<int32_t>(i) < capacity; ++i) out[i] = ids[i];
  return static_cast<int32_t>(ids.size());
}
