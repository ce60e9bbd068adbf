#include "loaded_models.h"

#include <map>
#include <vector>

#include "heap_check.h"
#include "model_store.h"

namespace hyv::canister {
namespace {

std::map<std::string, std::shared_ptr<const LoadedModelEntry>, std::less<>>& table() {
  static auto* t = new std::map<std::string, std::shared_ptr<const LoadedModelEntry>, std::less<>>;
  return *t;
}

std::string hex(std::span<const uint8_t> bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

const ModelInfo* find_info(const std::vector<ModelInfo>& all, const std::string& name) {
  for (const ModelInfo& m : all) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// An optional file: empty when not uploaded; an error only when it exists but is unfinished.
Result<std::vector<uint8_t>> read_optional(const std::vector<ModelInfo>& all,
                                           const std::string& name) {
  if (find_info(all, name) == nullptr) return std::vector<uint8_t>{};
  return model_read(name);
}

}  // namespace

Result<std::shared_ptr<const LoadedModelEntry>> model_load(std::string_view name,
                                                           std::string_view quantize) {
  engine::WeightType type = engine::WeightType::f32;
  if (quantize == "q8") {
    type = engine::WeightType::q8;
  } else if (!quantize.empty() && quantize != "none") {
    return Status::Error("quantize must be \"q8\" or \"none\", not \"" + std::string(quantize) +
                         "\"");
  }
  const std::string prefix = std::string(name) + ".";
  std::vector<ModelInfo> all = models_list();
  const ModelInfo* weights = find_info(all, prefix + "model.safetensors");
  if (weights == nullptr) {
    return Status::Error("no upload named '" + prefix +
                         "model.safetensors': upload the model folder's files as "
                         "<model>.config.json, <model>.model.safetensors, <model>.vocab.json, "
                         "<model>.merges.txt");
  }
  // The header first (its length, then up to 1 MiB of JSON), to refuse a model that cannot fit.
  Result<std::vector<uint8_t>> head =
      model_read_range(prefix + "model.safetensors", 0, 8 + (1 << 20));
  if (!head.ok()) return head.status();
  Result<uint64_t> elements = safetensors_elements(head.value());
  if (!elements.ok()) return elements.status().with_context("model '" + std::string(name) + "'");
  uint64_t file_bytes = 0;
  for (const ModelInfo& m : all) {
    if (m.name.starts_with(prefix)) file_bytes += m.total_bytes;
  }
  const uint64_t heap_in_use = uint64_t{__builtin_wasm_memory_size(0)} * 65536;
  if (Status st =
          check_heap(std::string(name), heap_in_use,
                     load_heap_bytes(file_bytes, elements.value(), type == engine::WeightType::q8));
      !st.ok()) {
    return st;
  }
  Result<std::vector<uint8_t>> config = model_read(prefix + "config.json");
  if (!config.ok()) return config.status();
  Result<std::vector<uint8_t>> safetensors = model_read(prefix + "model.safetensors");
  if (!safetensors.ok()) return safetensors.status();
  Result<std::vector<uint8_t>> vocab = read_optional(all, prefix + "vocab.json");
  if (!vocab.ok()) return vocab.status();
  Result<std::vector<uint8_t>> merges = read_optional(all, prefix + "merges.txt");
  if (!merges.ok()) return merges.status();
  Result<std::vector<uint8_t>> tokenizer = read_optional(all, prefix + "tokenizer.json");
  if (!tokenizer.ok()) return tokenizer.status();

  engine::ModelFolderFiles files;
  files.config_json = config.value();
  files.safetensors = safetensors.value();
  files.vocab_json = vocab.value();
  files.merges_txt = merges.value();
  files.tokenizer_json = tokenizer.value();
  Result<engine::LoadedModel> loaded = engine::load_model_folder(files, type);
  if (!loaded.ok()) return loaded.status().with_context("model '" + std::string(name) + "'");

  auto entry = std::make_shared<LoadedModelEntry>();
  entry->name = std::string(name);
  entry->sha256_hex = hex(weights->sha256);
  entry->weights = type == engine::WeightType::q8 ? "q8" : "f32";
  entry->model = std::move(loaded.value());
  std::shared_ptr<const LoadedModelEntry> shared = std::move(entry);
  table()[std::string(name)] = shared;
  return shared;
}

std::shared_ptr<const LoadedModelEntry> find_loaded(std::string_view name) {
  auto it = table().find(name);
  return it == table().end() ? nullptr : it->second;
}

}  // namespace hyv::canister
