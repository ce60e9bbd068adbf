// GPT-2 loading and forward pass against the independent numpy reference
// (tools/reference/gpt2_reference.py, run by tools/reference/make_tiny_gpt2.py).
#include "hyv/engine/gpt2.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "fixture_files.h"
#include "hyv/engine/rng.h"
#include "hyv/engine/safetensors.h"
#include "thread_pool.h"

// Counts heap allocations while enabled, to check that decode steps allocate nothing. (GCC flags
// the replacement delete's free() of memory from the replacement new, which is what it is.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
std::atomic<bool> g_count_allocations{false};
std::atomic<long> g_allocations{0};

void* operator new(std::size_t bytes) {
  if (g_count_allocations) ++g_allocations;
  if (void* p = std::malloc(bytes == 0 ? 1 : bytes)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace hyv::engine {
namespace {

const std::string kDir = std::string(HYV_SOURCE_DIR) + "/tests/fixtures/tiny-gpt2/";

// fp32 against the float64 reference (the issue's bound).
constexpr float kF32Tolerance = 1e-4f;
// q8 (int8 weights in blocks of 32, int16 activations) against the same reference. Measured on
// the fixture: 0.38 at most (mean 0.044), with logits spanning about -11..13; the numpy
// simulation of the q8 weights alone deviates as much (reference/index.json, "notes"), so this is
// the cost of int8 weights on this deliberately sharp random model, not of the kernels.
constexpr float kQ8Tolerance = 0.6f;
// q8 against numpy's evaluation of the very same int8 weights (measured 1.7e-3).
constexpr float kQ8KernelTolerance = 5e-3f;

struct Prompt {
  std::vector<int32_t> ids;
  std::vector<float> logits;     // [ids.size()][vocab]
  std::vector<float> q8_logits;  // the same, with weights through the engine's q8 round trip
  std::vector<int32_t> greedy;
};

using testing::int_array;
using testing::read_bytes;
using testing::read_floats;

const std::vector<Prompt>& prompts() {
  static const std::vector<Prompt> cached = [] {
    std::vector<Prompt> out;
    const auto index = read_bytes(kDir + "reference/index.json");
    rapidjson::Document doc;
    doc.Parse(reinterpret_cast<const char*>(index.data()), index.size());
    const int vocab = doc["vocab_size"].GetInt();
    for (const auto& p : doc["prompts"].GetArray()) {
      Prompt prompt;
      prompt.ids = int_array(p["ids"]);
      prompt.greedy = int_array(p["greedy"]);
      prompt.logits = read_floats(kDir + "reference/" + p["logits"].GetString());
      prompt.q8_logits = read_floats(kDir + "reference/" + p["q8_logits"].GetString());
      EXPECT_EQ(prompt.logits.size(), prompt.ids.size() * vocab);
      EXPECT_EQ(prompt.q8_logits.size(), prompt.ids.size() * vocab);
      out.push_back(std::move(prompt));
    }
    return out;
  }();
  return cached;
}

Gpt2Config fixture_config() {
  const auto bytes = read_bytes(kDir + "config.json");
  auto c = parse_gpt2_config(as_string_view(bytes));
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? c.value() : Gpt2Config{};
}

Gpt2Model load_model(const std::string& file, WeightType type) {
  const auto bytes = read_bytes(kDir + file);
  auto m = Gpt2Model::load(fixture_config(), bytes, type);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : Gpt2Model{};
}

float max_abs_diff(std::span<const float> a, std::span<const float> b) {
  EXPECT_EQ(a.size(), b.size());
  float m = 0.0f;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

std::span<const float> row(const std::vector<float>& logits, size_t t, size_t vocab) {
  return std::span<const float>(logits).subspan(t * vocab, vocab);
}

// Logits of every prompt position, computed four ways that must all match the reference.
// Returns the largest deviation seen.
float expect_matches_reference(const Gpt2Model& model, float tolerance, TaskRunner* runner,
                               std::vector<float> Prompt::*expected = &Prompt::logits) {
  const size_t vocab = model.config().vocab_size;
  float seen = 0.0f;
  for (const Prompt& p : prompts()) {
    const size_t n = p.ids.size();
    SCOPED_TRACE("prompt of " + std::to_string(n) + " tokens");
    {  // the whole prompt at once, every row of logits
      KvCache cache = model.make_cache(128);
      std::vector<float> logits(n * vocab);
      EXPECT_TRUE(model.forward(cache, p.ids, logits, runner).ok());
      seen = std::max(seen, max_abs_diff(logits, p.*expected));
      EXPECT_LE(max_abs_diff(logits, p.*expected), tolerance) << "prefill, all rows";
      EXPECT_EQ(cache.n_tokens, static_cast<int>(n));
    }
    {  // token by token through the cache
      KvCache cache = model.make_cache(128);
      std::vector<float> logits(vocab);
      float worst = 0.0f;
      for (size_t t = 0; t < n; ++t) {
        EXPECT_TRUE(model.forward(cache, {&p.ids[t], 1}, logits, runner).ok());
        worst = std::max(worst, max_abs_diff(logits, row(p.*expected, t, vocab)));
      }
      seen = std::max(seen, worst);
      EXPECT_LE(worst, tolerance) << "token by token";
    }
    if (n > 1) {  // a prefix, then the rest; only the last token's logits
      const size_t split = n / 3 + 1;
      KvCache cache = model.make_cache(128);
      std::vector<float> logits(vocab);
      EXPECT_TRUE(model.forward(cache, std::span(p.ids).first(split), logits, runner).ok());
      EXPECT_LE(max_abs_diff(logits, row(p.*expected, split - 1, vocab)), tolerance) << "prefix";
      EXPECT_TRUE(model.forward(cache, std::span(p.ids).subspan(split), logits, runner).ok());
      EXPECT_LE(max_abs_diff(logits, row(p.*expected, n - 1, vocab)), tolerance) << "rest";
    }
    {  // without the cache: every prefix recomputed from an empty cache
      float worst = 0.0f;
      std::vector<float> logits(vocab);
      for (size_t t = 0; t < n; t += std::max<size_t>(1, n / 8)) {
        KvCache cache = model.make_cache(static_cast<int>(t + 1));
        EXPECT_TRUE(model.forward(cache, std::span(p.ids).first(t + 1), logits, runner).ok());
        worst = std::max(worst, max_abs_diff(logits, row(p.*expected, t, vocab)));
      }
      seen = std::max(seen, worst);
      EXPECT_LE(worst, tolerance) << "fresh cache per prefix";
    }
  }
  return seen;
}

std::vector<int32_t> greedy(const Gpt2Model& model, const std::vector<int32_t>& prompt,
                            int n_tokens, TaskRunner* runner) {
  const size_t vocab = model.config().vocab_size;
  KvCache cache = model.make_cache(static_cast<int>(prompt.size()) + n_tokens);
  std::vector<float> logits(vocab);
  std::vector<int32_t> out;
  EXPECT_TRUE(model.forward(cache, prompt, logits, runner).ok());
  for (int i = 0; i < n_tokens; ++i) {
    const int32_t next =
        static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    out.push_back(next);
    if (i + 1 < n_tokens) {
      EXPECT_TRUE(model.forward(cache, {&next, 1}, logits, runner).ok());
    }
  }
  return out;
}

TEST(Gpt2Config, ReadsTheFixtureConfig) {
  const Gpt2Config c = fixture_config();
  EXPECT_EQ(c.n_layer, 2);
  EXPECT_EQ(c.n_head, 4);
  EXPECT_EQ(c.n_embd, 64);
  EXPECT_EQ(c.n_positions, 128);
  EXPECT_EQ(c.vocab_size, 297);
  EXPECT_EQ(c.n_inner, 256);  // null in the file: 4 * n_embd
  EXPECT_EQ(c.activation_function, "gelu_new");
  EXPECT_EQ(c.eos_token_id, 296);
  EXPECT_FLOAT_EQ(c.layer_norm_epsilon, 1e-5f);
}

std::string config_error(const std::string& json) {
  auto c = parse_gpt2_config(json);
  EXPECT_FALSE(c.ok()) << json;
  return c.ok() ? "" : c.status().message();
}

TEST(Gpt2Config, AcceptsNCtxAndDefaultsAbsentFields) {
  auto c =
      parse_gpt2_config(R"({"n_layer":1,"n_head":2,"n_embd":8,"n_ctx":16,"vocab_size":50257})");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c.value().n_positions, 16);
  EXPECT_EQ(c.value().eos_token_id, 50256);
  EXPECT_EQ(c.value().n_inner, 32);
  auto small =
      parse_gpt2_config(R"({"n_layer":1,"n_head":2,"n_embd":8,"n_positions":16,"vocab_size":100,)"
                        R"("activation_function":"gelu_pytorch_tanh"})");
  ASSERT_TRUE(small.ok()) << small.status().message();
  EXPECT_EQ(small.value().eos_token_id, -1);  // 50256 is not in a 100-token vocabulary
}

// RapidJSON 1.1.0's full-precision reader, which the config was read with, crashed on the first
// epsilon and read the zero as -3.7e19 (found by fuzz/gpt2_config_fuzz.cpp).
TEST(Gpt2Config, NumbersAtTheEndsOfTheRangeAreReadExactly) {
  const std::string base = R"("n_layer":1,"n_head":2,"n_embd":8,"n_positions":16,"vocab_size":100)";
  auto tiny = parse_gpt2_config("{" + base + R"(,"layer_norm_epsilon":5.7555847890922e-38})");
  ASSERT_TRUE(tiny.ok()) << tiny.status().message();
  EXPECT_EQ(tiny.value().layer_norm_epsilon, static_cast<float>(5.7555847890922e-38));
  EXPECT_NE(config_error("{" + base + R"(,"layer_norm_epsilon":5.7555847890922e-338})")
                .find("layer_norm_epsilon"),
            std::string::npos);  // underflows to 0: refused as not positive, not a crash
  EXPECT_NE(config_error("{" + base + R"(,"layer_norm_epsilon":0.000e-100})")
                .find("layer_norm_epsilon\" must be positive"),
            std::string::npos);
  EXPECT_NE(config_error("{" + base + R"(,"layer_norm_epsilon":12277e307})").find("Number too big"),
            std::string::npos);
}

TEST(Gpt2Config, ErrorsNameTheField) {
  const std::string base = R"("n_head":4,"n_embd":64,"n_positions":16,"vocab_size":100)";
  EXPECT_NE(config_error("{" + base + "}").find("\"n_layer\" is missing"), std::string::npos);
  EXPECT_NE(config_error(R"({"n_layer":1,"n_head":5,"n_embd":64,"n_positions":16,"vocab_size":9})")
                .find("divisible by n_head"),
            std::string::npos);
  EXPECT_NE(config_error(R"({"n_layer":0,)" + base + "}").find("\"n_layer\" must be positive"),
            std::string::npos);
  const std::string act =
      config_error(R"({"n_layer":1,"activation_function":"relu",)" + base + "}");
  EXPECT_NE(act.find("\"relu\" is not supported"), std::string::npos) << act;
  EXPECT_NE(config_error(R"({"n_layer":1,"eos_token_id":100,)" + base + "}").find("eos_token_id"),
            std::string::npos);
  EXPECT_NE(config_error(R"({"n_layer":1,"model_type":"t5",)" + base + "}").find("model_type"),
            std::string::npos);
  EXPECT_NE(config_error(R"({"n_layer":1,"n_head":4,"n_embd":64,"vocab_size":9})").find("n_ctx"),
            std::string::npos);
  EXPECT_NE(config_error("{\"n_layer\": 1,").find("invalid JSON at byte"), std::string::npos);
  EXPECT_NE(config_error(R"({"n_layer":"2",)" + base + "}").find("must be an integer"),
            std::string::npos);
}

TEST(Gpt2, Fp32LogitsMatchTheReferenceWithAndWithoutTheCache) {
  const Gpt2Model model = load_model("model.safetensors", WeightType::f32);
  ASSERT_EQ(model.weight_type(), WeightType::f32);
  const float seen = expect_matches_reference(model, kF32Tolerance, nullptr);
  RecordProperty("max_abs_diff", std::to_string(seen));
  std::printf("fp32 max |logit - reference| = %g\n", seen);
}

TEST(Gpt2, F16AndBf16FilesGiveTheSameLogits) {
  // Same numbers in every file (see make_tiny_gpt2.py), names without "transformer."; the BF16
  // file also stores lm_head.weight explicitly.
  expect_matches_reference(load_model("model-f16.safetensors", WeightType::f32), kF32Tolerance,
                           nullptr);
  expect_matches_reference(load_model("model-bf16.safetensors", WeightType::f32), kF32Tolerance,
                           nullptr);
}

TEST(Gpt2, Fp32GreedyTokensMatchTheReference) {
  const Gpt2Model model = load_model("model.safetensors", WeightType::f32);
  for (const Prompt& p : prompts()) EXPECT_EQ(greedy(model, p.ids, 16, nullptr), p.greedy);
}

TEST(Gpt2, Q8LogitsStayWithinTheBoundAndGreedyTokensMatch) {
  const Gpt2Model model = load_model("model.safetensors", WeightType::q8);
  ASSERT_EQ(model.weight_type(), WeightType::q8);
  const float seen = expect_matches_reference(model, kQ8Tolerance, nullptr);
  RecordProperty("max_abs_diff", std::to_string(seen));
  std::printf("q8 max |logit - reference| = %g\n", seen);
  for (const Prompt& p : prompts()) {
    EXPECT_EQ(greedy(model, p.ids, 16, nullptr), p.greedy) << p.ids.size() << "-token prompt";
  }
}

// The q8 kernels against numpy's evaluation of the same int8 weights: what remains is the int16
// rounding of activations and float order.
TEST(Gpt2, Q8LogitsMatchTheReferenceOfTheQuantisedWeights) {
  const Gpt2Model model = load_model("model.safetensors", WeightType::q8);
  const float seen =
      expect_matches_reference(model, kQ8KernelTolerance, nullptr, &Prompt::q8_logits);
  std::printf("q8 max |logit - q8 reference| = %g\n", seen);
}

TEST(Gpt2, Q8IsCloserThanTheBoundSaysOnAverage) {
  // Guards against a bound that hides a systematic error: the mean deviation stays small
  // (measured 0.044, the same as numpy's q8-weight simulation).
  const Gpt2Model model = load_model("model.safetensors", WeightType::q8);
  const Prompt& p = prompts().back();
  const size_t vocab = model.config().vocab_size;
  KvCache cache = model.make_cache(128);
  std::vector<float> logits(p.ids.size() * vocab);
  ASSERT_TRUE(model.forward(cache, p.ids, logits, nullptr).ok());
  double sum = 0.0;
  for (size_t i = 0; i < logits.size(); ++i) sum += std::fabs(logits[i] - p.logits[i]);
  std::printf("q8 mean |logit - reference| = %g\n", sum / logits.size());
  EXPECT_LT(sum / logits.size(), 0.06);
}

TEST(Gpt2, ParameterCountIsEveryWeightOnce) {
  const auto bytes = read_bytes(kDir + "model.safetensors");
  auto file = SafetensorsFile::parse(bytes);
  ASSERT_TRUE(file.ok());
  int64_t expected = 0;
  for (const TensorView& t : file.value().tensors()) {
    const bool buffer = t.name.ends_with(".attn.bias") || t.name.ends_with(".attn.masked_bias");
    if (!buffer) expected += t.element_count();
  }
  EXPECT_EQ(load_model("model.safetensors", WeightType::f32).parameter_count(), expected);
  EXPECT_EQ(load_model("model-bf16.safetensors", WeightType::q8).parameter_count(), expected);
}

// --- checkpoints rewritten in the test: missing tensors, wrong shapes, other dtypes ----------

struct OwnedTensor {
  std::string name, dtype;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

std::vector<OwnedTensor> fixture_tensors() {
  static const std::vector<uint8_t> bytes = read_bytes(kDir + "model.safetensors");
  auto file = SafetensorsFile::parse(bytes);
  EXPECT_TRUE(file.ok());
  std::vector<OwnedTensor> out;
  for (const TensorView& t : file.value().tensors()) {
    out.push_back({t.name, dtype_name(t.dtype), t.shape, {t.data.begin(), t.data.end()}});
  }
  return out;
}

std::vector<uint8_t> write_safetensors(const std::vector<OwnedTensor>& tensors) {
  std::string header = "{";
  size_t offset = 0;
  for (const OwnedTensor& t : tensors) {
    if (header.size() > 1) header += ",";
    header += "\"" + t.name + "\":{\"dtype\":\"" + t.dtype +
              "\",\"shape\":" + shape_string(t.shape) + ",\"data_offsets\":[" +
              std::to_string(offset) + "," + std::to_string(offset + t.bytes.size()) + "]}";
    offset += t.bytes.size();
  }
  header += "}";
  std::vector<uint8_t> out(8 + header.size() + offset);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(header.size() >> (8 * i));
  std::memcpy(out.data() + 8, header.data(), header.size());
  size_t at = 8 + header.size();
  for (const OwnedTensor& t : tensors) {
    if (!t.bytes.empty()) std::memcpy(out.data() + at, t.bytes.data(), t.bytes.size());
    at += t.bytes.size();
  }
  return out;
}

std::string load_error(const Gpt2Config& config, const std::vector<OwnedTensor>& tensors) {
  const auto bytes = write_safetensors(tensors);
  auto m = Gpt2Model::load(config, bytes, WeightType::f32);
  EXPECT_FALSE(m.ok());
  return m.ok() ? "" : m.status().message();
}

TEST(Gpt2Load, MissingTensorIsNamed) {
  auto tensors = fixture_tensors();
  std::erase_if(tensors,
                [](const OwnedTensor& t) { return t.name == "transformer.h.1.mlp.c_fc.bias"; });
  const std::string msg = load_error(fixture_config(), tensors);
  EXPECT_NE(msg.find("no tensor 'h.1.mlp.c_fc.bias'"), std::string::npos) << msg;
}

TEST(Gpt2Load, ShapeMismatchNamesTensorAndExpectedShape) {
  Gpt2Config c = fixture_config();
  c.vocab_size = 300;
  const std::string msg = load_error(c, fixture_tensors());
  EXPECT_NE(msg.find("'transformer.wte.weight' has shape [297, 64]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[300, 64]"), std::string::npos) << msg;

  auto tensors = fixture_tensors();
  for (OwnedTensor& t : tensors) {
    if (t.name == "transformer.h.0.attn.c_attn.weight") {
      t.shape = {192, 64};  // stored (out, in), as an nn.Linear would be
    }
  }
  const std::string transposed = load_error(fixture_config(), tensors);
  EXPECT_NE(transposed.find("'transformer.h.0.attn.c_attn.weight' has shape [192, 64]"),
            std::string::npos)
      << transposed;
}

TEST(Gpt2Load, LayerCountMismatchIsReportedBothWays) {
  Gpt2Config fewer = fixture_config();
  fewer.n_layer = 1;
  EXPECT_NE(load_error(fewer, fixture_tensors()).find("n_layer = 1"), std::string::npos);
  Gpt2Config more = fixture_config();
  more.n_layer = 3;
  EXPECT_NE(load_error(more, fixture_tensors()).find("no tensor 'h.2.ln_1.weight'"),
            std::string::npos);
}

TEST(Gpt2Load, NonFloatWeightDtypeIsNamed) {
  auto tensors = fixture_tensors();
  for (OwnedTensor& t : tensors) {
    if (t.name == "transformer.ln_f.bias") t.dtype = "I32";  // same byte size as F32
  }
  const std::string msg = load_error(fixture_config(), tensors);
  EXPECT_NE(msg.find("'transformer.ln_f.bias' has dtype I32"), std::string::npos) << msg;
}

TEST(Gpt2Load, CorruptFileIsReportedAsSuch) {
  auto bytes = read_bytes(kDir + "model.safetensors");
  bytes.resize(bytes.size() / 2);
  auto m = Gpt2Model::load(fixture_config(), bytes, WeightType::f32);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("truncated"), std::string::npos);
}

// --- forward() errors leave the cache as it was -------------------------------------------

TEST(Gpt2Forward, CacheOverflowIsRefused) {
  const Gpt2Model model = load_model("model.safetensors", WeightType::f32);
  KvCache cache = model.make_cache(8);
  std::vector<float> logits(model.config().vocab_size);
  const std::vector<int32_t> five = {1, 2, 3, 4, 5};
  ASSERT_TRUE(model.forward(cache, five, logits, nullptr).ok());
  const std::vector<float> k_before = cache.k;
  Status s = model.forward(cache, std::span(five).first(4), logits, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("holds 8 tokens; 5 are filled and 4 more"), std::string::npos)
      << s.message();
  EXPECT_EQ(cache.n_tokens, 5);
  EXPECT_EQ(cache.k, k_before);

  KvCache big = model.make_cache(200);
  std::vector<int32_t> long_prompt(129, 7);
  s = model.forward(big, long_prompt, logits, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("context is 128 positions"), std::string::npos) << s.message();
  EXPECT_EQ(big.n_tokens, 0);
}

TEST(Gpt2Forward, TokenIdsOutOfRangeAreRefused) {
  const Gpt2Model model = load_model("model.safetensors", WeightType::f32);
  KvCache cache = model.make_cache(8);
  std::vector<float> logits(model.config().vocab_size);
  for (int32_t bad : {297, -1}) {
    const std::vector<int32_t> ids = {5, bad};
    Status s = model.forward(cache, ids, logits, nullptr);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("token 1 has id " + std::to_string(bad)), std::string::npos)
        << s.message();
    EXPECT_EQ(cache.n_tokens, 0);
  }
}

TEST(Gpt2Forward, BadArgumentsAreRefused) {
  const Gpt2Model model = load_model("model.safetensors", WeightType::f32);
  KvCache cache = model.make_cache(8);
  std::vector<float> logits(model.config().vocab_size);
  const std::vector<int32_t> ids = {1, 2};
  EXPECT_FALSE(model.forward(cache, {}, logits, nullptr).ok());
  std::vector<float> odd(model.config().vocab_size + 1);
  EXPECT_NE(model.forward(cache, ids, odd, nullptr).message().find("logits holds"),
            std::string::npos);
  KvCache foreign = cache;
  foreign.n_embd = 32;
  EXPECT_NE(model.forward(foreign, ids, logits, nullptr).message().find("KV cache"),
            std::string::npos);
  // No logits at all is a valid prefill: the cache fills, the lm_head is skipped.
  ASSERT_TRUE(model.forward(cache, ids, {}, nullptr).ok());
  EXPECT_EQ(cache.n_tokens, 2);
}

// --- threads ------------------------------------------------------------------------------

// A random model wide enough that decode splits every matrix across tasks (the fixture is too
// small for the split to engage on one token).
std::vector<uint8_t> random_model(const Gpt2Config& c) {
  Rng rng(99);
  std::vector<OwnedTensor> tensors;
  auto add = [&](const std::string& name, std::vector<int64_t> shape, float scale, float offset) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::vector<float> values(n);
    for (float& v : values) v = offset + scale * (2.0f * rng.next_float() - 1.0f);
    OwnedTensor t{name, "F32", shape, std::vector<uint8_t>(n * sizeof(float))};
    std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
    tensors.push_back(std::move(t));
  };
  const int64_t e = c.n_embd;
  add("wte.weight", {c.vocab_size, e}, 0.5f, 0.0f);
  add("wpe.weight", {c.n_positions, e}, 0.5f, 0.0f);
  for (int i = 0; i < c.n_layer; ++i) {
    const std::string p = "h." + std::to_string(i) + ".";
    add(p + "ln_1.weight", {e}, 0.1f, 1.0f);
    add(p + "ln_1.bias", {e}, 0.1f, 0.0f);
    add(p + "ln_2.weight", {e}, 0.1f, 1.0f);
    add(p + "ln_2.bias", {e}, 0.1f, 0.0f);
    add(p + "attn.c_attn.weight", {e, 3 * e}, 0.15f, 0.0f);
    add(p + "attn.c_attn.bias", {3 * e}, 0.1f, 0.0f);
    add(p + "attn.c_proj.weight", {e, e}, 0.1f, 0.0f);
    add(p + "attn.c_proj.bias", {e}, 0.1f, 0.0f);
    add(p + "mlp.c_fc.weight", {e, 4 * e}, 0.1f, 0.0f);
    add(p + "mlp.c_fc.bias", {4 * e}, 0.1f, 0.0f);
    add(p + "mlp.c_proj.weight", {4 * e, e}, 0.05f, 0.0f);
    add(p + "mlp.c_proj.bias", {e}, 0.1f, 0.0f);
  }
  add("ln_f.weight", {e}, 0.1f, 1.0f);
  add("ln_f.bias", {e}, 0.1f, 0.0f);
  return write_safetensors(tensors);
}

// Logits of a 40-token prefill (all rows) followed by 8 decode steps.
std::vector<float> run_with(const Gpt2Model& model, TaskRunner* runner) {
  const int vocab = model.config().vocab_size;
  std::vector<int32_t> prompt(40);
  for (int i = 0; i < 40; ++i) prompt[i] = (i * 37 + 11) % vocab;
  KvCache cache = model.make_cache(64);
  std::vector<float> all(prompt.size() * vocab);
  EXPECT_TRUE(model.forward(cache, prompt, all, runner).ok());
  std::vector<float> logits(vocab);
  int32_t next = 3;
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(model.forward(cache, {&next, 1}, logits, runner).ok());
    all.insert(all.end(), logits.begin(), logits.end());
    next = static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  }
  return all;
}

TEST(Gpt2Threads, ResultsAreBitIdenticalWithAndWithoutATaskRunner) {
  Gpt2Config c;
  c.n_layer = 2;
  c.n_head = 4;
  c.n_embd = 200;  // not a multiple of 8 or 32: exercises the tails and q8 padding
  c.n_positions = 64;
  c.vocab_size = 1003;
  c.bos_token_id = c.eos_token_id = 0;
  const auto bytes = random_model(c);
  native::ThreadPool two(2), three(3);
  for (WeightType type : {WeightType::f32, WeightType::q8}) {
    auto model = Gpt2Model::load(c, bytes, type);
    ASSERT_TRUE(model.ok()) << model.status().message();
    const std::vector<float> alone = run_with(model.value(), nullptr);
    EXPECT_EQ(run_with(model.value(), &two), alone);
    EXPECT_EQ(run_with(model.value(), &three), alone);
  }
}

// After the first step has sized the working memory, decoding allocates nothing (with or without
// a pool), so a long generation does no heap traffic per token.
TEST(Gpt2Threads, DecodeStepsAllocateNothing) {
  Gpt2Config c;
  c.n_layer = 1;
  c.n_head = 4;
  c.n_embd = 200;
  c.n_positions = 64;
  c.vocab_size = 1003;
  c.bos_token_id = c.eos_token_id = 0;
  const auto bytes = random_model(c);
  native::ThreadPool pool(2);
  for (WeightType type : {WeightType::f32, WeightType::q8}) {
    auto model = Gpt2Model::load(c, bytes, type);
    ASSERT_TRUE(model.ok()) << model.status().message();
    for (TaskRunner* runner :
         {static_cast<TaskRunner*>(nullptr), static_cast<TaskRunner*>(&pool)}) {
      KvCache cache = model.value().make_cache(64);
      std::vector<float> logits(c.vocab_size);
      const std::vector<int32_t> prompt = {1, 2, 3, 4, 5};
      ASSERT_TRUE(model.value().forward(cache, prompt, logits, runner).ok());
      int32_t next = 7;
      ASSERT_TRUE(model.value().forward(cache, {&next, 1}, logits, runner).ok());
      g_allocations = 0;
      g_count_allocations = true;
      bool ok = true;
      for (int i = 0; i < 20; ++i)
        ok = ok && model.value().forward(cache, {&next, 1}, logits, runner).ok();
      g_count_allocations = false;
      EXPECT_TRUE(ok);
      EXPECT_EQ(g_allocations.load(), 0) << (runner ? "with" : "without") << " a pool";
    }
  }
}

TEST(Gpt2Threads, FixtureMatchesTheReferenceOnAPool) {
  native::ThreadPool pool(2);
  expect_matches_reference(load_model("model.safetensors", WeightType::f32), kF32Tolerance, &pool);
}

}  // namespace
}  // namespace hyv::engine
