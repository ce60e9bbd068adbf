#include "studio/http_server.h"

#include <sys/socket.h>

#include <string>

#include "studio/api_request.h"
#include "studio/api_routes.h"
#include "studio/static_files.h"

namespace hyv::studio {
namespace {

// "gzip, deflate, br, zstd" -> "gzip, deflate, zstd"
std::string without_brotli(const std::string& accept_encoding) {
  std::string out;
  size_t start = 0;
  while (start <= accept_encoding.size()) {
    size_t end = accept_encoding.find(',', start);
    if (end == std::string::npos) end = accept_encoding.size();
    std::string item = accept_encoding.substr(start, end - start);
    size_t first = item.find_first_not_of(' ');
    bool brotli = first != std::string::npos && item.compare(first, 2, "br") == 0 &&
                  (item.size() == first + 2 || item[first + 2] == ';' || item[first + 2] == ' ');
    if (!brotli && first != std::string::npos)
      out += (out.empty() ? "" : ", ") + item.substr(first);
    start = end + 1;
  }
  return out;
}

ConnectionLimits with_body_limit(ConnectionLimits limits) {
  limits.max_body_bytes = kMaxJsonBodyBytes;
  return limits;
}

}  // namespace

StudioServer::StudioServer(Studio& studio, ServerOptions options)
    : studio_(studio),
      options_(std::move(options)),
      web_dir_(find_web_dir(options_.web_dir)),
      server_(with_body_limit(options_.limits)) {
  server_.new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
  server_.set_payload_max_length(kMaxJsonBodyBytes);
  server_.set_keep_alive_max_count(10000);
  // Headers and body go out in separate writes; without this, Nagle and delayed ACKs add 40 ms.
  server_.set_tcp_nodelay(true);
  server_.set_read_timeout(30);
  server_.set_write_timeout(30);
  // What httplib answers itself (no route, a body over the limit, a malformed request) gets
  // the API's JSON error shape under /api; handlers' own errors already have a body.
  server_.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty() || res.is_chunked_content_provider_) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        std::string message;
        if (res.status == 404) {
          message = "no route " + req.method + " " + req.path;
        } else if (res.status == 413) {
          message = "request body is over the limit of 32 MiB";
        } else {
          message = "HTTP " + std::to_string(res.status) + " for " + req.method + " " + req.path;
        }
        reply_error(res, res.status, error_code_for(res.status), message);
        return httplib::Server::HandlerResponse::Handled;
      }));
  // Debian's libcpp-httplib compresses text and JSON replies with brotli at its slowest quality
  // whenever the client accepts "br", as every browser does: a 100k-row table took 9 s instead of
  // 0.1 s. Offering httplib only the other encodings keeps gzip, which costs little. httplib hands
  // the handler its own request object as const; nothing else holds it yet.
  // A body whose framing is refused is answered before any of it is read (connection_guard.h).
  server_.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (auto refusal = body_refusal(req, kMaxJsonBodyBytes)) {
      reply_error(res, refusal->status, error_code_for(refusal->status), refusal->message);
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    auto& headers = const_cast<httplib::Request&>(req).headers;
    auto it = headers.find("Accept-Encoding");
    if (it != headers.end()) it->second = without_brotli(it->second);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  register_api(server_, studio_, options_.token);
  register_static_files(server_, web_dir_);
}

StudioServer::~StudioServer() {
  stop();
  if (background_.joinable()) background_.join();
}

Result<int> StudioServer::bind() {
  int port = options_.port == 0
                 ? server_.bind_to_any_port(options_.host)
                 : (server_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port >= 0) ::listen(server_.listening_socket(), SOMAXCONN);
  if (port < 0) {
    return Status::Error("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                         " (in use? choose another with --port)");
  }
  return port;
}

void StudioServer::run() {
  server_.listen_after_bind();
}

void StudioServer::start_background() {
  background_ = std::thread([this] { run(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void StudioServer::stop() {
  if (server_.is_running()) server_.stop();
}

}  // namespace hyv::studio
