// Reading required fields of a JSON object; errors are kInvalidArgument and name the field as
// "<where>.<field>" (e.g. "upload.files[1].size: expected a whole number >= 0").
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hyv/status.h"

namespace hyv::service {

Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  std::string& out);
Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  uint64_t& out);
Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  int64_t& out);
Status read_field(const rapidjson::Value& o, const std::string& where, const char* field,
                  bool& out);
// Like read_field but leaves `out` alone when the field is absent.
Status read_optional(const rapidjson::Value& o, const std::string& where, const char* field,
                     std::string& out);
// The array member `field` (an error when it is missing or not an array).
Result<const rapidjson::Value*> read_array(const rapidjson::Value& o, const std::string& where,
                                           const char* field);

// Appends to `out` one item per element of the array member `field`, each read by
// read_one(element, "<where>.<field>[i]", item); stops at the first error.
template <typename T, typename ReadOne>
Status read_list(const rapidjson::Value& o, const std::string& where, const char* field,
                 std::vector<T>& out, ReadOne read_one) {
  auto array = read_array(o, where, field);
  if (!array.ok()) return array.status();
  for (rapidjson::SizeType i = 0; i < array.value()->Size(); ++i) {
    T item;
    HYV_RETURN_IF_ERROR(
        read_one((*array.value())[i], where + "." + field + "[" + std::to_string(i) + "]", item));
    out.push_back(std::move(item));
  }
  return Status::Ok();
}

bool is_lower_hex64(std::string_view s);

}  // namespace hyv::service
