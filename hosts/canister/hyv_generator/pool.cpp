#include "pool.h"

#include <algorithm>
#include <tuple>

#include "hyv/candid/principal.h"
#include "json_records.h"

namespace hyv::generator {
namespace {

std::string engine_key(const std::vector<uint8_t>& principal) {
  return "engine/" + candid::principal_to_text(principal);
}

std::string engine_json(const EngineInfo& e) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("models");
  w.StartArray();
  for (const EngineModel& m : e.models) {
    w.StartObject();
    put_string(w, "name", m.name);
    put_string(w, "sha256", m.sha256);
    put_string(w, "weights", m.weights);
    w.EndObject();
  }
  w.EndArray();
  w.Key("calls");
  w.Uint64(e.calls);
  w.Key("failures");
  w.Uint64(e.failures);
  put_string(w, "last_error", e.last_error);
  w.EndObject();
  return json_of(b);
}

Result<EngineInfo> engine_from(const std::string& key, const std::string& json) {
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_record(json, key, d));
  auto principal = candid::principal_from_text(std::string_view(key).substr(7));
  if (!principal.ok()) return Status::Error(StatusCode::kInternal, key + ": bad principal");
  EngineInfo e;
  e.principal = std::move(principal).value();
  if (auto it = d.FindMember("models"); it != d.MemberEnd() && it->value.IsArray()) {
    for (const auto& m : it->value.GetArray()) {
      if (!m.IsObject()) continue;
      e.models.push_back(
          {get_string(m, "name"), get_string(m, "sha256"), get_string(m, "weights")});
    }
  }
  e.calls = get_u64(d, "calls");
  e.failures = get_u64(d, "failures");
  e.last_error = get_string(d, "last_error");
  return e;
}

std::string model_json(const CatalogModel& m) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  put_string(w, "data_type", service::data_type_name(m.type));
  put_string(w, "sha256", m.sha256);
  w.Key("default");
  w.Bool(m.is_default);
  w.EndObject();
  return json_of(b);
}

Result<CatalogModel> model_from(const std::string& key, const std::string& json) {
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_record(json, key, d));
  CatalogModel m;
  m.name = key.substr(6);
  auto type = service::parse_data_type(get_string(d, "data_type"));
  if (!type.ok()) return Status::Error(StatusCode::kInternal, key + ": " + type.status().message());
  m.type = type.value();
  m.sha256 = get_string(d, "sha256");
  m.is_default = get_bool(d, "default");
  return m;
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

Result<std::optional<EngineInfo>> Pool::load(const std::vector<uint8_t>& principal) const {
  std::string key = engine_key(principal);
  auto v = store_.get(key);
  if (!v.ok()) return v.status();
  if (!v.value()) return std::optional<EngineInfo>();
  auto e = engine_from(key, *v.value());
  if (!e.ok()) return e.status();
  return std::optional<EngineInfo>(std::move(e).value());
}

Status Pool::save(const EngineInfo& e) {
  return store_.put(engine_key(e.principal), engine_json(e));
}

Status Pool::add_engine(const std::vector<uint8_t>& principal) {
  auto existing = load(principal);
  if (!existing.ok()) return existing.status();
  if (existing.value()) {
    return Status::Error(StatusCode::kConflict,
                         candid::principal_to_text(principal) + " is in the pool already");
  }
  auto all = store_.list("engine/");
  if (!all.ok()) return all.status();
  if (all.value().size() >= kMaxEngines) {
    return Status::Error(StatusCode::kBusy, "the pool has " + std::to_string(kMaxEngines) +
                                                " engines, the most it takes; remove one first");
  }
  EngineInfo e;
  e.principal = principal;
  return save(e);
}

Status Pool::remove_engine(const std::vector<uint8_t>& principal) {
  auto existing = load(principal);
  if (!existing.ok()) return existing.status();
  if (!existing.value()) {
    return Status::Error(StatusCode::kNotFound,
                         candid::principal_to_text(principal) + " is not in the pool");
  }
  return store_.remove(engine_key(principal));
}

Result<std::vector<EngineInfo>> Pool::engines() const {
  auto all = store_.list("engine/");
  if (!all.ok()) return all.status();
  std::vector<EngineInfo> out;
  for (const auto& [key, json] : all.value()) {
    auto e = engine_from(key, json);
    if (!e.ok()) return e.status();
    e.value().in_flight = in_flight(e.value().principal);
    out.push_back(std::move(e).value());
  }
  return out;
}

Status Pool::set_engine_models(const std::vector<uint8_t>& principal,
                               std::vector<EngineModel> models) {
  auto e = load(principal);
  if (!e.ok()) return e.status();
  if (!e.value()) return Status::Ok();  // removed meanwhile: its answer no longer matters
  e.value()->models = std::move(models);
  return save(*e.value());
}

Status Pool::record_outcome(const std::vector<uint8_t>& principal, const std::string& error) {
  auto e = load(principal);
  if (!e.ok()) return e.status();
  if (!e.value()) return Status::Ok();
  e.value()->calls += 1;
  if (!error.empty()) {
    e.value()->failures += 1;
    e.value()->last_error = error.substr(0, 512);
  }
  return save(*e.value());
}

Status Pool::register_model(const CatalogModel& m) {
  if (!service::valid_id(m.name)) {
    return Status::Error(StatusCode::kInvalidArgument,
                         "model name \"" + m.name + "\": 1..64 of [A-Za-z0-9._-]");
  }
  if (m.type == service::DataType::kTable) {
    return Status::Error(StatusCode::kInvalidArgument,
                         "data_type: models are for text or code (tables need none)");
  }
  if (!is_hex64(m.sha256)) {
    return Status::Error(StatusCode::kInvalidArgument, "sha256: 64 lowercase hex digits");
  }
  auto all = models();
  if (!all.ok()) return all.status();
  std::vector<service::StoreOp> batch;
  bool known = false;
  for (const CatalogModel& other : all.value()) {
    known = known || other.name == m.name;
    if (m.is_default && other.is_default && other.type == m.type && other.name != m.name) {
      CatalogModel demoted = other;
      demoted.is_default = false;
      batch.push_back(service::StoreOp::Put("model/" + other.name, model_json(demoted)));
    }
  }
  if (!known && all.value().size() >= kMaxCatalogModels) {
    return Status::Error(StatusCode::kBusy,
                         "the catalog has " + std::to_string(kMaxCatalogModels) + " models");
  }
  batch.push_back(service::StoreOp::Put("model/" + m.name, model_json(m)));
  return store_.apply(batch);
}

Result<std::vector<CatalogModel>> Pool::models() const {
  auto all = store_.list("model/");
  if (!all.ok()) return all.status();
  std::vector<CatalogModel> out;
  for (const auto& [key, json] : all.value()) {
    auto m = model_from(key, json);
    if (!m.ok()) return m.status();
    out.push_back(std::move(m).value());
  }
  return out;
}

Result<CatalogModel> Pool::resolve(service::DataType type, const std::string& id) const {
  auto all = models();
  if (!all.ok()) return all.status();
  for (const CatalogModel& m : all.value()) {
    if (m.type != type) continue;
    if (id.empty() ? m.is_default : m.name == id) return m;
  }
  std::string what = std::string(service::data_type_name(type));
  return Status::Error(StatusCode::kNotFound,
                       id.empty() ? "no default " + what + " model: a controller registers one"
                                  : "no " + what + " model \"" + id + "\" in the catalog");
}

Result<std::optional<std::vector<uint8_t>>> Pool::pick(
    const CatalogModel& model, const std::vector<std::vector<uint8_t>>& avoid) {
  auto all = engines();
  if (!all.ok()) return all.status();
  const EngineInfo* best = nullptr;
  for (const EngineInfo& e : all.value()) {
    if (std::find(avoid.begin(), avoid.end(), e.principal) != avoid.end()) continue;
    bool holds = std::any_of(e.models.begin(), e.models.end(), [&](const EngineModel& m) {
      return m.name == model.name && m.sha256 == model.sha256;
    });
    if (!holds) continue;
    auto load = [](const EngineInfo& x) { return std::tuple(x.in_flight, x.failures, x.calls); };
    if (best == nullptr || load(e) < load(*best)) best = &e;
  }
  if (best == nullptr) return std::optional<std::vector<uint8_t>>();
  return std::optional<std::vector<uint8_t>>(best->principal);
}

void Pool::call_started(const std::vector<uint8_t>& principal) {
  for (auto& [p, n] : in_flight_) {
    if (p == principal) {
      ++n;
      return;
    }
  }
  in_flight_.push_back({principal, 1});
}

void Pool::call_ended(const std::vector<uint8_t>& principal) {
  for (auto& [p, n] : in_flight_) {
    if (p == principal && n > 0) --n;
  }
}

uint32_t Pool::in_flight(const std::vector<uint8_t>& principal) const {
  for (const auto& [p, n] : in_flight_) {
    if (p == principal) return n;
  }
  return 0;
}

}  // namespace hyv::generator
