// What every API handler shares: errors as exceptions that become {"error": {code, message}}
// responses, JSON bodies parsed with the offending byte named, query parameters, and replies.
//
//   void get_job(Studio& s, const httplib::Request& req, httplib::Response& res) {
//     auto job = s.job(req.matches[1]);
//     if (!job.ok()) throw_status(job.status());   // 404 {"error": {"code": "not_found", ...}}
//     reply_json(res, 200, job_json(job.value()));
//   }
#pragma once

#include <httplib.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"

namespace hyv::studio {

inline constexpr size_t kMaxJsonBodyBytes = 32u << 20;

// An API failure: HTTP status, error code (bad_request, not_found, ...) and a message that names
// the field or offset at fault.
struct ApiError : std::runtime_error {
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status(status), code(std::move(code)) {}
  int status;
  std::string code;
};

[[noreturn]] void throw_error(int status, const std::string& message);
// Maps a Status's code to HTTP (kUnknown -> `fallback_status`, usually 400).
[[noreturn]] void throw_status(const Status& s, int fallback_status = 400);
// The error code string of an HTTP status: 400 bad_request, 401 unauthorized, ...
std::string_view error_code_for(int status);

// The body as a JSON object; 400 naming the byte offset of a syntax error, 413 when too large.
rapidjson::Document parse_json_body(const httplib::Request& req);
// Typed members of a body object; `field` is named in errors ("name: expected a string").
std::optional<std::string> optional_string(const rapidjson::Value& o, const char* field);
std::string required_string(const rapidjson::Value& o, const char* field);
std::vector<std::string> optional_string_array(const rapidjson::Value& o, const char* field);
// The JSON text of a member (compact), or `fallback` when absent.
std::string member_json(const rapidjson::Value& o, const char* field, const std::string& fallback);
// Refuses members other than `allowed`, so a typo is not silently ignored.
void refuse_unknown_fields(const rapidjson::Value& o, std::initializer_list<const char*> allowed);

// Query parameters.
std::optional<std::string> query(const httplib::Request& req, const char* name);
std::optional<uint64_t> query_uint(const httplib::Request& req, const char* name);

void reply_json(httplib::Response& res, int status, const std::string& json);
void reply_error(httplib::Response& res, int status, std::string_view code,
                 std::string_view message);
void reply_no_content(httplib::Response& res);

}  // namespace hyv::studio
