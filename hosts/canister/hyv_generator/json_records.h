// The generator's small Store records as JSON (RapidJSON): writing a record and reading its
// fields back with errors that name the key, so a damaged record is reported, never misread.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "hyv/status.h"

namespace hyv::generator {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void put_string(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

inline std::string json_of(const rapidjson::StringBuffer& b) {
  return std::string(b.GetString(), b.GetSize());
}

// Parses a stored record (an object); `key` names it in the error.
Status parse_record(std::string_view json, std::string_view key, rapidjson::Document& d);
std::string get_string(const rapidjson::Value& o, const char* field);
uint64_t get_u64(const rapidjson::Value& o, const char* field);
bool get_bool(const rapidjson::Value& o, const char* field);

}  // namespace hyv::generator
