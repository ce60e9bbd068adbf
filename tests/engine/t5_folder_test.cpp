// load_t5_folder (t5_folder.h): a folder in Salesforce/codet5-small's layout
// (tests/fixtures/tiny-codet5, made by tools/reference/make_codet5_folder.py) loads from either
// weights file to the same model, with CodeT5's framing and sentinels; T5's spiece.model gets its
// sentinels; and a folder that does not fit is refused naming the file.
#include "hyv/engine/t5_folder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixture_files.h"
#include "hyv/engine/t5_session.h"

namespace hyv::engine {
namespace {

using testing::read_bytes;

std::string fixture(const std::string& path) {
  return std::string(HYV_SOURCE_DIR) + "/tests/fixtures/" + path;
}

// The folder's files, kept alive for the spans in `files`.
struct Folder {
  std::vector<std::vector<uint8_t>> storage;
  ModelFolderFiles files;
  void add(Bytes ModelFolderFiles::*field, const std::string& path) {
    storage.push_back(read_bytes(fixture(path)));
    files.*field = storage.back();
  }
  Folder() { storage.reserve(16); }
};

Folder codet5(bool safetensors) {
  Folder f;
  using F = ModelFolderFiles;
  f.add(&F::config_json, "tiny-codet5/config.json");
  if (safetensors) {
    f.add(&F::safetensors, "tiny-codet5/model.safetensors");
  } else {
    f.add(&F::pytorch_model_bin, "tiny-codet5/pytorch_model.bin");
  }
  f.add(&F::vocab_json, "tiny-codet5/vocab.json");
  f.add(&F::merges_txt, "tiny-codet5/merges.txt");
  f.add(&F::added_tokens_json, "tiny-codet5/added_tokens.json");
  f.add(&F::special_tokens_map_json, "tiny-codet5/special_tokens_map.json");
  f.add(&F::tokenizer_config_json, "tiny-codet5/tokenizer_config.json");
  return f;
}

std::vector<int32_t> greedy(const LoadedT5& m, const std::string& text, int beams) {
  T5Request q;
  q.source = m.tokenizer.encode_source(text);
  q.sampling.temperature = 0;
  q.max_tokens = 12;
  q.beams = beams;
  auto s = T5Session::start(m.model, m.tokenizer, std::move(q));
  EXPECT_TRUE(s.ok()) << s.status().message();
  while (s.ok() && !s.value().done()) {
    auto out = s.value().step(StepBudget::tokens(4), nullptr);
    EXPECT_TRUE(out.ok()) << out.status().message();
    if (!out.ok()) break;
  }
  return s.ok() ? s.value().generated_tokens() : std::vector<int32_t>{};
}

TEST(T5Folder, CodeT5LayoutLoadsFromEitherWeightsFile) {
  Folder st = codet5(true), bin = codet5(false);
  auto a = load_t5_folder(st.files, WeightType::f32);
  auto b = load_t5_folder(bin.files, WeightType::f32);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(a.value().model.config().vocab_size, 1100);
  EXPECT_EQ(a.value().model.parameter_count(), b.value().model.parameter_count());
  // One state dict wrote both files: the same weights, so the same tokens, greedy and beams.
  for (int beams : {1, 3}) {
    std::vector<int32_t> ta = greedy(a.value(), "Return the sum of a and b.", beams);
    EXPECT_FALSE(ta.empty());
    EXPECT_EQ(ta, greedy(b.value(), "Return the sum of a and b.", beams)) << beams;
  }
}

TEST(T5Folder, CodeT5FramingAndSentinels) {
  Folder f = codet5(true);
  auto m = load_t5_folder(f.files, WeightType::f32);
  ASSERT_TRUE(m.ok()) << m.status().message();
  const T5Tokenizer& tok = m.value().tokenizer;
  EXPECT_TRUE(tok.is_bpe());
  EXPECT_EQ(tok.vocab_size(), 1100);
  std::vector<int32_t> src = tok.encode_source("def add(a, b): <extra_id_0>");
  ASSERT_GE(src.size(), 3u);
  EXPECT_EQ(src.front(), 1);             // <s>
  EXPECT_EQ(src.back(), 2);              // </s>
  EXPECT_EQ(src[src.size() - 2], 1099);  // <extra_id_0>, the last of added_tokens.json
  EXPECT_EQ(tok.token_id("<extra_id_99>"), 1000);
  EXPECT_TRUE(tok.is_special(1000));
  EXPECT_EQ(tok.decode(src, true), "def add(a, b): ");  // the space before the sentinel stays
}

TEST(T5Folder, SpieceModelGetsItsSentinels) {
  Folder f;
  f.add(&ModelFolderFiles::spiece_model, "tiny-t5-spiece/spiece.model");
  T5Config c;
  c.vocab_size = 700;
  c.eos_token_id = 1;
  auto tok = load_t5_tokenizer(f.files, c);
  ASSERT_TRUE(tok.ok()) << tok.status().message();
  EXPECT_EQ(tok.value().vocab_size(), 700);  // 600 pieces + 100 sentinels
  EXPECT_EQ(tok.value().token_id("<extra_id_0>"), 699);
  EXPECT_EQ(tok.value().token_id("<extra_id_99>"), 600);
  EXPECT_FALSE(tok.value().token_id("<extra_id_100>").has_value());
  std::vector<int32_t> ids = tok.value().encode("a <extra_id_0> b");
  EXPECT_NE(std::find(ids.begin(), ids.end(), 699), ids.end());
  EXPECT_TRUE(tok.value().is_special(699));
  // The vocabulary must hold them.
  c.vocab_size = 650;
  auto small = load_t5_tokenizer(f.files, c);
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.status().message().find("does not belong to this model"), std::string::npos);
}

TEST(T5Folder, RefusalsNameTheFile) {
  Folder none = codet5(true);
  none.files.safetensors = {};
  auto r = load_t5_folder(none.files, WeightType::f32);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("model.safetensors or pytorch_model.bin"), std::string::npos);

  Folder bad = codet5(false);
  std::vector<uint8_t> cut(bad.files.pytorch_model_bin.begin(),
                           bad.files.pytorch_model_bin.begin() + 4000);
  bad.files.pytorch_model_bin = cut;
  r = load_t5_folder(bad.files, WeightType::f32);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("pytorch_model.bin", 0), 0u) << r.status().message();

  Folder notok = codet5(true);
  notok.files.vocab_json = {};
  notok.files.merges_txt = {};
  notok.files.added_tokens_json = {};
  r = load_t5_folder(notok.files, WeightType::f32);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no tokenizer"), std::string::npos);
}

}  // namespace
}  // namespace hyv::engine
