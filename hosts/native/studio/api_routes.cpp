#include "studio/api_routes.h"

#include <openssl/crypto.h>

#include <cstdio>

#include "studio/api_handlers.h"
#include "studio/api_request.h"

namespace hyv::studio {
namespace {

struct RouteDef {
  const char* method;
  const char* path;  // under kApiPrefix
  ApiHandler handler;
};

constexpr RouteDef kRoutes[] = {
    {"GET", "/health", get_health},
    {"GET", "/models", get_models},
    {"GET", "/models/{id}", get_model},
    {"DELETE", "/models/{id}", delete_model},
    {"PUT", "/defaults/{type}", put_default},
    {"POST", "/uploads", post_upload},
    {"GET", "/uploads/{id}", get_upload},
    {"DELETE", "/uploads/{id}", delete_upload},
    {"PUT", "/uploads/{id}/files/{name}", put_upload_file},
    {"POST", "/uploads/{id}/finish", post_upload_finish},
    {"POST", "/jobs", post_job},
    {"GET", "/jobs", get_jobs},
    {"GET", "/jobs/{id}", get_job},
    {"POST", "/jobs/{id}/cancel", post_job_cancel},
    {"POST", "/jobs/{id}/retry", post_job_retry},
    {"GET", "/jobs/{id}/events", get_job_events},
    {"GET", "/datasets", get_datasets},
    {"GET", "/datasets/{id}", get_dataset},
    {"DELETE", "/datasets/{id}", delete_dataset},
    {"GET", "/datasets/{id}/rows", get_dataset_rows},
    {"GET", "/datasets/{id}/download", get_dataset_download},
    {"PUT", "/datasets/{id}/rating", put_dataset_rating},
    {"GET", "/datasets/{id}/rating", get_dataset_rating},
    {"POST", "/datasets/{id}/regenerate", post_dataset_regenerate},
};

// "/jobs/{id}/events" -> "/api/v1/jobs/([^/]+)/events"
std::string path_regex(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      i = path.find('}', i);
      out += "([^/]+)";
    } else if (path[i] == '.') {
      out += "\\.";
    } else {
      out += path[i];
    }
  }
  return kApiPrefix + out;
}

bool authorized(const httplib::Request& req, const std::string& token) {
  std::string expected = "Bearer " + token;
  std::string given = req.get_header_value("Authorization");
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

httplib::Server::Handler wrap(Studio& studio, const RouteDef& route, const std::string& token) {
  bool mutating = std::string_view(route.method) != "GET";
  ApiHandler handler = route.handler;
  return [&studio, handler, mutating, token](const httplib::Request& req, httplib::Response& res) {
    try {
      if (mutating && !token.empty() && !authorized(req, token)) {
        throw_error(401,
                    "this server needs its token: send \"Authorization: Bearer <token>\" "
                    "(the URL hyv serve printed ends with #token=...)");
      }
      handler(studio, req, res);
    } catch (const ApiError& e) {
      reply_error(res, e.status, e.code, e.what());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "hyv serve: %s %s: %s\n", req.method.c_str(), req.path.c_str(),
                   e.what());
      reply_error(res, 500, "internal", e.what());
    }
  };
}

}  // namespace

std::vector<ApiRoute> api_routes() {
  std::vector<ApiRoute> out;
  for (const RouteDef& r : kRoutes) out.push_back({r.method, kApiPrefix + std::string(r.path)});
  return out;
}

void register_api(httplib::Server& server, Studio& studio, const std::string& token) {
  for (const RouteDef& r : kRoutes) {
    std::string method = r.method, pattern = path_regex(r.path);
    auto h = wrap(studio, r, token);
    if (method == "GET") server.Get(pattern, h);
    if (method == "POST") server.Post(pattern, h);
    if (method == "PUT") server.Put(pattern, h);
    if (method == "DELETE") server.Delete(pattern, h);
  }
  server.Get("/api/.*", [](const httplib::Request& req, httplib::Response& res) {
    reply_error(res, 404, "not_found", "no API route GET " + req.path);
  });
}

}  // namespace hyv::studio
