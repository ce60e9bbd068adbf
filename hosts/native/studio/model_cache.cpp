#include "studio/model_cache.h"

#include "model_dir.h"

namespace hyv::studio {
namespace {

// The loaded model together with the mapped files it was loaded from, in case the engine keeps
// views into them.
struct Loaded {
  native::ModelDir dir;
  engine::LoadedModel model;
};

}  // namespace

Result<std::shared_ptr<const engine::LoadedModel>> ModelCache::get(const std::string& id,
                                                                   const std::string& dir) {
  std::lock_guard lock(mu_);
  if (auto it = models_.find(id); it != models_.end()) return it->second;
  auto folder = native::ModelDir::open(dir);
  if (!folder.ok()) return folder.status().with_context("model '" + id + "'");
  auto model = engine::load_model_folder(folder.value().files(), engine::WeightType::f32);
  if (!model.ok()) return model.status().with_context("model '" + id + "' (" + dir + ")");
  auto holder =
      std::make_shared<Loaded>(Loaded{std::move(folder).value(), std::move(model).value()});
  std::shared_ptr<const engine::LoadedModel> shared(holder, &holder->model);
  models_[id] = shared;
  return shared;
}

void ModelCache::evict(const std::string& id) {
  std::lock_guard lock(mu_);
  models_.erase(id);
}

}  // namespace hyv::studio
