#include "hyv/engine/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

namespace hyv::engine {
namespace {

SamplingParams all_off() {
  SamplingParams p;
  p.temperature = 1.0f;
  p.top_k = 0;
  p.top_p = 1.0f;
  p.min_p = 0.0f;
  p.repeat_penalty = 1.0f;
  return p;
}

std::vector<float> log_probs(std::vector<double> probs) {
  std::vector<float> logits;
  for (double p : probs) logits.push_back(float(std::log(p)));
  return logits;
}

// Draws n tokens from fresh copies of logits and returns each token's share.
std::map<int32_t, double> frequencies(const std::vector<float>& logits, const SamplingParams& p,
                                      int n, uint64_t seed = 1) {
  Rng rng(seed);
  SamplerScratch scratch;
  std::map<int32_t, double> share;
  for (int i = 0; i < n; ++i) {
    std::vector<float> l = logits;
    share[sample_token(l, {}, p, rng, scratch)] += 1.0 / n;
  }
  return share;
}

TEST(Sampler, GreedyTakesArgmaxAndLowestIdOnTies) {
  SamplingParams p = all_off();
  p.temperature = 0.0f;
  Rng rng(1);
  SamplerScratch s;
  std::vector<float> logits = {0.5f, 3.0f, -1.0f, 3.0f};
  EXPECT_EQ(sample_token(logits, {}, p, rng, s), 1);
  Rng untouched(1);
  EXPECT_EQ(rng.next_u64(), untouched.next_u64()) << "greedy must not consume randomness";
}

TEST(Sampler, RepeatPenaltyDividesPositiveAndMultipliesNegativeLogits) {
  SamplingParams p = all_off();
  p.temperature = 0.0f;
  p.repeat_penalty = 2.0f;
  Rng rng(1);
  SamplerScratch s;
  std::vector<float> logits = {2.0f, -2.0f, 1.5f, 0.0f};
  std::vector<int32_t> history = {0, 1, 0};  // counted once each: repetition is not compounded
  EXPECT_EQ(sample_token(logits, history, p, rng, s), 2);
  EXPECT_FLOAT_EQ(logits[0], 1.0f);
  EXPECT_FLOAT_EQ(logits[1], -4.0f);
  EXPECT_FLOAT_EQ(logits[2], 1.5f);
  EXPECT_FLOAT_EQ(logits[3], 0.0f);
}

TEST(Sampler, PenaltiesLookOnlyAtTheLastRepeatLastNTokens) {
  SamplingParams p = all_off();
  p.temperature = 0.0f;
  p.repeat_penalty = 2.0f;
  p.repeat_last_n = 2;
  Rng rng(1);
  SamplerScratch s;
  std::vector<float> logits = {2.0f, 2.0f, 2.0f};
  std::vector<int32_t> history = {0, 1, 2, 2};
  sample_token(logits, history, p, rng, s);
  EXPECT_FLOAT_EQ(logits[0], 2.0f);
  EXPECT_FLOAT_EQ(logits[1], 2.0f);
  EXPECT_FLOAT_EQ(logits[2], 1.0f);

  p.repeat_last_n = 0;  // off
  logits = {2.0f, 2.0f, 2.0f};
  sample_token(logits, history, p, rng, s);
  EXPECT_FLOAT_EQ(logits[2], 2.0f);

  p.repeat_last_n = -1;  // the whole history
  logits = {2.0f, 2.0f, 2.0f};
  sample_token(logits, history, p, rng, s);
  EXPECT_FLOAT_EQ(logits[0], 1.0f);
  EXPECT_FLOAT_EQ(logits[1], 1.0f);
  EXPECT_FLOAT_EQ(logits[2], 1.0f);
}

TEST(Sampler, FrequencyAndPresencePenaltiesSubtractPerCount) {
  SamplingParams p = all_off();
  p.temperature = 0.0f;
  p.frequency_penalty = 0.5f;
  p.presence_penalty = 0.25f;
  Rng rng(1);
  SamplerScratch s;
  std::vector<float> logits = {1.0f, 1.0f, 1.0f};
  std::vector<int32_t> history = {1, 2, 2, 2};
  EXPECT_EQ(sample_token(logits, history, p, rng, s), 0);
  EXPECT_FLOAT_EQ(logits[0], 1.0f);
  EXPECT_FLOAT_EQ(logits[1], 1.0f - 0.5f - 0.25f);
  EXPECT_FLOAT_EQ(logits[2], 1.0f - 1.5f - 0.25f);
}

TEST(Sampler, PenaltiesComeBeforeTopK) {
  SamplingParams p = all_off();
  p.top_k = 1;
  p.repeat_penalty = 4.0f;
  std::vector<float> base = {2.0f, 1.0f, 0.0f};
  Rng rng(5);
  SamplerScratch s;
  std::vector<int32_t> history = {0};
  for (int i = 0; i < 50; ++i) {
    std::vector<float> logits = base;
    EXPECT_EQ(sample_token(logits, history, p, rng, s), 1);
  }
}

TEST(Sampler, TopKKeepsOnlyTheKBest) {
  SamplingParams p = all_off();
  p.top_k = 2;
  auto share = frequencies(log_probs({0.1, 0.4, 0.2, 0.3}), p, 4000);
  EXPECT_EQ(share.count(0), 0u);
  EXPECT_EQ(share.count(2), 0u);
  EXPECT_NEAR(share[1], 4.0 / 7.0, 0.03);
  EXPECT_NEAR(share[3], 3.0 / 7.0, 0.03);
}

TEST(Sampler, TopKBreaksTiesByLowestId) {
  SamplingParams p = all_off();
  p.top_k = 2;
  auto share = frequencies({1.0f, 0.0f, 1.0f, 1.0f}, p, 1000);
  EXPECT_EQ(share.size(), 2u);
  EXPECT_GT(share[0], 0.0);
  EXPECT_GT(share[2], 0.0);
}

TEST(Sampler, TopPKeepsTheSmallestSetReachingP) {
  SamplingParams p = all_off();
  auto logits = log_probs({0.05, 0.5, 0.15, 0.3});
  p.top_p = 0.75f;  // 0.5 + 0.3 >= 0.75
  auto share = frequencies(logits, p, 4000);
  EXPECT_EQ(share.size(), 2u);
  EXPECT_NEAR(share[1], 0.5 / 0.8, 0.03);
  EXPECT_NEAR(share[3], 0.3 / 0.8, 0.03);

  p.top_p = 0.85f;  // needs the third token
  share = frequencies(logits, p, 4000);
  EXPECT_EQ(share.size(), 3u);
  EXPECT_EQ(share.count(0), 0u);

  p.top_p = 0.0f;  // at least one token survives
  share = frequencies(logits, p, 100);
  EXPECT_EQ(share.size(), 1u);
  EXPECT_EQ(share.count(1), 1u);
}

TEST(Sampler, MinPDropsTokensBelowAFractionOfTheBest) {
  SamplingParams p = all_off();
  p.min_p = 0.4f;  // threshold 0.2: keeps 0.5 and 0.3
  auto share = frequencies(log_probs({0.15, 0.5, 0.05, 0.3}), p, 4000);
  EXPECT_EQ(share.size(), 2u);
  EXPECT_NEAR(share[1], 0.5 / 0.8, 0.03);
}

TEST(Sampler, TopKComesBeforeTopP) {
  // After top-k=2 the best token holds 0.4/0.7 = 0.57 >= 0.55, so top-p keeps it alone. Had top-p
  // run on all four (0.4, then 0.7), two tokens would remain.
  SamplingParams p = all_off();
  p.top_k = 2;
  p.top_p = 0.55f;
  auto share = frequencies(log_probs({0.4, 0.3, 0.2, 0.1}), p, 500);
  EXPECT_EQ(share.size(), 1u);
  EXPECT_EQ(share.count(0), 1u);
}

TEST(Sampler, TemperatureComesAfterMinP) {
  // At temperature 10 the distribution is nearly flat; min-p still filters on the unscaled one.
  SamplingParams p = all_off();
  p.min_p = 0.4f;
  p.temperature = 10.0f;
  auto logits = log_probs({0.5, 0.3, 0.15, 0.05});
  auto share = frequencies(logits, p, 4000);
  EXPECT_EQ(share.size(), 2u);
  double a = std::pow(0.5, 0.1), b = std::pow(0.3, 0.1);
  EXPECT_NEAR(share[0], a / (a + b), 0.03);
}

// The filters written the plain way llama.cpp does: sort everything, then top-k, softmax, top-p,
// softmax, min-p, softmax with temperature. The sampler takes shortcuts; it must agree.
std::map<int32_t, double> reference_distribution(std::vector<float> logits,
                                                 const SamplingParams& p) {
  std::vector<std::pair<double, int32_t>> c;
  for (size_t i = 0; i < logits.size(); ++i) c.push_back({logits[i], int32_t(i)});
  std::sort(c.begin(), c.end(), [](auto& a, auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  if (p.top_k > 0 && size_t(p.top_k) < c.size()) c.resize(size_t(p.top_k));
  auto softmax = [&](double t) {
    std::vector<double> q;
    double z = 0;
    for (auto& x : c) z += std::exp((x.first - c[0].first) / t);
    for (auto& x : c) q.push_back(std::exp((x.first - c[0].first) / t) / z);
    return q;
  };
  if (p.top_p < 1.0f) {
    auto q = softmax(1.0);
    double cum = 0;
    for (size_t i = 0; i < c.size(); ++i) {
      cum += q[i];
      if (cum >= p.top_p) {
        c.resize(i + 1);
        break;
      }
    }
  }
  if (p.min_p > 0.0f) {
    auto q = softmax(1.0);
    size_t kept = 1;
    while (kept < c.size() && q[kept] >= p.min_p * q[0]) ++kept;
    c.resize(kept);
  }
  auto q = softmax(p.temperature);
  std::map<int32_t, double> out;
  for (size_t i = 0; i < c.size(); ++i) out[c[i].second] = q[i];
  return out;
}

TEST(Sampler, FiltersAgreeWithAPlainReference) {
  Rng gen(2024);
  int combos = 0;
  for (int top_k : {0, 5, 40}) {
    for (float top_p : {1.0f, 0.9f, 0.5f}) {
      for (float min_p : {0.0f, 0.05f, 0.3f}) {
        std::vector<float> logits(300);  // > 64 tokens: the sampler sorts in chunks
        for (auto& l : logits) l = 4.0f * (gen.next_float() + gen.next_float() + gen.next_float());
        SamplingParams p = all_off();
        p.top_k = top_k;
        p.top_p = top_p;
        p.min_p = min_p;
        p.temperature = 0.7f;
        auto want = reference_distribution(logits, p);
        auto got = frequencies(logits, p, 3000, uint64_t(combos));
        for (auto& [id, share] : got) {
          EXPECT_EQ(want.count(id), 1u)
              << "token " << id << " should have been filtered out (k=" << top_k << " p=" << top_p
              << " min_p=" << min_p << ")";
        }
        for (auto& [id, prob] : want) {
          EXPECT_NEAR(got[id], prob, 0.035)
              << "token " << id << " k=" << top_k << " p=" << top_p << " min_p=" << min_p;
        }
        ++combos;
      }
    }
  }
}

TEST(Sampler, DrawFrequenciesMatchTheDistribution) {
  SamplingParams p = all_off();
  std::vector<double> probs = {0.5, 0.3, 0.15, 0.05};
  auto share = frequencies(log_probs(probs), p, 20000);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(share[i], probs[i], 0.015) << "token " << i;

  p.temperature = 2.0f;  // p^(1/2), renormalised
  share = frequencies(log_probs(probs), p, 20000, 9);
  double z = 0;
  for (double q : probs) z += std::sqrt(q);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(share[i], std::sqrt(probs[i]) / z, 0.015);
}

TEST(Sampler, SameSeedSameDrawsDifferentSeedDifferentDraws) {
  SamplingParams p;  // the defaults, every filter on
  std::vector<float> logits(300);
  for (size_t i = 0; i < logits.size(); ++i) logits[i] = float((i * 37) % 101) / 20.0f;
  auto run = [&](uint64_t seed) {
    Rng rng(seed);
    SamplerScratch s;
    std::vector<int32_t> out;
    for (int i = 0; i < 200; ++i) {
      std::vector<float> l = logits;
      out.push_back(sample_token(l, out, p, rng, s));
    }
    return out;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST(Sampler, NanLogitsAreNeverPicked) {
  SamplingParams p = all_off();
  std::vector<float> logits = {NAN, 0.0f, NAN};
  Rng rng(1);
  SamplerScratch s;
  for (int i = 0; i < 20; ++i) {
    std::vector<float> l = logits;
    EXPECT_EQ(sample_token(l, {}, p, rng, s), 1);
  }
}

TEST(Sampler, ValidateNamesTheParameter) {
  auto message = [](auto change) {
    SamplingParams p;
    change(p);
    Status s = validate(p);
    return s.ok() ? std::string("ok") : s.message();
  };
  EXPECT_EQ(message([](SamplingParams&) {}), "ok");
  EXPECT_EQ(message([](SamplingParams& p) { p.min_p = 1.5f; }),
            "min_p must be between 0 and 1 (0 = off) (got 1.5)");
  EXPECT_NE(message([](SamplingParams& p) { p.temperature = -1; }).find("temperature must be"),
            std::string::npos);
  EXPECT_NE(message([](SamplingParams& p) { p.temperature = NAN; }).find("temperature must be"),
            std::string::npos);
  EXPECT_NE(message([](SamplingParams& p) { p.top_p = 1.5f; }).find("top_p must be"),
            std::string::npos);
  EXPECT_NE(message([](SamplingParams& p) { p.min_p = -0.1f; }).find("min_p must be"),
            std::string::npos);
  EXPECT_NE(message([](SamplingParams& p) { p.repeat_penalty = 0; }).find("repeat_penalty must be"),
            std::string::npos);
  EXPECT_NE(message([](SamplingParams& p) { p.repeat_last_n = -2; }).find("repeat_last_n must be"),
            std::string::npos);
  EXPECT_NE(message([](SamplingParams& p) {
              p.frequency_penalty = INFINITY;
            }).find("frequency_penalty must be"),
            std::string::npos);
}

}  // namespace
}  // namespace hyv::engine
