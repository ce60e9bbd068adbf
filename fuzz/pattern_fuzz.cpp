// Patterns (the regex subset of docs/schema.md): the first line is the pattern, the rest a value
// to match. What the pattern generates must match it.
#include <cstdlib>

#include "fuzz_input.h"
#include "hyv/engine/rng.h"
#include "hyv/synth/pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = hyv::fuzz::as_text(data, size);
  size_t nl = text.find('\n');
  std::string_view source = text.substr(0, nl);
  std::string_view value = nl == std::string_view::npos ? "" : text.substr(nl + 1);
  auto p = hyv::synth::Pattern::parse(source);
  if (!p.ok()) return 0;
  (void)p.value().matches(value);
  hyv::engine::Rng rng(7);
  for (int i = 0; i < 3; ++i) {
    std::string made;
    p.value().generate(rng, made);
    if (!p.value().matches(made)) std::abort();  // a generated value must match its pattern
  }
  return 0;
}
