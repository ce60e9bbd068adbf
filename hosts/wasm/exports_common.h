// What the test modules' C ABI shares: the export attribute and the last error's text.
#pragma once

#include <cstdint>
#include <string>

#include "hyv/status.h"

#define HYV_EXPORT(name) extern "C" __attribute__((export_name(name)))

namespace hyv::wasm {

inline std::string& last_error() {
  static std::string error;
  return error;
}

// Records status as the last error and returns -1, the ABI's failure value.
inline int32_t fail(const Status& status) {
  last_error() = status.message();
  return -1;
}

}  // namespace hyv::wasm
