// Kernels against plain double-precision arithmetic, and the bit-level promises of kernels.h.
#include "hyv/engine/kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "hyv/engine/rng.h"
#include "thread_pool.h"

namespace hyv::engine::kernels {
namespace {

std::vector<float> random_values(size_t n, uint64_t seed, float scale = 1.0f) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = scale * (2.0f * rng.next_float() - 1.0f);
  return v;
}

TEST(Kernels, ExpIsWithinTwoUlpOfTheTrueValue) {
  EXPECT_EQ(exp_f32(0.0f), 1.0f);
  EXPECT_EQ(exp_f32(-100.0f), 0.0f);
  EXPECT_EQ(exp_f32(100.0f), INFINITY);
  EXPECT_EQ(exp_f32(INFINITY), INFINITY);
  EXPECT_EQ(exp_f32(-INFINITY), 0.0f);
  // A NaN (from a corrupt session's KV cache, found by fuzz/session_fuzz.cpp) stays NaN, instead
  // of an undefined float-to-int conversion.
  EXPECT_TRUE(std::isnan(exp_f32(NAN)));
  double worst = 0.0;
  for (float x = -87.0f; x <= 88.0f; x += 0.00123f) {
    const double exact = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::fabs(exp_f32(x) - exact) / exact);
  }
  EXPECT_LT(worst, 2.4e-7);  // 2 ulp of float is 2^-22 = 2.4e-7 relative
}

TEST(Kernels, TanhIsCloseAndOdd) {
  double worst = 0.0;
  for (float x = -20.0f; x <= 20.0f; x += 0.000731f) {
    worst = std::max(worst, std::fabs(tanh_f32(x) - std::tanh(static_cast<double>(x))));
    ASSERT_EQ(tanh_f32(-x), -tanh_f32(x)) << x;
  }
  EXPECT_LT(worst, 2e-7);
}

TEST(Kernels, GeluAndLayerNormMatchTheirDefinitions) {
  std::vector<float> x = random_values(3 * 50, 1, 4.0f);
  std::vector<float> g = x;
  gelu_tanh(g.data(), g.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    const double exact =
        0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
    EXPECT_NEAR(g[i], exact, 1e-6 * (1 + std::fabs(exact)));
  }
  const std::vector<float> gamma = random_values(50, 2), beta = random_values(50, 3);
  std::vector<float> y(x.size());
  layer_norm(y.data(), x.data(), gamma.data(), beta.data(), 3, 50, 1e-5f);
  for (int t = 0; t < 3; ++t) {
    double mean = 0, var = 0;
    for (int k = 0; k < 50; ++k) mean += x[t * 50 + k] / 50.0;
    for (int k = 0; k < 50; ++k) var += (x[t * 50 + k] - mean) * (x[t * 50 + k] - mean) / 50.0;
    for (int k = 0; k < 50; ++k) {
      const double exact = (x[t * 50 + k] - mean) / std::sqrt(var + 1e-5) * gamma[k] + beta[k];
      EXPECT_NEAR(y[t * 50 + k], exact, 2e-6);
    }
  }
}

TEST(Kernels, RmsNormReluAndSiluMatchTheirDefinitions) {
  const std::vector<float> x = random_values(3 * 50, 7, 4.0f), gamma = random_values(50, 8);
  std::vector<float> y(x.size());
  rms_norm(y.data(), x.data(), gamma.data(), 3, 50, 1e-6f);
  for (int t = 0; t < 3; ++t) {
    double sq = 0;
    for (int k = 0; k < 50; ++k) sq += double{x[t * 50 + k]} * x[t * 50 + k] / 50.0;
    for (int k = 0; k < 50; ++k) {
      EXPECT_NEAR(y[t * 50 + k], x[t * 50 + k] / std::sqrt(sq + 1e-6) * gamma[k], 2e-6);
    }
  }
  std::vector<float> r = x, s = x;
  relu(r.data(), r.size());
  silu(s.data(), s.size());
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(r[i], x[i] > 0 ? x[i] : 0.0f);
    const double exact = x[i] / (1 + std::exp(-double{x[i]}));
    EXPECT_NEAR(s[i], exact, 1e-6 * (1 + std::fabs(exact)));
  }
}

// softmax_j(scale * q.k_j + bias_j) weighting v_j, in double.
std::vector<double> exact_attention(const std::vector<float>& q, const std::vector<float>& k,
                                    const std::vector<float>& v, int stride, int n_keys,
                                    double scale, const float* bias) {
  const int head_dim = static_cast<int>(q.size());
  std::vector<double> p(n_keys), out(head_dim, 0.0);
  double max_s = -1e300, sum = 0;
  for (int j = 0; j < n_keys; ++j) {
    double s = 0;
    for (int d = 0; d < head_dim; ++d) s += double{q[d]} * k[j * stride + d];
    p[j] = scale * s + (bias != nullptr ? bias[j] : 0.0);
    max_s = std::max(max_s, p[j]);
  }
  for (double& x : p) sum += (x = std::exp(x - max_s));
  for (int d = 0; d < head_dim; ++d) {
    for (int j = 0; j < n_keys; ++j) out[d] += p[j] / sum * v[j * stride + d];
  }
  return out;
}

TEST(Kernels, AttendIsSoftmaxWeightedValues) {
  const int n_keys = 37, head_dim = 16, stride = 48;
  const auto q = random_values(head_dim, 4, 2.0f);
  const auto k = random_values(n_keys * stride, 5, 2.0f);
  const auto v = random_values(n_keys * stride, 6);
  std::vector<float> out(head_dim), scores(n_keys);
  attend(out.data(), q.data(), k.data(), v.data(), stride, n_keys, head_dim, 0.25f, scores.data());
  const auto exact = exact_attention(q, k, v, stride, n_keys, 0.25, nullptr);
  for (int d = 0; d < head_dim; ++d) EXPECT_NEAR(out[d], exact[d], 1e-6);

  // T5's form: no scale, an additive bias per key; without a bias it is attend at scale 1.
  const auto bias = random_values(n_keys, 9, 3.0f);
  attend_biased(out.data(), q.data(), k.data(), v.data(), stride, n_keys, head_dim, bias.data(),
                scores.data());
  const auto biased = exact_attention(q, k, v, stride, n_keys, 1.0, bias.data());
  for (int d = 0; d < head_dim; ++d) EXPECT_NEAR(out[d], biased[d], 1e-6);
  std::vector<float> unbiased(head_dim), scaled(head_dim);
  attend_biased(unbiased.data(), q.data(), k.data(), v.data(), stride, n_keys, head_dim, nullptr,
                scores.data());
  attend(scaled.data(), q.data(), k.data(), v.data(), stride, n_keys, head_dim, 1.0f,
         scores.data());
  EXPECT_EQ(unbiased, scaled);
}

// out[t][r] = bias[r] + sum_k in[t][k] w[r][k] (+ previous out), in double.
std::vector<double> exact_matmul(const std::vector<float>& in, const std::vector<double>& w,
                                 const std::vector<float>& bias, const std::vector<float>& prior,
                                 int tokens, int rows, int cols) {
  std::vector<double> out(static_cast<size_t>(tokens) * rows);
  for (int t = 0; t < tokens; ++t) {
    for (int r = 0; r < rows; ++r) {
      double s = double{bias[r]} + prior[t * rows + r];
      for (int k = 0; k < cols; ++k) s += double{in[t * cols + k]} * w[r * cols + k];
      out[t * rows + r] = s;
    }
  }
  return out;
}

struct Shape {
  int tokens, rows, cols;
};
const Shape kShapes[] = {{1, 1, 1},   {1, 7, 8},    {1, 17, 33},  {3, 9, 200},
                         {5, 64, 64}, {37, 19, 70}, {70, 24, 96}, {1, 300, 129}};

TEST(Kernels, MatmulF32MatchesDoublePrecision) {
  for (const Shape& s : kShapes) {
    SCOPED_TRACE(testing::Message() << s.tokens << "x" << s.rows << "x" << s.cols);
    const auto in = random_values(s.tokens * s.cols, 7);
    const auto w = random_values(s.rows * s.cols, 8);
    const auto bias = random_values(s.rows, 9);
    const auto prior = random_values(s.tokens * s.rows, 10);
    std::vector<float> out = prior;
    matmul_f32(out.data(), in.data(), w.data(), bias.data(), s.tokens, s.rows, s.cols, true,
               nullptr);
    const auto exact =
        exact_matmul(in, {w.begin(), w.end()}, bias, prior, s.tokens, s.rows, s.cols);
    for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], exact[i], 1e-6 * (s.cols + 2));
  }
}

TEST(Kernels, Q8RoundTripStaysWithinItsBound) {
  for (int cols : {1, 31, 32, 33, 200}) {
    auto w = random_values(5 * cols, 11);
    w[3] = 0.0f;
    const Q8Matrix q = quantize_q8(w.data(), 5, cols);
    EXPECT_EQ(q.padded_cols % kQ8Block, 0);
    std::vector<float> row(cols);
    for (int r = 0; r < 5; ++r) {
      dequantize_row_q8(q, r, row.data());
      for (int b = 0; b * kQ8Block < cols; ++b) {
        float amax = 0.0f;
        for (int k = b * kQ8Block; k < std::min(cols, (b + 1) * kQ8Block); ++k) {
          amax = std::max(amax, std::fabs(w[r * cols + k]));
        }
        for (int k = b * kQ8Block; k < std::min(cols, (b + 1) * kQ8Block); ++k) {
          EXPECT_LE(std::fabs(row[k] - w[r * cols + k]), amax / 254.0f * 1.0001f);
        }
      }
      for (int k = cols; k < q.padded_cols; ++k)
        EXPECT_EQ(q.block(r, k / kQ8Block)[k % kQ8Block], 0);
    }
  }
}

TEST(Kernels, MatmulQ8IsTheProductOfTheRoundedOperands) {
  for (const Shape& s : kShapes) {
    SCOPED_TRACE(testing::Message() << s.tokens << "x" << s.rows << "x" << s.cols);
    const auto in = random_values(s.tokens * s.cols, 12, 3.0f);
    const auto w = random_values(s.rows * s.cols, 13);
    const auto bias = random_values(s.rows, 14);
    const auto prior = random_values(s.tokens * s.rows, 15);
    const Q8Matrix q = quantize_q8(w.data(), s.rows, s.cols);
    std::vector<int16_t> xq(static_cast<size_t>(s.tokens) * q.padded_cols);
    std::vector<float> xs(s.tokens);
    quantize_i16(xq.data(), xs.data(), in.data(), s.tokens, s.cols, q.padded_cols);
    for (int t = 0; t < s.tokens; ++t) {
      for (int k = 0; k < s.cols; ++k) {
        EXPECT_LE(std::fabs(xq[t * q.padded_cols + k] * xs[t] - in[t * s.cols + k]),
                  xs[t] * 0.51f);  // half a step, plus float rounding of x / scale
      }
    }
    std::vector<float> out = prior;
    matmul_q8(out.data(), xq.data(), xs.data(), q, bias.data(), s.tokens, true, nullptr);
    // Exact product of the dequantised weights and activations.
    std::vector<double> wd(static_cast<size_t>(s.rows) * s.cols);
    std::vector<float> row(s.cols);
    for (int r = 0; r < s.rows; ++r) {
      dequantize_row_q8(q, r, row.data());
      for (int k = 0; k < s.cols; ++k) wd[r * s.cols + k] = row[k];
    }
    std::vector<float> in_rounded(in.size());
    for (int t = 0; t < s.tokens; ++t) {
      for (int k = 0; k < s.cols; ++k) {
        in_rounded[t * s.cols + k] = static_cast<float>(xq[t * q.padded_cols + k]) * xs[t];
      }
    }
    const auto exact = exact_matmul(in_rounded, wd, bias, prior, s.tokens, s.rows, s.cols);
    for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], exact[i], 2e-6 * (s.cols + 2));
  }
}

// Prefill must equal decode: one token's result does not depend on the tile it was computed in,
// nor on how rows were split across tasks.
TEST(Kernels, ResultsDoNotDependOnTokenCountOrTaskSplit) {
  const int tokens = 11, rows = 301, cols = 259;  // over 1 << 16 multiply-adds per token
  const auto in = random_values(tokens * cols, 16);
  const auto w = random_values(rows * cols, 17);
  const auto bias = random_values(rows, 18);
  const Q8Matrix q = quantize_q8(w.data(), rows, cols);
  std::vector<int16_t> xq(static_cast<size_t>(tokens) * q.padded_cols);
  std::vector<float> xs(tokens);
  quantize_i16(xq.data(), xs.data(), in.data(), tokens, cols, q.padded_cols);
  native::ThreadPool pool(3);
  for (bool use_q8 : {false, true}) {
    auto run = [&](int t0, int n, TaskRunner* runner) {
      std::vector<float> out(static_cast<size_t>(n) * rows);
      if (use_q8) {
        matmul_q8(out.data(), xq.data() + t0 * q.padded_cols, xs.data() + t0, q, bias.data(), n,
                  false, runner);
      } else {
        matmul_f32(out.data(), in.data() + t0 * cols, w.data(), bias.data(), n, rows, cols, false,
                   runner);
      }
      return out;
    };
    const std::vector<float> all = run(0, tokens, nullptr);
    EXPECT_EQ(run(0, tokens, &pool), all) << "q8 " << use_q8;
    for (int t = 0; t < tokens; ++t) {
      const std::vector<float> one = run(t, 1, t % 2 ? &pool : nullptr);
      ASSERT_EQ(one, std::vector<float>(all.begin() + t * rows, all.begin() + (t + 1) * rows))
          << "q8 " << use_q8 << ", token " << t;
    }
  }
}

// The q8 product and `dot` promise this exact arithmetic on every platform (kernels.h): eight
// lanes, each a multiply then an add (volatile stops the compiler fusing them here), summed in a
// fixed tree. Matching it bit for bit natively is half of native == wasm; the wasm build runs the
// same structure with SIMD128.
float lane_tree(const float lane[8]) {
  return ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
}

TEST(Kernels, DotAndQ8FollowTheDocumentedLaneOrderBitForBit) {
  const int n = 203;
  const auto a = random_values(n, 19), b = random_values(n, 20);
  float lane[8] = {};
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    for (int i = 0; i < 8; ++i) {
      volatile float p = a[k + i] * b[k + i];
      lane[i] = lane[i] + p;
    }
  }
  float expected = lane_tree(lane);
  for (; k < n; ++k) {
    volatile float p = a[k] * b[k];
    expected = expected + p;
  }
  EXPECT_EQ(dot(a.data(), b.data(), n), expected);

  const int cols = 200;
  const auto w = random_values(3 * cols, 21), x = random_values(cols, 22, 5.0f);
  const auto bias = random_values(3, 23);
  const Q8Matrix q = quantize_q8(w.data(), 3, cols);
  std::vector<int16_t> xq(q.padded_cols);
  float xs = 0.0f;
  quantize_i16(xq.data(), &xs, x.data(), 1, cols, q.padded_cols);
  std::vector<float> out(3);
  matmul_q8(out.data(), xq.data(), &xs, q, bias.data(), 1, false, nullptr);
  const int nb = q.padded_cols / kQ8Block;
  for (int r = 0; r < 3; ++r) {
    float acc[8] = {};
    for (int blk = 0; blk < nb; ++blk) {
      for (int l = 0; l < 8; ++l) {
        int32_t s = 0;
        for (int base : {0, 16}) {
          for (int i = blk * kQ8Block + base + 2 * l; i < blk * kQ8Block + base + 2 * l + 2; ++i) {
            s += int32_t{q.block(r, blk)[i - blk * kQ8Block]} * xq[i];
          }
        }
        volatile float p = static_cast<float>(s) * q.scale(r, blk);
        acc[l] = acc[l] + p;
      }
    }
    volatile float scaled = lane_tree(acc) * xs;
    EXPECT_EQ(out[r], scaled + bias[r]) << "row " << r;
  }
}

}  // namespace
}  // namespace hyv::engine::kernels
