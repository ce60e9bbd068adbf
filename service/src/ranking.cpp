#include "hyv/service/ranking.h"

namespace hyv::service {

double rank_score(std::optional<double> quality, const RatingSummary& ratings) {
  double q = quality.value_or(kNeutralQuality);
  // sum of (r - 1) / 4 over the ratings, from the sum of stars.
  double rated =
      (static_cast<double>(ratings.stars_sum) - static_cast<double>(ratings.count)) / 4.0;
  return (kPriorWeight * q + rated) / (kPriorWeight + static_cast<double>(ratings.count));
}

}  // namespace hyv::service
