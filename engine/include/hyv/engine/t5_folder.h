// A Hugging Face T5-family folder (Salesforce/codet5-small, t5-small, codet5-base...) turned into
// a T5Model and its T5Tokenizer. The host maps the files into ModelFolderFiles (model_folder.h):
//
//   if (hyv::engine::is_t5_config(as_string_view(files.config_json))) {
//     auto loaded = hyv::engine::load_t5_folder(files, WeightType::q8);
//     // loaded.value().model, loaded.value().tokenizer; errors start with the file's name
//   }
//
// Weights: model.safetensors, else pytorch_model.bin (torch_checkpoint.h). Tokenizer, the first
// the folder has: vocab.json + merges.txt (CodeT5's byte-level BPE, its added and special tokens
// from added_tokens.json, special_tokens_map.json and tokenizer_config.json); spiece.model
// (T5's SentencePiece, with tokenizer_config.json's extra_ids sentinels, 100 by default, unless
// the model holds them); tokenizer.json (a Unigram model, else a byte-level BPE one). The source
// is framed "<s> text </s>" when config.json has a bos_token_id (CodeT5), else "text </s>".
#pragma once

#include <memory>

#include "hyv/engine/model_folder.h"
#include "hyv/engine/t5.h"
#include "hyv/engine/t5_loader.h"
#include "hyv/engine/t5_tokenizer.h"
#include "hyv/status.h"

namespace hyv::engine {

struct LoadedT5 {
  T5Model model;
  T5Tokenizer tokenizer;
};

Result<LoadedT5> load_t5_folder(const ModelFolderFiles& files, WeightType type);

// load_t5_folder in steps, for hosts with a per-call instruction limit: create parses config.json,
// the tokenizer and the weights file's index; each step converts the embeddings or one block
// (T5Loader). The files' bytes must outlive the loader.
class T5FolderLoader {
 public:
  static Result<T5FolderLoader> create(const ModelFolderFiles& files, WeightType type);
  bool done() const;
  int steps_done() const;
  int steps_total() const;
  int64_t next_step_elements() const;
  Status step();
  Result<LoadedT5> finish() &&;
  // "model.safetensors" or "pytorch_model.bin": the file the weights come from.
  const char* weights_file() const;

  T5FolderLoader(T5FolderLoader&&) noexcept;
  T5FolderLoader& operator=(T5FolderLoader&&) noexcept;
  ~T5FolderLoader();

 private:
  struct State;
  explicit T5FolderLoader(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

// The tokenizer alone, as load_t5_folder reads it (config: the folder's parsed config.json).
Result<T5Tokenizer> load_t5_tokenizer(const ModelFolderFiles& files, const T5Config& config);

}  // namespace hyv::engine
