// Reading a model folder's config.json (internal to the engine): the parse and the field readers
// that GPT-2's and T5's configs share. Errors name the field; the caller adds the file name.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "hyv/status.h"

namespace hyv::engine {

// Parses config_json into doc; it must be a JSON object. Errors give the byte offset.
Status parse_config_json(std::string_view config_json, rapidjson::Document& doc);

Status config_field_error(const char* field, const std::string& what);

// Reads an integer field; absent leaves *out unchanged when optional, else is an error.
Status read_config_int(const rapidjson::Value& doc, const char* field, bool required, int* out);
// Reads a number field into *out when present.
Status read_config_float(const rapidjson::Value& doc, const char* field, float* out);
// Reads a boolean field into *out when present.
Status read_config_bool(const rapidjson::Value& doc, const char* field, bool* out);
// Reads a string field into *out when present.
Status read_config_string(const rapidjson::Value& doc, const char* field, std::string* out);

}  // namespace hyv::engine
