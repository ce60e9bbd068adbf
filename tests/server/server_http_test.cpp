// The HTTP layer of `hyv serve`: JSON errors for bad JSON (naming the byte), unknown fields and
// unknown routes; 413 for bodies over 32 MiB; the bearer token on mutating requests; the web
// app with its index.html fallback, or a page saying how to build it; event streams whose
// client went away are noticed; a restart keeps finished work and clears what a crash leaves.
#include <set>

#include "studio_fixture.h"

namespace hyv::studio::testing {
namespace {

TEST(ServerHttp, HealthAndBundledModels) {
  TestStudio t;
  auto c = t.client();
  auto h = get_json(c, "/health");
  EXPECT_EQ(std::string(h["status"].GetString()), "ok");
  EXPECT_TRUE(h["version"].IsString());
  auto m = get_json(c, "/models");
  EXPECT_EQ(std::string(m["defaults"]["text"].GetString()), "text-small");
  EXPECT_EQ(std::string(m["defaults"]["code"].GetString()), "code-small");
  std::set<std::string> bundled;
  for (const auto& model : m["models"].GetArray()) {
    if (model["bundled"].GetBool()) bundled.insert(model["id"].GetString());
  }
  EXPECT_EQ(bundled, (std::set<std::string>{"code-small", "text-small"}));
  auto text = get_json(c, "/models/text-small");
  EXPECT_EQ(std::string(text["data_type"].GetString()), "text");
  EXPECT_EQ(std::string(text["architecture"].GetString()), "gpt2");
  EXPECT_GT(text["parameter_count"].GetInt64(), 1000000);
  EXPECT_EQ(text["sha256"].GetStringLength(), 64u);
  expect_error(c.Get((kApi + "/models/nope").c_str()), 404, "not_found");
}

// Debian's httplib would answer a browser with brotli at its slowest setting (seconds for a big
// table); the server offers it only the cheaper encodings.
TEST(ServerHttp, BrowsersGetGzipNotBrotli) {
  TestStudio t;
  auto c = t.client();
  c.set_decompress(false);
  auto r = c.Get((kApi + "/models").c_str(), {{"Accept-Encoding", "gzip, deflate, br, zstd"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Encoding"), "gzip");
  auto br_only = c.Get((kApi + "/models").c_str(), {{"Accept-Encoding", "br"}});
  ASSERT_TRUE(br_only);
  EXPECT_EQ(br_only->get_header_value("Content-Encoding"), "");
  EXPECT_EQ(br_only->body.front(), '{');
}

TEST(ServerHttp, BadJsonNamesTheProblem) {
  TestStudio t;
  auto c = t.client();
  std::string m = expect_error(post_json(c, "/jobs", R"({"type": "text",, })"), 400, "bad_request");
  EXPECT_NE(m.find("byte 16"), std::string::npos) << m;
  m = expect_error(post_json(c, "/jobs", "[1, 2]"), 400, "bad_request");
  EXPECT_NE(m.find("object"), std::string::npos) << m;
  m = expect_error(post_json(c, "/jobs", ""), 400, "bad_request");
  EXPECT_NE(m.find("byte 0"), std::string::npos) << m;
  m = expect_error(post_json(c, "/jobs", R"({"params": {}})"), 400, "bad_request");
  EXPECT_NE(m.find("type: required"), std::string::npos) << m;
  // Deep nesting is an error message, not a crashed server thread.
  std::string deep = R"({"type":"text","params":{"stop":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}}";
  expect_error(post_json(c, "/jobs", deep), 400, "bad_request");
  EXPECT_EQ(get_json(c, "/health")["status"], "ok");
}

TEST(ServerHttp, OversizedBodiesAre413) {
  TestStudio t;
  auto c = t.client();
  std::string big = R"({"type":"text","name":")" + std::string((32u << 20) + 10, 'a') + "\"}";
  expect_error(post_json(c, "/jobs", big), 413, "too_large");
  // The connection and the server still work.
  EXPECT_EQ(get_json(c, "/health")["status"], "ok");
  EXPECT_EQ(get_json(c, "/jobs")["jobs"].Size(), 0u);
}

TEST(ServerHttp, UnknownRoutesAreJson404) {
  TestStudio t;
  auto c = t.client();
  EXPECT_NE(
      expect_error(c.Get((kApi + "/nothing").c_str()), 404, "not_found").find("/api/v1/nothing"),
      std::string::npos);
  expect_error(c.Delete((kApi + "/jobs").c_str()), 404, "not_found");
  expect_error(c.Post((kApi + "/datasets").c_str(), "{}", "application/json"), 404, "not_found");
  expect_error(c.Get((kApi + "/jobs/nope").c_str()), 404, "not_found");
  expect_error(c.Get((kApi + "/jobs/nope/events").c_str()), 404, "not_found");
}

TEST(ServerHttp, TokenGuardsMutatingRequests) {
  TestStudio t({.token = "s3cret"});
  auto anonymous = t.client(false);
  auto c = t.client();
  constexpr const char* kJob = R"({"type":"text","params":{"samples":1,"max_tokens":2}})";
  std::string m = expect_error(post_json(anonymous, "/jobs", kJob), 401, "unauthorized");
  EXPECT_NE(m.find("Bearer"), std::string::npos) << m;
  httplib::Client wrong("127.0.0.1", t.port());
  wrong.set_default_headers({{"Authorization", "Bearer s3cre"}});
  expect_error(post_json(wrong, "/jobs", kJob), 401, "unauthorized");
  expect_error(anonymous.Delete((kApi + "/datasets/x").c_str()), 401, "unauthorized");
  expect_error(anonymous.Put((kApi + "/defaults/text").c_str(), "{}", "application/json"), 401,
               "unauthorized");
  EXPECT_EQ(get_json(anonymous, "/jobs")["jobs"].Size(), 0u) << "GETs are open";
  std::string ds = run_job(c, kJob);
  EXPECT_EQ(get_json(anonymous, "/datasets/" + ds)["manifest"]["id"], ds.c_str());
}

TEST(ServerHttp, ServesTheWebAppWithIndexFallback) {
  fs::path web = fs::temp_directory_path() / ("hyv-web-test-" + std::to_string(::getpid()));
  fs::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<!doctype html><title>Hyv Studio</title>";
  std::ofstream(web / "assets/app-1234.js") << "console.log(1)";
  {
    TestStudio t({.web_dir = web.string()});
    auto c = t.client();
    for (const char* path : {"/", "/library", "/datasets/ds-1"}) {
      auto r = c.Get(path);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200) << path;
      EXPECT_EQ(r->body, "<!doctype html><title>Hyv Studio</title>") << path;
      EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
    }
    auto js = c.Get("/assets/app-1234.js");
    ASSERT_TRUE(js);
    EXPECT_EQ(js->body, "console.log(1)");
    EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_NE(js->get_header_value("Cache-Control").find("immutable"), std::string::npos);
    auto escape = c.Get("/../../etc/passwd");
    ASSERT_TRUE(escape);
    EXPECT_EQ(escape->body.find("root:"), std::string::npos);
  }
  fs::remove_all(web);
  TestStudio bare;
  auto c = bare.client();
  auto r = c.Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("make web"), std::string::npos);
}

TEST(ServerHttp, AStreamWhoseClientLeftIsClosed) {
  TestStudio t({.start_workers = false});
  auto c = t.client();
  std::string id = submit(c, R"({"type":"text","params":{"samples":1,"max_tokens":2}})");
  {
    auto sc = t.client();
    std::string got;
    sc.Get((kApi + "/jobs/" + id + "/events").c_str(), [&](const char* data, size_t n) {
      got.append(data, n);
      return got.find("\n\n") == std::string::npos;  // hang up after the first event
    });
    EXPECT_EQ(got.rfind("event: job\n", 0), 0u) << got;
  }
  // The heartbeat's failed write ends the stream and frees its subscription.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (t.studio().events().subscribers() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(t.studio().events().subscribers(), 0u);
}

TEST(ServerHttp, RestartKeepsFinishedWorkAndClearsLeftovers) {
  TestStudio t;
  auto c = t.client();
  std::string ds = run_job(c, R"({"type":"text","params":{"samples":2,"max_tokens":6}})");
  std::string bytes = download(c, ds, "format=jsonl");
  // What a crash can leave: a dataset folder committed without its manifest, temp files.
  fs::create_directories(t.dir() / "data/datasets/ds-orphan");
  std::ofstream(t.dir() / "data/datasets/ds-orphan/samples.jsonl") << "{}\n";
  fs::create_directories(t.dir() / "data/tmp/job-x-1");
  std::ofstream(t.dir() / "data/tmp/job-x-1/samples.jsonl") << "{}\n";
  t.restart();
  EXPECT_FALSE(fs::exists(t.dir() / "data/datasets/ds-orphan"));
  EXPECT_TRUE(fs::is_empty(t.dir() / "data/tmp"));
  auto c2 = t.client();
  EXPECT_EQ(download(c2, ds, "format=jsonl"), bytes);
  auto jobs = get_json(c2, "/jobs");
  ASSERT_EQ(jobs["jobs"].Size(), 1u);
  EXPECT_EQ(std::string(jobs["jobs"][0]["state"].GetString()), "succeeded");
}

}  // namespace
}  // namespace hyv::studio::testing
