// The project's portable PRNG: xoshiro256** seeded through splitmix64. Same seed, same numbers on
// every platform (never std::*_distribution, whose output differs between standard libraries).
#pragma once

#include <array>
#include <cstdint>

namespace hyv::engine {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  uint64_t next_u64();
  // Uniform in [0, 1) with 24 random bits: exact in float on every platform.
  float next_float();
  // Uniform in [0, 1) with 53 random bits.
  double next_double();
  // The whole state, for serialising a generation session.
  std::array<uint64_t, 4> state() const { return s_; }
  void set_state(const std::array<uint64_t, 4>& s) { s_ = s; }

 private:
  std::array<uint64_t, 4> s_;
};

}  // namespace hyv::engine
