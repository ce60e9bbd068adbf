#include "json_read.h"

#include <functional>

#include "json_util.h"

namespace hyv::service {
namespace {

Status field_error(const std::string& where, const char* field, const char* what) {
  return invalid(where + "." + field + ": " + what);
}

Result<const rapidjson::Value*> member(const rapidjson::Value& o, const std::string& where,
                                       const char* field) {
  auto it = o.FindMember(field);
  if (it == o.MemberEnd()) return field_error(where, field, "missing");
  return &it->value;
}

// The member `field` when `is` holds for it; `expected` says what it should have been.
template <typename Is>
Result<const rapidjson::Value*> typed_member(const rapidjson::Value& o, const std::string& where,
                                             const char* field, Is is, const char* expected) {
  auto v = member(o, where, field);
  if (!v.ok()) return v.status();
  if (!std::invoke(is, *v.value())) return field_error(where, field, expected);
  return v.value();
}

template <typename T, typename Is, typename Get>
Status read_as(const rapidjson::Value& o, const std::string& where, const char* field, Is is,
               Get get, const char* expected, T& out) {
  auto v = typed_member(o, where, field, is, expected);
  if (!v.ok()) return v.status();
  out = std::invoke(get, *v.value());
  return Status::Ok();
}

}  // namespace

Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  std::string& out) {
  return read_as(o, where, field, &rapidjson::Value::IsString, json_string, "expected a string",
                 out);
}

Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  uint64_t& out) {
  return read_as(o, where, field, &rapidjson::Value::IsUint64, &rapidjson::Value::GetUint64,
                 "expected a whole number >= 0", out);
}

Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  int64_t& out) {
  return read_as(o, where, field, &rapidjson::Value::IsInt64, &rapidjson::Value::GetInt64,
                 "expected a whole number", out);
}

Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  bool& out) {
  return read_as(o, where, field, &rapidjson::Value::IsBool, &rapidjson::Value::GetBool,
                 "expected true or false", out);
}

Status read_optional(const rapidjson::Value& o, const std::string& where, const char* field,
                     std::string& out) {
  if (!o.HasMember(field)) return Status::Ok();
  return read_field(o, where, field, out);
}

Result<const rapidjson::Value*> read_array(const rapidjson::Value& o, const std::string& where,
                                           const char* field) {
  return typed_member(o, where, field, &rapidjson::Value::IsArray, "expected an array");
}

bool is_lower_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace hyv::service
