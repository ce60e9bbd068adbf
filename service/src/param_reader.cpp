#include "param_reader.h"

#include <charconv>
#include <cmath>

#include "hyv/engine/utf8_text.h"
#include "json_util.h"

namespace hyv::service {

Status check_utf8(std::string_view field, std::string_view text) {
  if (auto bad = engine::find_invalid_utf8(text)) {
    return ParamReader::error(field, "not valid UTF-8 (at byte " + std::to_string(*bad) + ")");
  }
  return Status::Ok();
}

Status ParamReader::error(std::string_view field, const std::string& what) {
  return invalid("params." + std::string(field) + ": " + what);
}

Status ParamReader::check_known(std::initializer_list<std::string_view> known) const {
  for (auto& member : object_.GetObject()) {
    std::string_view key = json_string(member.name);
    bool found = false;
    for (std::string_view k : known) found = found || k == key;
    if (!found) return error(key, "unknown parameter");
  }
  return Status::Ok();
}

const rapidjson::Value* ParamReader::find(const char* field) const {
  auto it = object_.FindMember(field);
  return it == object_.MemberEnd() ? nullptr : &it->value;
}

Status ParamReader::read_int(const IntField& field, int64_t& out) const {
  const std::string name(field.name);
  const rapidjson::Value* v = find(name.c_str());
  if (!v) return Status::Ok();
  bool whole = v->IsInt64() ||
               (v->IsDouble() && std::isfinite(v->GetDouble()) &&
                std::floor(v->GetDouble()) == v->GetDouble() && std::fabs(v->GetDouble()) < 9e15);
  if (!whole) return error(name, "expected a whole number");
  int64_t value = v->IsInt64() ? v->GetInt64() : static_cast<int64_t>(v->GetDouble());
  HYV_RETURN_IF_ERROR(check_field(field, value));
  out = value;
  return Status::Ok();
}

Status ParamReader::read_double(const RealField& field, double& out) const {
  const std::string name(field.name);
  const rapidjson::Value* v = find(name.c_str());
  if (!v) return Status::Ok();
  if (!v->IsNumber()) return error(name, "expected a number");
  HYV_RETURN_IF_ERROR(check_field(field, v->GetDouble()));
  out = v->GetDouble();
  return Status::Ok();
}

Status ParamReader::read_string(const char* field, size_t max_bytes, std::string& out) const {
  const rapidjson::Value* v = find(field);
  if (!v) return Status::Ok();
  if (!v->IsString()) return error(field, "expected a string");
  if (v->GetStringLength() > max_bytes) {
    return Status::Error(StatusCode::kTooLarge, "params." + std::string(field) + ": longer than " +
                                                    std::to_string(max_bytes) + " bytes");
  }
  HYV_RETURN_IF_ERROR(check_utf8(field, json_string(*v)));
  out.assign(json_string(*v));
  return Status::Ok();
}

Status ParamReader::read_strings(const StringListField& field,
                                 std::vector<std::string>& out) const {
  const std::string name(field.name);
  const rapidjson::Value* v = find(name.c_str());
  if (!v) return Status::Ok();
  if (!v->IsArray()) return error(name, "expected an array of strings");
  // Copied before the count is checked: the copies are no larger than the request itself.
  std::vector<std::string> values;
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const rapidjson::Value& s = (*v)[i];
    if (!s.IsString()) return error(name + "[" + std::to_string(i) + "]", "expected a string");
    values.emplace_back(json_string(s));
  }
  HYV_RETURN_IF_ERROR(check_field(field, values));
  out = std::move(values);
  return Status::Ok();
}

Status ParamReader::read_seed(uint64_t& out) const {
  const rapidjson::Value* v = find("seed");
  if (!v) return Status::Ok();
  if (v->IsUint64()) {
    out = v->GetUint64();
    return Status::Ok();
  }
  std::string_view text = v->IsString() ? json_string(*v) : std::string_view();
  const char* end = text.data() + text.size();
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (!v->IsString() || text.empty() || ec != std::errc() || ptr != end) {
    return error("seed", "expected a decimal uint64 (as a string or a whole number >= 0)");
  }
  out = value;
  return Status::Ok();
}

}  // namespace hyv::service
