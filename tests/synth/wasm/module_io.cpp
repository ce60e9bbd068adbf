#include "module_io.h"

#include <cstdlib>

namespace hyv::wasm_test {

std::string& out() {
  static std::string s;
  return s;
}

}  // namespace hyv::wasm_test

HYV_EXPORT("hyv_alloc") uint8_t* hyv_alloc(uint32_t n) {
  return static_cast<uint8_t*>(std::malloc(n ? n : 1));
}
HYV_EXPORT("hyv_free") void hyv_free(uint8_t* p) {
  std::free(p);
}
HYV_EXPORT("hyv_out_ptr") const char* hyv_out_ptr() {
  return hyv::wasm_test::out().data();
}
HYV_EXPORT("hyv_out_len") uint32_t hyv_out_len() {
  return static_cast<uint32_t>(hyv::wasm_test::out().size());
}
