#include "studio/connection_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace hyv::studio {
namespace {

using Clock = std::chrono::steady_clock;

std::string mib(size_t bytes) {
  return std::to_string(bytes >> 20) + " MiB";
}

// The IP address and port of either end of a socket (getpeername or getsockname).
template <typename Get>
void socket_address(Get get, socket_t sock, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  ip.clear();
  port = 0;
  if (get(sock, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text));
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof(text));
    port = ntohs(a->sin6_port);
  }
  ip = text;
}

// A socket stream like httplib's own, whose reads also stop at a deadline: httplib's read
// timeout applies to each wait for a byte, so a client sending one byte a second never times out.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(socket_t sock, int read_timeout_ms, int write_timeout_ms)
      : sock_(sock), read_timeout_ms_(read_timeout_ms), write_timeout_ms_(write_timeout_ms) {}

  void set_read_deadline(Clock::time_point t) { deadline_ = t; }
  bool has_buffered() const { return pos_ < len_; }

  bool is_readable() const override {
    if (pos_ < len_) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) return false;
    return wait(POLLIN, std::min<long long>(read_timeout_ms_, left.count()));
  }

  // As httplib's: writable within the write timeout, and the client has not gone away (event
  // streams notice a closed tab this way).
  bool is_writable() const override { return wait(POLLOUT, write_timeout_ms_) && peer_open(); }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ == len_) {
      if (!is_readable()) return -1;
      // Large reads (bodies) go straight to the caller; small ones (header lines, read a byte at
      // a time by httplib) through the buffer.
      if (size >= sizeof(buf_)) return recv_some(ptr, size);
      ssize_t n = recv_some(buf_, sizeof(buf_));
      if (n <= 0) return n;
      pos_ = 0, len_ = size_t(n);
    }
    size_t k = std::min(size, len_ - pos_);
    std::memcpy(ptr, buf_ + pos_, k);
    pos_ += k;
    return ssize_t(k);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    for (;;) {
      ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    socket_address(::getpeername, sock_, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    socket_address(::getsockname, sock_, ip, port);
  }
  socket_t socket() const override { return sock_; }

 private:
  bool wait(short events, long long timeout_ms) const {
    pollfd p{sock_, events, 0};
    for (;;) {
      int r = ::poll(&p, 1, int(timeout_ms));
      if (r < 0 && errno == EINTR) continue;
      return r > 0 && (p.revents & (events | POLLHUP)) != 0;
    }
  }

  bool peer_open() const {
    if (!wait(POLLIN, 0)) return true;
    char c;
    ssize_t n = ::recv(sock_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
  }

  ssize_t recv_some(char* ptr, size_t size) {
    for (;;) {
      ssize_t n = ::recv(sock_, ptr, size, 0);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

  socket_t sock_;
  int read_timeout_ms_, write_timeout_ms_;
  Clock::time_point deadline_ = Clock::now();
  char buf_[4096];
  size_t pos_ = 0, len_ = 0;
};

// Closes after an answer given without reading the whole request: the client's unread bytes
// would make the kernel reset the connection and could destroy the answer before it is read.
void close_after_draining(socket_t sock) {
  ::shutdown(sock, SHUT_WR);
  auto until = Clock::now() + std::chrono::milliseconds(500);
  char buf[4096];
  for (size_t drained = 0; drained < (1u << 20) && Clock::now() < until;) {
    pollfd p{sock, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::recv(sock, buf, sizeof(buf), MSG_DONTWAIT);
    if (n <= 0) break;
    drained += size_t(n);
  }
  ::close(sock);
}

void send_all(socket_t sock, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(sock, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    sent += size_t(n);
  }
}

std::string peer_address(socket_t sock) {
  std::string ip;
  int port = 0;
  socket_address(::getpeername, sock, ip, port);
  return ip;
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 19 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool has_body_method(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

std::optional<BodyRefusal> body_refusal(const httplib::Request& req, size_t max_body_bytes) {
  if (req.has_header("Transfer-Encoding")) {
    return BodyRefusal{411,
                       req.method + " " + req.path +
                           ": send the body with a Content-Length header (Transfer-Encoding \"" +
                           req.get_header_value("Transfer-Encoding") + "\" is not accepted)"};
  }
  size_t count = req.get_header_value_count("Content-Length");
  if (count == 0) return std::nullopt;
  std::string length = req.get_header_value("Content-Length");
  for (size_t i = 1; i < count; ++i) {
    if (req.get_header_value("Content-Length", i) != length) {
      return BodyRefusal{400, req.method + " " + req.path +
                                  ": the request has several different Content-Length headers"};
    }
  }
  if (!all_digits(length)) {
    return BodyRefusal{400, req.method + " " + req.path +
                                ": Content-Length must be a decimal number of bytes, not \"" +
                                length.substr(0, 40) + "\""};
  }
  uint64_t bytes = std::stoull(length);
  if (bytes > 2 * uint64_t(max_body_bytes)) {
    return BodyRefusal{413, req.method + " " + req.path + ": a body of " + length +
                                " bytes is over the limit of " + mib(max_body_bytes)};
  }
  return std::nullopt;
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  std::string address = peer_address(sock);
  if (!admit(address)) {
    std::string body = R"({"error":{"code":"busy","message":"too many connections from )" +
                       address + " (" + std::to_string(limits_.connections_per_client) +
                       R"( open): close some and retry"}})";
    send_all(sock,
             "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
             "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body);
    close_after_draining(sock);
    return false;
  }
  serve_requests(sock);
  release(address);
  return true;
}

// httplib's keep-alive loop, over a DeadlineStream: each request gets a fresh read deadline.
void GuardedServer::serve_requests(socket_t sock) {
  auto ms = [](time_t s, time_t us) { return int(s * 1000 + us / 1000); };
  DeadlineStream stream(sock, ms(read_timeout_sec_, read_timeout_usec_),
                        ms(write_timeout_sec_, write_timeout_usec_));
  bool refused = false;
  for (size_t count = keep_alive_max_count_; count > 0; --count) {
    // Wait for the next request, noticing a stop() within a tenth of a second.
    auto idle_until = Clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
    stream.set_read_deadline(idle_until);
    bool ready = stream.has_buffered();
    while (!ready && svr_sock_ != INVALID_SOCKET && Clock::now() < idle_until) {
      pollfd p{sock, POLLIN, 0};
      ready = ::poll(&p, 1, 100) > 0;
    }
    if (!ready || svr_sock_ == INVALID_SOCKET) break;

    auto header_grace = std::chrono::milliseconds(limits_.header_ms);
    stream.set_read_deadline(Clock::now() + header_grace);
    auto on_headers = [&](httplib::Request& req) {
      if (body_refusal(req, limits_.max_body_bytes)) {
        refused = true;  // answered by the pre-routing handler; the body stays unread
        return;
      }
      if (!req.has_header("Content-Length") && has_body_method(req.method)) {
        req.set_header("Content-Length", "0");
      }
      uint64_t body = req.has_header("Content-Length")
                          ? std::stoull(req.get_header_value("Content-Length"))
                          : 0;
      auto body_ms = std::chrono::milliseconds(body * 1000 / limits_.min_body_bytes_per_s);
      stream.set_read_deadline(Clock::now() + header_grace + body_ms);
    };
    bool connection_closed = false;
    bool ok = process_request(stream, count == 1, connection_closed, on_headers);
    if (!ok || connection_closed || refused) break;
  }
  if (refused) return close_after_draining(sock);
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
}

bool GuardedServer::admit(const std::string& address) {
  std::lock_guard<std::mutex> lock(clients_mutex_);
  int& open = open_per_client_[address];
  if (open >= limits_.connections_per_client) return false;
  ++open;
  return true;
}

void GuardedServer::release(const std::string& address) {
  std::lock_guard<std::mutex> lock(clients_mutex_);
  auto it = open_per_client_.find(address);
  if (it != open_per_client_.end() && --it->second == 0) open_per_client_.erase(it);
}

}  // namespace hyv::studio
