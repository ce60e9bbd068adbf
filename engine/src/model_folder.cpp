#include "hyv/engine/model_folder.h"

namespace hyv::engine {
namespace {

Result<BpeTokenizer> load_tokenizer(const ModelFolderFiles& f) {
  if (!f.vocab_json.empty() || !f.merges_txt.empty()) {
    if (f.vocab_json.empty()) return Status::Error("vocab.json: missing (merges.txt needs it)");
    if (f.merges_txt.empty()) return Status::Error("merges.txt: missing (vocab.json needs it)");
    auto tok =
        BpeTokenizer::from_vocab_merges(as_string_view(f.vocab_json), as_string_view(f.merges_txt));
    if (!tok.ok()) return tok.status().with_context("vocab.json + merges.txt");
    return tok;
  }
  if (f.tokenizer_json.empty())
    return Status::Error(
        "no tokenizer: the folder needs vocab.json + merges.txt, or tokenizer.json");
  auto tok = BpeTokenizer::from_tokenizer_json(as_string_view(f.tokenizer_json));
  if (!tok.ok()) return tok.status().with_context("tokenizer.json");
  return tok;
}

}  // namespace

int64_t gpt2_parameter_count(const Gpt2Config& c) {
  int64_t e = c.n_embd;
  int64_t per_layer = 12 * e * e + 13 * e;  // attention 4e^2+4e, MLP 8e^2+5e, two LayerNorms 4e
  return int64_t(c.vocab_size) * e + int64_t(c.n_positions) * e + c.n_layer * per_layer + 2 * e;
}

Result<ModelFolderLoader> ModelFolderLoader::create(const ModelFolderFiles& f, WeightType type) {
  if (f.config_json.empty()) return Status::Error("config.json: missing or empty");
  if (f.safetensors.empty()) {
    return Status::Error(f.pytorch_model_bin.empty()
                             ? "model.safetensors: missing or empty"
                             : "model.safetensors: missing; GPT-2 folders are read from "
                               "model.safetensors (pytorch_model.bin is read for T5 folders)");
  }
  auto config = parse_gpt2_config(as_string_view(f.config_json));
  if (!config.ok()) return config.status().with_context("config.json");
  auto tokenizer = load_tokenizer(f);
  if (!tokenizer.ok()) return tokenizer.status();
  if (tokenizer.value().vocab_size() > config.value().vocab_size) {
    return Status::Error("tokenizer has " + std::to_string(tokenizer.value().vocab_size()) +
                         " tokens but config.json's vocab_size is " +
                         std::to_string(config.value().vocab_size) +
                         ": the tokenizer does not belong to this model");
  }
  auto weights = Gpt2Loader::create(config.value(), f.safetensors, type);
  if (!weights.ok()) return weights.status().with_context("model.safetensors");
  return ModelFolderLoader(std::move(weights).value(), std::move(tokenizer).value());
}

Status ModelFolderLoader::step() {
  Status st = weights_.step();
  if (!st.ok()) return st.with_context("model.safetensors");
  return st;
}

Result<LoadedModel> ModelFolderLoader::finish() && {
  auto model = std::move(weights_).finish();
  if (!model.ok()) return model.status().with_context("model.safetensors");
  return LoadedModel{std::move(model).value(), std::move(tokenizer_)};
}

Result<LoadedModel> load_model_folder(const ModelFolderFiles& f, WeightType type) {
  auto loader = ModelFolderLoader::create(f, type);
  if (!loader.ok()) return loader.status();
  while (!loader.value().done()) {
    HYV_RETURN_IF_ERROR(loader.value().step());
  }
  return std::move(loader.value()).finish();
}

}  // namespace hyv::engine
