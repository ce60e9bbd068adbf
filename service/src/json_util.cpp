#include "json_util.h"

#include <rapidjson/error/en.h>

#include "hyv/service/json_depth.h"

namespace hyv::service {

Status parse_json_object(std::string_view json, rapidjson::Document& d, const std::string& what) {
  Status depth = check_json_depth(json, what);
  if (!depth.ok()) return invalid(depth.message());
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) {
    return invalid(what + ": " + rapidjson::GetParseError_En(d.GetParseError()) + " at byte " +
                   std::to_string(d.GetErrorOffset()));
  }
  if (!d.IsObject()) return invalid(what + ": expected a JSON object");
  return Status::Ok();
}

std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  v.Accept(w);
  return buffer_text(buffer);
}

void write_raw_json(JsonWriter& w, std::string_view json) {
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

}  // namespace hyv::service
