// Portable random variates for table synthesis, built only on hyv::engine::Rng and IEEE-754
// +, -, *, /, sqrt (which every platform rounds identically), so the same seed gives the same bits
// natively and in wasm. The libm functions log/exp are not correctly rounded and differ between C
// libraries in the last bit, so the samplers use fdlibm_log/fdlibm_exp from normal_math.h.
//
// Algorithms (all exact in distribution, none uses std::*_distribution):
//   uniform_int   Lemire's multiply-shift with rejection (unbiased, usually one draw)
//   normal        Marsaglia's polar method; |z| <= sqrt(-2 ln s) < 12.01 since s >= 2^-104 for
//                 53-bit uniforms, so draws lie within 13 stddev of the mean (schema checks rely on
//                 it)
//   lognormal     exp(mu + sigma * normal)
//   exponential   inversion: -log(1 - U) / rate
//   poisson       Knuth's product of uniforms for lambda < 30; Hormann's PTRS (transformed
//                 rejection with squeeze, as in NumPy) above
//   weighted      cumulative weights and binary search
#pragma once

#include <cstdint>
#include <span>

#include "hyv/engine/rng.h"

namespace hyv::synth {

// log(k!) exactly summed for small k, Stirling's series above.
double log_factorial(int64_t k);

// Uniform integer in [lo, hi] (lo <= hi, whole int64 range allowed).
int64_t uniform_int(engine::Rng& rng, int64_t lo, int64_t hi);
// Uniform index in [0, n), n > 0.
uint64_t uniform_index(engine::Rng& rng, uint64_t n);
// Uniform in [0, 1) with 53 bits.
inline double uniform01(engine::Rng& rng) {
  return rng.next_double();
}
double normal(engine::Rng& rng, double mean, double stddev);
double lognormal(engine::Rng& rng, double mu, double sigma);
double exponential(engine::Rng& rng, double rate);
int64_t poisson(engine::Rng& rng, double lambda);
bool bernoulli(engine::Rng& rng, double p);

// Picks index i with probability weights[i] / sum; `cumulative` holds running sums (see below).
size_t weighted_index(engine::Rng& rng, std::span<const double> cumulative);

// A seed for an independent stream: mixes a parent seed with a tag (table index, column, ...).
uint64_t derive_seed(uint64_t seed, uint64_t tag);

}  // namespace hyv::synth
