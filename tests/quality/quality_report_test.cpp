// The report's averages (SDMetrics' property and overall scores) on a table worked out by hand.
#include "hyv/quality/quality_report.h"

#include <gtest/gtest.h>

#include <string>

namespace hyv::quality {
namespace {

QualityReport report_of(const std::string& real_csv, const std::string& syn_csv) {
  auto real = synth::parse_csv_table(real_csv, "real.csv").value();
  auto syn = synth::parse_csv_table(syn_csv, "syn.csv").value();
  auto types = synth::infer_column_types(real, {}).value();
  const synth::CsvTable* tables[] = {&real, &syn};
  auto typed = type_tables(tables, types);
  EXPECT_TRUE(typed.ok());
  QualityReportOptions o;
  o.privacy = false;
  return build_quality_report(typed.value(), o);
}

TEST(QualityReport, PropertiesAndOverallAreMeansOfTheMetrics) {
  // n: KSComplement .75 (see column_metrics_test). c: a .5/.5 vs .25/.75 -> TVComplement .75.
  // Pair (n, c): n cut at the real edges 1, 1.3, ..., 4 -> bins 1, 4, 7, 11 (real) and
  // 1, 4, 4, 11 (synthetic); joint shares differ by .25 + .25 + .5 -> ContingencySimilarity .5.
  auto r = report_of("n,c\n1,a\n2,a\n3,b\n4,b\n", "n,c\n1,a\n2,b\n2,b\n5,b\n");
  ASSERT_EQ(r.shapes.size(), 2u);
  EXPECT_DOUBLE_EQ(r.shapes[0].score, 0.75);
  EXPECT_DOUBLE_EQ(r.shapes[1].score, 0.75);
  ASSERT_EQ(r.pairs.size(), 1u);
  EXPECT_EQ(r.pairs[0].metric, "ContingencySimilarity");
  EXPECT_DOUBLE_EQ(r.pairs[0].score, 0.5);
  EXPECT_DOUBLE_EQ(r.column_shapes, 0.75);
  EXPECT_DOUBLE_EQ(r.column_pair_trends, 0.5);
  EXPECT_DOUBLE_EQ(r.overall, 0.625);
  // Validity: 5 is outside [1, 4] -> BoundaryAdherence 3/4; every category is known -> 1.
  EXPECT_DOUBLE_EQ(r.data_validity, 0.875);
  EXPECT_DOUBLE_EQ(r.data_structure, 1.0);
  EXPECT_DOUBLE_EQ(r.diagnostic, 0.9375);
}

TEST(QualityReport, MissingAndExtraColumns) {
  auto r = report_of("n,c\n1,a\n2,b\n", "n,z\n1,q\n2,q\n");
  EXPECT_EQ(r.missing_columns, std::vector<std::string>{"c"});
  EXPECT_EQ(r.extra_columns, std::vector<std::string>{"z"});
  EXPECT_DOUBLE_EQ(r.data_structure, 1.0 / 3);  // n in both; n, c, z in either
  EXPECT_DOUBLE_EQ(r.shapes[1].score, 0.0);     // a missing column scores 0
}

TEST(QualityReport, IdenticalDataScoresOneAndJsonHasEveryPair) {
  std::string csv = "a,b,c,d\n";
  for (int i = 0; i < 50; ++i) {
    csv += std::to_string(i) + "," + std::to_string(i * i % 17) + "," + (i % 3 ? "x" : "y") +
           ",2024-01-" + (i % 28 < 9 ? "0" : "") + std::to_string(i % 28 + 1) + "\n";
  }
  auto r = report_of(csv, csv);
  EXPECT_DOUBLE_EQ(r.overall, 1.0);
  EXPECT_DOUBLE_EQ(r.diagnostic, 1.0);
  EXPECT_EQ(r.pairs.size(), 6u);
  std::string json = quality_report_json(r);
  EXPECT_NE(json.find("\"Column Pair Trends\": 1.0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"column_1\": \"c\""), std::string::npos);
  std::string text = quality_report_text(r);
  EXPECT_NE(text.find("100.0%"), std::string::npos);
}

// Issue 17: with no column in common, DCR over zero columns called every row a copy of a real one.
TEST(QualityReport, TablesSharingNoColumnAreRefusedNamingBothColumnLists) {
  auto real = synth::parse_csv_table("a,b\n1,x\n2,y\n", "real.csv").value();
  auto syn = synth::parse_csv_table("c,d\n1,x\n2,y\n", "syn.csv").value();
  auto types = synth::infer_column_types(real, {}).value();
  const synth::CsvTable* tables[] = {&real, &syn};
  auto typed = type_tables(tables, types);
  ASSERT_FALSE(typed.ok());
  EXPECT_EQ(typed.status().message(),
            "syn.csv shares no column with real.csv (real.csv: a, b; syn.csv: c, d); scores "
            "compare columns of the same name");
}

}  // namespace
}  // namespace hyv::quality
