// A Hugging Face model folder (config.json, model.safetensors, vocab.json + merges.txt and/or
// tokenizer.json) turned into a GPT-2 model and its tokenizer. The host supplies the bytes:
//
//   hyv::engine::ModelFolderFiles files;               // spans over mapped files; empty = absent
//   files.config_json = ...; files.safetensors = ...; files.vocab_json = ...; ...
//   auto loaded = hyv::engine::load_model_folder(files, WeightType::f32);
//   // loaded.value().model, loaded.value().tokenizer; errors start with the file's name
//
// vocab.json + merges.txt win over tokenizer.json when a folder has both (they are what GPT-2's
// own tokenizer reads); tokenizer.json alone is enough.
#pragma once

#include "hyv/bytes.h"
#include "hyv/engine/gpt2.h"
#include "hyv/engine/gpt2_loader.h"
#include "hyv/engine/tokenizer.h"
#include "hyv/status.h"

namespace hyv::engine {

// Every file a GPT-2 or T5 folder may hold; a loader reads the ones its architecture uses
// (t5_folder.h for T5).
struct ModelFolderFiles {
  Bytes config_json;
  Bytes safetensors;
  Bytes vocab_json;
  Bytes merges_txt;
  Bytes tokenizer_json;
  // T5 folders: torch.save's zip (GPT-2 folders need model.safetensors), a RoBERTa-style
  // tokenizer's (CodeT5's) added and special tokens, T5's SentencePiece model.
  Bytes pytorch_model_bin;
  Bytes added_tokens_json;
  Bytes special_tokens_map_json;
  Bytes tokenizer_config_json;
  Bytes spiece_model;
};

struct LoadedModel {
  Gpt2Model model;
  BpeTokenizer tokenizer;
};

Result<LoadedModel> load_model_folder(const ModelFolderFiles& files, WeightType type);

// load_model_folder in steps (it is create, step until done, finish): create parses config.json,
// the tokenizer and the safetensors header; each step converts one tensor (Gpt2Loader). Errors
// start with the file's name, as load_model_folder's. The files' bytes must outlive the loader.
class ModelFolderLoader {
 public:
  static Result<ModelFolderLoader> create(const ModelFolderFiles& files, WeightType type);
  bool done() const { return weights_.done(); }
  int steps_done() const { return weights_.steps_done(); }
  int steps_total() const { return weights_.steps_total(); }
  int64_t next_step_elements() const { return weights_.next_step_elements(); }
  Status step();
  Result<LoadedModel> finish() &&;

 private:
  ModelFolderLoader(Gpt2Loader weights, BpeTokenizer tokenizer)
      : weights_(std::move(weights)), tokenizer_(std::move(tokenizer)) {}
  Gpt2Loader weights_;
  BpeTokenizer tokenizer_;
};

// Weights a GPT-2 of this shape holds (tied lm_head counted once), from config.json alone.
int64_t gpt2_parameter_count(const Gpt2Config& config);

}  // namespace hyv::engine
