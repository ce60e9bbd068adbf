// Saved generation sessions (the canister keeps them across calls and upgrades): restored against
// the tiny test model. A session that restores must save to bytes that restore to the same bytes
// (it is saved again after every call), and must take a step.
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "hyv/engine/model_folder.h"
#include "hyv/engine/session.h"

namespace {

std::string read(const std::string& name) {
  std::ifstream in(std::string(HYV_SOURCE_DIR) + "/tests/fixtures/tiny-gpt2/" + name,
                   std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

const hyv::engine::LoadedModel& tiny_model() {
  static const std::string config = read("config.json"), weights = read("model.safetensors"),
                           vocab = read("vocab.json"), merges = read("merges.txt");
  static const hyv::engine::LoadedModel model = [] {
    hyv::engine::ModelFolderFiles files;
    files.config_json = hyv::as_bytes(config);
    files.safetensors = hyv::as_bytes(weights);
    files.vocab_json = hyv::as_bytes(vocab);
    files.merges_txt = hyv::as_bytes(merges);
    auto m = hyv::engine::load_model_folder(files, hyv::engine::WeightType::f32);
    if (!m.ok()) __builtin_trap();  // the fixture must load
    return std::move(m).value();
  }();
  return model;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& m = tiny_model();
  auto session =
      hyv::engine::GenerationSession::restore(m.model, m.tokenizer, hyv::Bytes(data, size));
  if (!session.ok()) return 0;
  std::vector<uint8_t> saved = session.value().serialize();
  auto again = hyv::engine::GenerationSession::restore(m.model, m.tokenizer, saved);
  if (!again.ok() || again.value().serialize() != saved) std::abort();
  (void)session.value().step(hyv::engine::StepBudget::tokens(2), nullptr);
  return 0;
}
