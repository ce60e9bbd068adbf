#include "hyv/synth/random.h"

#include <cmath>
#include <limits>

#include "hyv/synth/normal_math.h"

namespace hyv::synth {
namespace {

__extension__ typedef unsigned __int128 u128;  // GCC and Clang, also on wasm32

}  // namespace

double log_factorial(int64_t k) {
  if (k < 2) return 0.0;
  if (k < 64) {
    double s = 0;
    for (int64_t i = 2; i <= k; ++i) s += fdlibm_log(double(i));
    return s;
  }
  // Stirling's series; the first omitted term is below 1e-16 relative for k >= 64.
  double n = double(k);
  double inv = 1.0 / n, inv2 = inv * inv;
  constexpr double kHalfLog2Pi = 0.91893853320467274178;
  return (n + 0.5) * fdlibm_log(n) - n + kHalfLog2Pi +
         inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
}

uint64_t uniform_index(engine::Rng& rng, uint64_t n) {
  // Lemire, "Fast random integer generation in an interval" (2019).
  u128 m = (u128)rng.next_u64() * n;
  uint64_t low = uint64_t(m);
  if (low < n) {
    uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = (u128)rng.next_u64() * n;
      low = uint64_t(m);
    }
  }
  return uint64_t(m >> 64);
}

int64_t uniform_int(engine::Rng& rng, int64_t lo, int64_t hi) {
  uint64_t span = uint64_t(hi) - uint64_t(lo) + 1;  // 0 means the whole 2^64 range
  uint64_t r = span == 0 ? rng.next_u64() : uniform_index(rng, span);
  return int64_t(uint64_t(lo) + r);
}

double normal(engine::Rng& rng, double mean, double stddev) {
  // Marsaglia polar: one of the pair is used, so a draw never depends on an earlier call.
  for (;;) {
    double u = 2.0 * rng.next_double() - 1.0;
    double v = 2.0 * rng.next_double() - 1.0;
    double s = u * u + v * v;
    if (s >= 1.0 || s == 0.0) continue;
    return mean + stddev * (u * std::sqrt(-2.0 * fdlibm_log(s) / s));
  }
}

double lognormal(engine::Rng& rng, double mu, double sigma) {
  return fdlibm_exp(normal(rng, mu, sigma));
}

double exponential(engine::Rng& rng, double rate) {
  return -fdlibm_log(1.0 - rng.next_double()) / rate;
}

int64_t poisson(engine::Rng& rng, double lambda) {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    double limit = fdlibm_exp(-lambda), p = 1.0;
    int64_t k = -1;
    do {
      ++k;
      p *= rng.next_double();
    } while (p > limit);
    return k;
  }
  // PTRS: W. Hormann, "The transformed rejection method for generating Poisson random variables",
  // Insurance: Mathematics and Economics 12 (1993); constants as published.
  double slam = std::sqrt(lambda), loglam = fdlibm_log(lambda);
  double b = 0.931 + 2.53 * slam;
  double a = -0.059 + 0.02483 * b;
  double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  double vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    double U = rng.next_double() - 0.5;
    double V = rng.next_double();
    double us = 0.5 - std::fabs(U);
    double kd = std::floor((2 * a / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return int64_t(kd);
    if (kd < 0 || (us < 0.013 && V > us)) continue;
    int64_t k = int64_t(kd);
    if (fdlibm_log(V) + fdlibm_log(invalpha) - fdlibm_log(a / (us * us) + b) <=
        -lambda + kd * loglam - log_factorial(k))
      return k;
  }
}

bool bernoulli(engine::Rng& rng, double p) {
  return rng.next_double() < p;
}

size_t weighted_index(engine::Rng& rng, std::span<const double> cumulative) {
  double x = rng.next_double() * cumulative.back();
  size_t lo = 0, hi = cumulative.size() - 1;
  while (lo < hi) {  // first i with cumulative[i] > x
    size_t mid = (lo + hi) / 2;
    if (cumulative[mid] > x)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

uint64_t derive_seed(uint64_t seed, uint64_t tag) {
  uint64_t z = seed ^ (tag * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace hyv::synth
