// Small RapidJSON helpers shared by the service's readers and writers: parsing with the depth
// guard, copying values back to text, and writing strings of any bytes.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "hyv/status.h"

namespace hyv::service {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Parses `json` (after check_json_depth) and requires an object; errors are kInvalidArgument and
// start with `what`, giving the byte offset of a syntax error.
Status parse_json_object(std::string_view json, rapidjson::Document& d, const std::string& what);

// Compact JSON text of a value.
std::string json_text(const rapidjson::Value& v);

inline std::string_view json_string(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

inline void write_json_string(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Writes a JSON text that is known to be valid (stored canonical JSON) as a raw value.
void write_raw_json(JsonWriter& w, std::string_view json);

inline std::string buffer_text(const rapidjson::StringBuffer& b) {
  return std::string(b.GetString(), b.GetSize());
}

inline Status invalid(std::string message) {
  return Status::Error(StatusCode::kInvalidArgument, std::move(message));
}

}  // namespace hyv::service
