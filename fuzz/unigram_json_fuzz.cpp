// A Hugging Face tokenizer.json with a Unigram model; a tokenizer that loads must encode a text
// with ids inside its vocabulary, and decode them.
#include "fuzz_input.h"
#include "hyv/engine/unigram_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto tok = hyv::engine::UnigramTokenizer::from_tokenizer_json(hyv::fuzz::as_text(data, size));
  if (!tok.ok()) return 0;
  auto ids = tok.value().encode(
      "Hello  world, \xc3\xa9t\xc3\xa9 \xef\xac\x81 \xf0\x9f\x99\x82 def f(x):\n\treturn x\xff");
  for (int32_t id : ids) {
    if (id < 0 || id >= tok.value().vocab_size()) __builtin_trap();
  }
  (void)tok.value().decode(ids);
  return 0;
}
