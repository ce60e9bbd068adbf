#include "param_reader.h"

#include <charconv>
#include <cmath>

#include "hyv/engine/utf8_text.h"
#include "json_util.h"

namespace hyv::service {
namespace {

// Whole numbers without ".0", so a message reads "must be in [0, 2] (got 3)".
std::string number_text(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.Double(v);
  return buffer_text(b);
}

std::string range_text(double lo, double hi) {
  // Appended piece by piece: GCC 12's -Wrestrict misfires on "[" + std::string temporaries.
  std::string out = "[";
  out += number_text(lo);
  out += ", ";
  out += number_text(hi);
  out += "]";
  return out;
}

}  // namespace

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

Status ParamReader::read_int(const char* field, int64_t lo, int64_t hi, int64_t& out) const {
  const rapidjson::Value* v = find(field);
  if (!v) return Status::Ok();
  bool whole = v->IsInt64() ||
               (v->IsDouble() && std::isfinite(v->GetDouble()) &&
                std::floor(v->GetDouble()) == v->GetDouble() && std::fabs(v->GetDouble()) < 9e15);
  if (!whole) return error(field, "expected a whole number");
  int64_t value = v->IsInt64() ? v->GetInt64() : static_cast<int64_t>(v->GetDouble());
  if (value < lo || value > hi) {
    return error(field, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                            "] (got " + std::to_string(value) + ")");
  }
  out = value;
  return Status::Ok();
}

Status ParamReader::read_double(const char* field, double lo, double hi, double& out) const {
  const rapidjson::Value* v = find(field);
  if (!v) return Status::Ok();
  if (!v->IsNumber()) return error(field, "expected a number");
  double value = v->GetDouble();
  if (!(value >= lo && value <= hi)) {
    return error(field, "must be in " + range_text(lo, hi) + " (got " + number_text(value) + ")");
  }
  out = value;
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

Status ParamReader::read_strings(const char* field, size_t max_count, size_t max_bytes,
                                 bool non_empty, std::vector<std::string>& out) const {
  const rapidjson::Value* v = find(field);
  if (!v) return Status::Ok();
  if (!v->IsArray()) return error(field, "expected an array of strings");
  if (v->Size() > max_count) {
    return error(field, "at most " + std::to_string(max_count) + " entries");
  }
  std::vector<std::string> values;
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    std::string where = std::string(field) + "[" + std::to_string(i) + "]";
    const rapidjson::Value& s = (*v)[i];
    if (!s.IsString()) return error(where, "expected a string");
    if (non_empty && s.GetStringLength() == 0) return error(where, "must not be empty");
    if (s.GetStringLength() > max_bytes) {
      return error(where, "longer than " + std::to_string(max_bytes) + " bytes");
    }
    HYV_RETURN_IF_ERROR(check_utf8(where, json_string(s)));
    values.emplace_back(json_string(s));
  }
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
