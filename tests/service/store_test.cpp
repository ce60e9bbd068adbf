// MemoryStore keeps the Store invariants documented in store.h.
#include <gtest/gtest.h>

#include "hyv/service/memory_store.h"

namespace hyv::service {
namespace {

std::optional<std::string> get(const Store& s, std::string_view key) {
  auto r = s.get(key);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : std::nullopt;
}

TEST(Store, PutGetRemove) {
  MemoryStore s;
  EXPECT_EQ(get(s, "a/x"), std::nullopt);
  ASSERT_TRUE(s.put("a/x", "1").ok());
  EXPECT_EQ(get(s, "a/x"), "1");
  ASSERT_TRUE(s.put("a/x", "2").ok());
  EXPECT_EQ(get(s, "a/x"), "2");
  ASSERT_TRUE(s.remove("a/x").ok());
  EXPECT_EQ(get(s, "a/x"), std::nullopt);
  EXPECT_TRUE(s.remove("a/x").ok()) << "removing an absent key is not an error";
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.used_bytes(), 0u);
}

TEST(Store, ValuesAreBytes) {
  MemoryStore s;
  std::string value("a\0b\xff", 4);
  ASSERT_TRUE(s.put("ns/k", value).ok());
  EXPECT_EQ(get(s, "ns/k"), value);
}

TEST(Store, RefusesBadKeys) {
  MemoryStore s;
  for (std::string key :
       {std::string(""), std::string("nonamespace"), std::string("/x"), std::string("ns/"),
        std::string("Ns/x"), std::string("n-s/x"), std::string("a/b\0c", 5),
        "ns/" + std::string(kMaxKeyBytes, 'k'), std::string(33, 'n') + "/x"}) {
    Status st = s.put(key, "v");
    EXPECT_FALSE(st.ok()) << "accepted key '" << key << "'";
    EXPECT_FALSE(st.message().empty());
    EXPECT_FALSE(s.get(key).ok());
  }
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.put(std::string(32, 'n') + "/x/y z", "v").ok());
  EXPECT_TRUE(s.put("ns/" + std::string(kMaxKeyBytes - 3, 'k'), "v").ok());
}

TEST(Store, RefusesOversizedValue) {
  MemoryStore s;
  EXPECT_FALSE(s.put("ns/k", std::string(kMaxValueBytes + 1, 'v')).ok());
  EXPECT_TRUE(s.put("ns/k", std::string(kMaxValueBytes, 'v')).ok());
}

TEST(Store, ListByPrefixIsSortedAndStopsAtPrefix) {
  MemoryStore s;
  for (const char* key : {"b/2", "a/9", "b/10", "b/1", "ba/1", "c/1", "b/\xff"}) {
    ASSERT_TRUE(s.put(key, std::string("v") + key).ok());
  }
  auto r = s.list("b/");
  ASSERT_TRUE(r.ok());
  std::vector<std::string> keys;
  for (auto& kv : r.value()) {
    keys.push_back(kv.first);
    EXPECT_EQ(kv.second, "v" + kv.first);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"b/1", "b/10", "b/2", "b/\xff"}));
  EXPECT_EQ(s.list("").value().size(), 7u);
  EXPECT_TRUE(s.list("zz/").value().empty());
}

TEST(Store, BatchAppliesInOrder) {
  MemoryStore s;
  ASSERT_TRUE(s.put("a/old", "x").ok());
  ASSERT_TRUE(s.apply({StoreOp::Put("a/1", "first"), StoreOp::Put("a/1", "second"),
                       StoreOp::Remove("a/old"), StoreOp::Put("a/2", "v"), StoreOp::Remove("a/2")})
                  .ok());
  EXPECT_EQ(get(s, "a/1"), "second");
  EXPECT_EQ(get(s, "a/old"), std::nullopt);
  EXPECT_EQ(get(s, "a/2"), std::nullopt);
  EXPECT_EQ(s.used_bytes(), std::string("a/1second").size());
}

TEST(Store, BadBatchChangesNothing) {
  MemoryStore s;
  ASSERT_TRUE(s.put("a/keep", "v").ok());
  Status st = s.apply(
      {StoreOp::Put("a/new", "v"), StoreOp::Remove("a/keep"), StoreOp::Put("bad key", "v")});
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("batch op 2"), std::string::npos) << st.message();
  EXPECT_EQ(get(s, "a/new"), std::nullopt);
  EXPECT_EQ(get(s, "a/keep"), "v");
}

TEST(Store, CapacityIsEnforcedAllOrNothing) {
  MemoryStore s(20);
  ASSERT_TRUE(s.put("a/1", "0123456").ok());  // 10 bytes
  EXPECT_EQ(s.used_bytes(), 10u);
  Status full = s.apply({StoreOp::Put("a/2", "0123456"), StoreOp::Put("a/3", "x")});
  EXPECT_FALSE(full.ok());
  EXPECT_NE(full.message().find("full"), std::string::npos) << full.message();
  EXPECT_EQ(get(s, "a/2"), std::nullopt);
  EXPECT_EQ(s.used_bytes(), 10u);
  // Freeing space in the same batch makes room.
  EXPECT_TRUE(s.apply({StoreOp::Remove("a/1"), StoreOp::Put("a/2", "0123456"),
                       StoreOp::Put("a/3", "0123456")})
                  .ok());
  EXPECT_EQ(s.used_bytes(), 20u);
  // Replacing a value counts only the difference.
  EXPECT_TRUE(s.put("a/2", "abcdefg").ok());
  EXPECT_FALSE(s.put("a/2", "abcdefgh").ok());
  EXPECT_EQ(get(s, "a/2"), "abcdefg");
}

TEST(Store, MakeKeyJoinsParts) {
  EXPECT_EQ(make_key("rating", {"ds", "user"}), "rating/ds/user");
  EXPECT_EQ(make_key("rating", {"ds", ""}), "rating/ds/");
}

}  // namespace
}  // namespace hyv::service
