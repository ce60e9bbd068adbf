#include "hyv/engine/model_folder.h"

#include <gtest/gtest.h>

#include "file_io.h"

namespace hyv::engine {
namespace {

std::string fixture(const char* name) {
  auto r =
      native::read_text_file(std::string(HYV_SOURCE_DIR) + "/tests/fixtures/tiny-gpt2/" + name);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : std::string();
}

struct Folder {
  std::string config = fixture("config.json"), weights = fixture("model.safetensors"),
              vocab = fixture("vocab.json"), merges = fixture("merges.txt"), tokenizer_json;
  ModelFolderFiles files() const {
    return {as_bytes(config), as_bytes(weights), as_bytes(vocab), as_bytes(merges),
            as_bytes(tokenizer_json)};
  }
  std::string error() const {
    auto r = load_model_folder(files(), WeightType::f32);
    return r.ok() ? "ok" : r.status().message();
  }
};

TEST(ModelFolder, LoadsTheFixture) {
  Folder f;
  auto r = load_model_folder(f.files(), WeightType::f32);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value().model.config().n_layer, 2);
  EXPECT_EQ(r.value().tokenizer.decode(r.value().tokenizer.encode("the dog")), "the dog");
  EXPECT_EQ(gpt2_parameter_count(r.value().model.config()), r.value().model.parameter_count());
}

TEST(ModelFolder, GptTwoParameterCountMatchesThePublishedSize) {
  Gpt2Config gpt2;  // the defaults are GPT-2 small: 124,439,808 weights
  EXPECT_EQ(gpt2_parameter_count(gpt2), 124439808);
}

TEST(ModelFolder, TokenizerJsonAloneIsEnough) {
  Folder f;
  auto tok = BpeTokenizer::from_vocab_merges(f.vocab, f.merges);
  ASSERT_TRUE(tok.ok());
  f.tokenizer_json = tok.value().to_tokenizer_json();
  f.vocab.clear();
  f.merges.clear();
  auto r = load_model_folder(f.files(), WeightType::f32);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value().tokenizer.encode("the dog ran"), tok.value().encode("the dog ran"));
}

TEST(ModelFolder, ErrorsNameTheFile) {
  Folder f;
  f.config.clear();
  EXPECT_EQ(f.error().rfind("config.json", 0), 0u) << f.error();
  f = Folder();
  f.config = "{\"n_layer\": \"two\"}";
  EXPECT_EQ(f.error().rfind("config.json", 0), 0u) << f.error();
  f = Folder();
  f.weights.resize(f.weights.size() / 2);
  EXPECT_EQ(f.error().rfind("model.safetensors", 0), 0u) << f.error();
  f = Folder();
  f.weights.clear();
  EXPECT_EQ(f.error().rfind("model.safetensors", 0), 0u) << f.error();
  f = Folder();
  f.merges.clear();
  EXPECT_EQ(f.error().rfind("merges.txt", 0), 0u) << f.error();
  f = Folder();
  f.vocab.clear();
  f.merges.clear();
  EXPECT_NE(f.error().find("no tokenizer"), std::string::npos) << f.error();
  f = Folder();
  f.vocab = "{not json";
  EXPECT_NE(f.error().find("vocab.json"), std::string::npos) << f.error();
}

TEST(ModelFolder, RefusesATokenizerLargerThanTheModel) {
  Folder f;  // the fixture's shapes, but a vocabulary smaller than its 297-token tokenizer
  f.config = R"({"n_layer": 2, "n_head": 4, "n_embd": 64, "n_positions": 128, "vocab_size": 200,
                 "bos_token_id": 0, "eos_token_id": 0, "activation_function": "gelu_new"})";
  EXPECT_NE(f.error().find("does not belong to this model"), std::string::npos) << f.error();
}

}  // namespace
}  // namespace hyv::engine
