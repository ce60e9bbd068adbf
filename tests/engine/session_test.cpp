#include "hyv/engine/session.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "file_io.h"
#include "hyv/engine/model_folder.h"
#include "hyv/engine/utf8_text.h"

namespace hyv::engine {
namespace {

// The tiny random GPT-2 fixture: 2 layers, 64 wide, 128 positions, 297 byte-level tokens.
struct Fixture {
  std::vector<std::vector<uint8_t>> bytes;
  std::unique_ptr<LoadedModel> loaded;
};

const Fixture& fixture() {
  static Fixture* f = [] {
    auto* f = new Fixture;
    std::string dir = std::string(HYV_SOURCE_DIR) + "/tests/fixtures/tiny-gpt2/";
    for (const char* name : {"config.json", "model.safetensors", "vocab.json", "merges.txt"}) {
      auto r = native::read_file(dir + name);
      EXPECT_TRUE(r.ok()) << r.status().message();
      f->bytes.push_back(r.ok() ? r.value() : std::vector<uint8_t>{});
    }
    ModelFolderFiles files{f->bytes[0], f->bytes[1], f->bytes[2], f->bytes[3], {}};
    auto loaded = load_model_folder(files, WeightType::f32);
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    if (loaded.ok()) f->loaded = std::make_unique<LoadedModel>(std::move(loaded).value());
    return f;
  }();
  return *f;
}
const Gpt2Model& model() {
  return fixture().loaded->model;
}
const BpeTokenizer& tokenizer() {
  return fixture().loaded->tokenizer;
}

GenerationRequest request(int max_tokens = 40, uint64_t seed = 3) {
  GenerationRequest r;
  r.prompt = tokenizer().encode("the dog ran to the");
  r.sampling.temperature = 1.0f;  // a random model: keep every filter loose for varied output
  r.sampling.top_k = 0;
  r.sampling.top_p = 1.0f;
  r.sampling.min_p = 0.0f;
  r.sampling.seed = seed;
  r.max_tokens = max_tokens;
  r.stop_at_eos = false;
  return r;
}

struct Outcome {
  std::vector<int32_t> tokens;  // concatenated StepOutput::tokens
  std::string text;             // concatenated StepOutput::text
  std::string final_text;       // generated_text() at the end
  FinishReason reason = FinishReason::none;
  int steps = 0;
};

// Runs a request to the end; between steps optionally through serialize()/restore().
Outcome run(const GenerationRequest& req, const StepBudget& budget, bool round_trip = false) {
  auto started = GenerationSession::start(model(), tokenizer(), req);
  EXPECT_TRUE(started.ok()) << started.status().message();
  GenerationSession s = std::move(started).value();
  Outcome r;
  while (!s.done()) {
    auto out = s.step(budget, nullptr);
    EXPECT_TRUE(out.ok()) << out.status().message();
    r.tokens.insert(r.tokens.end(), out.value().tokens.begin(), out.value().tokens.end());
    r.text += out.value().text;
    EXPECT_EQ(out.value().done, s.done());
    if (++r.steps > 10000) break;
    if (round_trip) {
      std::vector<uint8_t> state = s.serialize();
      auto restored = GenerationSession::restore(model(), tokenizer(), state);
      EXPECT_TRUE(restored.ok()) << restored.status().message();
      s = std::move(restored).value();
    }
  }
  EXPECT_EQ(r.tokens, s.generated_tokens());
  r.final_text = s.generated_text();
  r.reason = s.finish_reason();
  return r;
}

std::string sanitized(std::string_view bytes) {
  std::string out;
  append_sanitized_utf8(bytes, out);
  return out;
}

TEST(Session, OneStepGeneratesMaxTokens) {
  Outcome r = run(request(40), StepBudget{});
  EXPECT_EQ(r.steps, 1);
  EXPECT_EQ(r.tokens.size(), 40u);
  EXPECT_EQ(r.reason, FinishReason::max_tokens);
  EXPECT_EQ(r.text, r.final_text);
  // Text is the tokens' bytes, with bytes that are not valid UTF-8 replaced.
  EXPECT_EQ(r.text, sanitized(tokenizer().decode(r.tokens)));
}

TEST(Session, StepsOfAnySizeGiveTheSameTokensAndText) {
  Outcome whole = run(request(60), StepBudget{});
  for (int n : {1, 3, 7}) {
    Outcome stepped = run(request(60), StepBudget::tokens(n));
    EXPECT_EQ(stepped.tokens, whole.tokens) << "steps of " << n;
    EXPECT_EQ(stepped.text, whole.text) << "steps of " << n;
    EXPECT_EQ(stepped.steps, (60 + n - 1) / n);
  }
}

TEST(Session, SerializeRestoreBetweenEveryStepChangesNothing) {
  Outcome whole = run(request(60), StepBudget{});
  for (int n : {1, 3, 7}) {
    Outcome stepped = run(request(60), StepBudget::tokens(n), /*round_trip=*/true);
    EXPECT_EQ(stepped.tokens, whole.tokens) << "steps of " << n;
    EXPECT_EQ(stepped.text, whole.text) << "steps of " << n;
    EXPECT_EQ(stepped.final_text, whole.final_text);
  }
}

TEST(Session, ExhaustedCallbackEndsAStepAfterAForwardPass) {
  Outcome whole = run(request(30), StepBudget{});
  int passes = 0;
  StepBudget budget;
  budget.exhausted = [&] { return ++passes % 4 == 0; };  // e.g. an instruction counter
  Outcome counted = run(request(30), budget, /*round_trip=*/true);
  EXPECT_EQ(counted.tokens, whole.tokens);
  EXPECT_EQ(counted.text, whole.text);
  EXPECT_EQ(counted.steps, 8);  // 4 tokens per step, 30 tokens
  EXPECT_EQ(passes, 30);
}

TEST(Session, ChunkedPrefillChangesNoToken) {
  GenerationRequest req = request(20);
  req.prompt = tokenizer().encode("the dog ran to the park and the dog ran back to the house");
  ASSERT_GT(req.prompt.size(), 10u);
  Outcome whole = run(req, StepBudget{});
  for (int chunk : {1, 3, 4}) {
    int passes = 0;
    StepBudget budget;
    budget.prefill_chunk_tokens = chunk;
    budget.exhausted = [&] { return ++passes % 2 == 0; };
    Outcome chunked = run(req, budget, /*round_trip=*/true);
    EXPECT_EQ(chunked.tokens, whole.tokens) << "chunks of " << chunk;
    EXPECT_EQ(chunked.text, whole.text) << "chunks of " << chunk;
    size_t prefill_passes = (req.prompt.size() + size_t(chunk) - 1) / size_t(chunk);
    EXPECT_EQ(size_t(passes), prefill_passes + 19) << "one pass per chunk, then one per token";
  }
}

TEST(Session, ZeroTokenBudgetDoesNothing) {
  auto s = GenerationSession::start(model(), tokenizer(), request(5));
  ASSERT_TRUE(s.ok());
  auto out = s.value().step(StepBudget::tokens(0), nullptr);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out.value().tokens.empty());
  EXPECT_FALSE(out.value().done);
}

TEST(Session, SameSeedSameTokensOtherSeedOtherTokens) {
  EXPECT_EQ(run(request(40, 11), StepBudget{}).tokens, run(request(40, 11), StepBudget{}).tokens);
  EXPECT_NE(run(request(40, 11), StepBudget{}).tokens, run(request(40, 12), StepBudget{}).tokens);
}

TEST(Session, StreamedTextHoldsBackUnfinishedUtf8) {
  // The byte-level fixture emits single bytes >= 0x80 often: text emitted token by token must
  // still join multi-byte characters exactly as decoding all tokens at once does.
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Outcome r = run(request(100, seed), StepBudget::tokens(1));
    EXPECT_EQ(r.text, sanitized(tokenizer().decode(r.tokens))) << "seed " << seed;
    EXPECT_FALSE(find_invalid_utf8(r.text));
  }
}

TEST(Session, StopStringCutsTheTextAndEndsGeneration) {
  GenerationRequest req = request(100);
  Outcome whole = run(req, StepBudget{});
  ASSERT_GT(whole.text.size(), 30u);
  // A stop string taken from the middle of the unstopped output, at a character boundary.
  size_t begin = 20;
  while ((static_cast<uint8_t>(whole.text[begin]) & 0xC0) == 0x80) ++begin;
  size_t end = begin + 3;
  while (end < whole.text.size() && (static_cast<uint8_t>(whole.text[end]) & 0xC0) == 0x80) ++end;
  std::string stop = whole.text.substr(begin, end - begin);
  size_t first = whole.text.find(stop);
  req.stop = {"never appears \x01", stop};
  for (int n : {1, 2, 100}) {
    Outcome stopped = run(req, StepBudget::tokens(n), /*round_trip=*/n == 2);
    EXPECT_EQ(stopped.reason, FinishReason::stop_string);
    EXPECT_EQ(stopped.text, whole.text.substr(0, first)) << "steps of " << n;
    EXPECT_EQ(stopped.final_text, stopped.text);
    EXPECT_LT(stopped.tokens.size(), whole.tokens.size());
    // The tokens are the unstopped run's, up to the one that completed the stop string.
    EXPECT_TRUE(std::equal(stopped.tokens.begin(), stopped.tokens.end(), whole.tokens.begin()));
  }
}

TEST(Session, TextThatMayStartAStopStringIsHeldBack) {
  GenerationRequest req = request(60);
  Outcome whole = run(req, StepBudget{});
  // A stop string that begins like the output's tail but never completes: its prefix is held
  // back while undecided and released at the end.
  req.stop = {whole.text.substr(whole.text.size() - 1) + "\x01\x02"};
  Outcome r = run(req, StepBudget::tokens(1));
  EXPECT_EQ(r.reason, FinishReason::max_tokens);
  EXPECT_EQ(r.text, whole.text);
}

TEST(Session, EosEndsGenerationAndIsNotInTheOutput) {
  const int eos = model().config().eos_token_id;
  ASSERT_GE(eos, 0);
  int found = 0;
  for (uint64_t seed = 1; seed <= 60 && found < 2; ++seed) {
    GenerationRequest req = request(120, seed);
    req.stop_at_eos = true;
    Outcome r = run(req, StepBudget::tokens(5));
    if (r.reason != FinishReason::eos) continue;
    ++found;
    EXPECT_EQ(std::count(r.tokens.begin(), r.tokens.end(), eos), 0);
    req.stop_at_eos = false;  // the same draws, continuing past the end-of-text token
    Outcome on = run(req, StepBudget{});
    ASSERT_GT(on.tokens.size(), r.tokens.size());
    EXPECT_TRUE(std::equal(r.tokens.begin(), r.tokens.end(), on.tokens.begin()));
    EXPECT_EQ(on.tokens[r.tokens.size()], eos);
  }
  EXPECT_GT(found, 0) << "no seed sampled end-of-text; the test needs another fixture";
}

TEST(Session, ContextFullStopsAtTheLastPosition) {
  const int n_positions = model().config().n_positions;
  GenerationRequest req = request(100);
  req.prompt.assign(size_t(n_positions) - 5, req.prompt[0]);
  Outcome r = run(req, StepBudget::tokens(2), /*round_trip=*/true);
  EXPECT_EQ(r.reason, FinishReason::context_full);
  EXPECT_EQ(r.tokens.size(), 5u);
}

TEST(Session, RejectsBadRequests) {
  const int n_positions = model().config().n_positions;
  auto message = [](GenerationRequest req) {
    auto s = GenerationSession::start(model(), tokenizer(), std::move(req));
    return s.ok() ? std::string("ok") : s.status().message();
  };
  GenerationRequest req = request();
  req.prompt.assign(size_t(n_positions), req.prompt[0]);
  EXPECT_NE(message(req).find("context holds " + std::to_string(n_positions)), std::string::npos)
      << message(req);
  req = request();
  req.prompt.clear();
  EXPECT_NE(message(req).find("empty"), std::string::npos);
  req = request();
  req.prompt.push_back(model().config().vocab_size);
  EXPECT_NE(message(req).find("outside the model's vocabulary"), std::string::npos);
  req = request();
  req.max_tokens = 0;
  EXPECT_EQ(message(req), "max_tokens must be >= 1 (got 0)") << "the field, not a CLI flag";
  req = request();
  req.stop = {""};
  EXPECT_EQ(message(req), "stop strings must not be empty");
  req = request();
  req.sampling.top_p = 2.0f;
  EXPECT_NE(message(req).find("top_p must be"), std::string::npos) << message(req);
}

// --- restore() validation -------------------------------------------------------------------

uint64_t fnv1a(const uint8_t* p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

void reseal(std::vector<uint8_t>& state) {
  uint64_t h = fnv1a(state.data(), state.size() - 8);
  for (int i = 0; i < 8; ++i) state[state.size() - 8 + i] = uint8_t(h >> (8 * i));
}

std::vector<uint8_t> midway_state() {
  auto s = GenerationSession::start(model(), tokenizer(), request(20));
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(s.value().step(StepBudget::tokens(5), nullptr).ok());
  return s.value().serialize();
}

std::string restore_error(const std::vector<uint8_t>& state) {
  auto r = GenerationSession::restore(model(), tokenizer(), state);
  return r.ok() ? std::string("ok") : r.status().message();
}

TEST(SessionRestore, AcceptsItsOwnState) {
  EXPECT_EQ(restore_error(midway_state()), "ok");
}

TEST(SessionRestore, RejectsTruncatedState) {
  std::vector<uint8_t> state = midway_state();
  for (size_t keep : {size_t(0), size_t(5), size_t(16), state.size() / 2, state.size() - 1}) {
    std::vector<uint8_t> cut(state.begin(), state.begin() + long(keep));
    std::string e = restore_error(cut);
    EXPECT_TRUE(e.find("truncated") != std::string::npos ||
                e.find("not a Hyv generation session") != std::string::npos)
        << keep << ": " << e;
  }
  EXPECT_NE(restore_error({state.begin(), state.end() - 1}).find("truncated"), std::string::npos);
}

TEST(SessionRestore, RejectsCorruptionWrongVersionAndOtherModels) {
  std::vector<uint8_t> state = midway_state();
  std::vector<uint8_t> bad = state;
  bad[bad.size() / 2] ^= 1;
  EXPECT_NE(restore_error(bad).find("checksum"), std::string::npos);

  bad = state;
  bad[0] = 'X';
  EXPECT_NE(restore_error(bad).find("not a Hyv generation session"), std::string::npos);

  bad = state;
  bad[8] = 2;  // version
  reseal(bad);
  EXPECT_NE(restore_error(bad).find("version 2"), std::string::npos);

  bad = state;
  bad[20] += 1;  // n_layer, right after magic, version and total size
  reseal(bad);
  EXPECT_NE(restore_error(bad).find("n_layer=3"), std::string::npos) << restore_error(bad);

  bad = state;
  bad.insert(bad.end() - 8, 4, 0);  // extra bytes before the checksum
  for (int i = 0; i < 8; ++i) bad[12 + i] = uint8_t(uint64_t(bad.size()) >> (8 * i));
  reseal(bad);
  EXPECT_NE(restore_error(bad).find("unexpected bytes"), std::string::npos) << restore_error(bad);
}

}  // namespace
}  // namespace hyv::engine
