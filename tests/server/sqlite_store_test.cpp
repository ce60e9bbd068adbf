// SqliteStore keeps the Store invariants of store.h (the shared conformance suite, run on a real
// file in WAL mode), and what only a durable store must: data survives reopening, and a batch
// that fails half-way leaves the file as it was.
#include "studio/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../service/store_conformance.h"
#include "scratch_dir.h"

namespace hyv::service {
namespace {

namespace fs = std::filesystem;

using studio::SqliteStore;

std::string fresh_db_path() {
  return (fs::path(fresh_scratch_dir("hyv-sqlite-test")) / "hyv.sqlite").string();
}

std::unique_ptr<Store> open_store(const std::string& path) {
  auto r = SqliteStore::open(path);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::unique_ptr<Store>(std::move(r).value()) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance, ::testing::Values(StoreFactory([] {
                           return open_store(fresh_db_path());
                         })),
                         [](const auto&) { return std::string("File"); });

TEST(SqliteStore, DataSurvivesReopening) {
  std::string path = fresh_db_path();
  {
    auto s = open_store(path);
    ASSERT_TRUE(
        s->apply({StoreOp::Put("job/a", "1"), StoreOp::Put("job/b", std::string("\0x", 2))}).ok());
  }
  auto s = open_store(path);
  EXPECT_EQ(store_get(*s, "job/a"), "1");
  EXPECT_EQ(store_get(*s, "job/b"), std::string("\0x", 2));
  EXPECT_EQ(s->list("job/").value().size(), 2u);
}

TEST(SqliteStore, UsesWalAndASingleKvTable) {
  std::string path = fresh_db_path();
  auto s = open_store(path);
  ASSERT_TRUE(s->put("a/b", "v").ok());
  EXPECT_TRUE(fs::exists(path + "-wal"))
      << "journal_mode=WAL keeps a -wal file beside the database";
}

TEST(SqliteStore, ReportsAnUnopenableFile) {
  auto r = SqliteStore::open("/nonexistent-dir-hyv/x/hyv.sqlite");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent-dir-hyv/x/hyv.sqlite"), std::string::npos)
      << r.status().message();
}

TEST(SqliteStore, TwoConnectionsSeeEachOthersCommits) {
  std::string path = fresh_db_path();
  auto a = open_store(path);
  auto b = open_store(path);
  ASSERT_TRUE(a->put("k/1", "from a").ok());
  EXPECT_EQ(store_get(*b, "k/1"), "from a");
  ASSERT_TRUE(b->apply({StoreOp::Remove("k/1"), StoreOp::Put("k/2", "from b")}).ok());
  EXPECT_EQ(store_get(*a, "k/1"), std::nullopt);
  EXPECT_EQ(store_get(*a, "k/2"), "from b");
}

}  // namespace
}  // namespace hyv::service
