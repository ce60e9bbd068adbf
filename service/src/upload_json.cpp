// JSON of Upload records (model_registry.h): what the store keeps and the API returns.
#include "hyv/service/model_registry.h"
#include "json_read.h"
#include "json_util.h"

namespace hyv::service {
namespace {

void write_file(JsonWriter& w, const UploadFile& f) {
  w.StartObject();
  w.Key("name");
  write_json_string(w, f.name);
  w.Key("size");
  w.Uint64(f.size);
  w.Key("sha256");
  write_json_string(w, f.sha256);
  w.Key("received");
  w.Uint64(f.received);
  w.EndObject();
}

Status read_files(const rapidjson::Value& o, Upload& u) {
  auto files = read_array(o, "upload", "files");
  if (!files.ok()) return files.status();
  for (rapidjson::SizeType i = 0; i < files.value()->Size(); ++i) {
    const rapidjson::Value& f = (*files.value())[i];
    std::string where = "upload.files[" + std::to_string(i) + "]";
    if (!f.IsObject()) return invalid(where + ": expected an object");
    UploadFile file;
    HYV_RETURN_IF_ERROR(read_field(f, where, "name", file.name));
    HYV_RETURN_IF_ERROR(read_field(f, where, "size", file.size));
    HYV_RETURN_IF_ERROR(read_field(f, where, "sha256", file.sha256));
    HYV_RETURN_IF_ERROR(read_field(f, where, "received", file.received));
    u.files.push_back(std::move(file));
  }
  return Status::Ok();
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
  std::string type;
  HYV_RETURN_IF_ERROR(read_field(d, w, "data_type", type));
  Result<DataType> t = parse_data_type(type);
  if (!t.ok()) return invalid("upload.data_type: " + t.status().message());
  u.data_type = t.value();
  HYV_RETURN_IF_ERROR(read_field(d, w, "license", u.license));
  HYV_RETURN_IF_ERROR(read_field(d, w, "description", u.description));
  HYV_RETURN_IF_ERROR(read_field(d, w, "created_at_ms", u.created_at_ms));
  HYV_RETURN_IF_ERROR(read_field(d, w, "updated_at_ms", u.updated_at_ms));
  HYV_RETURN_IF_ERROR(read_files(d, u));
  return u;
}

}  // namespace hyv::service
