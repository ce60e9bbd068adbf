// The models that ship with Hyv (models/text-small, models/code-small): found where the CLI
// finds them (model_dir.h) and described for the ModelRegistry from their own files, so the
// studio lists them with real sizes, hashes, parameter counts and their README's license.
#pragma once

#include <string>
#include <vector>

#include "hyv/service/model_registry.h"

namespace hyv::studio {

struct BundledModel {
  service::ModelInfo info;
  std::string dir;  // the folder it is loaded from
};

// Describes the model folder `dir` as model `id` of `type`. Errors name the file.
Result<service::ModelInfo> describe_model_folder(const std::string& id, const std::string& dir,
                                                 service::DataType type);

// text-small and code-small, those that are found; a missing one is skipped (the CLI's own
// error names where it looked) and reported in `missing`.
std::vector<BundledModel> find_bundled_models(std::vector<std::string>& missing);

}  // namespace hyv::studio
