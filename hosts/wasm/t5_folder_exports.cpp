// The C ABI of tests/wasm/t5_session_parity_test.mjs: a whole T5 folder (CodeT5's layout) loaded
// by engine::load_t5_folder and a T5Session run on it, sampling or beam search, one token per
// step with the state serialised and restored between steps, as a canister would run it across
// calls. Same memory protocol as engine_exports.cpp.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "exports_common.h"
#include "hyv/bytes.h"
#include "hyv/engine/t5_folder.h"
#include "hyv/engine/t5_session.h"

namespace {

using hyv::wasm::fail;

// The folder's text files joined by NUL bytes, in the order of kTextFiles.
constexpr hyv::Bytes hyv::engine::ModelFolderFiles::*kTextFiles[] = {
    &hyv::engine::ModelFolderFiles::config_json,
    &hyv::engine::ModelFolderFiles::vocab_json,
    &hyv::engine::ModelFolderFiles::merges_txt,
    &hyv::engine::ModelFolderFiles::added_tokens_json,
    &hyv::engine::ModelFolderFiles::special_tokens_map_json,
    &hyv::engine::ModelFolderFiles::tokenizer_config_json,
};

hyv::engine::ModelFolderFiles split_files(const uint8_t* text, uint32_t len) {
  hyv::engine::ModelFolderFiles files;
  uint32_t at = 0;
  for (auto field : kTextFiles) {
    uint32_t end = at;
    while (end < len && text[end] != 0) ++end;
    files.*field = hyv::Bytes(text + at, end - at);
    at = end < len ? end + 1 : len;
  }
  return files;
}

std::optional<hyv::engine::LoadedT5>& loaded() {
  static std::optional<hyv::engine::LoadedT5> model;
  return model;
}

}  // namespace

// Loads the folder (replacing any earlier one). quantize: 0 = fp32, 1 = int8 (q8). Returns 0 or -1.
HYV_EXPORT("hyv_t5_folder_load")
int32_t hyv_t5_folder_load(const uint8_t* text_files, uint32_t text_len, const uint8_t* weights,
                           uint32_t weights_len, int32_t quantize) {
  hyv::engine::ModelFolderFiles files = split_files(text_files, text_len);
  files.safetensors = hyv::Bytes(weights, weights_len);
  auto model = hyv::engine::load_t5_folder(
      files, quantize == 1 ? hyv::engine::WeightType::q8 : hyv::engine::WeightType::f32);
  if (!model.ok()) return fail(model.status());
  loaded().emplace(std::move(model).value());
  return 0;
}

// Generates for a prompt (UTF-8) with beams (1: sampling at temperature with seed, the other
// sampling parameters the engine's defaults), up to max_tokens ids into out. Returns the count.
HYV_EXPORT("hyv_t5_folder_generate")
int32_t hyv_t5_folder_generate(const uint8_t* prompt, uint32_t prompt_len, int32_t beams,
                               float length_penalty, float temperature, uint32_t seed,
                               int32_t max_tokens, int32_t* out) {
  if (!loaded()) return fail(hyv::Status::Error("no folder loaded"));
  const hyv::engine::LoadedT5& m = *loaded();
  hyv::engine::T5Request q;
  q.source = m.tokenizer.encode_source(
      std::string_view(reinterpret_cast<const char*>(prompt), prompt_len));
  q.sampling.temperature = temperature;
  q.sampling.seed = seed;
  q.max_tokens = max_tokens;
  q.beams = beams;
  q.length_penalty = length_penalty;
  auto session = hyv::engine::T5Session::start(m.model, m.tokenizer, std::move(q));
  if (!session.ok()) return fail(session.status());
  while (!session.value().done()) {
    auto step = session.value().step(hyv::engine::StepBudget::tokens(1), nullptr);
    if (!step.ok()) return fail(step.status());
    std::vector<uint8_t> state = session.value().serialize();
    auto restored = hyv::engine::T5Session::restore(m.model, m.tokenizer, state, nullptr);
    if (!restored.ok()) return fail(restored.status());
    session.value() = std::move(restored).value();
  }
  const std::vector<int32_t>& tokens = session.value().generated_tokens();
  for (size_t i = 0; i < tokens.size(); ++i) out[i] = tokens[i];
  return static_cast<int32_t>(tokens.size());
}
