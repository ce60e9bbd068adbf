#include "hyv/synth/random.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace hyv::synth {
namespace {

__extension__ typedef unsigned __int128 u128;  // GCC and Clang, also on wasm32

uint64_t bits_of(double x) {
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

double from_bits(uint64_t u) {
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

constexpr double kLn2Hi = 6.93147180369123816490e-01;  // high bits of ln 2, exact product with k
constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi

}  // namespace

// fdlibm e_log.c: x = 2^k (1 + f), sqrt(2)/2 < 1 + f < sqrt(2); log(1 + f) = f - hfsq + s (hfsq +
// R) with s = f / (2 + f) and R a minimax polynomial in s^2.
double portable_log(double x) {
  constexpr double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                   Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                   Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                   Lg7 = 1.479819860511658591e-01;
  if (std::isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  int k = 0;
  uint64_t u = bits_of(x);
  if ((u >> 52) == 0) {  // subnormal: scale into the normal range
    x *= 0x1p54;
    k -= 54;
    u = bits_of(x);
  }
  k += int((u >> 52) & 0x7ff) - 1023;
  uint64_t mant = u & 0x000fffffffffffffULL;
  // Pick the exponent so that the mantissa lands in [sqrt(2)/2, sqrt(2)).
  double m = from_bits(mant | 0x3ff0000000000000ULL);  // in [1, 2)
  if (m > 1.4142135623730951) {
    m *= 0.5;
    k += 1;
  }
  double f = m - 1.0;
  double dk = k;
  double s = f / (2.0 + f);
  double z = s * s;
  double w = z * z;
  double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  double R = t2 + t1;
  double hfsq = 0.5 * f * f;
  return dk * kLn2Hi - ((hfsq - (s * (hfsq + R) + dk * kLn2Lo)) - f);
}

// fdlibm e_exp.c: x = k ln2 + r, |r| <= ln2 / 2; exp(r) from a rational approximation, then scaled.
double portable_exp(double x) {
  constexpr double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
                   P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
                   P5 = 4.13813679705723846039e-08, kInvLn2 = 1.44269504088896338700e+00;
  if (std::isnan(x)) return x;
  if (x > 709.782712893383973096) return std::numeric_limits<double>::infinity();
  if (x < -745.13321910194110842) return 0.0;
  if (std::fabs(x) < 0x1p-28) return 1.0 + x;
  double kd = std::floor(kInvLn2 * x + 0.5);
  int k = int(kd);
  double hi = x - kd * kLn2Hi;
  double lo = kd * kLn2Lo;
  double r = hi - lo;
  double t = r * r;
  double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
  return std::ldexp(y, k);  // exact scaling (subnormal results round once, identically)
}

double log_factorial(int64_t k) {
  if (k < 2) return 0.0;
  if (k < 64) {
    double s = 0;
    for (int64_t i = 2; i <= k; ++i) s += portable_log(double(i));
    return s;
  }
  // Stirling's series; the first omitted term is below 1e-16 relative for k >= 64.
  double n = double(k);
  double inv = 1.0 / n, inv2 = inv * inv;
  constexpr double kHalfLog2Pi = 0.91893853320467274178;
  return (n + 0.5) * portable_log(n) - n + kHalfLog2Pi +
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
    return mean + stddev * (u * std::sqrt(-2.0 * portable_log(s) / s));
  }
}

double lognormal(engine::Rng& rng, double mu, double sigma) {
  return portable_exp(normal(rng, mu, sigma));
}

double exponential(engine::Rng& rng, double rate) {
  return -portable_log(1.0 - rng.next_double()) / rate;
}

int64_t poisson(engine::Rng& rng, double lambda) {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    double limit = portable_exp(-lambda), p = 1.0;
    int64_t k = -1;
    do {
      ++k;
      p *= rng.next_double();
    } while (p > limit);
    return k;
  }
  // PTRS: W. Hormann, "The transformed rejection method for generating Poisson random variables",
  // Insurance: Mathematics and Economics 12 (1993); constants as published.
  double slam = std::sqrt(lambda), loglam = portable_log(lambda);
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
    if (portable_log(V) + portable_log(invalpha) - portable_log(a / (us * us) + b) <=
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
