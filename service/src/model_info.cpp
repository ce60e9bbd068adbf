// JSON of ModelInfo and of the defaults map (model_registry.h).
#include "hyv/service/model_registry.h"
#include "registry_json.h"

namespace hyv::service {
namespace {

void write_file(JsonWriter& w, const ModelFile& f) {
  w.StartObject();
  write_file_fields(w, f);
  w.EndObject();
}

Status read_model(const rapidjson::Value& o, ModelInfo& m) {
  const std::string w = "model";
  HYV_RETURN_IF_ERROR(read_field(o, w, "id", m.id));
  HYV_RETURN_IF_ERROR(read_field(o, w, "name", m.name));
  HYV_RETURN_IF_ERROR(read_data_type(o, w, "data_type", m.data_type));
  HYV_RETURN_IF_ERROR(read_field(o, w, "architecture", m.architecture));
  HYV_RETURN_IF_ERROR(read_field(o, w, "parameter_count", m.parameter_count));
  HYV_RETURN_IF_ERROR(read_field(o, w, "license", m.license));
  HYV_RETURN_IF_ERROR(read_field(o, w, "description", m.description));
  HYV_RETURN_IF_ERROR(read_field(o, w, "sha256", m.sha256));
  HYV_RETURN_IF_ERROR(read_field(o, w, "size_bytes", m.size_bytes));
  HYV_RETURN_IF_ERROR(read_field(o, w, "bundled", m.bundled));
  HYV_RETURN_IF_ERROR(read_field(o, w, "created_at_ms", m.created_at_ms));
  return read_list(o, w, "files", m.files, read_file_fields<ModelFile>);
}

}  // namespace

std::string model_info_to_json(const ModelInfo& m) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("id");
  write_json_string(w, m.id);
  w.Key("name");
  write_json_string(w, m.name);
  w.Key("data_type");
  write_json_string(w, data_type_name(m.data_type));
  w.Key("architecture");
  write_json_string(w, m.architecture);
  w.Key("parameter_count");
  w.Int64(m.parameter_count);
  w.Key("license");
  write_json_string(w, m.license);
  w.Key("description");
  write_json_string(w, m.description);
  w.Key("sha256");
  write_json_string(w, m.sha256);
  w.Key("size_bytes");
  w.Uint64(m.size_bytes);
  w.Key("bundled");
  w.Bool(m.bundled);
  w.Key("created_at_ms");
  w.Int64(m.created_at_ms);
  w.Key("files");
  w.StartArray();
  for (const ModelFile& f : m.files) write_file(w, f);
  w.EndArray();
  w.EndObject();
  return buffer_text(b);
}

Result<ModelInfo> model_info_from_json(std::string_view json) {
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_json_object(json, d, "model"));
  ModelInfo m;
  HYV_RETURN_IF_ERROR(read_model(d, m));
  return m;
}

std::string model_defaults_to_json(const ModelDefaults& defaults) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  for (const auto& [type, id] : defaults) {
    w.Key(data_type_name(type).data(),
          static_cast<rapidjson::SizeType>(data_type_name(type).size()));
    write_json_string(w, id);
  }
  w.EndObject();
  return buffer_text(b);
}

}  // namespace hyv::service
