// Reading the engine tests' fixtures (tests/fixtures/): whole files, raw float32 arrays and the
// integer lists of a reference index.json.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "file_io.h"

namespace hyv::engine::testing {

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  auto r = native::read_file(path);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : std::vector<uint8_t>{};
}

inline std::vector<int32_t> int_array(const rapidjson::Value& v) {
  std::vector<int32_t> out;
  for (const auto& x : v.GetArray()) out.push_back(x.GetInt());
  return out;
}

// A file of little-endian float32 values, as the reference scripts write them.
inline std::vector<float> read_floats(const std::string& path) {
  const auto raw = read_bytes(path);
  std::vector<float> out(raw.size() / sizeof(float));
  std::memcpy(out.data(), raw.data(), out.size() * sizeof(float));
  return out;
}

}  // namespace hyv::engine::testing
