// The generator's engine pool and model catalog, kept in the Store so they survive upgrades:
//   engine/<principal text>  {"models":[{"name","sha256","weights"}],"calls":N,"failures":N,
//                             "last_error":"..."}   what the engine said it has loaded
//   model/<name>             {"data_type":"text"|"code","sha256":"<hex>","default":bool}
// Controllers register engines and models; the engine's own models_loaded answer (pool refresh)
// fills in which engine holds which model. The least busy engine that holds a model gets the next
// sample (in-flight counts live on the heap: after an upgrade nothing is in flight).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hyv/service/dataset_manifest.h"
#include "hyv/service/store.h"
#include "hyv/status.h"

namespace hyv::generator {

struct EngineModel {
  std::string name;
  std::string sha256;
  std::string weights;
};

struct EngineInfo {
  std::vector<uint8_t> principal;
  std::vector<EngineModel> models;
  uint64_t calls = 0;
  uint64_t failures = 0;
  std::string last_error;
  uint32_t in_flight = 0;  // heap only
};

struct CatalogModel {
  std::string name;  // the engines' model name, also the id datasets record
  service::DataType type = service::DataType::kText;
  std::string sha256;
  bool is_default = false;
};

inline constexpr size_t kMaxEngines = 64;
inline constexpr size_t kMaxCatalogModels = 64;

class Pool {
 public:
  explicit Pool(service::Store& store) : store_(store) {}

  Status add_engine(const std::vector<uint8_t>& principal);
  Status remove_engine(const std::vector<uint8_t>& principal);
  Result<std::vector<EngineInfo>> engines() const;
  // What the engine answered to models_loaded.
  Status set_engine_models(const std::vector<uint8_t>& principal, std::vector<EngineModel> models);
  // Counts a call's outcome; error empty for success.
  Status record_outcome(const std::vector<uint8_t>& principal, const std::string& error);

  // A model of the catalog; `is_default` makes it the type's default (and no other).
  Status register_model(const CatalogModel& m);
  Result<std::vector<CatalogModel>> models() const;
  // id empty: the type's default. kNotFound naming what is missing.
  Result<CatalogModel> resolve(service::DataType type, const std::string& id) const;

  // The engine to send a sample of `model` to: holds it (same sha256), not in `avoid`, least in
  // flight, then fewest failures, then fewest calls (so the pool takes turns), then by principal.
  // nullopt when none holds it.
  Result<std::optional<std::vector<uint8_t>>> pick(const CatalogModel& model,
                                                   const std::vector<std::vector<uint8_t>>& avoid);
  void call_started(const std::vector<uint8_t>& principal);
  void call_ended(const std::vector<uint8_t>& principal);
  uint32_t in_flight(const std::vector<uint8_t>& principal) const;

 private:
  Result<std::optional<EngineInfo>> load(const std::vector<uint8_t>& principal) const;
  Status save(const EngineInfo& e);

  service::Store& store_;
  std::vector<std::pair<std::vector<uint8_t>, uint32_t>> in_flight_;
};

}  // namespace hyv::generator
