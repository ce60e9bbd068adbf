// `hyv serve` against hostile clients (issue "Hostile input found by hand"): a schema job whose
// formula nests 100,000 unary minus signs used to overflow a worker's stack and take the whole
// server down; clients sending a byte a second held every HTTP thread; a POST without
// Content-Length, or with one of 10^12 or -5, held a thread for 30 s. Each now gets an answer at
// once and the server goes on answering everyone else.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "studio_fixture.h"

namespace hyv::studio::testing {
namespace {

// A raw loopback connection from `from` (any 127.x.y.z address reaches a server on 127.0.0.1),
// whose reads give up after `timeout_s`.
class RawClient {
 public:
  RawClient(int port, const char* from = "127.0.0.1", int timeout_s = 10) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &local.sin_addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)), 0);
    timeval tv{timeout_s, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(uint16_t(port));
    ::inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&server), sizeof(server)) == 0;
    EXPECT_TRUE(connected_) << "connect from " << from;
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool send_bytes(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size());
  }

  // Everything until the server closes the connection or the read times out (closed() tells).
  std::string read_all() {
    std::string out;
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        closed_ = n == 0 || errno == ECONNRESET;
        return out;
      }
      out.append(buf, size_t(n));
    }
  }
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
};

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

std::string body_of(const std::string& response) {
  size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

TEST(ServerHostile, FormulaNestedTooDeeplyIsAnErrorNotACrash) {
  TestStudio t;
  auto c = t.client();
  std::string formula = std::string(100000, '-') + "1";
  std::string job =
      R"({"type":"table","params":{"mode":"schema","rows":5,"schema":{"tables":[{"name":"t",)"
      R"("columns":[{"name":"x","type":"integer","min":0,"max":9},)"
      R"({"name":"y","type":"formula","formula":")" +
      formula + R"("}]}]}}})";
  auto r = post_json(c, "/jobs", job);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  if (r->status == 201) {
    // Accepted jobs must fail cleanly, with the parser's message.
    std::string id = parse(r->body)["id"].GetString();
    auto done = wait_job(c, id);
    EXPECT_EQ(std::string(done["state"].GetString()), "failed") << to_json(done);
    EXPECT_NE(to_json(done).find("nested too deeply"), std::string::npos) << to_json(done);
  } else {
    EXPECT_EQ(r->status, 400) << r->body;
    EXPECT_NE(r->body.find("nested too deeply"), std::string::npos) << r->body;
  }
  EXPECT_EQ(get_json(c, "/health")["status"], "ok");
}

// 129 connections trickling a request a byte at a time from one address, and the 129th from
// another: the slow address gets at most its share of the threads, the rest are answered 503 at
// once, everyone else is served, and the slow requests are cut at the header deadline.
TEST(ServerHostile, SlowClientsDoNotStarveOthers) {
  TestStudioOptions o;
  o.limits.header_ms = 1500;
  TestStudio t(o);
  const std::string request = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 129; ++i) {
    slow.push_back(std::make_unique<RawClient>(t.port(), "127.0.0.2", 20));
    slow.back()->send_bytes(request.substr(0, 1));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (auto& s : slow) s->send_bytes(request.substr(1, 1));

  auto c = t.client();
  c.set_read_timeout(5);
  EXPECT_EQ(get_json(c, "/health")["status"], "ok");

  int refused = 0, cut = 0;
  for (auto& s : slow) {
    std::string response = s->read_all();
    if (status_line(response) == "HTTP/1.1 503 Service Unavailable") {
      ++refused;
      EXPECT_NE(body_of(response).find("too many connections from 127.0.0.2"), std::string::npos)
          << response;
    } else {
      EXPECT_EQ(response, "");   // closed at the header deadline, unanswered ...
      EXPECT_TRUE(s->closed());  // ... by the server, long before the client's 20 s timeout
      ++cut;
    }
  }
  EXPECT_EQ(cut, t.limits().connections_per_client);
  EXPECT_EQ(refused, 129 - t.limits().connections_per_client);
  // Once cut, the address may connect again.
  RawClient again(t.port(), "127.0.0.2");
  again.send_bytes(request);
  EXPECT_EQ(status_line(again.read_all().substr(0, 100)), "HTTP/1.1 200 OK");
}

struct FramingCase {
  const char* what;
  std::string head;  // request line and headers, without the blank line
  int status;
  const char* message;
};

TEST(ServerHostile, BodyFramingIsAnsweredWithoutWaitingForTheBody) {
  TestStudio t;
  const FramingCase cases[] = {
      {"no Content-Length: an empty body",
       "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nConnection: close", 400, "byte 0"},
      {"10^12 bytes", "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000", 413,
       "a body of 1000000000000 bytes is over the limit of 32 MiB"},
      {"negative", "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: -5", 400,
       "Content-Length must be a decimal number of bytes, not \\\"-5\\\""},
      {"two lengths",
       "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 20", 400,
       "several different Content-Length headers"},
      {"chunked", "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked", 411,
       "send the body with a Content-Length header"},
  };
  for (const FramingCase& fc : cases) {
    SCOPED_TRACE(fc.what);
    // The 10 s read timeout is well under httplib's 30 s wait for a body that never comes.
    RawClient raw(t.port(), "127.0.0.1", 10);
    raw.send_bytes(fc.head + "\r\n\r\n");
    std::string response = raw.read_all();
    EXPECT_EQ(status_line(response).substr(0, 12), "HTTP/1.1 " + std::to_string(fc.status))
        << response;
    EXPECT_NE(body_of(response).find(fc.message), std::string::npos) << response;
  }
  auto c = t.client();
  EXPECT_EQ(get_json(c, "/health")["status"], "ok");
  EXPECT_EQ(get_json(c, "/jobs")["jobs"].Size(), 0u);
}

// A body sent slower than the floor rate is cut instead of holding its thread.
TEST(ServerHostile, TricklingBodyIsCut) {
  TestStudioOptions o;
  o.limits.header_ms = 1000;
  TestStudio t(o);
  RawClient raw(t.port(), "127.0.0.1", 20);
  raw.send_bytes("POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  bool open = true;
  while (open && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    open = raw.send_bytes(" ");
  }
  // The server hung up within the 4 s (a send to a closed connection fails once it is reset).
  EXPECT_FALSE(open);
  std::string response = raw.read_all();
  EXPECT_TRUE(response.empty() || status_line(response).substr(0, 12) == "HTTP/1.1 400")
      << response;
  auto c = t.client();
  EXPECT_EQ(get_json(c, "/health")["status"], "ok");
}

// Static files: every spelling of a way out of the web folder (dot segments plain, encoded, mixed
// case or encoded twice, encoded slashes and backslashes, absolute paths, NUL) is refused before
// the file system sees it, and a symbolic link inside the folder does not serve a file outside.
TEST(ServerHostile, StaticFilesRefuseTraversal) {
  fs::path base = fresh_scratch_dir("hyv-static-test");
  fs::path web = base / "web";
  fs::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<!doctype html><title>index</title>";
  std::ofstream(web / "assets/app.js") << "console.log(1)";
  const std::string secret = "SECRET-OUTSIDE-THE-WEB-ROOT";
  std::ofstream(base / "outside.txt") << secret;
  fs::create_symlink("../outside.txt", web / "leak.txt");
  fs::create_directory_symlink("../..", web / "assets/up");
  TestStudio t({.web_dir = web.string()});
  const std::string abs = (base / "outside.txt").string();  // starts with '/'
  const char* refused[] = {
      "/../outside.txt",
      "/assets/../../outside.txt",
      "/%2e%2e/outside.txt",
      "/%2E%2E/outside.txt",
      "/.%2e/outside.txt",
      "/%2e./outside.txt",
      "/assets/%2e%2e/%2e%2e/outside.txt",
      "/..%2foutside.txt",
      "/%2e%2e%2foutside.txt",
      "/assets%2f..%2f..%2foutside.txt",
      "/%252e%252e/outside.txt",
      "/%252e%252e%252foutside.txt",
      "/assets/%252e%252e/%252e%252e/outside.txt",
      "/..%5coutside.txt",
      "/..\\outside.txt",
      "/assets\\..\\..\\outside.txt",
      "/%255c..%255coutside.txt",
      "/index.html%00.js",
      "/assets/app.js%00",
      "/%00",
      "/%2500",
      "/./index.html",
      "/assets/./app.js",
      "/..",
      "/%2e%2e",
      "/assets/..",
  };
  auto get_raw = [&](const std::string& target) {
    RawClient raw(t.port());
    raw.send_bytes("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    return raw.read_all();
  };
  std::vector<std::string> targets(std::begin(refused), std::end(refused));
  targets.push_back("/" + abs);  // "//tmp/...": an absolute path after the first slash
  targets.push_back("/%2f" + abs.substr(1));
  for (const std::string& target : targets) {
    SCOPED_TRACE(target);
    std::string response = get_raw(target);
    EXPECT_EQ(response.find(secret), std::string::npos) << response;
    EXPECT_EQ(status_line(response), "HTTP/1.1 400 Bad Request") << response;
    EXPECT_NE(body_of(response).find("path refused"), std::string::npos) << response;
  }
  // Paths that are no file of the app (absolute paths without the doubled slash, symbolic links
  // out of the folder) get the app's index page, never the file.
  for (const std::string& target :
       std::vector<std::string>{abs, "/leak.txt", "/assets/up/outside.txt"}) {
    SCOPED_TRACE(target);
    std::string response = get_raw(target);
    EXPECT_EQ(response.find(secret), std::string::npos) << response;
    EXPECT_EQ(status_line(response), "HTTP/1.1 200 OK") << response;
    EXPECT_EQ(body_of(response), "<!doctype html><title>index</title>") << response;
  }
  // The app's own files are still served, and the API paths refuse ids that try the same.
  EXPECT_EQ(body_of(get_raw("/assets/app.js")), "console.log(1)");
  for (const char* target : {"/api/v1/datasets/..%2f..%2fhyv.sqlite/download",
                             "/api/v1/datasets/%2e%2e/download", "/api/v1/models/..%2fhyv.lock"}) {
    SCOPED_TRACE(target);
    std::string response = get_raw(target);
    EXPECT_EQ(status_line(response).substr(0, 10), "HTTP/1.1 4") << response;
    EXPECT_EQ(response.find("SQLite format"), std::string::npos);
  }
  auto c = t.client();
  EXPECT_EQ(get_json(c, "/health")["status"], "ok");
}

}  // namespace
}  // namespace hyv::studio::testing
