// The Store invariants of store.h as a parameterised GoogleTest suite, so every implementation
// (MemoryStore here, the native host's SQLite store, the canister's) runs the same checks:
//
//   INSTANTIATE_TEST_SUITE_P(Memory, StoreConformance,
//                            ::testing::Values(StoreFactory([] { return
//                            std::make_unique<MemoryStore>(); })));
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hyv/service/store.h"

namespace hyv::service {

// Makes a new, empty store for each test.
using StoreFactory = std::function<std::unique_ptr<Store>()>;

class StoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam()(); }
  std::unique_ptr<Store> store_;
};

inline std::optional<std::string> store_get(const Store& s, std::string_view key) {
  auto r = s.get(key);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : std::nullopt;
}

TEST_P(StoreConformance, PutGetRemove) {
  Store& s = *store_;
  EXPECT_EQ(store_get(s, "a/x"), std::nullopt);
  ASSERT_TRUE(s.put("a/x", "1").ok());
  EXPECT_EQ(store_get(s, "a/x"), "1");
  ASSERT_TRUE(s.put("a/x", "2").ok());
  EXPECT_EQ(store_get(s, "a/x"), "2");
  ASSERT_TRUE(s.remove("a/x").ok());
  EXPECT_EQ(store_get(s, "a/x"), std::nullopt);
  EXPECT_TRUE(s.remove("a/x").ok()) << "removing an absent key is not an error";
  EXPECT_TRUE(s.list("").value().empty());
}

TEST_P(StoreConformance, ValuesAreBytes) {
  Store& s = *store_;
  std::string value("a\0b\xff", 4);
  ASSERT_TRUE(s.put("ns/k", value).ok());
  EXPECT_EQ(store_get(s, "ns/k"), value);
}

TEST_P(StoreConformance, RefusesBadKeys) {
  Store& s = *store_;
  for (std::string key :
       {std::string(""), std::string("nonamespace"), std::string("/x"), std::string("ns/"),
        std::string("Ns/x"), std::string("n-s/x"), std::string("a/b\0c", 5),
        "ns/" + std::string(kMaxKeyBytes, 'k'), std::string(33, 'n') + "/x"}) {
    Status st = s.put(key, "v");
    EXPECT_FALSE(st.ok()) << "accepted key '" << key << "'";
    EXPECT_FALSE(st.message().empty());
    EXPECT_FALSE(s.get(key).ok());
  }
  EXPECT_TRUE(s.list("").value().empty());
  EXPECT_TRUE(s.put(std::string(32, 'n') + "/x/y z", "v").ok());
  EXPECT_TRUE(s.put("ns/" + std::string(kMaxKeyBytes - 3, 'k'), "v").ok());
}

TEST_P(StoreConformance, RefusesOversizedValue) {
  Store& s = *store_;
  EXPECT_FALSE(s.put("ns/k", std::string(kMaxValueBytes + 1, 'v')).ok());
  EXPECT_TRUE(s.put("ns/k", std::string(kMaxValueBytes, 'v')).ok());
}

TEST_P(StoreConformance, ListByPrefixIsSortedAndStopsAtPrefix) {
  Store& s = *store_;
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

TEST_P(StoreConformance, BatchAppliesInOrder) {
  Store& s = *store_;
  ASSERT_TRUE(s.put("a/old", "x").ok());
  ASSERT_TRUE(s.apply({StoreOp::Put("a/1", "first"), StoreOp::Put("a/1", "second"),
                       StoreOp::Remove("a/old"), StoreOp::Put("a/2", "v"), StoreOp::Remove("a/2")})
                  .ok());
  EXPECT_EQ(store_get(s, "a/1"), "second");
  EXPECT_EQ(store_get(s, "a/old"), std::nullopt);
  EXPECT_EQ(store_get(s, "a/2"), std::nullopt);
}

TEST_P(StoreConformance, BadBatchChangesNothing) {
  Store& s = *store_;
  ASSERT_TRUE(s.put("a/keep", "v").ok());
  Status st = s.apply(
      {StoreOp::Put("a/new", "v"), StoreOp::Remove("a/keep"), StoreOp::Put("bad key", "v")});
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("batch op 2"), std::string::npos) << st.message();
  EXPECT_EQ(store_get(s, "a/new"), std::nullopt);
  EXPECT_EQ(store_get(s, "a/keep"), "v");
}

}  // namespace hyv::service
