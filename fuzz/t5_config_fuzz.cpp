// A T5 model folder's config.json (T5Config), and the test that picks the architecture.
#include "fuzz_input.h"
#include "hyv/engine/t5.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hyv::fuzz::as_text(data, size);
  (void)hyv::engine::is_t5_config(text);
  (void)hyv::engine::parse_t5_config(text);
  return 0;
}
