// The BlobStore invariants of blob_store.h as a parameterised GoogleTest suite, so every
// implementation (MemoryBlobStore here, the native host's file store, later the canister's) runs
// the same checks:
//
//   INSTANTIATE_TEST_SUITE_P(Memory, BlobStoreConformance,
//                            ::testing::Values(BlobStoreFactory([] {
//                              return std::unique_ptr<BlobStore>(
//                                  std::make_unique<MemoryBlobStore>()); })));
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hyv/service/blob_store.h"

namespace hyv::service {

using BlobStoreFactory = std::function<std::unique_ptr<BlobStore>()>;

class BlobStoreConformance : public ::testing::TestWithParam<BlobStoreFactory> {
 protected:
  void SetUp() override { blobs_ = GetParam()(); }
  std::string whole(std::string_view name) {
    auto r = read_whole_blob(*blobs_, name);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r.value() : "";
  }
  std::unique_ptr<BlobStore> blobs_;
};

TEST_P(BlobStoreConformance, WritesAtOffsetsWithoutHoles) {
  BlobStore& b = *blobs_;
  EXPECT_FALSE(b.size("uploads/u/a.bin").value().has_value());
  ASSERT_TRUE(b.write("uploads/u/a.bin", 0, "hello").ok());
  ASSERT_TRUE(b.write("uploads/u/a.bin", 5, " world").ok());
  EXPECT_EQ(whole("uploads/u/a.bin"), "hello world");
  ASSERT_TRUE(b.write("uploads/u/a.bin", 0, "HE").ok()) << "rewriting a range";
  EXPECT_EQ(whole("uploads/u/a.bin"), "HEllo world");
  ASSERT_TRUE(b.write("uploads/u/a.bin", 9, "LD!").ok()) << "overlapping the end";
  EXPECT_EQ(whole("uploads/u/a.bin"), "HEllo worLD!");
  Status hole = b.write("uploads/u/a.bin", 13, "x");
  EXPECT_EQ(hole.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(b.size("uploads/u/a.bin").value(), 12u);
  EXPECT_EQ(b.write("uploads/u/new.bin", 1, "x").code(), StatusCode::kInvalidArgument);
}

TEST_P(BlobStoreConformance, ReadsRanges) {
  BlobStore& b = *blobs_;
  ASSERT_TRUE(b.write("datasets/d/t.jsonl", 0, "0123456789").ok());
  EXPECT_EQ(b.read("datasets/d/t.jsonl", 2, 3).value(), "234");
  EXPECT_EQ(b.read("datasets/d/t.jsonl", 8, 100).value(), "89");
  EXPECT_EQ(b.read("datasets/d/t.jsonl", 10, 5).value(), "");
  EXPECT_EQ(b.read("datasets/d/none.jsonl", 0, 5).status().code(), StatusCode::kNotFound);
}

TEST_P(BlobStoreConformance, Sha256OfTheWholeBlob) {
  BlobStore& b = *blobs_;
  ASSERT_TRUE(b.write("tmp/abc", 0, "ab").ok());
  ASSERT_TRUE(b.write("tmp/abc", 2, "c").ok());
  // FIPS 180-2, appendix B.1.
  EXPECT_EQ(b.sha256("tmp/abc").value(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(b.sha256("tmp/none").status().code(), StatusCode::kNotFound);
}

TEST_P(BlobStoreConformance, CommitRenamesAndReplaces) {
  BlobStore& b = *blobs_;
  ASSERT_TRUE(b.write("models/m/config.json", 0, "old").ok());
  ASSERT_TRUE(b.write("tmp/x", 0, "new bytes").ok());
  ASSERT_TRUE(b.commit("tmp/x", "models/m/config.json").ok());
  EXPECT_EQ(whole("models/m/config.json"), "new bytes");
  EXPECT_FALSE(b.size("tmp/x").value().has_value());
  EXPECT_EQ(b.commit("tmp/x", "models/m/other").code(), StatusCode::kNotFound);
}

TEST_P(BlobStoreConformance, ListsByPrefixInByteOrderAndRemoves) {
  BlobStore& b = *blobs_;
  for (const char* name : {"uploads/b/z", "uploads/a/y", "uploads/a/x", "models/a/x"}) {
    ASSERT_TRUE(b.write(name, 0, "1").ok());
  }
  EXPECT_EQ(b.list("uploads/a/").value(), (std::vector<std::string>{"uploads/a/x", "uploads/a/y"}));
  EXPECT_EQ(b.list("uploads/").value().size(), 3u);
  ASSERT_TRUE(b.remove("uploads/a/x").ok());
  ASSERT_TRUE(b.remove("uploads/a/x").ok()) << "removing an absent blob is fine";
  EXPECT_EQ(remove_blobs_under(b, "uploads/").value(), 2u);
  EXPECT_EQ(b.list("").value(), std::vector<std::string>{"models/a/x"});
}

TEST_P(BlobStoreConformance, RefusesBadNames) {
  BlobStore& b = *blobs_;
  for (const char* name : {"", "/abs", "a//b", "../x", "a/../b", "a/.hidden", "a/b c", "a/b/"}) {
    EXPECT_EQ(b.write(name, 0, "x").code(), StatusCode::kInvalidArgument) << name;
  }
}

}  // namespace hyv::service
