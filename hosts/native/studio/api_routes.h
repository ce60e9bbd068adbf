// The route table of the HTTP API under /api/v1: which handler serves which method and path.
// docs/api.yaml documents the same table; tests/server/api_spec_test.cpp checks that both agree.
#pragma once

#include <httplib.h>

#include <string>
#include <vector>

#include "studio/studio.h"

namespace hyv::studio {

inline constexpr const char* kApiPrefix = "/api/v1";

struct ApiRoute {
  std::string method;  // GET, POST, PUT, DELETE
  std::string path;    // OpenAPI form: /api/v1/jobs/{id}
};

// Every route the server registers, in registration order.
std::vector<ApiRoute> api_routes();

// Registers every route on `server`. With a non-empty token, every POST/PUT/DELETE needs
// "Authorization: Bearer <token>" (401 otherwise). Failures become JSON errors. Unknown paths
// under /api answer 404 JSON.
void register_api(httplib::Server& server, Studio& studio, const std::string& token);

}  // namespace hyv::studio
