// How datasets are ranked: the quality score is the prior, user ratings update it.
//
//   q    = quality score in [0, 1] (kNeutralQuality when the dataset has none)
//   r_i  = the i-th user's stars in 1..5, n ratings, each mapped to [0, 1] by (r_i - 1) / 4
//   rank = (C * q + sum_i (r_i - 1) / 4) / (C + n),   C = kPriorWeight = 5
//
// This is a Bayesian average whose prior mean is the measured quality and whose prior weight is
// C pseudo-ratings: with no ratings the rank is the quality; each rating moves it less than the
// quality alone until there are as many ratings as C; many ratings dominate. It stays in [0, 1].
// Worked examples (tests/service/ranking_test.cpp): q = 0.8, no ratings -> 0.8; q = 0.8, two
// 5-star ratings -> (4 + 2) / 7 = 0.857142...; q = 0.8, five 1-star ratings -> 4 / 10 = 0.4.
#pragma once

#include <cstdint>
#include <optional>

namespace hyv::service {

inline constexpr double kPriorWeight = 5.0;
inline constexpr double kNeutralQuality = 0.5;

struct RatingSummary {
  uint64_t count = 0;
  uint64_t stars_sum = 0;  // sum of stars, each 1..5

  double mean() const { return count ? static_cast<double>(stars_sum) / count : 0.0; }
};

double rank_score(std::optional<double> quality, const RatingSummary& ratings);

}  // namespace hyv::service
