// FileBlobStore keeps the BlobStore invariants of blob_store.h (the shared conformance suite, on
// real files), and what only files show: blobs are plain files at their names, commits leave no
// source behind, removing a blob removes the folders it emptied, and the data dir's other files
// (hyv.sqlite) are never listed as blobs.
#include "studio/file_blob_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../service/blob_store_conformance.h"
#include "scratch_dir.h"

namespace hyv::service {
namespace {

namespace fs = std::filesystem;

using studio::FileBlobStore;

std::string fresh_dir() {
  return fresh_scratch_dir("hyv-blob-test");
}

INSTANTIATE_TEST_SUITE_P(Files, BlobStoreConformance, ::testing::Values(BlobStoreFactory([] {
                           return std::unique_ptr<BlobStore>(
                               std::make_unique<FileBlobStore>(fresh_dir()));
                         })),
                         [](const auto&) { return std::string("Files"); });

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(FileBlobStore, BlobsArePlainFiles) {
  std::string root = fresh_dir();
  FileBlobStore blobs(root);
  ASSERT_TRUE(blobs.write("tmp/j1/samples.jsonl", 0, "{\"a\":1}\n").ok());
  ASSERT_TRUE(blobs.write("tmp/j1/samples.jsonl", 8, "{\"a\":2}\n").ok());
  ASSERT_TRUE(blobs.commit("tmp/j1/samples.jsonl", "datasets/d1/samples.jsonl").ok());
  EXPECT_EQ(file_bytes(root + "/datasets/d1/samples.jsonl"), "{\"a\":1}\n{\"a\":2}\n");
  EXPECT_FALSE(fs::exists(root + "/tmp/j1/samples.jsonl"));
  std::ofstream(root + "/hyv.sqlite") << "not a blob";
  EXPECT_EQ(blobs.list("").value(), std::vector<std::string>{"datasets/d1/samples.jsonl"});
  ASSERT_TRUE(blobs.remove("datasets/d1/samples.jsonl").ok());
  EXPECT_FALSE(fs::exists(root + "/datasets/d1")) << "an emptied folder is removed";
  EXPECT_TRUE(fs::exists(root + "/hyv.sqlite"));
  EXPECT_EQ(blobs.remove("hyv.sqlite").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(blobs.write("hyv.sqlite", 0, "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(file_bytes(root + "/hyv.sqlite"), "not a blob");
  fs::remove_all(root);
}

TEST(FileBlobStore, ErrorsCarryCodesAndNames) {
  std::string root = fresh_dir();
  FileBlobStore blobs(root);
  auto missing = blobs.read("models/m/config.json", 0, 10);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("models/m/config.json"), std::string::npos);
  Status gap = blobs.write("uploads/u/x", 5, "late");
  EXPECT_EQ(gap.code(), StatusCode::kInvalidArgument) << gap.message();
  Status commit = blobs.commit("tmp/none", "datasets/d/x.jsonl");
  EXPECT_EQ(commit.code(), StatusCode::kNotFound) << commit.message();
  fs::remove_all(root);
}

}  // namespace
}  // namespace hyv::service
