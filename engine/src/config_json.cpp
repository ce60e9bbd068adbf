// config.json reading shared by the model configs.
#include "config_json.h"

#include <rapidjson/error/en.h>

#include "hyv/json_nesting.h"
#include "hyv/json_parse.h"
#include "str_cat.h"

namespace hyv::engine {

Status parse_config_json(std::string_view config_json, rapidjson::Document& doc) {
  HYV_RETURN_IF_ERROR(check_json_nesting(config_json, "config.json"));  // RapidJSON recurses
  // Numbers rounded correctly, the same on every platform (json_parse.h).
  rapidjson::ParseResult parsed = parse_json(doc, config_json);
  if (!parsed) {
    return Status::Error(str_cat("invalid JSON at byte ", std::to_string(parsed.Offset())) + ": " +
                         rapidjson::GetParseError_En(parsed.Code()));
  }
  if (!doc.IsObject()) return Status::Error("must be a JSON object");
  return Status::Ok();
}

Status config_field_error(const char* field, const std::string& what) {
  return Status::Error(std::string("\"") + field + "\" " + what);
}

Status read_config_int(const rapidjson::Value& doc, const char* field, bool required, int* out) {
  auto it = doc.FindMember(field);
  if (it == doc.MemberEnd()) {
    return required ? config_field_error(field, "is missing") : Status::Ok();
  }
  if (!it->value.IsInt()) return config_field_error(field, "must be an integer");
  *out = it->value.GetInt();
  return Status::Ok();
}

Status read_config_float(const rapidjson::Value& doc, const char* field, float* out) {
  auto it = doc.FindMember(field);
  if (it == doc.MemberEnd()) return Status::Ok();
  if (!it->value.IsNumber()) return config_field_error(field, "must be a number");
  *out = static_cast<float>(it->value.GetDouble());
  return Status::Ok();
}

Status read_config_bool(const rapidjson::Value& doc, const char* field, bool* out) {
  auto it = doc.FindMember(field);
  if (it == doc.MemberEnd()) return Status::Ok();
  if (!it->value.IsBool()) return config_field_error(field, "must be true or false");
  *out = it->value.GetBool();
  return Status::Ok();
}

Status read_config_string(const rapidjson::Value& doc, const char* field, std::string* out) {
  auto it = doc.FindMember(field);
  if (it == doc.MemberEnd()) return Status::Ok();
  if (!it->value.IsString()) return config_field_error(field, "must be a string");
  *out = it->value.GetString();
  return Status::Ok();
}

}  // namespace hyv::engine
