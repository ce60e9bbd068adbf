// vocab.json + merges.txt (the input is the two files joined by a NUL byte); a tokenizer that loads
// must also encode and decode a text without failing.
#include "fuzz_input.h"
#include "hyv/engine/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = hyv::fuzz::split_at_nul(hyv::fuzz::as_text(data, size), 2);
  auto tok = hyv::engine::BpeTokenizer::from_vocab_merges(parts[0], parts[1]);
  if (!tok.ok()) return 0;
  (void)tok.value().decode(tok.value().encode("Hello  world\n\tcaf\xc3\xa9 123"));
  return 0;
}
