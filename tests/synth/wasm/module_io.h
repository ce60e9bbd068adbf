// The byte-passing ABI the synth parity modules share with their Node drivers: the host allocates
// with hyv_alloc and copies bytes in; a result is read from hyv_out_ptr()/hyv_out_len(); an export
// returns >= 0, or -1 with the reason in hyv_out (as text). module_io.cpp defines those exports.
#pragma once

#include <cstdint>
#include <string>

#include "hyv/status.h"

#define HYV_EXPORT(name) extern "C" __attribute__((export_name(name)))

namespace hyv::wasm_test {

// The buffer hyv_out_ptr()/hyv_out_len() expose.
std::string& out();

// Puts the error message in out() and returns -1.
inline int32_t fail(const Status& s) {
  out() = s.message();
  return -1;
}

}  // namespace hyv::wasm_test
