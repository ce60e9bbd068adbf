// MemoryStore keeps the Store invariants documented in store.h (store_conformance.h), and its
// capacity and byte accounting.
#include <gtest/gtest.h>

#include "hyv/service/memory_store.h"
#include "store_conformance.h"

namespace hyv::service {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, StoreConformance, ::testing::Values(StoreFactory([] {
                           return std::unique_ptr<Store>(std::make_unique<MemoryStore>());
                         })));

TEST(MemoryStore, CountsBytesOfKeysAndValues) {
  MemoryStore s;
  ASSERT_TRUE(s.apply({StoreOp::Put("a/1", "first"), StoreOp::Put("a/1", "second"),
                       StoreOp::Put("a/2", "v"), StoreOp::Remove("a/2")})
                  .ok());
  EXPECT_EQ(s.used_bytes(), std::string("a/1second").size());
  EXPECT_EQ(s.size(), 1u);
  ASSERT_TRUE(s.remove("a/1").ok());
  EXPECT_EQ(s.used_bytes(), 0u);
  EXPECT_EQ(s.size(), 0u);
}

TEST(MemoryStore, CapacityIsEnforcedAllOrNothing) {
  MemoryStore s(20);
  ASSERT_TRUE(s.put("a/1", "0123456").ok());  // 10 bytes
  EXPECT_EQ(s.used_bytes(), 10u);
  Status full = s.apply({StoreOp::Put("a/2", "0123456"), StoreOp::Put("a/3", "x")});
  EXPECT_FALSE(full.ok());
  EXPECT_NE(full.message().find("full"), std::string::npos) << full.message();
  EXPECT_EQ(store_get(s, "a/2"), std::nullopt);
  EXPECT_EQ(s.used_bytes(), 10u);
  // Freeing space in the same batch makes room.
  EXPECT_TRUE(s.apply({StoreOp::Remove("a/1"), StoreOp::Put("a/2", "0123456"),
                       StoreOp::Put("a/3", "0123456")})
                  .ok());
  EXPECT_EQ(s.used_bytes(), 20u);
  // Replacing a value counts only the difference.
  EXPECT_TRUE(s.put("a/2", "abcdefg").ok());
  EXPECT_FALSE(s.put("a/2", "abcdefgh").ok());
  EXPECT_EQ(store_get(s, "a/2"), "abcdefg");
}

TEST(StoreKeys, MakeKeyJoinsParts) {
  EXPECT_EQ(make_key("rating", {"ds", "user"}), "rating/ds/user");
  EXPECT_EQ(make_key("rating", {"ds", ""}), "rating/ds/");
}

}  // namespace
}  // namespace hyv::service
