// hyv sample --where conditions.
#include "fuzz_input.h"
#include "hyv/synth/copula_sample.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)hyv::synth::parse_where(hyv::fuzz::as_text(data, size));
  return 0;
}
