// A real Hyv Studio for server tests: its own data dir, the bundled models, an HTTP server on a
// free loopback port, and a client with helpers for JSON, jobs and Server-Sent Events.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "scratch_dir.h"
#include "studio/http_server.h"
#include "studio/studio.h"

namespace hyv::studio::testing {

namespace fs = std::filesystem;

inline std::string source_path(const std::string& rel) {
  return std::string(HYV_SOURCE_DIR) + "/" + rel;
}

inline std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  EXPECT_FALSE(d.HasParseError()) << "not JSON: " << text.substr(0, 300);
  return d;
}

inline std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return buf.GetString();
}

struct SseEvent {
  std::string name;
  std::string data;
};

// Splits an event-stream body into events; comment lines (heartbeats) are dropped.
inline std::vector<SseEvent> parse_sse(const std::string& body) {
  std::vector<SseEvent> out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find("\n\n", pos);
    if (end == std::string::npos) break;
    std::string block = body.substr(pos, end - pos);
    pos = end + 2;
    SseEvent e;
    std::istringstream lines(block);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("event: ", 0) == 0) e.name = line.substr(7);
      if (line.rfind("data: ", 0) == 0) e.data += line.substr(6);
    }
    if (!e.name.empty()) out.push_back(e);
  }
  return out;
}

struct TestStudioOptions {
  std::string token;
  bool start_workers = true;
  int jobs = 2;
  std::string web_dir;  // empty: a folder without an app
  ConnectionLimits limits;
};

class TestStudio {
 public:
  using Options = TestStudioOptions;

  explicit TestStudio(Options options = Options()) : options_(options) {
    dir_ = fresh_scratch_dir("hyv-server-test");
    open();
  }

  ~TestStudio() {
    close();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Stops and opens the studio again on the same data dir (a clean restart).
  void restart() {
    close();
    open();
  }

  void start_workers() { studio_->start_workers(); }

  httplib::Client client(bool with_token = true) const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(120);
    c.set_write_timeout(120);
    if (with_token && !options_.token.empty()) {
      c.set_default_headers({{"Authorization", "Bearer " + options_.token}});
    }
    return c;
  }

  Studio& studio() { return *studio_; }
  const fs::path& dir() const { return dir_; }
  int port() const { return port_; }
  const ConnectionLimits& limits() const { return options_.limits; }

 private:
  void open() {
    StudioOptions so;
    so.data_dir = (dir_ / "data").string();
    so.jobs = options_.jobs;
    auto s = Studio::open(so);
    ASSERT_TRUE(s.ok()) << s.status().message();
    studio_ = std::move(s).value();
    if (options_.start_workers) studio_->start_workers();
    std::string web = options_.web_dir.empty() ? (dir_ / "no-web").string() : options_.web_dir;
    server_ = std::make_unique<StudioServer>(
        *studio_, ServerOptions{"127.0.0.1", 0, options_.token, web, options_.limits});
    auto port = server_->bind();
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = port.value();
    server_->start_background();
  }

  void close() {
    if (studio_) studio_->stop();
    server_.reset();
    studio_.reset();
  }

  Options options_;
  fs::path dir_;
  std::unique_ptr<Studio> studio_;
  std::unique_ptr<StudioServer> server_;
  int port_ = 0;
};

inline const std::string kApi = "/api/v1";

// Body as JSON, after checking the status.
inline rapidjson::Document expect_json(const httplib::Result& r, int status) {
  EXPECT_TRUE(r) << "no response: " << httplib::to_string(r.error());
  if (!r) return parse("{}");
  EXPECT_EQ(r->status, status) << r->body.substr(0, 500);
  return parse(r->body);
}

// The error object of a failed request, after checking its status and code.
inline std::string expect_error(const httplib::Result& r, int status, const std::string& code) {
  auto d = expect_json(r, status);
  if (!d.IsObject() || !d.HasMember("error")) {
    ADD_FAILURE() << "no error object";
    return "";
  }
  EXPECT_EQ(std::string(d["error"]["code"].GetString()), code);
  return d["error"]["message"].GetString();
}

inline httplib::Result post_json(httplib::Client& c, const std::string& path,
                                 const std::string& body) {
  return c.Post((kApi + path).c_str(), body, "application/json");
}

// Submits a job; returns its id.
inline std::string submit(httplib::Client& c, const std::string& body) {
  auto d = expect_json(post_json(c, "/jobs", body), 201);
  return d.IsObject() && d.HasMember("id") ? d["id"].GetString() : "";
}

inline rapidjson::Document get_json(httplib::Client& c, const std::string& path, int status = 200) {
  return expect_json(c.Get((kApi + path).c_str()), status);
}

// Polls until the job has stopped (or 120 s pass); returns it.
inline rapidjson::Document wait_job(httplib::Client& c, const std::string& id) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    auto d = get_json(c, "/jobs/" + id);
    std::string state = d.IsObject() && d.HasMember("state") ? d["state"].GetString() : "";
    if ((state != "queued" && state != "running") || std::chrono::steady_clock::now() > deadline) {
      return d;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Runs a job to the end and returns its dataset id (failing the test if it did not succeed).
inline std::string run_job(httplib::Client& c, const std::string& body) {
  std::string id = submit(c, body);
  auto job = wait_job(c, id);
  EXPECT_EQ(std::string(job["state"].GetString()), "succeeded") << to_json(job);
  return job["dataset_id"].IsString() ? job["dataset_id"].GetString() : "";
}

inline std::string download(httplib::Client& c, const std::string& dataset,
                            const std::string& query) {
  auto r = c.Get((kApi + "/datasets/" + dataset + "/download?" + query).c_str());
  EXPECT_TRUE(r);
  if (!r) return "";
  EXPECT_EQ(r->status, 200) << r->body.substr(0, 300);
  return r->body;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace hyv::studio::testing
