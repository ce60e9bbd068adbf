// T5Session: greedy tokens and beam search against the numpy reference
// (tools/reference/t5_reference.py, tools/reference/t5_beam_reference.py), text and stop strings,
// resuming from serialised state, and its errors.
#include "hyv/engine/t5_session.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "fixture_files.h"

namespace hyv::engine {
namespace {

using testing::int_array;
using testing::read_bytes;

std::string fixture_dir(const std::string& name) {
  return std::string(HYV_SOURCE_DIR) + "/tests/fixtures/" + name + "/";
}

T5Config config_of(const std::string& name) {
  const auto bytes = read_bytes(fixture_dir(name) + "config.json");
  auto c = parse_t5_config(as_string_view(bytes));
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? c.value() : T5Config{};
}

T5Model load(const std::string& name, const T5Config& config) {
  const auto weights = read_bytes(fixture_dir(name) + "model.safetensors");
  auto m = T5Model::load(config, weights, WeightType::f32);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : T5Model{};
}

// The fixtures' 300 ids as a byte-level tokenizer: <pad> 0, </s> 1, the 256 bytes at 2..257.
const T5Tokenizer& byte_tokenizer() {
  static const T5Tokenizer tok = [] {
    std::vector<std::string> bytes(300);
    for (int b = 0; b < 256; ++b) bytes[size_t(b) + 2] = std::string(1, char(b));
    const std::pair<std::string, int32_t> specials[] = {{"<pad>", 0}, {"</s>", 1}};
    auto bpe = BpeTokenizer::from_parts(std::move(bytes), {}, specials);
    EXPECT_TRUE(bpe.ok()) << bpe.status().message();
    return T5Tokenizer::from_bpe(std::move(bpe).value(), -1, 1);
  }();
  return tok;
}

T5Request greedy_request(std::vector<int32_t> source, int max_tokens) {
  T5Request q;
  q.source = std::move(source);
  q.sampling.temperature = 0;
  q.sampling.repeat_penalty = 1;
  q.max_tokens = max_tokens;
  return q;
}

// Runs a session to the end, budget tokens per step.
T5Session run(const T5Model& model, T5Request q, int budget = 1 << 30) {
  auto s = T5Session::start(model, byte_tokenizer(), std::move(q));
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return T5Session{};
  for (int guard = 0; !s.value().done() && guard < 10000; ++guard) {
    auto out = s.value().step(StepBudget::tokens(budget), nullptr);
    EXPECT_TRUE(out.ok()) << out.status().message();
    if (!out.ok()) break;
  }
  return std::move(s).value();
}

rapidjson::Document json_file(const std::string& path) {
  const auto bytes = read_bytes(path);
  rapidjson::Document doc;
  doc.Parse(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return doc;
}

class T5SessionFixtures : public ::testing::TestWithParam<const char*> {};

TEST_P(T5SessionFixtures, GreedyTokensAreTheReferences) {
  const std::string name = GetParam();
  const T5Model model = load(name, config_of(name));
  const auto index = json_file(fixture_dir(name) + "reference/index.json");
  for (const auto& c : index["cases"].GetArray()) {
    const auto greedy = int_array(c["greedy"]);
    T5Request q = greedy_request(int_array(c["source"]), int(greedy.size()));
    q.stop_at_eos = false;
    T5Session s = run(model, std::move(q));
    EXPECT_EQ(s.generated_tokens(), greedy);
    EXPECT_EQ(s.finish_reason(), FinishReason::max_tokens);
  }
}

// Each run of reference/beams.json, with the model's eos_token_id set to the run's.
TEST_P(T5SessionFixtures, BeamSearchGivesTheReferencesHypothesis) {
  const std::string name = GetParam();
  const auto beams = json_file(fixture_dir(name) + "reference/beams.json");
  ASSERT_TRUE(beams.IsObject()) << "run tools/reference/t5_beam_reference.py";
  int eos_ended = 0;
  for (const auto& r : beams["runs"].GetArray()) {
    T5Config config = config_of(name);
    config.eos_token_id = r["eos"].GetInt();
    const T5Model model = load(name, config);
    T5Request q = greedy_request(int_array(r["source"]), r["max_tokens"].GetInt());
    q.beams = r["beams"].GetInt();
    q.length_penalty = r["length_penalty"].GetFloat();
    T5Session s = run(model, std::move(q));
    EXPECT_EQ(s.generated_tokens(), int_array(r["tokens"]))
        << "beams " << q.beams << " eos " << config.eos_token_id;
    const bool eos = r["eos_ended"].GetBool();
    EXPECT_EQ(s.finish_reason(), eos ? FinishReason::eos : FinishReason::max_tokens);
    eos_ended += eos;
  }
  EXPECT_GT(eos_ended, 0) << "no run ends with </s>: the fixture does not test finished beams";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, T5SessionFixtures,
                         ::testing::Values("tiny-t5", "tiny-t5-gated"));

const T5Model& tiny() {
  static const T5Model model = load("tiny-t5", config_of("tiny-t5"));
  return model;
}

const std::vector<int32_t> kSource = {286, 87, 46, 126, 192, 143, 42, 1};

T5Request sampled_request(uint64_t seed, int beams = 1) {
  T5Request q;
  q.source = kSource;
  q.sampling.temperature = 1.2f;
  q.sampling.top_k = 0;
  q.sampling.seed = seed;
  q.max_tokens = 20;
  q.beams = beams;
  return q;
}

TEST(T5Session, SameSeedSameTokensOtherSeedOtherTokens) {
  T5Session a = run(tiny(), sampled_request(7));
  T5Session b = run(tiny(), sampled_request(7), 3);
  T5Session c = run(tiny(), sampled_request(8));
  EXPECT_EQ(a.generated_tokens(), b.generated_tokens());
  EXPECT_EQ(a.generated_text(), b.generated_text());
  EXPECT_NE(a.generated_tokens(), c.generated_tokens());
}

// The text is the tokens' bytes with the specials (<pad> here) dropped, made valid UTF-8.
TEST(T5Session, TextIsTheTokensTextWithoutSpecials) {
  T5Session s = run(tiny(), sampled_request(3));
  ASSERT_FALSE(s.generated_tokens().empty());
  EXPECT_EQ(s.generated_text(), byte_tokenizer().decode(s.generated_tokens(), true));
}

TEST(T5Session, StreamedTextIsTheFinalText) {
  auto s = T5Session::start(tiny(), byte_tokenizer(), sampled_request(11));
  ASSERT_TRUE(s.ok());
  std::string streamed;
  while (!s.value().done()) {
    auto out = s.value().step(StepBudget::tokens(1), nullptr);
    ASSERT_TRUE(out.ok()) << out.status().message();
    streamed += out.value().text;
  }
  EXPECT_EQ(streamed, s.value().generated_text());
}

TEST(T5Session, StopStringCutsTheText) {
  T5Session full = run(tiny(), sampled_request(5));
  const std::string text = full.generated_text();
  ASSERT_GE(text.size(), 6u);
  T5Request q = sampled_request(5);
  q.stop = {text.substr(3, 2)};
  T5Session cut = run(tiny(), q);
  EXPECT_EQ(cut.finish_reason(), FinishReason::stop_string);
  EXPECT_EQ(cut.generated_text(), text.substr(0, text.find(q.stop[0])));
}

// Serialising after every step and going on from the bytes changes nothing, sampled or beams.
TEST(T5Session, ResumesFromSerialisedStateWithTheSameTokens) {
  for (int beams : {1, 3}) {
    T5Session whole = run(tiny(), sampled_request(21, beams));
    auto s = T5Session::start(tiny(), byte_tokenizer(), sampled_request(21, beams));
    ASSERT_TRUE(s.ok());
    T5Session session = std::move(s).value();
    std::string streamed;
    while (!session.done()) {
      auto out = session.step(StepBudget::tokens(2), nullptr);
      ASSERT_TRUE(out.ok()) << out.status().message();
      streamed += out.value().text;
      const std::vector<uint8_t> state = session.serialize();
      auto back = T5Session::restore(tiny(), byte_tokenizer(), state, nullptr);
      ASSERT_TRUE(back.ok()) << back.status().message();
      session = std::move(back).value();
    }
    EXPECT_EQ(session.generated_tokens(), whole.generated_tokens()) << beams << " beams";
    EXPECT_EQ(streamed, whole.generated_text());
  }
}

TEST(T5Session, AnExhaustedBudgetStopsAfterTheEncoder) {
  auto s = T5Session::start(tiny(), byte_tokenizer(), sampled_request(1));
  ASSERT_TRUE(s.ok());
  StepBudget budget = StepBudget::tokens(5);
  budget.exhausted = [] { return true; };
  auto out = s.value().step(budget, nullptr);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out.value().tokens.empty());
  EXPECT_FALSE(out.value().done);
  // The encoder output travels with the state.
  auto back = T5Session::restore(tiny(), byte_tokenizer(), s.value().serialize(), nullptr);
  ASSERT_TRUE(back.ok()) << back.status().message();
  auto next = back.value().step(StepBudget::tokens(1), nullptr);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next.value().tokens.size(), 1u);
}

std::string start_error(T5Request q) {
  auto s = T5Session::start(tiny(), byte_tokenizer(), std::move(q));
  return s.ok() ? "" : s.status().message();
}

TEST(T5Session, BadRequestsAreRefusedByName) {
  T5Request q = sampled_request(1);
  q.source.clear();
  EXPECT_NE(start_error(q).find("source is empty"), std::string::npos);
  q = sampled_request(1);
  q.source[2] = 300;
  EXPECT_NE(start_error(q).find("source token 2"), std::string::npos);
  q = sampled_request(1);
  q.beams = T5Request::kMaxBeams + 1;
  EXPECT_NE(start_error(q).find("beams"), std::string::npos);
  q = sampled_request(1);
  q.max_tokens = 0;
  EXPECT_NE(start_error(q).find("max_tokens"), std::string::npos);
  q = sampled_request(1);
  q.stop = {""};
  EXPECT_NE(start_error(q).find("stop strings"), std::string::npos);
}

std::string restore_error(std::vector<uint8_t> state, const T5Model& model = tiny()) {
  auto s = T5Session::restore(model, byte_tokenizer(), state, nullptr);
  return s.ok() ? "" : s.status().message();
}

TEST(T5Session, DamagedOrForeignStateIsRefused) {
  auto s = T5Session::start(tiny(), byte_tokenizer(), sampled_request(2, 2));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.value().step(StepBudget::tokens(3), nullptr).ok());
  const std::vector<uint8_t> state = s.value().serialize();
  EXPECT_NE(restore_error({state.begin(), state.end() - 1}).find("truncated"), std::string::npos);
  std::vector<uint8_t> flipped = state;
  flipped[flipped.size() / 2] ^= 0x40;
  EXPECT_NE(restore_error(flipped).find("checksum"), std::string::npos);
  EXPECT_NE(restore_error({1, 2, 3}).find("not a Hyv T5 generation session"), std::string::npos);
  const T5Model gated = load("tiny-t5-gated", config_of("tiny-t5-gated"));
  EXPECT_NE(restore_error(state, gated).find("restore it onto the same model"), std::string::npos)
      << restore_error(state, gated);
}

}  // namespace
}  // namespace hyv::engine
