// spiece.model (a SentencePiece ModelProto): a model that loads must encode a few tricky texts
// with ids inside its vocabulary, and decode them and every id. The same bytes are also encoded
// as text by the committed T5-style fixture (tests/fixtures/tiny-t5-spiece), so the normalizer
// walks its charsmap on arbitrary bytes.
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "hyv/engine/unigram_tokenizer.h"

namespace {

using hyv::engine::UnigramTokenizer;

const UnigramTokenizer& fixture() {
  static const UnigramTokenizer tok = [] {
    std::ifstream in(std::string(HYV_SOURCE_DIR) + "/tests/fixtures/tiny-t5-spiece/spiece.model",
                     std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), {}};
    auto t = UnigramTokenizer::from_spiece_model(hyv::as_bytes(bytes));
    if (!t.ok()) __builtin_trap();  // the fixture must load
    return std::move(t).value();
  }();
  return tok;
}

void check(const UnigramTokenizer& tok, std::string_view text) {
  std::vector<int32_t> ids = tok.encode(text);
  for (int32_t id : ids) {
    if (id < 0 || id >= tok.vocab_size()) __builtin_trap();
  }
  (void)tok.decode(ids);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first 4 KiB only: longer texts add time, not new paths (models are tens of KB).
  check(fixture(), hyv::fuzz::as_text(data, size).substr(0, 4096));
  auto tok = UnigramTokenizer::from_spiece_model(hyv::Bytes(data, size));
  if (!tok.ok()) return 0;
  using namespace std::literals;
  for (std::string_view text :
       {"Hello  world, \xc3\xa9t\xc3\xa9 \xef\xac\x81 \xf0\x9f\x99\x82 def f(x):\n\treturn x\xff"sv,
        "\xef\xbc\xa8\xef\xbd\x85 \xe2\x96\x81\xe2\x96\x81 <s></s><unk> \xc2\xa0\x00x"sv}) {
    check(tok.value(), text);
  }
  std::vector<int32_t> all;
  for (int32_t id = -1; id <= tok.value().vocab_size() && id < 4096; ++id) all.push_back(id);
  (void)tok.value().decode(all);
  return 0;
}
