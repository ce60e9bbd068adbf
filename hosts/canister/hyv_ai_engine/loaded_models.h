// Models parsed into the heap, ready to generate with. An uploaded model is one stable-memory blob
// per file of its Hugging Face folder, named "<model>.<file>":
//   <model>.config.json, <model>.model.safetensors, and <model>.vocab.json + <model>.merges.txt
//   and/or <model>.tokenizer.json
// model_load(<model>) reads them into the heap and parses them (hyv::engine::load_model_folder).
// The table lives on the heap only: after an upgrade every model must be loaded again.
#pragma once

#include <memory>
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

// quantize: "" or "none" (f32) or "q8". Loading a name again replaces it; sessions already running
// keep the model they started with.
Result<std::shared_ptr<const LoadedModelEntry>> model_load(std::string_view name,
                                                           std::string_view quantize);
std::shared_ptr<const LoadedModelEntry> find_loaded(std::string_view name);

}  // namespace hyv::canister
