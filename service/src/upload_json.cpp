// JSON of Upload records (model_registry.h): what the store keeps and the API returns.
#include "hyv/service/model_registry.h"
#include "registry_json.h"

namespace hyv::service {
namespace {

void write_file(JsonWriter& w, const UploadFile& f) {
  w.StartObject();
  write_file_fields(w, f);
  w.Key("received");
  w.Uint64(f.received);
  w.EndObject();
}

Status read_file(const rapidjson::Value& f, const std::string& where, UploadFile& file) {
  HYV_RETURN_IF_ERROR(read_file_fields(f, where, file));
  return read_field(f, where, "received", file.received);
}

}  // namespace

std::string upload_to_json(const Upload& u) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("id");
  write_json_string(w, u.id);
  w.Key("model_id");
  write_json_string(w, u.model_id);
  w.Key("state");
  w.String("open");
  w.Key("name");
  write_json_string(w, u.name);
  w.Key("data_type");
  write_json_string(w, data_type_name(u.data_type));
  w.Key("license");
  write_json_string(w, u.license);
  w.Key("description");
  write_json_string(w, u.description);
  w.Key("created_at_ms");
  w.Int64(u.created_at_ms);
  w.Key("updated_at_ms");
  w.Int64(u.updated_at_ms);
  w.Key("files");
  w.StartArray();
  for (const UploadFile& f : u.files) write_file(w, f);
  w.EndArray();
  w.EndObject();
  return buffer_text(b);
}

Result<Upload> upload_from_json(std::string_view json) {
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_json_object(json, d, "upload"));
  Upload u;
  const std::string w = "upload";
  HYV_RETURN_IF_ERROR(read_field(d, w, "id", u.id));
  HYV_RETURN_IF_ERROR(read_field(d, w, "model_id", u.model_id));
  HYV_RETURN_IF_ERROR(read_field(d, w, "name", u.name));
  HYV_RETURN_IF_ERROR(read_data_type(d, w, "data_type", u.data_type));
  HYV_RETURN_IF_ERROR(read_field(d, w, "license", u.license));
  HYV_RETURN_IF_ERROR(read_field(d, w, "description", u.description));
  HYV_RETURN_IF_ERROR(read_field(d, w, "created_at_ms", u.created_at_ms));
  HYV_RETURN_IF_ERROR(read_field(d, w, "updated_at_ms", u.updated_at_ms));
  HYV_RETURN_IF_ERROR(read_list(d, w, "files", u.files, read_file));
  return u;
}

}  // namespace hyv::service
