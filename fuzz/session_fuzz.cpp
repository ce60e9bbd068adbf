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

// The input with its framing made consistent (the total size at bytes 12-19 and the FNV-1a
// checksum in the last 8 bytes, session_codec.cpp), so mutations reach the decoder behind them
// instead of stopping at the checksum.
std::vector<uint8_t> with_valid_framing(const uint8_t* data, size_t size) {
  std::vector<uint8_t> s(data, data + size);
  if (s.size() < 28) return s;
  for (int i = 0; i < 8; ++i) s[12 + i] = uint8_t(uint64_t(s.size()) >> (8 * i));
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i + 8 < s.size(); ++i) h = (h ^ s[i]) * 0x100000001b3ULL;
  for (int i = 0; i < 8; ++i) s[s.size() - 8 + i] = uint8_t(h >> (8 * i));
  return s;
}

void restore(const std::vector<uint8_t>& state) {
  const auto& m = tiny_model();
  auto session = hyv::engine::GenerationSession::restore(m.model, m.tokenizer, state);
  if (!session.ok()) return;
  std::vector<uint8_t> saved = session.value().serialize();
  auto again = hyv::engine::GenerationSession::restore(m.model, m.tokenizer, saved);
  if (!again.ok() || again.value().serialize() != saved) std::abort();
  (void)session.value().step(hyv::engine::StepBudget::tokens(2), nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  restore(std::vector<uint8_t>(data, data + size));
  restore(with_valid_framing(data, size));
  return 0;
}
