// The "charts" object of table quality reports: bins, categories, frequencies, correlations.
#include "hyv/service/table_charts.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "hyv/synth/column_types.h"
#include "hyv/synth/csv_table.h"

namespace hyv::service {
namespace {

rapidjson::Document charts_of(const std::string& real_csv, const std::string& synthetic_csv) {
  // An empty synthetic_csv: the real table alone (as in schema mode).
  auto real = synth::parse_csv_table(real_csv, "real.csv");
  auto synthetic = synth::parse_csv_table(synthetic_csv.empty() ? real_csv : synthetic_csv);
  EXPECT_TRUE(real.ok() && synthetic.ok());
  auto types = synth::infer_column_types(real.value(), {});
  EXPECT_TRUE(types.ok());
  std::vector<const synth::CsvTable*> tables = {&real.value(), &synthetic.value()};
  if (synthetic_csv.empty()) tables.pop_back();
  auto typed = quality::type_tables(tables, types.value());
  EXPECT_TRUE(typed.ok()) << typed.status().message();
  rapidjson::Document d;
  d.Parse(table_charts_json(typed.value()).c_str());
  EXPECT_TRUE(d.IsObject());
  return d;
}

double sum(const rapidjson::Value& a) {
  double s = 0;
  for (auto& v : a.GetArray()) s += v.GetDouble();
  return s;
}

TEST(TableCharts, NumericBinsOverTheRealRange) {
  std::string real = "x\n0\n10\n20\n30\n40\n", synthetic = "x\n-5\n0\n39\n55\n";
  auto d = charts_of(real, synthetic);
  const auto& c = d["columns"][0];
  EXPECT_STREQ(c["kind"].GetString(), "numeric");
  ASSERT_EQ(c["bins"].Size(), 20u);
  EXPECT_STREQ(c["bins"][0].GetString(), "0-2");
  EXPECT_STREQ(c["bins"][19].GetString(), "38-40");
  EXPECT_DOUBLE_EQ(c["real"][0].GetDouble(), 0.2);
  EXPECT_DOUBLE_EQ(c["real"][19].GetDouble(), 0.2) << "the maximum falls in the last bin";
  EXPECT_DOUBLE_EQ(c["synthetic"][0].GetDouble(), 0.5) << "-5 and 0: below the range goes first";
  EXPECT_DOUBLE_EQ(c["synthetic"][19].GetDouble(), 0.5) << "39 and 55";
  EXPECT_NEAR(sum(c["real"]), 1, 1e-12);
  EXPECT_NEAR(sum(c["synthetic"]), 1, 1e-12);
}

TEST(TableCharts, CategoriesBeyondTwentyBecomeOther) {
  std::string real = "c\n", synthetic = "c\n";
  for (int k = 0; k < 25; ++k) {
    for (int r = 0; r <= k; ++r) real += "cat" + std::to_string(k) + "\n";
  }
  synthetic += "cat24\ncat0\nnew\n";
  auto d = charts_of(real, synthetic);
  const auto& c = d["columns"][0];
  EXPECT_STREQ(c["kind"].GetString(), "categorical");
  ASSERT_EQ(c["categories"].Size(), 21u);
  EXPECT_STREQ(c["categories"][0].GetString(), "cat24") << "most frequent first";
  EXPECT_STREQ(c["categories"][20].GetString(), "other");
  // cat0..cat4 (1+2+3+4+5 = 15 of 325 rows) are the real data's "other".
  EXPECT_NEAR(c["real"][20].GetDouble(), 15.0 / 325, 1e-12);
  EXPECT_NEAR(c["synthetic"][20].GetDouble(), 2.0 / 3, 1e-12) << "cat0 and an unseen value";
  EXPECT_NEAR(sum(c["real"]), 1, 1e-12);
  EXPECT_NEAR(sum(c["synthetic"]), 1, 1e-12);
}

TEST(TableCharts, CorrelationOfNumericColumns) {
  std::string real =
      "a,b,k\n1,2,5\n2,4,5\n3,6,5\n4,8,5\n5,10,5\n6,12,5\n7,14,5\n8,16,5\n9,18,5\n10,20,5\n";
  std::string synthetic =
      "a,b,k\n1,20,1\n2,18,2\n3,16,3\n4,14,4\n5,12,5\n6,10,6\n7,8,7\n8,6,8\n9,4,9\n10,2,1\n";
  auto d = charts_of(real, synthetic);
  const auto& corr = d["correlation"];
  ASSERT_EQ(corr["columns"].Size(), 3u);
  EXPECT_NEAR(corr["real"][0][1].GetDouble(), 1.0, 1e-12);
  EXPECT_NEAR(corr["synthetic"][0][1].GetDouble(), -1.0, 1e-12);
  EXPECT_TRUE(corr["real"][0][2].IsNull()) << "a constant column has no correlation";
  EXPECT_EQ(corr["real"].Size(), 3u);
}

TEST(TableCharts, SyntheticOnlyLeavesRealOut) {
  auto d = charts_of("x,c\n1,a\n2,b\n3,a\n", "");
  for (auto& c : d["columns"].GetArray()) {
    EXPECT_FALSE(c.HasMember("real"));
    EXPECT_NEAR(sum(c["synthetic"]), 1, 1e-12);
  }
  EXPECT_FALSE(d["correlation"].HasMember("real"));
}

TEST(TableCharts, AddsChartsToAReport) {
  auto r = add_charts_to_report(R"({"score":0.5,"charts":1})", R"({"columns":[]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), R"({"score":0.5,"charts":{"columns":[]}})");
  EXPECT_FALSE(add_charts_to_report("[]", "{}").ok());
}

}  // namespace
}  // namespace hyv::service
