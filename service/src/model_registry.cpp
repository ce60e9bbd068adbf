// ModelRegistry: model records, defaults per data type, deletion rules (model_registry.h).
// Uploads are in model_uploads.cpp and upload_finish.cpp.
#include "hyv/service/model_registry.h"

#include "json_util.h"

namespace hyv::service {
namespace {

std::string model_key(std::string_view id) {
  return make_key("model", {id});
}
std::string default_key(DataType t) {
  return make_key("model_default", {data_type_name(t)});
}

Status conflict(std::string message) {
  return Status::Error(StatusCode::kConflict, std::move(message));
}

Status not_found(std::string_view id) {
  return Status::Error(StatusCode::kNotFound, "model '" + std::string(id) + "' not found");
}

Status check_model_type(DataType t) {
  if (t == DataType::kTable) return invalid("data_type: tables are not made with a model");
  return Status::Ok();
}

}  // namespace

std::string ModelRegistry::model_blob_name(std::string_view model_id, std::string_view file) {
  return "models/" + std::string(model_id) + "/" + std::string(file);
}

Status ModelRegistry::register_bundled(ModelInfo info) {
  if (!valid_id(info.id)) return invalid("model id '" + info.id + "' is not a valid id");
  HYV_RETURN_IF_ERROR(check_model_type(info.data_type));
  info.bundled = true;
  return store_.put(model_key(info.id), model_info_to_json(info));
}

Result<std::optional<ModelInfo>> ModelRegistry::get(std::string_view id) const {
  if (!valid_id(id)) return std::optional<ModelInfo>();
  auto value = store_.get(model_key(id));
  if (!value.ok()) return value.status();
  if (!value.value()) return std::optional<ModelInfo>();
  Result<ModelInfo> m = model_info_from_json(*value.value());
  if (!m.ok()) return Status::Error(StatusCode::kInternal, m.status().message());
  return std::optional<ModelInfo>(std::move(m).value());
}

Result<std::vector<ModelInfo>> ModelRegistry::list() const {
  auto values = store_.list("model/");
  if (!values.ok()) return values.status();
  std::vector<ModelInfo> out;
  for (const KeyValue& kv : values.value()) {
    Result<ModelInfo> m = model_info_from_json(kv.second);
    if (!m.ok())
      return Status::Error(StatusCode::kInternal, kv.first + ": " + m.status().message());
    out.push_back(std::move(m).value());
  }
  return out;
}

Result<std::optional<std::string>> ModelRegistry::default_model(DataType type) const {
  return store_.get(default_key(type));
}

Result<ModelDefaults> ModelRegistry::defaults() const {
  ModelDefaults out;
  for (DataType t : {DataType::kText, DataType::kCode}) {
    auto id = default_model(t);
    if (!id.ok()) return id.status();
    if (id.value()) out.emplace_back(t, *id.value());
  }
  return out;
}

Status ModelRegistry::set_default(DataType type, std::string_view model_id) {
  HYV_RETURN_IF_ERROR(check_model_type(type));
  auto m = get(model_id);
  if (!m.ok()) return m.status();
  if (!m.value()) return not_found(model_id);
  if (m.value()->data_type != type) {
    return invalid("model: '" + std::string(model_id) + "' is a " +
                   std::string(data_type_name(m.value()->data_type)) + " model, not a " +
                   std::string(data_type_name(type)) + " model");
  }
  return store_.put(default_key(type), model_id);
}

Status ModelRegistry::ensure_default(DataType type, std::string_view model_id) {
  auto current = default_model(type);
  if (!current.ok()) return current.status();
  if (current.value()) {
    auto m = get(*current.value());
    if (!m.ok()) return m.status();
    if (m.value()) return Status::Ok();
  }
  return set_default(type, model_id);
}

Status ModelRegistry::remove(std::string_view id, const ModelInUse& in_use) {
  auto m = get(id);
  if (!m.ok()) return m.status();
  if (!m.value()) return not_found(id);
  std::string name = "model '" + std::string(id) + "'";
  if (m.value()->bundled) return conflict(name + " is bundled with Hyv and cannot be deleted");
  auto current = default_model(m.value()->data_type);
  if (!current.ok()) return current.status();
  if (current.value() && *current.value() == id) {
    return conflict(name + " is the default " + std::string(data_type_name(m.value()->data_type)) +
                    " model; choose another default first");
  }
  if (in_use) {
    Result<bool> used = in_use(id);
    if (!used.ok()) return used.status();
    if (used.value()) return conflict(name + " is used by a queued or running job");
  }
  // The record goes first: blobs a crash leaves behind are orphans remove_stale_uploads clears.
  HYV_RETURN_IF_ERROR(store_.remove(model_key(id)));
  Result<size_t> removed = remove_blobs_under(blobs_, model_blob_name(id, ""));
  return removed.ok() ? Status::Ok() : removed.status();
}

ModelInUse jobs_using_model(const JobQueue& jobs) {
  return [&jobs](std::string_view model_id) -> Result<bool> {
    auto all = jobs.list();
    if (!all.ok()) return all.status();
    for (const Job& j : all.value()) {
      if (!is_active(j.state) || j.type == DataType::kTable) continue;
      rapidjson::Document d;
      if (!parse_json_object(j.params_json, d, "params").ok()) continue;
      auto it = d.FindMember("model");
      if (it != d.MemberEnd() && it->value.IsString() && json_string(it->value) == model_id) {
        return true;
      }
    }
    return false;
  };
}

}  // namespace hyv::service
