// Model uploads over HTTP: a folder sent in chunks (resent chunks are fine, gaps and oversized
// chunks are refused), checked by sha256 and by loading it, then registered and usable for
// generation; a bad hash or a broken model is refused and cleaned up; models in use, bundled or
// default cannot be deleted.
#include <openssl/evp.h>

#include <map>

#include "studio_fixture.h"

namespace hyv::studio::testing {
namespace {

const char* const kFiles[] = {"config.json", "model.safetensors", "vocab.json", "merges.txt"};

std::string sha256(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    static const char* hex = "0123456789abcdef";
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::map<std::string, std::string> tiny_files() {
  std::map<std::string, std::string> files;
  for (const char* name : kFiles) {
    files[name] = read_file_bytes(source_path(std::string("tests/fixtures/tiny-gpt2/") + name));
  }
  return files;
}

// The POST /uploads body; `declared_sha` overrides a file's hash.
std::string upload_request(const std::string& model_id,
                           const std::map<std::string, std::string>& files,
                           const std::map<std::string, std::string>& declared_sha = {}) {
  std::string body =
      R"({"model_id":")" + model_id +
      R"(","name":"Tiny","data_type":"text","license":"mit","description":"a test model","files":[)";
  bool first = true;
  for (const auto& [name, bytes] : files) {
    auto sha = declared_sha.count(name) ? declared_sha.at(name) : sha256(bytes);
    body += std::string(first ? "" : ",") + R"({"name":")" + name + R"(","size":)" +
            std::to_string(bytes.size()) + R"(,"sha256":")" + sha + "\"}";
    first = false;
  }
  return body + "]}";
}

httplib::Result put_chunk(httplib::Client& c, const std::string& upload, const std::string& file,
                          uint64_t offset, const std::string& bytes) {
  return c.Put(
      (kApi + "/uploads/" + upload + "/files/" + file + "?offset=" + std::to_string(offset))
          .c_str(),
      bytes, "application/octet-stream");
}

uint64_t received(const rapidjson::Value& upload, const std::string& file) {
  for (const auto& f : upload["files"].GetArray()) {
    if (file == f["name"].GetString()) return f["received"].GetUint64();
  }
  ADD_FAILURE() << "no file " << file;
  return 0;
}

// Sends every file in chunks of chunk_bytes; returns the upload id.
std::string upload_all(httplib::Client& c, const std::string& body,
                       const std::map<std::string, std::string>& files, size_t chunk_bytes) {
  auto u = expect_json(post_json(c, "/uploads", body), 201);
  std::string id = u["id"].GetString();
  for (const auto& [name, bytes] : files) {
    for (size_t at = 0; at < bytes.size(); at += chunk_bytes) {
      expect_json(put_chunk(c, id, name, at, bytes.substr(at, chunk_bytes)), 200);
    }
  }
  return id;
}

httplib::Result finish(httplib::Client& c, const std::string& upload) {
  return c.Post((kApi + "/uploads/" + upload + "/finish").c_str(), "", "application/json");
}

TEST(ServerUploads, ChunkedUploadRegistersAModelThatGenerates) {
  TestStudio t;
  auto c = t.client();
  auto files = tiny_files();
  auto u = expect_json(post_json(c, "/uploads", upload_request("tiny", files)), 201);
  std::string id = u["id"].GetString();
  EXPECT_EQ(std::string(u["state"].GetString()), "open");
  const std::string& weights = files["model.safetensors"];
  constexpr size_t kChunk = 256 * 1024;
  ASSERT_GT(weights.size(), 2 * kChunk);
  expect_json(put_chunk(c, id, "model.safetensors", 0, weights.substr(0, kChunk)), 200);
  auto after2 = expect_json(
      put_chunk(c, id, "model.safetensors", kChunk, weights.substr(kChunk, kChunk)), 200);
  EXPECT_EQ(received(after2, "model.safetensors"), 2 * kChunk);
  // Resending a chunk (a retry after a lost reply) is accepted and changes nothing.
  auto resent =
      expect_json(put_chunk(c, id, "model.safetensors", 0, weights.substr(0, kChunk)), 200);
  EXPECT_EQ(received(resent, "model.safetensors"), 2 * kChunk);
  // A gap is a conflict that says where to resume; bytes past the declared size are refused.
  std::string m =
      expect_error(put_chunk(c, id, "model.safetensors", 3 * kChunk, "x"), 409, "conflict");
  EXPECT_NE(m.find("expected offset <= " + std::to_string(2 * kChunk)), std::string::npos) << m;
  expect_error(put_chunk(c, id, "config.json", 0, files["config.json"] + "extra"), 400,
               "bad_request");
  expect_error(put_chunk(c, id, "model.safetensors", 0, std::string((2u << 20) + 1, 'x')), 413,
               "too_large");
  expect_error(put_chunk(c, id, "README.txt", 0, "x"), 404, "not_found");
  expect_error(c.Put((kApi + "/uploads/" + id + "/files/config.json").c_str(), "x",
                     "application/octet-stream"),
               400, "bad_request");
  // Not complete yet: finish is a conflict and the upload stays resumable.
  expect_error(finish(c, id), 409, "conflict");
  auto resumed = get_json(c, "/uploads/" + id);
  EXPECT_EQ(received(resumed, "model.safetensors"), 2 * kChunk);
  expect_json(put_chunk(c, id, "model.safetensors", 2 * kChunk, weights.substr(2 * kChunk)), 200);
  for (const char* name : {"config.json", "vocab.json", "merges.txt"}) {
    expect_json(put_chunk(c, id, name, 0, files[name]), 200);
  }
  auto model = expect_json(finish(c, id), 201);
  EXPECT_EQ(std::string(model["id"].GetString()), "tiny");
  EXPECT_FALSE(model["bundled"].GetBool());
  EXPECT_EQ(std::string(model["sha256"].GetString()), sha256(weights));
  EXPECT_GT(model["parameter_count"].GetInt64(), 0);
  expect_error(c.Get((kApi + "/uploads/" + id).c_str()), 404, "not_found");
  // The files are in place, byte for byte, and the model generates.
  for (const auto& [name, bytes] : files) {
    EXPECT_EQ(read_file_bytes((t.dir() / "data/models/tiny" / name).string()), bytes) << name;
  }
  EXPECT_EQ(std::string(get_json(c, "/models/tiny")["license"].GetString()), "mit");
  std::string ds =
      run_job(c, R"({"type":"text","params":{"model":"tiny","samples":2,"max_tokens":6}})");
  EXPECT_EQ(std::string(get_json(c, "/datasets/" + ds)["manifest"]["model"]["id"].GetString()),
            "tiny");
  // The same model id cannot be uploaded twice.
  expect_error(post_json(c, "/uploads", upload_request("tiny", files)), 409, "conflict");
}

TEST(ServerUploads, BadHashIsRefusedAndCleanedUp) {
  TestStudio t;
  auto c = t.client();
  auto files = tiny_files();
  std::string id = upload_all(
      c, upload_request("tiny", files, {{"vocab.json", std::string(64, 'a')}}), files, 100000);
  std::string m = expect_error(finish(c, id), 400, "bad_request");
  EXPECT_NE(m.find("vocab.json"), std::string::npos) << m;
  expect_error(c.Get((kApi + "/uploads/" + id).c_str()), 404, "not_found");
  expect_error(c.Get((kApi + "/models/tiny").c_str()), 404, "not_found");
  EXPECT_FALSE(fs::exists(t.dir() / "data/uploads" / id / "vocab.json"));
  EXPECT_FALSE(fs::exists(t.dir() / "data/models/tiny"));
}

TEST(ServerUploads, BrokenModelIsRefused) {
  TestStudio t;
  auto c = t.client();
  auto files = tiny_files();
  files["model.safetensors"] = std::string(4096, '\x07');
  std::string id = upload_all(c, upload_request("broken", files), files, 1u << 20);
  std::string m = expect_error(finish(c, id), 400, "bad_request");
  EXPECT_NE(m.find("model.safetensors"), std::string::npos) << m;
  expect_error(c.Get((kApi + "/models/broken").c_str()), 404, "not_found");
}

TEST(ServerUploads, BadRequestsAndCancel) {
  TestStudio t;
  auto c = t.client();
  auto files = tiny_files();
  files.erase("model.safetensors");
  std::string m =
      expect_error(post_json(c, "/uploads", upload_request("x", files)), 400, "bad_request");
  EXPECT_NE(m.find("model.safetensors"), std::string::npos) << m;
  m = expect_error(post_json(c, "/uploads", R"({"model_id":)"), 400, "bad_request");
  EXPECT_NE(m.find("byte"), std::string::npos) << m;
  auto all = tiny_files();
  auto u = expect_json(post_json(c, "/uploads", upload_request("tiny", all)), 201);
  std::string id = u["id"].GetString();
  expect_json(put_chunk(c, id, "config.json", 0, all["config.json"]), 200);
  auto r = c.Delete((kApi + "/uploads/" + id).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  expect_error(c.Get((kApi + "/uploads/" + id).c_str()), 404, "not_found");
  EXPECT_FALSE(fs::exists(t.dir() / "data/uploads" / id));
}

TEST(ServerUploads, ModelsInUseBundledOrDefaultAreKept) {
  TestStudio t({.start_workers = false});
  auto c = t.client();
  auto files = tiny_files();
  expect_json(finish(c, upload_all(c, upload_request("tiny", files), files, 1u << 20)), 201);
  expect_error(c.Delete((kApi + "/models/text-small").c_str()), 409, "conflict");
  // A queued job uses it.
  std::string job =
      submit(c, R"({"type":"text","params":{"model":"tiny","samples":1,"max_tokens":2}})");
  expect_error(c.Delete((kApi + "/models/tiny").c_str()), 409, "conflict");
  expect_json(c.Post((kApi + "/jobs/" + job + "/cancel").c_str(), "", "application/json"), 200);
  // The default.
  auto d = expect_json(
      c.Put((kApi + "/defaults/text").c_str(), R"({"model":"tiny"})", "application/json"), 200);
  EXPECT_EQ(std::string(d["defaults"]["text"].GetString()), "tiny");
  EXPECT_EQ(std::string(get_json(c, "/models")["defaults"]["text"].GetString()), "tiny");
  expect_error(c.Delete((kApi + "/models/tiny").c_str()), 409, "conflict");
  expect_error(c.Put((kApi + "/defaults/code").c_str(), R"({"model":"tiny"})", "application/json"),
               400, "bad_request");
  expect_error(c.Put((kApi + "/defaults/table").c_str(), R"({"model":"tiny"})", "application/json"),
               404, "not_found");
  expect_json(
      c.Put((kApi + "/defaults/text").c_str(), R"({"model":"text-small"})", "application/json"),
      200);
  auto r = c.Delete((kApi + "/models/tiny").c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204) << r->body;
  expect_error(c.Get((kApi + "/models/tiny").c_str()), 404, "not_found");
  EXPECT_FALSE(fs::exists(t.dir() / "data/models/tiny"));
}

// A finish cut off (kill -9) after it moved some files to models/<id>/ and before it recorded the
// model: the next start moves them back instead of sweeping them as orphans, so the upload is
// whole again and finishes (tests/server/kill9_test.sh finds this state by killing at random).
TEST(ServerUploads, AFinishCutOffBeforeItsRecordIsUndoneAtRestart) {
  TestStudio t;
  auto files = tiny_files();
  std::string id;
  {
    auto c = t.client();
    id = upload_all(c, upload_request("cut", files), files, 1 << 20);
  }
  fs::path data = t.dir() / "data";
  fs::create_directories(data / "models/cut");
  for (const char* moved : {"config.json", "model.safetensors"}) {
    fs::rename(data / "uploads" / id / moved, data / "models/cut" / moved);
  }
  fs::create_directories(data / "models/empty-left-by-a-cut-commit");
  t.restart();
  EXPECT_FALSE(fs::exists(data / "models/cut"));
  EXPECT_FALSE(fs::exists(data / "models/empty-left-by-a-cut-commit"));
  for (const auto& [name, bytes] : files) {
    EXPECT_EQ(read_file_bytes((data / "uploads" / id / name).string()), bytes) << name;
  }
  auto c = t.client();
  auto model = expect_json(post_json(c, "/uploads/" + id + "/finish", ""), 201);
  EXPECT_EQ(std::string(model["id"].GetString()), "cut");
  for (const auto& [name, bytes] : files) {
    EXPECT_EQ(read_file_bytes((data / "models/cut" / name).string()), bytes) << name;
  }
}

}  // namespace
}  // namespace hyv::studio::testing
