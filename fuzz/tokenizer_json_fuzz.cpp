// tokenizer.json; a tokenizer that loads must also encode and decode a text without failing.
#include "fuzz_input.h"
#include "hyv/engine/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto tok = hyv::engine::BpeTokenizer::from_tokenizer_json(hyv::fuzz::as_text(data, size));
  if (!tok.ok()) return 0;
  auto ids = tok.value().encode("Hello world, \xc3\xa9t\xc3\xa9 \xf0\x9f\x99\x82 def f(x):\n");
  (void)tok.value().decode(ids);
  return 0;
}
