// What the JSON of models and of uploads (model_info.cpp, upload_json.cpp, model_uploads.cpp)
// have in common: a file's name, size and digest, and the data type.
#pragma once

#include <rapidjson/document.h>

#include <string>

#include "hyv/service/dataset_manifest.h"
#include "json_read.h"
#include "json_util.h"

namespace hyv::service {

// "name", "size" and "sha256" of a ModelFile or UploadFile, inside an object the caller opens.
template <typename File>
void write_file_fields(JsonWriter& w, const File& f) {
  w.Key("name");
  write_json_string(w, f.name);
  w.Key("size");
  w.Uint64(f.size);
  w.Key("sha256");
  write_json_string(w, f.sha256);
}

// The same three fields read back; `o` must be an object (the error names `where`).
template <typename File>
Status read_file_fields(const rapidjson::Value& o, const std::string& where, File& f) {
  if (!o.IsObject()) return invalid(where + ": expected an object");
  HYV_RETURN_IF_ERROR(read_field(o, where, "name", f.name));
  HYV_RETURN_IF_ERROR(read_field(o, where, "size", f.size));
  return read_field(o, where, "sha256", f.sha256);
}

// A data type by its name ("text", "code", "table"); the error names "<where>.<field>".
inline Status read_data_type(const rapidjson::Value& o, const std::string& where, const char* field,
                             DataType& out) {
  std::string name;
  HYV_RETURN_IF_ERROR(read_field(o, where, field, name));
  Result<DataType> t = parse_data_type(name);
  if (!t.ok()) return invalid(where + "." + field + ": " + t.status().message());
  out = t.value();
  return Status::Ok();
}

}  // namespace hyv::service
