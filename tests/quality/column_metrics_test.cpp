// SDMetrics' single-column and pair metrics on tiny inputs whose scores are worked out by hand
// from the published formulas (comments show the arithmetic).
#include "hyv/quality/column_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace hyv::quality {
namespace {

const double NaN = std::nan("");

TEST(KSComplement, HandComputed) {
  // F_real at 1,2,3,4,5: .25 .5 .75 1 1; F_syn: .25 .75 .75 .75 1 -> max gap .25.
  std::vector<double> real = {1, 2, 3, 4}, syn = {1, 2, 2, 5};
  EXPECT_DOUBLE_EQ(ks_complement(real, syn), 0.75);
  // Missing values are ignored.
  std::vector<double> syn_missing = {1, NaN, 2, 2, 5, NaN};
  EXPECT_DOUBLE_EQ(ks_complement(real, syn_missing), 0.75);
  // Disjoint supports: gap 1.
  std::vector<double> far = {10, 11};
  EXPECT_DOUBLE_EQ(ks_complement(real, far), 0.0);
  EXPECT_DOUBLE_EQ(ks_complement(real, real), 1.0);
  std::vector<double> none = {NaN};
  EXPECT_TRUE(std::isnan(ks_complement(real, none)));
}

TEST(TVComplement, HandComputed) {
  // real a .5 b .25 c .25; syn a .25 b .5 d .25: |.25|+|.25|+|.25|+|.25| = 1, TV .5.
  std::vector<int32_t> real = {0, 0, 1, 2}, syn = {0, 1, 1, 3};
  EXPECT_DOUBLE_EQ(tv_complement(real, syn), 0.5);
  std::vector<int32_t> real_missing = {0, -1}, syn_one = {0};
  EXPECT_DOUBLE_EQ(tv_complement(real_missing, syn_one), 1.0);
}

TEST(CorrelationSimilarity, HandComputed) {
  std::vector<double> a = {1, 2, 3}, b = {1, 2, 3}, rev = {3, 2, 1}, mid = {1, 3, 2};
  auto r = correlation_similarity(a, b, a, rev);  // r = 1 vs -1
  EXPECT_DOUBLE_EQ(r.real, 1.0);
  EXPECT_DOUBLE_EQ(r.synthetic, -1.0);
  EXPECT_DOUBLE_EQ(r.score, 0.0);
  // (1,1),(2,3),(3,2): cov 0.5, var 1 each -> r = .5; score 1 - |1 - .5| / 2.
  r = correlation_similarity(a, b, a, mid);
  EXPECT_NEAR(r.synthetic, 0.5, 1e-15);
  EXPECT_NEAR(r.score, 0.75, 1e-15);
  // Rows with a missing value are left out; constant columns are undefined.
  std::vector<double> a_missing = {1, 2, 3, NaN}, b_missing = {1, 2, 3, 100};
  EXPECT_DOUBLE_EQ(pearson(a_missing, b_missing), 1.0);
  std::vector<double> constant = {2, 2, 2};
  EXPECT_TRUE(std::isnan(correlation_similarity(a, constant, a, b).score));
}

TEST(ContingencySimilarity, HandComputed) {
  // real: (x,p) .25 (x,q) .25 (y,p) .5; syn: (x,p) .5 (y,q) .25 (y,p) .25.
  // |.25-.5| + |.25-0| + |.5-.25| + |0-.25| = 1 -> 1 - 1/2.
  std::vector<int32_t> ra = {0, 0, 1, 1}, rb = {0, 1, 0, 0};
  std::vector<int32_t> sa = {0, 0, 1, 1}, sb = {0, 0, 1, 0};
  EXPECT_DOUBLE_EQ(contingency_similarity(ra, rb, sa, sb), 0.5);
  EXPECT_DOUBLE_EQ(contingency_similarity(ra, rb, ra, rb), 1.0);
  // Missing is a category: (x,missing) in real vs (x,p) in synthetic differ completely.
  std::vector<int32_t> one_x = {0}, missing = {-1}, p = {0};
  EXPECT_DOUBLE_EQ(contingency_similarity(one_x, missing, one_x, p), 0.0);
}

TEST(Discretize, NumpyHistogramEdgesAndDigitize) {
  std::vector<double> real = {0, 10, 3};
  auto edges = histogram_edges(real, 10);
  ASSERT_EQ(edges.size(), 11u);
  EXPECT_DOUBLE_EQ(edges[0], 0);
  EXPECT_DOUBLE_EQ(edges[5], 5);
  EXPECT_DOUBLE_EQ(edges[10], 10);
  std::vector<double> v = {-1, 0, 0.5, 9.99, 10, 11, NaN};
  EXPECT_EQ(digitize(v, edges), (std::vector<int32_t>{0, 1, 1, 10, 11, 11, -1}));
  // A constant column: numpy widens the range to [x - .5, x + .5].
  std::vector<double> constant = {4, 4};
  auto e = histogram_edges(constant, 10);
  EXPECT_DOUBLE_EQ(e.front(), 3.5);
  EXPECT_DOUBLE_EQ(e.back(), 4.5);
}

TEST(BoundaryAdherence, HandComputed) {
  std::vector<double> real = {0, 10}, syn = {5, 11, -1, NaN};
  EXPECT_DOUBLE_EQ(boundary_adherence(real, syn), 1.0 / 3);
  // One unparseable synthetic cell counts as out of bounds.
  EXPECT_DOUBLE_EQ(boundary_adherence(real, syn, 1), 1.0 / 4);
}

TEST(CategoryAdherence, HandComputed) {
  std::vector<int32_t> real = {0, 1}, syn = {0, 2, -1, 1};
  EXPECT_DOUBLE_EQ(category_adherence(real, syn), 0.5);
  std::vector<int32_t> real_missing = {0, -1}, syn2 = {0, -1, 2};
  EXPECT_DOUBLE_EQ(category_adherence(real_missing, syn2), 2.0 / 3);
}

TEST(KeyUniqueness, HandComputed) {
  std::vector<int32_t> keys = {1, 2, 2, -1};  // the second 2 and the missing one are bad
  EXPECT_DOUBLE_EQ(key_uniqueness(keys), 0.5);
  std::vector<int32_t> unique = {5, 6, 7};
  EXPECT_DOUBLE_EQ(key_uniqueness(unique), 1.0);
}

}  // namespace
}  // namespace hyv::quality
