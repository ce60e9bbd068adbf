// Models parsed into the heap, ready to generate with. An uploaded model is one stable-memory blob
// per file of its Hugging Face folder, named "<model>.<file>":
//   <model>.config.json, <model>.model.safetensors, and <model>.vocab.json + <model>.merges.txt
//   and/or <model>.tokenizer.json
// model_load(<model>) reads them into the heap and parses them (hyv::engine::ModelFolderLoader).
// The copy from stable memory and the parse, one tensor a step, are spread over as many calls as
// they need (a pending load is kept on the heap between calls). A model is usable only once its
// load is complete.
// The table lives on the heap only: after an upgrade every model must be loaded again.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hyv/engine/model_folder.h"
#include "hyv/status.h"

namespace hyv::canister {

struct LoadedModelEntry {
  std::string name;
  std::string sha256_hex;  // of <model>.model.safetensors, as verified at upload
  std::string weights;     // "f32" or "q8"
  engine::LoadedModel model;
};

// How far a pending load is: bytes of the model's files copied into the heap, of all of them; then
// steps of the parse: 1 for config, tokenizer and safetensors header, 1 per weight matrix after
// (2 + 4 n_layer). total_steps is 0 until the copy is done and the parse has begun.
struct LoadProgress {
  uint64_t done_bytes = 0;
  uint64_t total_bytes = 0;
  uint64_t done_steps = 0;
  uint64_t total_steps = 0;
};

// One model_load call: the loaded model, or (loaded == nullptr) the progress of a load that needs
// another call.
struct LoadStep {
  std::shared_ptr<const LoadedModelEntry> loaded;
  LoadProgress progress;
};

// Starts, or continues, loading `name` until the call's instruction budget nears its end.
// quantize: "" or "none" (f32) or "q8"; a pending load with the other quantize starts again.
// Loading a name again replaces it once complete; sessions already running keep the model they
// started with. An error drops the pending load.
Result<LoadStep> model_load(std::string_view name, std::string_view quantize);

// The loaded model of this name; nullptr when none, or while a load of that name is pending.
std::shared_ptr<const LoadedModelEntry> find_loaded(std::string_view name);
// Every model ready to generate (not pending), by name.
std::vector<std::shared_ptr<const LoadedModelEntry>> loaded_models();
// The progress of the pending load of this model, if one is pending.
std::optional<LoadProgress> pending_load(std::string_view name);
// A new upload or delete of `upload_name` ("<model>.<file>") drops any pending load that reads it.
void cancel_loads_reading(std::string_view upload_name);

}  // namespace hyv::canister
