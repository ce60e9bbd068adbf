// StudioServer: the HTTP side of `hyv serve`, on cpp-httplib: the API routes (api_routes.h),
// the web app (static_files.h), body limits and JSON errors for what httplib refuses itself.
//
//   StudioServer server(studio, {.host = "127.0.0.1", .port = 0});
//   int port = server.bind().value();   // 0 picks a free port (tests)
//   server.run();                        // until stop() from another thread
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include "studio/connection_guard.h"
#include "studio/studio.h"

namespace hyv::studio {

// Enough threads for every long-lived SSE stream of a few browsers plus a load test's 64
// keep-alive connections: httplib gives each connection a thread while it is open.
inline constexpr size_t kHttpThreads = 128;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string token;        // empty: no auth
  std::string web_dir;      // empty: find_web_dir("")
  ConnectionLimits limits;  // max_body_bytes is always kMaxJsonBodyBytes
};

class StudioServer {
 public:
  StudioServer(Studio& studio, ServerOptions options);
  ~StudioServer();

  // Binds the listening socket; the port actually bound (options.port, or a free one for 0).
  Result<int> bind();
  // Serves until stop(); call after bind().
  void run();
  // run() on a background thread (tests).
  void start_background();
  void stop();

  const std::string& web_dir() const { return web_dir_; }

 private:
  Studio& studio_;
  ServerOptions options_;
  std::string web_dir_;
  GuardedServer server_;
  std::thread background_;
};

}  // namespace hyv::studio
