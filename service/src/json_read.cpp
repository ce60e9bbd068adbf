#include "json_read.h"

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

}  // namespace

Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  std::string& out) {
  auto v = member(o, where, field);
  if (!v.ok()) return v.status();
  if (!v.value()->IsString()) return field_error(where, field, "expected a string");
  out.assign(json_string(*v.value()));
  return Status::Ok();
}

Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  uint64_t& out) {
  auto v = member(o, where, field);
  if (!v.ok()) return v.status();
  if (!v.value()->IsUint64()) return field_error(where, field, "expected a whole number >= 0");
  out = v.value()->GetUint64();
  return Status::Ok();
}

Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  int64_t& out) {
  auto v = member(o, where, field);
  if (!v.ok()) return v.status();
  if (!v.value()->IsInt64()) return field_error(where, field, "expected a whole number");
  out = v.value()->GetInt64();
  return Status::Ok();
}

Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  bool& out) {
  auto v = member(o, where, field);
  if (!v.ok()) return v.status();
  if (!v.value()->IsBool()) return field_error(where, field, "expected true or false");
  out = v.value()->GetBool();
  return Status::Ok();
}

Status read_optional(const rapidjson::Value& o, const std::string& where, const char* field,
                     std::string& out) {
  if (!o.HasMember(field)) return Status::Ok();
  return read_field(o, where, field, out);
}

Result<const rapidjson::Value*> read_array(const rapidjson::Value& o, const std::string& where,
                                           const char* field) {
  auto v = member(o, where, field);
  if (!v.ok()) return v.status();
  if (!v.value()->IsArray()) return field_error(where, field, "expected an array");
  return v.value();
}

bool is_lower_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace hyv::service
