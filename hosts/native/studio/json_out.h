// Small helpers for writing the API's JSON with RapidJSON (compact, UTF-8).
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

namespace hyv::studio {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void write_string(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline void write_key(JsonWriter& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}
// Inserts JSON text that is already valid (a stored params object, a manifest).
inline void write_raw(JsonWriter& w, std::string_view json) {
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

// {"error": {"code": code, "message": message}}
std::string error_json(std::string_view code, std::string_view message);

}  // namespace hyv::studio
