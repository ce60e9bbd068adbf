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
#include "hyv/engine/tokenizer.h"
#include "hyv/status.h"

namespace hyv::engine {

struct ModelFolderFiles {
  Bytes config_json;
  Bytes safetensors;
  Bytes vocab_json;
  Bytes merges_txt;
  Bytes tokenizer_json;
};

struct LoadedModel {
  Gpt2Model model;
  BpeTokenizer tokenizer;
};

Result<LoadedModel> load_model_folder(const ModelFolderFiles& files, WeightType type);

// Weights a GPT-2 of this shape holds (tied lm_head counted once), from config.json alone.
int64_t gpt2_parameter_count(const Gpt2Config& config);

}  // namespace hyv::engine
