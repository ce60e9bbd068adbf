// A RoBERTa-style tokenizer folder (CodeT5's): added_tokens.json, special_tokens_map.json,
// tokenizer_config.json, vocab.json and merges.txt joined by NUL bytes. Parsed added tokens must
// build a tokenizer or be refused, and one that builds must encode and decode text that types
// special tokens.
#include "fuzz_input.h"
#include "hyv/engine/added_tokens.h"
#include "hyv/engine/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = hyv::fuzz::split_at_nul(hyv::fuzz::as_text(data, size), 5);
  auto added = hyv::engine::parse_added_tokens({parts[0], parts[1], parts[2]});
  if (!added.ok()) return 0;
  auto tok = hyv::engine::BpeTokenizer::from_vocab_merges(parts[3], parts[4], added.value());
  if (!tok.ok()) return 0;
  (void)tok.value().decode(tok.value().encode("<s>def f(a):<extra_id_0> \t<mask> </s>caf\xc3\xa9"));
  return 0;
}
