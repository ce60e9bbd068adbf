// Table runs: schema-driven (examples/shop.json, a one-column schema) and learned from a sample.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>

#include "hyv/service/generation_params.h"
#include "run_test_util.h"

namespace hyv::service {
namespace {

using testing::read_repo_file;
using testing::run_to_end;

size_t count_lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::string schema_params(const std::string& schema, int rows, int seed) {
  return R"({"mode":"schema","schema":)" + schema + R"(,"rows":)" + std::to_string(rows) +
         R"(,"seed":)" + std::to_string(seed) + "}";
}

void expect_sums_to_one(const rapidjson::Value& freqs, const std::string& what) {
  ASSERT_TRUE(freqs.IsArray()) << what;
  double sum = 0;
  for (auto& f : freqs.GetArray()) sum += f.GetDouble();
  EXPECT_NEAR(sum, 1.0, 1e-9) << what;
}

TEST(SchemaRun, ShopTablesAreValidAndStepSizeFree) {
  std::string params = schema_params(read_repo_file("examples/shop.json"), 30, 3);
  auto a = run_to_end(DataType::kTable, params, nullptr, 1);
  auto b = run_to_end(DataType::kTable, params, nullptr, 7);
  auto c = run_to_end(DataType::kTable, params, nullptr, 100000);
  ASSERT_TRUE(a->run && b->run && c->run);
  EXPECT_EQ(a->tables.order,
            (std::vector<std::string>{"products", "customers", "orders", "order_lines"}));
  EXPECT_EQ(a->tables.bytes, b->tables.bytes);
  EXPECT_EQ(a->tables.bytes, c->tables.bytes);
  const GenerationRun& run = *a->run;
  uint64_t total = 0;
  for (const DatasetTable& t : run.tables()) {
    EXPECT_EQ(t.rows, count_lines(a->tables.bytes[t.name])) << t.name;
    EXPECT_EQ(t.size_bytes, a->tables.bytes[t.name].size()) << t.name;
    total += t.rows;
  }
  EXPECT_EQ(run.tables()[0].rows, 30u);
  EXPECT_EQ(run.tables()[1].rows, 30u);
  EXPECT_EQ(run.item_count(), total);
  EXPECT_EQ(run.progress().items_total, total) << "every row of every table";
  EXPECT_EQ(run.progress().items_done, total);
  EXPECT_EQ(run.model_id(), "schema");
  ASSERT_TRUE(run.quality_score());
  EXPECT_DOUBLE_EQ(*run.quality_score(), 1.0) << run.quality_report_json();
  rapidjson::Document report;
  report.Parse(run.quality_report_json().c_str());
  ASSERT_TRUE(report.IsObject());
  EXPECT_TRUE(report["valid"].GetBool());
  EXPECT_EQ(report["tables"].Size(), 4u);
  ASSERT_TRUE(report.HasMember("charts"));
  EXPECT_FALSE(report["charts"]["correlation"].HasMember("real")) << "no real data in schema mode";
}

TEST(SchemaRun, RowsOverrideAndChartsOfOneColumn) {
  std::string schema =
      R"({"tables":[{"name":"dice","rows":3,"columns":[{"name":"roll","type":"integer","min":1,"max":6},)"
      R"({"name":"colour","type":"categorical","values":["red","green","blue"]}]}]})";
  auto out = run_to_end(DataType::kTable, schema_params(schema, 600, 9), nullptr, 250);
  ASSERT_TRUE(out->run);
  EXPECT_EQ(count_lines(out->tables.bytes["dice"]), 600u);
  rapidjson::Document report;
  report.Parse(out->run->quality_report_json().c_str());
  const rapidjson::Value& columns = report["charts"]["columns"];
  ASSERT_EQ(columns.Size(), 2u) << out->run->quality_report_json();
  EXPECT_STREQ(columns[0]["name"].GetString(), "roll");
  EXPECT_STREQ(columns[0]["kind"].GetString(), "numeric");
  EXPECT_FALSE(columns[0].HasMember("real"));
  EXPECT_LE(columns[0]["bins"].Size(), 20u);
  EXPECT_STREQ(columns[0]["bins"][0].GetString(), "1-1.25");
  expect_sums_to_one(columns[0]["synthetic"], "roll");
  EXPECT_STREQ(columns[1]["kind"].GetString(), "categorical");
  EXPECT_EQ(columns[1]["categories"].Size(), 3u);
  expect_sums_to_one(columns[1]["synthetic"], "colour");
  // Each colour is drawn a third of the time: 600 rows put every share near 1/3.
  for (auto& f : columns[1]["synthetic"].GetArray()) EXPECT_NEAR(f.GetDouble(), 1.0 / 3, 0.08);
}

TEST(SchemaRun, BadSchemaNamesTheField) {
  RunContext ctx;
  testing::CollectedTables tables;
  ctx.open_table = tables.opener();
  auto run = GenerationRun::create(
      DataType::kTable,
      R"({"mode":"schema","schema":{"tables":[{"name":"t","columns":[{"name":"x","type":"nope"}]}]}})",
      std::move(ctx));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(run.status().message().rfind("params.schema: ", 0), 0u) << run.status().message();
}

// Issue 17: nested rows_per_parent asked for 10^18 rows past the 10^6-row limit (524 MB written
// while progress said 1/1). The total, children at their maximum, is refused at submit time
// (parse_table_params) and by the run, naming the table and the total.
TEST(SchemaRun, RowTotalsOverTheLimitAreRefused) {
  std::string nested = R"({"tables":[{"name":"a","columns":[{"name":"id","type":"id"}]},)"
                       R"({"name":"b","parent":"a","rows_per_parent":{"min":1000,"max":1000},)"
                       R"("columns":[{"name":"x","type":"id"}]},)"
                       R"({"name":"c","parent":"b","rows_per_parent":{"min":0,"max":1000},)"
                       R"("columns":[{"name":"x","type":"id"}]}]})";
  std::string params = schema_params(nested, 1, 1);
  auto parsed = parse_table_params(params, 1);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(),
            "params.schema: tables[2] (\"c\"): up to 1000000 rows (rows_per_parent max 1000 for "
            "each of up to 1000 rows of \"b\"), so up to 1001001 rows in all tables together, "
            "over the limit of 1000000 rows per run; lower the row counts or rows_per_parent max "
            "(params.rows: 1 per top-level table)");
  // A job posted with it fails at creation, with the same message.
  RunContext ctx;
  testing::CollectedTables tables;
  ctx.open_table = tables.opener();
  auto run = GenerationRun::create(DataType::kTable, params, std::move(ctx));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().message(), parsed.status().message());
  // Within the limit, progress counts the child rows.
  std::string small = R"({"tables":[{"name":"a","columns":[{"name":"id","type":"id"}]},)"
                      R"({"name":"b","parent":"a","rows_per_parent":{"min":3,"max":3},)"
                      R"("columns":[{"name":"x","type":"id"}]}]})";
  auto out = run_to_end(DataType::kTable, schema_params(small, 50, 2), nullptr, 30);
  ASSERT_TRUE(out->run);
  ASSERT_FALSE(out->steps.empty());
  EXPECT_EQ(out->steps.front().items_done, 30u);
  EXPECT_EQ(out->steps.front().items_total, 200u);
  EXPECT_EQ(out->run->progress().items_total, 200u);
  EXPECT_EQ(out->run->progress().items_done, 200u);
  EXPECT_TRUE(parse_table_params(schema_params(small, 250000, 2), 1).ok()) << "10^6 rows in all";
  EXPECT_FALSE(parse_table_params(schema_params(small, 250001, 2), 1).ok());
}

// 200 rows: age 20..69, income rising with age, a city and a yes/no flag.
std::string sample_csv() {
  std::string csv = "age,income,city,member\n";
  for (int i = 0; i < 200; ++i) {
    int age = 20 + (i * 37) % 50;
    int income = age * 1000 + ((i * 7919) % 5000);
    const char* city = i % 5 == 0 ? "Oslo" : (i % 2 ? "Lima" : "Pune");
    csv += std::to_string(age) + "," + std::to_string(income) + "," + city + "," +
           (i % 3 ? "yes" : "no") + "\n";
  }
  return csv;
}

std::string learned_params(int rows, const std::string& csv = sample_csv()) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("mode");
  w.String("learned");
  w.Key("sample_csv");
  w.String(csv.c_str());
  w.Key("rows");
  w.Int(rows);
  w.Key("seed");
  w.String("12");
  w.EndObject();
  return b.GetString();
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= x.size(), my /= y.size();
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx),
        syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

TEST(LearnedRun, SamplesTypedRowsAndScoresThemAgainstTheSample) {
  auto a = run_to_end(DataType::kTable, learned_params(300), nullptr, 64);
  auto b = run_to_end(DataType::kTable, learned_params(300), nullptr, 1000);
  ASSERT_TRUE(a->run && b->run);
  EXPECT_EQ(a->tables.order, std::vector<std::string>{"data"});
  EXPECT_EQ(a->tables.bytes, b->tables.bytes);
  const std::string& data = a->tables.bytes["data"];
  EXPECT_EQ(count_lines(data), 300u);
  rapidjson::Document first;
  first.Parse(data.substr(0, data.find('\n')).c_str());
  ASSERT_TRUE(first.IsObject());
  EXPECT_TRUE(first["age"].IsInt64());
  EXPECT_TRUE(first["member"].IsBool()) << "yes/no is a boolean column, written as true/false";
  EXPECT_TRUE(first["city"].IsString());
  EXPECT_EQ(a->run->tables()[0].columns,
            (std::vector<std::string>{"age", "income", "city", "member"}));
  EXPECT_EQ(a->run->model_id(), "gaussian-copula");

  ASSERT_TRUE(a->run->quality_score());
  double score = *a->run->quality_score();
  EXPECT_GT(score, 0.5);
  EXPECT_LE(score, 1.0);
  rapidjson::Document report;
  report.Parse(a->run->quality_report_json().c_str());
  ASSERT_TRUE(report.IsObject());
  EXPECT_DOUBLE_EQ(report["score"].GetDouble(), score);
  const rapidjson::Value& charts = report["charts"];
  for (auto& column : charts["columns"].GetArray()) {
    expect_sums_to_one(column["real"], column["name"].GetString());
    expect_sums_to_one(column["synthetic"], column["name"].GetString());
  }
  const rapidjson::Value& corr = charts["correlation"];
  ASSERT_EQ(corr["columns"].Size(), 2u);
  std::vector<double> age, income;
  std::string csv = sample_csv();
  for (size_t pos = csv.find('\n') + 1; pos < csv.size(); pos = csv.find('\n', pos) + 1) {
    age.push_back(std::stod(csv.substr(pos)));
    income.push_back(std::stod(csv.substr(csv.find(',', pos) + 1)));
  }
  EXPECT_NEAR(corr["real"][0][1].GetDouble(), pearson(age, income), 1e-9);
  EXPECT_DOUBLE_EQ(corr["real"][0][0].GetDouble(), 1.0);
  EXPECT_GT(corr["synthetic"][0][1].GetDouble(), 0.8) << "the copula keeps the strong link";
}

TEST(LearnedRun, QualityLooksAtTheFirstRowsOfALargeRun) {
  uint64_t rows = kQualityRows + 50;
  auto a = run_to_end(DataType::kTable, learned_params(static_cast<int>(rows)), nullptr, 4000);
  auto b = run_to_end(DataType::kTable, learned_params(static_cast<int>(rows)), nullptr, 1 << 20);
  ASSERT_TRUE(a->run && b->run);
  EXPECT_EQ(count_lines(a->tables.bytes["data"]), rows);
  EXPECT_EQ(a->tables.bytes, b->tables.bytes);
  rapidjson::Document report;
  report.Parse(a->run->quality_report_json().c_str());
  ASSERT_TRUE(report.IsObject());
  EXPECT_EQ(report["rows"]["synthetic"].GetUint64(), kQualityRows);
  EXPECT_EQ(report["rows"]["real"].GetUint64(), 200u);
}

TEST(LearnedRun, MetadataOverridesTheInferredTypes) {
  std::string params = learned_params(50);
  params.insert(params.size() - 1,
                R"(,"metadata":{"columns":{"member":{"sdtype":"categorical"}}})");
  auto out = run_to_end(DataType::kTable, params, nullptr, 100);
  ASSERT_TRUE(out->run);
  const std::string& data = out->tables.bytes["data"];
  rapidjson::Document first;
  first.Parse(data.substr(0, data.find('\n')).c_str());
  ASSERT_TRUE(first.IsObject());
  ASSERT_TRUE(first["member"].IsString()) << "a categorical column keeps its spelling";
  std::string member = first["member"].GetString();
  EXPECT_TRUE(member == "yes" || member == "no") << member;
  EXPECT_NE(out->run->canonical_params_json().find(R"("metadata":{"columns")"), std::string::npos);
}

// A studio upload from a spreadsheet: ';' between fields, decimal commas, apostrophe-free quotes.
TEST(LearnedRun, SemicolonSampleWithDecimalCommasIsSniffed) {
  std::string csv = sample_csv();
  for (char& c : csv)
    if (c == ',') c = ';';
  // "income;city" -> "income,5;city": every income gets a decimal comma.
  for (size_t pos = csv.find(';', csv.find('\n')); pos != std::string::npos;) {
    pos = csv.find(';', pos + 1);
    if (pos == std::string::npos) break;
    csv.insert(pos, ",5");
    pos = csv.find('\n', pos);
    if (pos != std::string::npos) pos = csv.find(';', pos);
  }
  ASSERT_NE(csv.find("\n20;20000,5;Oslo;no\n"), std::string::npos) << csv.substr(0, 80);
  auto out = run_to_end(DataType::kTable, learned_params(40, csv), nullptr, 100);
  ASSERT_TRUE(out->run);
  EXPECT_EQ(out->run->tables()[0].columns,
            (std::vector<std::string>{"age", "income", "city", "member"}));
  const std::string& data = out->tables.bytes["data"];
  rapidjson::Document first;
  first.Parse(data.substr(0, data.find('\n')).c_str());
  ASSERT_TRUE(first.IsObject());
  EXPECT_TRUE(first["income"].IsNumber()) << "decimal commas read as numbers";
  EXPECT_TRUE(first["member"].IsBool());
}

TEST(LearnedRun, BrokenSampleNamesTheField) {
  RunContext ctx;
  testing::CollectedTables tables;
  ctx.open_table = tables.opener();
  auto run = GenerationRun::create(
      DataType::kTable, R"({"mode":"learned","sample_csv":"a,b\n1,2,3\n"})", std::move(ctx));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(run.status().message().rfind("params.sample_csv: ", 0), 0u) << run.status().message();
}

}  // namespace
}  // namespace hyv::service
