// GuardedServer: httplib's server with each connection's reading bounded, so that slow or hostile
// clients cannot hold the worker threads (httplib gives every open connection a thread of its
// own, and its read timeout restarts with each byte: 129 clients sending a byte a second used to
// starve every other request).
//   - A request's line and headers must arrive within `header_ms` of its first byte.
//   - Its body must then arrive at `min_body_bytes_per_s` or faster, after the same grace.
//   - One client address holds at most `connections_per_client` connections at once; the next
//     one is answered 503 at once and closed.
//   - Bodies are framed by Content-Length only: a request without one has an empty body (RFC
//     9112 6.3), one whose Content-Length is not a decimal byte count, is given twice, or is far
//     over the body limit is answered at once without reading the body (body_refusal), and the
//     connection is closed. A chunked body is refused: httplib would buffer it without a limit.
//
//   GuardedServer server(limits);    // then register routes and listen as with httplib::Server
#pragma once

#include <httplib.h>

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace hyv::studio {

struct ConnectionLimits {
  int header_ms = 10'000;
  size_t min_body_bytes_per_s = 256u << 10;
  int connections_per_client = 64;
  size_t max_body_bytes = 32u << 20;
};

struct BodyRefusal {
  int status;
  std::string message;
};

// Why a request's body framing is refused before any of the body is read, or nothing. A
// Content-Length over the limit but within twice of it is not refused here: httplib reads and
// drops such a body, so a client that sends it before reading the answer still gets its 413.
std::optional<BodyRefusal> body_refusal(const httplib::Request& req, size_t max_body_bytes);

class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(ConnectionLimits limits) : limits_(limits) {}

  int listening_socket() const { return static_cast<int>(svr_sock_.load()); }
  const ConnectionLimits& limits() const { return limits_; }

 private:
  bool process_and_close_socket(socket_t sock) override;
  void serve_requests(socket_t sock);
  // Counts a connection from `address`; false when that address already has its most.
  bool admit(const std::string& address);
  void release(const std::string& address);

  ConnectionLimits limits_;
  std::mutex clients_mutex_;
  std::map<std::string, int> open_per_client_;
};

}  // namespace hyv::studio
