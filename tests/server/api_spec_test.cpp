// docs/api.yaml and the server agree both ways: every path and method the spec documents is
// served by a running `hyv serve` (the router answers, not its "no route" 404), and every route
// the server registers (api_routes()) is documented. Also checks the spec's own consistency:
// OpenAPI 3.0, one unique operationId and a responses section per operation, and every local
// $ref resolving.
//
// The spec is read line by line: docs/api.yaml keeps paths at two spaces, methods at four, and
// components' entries at four, so no YAML library is needed.
#include <regex>
#include <set>

#include "studio/api_routes.h"
#include "studio_fixture.h"

namespace hyv::studio::testing {
namespace {

struct Operation {
  std::string method;  // GET, ...
  std::string path;    // /api/v1/...
  bool has_responses = false;
  std::string operation_id;
};

struct Spec {
  std::string openapi;
  std::string server_url;
  std::vector<Operation> operations;
  std::set<std::string> components;  // "schemas/Job", "parameters/Id", ...
  std::vector<std::string> refs;     // "#/components/schemas/Job"
};

size_t indent_of(const std::string& line) {
  return line.find_first_not_of(' ');
}

Spec read_spec(const std::string& path) {
  Spec spec;
  std::istringstream in(read_file_bytes(path));
  std::string section, component_kind, current_path;
  std::regex ref_re(R"(\$ref: \"([^\"]+)\")");
  for (std::string line; std::getline(in, line);) {
    for (std::sregex_iterator it(line.begin(), line.end(), ref_re), end; it != end; ++it) {
      spec.refs.push_back((*it)[1]);
    }
    if (line.empty() || line[0] == '#' || indent_of(line) == std::string::npos) continue;
    size_t indent = indent_of(line);
    std::string text = line.substr(indent);
    if (indent == 0) {
      section = text.substr(0, text.find(':'));
      if (section == "openapi") spec.openapi = text.substr(9);
      continue;
    }
    if (section == "servers" && text.rfind("- url: ", 0) == 0) spec.server_url = text.substr(7);
    if (section == "paths") {
      if (indent == 2 && text.back() == ':') current_path = text.substr(0, text.size() - 1);
      if (indent == 4) {
        std::string key = text.substr(0, text.find(':'));
        if (key == "get" || key == "post" || key == "put" || key == "delete") {
          std::string method = key;
          for (char& ch : method)
            ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
          spec.operations.push_back({method, current_path, false, ""});
        }
      }
      if (indent == 6 && !spec.operations.empty()) {
        if (text.rfind("responses:", 0) == 0) spec.operations.back().has_responses = true;
        if (text.rfind("operationId: ", 0) == 0)
          spec.operations.back().operation_id = text.substr(13);
      }
    }
    if (section == "components") {
      if (indent == 2) component_kind = text.substr(0, text.find(':'));
      if (indent == 4)
        spec.components.insert(component_kind + "/" + text.substr(0, text.find(':')));
    }
  }
  for (auto& op : spec.operations) op.path = spec.server_url + op.path;
  return spec;
}

Spec the_spec() {
  return read_spec(source_path("docs/api.yaml"));
}

TEST(ApiSpec, IsConsistent) {
  Spec spec = the_spec();
  EXPECT_EQ(spec.openapi.rfind("3.0.", 0), 0u) << spec.openapi;
  EXPECT_EQ(spec.server_url, kApiPrefix);
  ASSERT_FALSE(spec.operations.empty());
  std::set<std::string> ids;
  for (const auto& op : spec.operations) {
    EXPECT_TRUE(op.has_responses) << op.method << " " << op.path;
    EXPECT_FALSE(op.operation_id.empty()) << op.method << " " << op.path;
    EXPECT_TRUE(ids.insert(op.operation_id).second) << "duplicate operationId " << op.operation_id;
  }
  ASSERT_FALSE(spec.refs.empty());
  for (const auto& ref : spec.refs) {
    ASSERT_EQ(ref.rfind("#/components/", 0), 0u) << ref;
    EXPECT_TRUE(spec.components.count(ref.substr(13))) << "unresolved $ref " << ref;
  }
}

TEST(ApiSpec, EveryServerRouteIsDocumented) {
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& op : the_spec().operations) documented.insert({op.method, op.path});
  EXPECT_EQ(documented.size(), the_spec().operations.size()) << "an operation documented twice";
  EXPECT_EQ(documented.size(), api_routes().size());
  for (const auto& route : api_routes()) {
    EXPECT_TRUE(documented.count({route.method, route.path}))
        << route.method << " " << route.path << " is served but not in docs/api.yaml";
  }
}

TEST(ApiSpec, EveryDocumentedOperationIsServed) {
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& route : api_routes()) served.insert({route.method, route.path});
  TestStudio t({.start_workers = false});
  auto c = t.client();
  for (const auto& op : the_spec().operations) {
    EXPECT_TRUE(served.count({op.method, op.path})) << op.method << " " << op.path;
    // Path parameters get a placeholder; the request may fail (unknown id, empty body) but the
    // router must have dispatched it to a handler.
    std::string path = std::regex_replace(op.path, std::regex(R"(\{type\})"), "text");
    path = std::regex_replace(path, std::regex(R"(\{[a-z_]+\})"), "x");
    httplib::Result r = op.method == "GET"    ? c.Get(path.c_str())
                        : op.method == "POST" ? c.Post(path.c_str(), "{}", "application/json")
                        : op.method == "PUT"  ? c.Put(path.c_str(), "{}", "application/json")
                                              : c.Delete(path.c_str());
    ASSERT_TRUE(r) << op.method << " " << path;
    EXPECT_NE(r->status, 405) << op.method << " " << path;
    if (r->status == 404) {
      EXPECT_EQ(r->body.find("no route"), std::string::npos)
          << op.method << " " << path << ": " << r->body;
      EXPECT_EQ(r->body.find("no API route"), std::string::npos)
          << op.method << " " << path << ": " << r->body;
    }
  }
}

}  // namespace
}  // namespace hyv::studio::testing
