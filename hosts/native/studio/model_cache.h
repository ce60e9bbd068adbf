// ModelCache: every model the studio generates with is loaded once and shared, read-only, by
// all running jobs. Entries stay until evicted (a deleted model) or the studio stops.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "hyv/engine/model_folder.h"
#include "hyv/status.h"

namespace hyv::studio {

class ModelCache {
 public:
  // The model of folder `dir` under key `id`, loading it (f32) on first use. Loading holds the
  // cache's lock, so two jobs asking at once load it once.
  Result<std::shared_ptr<const engine::LoadedModel>> get(const std::string& id,
                                                         const std::string& dir);
  void evict(const std::string& id);

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const engine::LoadedModel>> models_;
};

}  // namespace hyv::studio
