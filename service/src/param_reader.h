// Reading a job's `params` object field by field: absent fields keep the caller's default,
// present ones are type-checked here and range-checked by the request model's check_field, so every
// error names the field ("params.top_p must be 0..1 (got 1.5)", "params.top_k: expected a whole
// number") with code kInvalidArgument.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/service/request_model.h"
#include "hyv/status.h"

namespace hyv::service {

class ParamReader {
 public:
  explicit ParamReader(const rapidjson::Value& object) : object_(object) {}

  // Refuses a field not in `known` (so a typo is not silently ignored).
  Status check_known(std::initializer_list<std::string_view> known) const;
  const rapidjson::Value* find(const char* field) const;
  static Status error(std::string_view field, const std::string& what);

  Status read_int(const IntField& field, int64_t& out) const;
  Status read_double(const RealField& field, double& out) const;
  // UTF-8 text of at most max_bytes.
  Status read_string(const char* field, size_t max_bytes, std::string& out) const;
  // An array of strings, checked against the field's counts and lengths.
  Status read_strings(const StringListField& field, std::vector<std::string>& out) const;
  // "seed": a decimal uint64 string or a whole number >= 0.
  Status read_seed(uint64_t& out) const;

 private:
  const rapidjson::Value& object_;
};

// Checks UTF-8; the message names the field and the byte offset.
Status check_utf8(std::string_view field, std::string_view text);

}  // namespace hyv::service
