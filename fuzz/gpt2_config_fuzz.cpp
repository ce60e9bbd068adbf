// A model folder's config.json (GPT2Config).
#include "fuzz_input.h"
#include "hyv/engine/gpt2.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)hyv::engine::parse_gpt2_config(hyv::fuzz::as_text(data, size));
  return 0;
}
