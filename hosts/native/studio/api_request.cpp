#include "studio/api_request.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

#include "hyv/service/json_depth.h"
#include "studio/json_out.h"

namespace hyv::studio {

std::string error_json(std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  write_key(w, "error");
  w.StartObject();
  write_key(w, "code");
  write_string(w, code);
  write_key(w, "message");
  write_string(w, message);
  w.EndObject();
  w.EndObject();
  return buf.GetString();
}

std::string_view error_code_for(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 411:
      return "length_required";
    case 413:
      return "too_large";
    case 429:
      return "busy";
    default:
      return status >= 500 ? "internal" : "bad_request";
  }
}

void throw_error(int status, const std::string& message) {
  throw ApiError(status, std::string(error_code_for(status)), message);
}

void throw_status(const Status& s, int fallback_status) {
  int status = fallback_status;
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      status = 400;
      break;
    case StatusCode::kNotFound:
      status = 404;
      break;
    case StatusCode::kConflict:
      status = 409;
      break;
    case StatusCode::kTooLarge:
      status = 413;
      break;
    case StatusCode::kBusy:
      status = 429;
      break;
    case StatusCode::kInternal:
      status = 500;
      break;
    default:
      break;
  }
  throw_error(status, s.message());
}

rapidjson::Document parse_json_body(const httplib::Request& req) {
  if (req.body.size() > kMaxJsonBodyBytes) {
    throw_error(413, "request body: " + std::to_string(req.body.size()) +
                         " bytes is over the limit of 32 MiB");
  }
  // Deeper nesting would overflow RapidJSON's recursion and crash the server (json_depth.h).
  if (std::optional<size_t> at = service::json_too_deep_at(req.body)) {
    throw_error(400, "request body: JSON nested deeper than " +
                         std::to_string(service::kMaxJsonDepth) + " levels at byte " +
                         std::to_string(*at));
  }
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(req.body.data(), req.body.size());
  if (d.HasParseError()) {
    throw_error(400, "request body: invalid JSON at byte " + std::to_string(d.GetErrorOffset()) +
                         ": " + rapidjson::GetParseError_En(d.GetParseError()));
  }
  if (!d.IsObject()) throw_error(400, "request body: expected a JSON object");
  return d;
}

std::optional<std::string> optional_string(const rapidjson::Value& o, const char* field) {
  auto it = o.FindMember(field);
  if (it == o.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsString()) throw_error(400, std::string(field) + ": expected a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string required_string(const rapidjson::Value& o, const char* field) {
  auto s = optional_string(o, field);
  if (!s) throw_error(400, std::string(field) + ": required");
  return *s;
}

std::vector<std::string> optional_string_array(const rapidjson::Value& o, const char* field) {
  std::vector<std::string> out;
  auto it = o.FindMember(field);
  if (it == o.MemberEnd() || it->value.IsNull()) return out;
  if (!it->value.IsArray()) throw_error(400, std::string(field) + ": expected an array of strings");
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
    const auto& v = it->value[i];
    if (!v.IsString()) {
      throw_error(400, std::string(field) + "[" + std::to_string(i) + "]: expected a string");
    }
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

std::string member_json(const rapidjson::Value& o, const char* field, const std::string& fallback) {
  auto it = o.FindMember(field);
  if (it == o.MemberEnd()) return fallback;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  it->value.Accept(w);
  return buf.GetString();
}

void refuse_unknown_fields(const rapidjson::Value& o, std::initializer_list<const char*> allowed) {
  for (auto it = o.MemberBegin(); it != o.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    bool known = false;
    for (const char* a : allowed) known = known || name == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) {
        if (!list.empty()) list += ", ";
        list += a;
      }
      throw_error(400, std::string(name) + ": unknown field (expected: " + list + ")");
    }
  }
}

std::optional<std::string> query(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

std::optional<uint64_t> query_uint(const httplib::Request& req, const char* name) {
  auto s = query(req, name);
  if (!s) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (s->empty() || ec != std::errc() || end != s->data() + s->size()) {
    throw_error(400, std::string("query parameter ") + name +
                         ": expected a whole number >= 0 (got \"" + *s + "\")");
  }
  return v;
}

void reply_json(httplib::Response& res, int status, const std::string& json) {
  res.status = status;
  res.set_content(json, "application/json");
}

void reply_error(httplib::Response& res, int status, std::string_view code,
                 std::string_view message) {
  reply_json(res, status, error_json(code, message));
}

void reply_no_content(httplib::Response& res) {
  res.status = 204;
  res.body.clear();
}

}  // namespace hyv::studio
