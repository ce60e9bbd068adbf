// Gpt2Loader (the load in steps a canister spreads over calls) against the one-shot
// Gpt2Model::load, and against the numpy reference of the fixture
// (tools/reference/gpt2_reference.py).
#include "hyv/engine/gpt2_loader.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "file_io.h"
#include "hyv/engine/model_folder.h"
#include "hyv/engine/safetensors.h"

namespace hyv::engine {
namespace {

const std::string kDir = std::string(HYV_SOURCE_DIR) + "/tests/fixtures/tiny-gpt2/";

std::vector<uint8_t> read_bytes(const std::string& path) {
  auto r = native::read_file(path);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : std::vector<uint8_t>{};
}

struct Fixture {
  Gpt2Config config;
  std::vector<uint8_t> safetensors = read_bytes(kDir + "model.safetensors");
  std::vector<int32_t> ids;
  std::vector<float> reference;  // [ids.size()][vocab], float64 numpy cast to float
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    const auto config = read_bytes(kDir + "config.json");
    auto c = parse_gpt2_config(as_string_view(config));
    EXPECT_TRUE(c.ok()) << c.status().message();
    if (c.ok()) x.config = c.value();
    const auto index = read_bytes(kDir + "reference/index.json");
    rapidjson::Document doc;
    doc.Parse(reinterpret_cast<const char*>(index.data()), index.size());
    const auto& p = doc["prompts"].GetArray()[0];
    for (const auto& id : p["ids"].GetArray()) x.ids.push_back(id.GetInt());
    const auto raw = read_bytes(kDir + "reference/" + p["logits"].GetString());
    x.reference.resize(raw.size() / sizeof(float));
    std::memcpy(x.reference.data(), raw.data(), x.reference.size() * sizeof(float));
    return x;
  }();
  return f;
}

// Every token's logits for the fixture prompt.
std::vector<float> all_logits(const Gpt2Model& model) {
  const Fixture& f = fixture();
  KvCache cache = model.make_cache(64);
  std::vector<float> logits(f.ids.size() * static_cast<size_t>(f.config.vocab_size));
  Status st = model.forward(cache, f.ids, logits, nullptr);
  EXPECT_TRUE(st.ok()) << st.message();
  return logits;
}

// Steps `per_call` tensors at a time, moving the loader between "calls" as a host that keeps it
// in a table does; checks the progress it reports on the way.
Gpt2Model load_in_steps(WeightType type, int per_call) {
  const Fixture& f = fixture();
  auto created = Gpt2Loader::create(f.config, f.safetensors, type);
  EXPECT_TRUE(created.ok()) << created.status().message();
  Gpt2Loader loader = std::move(created).value();
  EXPECT_EQ(loader.steps_total(), 2 + 4 * f.config.n_layer);
  while (!loader.done()) {
    for (int i = 0; i < per_call && !loader.done(); ++i) {
      const int before = loader.steps_done();
      EXPECT_GT(loader.next_step_elements(), 0);
      Status st = loader.step();
      EXPECT_TRUE(st.ok()) << st.message();
      EXPECT_EQ(loader.steps_done(), before + 1);
    }
    Gpt2Loader next_call = std::move(loader);
    loader = std::move(next_call);
  }
  EXPECT_EQ(loader.next_step_elements(), 0);
  auto model = std::move(loader).finish();
  EXPECT_TRUE(model.ok()) << model.status().message();
  return model.ok() ? std::move(model).value() : Gpt2Model{};
}

TEST(Gpt2Loader, AnyStepsPerCallGiveBitIdenticalLogitsToOneShotLoad) {
  const Fixture& f = fixture();
  for (WeightType type : {WeightType::f32, WeightType::q8}) {
    auto one_shot = Gpt2Model::load(f.config, f.safetensors, type);
    ASSERT_TRUE(one_shot.ok()) << one_shot.status().message();
    const std::vector<float> expected = all_logits(one_shot.value());
    for (int per_call : {1, 2, 3, 5, 1000}) {
      Gpt2Model stepped = load_in_steps(type, per_call);
      EXPECT_EQ(stepped.parameter_count(), one_shot.value().parameter_count());
      const std::vector<float> got = all_logits(stepped);
      ASSERT_EQ(got.size(), expected.size());
      EXPECT_EQ(std::memcmp(got.data(), expected.data(), sizeof(float) * got.size()), 0)
          << (type == WeightType::q8 ? "q8" : "f32") << ", " << per_call << " steps per call";
    }
  }
}

TEST(Gpt2Loader, SteppedF32MatchesTheNumpyReference) {
  const Fixture& f = fixture();
  const std::vector<float> got = all_logits(load_in_steps(WeightType::f32, 1));
  ASSERT_EQ(got.size(), f.reference.size());
  float worst = 0;
  for (size_t i = 0; i < got.size(); ++i)
    worst = std::max(worst, std::fabs(got[i] - f.reference[i]));
  EXPECT_LT(worst, 1e-4f);
}

TEST(Gpt2Loader, StepSizesAddUpToTheWeights) {
  const Fixture& f = fixture();
  auto loader = Gpt2Loader::create(f.config, f.safetensors, WeightType::q8);
  ASSERT_TRUE(loader.ok()) << loader.status().message();
  int64_t sum = 0, largest = 0;
  while (!loader.value().done()) {
    sum += loader.value().next_step_elements();
    largest = std::max(largest, loader.value().next_step_elements());
    ASSERT_TRUE(loader.value().step().ok());
  }
  const int64_t e = f.config.n_embd;
  EXPECT_EQ(largest, int64_t{f.config.vocab_size} * e + int64_t{f.config.n_positions} * e);
  // The matrices and vectors it names; the biases (a fraction of a percent) are not counted.
  auto model = std::move(loader.value()).finish();
  ASSERT_TRUE(model.ok());
  EXPECT_LE(sum, model.value().parameter_count());
  EXPECT_GT(sum, model.value().parameter_count() * 9 / 10);
}

TEST(Gpt2Loader, AFailingStepGivesTheOneShotMessageAndStops) {
  const Fixture& f = fixture();
  ModelFolderFiles files;
  const auto config = read_bytes(kDir + "config.json");
  const auto vocab = read_bytes(kDir + "vocab.json");
  const auto merges = read_bytes(kDir + "merges.txt");
  files.config_json = config;
  files.vocab_json = vocab;
  files.merges_txt = merges;
  // A config with a wider MLP than the weights have: the first c_fc (step 3) fails.
  Gpt2Config wide = f.config;
  wide.n_inner = 8 * wide.n_embd;
  auto loader = Gpt2Loader::create(wide, f.safetensors, WeightType::f32);
  ASSERT_TRUE(loader.ok()) << loader.status().message();
  Status st = Status::Ok();
  while (st.ok() && !loader.value().done()) st = loader.value().step();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(loader.value().steps_done(), 3);
  EXPECT_NE(st.message().find("mlp.c_fc.weight' has shape"), std::string::npos) << st.message();
  auto one_shot = Gpt2Model::load(wide, f.safetensors, WeightType::f32);
  ASSERT_FALSE(one_shot.ok());
  EXPECT_EQ(one_shot.status().message(), st.message());
  EXPECT_FALSE(loader.value().step().ok()) << "a failed loader goes no further";
  EXPECT_FALSE(std::move(loader.value()).finish().ok());

  // The folder loader: the same steps, the file's name in front of the message.
  files.safetensors = f.safetensors;
  auto folder = ModelFolderLoader::create(files, WeightType::q8);
  ASSERT_TRUE(folder.ok()) << folder.status().message();
  while (!folder.value().done()) ASSERT_TRUE(folder.value().step().ok());
  auto loaded = std::move(folder.value()).finish();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  auto direct = load_model_folder(files, WeightType::q8);
  ASSERT_TRUE(direct.ok());
  const std::vector<float> a = all_logits(loaded.value().model),
                           b = all_logits(direct.value().model);
  EXPECT_EQ(std::memcmp(a.data(), b.data(), sizeof(float) * a.size()), 0);
}

// Issue 17: a NaN or Inf weight is refused at load, both in tensors read as they are (wte) and in
// the Conv1D weights transposed on the way (h.0.attn.c_attn.weight), for F32, F16 and BF16
// files; the message names the tensor and the element.
TEST(Gpt2Loader, RefusesNonFiniteWeightsNamingTheTensorAndElement) {
  const Fixture& f = fixture();
  for (const char* file :
       {"model.safetensors", "model-f16.safetensors", "model-bf16.safetensors"}) {
    const std::vector<uint8_t> clean = read_bytes(kDir + file);
    auto parsed = SafetensorsFile::parse(clean);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    for (const char* name : {"wte.weight", "h.0.attn.c_attn.weight", "h.1.mlp.c_proj.bias"}) {
      const TensorView* t = parsed.value().find(name);
      const std::string prefixed = std::string("transformer.") + name;
      if (t == nullptr) t = parsed.value().find(prefixed);
      ASSERT_NE(t, nullptr) << name;
      // Element 7 of the tensor, set to NaN in this dtype's encoding.
      std::vector<uint8_t> bytes = clean;
      const size_t width = dtype_bytes(t->dtype);
      uint8_t* at = bytes.data() + t->file_offset + 7 * width;
      if (t->dtype == Dtype::f32) {
        const float nan = std::nanf("");
        std::memcpy(at, &nan, 4);
      } else {
        const uint16_t nan = t->dtype == Dtype::f16 ? 0x7e00 : 0x7fc0;
        std::memcpy(at, &nan, 2);
      }
      const std::string index =
          std::string(t->shape.size() == 2 ? "element 7 [0, 7]" : "element 7 [7]") + " is NaN";
      for (WeightType type : {WeightType::f32, WeightType::q8}) {
        auto model = Gpt2Model::load(f.config, bytes, type);
        ASSERT_FALSE(model.ok()) << file << " " << name;
        const std::string m = model.status().message();
        EXPECT_NE(m.find("tensor '" + t->name + "' (" + dtype_name(t->dtype)), std::string::npos)
            << m;
        EXPECT_NE(m.find(index), std::string::npos) << m;
      }
    }
  }
}

}  // namespace
}  // namespace hyv::engine
