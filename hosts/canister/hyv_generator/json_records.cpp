#include "json_records.h"

#include "hyv/json_nesting.h"

namespace hyv::generator {

Status parse_record(std::string_view json, std::string_view key, rapidjson::Document& d) {
  if (Status s = check_json_nesting(json, "stored record " + std::string(key)); !s.ok()) {
    return Status::Error(StatusCode::kInternal, s.message());
  }
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) {
    return Status::Error(StatusCode::kInternal,
                         "stored record " + std::string(key) + " is not a JSON object");
  }
  return Status::Ok();
}

std::string get_string(const rapidjson::Value& o, const char* field) {
  auto it = o.FindMember(field);
  if (it == o.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

uint64_t get_u64(const rapidjson::Value& o, const char* field) {
  auto it = o.FindMember(field);
  return it != o.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

bool get_bool(const rapidjson::Value& o, const char* field) {
  auto it = o.FindMember(field);
  return it != o.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

}  // namespace hyv::generator
