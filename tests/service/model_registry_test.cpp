// Model registry: chunked uploads (resume, conflicts, limits, digests, broken models), defaults
// per data type and the rules for deleting a model.
#include "hyv/service/model_registry.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstring>
#include <map>

#include "hyv/service/memory_blob_store.h"
#include "hyv/service/memory_store.h"
#include "openssl_sha256.h"
#include "run_test_util.h"

namespace hyv::service {
namespace {

using testing::openssl_sha256_hex;
using testing::read_repo_file;

// Weights in the safetensors header, counted from the tensor shapes: every tensor but the
// attention-mask buffers (attn.bias, attn.masked_bias) and a tied lm_head.
int64_t parameters_in_header(const std::string& safetensors) {
  uint64_t n = 0;
  std::memcpy(&n, safetensors.data(), 8);
  rapidjson::Document h;
  h.Parse(safetensors.data() + 8, n);
  int64_t total = 0;
  for (auto& t : h.GetObject()) {
    std::string name = t.name.GetString();
    auto ends = [&](const std::string& s) {
      return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    if (name == "__metadata__" || name == "lm_head.weight" || ends(".attn.bias") ||
        ends(".attn.masked_bias"))
      continue;
    int64_t count = 1;
    for (auto& d : t.value["shape"].GetArray()) count *= d.GetInt64();
    total += count;
  }
  return total;
}

struct TinyFiles {
  std::map<std::string, std::string> bytes = {
      {"config.json", read_repo_file("tests/fixtures/tiny-gpt2/config.json")},
      {"model.safetensors", read_repo_file("tests/fixtures/tiny-gpt2/model.safetensors")},
      {"vocab.json", read_repo_file("tests/fixtures/tiny-gpt2/vocab.json")},
      {"merges.txt", read_repo_file("tests/fixtures/tiny-gpt2/merges.txt")}};
  std::map<std::string, std::string> declared_sha;  // overrides

  std::string request(const std::string& model_id, const std::string& type = "text") const {
    std::string files;
    for (const auto& [name, b] : bytes) {
      auto it = declared_sha.find(name);
      std::string sha = it != declared_sha.end() ? it->second : openssl_sha256_hex(b);
      if (!files.empty()) files += ",";
      files += R"({"name":")" + name + R"(","size":)" + std::to_string(b.size()) +
               R"(,"sha256":")" + sha + R"("})";
    }
    return R"({"model_id":")" + model_id + R"(","name":"Tiny","data_type":")" + type +
           R"(","license":"MIT","description":"test model","files":[)" + files + "]}";
  }
};

class Registry : public ::testing::Test {
 protected:
  // Sends every file in chunks of `chunk` bytes.
  void send_all(const std::string& upload, const TinyFiles& f, size_t chunk = 400000) {
    for (const auto& [name, b] : f.bytes) {
      for (size_t off = 0; off < b.size(); off += chunk) {
        auto r = reg.write_chunk(upload, name, off, std::string_view(b).substr(off, chunk), 10);
        ASSERT_TRUE(r.ok()) << name << ": " << r.status().message();
      }
    }
  }
  Result<ModelInfo> upload_tiny(const std::string& upload, const std::string& model_id,
                                const std::string& type = "text") {
    TinyFiles f;
    auto u = reg.begin_upload(upload, f.request(model_id, type), 5);
    if (!u.ok()) return u.status();
    send_all(upload, f);
    return reg.finish_upload(upload, 20);
  }
  size_t blobs_under(const std::string& prefix) { return blobs.list(prefix).value().size(); }

  MemoryStore store;
  MemoryBlobStore blobs;
  ModelRegistry reg{store, blobs};
};

TEST_F(Registry, UploadRegistersTheModel) {
  TinyFiles f;
  auto info = upload_tiny("u1", "tiny");
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info.value().id, "tiny");
  EXPECT_EQ(info.value().parameter_count, parameters_in_header(f.bytes["model.safetensors"]));
  EXPECT_EQ(info.value().parameter_count, 127296);
  EXPECT_EQ(info.value().sha256, openssl_sha256_hex(f.bytes["model.safetensors"]));
  uint64_t size = 0;
  for (auto& [n, b] : f.bytes) size += b.size();
  EXPECT_EQ(info.value().size_bytes, size);
  EXPECT_EQ(info.value().files.size(), 4u);
  EXPECT_FALSE(info.value().bundled);
  EXPECT_EQ(info.value().created_at_ms, 20);
  EXPECT_EQ(info.value().license, "MIT");
  auto stored = reg.get("tiny");
  ASSERT_TRUE(stored.ok() && stored.value());
  EXPECT_EQ(model_info_to_json(*stored.value()), model_info_to_json(info.value()));
  EXPECT_EQ(reg.get_upload("u1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(blobs_under("uploads/"), 0u);
  EXPECT_EQ(blobs_under("models/tiny/"), 4u);
  EXPECT_EQ(read_whole_blob(blobs, "models/tiny/vocab.json").value(), f.bytes["vocab.json"]);
  auto loaded = reg.load_uploaded(info.value());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded.value().model.parameter_count(), 127296);
}

TEST_F(Registry, ResentChunksAreIdempotent) {
  TinyFiles f;
  ASSERT_TRUE(reg.begin_upload("u1", f.request("tiny"), 5).ok());
  const std::string& vocab = f.bytes["vocab.json"];
  ASSERT_TRUE(reg.write_chunk("u1", "vocab.json", 0, vocab.substr(0, 100), 6).ok());
  auto again = reg.write_chunk("u1", "vocab.json", 0, vocab.substr(0, 100), 7);
  ASSERT_TRUE(again.ok());
  auto overlap = reg.write_chunk("u1", "vocab.json", 50, vocab.substr(50, 100), 8);
  ASSERT_TRUE(overlap.ok()) << overlap.status().message();
  for (const UploadFile& file : overlap.value().files) {
    if (file.name == "vocab.json") {
      EXPECT_EQ(file.received, 150u);
    }
  }
  EXPECT_EQ(overlap.value().updated_at_ms, 8);
  send_all("u1", f);  // everything again from 0
  auto info = reg.finish_upload("u1", 20);
  EXPECT_TRUE(info.ok()) << info.status().message();
}

TEST_F(Registry, ChunkRules) {
  TinyFiles f;
  ASSERT_TRUE(reg.begin_upload("u1", f.request("tiny"), 5).ok());
  const std::string& merges = f.bytes["merges.txt"];
  ASSERT_TRUE(reg.write_chunk("u1", "merges.txt", 0, merges.substr(0, 10), 6).ok());
  auto gap = reg.write_chunk("u1", "merges.txt", 11, merges.substr(11, 5), 6);
  EXPECT_EQ(gap.status().code(), StatusCode::kConflict);
  EXPECT_NE(gap.status().message().find("expected offset <= 10"), std::string::npos)
      << gap.status().message();
  auto past = reg.write_chunk("u1", "merges.txt", 10, std::string(merges.size(), 'x'), 6);
  EXPECT_EQ(past.status().code(), StatusCode::kInvalidArgument);
  auto big = reg.write_chunk("u1", "model.safetensors", 0, std::string(kMaxChunkBytes + 1, 'x'), 6);
  EXPECT_EQ(big.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(reg.write_chunk("u1", "README.md", 0, "x", 6).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(reg.write_chunk("nope", "merges.txt", 0, "x", 6).status().code(),
            StatusCode::kNotFound);
  auto resumed = reg.get_upload("u1");
  ASSERT_TRUE(resumed.ok());
  for (const UploadFile& file : resumed.value().files) {
    EXPECT_EQ(file.received, file.name == "merges.txt" ? 10u : 0u) << file.name;
  }
}

TEST_F(Registry, IncompleteFinishKeepsTheUploadToResume) {
  TinyFiles f;
  ASSERT_TRUE(reg.begin_upload("u1", f.request("tiny"), 5).ok());
  auto early = reg.finish_upload("u1", 9);
  EXPECT_EQ(early.status().code(), StatusCode::kConflict);
  EXPECT_TRUE(reg.get_upload("u1").ok());
}

TEST_F(Registry, BadDigestRemovesTheUpload) {
  TinyFiles f;
  f.declared_sha["vocab.json"] = std::string(64, '0');
  ASSERT_TRUE(reg.begin_upload("u1", f.request("tiny"), 5).ok());
  send_all("u1", f);
  auto info = reg.finish_upload("u1", 20);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(info.status().message().rfind("vocab.json: SHA-256 mismatch", 0), 0u)
      << info.status().message();
  EXPECT_EQ(reg.get_upload("u1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(blobs.count(), 0u);
  EXPECT_FALSE(reg.get("tiny").value());
}

TEST_F(Registry, BrokenSafetensorsIsRefused) {
  TinyFiles f;
  std::string& weights = f.bytes["model.safetensors"];
  weights[9] = '!';  // inside the JSON header
  ASSERT_TRUE(reg.begin_upload("u1", f.request("tiny"), 5).ok());
  send_all("u1", f);
  auto info = reg.finish_upload("u1", 20);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(info.status().message().find("model.safetensors"), std::string::npos)
      << info.status().message();
  EXPECT_EQ(reg.get_upload("u1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(blobs.count(), 0u);
}

TEST_F(Registry, UploadRequestsAreChecked) {
  auto refused = [&](const std::string& request) {
    auto u = reg.begin_upload("u9", request, 1);
    EXPECT_FALSE(u.ok()) << request;
    return u.ok() ? std::string() : u.status().message();
  };
  std::string sha(64, 'a');
  auto file = [&](const std::string& name) {
    return R"({"name":")" + name + R"(","size":10,"sha256":")" + sha + R"("})";
  };
  EXPECT_NE(refused(R"({"model_id":"m","files":[)" + file("config.json") + "," +
                    file("model.safetensors") + "]}")
                .find("a tokenizer is required"),
            std::string::npos);
  EXPECT_NE(refused(R"({"model_id":"m","files":[)" + file("evil.sh") + "]}").find("evil.sh"),
            std::string::npos);
  EXPECT_NE(refused(R"({"model_id":"m","files":[)" + file("config.json") + "," +
                    file("config.json") + "]}")
                .find("twice"),
            std::string::npos);
  EXPECT_NE(refused(R"({"model_id":"../x","files":[]})").find("upload.model_id"),
            std::string::npos);
  EXPECT_NE(refused(R"({"model_id":"m","data_type":"table","files":[]})").find("data_type"),
            std::string::npos);
  EXPECT_NE(refused(R"({"model_id":"m","files":[{"name":"config.json","size":1,"sha256":"xyz"}]})")
                .find("sha256"),
            std::string::npos);
}

TEST_F(Registry, ModelIdsAreNotTakenTwice) {
  ASSERT_TRUE(upload_tiny("u1", "tiny").ok());
  TinyFiles f;
  EXPECT_EQ(reg.begin_upload("u2", f.request("tiny"), 30).status().code(), StatusCode::kConflict);
  ASSERT_TRUE(reg.begin_upload("u3", f.request("other"), 30).ok());
  EXPECT_EQ(reg.begin_upload("u4", f.request("other"), 30).status().code(), StatusCode::kConflict);
  EXPECT_EQ(reg.begin_upload("u3", f.request("third"), 30).status().code(), StatusCode::kConflict);
}

TEST_F(Registry, StaleUploadsAndOrphanBlobsAreCleared) {
  TinyFiles f;
  ASSERT_TRUE(reg.begin_upload("old", f.request("a"), 0).ok());
  ASSERT_TRUE(reg.write_chunk("old", "merges.txt", 0, "abc", 1000).ok());
  ASSERT_TRUE(reg.begin_upload("fresh", f.request("b"), kUploadTtlMs).ok());
  ASSERT_TRUE(reg.write_chunk("fresh", "merges.txt", 0, "abc", kUploadTtlMs).ok());
  ASSERT_TRUE(blobs.write("models/ghost/config.json", 0, "{}").ok());
  ASSERT_TRUE(blobs.write("uploads/gone/config.json", 0, "{}").ok());
  auto removed = reg.remove_stale_uploads(kUploadTtlMs + 1001);
  ASSERT_TRUE(removed.ok()) << removed.status().message();
  EXPECT_EQ(removed.value(), 1u);
  EXPECT_EQ(reg.get_upload("old").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(reg.get_upload("fresh").ok());
  EXPECT_EQ(blobs.list("").value(), std::vector<std::string>{"uploads/fresh/merges.txt"});
}

TEST_F(Registry, CancelRemovesTheUploadAndItsBytes) {
  TinyFiles f;
  ASSERT_TRUE(reg.begin_upload("u1", f.request("tiny"), 0).ok());
  ASSERT_TRUE(reg.write_chunk("u1", "merges.txt", 0, "abc", 1).ok());
  EXPECT_TRUE(reg.cancel_upload("u1").ok());
  EXPECT_EQ(blobs.count(), 0u);
  EXPECT_EQ(reg.cancel_upload("u1").code(), StatusCode::kNotFound);
}

ModelInfo bundled(const std::string& id, DataType type) {
  ModelInfo m;
  m.id = id;
  m.name = id;
  m.data_type = type;
  m.sha256 = std::string(64, 'b');
  return m;
}

TEST_F(Registry, DefaultsAndDeleteRules) {
  ASSERT_TRUE(reg.register_bundled(bundled("text-small", DataType::kText)).ok());
  ASSERT_TRUE(reg.register_bundled(bundled("code-small", DataType::kCode)).ok());
  ASSERT_TRUE(reg.ensure_default(DataType::kText, "text-small").ok());
  ASSERT_TRUE(reg.ensure_default(DataType::kCode, "code-small").ok());
  EXPECT_EQ(model_defaults_to_json(reg.defaults().value()),
            R"({"text":"text-small","code":"code-small"})");
  ASSERT_TRUE(upload_tiny("u1", "mine").ok());

  EXPECT_EQ(reg.set_default(DataType::kCode, "mine").code(), StatusCode::kInvalidArgument)
      << "a text model cannot be the code default";
  EXPECT_EQ(reg.set_default(DataType::kText, "nope").code(), StatusCode::kNotFound);
  ASSERT_TRUE(reg.set_default(DataType::kText, "mine").ok());
  ASSERT_TRUE(reg.ensure_default(DataType::kText, "text-small").ok());
  EXPECT_EQ(*reg.default_model(DataType::kText).value(), "mine") << "a user's choice stays";

  JobQueue jobs(store);
  ModelInUse in_use = jobs_using_model(jobs);
  EXPECT_EQ(reg.remove("text-small", in_use).code(), StatusCode::kConflict) << "bundled";
  EXPECT_EQ(reg.remove("mine", in_use).code(), StatusCode::kConflict) << "the default";
  ASSERT_TRUE(reg.set_default(DataType::kText, "text-small").ok());
  ASSERT_TRUE(jobs.create("j1", DataType::kText, R"({"model":"mine"})", 1).ok());
  Status busy = reg.remove("mine", in_use);
  EXPECT_EQ(busy.code(), StatusCode::kConflict);
  EXPECT_NE(busy.message().find("job"), std::string::npos);
  ASSERT_TRUE(jobs.cancel("j1", 2).ok());
  ASSERT_TRUE(reg.remove("mine", in_use).ok());
  EXPECT_EQ(blobs_under("models/mine/"), 0u);
  EXPECT_FALSE(reg.get("mine").value());
  EXPECT_EQ(reg.remove("mine", in_use).code(), StatusCode::kNotFound);
  EXPECT_EQ(reg.list().value().size(), 2u);
}

TEST_F(Registry, ModelJsonRoundTrips) {
  auto info = upload_tiny("u1", "tiny", "code");
  ASSERT_TRUE(info.ok());
  std::string json = model_info_to_json(info.value());
  auto back = model_info_from_json(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(model_info_to_json(back.value()), json);
  EXPECT_EQ(back.value().data_type, DataType::kCode);
  rapidjson::Document d;
  d.Parse(json.c_str());
  for (const char* key :
       {"id", "name", "data_type", "architecture", "parameter_count", "license", "description",
        "sha256", "size_bytes", "bundled", "created_at_ms", "files"})
    EXPECT_TRUE(d.HasMember(key)) << key;
}

}  // namespace
}  // namespace hyv::service
