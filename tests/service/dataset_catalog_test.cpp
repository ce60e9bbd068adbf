// DatasetCatalog over a MemoryStore: create/get/update/remove, filters, ratings and rank order.
#include "hyv/service/dataset_catalog.h"

#include <gtest/gtest.h>

#include "hyv/service/memory_store.h"

namespace hyv::service {
namespace {

DatasetManifest manifest(std::string id, DataType type, std::string model,
                         std::optional<double> quality, std::vector<std::string> tags = {},
                         int64_t created = 1000) {
  DatasetManifest m;
  m.id = std::move(id);
  m.name = "dataset " + m.id;
  m.type = type;
  m.model_id = std::move(model);
  m.model_sha256 = std::string(64, '0');
  m.params_json = R"({"n":1})";
  m.seed = 7;
  m.created_at_ms = created;
  m.finished_at_ms = created + 10;
  m.quality_score = quality;
  m.tags = std::move(tags);
  return m;
}

std::vector<std::string> ids(const Result<std::vector<DatasetEntry>>& r) {
  EXPECT_TRUE(r.ok()) << r.status().message();
  std::vector<std::string> out;
  if (r.ok()) {
    for (const DatasetEntry& e : r.value()) out.push_back(e.manifest.id);
  }
  return out;
}

TEST(DatasetCatalog, CreateGetUpdateRemove) {
  MemoryStore store;
  DatasetCatalog c(store);
  DatasetManifest m = manifest("a", DataType::kText, "gpt2", 0.5);
  ASSERT_TRUE(c.create(m).ok());
  Status dup = c.create(m);
  EXPECT_FALSE(dup.ok());
  EXPECT_NE(dup.message().find("already exists"), std::string::npos);

  auto got = c.get("a");
  ASSERT_TRUE(got.ok() && got.value().has_value());
  EXPECT_EQ(got.value()->name, "dataset a");
  EXPECT_EQ(got.value()->quality_score, 0.5);
  EXPECT_FALSE(c.get("missing").value().has_value());
  EXPECT_FALSE(c.get("a/b").ok());

  m.item_count = 42;
  ASSERT_TRUE(c.update(m).ok());
  EXPECT_EQ(c.get("a").value()->item_count, 42u);
  EXPECT_FALSE(c.update(manifest("nope", DataType::kText, "gpt2", 0.5)).ok());

  auto removed = c.remove("a");
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(removed.value());
  EXPECT_FALSE(c.remove("a").value());
  EXPECT_FALSE(c.get("a").value().has_value());
  EXPECT_EQ(store.size(), 0u);
}

TEST(DatasetCatalog, RefusesInvalidManifest) {
  MemoryStore store;
  DatasetCatalog c(store);
  DatasetManifest m = manifest("a", DataType::kText, "gpt2", 2.0);
  EXPECT_FALSE(c.create(m).ok());
  EXPECT_EQ(store.size(), 0u);
}

TEST(DatasetCatalog, FiltersByTypeModelTagAndQuality) {
  MemoryStore store;
  DatasetCatalog c(store);
  ASSERT_TRUE(c.create(manifest("t1", DataType::kText, "gpt2", 0.9, {"poems"})).ok());
  ASSERT_TRUE(c.create(manifest("t2", DataType::kText, "distil", 0.3, {"news", "poems"})).ok());
  ASSERT_TRUE(c.create(manifest("c1", DataType::kCode, "gpt2", std::nullopt)).ok());
  ASSERT_TRUE(c.create(manifest("b1", DataType::kTable, "copula", 0.7, {"news"})).ok());

  EXPECT_EQ(ids(c.list()), (std::vector<std::string>{"t1", "b1", "c1", "t2"}));
  DatasetFilter f;
  f.type = DataType::kText;
  EXPECT_EQ(ids(c.list(f)), (std::vector<std::string>{"t1", "t2"}));
  f = {};
  f.model_id = "gpt2";
  EXPECT_EQ(ids(c.list(f)), (std::vector<std::string>{"t1", "c1"}));
  f = {};
  f.tag = "news";
  EXPECT_EQ(ids(c.list(f)), (std::vector<std::string>{"b1", "t2"}));
  f = {};
  f.min_quality = 0.7;
  EXPECT_EQ(ids(c.list(f)), (std::vector<std::string>{"t1", "b1"})) << "0.7 itself passes";
  f.min_quality = 0.0;
  EXPECT_EQ(ids(c.list(f)), (std::vector<std::string>{"t1", "b1", "t2"}))
      << "no quality score never passes a quality filter";
  f = {};
  f.type = DataType::kText;
  f.tag = "poems";
  f.min_quality = 0.5;
  EXPECT_EQ(ids(c.list(f)), (std::vector<std::string>{"t1"}));
}

TEST(DatasetCatalog, TiesOrderNewerFirstThenById) {
  MemoryStore store;
  DatasetCatalog c(store);
  ASSERT_TRUE(c.create(manifest("b", DataType::kText, "m", 0.5, {}, 100)).ok());
  ASSERT_TRUE(c.create(manifest("a", DataType::kText, "m", 0.5, {}, 100)).ok());
  ASSERT_TRUE(c.create(manifest("z", DataType::kText, "m", 0.5, {}, 200)).ok());
  EXPECT_EQ(ids(c.list()), (std::vector<std::string>{"z", "a", "b"}));
}

TEST(DatasetCatalog, RatingOncePerUserReplaces) {
  MemoryStore store;
  DatasetCatalog c(store);
  ASSERT_TRUE(c.create(manifest("d", DataType::kText, "m", 0.8)).ok());
  EXPECT_FALSE(c.rating_of("d", "alice").value().has_value());
  ASSERT_TRUE(c.rate("d", "alice", 2, 1).ok());
  ASSERT_TRUE(c.rate("d", "alice", 5, 2).ok());
  ASSERT_TRUE(c.rate("d", "bob", 5, 3).ok());
  EXPECT_EQ(c.rating_of("d", "alice").value(), 5);
  RatingSummary s = c.ratings("d").value();
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.stars_sum, 10u);
  auto listed = c.list();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed.value().size(), 1u);
  EXPECT_DOUBLE_EQ(listed.value()[0].rank, 6.0 / 7.0);  // (5 * 0.8 + 1 + 1) / 7
  EXPECT_EQ(listed.value()[0].ratings.count, 2u);
}

TEST(DatasetCatalog, RefusesBadRatings) {
  MemoryStore store;
  DatasetCatalog c(store);
  ASSERT_TRUE(c.create(manifest("d", DataType::kText, "m", 0.8)).ok());
  EXPECT_FALSE(c.rate("d", "alice", 0, 1).ok());
  EXPECT_FALSE(c.rate("d", "alice", 6, 1).ok());
  EXPECT_FALSE(c.rate("d", "a/b", 3, 1).ok());
  EXPECT_FALSE(c.rate("missing", "alice", 3, 1).ok());
  EXPECT_EQ(c.ratings("d").value().count, 0u);
}

TEST(DatasetCatalog, RatingsChangeTheOrder) {
  MemoryStore store;
  DatasetCatalog c(store);
  ASSERT_TRUE(c.create(manifest("good", DataType::kText, "m", 0.8)).ok());
  ASSERT_TRUE(c.create(manifest("fair", DataType::kText, "m", 0.6)).ok());
  EXPECT_EQ(ids(c.list()), (std::vector<std::string>{"good", "fair"}));
  // good: (4 + 0 + 0) / 7 = 0.571; fair: (3 + 1 + 1) / 7 = 0.714
  for (const char* user : {"u1", "u2"}) {
    ASSERT_TRUE(c.rate("good", user, 1, 5).ok());
    ASSERT_TRUE(c.rate("fair", user, 5, 5).ok());
  }
  EXPECT_EQ(ids(c.list()), (std::vector<std::string>{"fair", "good"}));
}

TEST(DatasetCatalog, RemoveTakesRatingsAlongButNotOthers) {
  MemoryStore store;
  DatasetCatalog c(store);
  ASSERT_TRUE(c.create(manifest("d", DataType::kText, "m", 0.8)).ok());
  ASSERT_TRUE(c.create(manifest("d2", DataType::kText, "m", 0.8)).ok());
  ASSERT_TRUE(c.rate("d", "alice", 4, 1).ok());
  ASSERT_TRUE(c.rate("d2", "alice", 3, 1).ok());
  ASSERT_TRUE(c.remove("d").value());
  EXPECT_TRUE(store.list("rating/d/").value().empty());
  EXPECT_EQ(c.ratings("d2").value().count, 1u) << "d2 shares the prefix 'd' but not 'd/'";
  // A dataset created again under the same id starts without the old ratings.
  ASSERT_TRUE(c.create(manifest("d", DataType::kText, "m", 0.8)).ok());
  EXPECT_EQ(c.ratings("d").value().count, 0u);
}

TEST(DatasetCatalog, DamagedRecordsAreReportedWithTheirKey) {
  MemoryStore store;
  DatasetCatalog c(store);
  ASSERT_TRUE(c.create(manifest("d", DataType::kText, "m", 0.8)).ok());
  ASSERT_TRUE(store.put("rating/d/eve", "{\"stars\":9}").ok());
  Status st = c.ratings("d").status();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("rating/d/eve"), std::string::npos) << st.message();
  ASSERT_TRUE(store.remove("rating/d/eve").ok());
  ASSERT_TRUE(store.put("dataset/x", "{").ok());
  st = c.list().status();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("dataset/x"), std::string::npos) << st.message();
}

TEST(DatasetCatalog, FullStoreFailsCleanly) {
  MemoryStore store(600);
  DatasetCatalog c(store);
  ASSERT_TRUE(c.create(manifest("a", DataType::kText, "m", 0.8)).ok());
  size_t used = store.used_bytes();
  DatasetManifest big = manifest("b", DataType::kText, "m", 0.8);
  big.params_json = "{\"text\":\"" + std::string(600, 'x') + "\"}";
  EXPECT_FALSE(c.create(big).ok());
  EXPECT_EQ(store.used_bytes(), used);
  EXPECT_FALSE(c.get("b").value().has_value());
}

}  // namespace
}  // namespace hyv::service
