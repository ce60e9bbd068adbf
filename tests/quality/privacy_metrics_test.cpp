// DCR-based privacy metrics and NewRowSynthesis on tables small enough to check by hand.
#include "hyv/quality/privacy_metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hyv/synth/column_types.h"

namespace hyv::quality {
namespace {

struct Tables {
  std::vector<synth::CsvTable> csv;
  TypedTables typed;
};

Tables typed(std::vector<std::string> csv_texts) {
  Tables t;
  for (auto& text : csv_texts) t.csv.push_back(synth::parse_csv_table(text, "t.csv").value());
  auto types = synth::infer_column_types(t.csv[0], {});
  EXPECT_TRUE(types.ok());
  std::vector<const synth::CsvTable*> ptrs;
  for (const auto& c : t.csv) ptrs.push_back(&c);
  auto r = type_tables(ptrs, types.value());
  EXPECT_TRUE(r.ok()) << r.status().message();
  t.typed = std::move(r).value();
  return t;
}

TEST(DcrBaselineProtection, DistanceIsRangeScaled) {
  // SDMetrics' own example: real A = 0, 10, 3, 4, 1 (range 10); the synthetic 5 is 1 from 4.
  auto t = typed({"A\n0\n10\n3\n4\n1\n", "A\n5\n"});
  auto r = dcr_baseline_protection(t.typed, {});
  EXPECT_DOUBLE_EQ(r.median_synthetic, 0.1);
  EXPECT_GT(r.median_random, 0);
  EXPECT_DOUBLE_EQ(r.score, std::min(1.0, 0.1 / r.median_random));
  EXPECT_EQ(r.synthetic_rows, 1u);
}

TEST(DcrBaselineProtection, MixedColumnsAndCopies) {
  // Row distance is the mean over columns: (5,a) to (0,a) = (.5 + 0)/2, to (10,b) = (.5 + 1)/2.
  auto t = typed({"n,c\n0,a\n10,b\n", "n,c\n5,a\n"});
  EXPECT_DOUBLE_EQ(dcr_baseline_protection(t.typed, {}).median_synthetic, 0.25);
  // A synthetic table that copies the real rows has DCR 0, so no protection.
  auto copy = typed({"n,c\n0,a\n10,b\n3,a\n", "n,c\n0,a\n10,b\n3,a\n"});
  auto r = dcr_baseline_protection(copy.typed, {});
  EXPECT_DOUBLE_EQ(r.median_synthetic, 0.0);
  EXPECT_DOUBLE_EQ(r.score, 0.0);
}

TEST(DcrOverfittingProtection, HandComputed) {
  // Train 0, 10 (range 10), holdout 5, 10. Synthetic 1 -> .1 vs .4 (closer to train),
  // 6 -> .4 vs .1, 9 -> .1 vs .1 (a tie is not closer). p = 1/3, score min(1, 2 * 2/3) = 1.
  auto t = typed({"A\n0\n10\n", "A\n1\n6\n9\n", "A\n5\n10\n"});
  auto r = dcr_overfitting_protection(t.typed, {});
  EXPECT_DOUBLE_EQ(r.closer_to_training, 1.0 / 3);
  EXPECT_DOUBLE_EQ(r.score, 1.0);
  // All synthetic rows hug the training rows: p = 1, score 0.
  auto o = typed({"A\n0\n10\n", "A\n0.5\n1\n9.5\n", "A\n5\n6\n"});
  r = dcr_overfitting_protection(o.typed, {});
  EXPECT_DOUBLE_EQ(r.closer_to_training, 1.0);
  EXPECT_DOUBLE_EQ(r.score, 0.0);
  // Three quarters closer: score 2 * 1/4.
  auto q = typed({"A\n0\n10\n", "A\n0.5\n1\n9.5\n5\n", "A\n5\n6\n"});
  EXPECT_DOUBLE_EQ(dcr_overfitting_protection(q.typed, {}).score, 0.5);
}

TEST(NewRowSynthesis, ToleranceAndMissing) {
  // 1.005 is within 1% of itself from 1.00: a copy. 1.02 is not (|1.02 - 1| > .0102);
  // (2, a) differs in the category; a missing number matches only a missing one.
  auto t = typed({"x,c\n1.00,a\n2.00,b\n,b\n", "x,c\n1.005,a\n1.02,a\n2,a\n,a\n,b\n"});
  auto r = new_row_synthesis(t.typed, {});
  EXPECT_EQ(r.matched_rows, 2u);  // (1.005, a) and (missing, b)
  EXPECT_EQ(r.new_rows, 3u);
  EXPECT_DOUBLE_EQ(r.score, 3.0 / 5);
}

TEST(PrivacyMetrics, IdAndTextColumnsAreLeftOut) {
  // The id column differs in every row; without it the rows are copies.
  std::string real = "id,v\n", syn = "id,v\n";
  for (int i = 0; i < 30; ++i) {
    real += std::to_string(1000 + i) + "," + std::to_string(i % 3) + "\n";
    syn += std::to_string(5000 + i) + "," + std::to_string(i % 3) + "\n";
  }
  auto t = typed({real, syn});
  EXPECT_DOUBLE_EQ(new_row_synthesis(t.typed, {}).score, 0.0);
  EXPECT_DOUBLE_EQ(dcr_baseline_protection(t.typed, {}).median_synthetic, 0.0);
}

}  // namespace
}  // namespace hyv::quality
