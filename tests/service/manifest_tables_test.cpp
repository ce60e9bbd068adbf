// The "tables" list of dataset manifests: round trip, optional on reading, validation.
#include <gtest/gtest.h>

#include "hyv/service/dataset_manifest.h"

namespace hyv::service {
namespace {

DatasetManifest with_tables() {
  DatasetManifest m;
  m.id = "ds-1";
  m.name = "Shop";
  m.type = DataType::kTable;
  m.model_id = "schema";
  m.model_sha256 = std::string(64, 'c');
  m.tables = {{"customers", {"customer_id", "name"}, 30, 1200},
              {"orders", {"order_id", "customer_id"}, 75, 4000}};
  return m;
}

TEST(ManifestTables, RoundTrip) {
  DatasetManifest m = with_tables();
  std::string json = dataset_manifest_to_json(m);
  EXPECT_NE(
      json.find(
          R"("tables":[{"name":"customers","columns":["customer_id","name"],"rows":30,"size_bytes":1200},)"),
      std::string::npos)
      << json;
  auto back = dataset_manifest_from_json(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back.value().tables.size(), 2u);
  EXPECT_EQ(back.value().tables[1].name, "orders");
  EXPECT_EQ(back.value().tables[1].columns, (std::vector<std::string>{"order_id", "customer_id"}));
  EXPECT_EQ(back.value().tables[1].rows, 75u);
  EXPECT_EQ(back.value().tables[1].size_bytes, 4000u);
  EXPECT_EQ(dataset_manifest_to_json(back.value()), json);
}

TEST(ManifestTables, AbsentMeansNone) {
  DatasetManifest m = with_tables();
  m.tables.clear();
  std::string json = dataset_manifest_to_json(m);
  std::string without = json.substr(0, json.find(",\"tables\":[]")) + "}";
  auto back = dataset_manifest_from_json(without);
  ASSERT_TRUE(back.ok()) << back.status().message() << "\n" << without;
  EXPECT_TRUE(back.value().tables.empty());
}

TEST(ManifestTables, TableNamesBecomeFileNames) {
  DatasetManifest m = with_tables();
  m.tables[0].name = "../etc";
  EXPECT_NE(validate_manifest(m).message().find("tables"), std::string::npos);
  m.tables[0].name = "orders";
  EXPECT_NE(validate_manifest(m).message().find("twice"), std::string::npos);
}

TEST(ManifestTables, UnknownTableFieldIsRefused) {
  std::string json = dataset_manifest_to_json(with_tables());
  json.replace(json.find("\"rows\":30"), 9, "\"rowz\":30");
  auto back = dataset_manifest_from_json(json);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("rowz"), std::string::npos) << back.status().message();
}

}  // namespace
}  // namespace hyv::service
