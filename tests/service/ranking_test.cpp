// The ranking formula of ranking.h against values computed by hand.
#include "hyv/service/ranking.h"

#include <gtest/gtest.h>

namespace hyv::service {
namespace {

RatingSummary of(std::initializer_list<int> stars) {
  RatingSummary s;
  for (int r : stars) {
    ++s.count;
    s.stars_sum += static_cast<uint64_t>(r);
  }
  return s;
}

TEST(Ranking, HandComputedValues) {
  // rank = (5 q + sum (r - 1) / 4) / (5 + n)
  EXPECT_DOUBLE_EQ(rank_score(0.8, of({})), 0.8);
  EXPECT_DOUBLE_EQ(rank_score(0.8, of({5, 5})), 6.0 / 7.0);        // (4 + 1 + 1) / 7
  EXPECT_DOUBLE_EQ(rank_score(0.8, of({1, 1, 1, 1, 1})), 0.4);     // (4 + 0) / 10
  EXPECT_DOUBLE_EQ(rank_score(0.2, of({3, 4})), 2.25 / 7.0);       // (1 + 0.5 + 0.75) / 7
  EXPECT_DOUBLE_EQ(rank_score(std::nullopt, of({})), 0.5);         // neutral prior
  EXPECT_DOUBLE_EQ(rank_score(std::nullopt, of({5})), 3.5 / 6.0);  // (2.5 + 1) / 6
  EXPECT_DOUBLE_EQ(rank_score(0.0, of({2})), 0.25 / 6.0);
}

TEST(Ranking, ManyRatingsDominateQuality) {
  RatingSummary lots;
  lots.count = 10000;
  lots.stars_sum = 50000;  // all five stars
  EXPECT_GT(rank_score(0.0, lots), 0.999);
  lots.stars_sum = 10000;  // all one star
  EXPECT_LT(rank_score(1.0, lots), 0.001);
}

TEST(Ranking, StaysInUnitInterval) {
  for (double q : {0.0, 0.3, 1.0}) {
    for (int stars = 1; stars <= 5; ++stars) {
      for (int n = 0; n < 20; ++n) {
        RatingSummary s{static_cast<uint64_t>(n), static_cast<uint64_t>(n * stars)};
        double r = rank_score(q, s);
        EXPECT_GE(r, 0.0);
        EXPECT_LE(r, 1.0);
      }
    }
  }
}

TEST(Ranking, MeanOfRatings) {
  EXPECT_DOUBLE_EQ(of({}).mean(), 0.0);
  EXPECT_DOUBLE_EQ(of({2, 5}).mean(), 3.5);
}

}  // namespace
}  // namespace hyv::service
