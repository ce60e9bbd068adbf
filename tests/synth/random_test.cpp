// Portable samplers: log/exp against the host libm, distribution moments against their formulas.
#include "hyv/synth/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "hyv/synth/normal_math.h"

namespace hyv::synth {
namespace {

double ulps(double a, double b) {
  return std::fabs(a - b) / std::fabs(std::nextafter(b, INFINITY) - b);
}

TEST(PortableMath, LogAndExpAgreeWithLibmWithinOneUlp) {
  engine::Rng rng(1);
  for (int i = 0; i < 200000; ++i) {
    // Spread over many binades, including subnormals and values near 1.
    double x = std::ldexp(1.0 + rng.next_double(), int(rng.next_u64() % 2096) - 1074);
    ASSERT_LE(ulps(fdlibm_log(x), std::log(x)), 1.0) << x;
    double y = (rng.next_double() - 0.5) * 1400;
    double e = std::exp(y);
    if (e == 0 || std::isinf(e)) continue;
    if (e < 0x1p-1022) {  // subnormal results: compare absolutely
      ASSERT_NEAR(fdlibm_exp(y), e, 0x1p-1074) << y;
      continue;
    }
    ASSERT_LE(ulps(fdlibm_exp(y), e), 1.0) << y;
  }
  for (double x : {1.0, 2.0, 0.5, 1e-300, 1e300, 1.0000000001, 0.9999999999})
    EXPECT_LE(ulps(fdlibm_log(x), std::log(x)), 1.0) << x;
  EXPECT_EQ(fdlibm_log(1.0), 0.0);
  EXPECT_EQ(fdlibm_exp(0.0), 1.0);
  EXPECT_TRUE(std::isnan(fdlibm_log(-1)));
  EXPECT_EQ(fdlibm_log(0), -INFINITY);
  EXPECT_EQ(fdlibm_exp(1000), INFINITY);
  EXPECT_EQ(fdlibm_exp(-1000), 0.0);
}

TEST(PortableMath, LogFactorialMatchesLgamma) {
  for (int64_t k : {0, 1, 2, 5, 10, 63, 64, 65, 100, 1000, 123456})
    EXPECT_NEAR(log_factorial(k), std::lgamma(double(k) + 1), 1e-9 * std::max(1.0, double(k))) << k;
}

struct Moments {
  double mean = 0, var = 0;
};

template <typename F>
Moments moments(F draw, int n) {
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    double x = draw();
    sum += x;
    sum2 += x * x;
  }
  double mean = sum / n;
  return {mean, sum2 / n - mean * mean};
}

constexpr int kN = 200000;

TEST(Distributions, MomentsMatchTheirFormulas) {
  engine::Rng rng(42);
  // Tolerances are ~6 standard errors of the estimate at kN draws.
  auto m = moments([&] { return normal(rng, 3, 2); }, kN);
  EXPECT_NEAR(m.mean, 3, 6 * 2 / std::sqrt(kN));
  EXPECT_NEAR(m.var, 4, 0.06);
  m = moments([&] { return exponential(rng, 0.5); }, kN);
  EXPECT_NEAR(m.mean, 2, 0.03);
  EXPECT_NEAR(m.var, 4, 0.15);
  m = moments([&] { return lognormal(rng, 0, 0.5); }, kN);
  EXPECT_NEAR(m.mean, std::exp(0.125), 0.01);
  for (double lambda : {0.5, 4.0, 29.0, 30.0, 100.0, 5000.0}) {
    m = moments([&] { return double(poisson(rng, lambda)); }, kN);
    EXPECT_NEAR(m.mean, lambda, 6 * std::sqrt(lambda / kN)) << lambda;
    EXPECT_NEAR(m.var / lambda, 1.0, 0.03) << lambda;
  }
}

TEST(Distributions, PoissonProbabilitiesMatchThePmf) {
  // Above the PTRS threshold, compare frequencies near the mode with exp(k log l - l - log k!).
  engine::Rng rng(5);
  double lambda = 45;
  std::vector<int> counts(200, 0);
  for (int i = 0; i < kN; ++i) ++counts[size_t(std::min<int64_t>(poisson(rng, lambda), 199))];
  for (int k = 35; k <= 55; ++k) {
    double p = std::exp(k * std::log(lambda) - lambda - std::lgamma(k + 1.0));
    double se = std::sqrt(p * (1 - p) / kN);
    EXPECT_NEAR(counts[size_t(k)] / double(kN), p, 6 * se) << k;
  }
}

TEST(Distributions, UniformIntIsUnbiasedAndInRange) {
  engine::Rng rng(9);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    int64_t v = uniform_int(rng, -3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    ++counts[size_t(v + 3)];
  }
  double chi2 = 0;
  for (int c : counts) chi2 += (c - 10000.0) * (c - 10000.0) / 10000.0;
  EXPECT_LT(chi2, 22.5);  // p < 0.001 for 6 degrees of freedom
  // The whole int64 range and single-value ranges work.
  (void)uniform_int(rng, INT64_MIN, INT64_MAX);
  EXPECT_EQ(uniform_int(rng, 5, 5), 5);
}

// The ends of the int64 range: the 2^64-wide range (span 0 in uint64) and the two-value ranges
// against INT64_MIN and INT64_MAX.
TEST(Distributions, UniformIntAtTheInt64Extremes) {
  engine::Rng rng(11);
  int negative = 0, top_quarter = 0;
  for (int i = 0; i < 4000; ++i) {
    int64_t v = uniform_int(rng, INT64_MIN, INT64_MAX);
    negative += v < 0;
    top_quarter += v >= (INT64_MAX / 2);
  }
  EXPECT_NEAR(negative, 2000, 150);
  EXPECT_NEAR(top_quarter, 1000, 110);
  int at_max = 0, at_min = 0;
  for (int i = 0; i < 2000; ++i) {
    int64_t hi = uniform_int(rng, INT64_MAX - 1, INT64_MAX);
    ASSERT_GE(hi, INT64_MAX - 1);
    at_max += hi == INT64_MAX;
    int64_t lo = uniform_int(rng, INT64_MIN, INT64_MIN + 1);
    ASSERT_LE(lo, INT64_MIN + 1);
    at_min += lo == INT64_MIN;
  }
  EXPECT_NEAR(at_max, 1000, 110);
  EXPECT_NEAR(at_min, 1000, 110);
  EXPECT_EQ(uniform_int(rng, INT64_MAX, INT64_MAX), INT64_MAX);
  EXPECT_EQ(uniform_int(rng, INT64_MIN, INT64_MIN), INT64_MIN);
}

TEST(Distributions, WeightedIndexFollowsWeightsAndSkipsZeros) {
  engine::Rng rng(3);
  std::vector<double> cumulative = {1, 1, 4, 10};  // weights 1, 0, 3, 6
  std::vector<int> counts(4, 0);
  for (int i = 0; i < 100000; ++i) ++counts[weighted_index(rng, cumulative)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[0] / 1e5, 0.1, 0.01);
  EXPECT_NEAR(counts[2] / 1e5, 0.3, 0.01);
  EXPECT_NEAR(counts[3] / 1e5, 0.6, 0.01);
}

TEST(Distributions, SameSeedSameStream) {
  engine::Rng a(77), b(77);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(normal(a, 0, 1), normal(b, 0, 1));
    ASSERT_EQ(poisson(a, 60), poisson(b, 60));
  }
  EXPECT_NE(derive_seed(1, 2), derive_seed(1, 3));
  EXPECT_NE(derive_seed(1, 2), derive_seed(2, 2));
}

}  // namespace
}  // namespace hyv::synth
