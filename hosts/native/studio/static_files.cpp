#include "studio/static_files.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>

#include "file_io.h"
#include "studio/api_request.h"

namespace hyv::studio {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNotBuiltPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hyv Studio: web app not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>The Hyv Studio web app is not built</h1>
<p>The server is running and its API answers under <a href="/api/v1/health">/api/v1</a>, but
there is no <code>web/dist/index.html</code> to serve. Build the app with
<code>make web</code> (or <code>cd web &amp;&amp; npm install &amp;&amp; npm run build</code>),
or start the server with <code>hyv serve --web DIR</code> pointing at a built app, then reload.</p>
</body></html>
)";

std::string mime_type(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
  };
  std::string ext = fs::path(path).extension().string();
  for (auto [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

// Why a request path can never name a file of the web app, or nullopt. httplib has decoded it
// once; a path that still holds an encoded dot, slash, backslash or NUL was encoded twice, which
// no link of the app does and traversal attacks do. Dot segments, empty segments (a doubled or
// leading slash would make the rest absolute), backslashes and NULs are refused too, before the
// file system sees the path, so no spelling of ".." gets that far.
std::optional<std::string> path_refusal(const std::string& path) {
  if (path.empty() || path[0] != '/') return "the path must start with '/'";
  if (path.find('\0') != std::string::npos) return "the path holds a NUL byte";
  if (path.find('\\') != std::string::npos) return "the path holds a backslash";
  std::string lower;
  for (char c : path) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* encoded : {"%2e", "%2f", "%5c", "%00"}) {
    if (lower.find(encoded) != std::string::npos) return "the path is percent-encoded twice";
  }
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string_view part(path.data() + start, end - start);
    if (part == "." || part == "..") return "the path holds a '.' or '..' segment";
    if (part.empty() && end < path.size()) return "the path holds an empty segment";
    start = end + 1;
  }
  return std::nullopt;
}

// Whether `file` (which exists) resolves inside `root`: a symbolic link in the web folder must
// not serve a file from elsewhere.
bool inside(const std::string& root, const std::string& file) {
  std::error_code ec;
  fs::path r = fs::canonical(root, ec);
  if (ec) return false;
  fs::path f = fs::canonical(file, ec);
  if (ec) return false;
  auto [end, _] = std::mismatch(r.begin(), r.end(), f.begin(), f.end());
  return end == r.end();
}

void send_file(httplib::Response& res, const std::string& path, bool immutable) {
  auto bytes = native::read_text_file(path);
  if (!bytes.ok()) {
    reply_error(res, 500, "internal", bytes.status().message());
    return;
  }
  res.set_header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.set_content(std::move(bytes).value(), mime_type(path).c_str());
}

}  // namespace

void register_static_files(httplib::Server& server, const std::string& web_dir) {
  server.Get("/.*", [web_dir](const httplib::Request& req, httplib::Response& res) {
    if (auto why = path_refusal(req.path)) {
      reply_error(res, 400, "bad_request", "path refused: " + *why);
      return;
    }
    std::string index = web_dir + "/index.html";
    if (!fs::is_regular_file(index)) {
      res.status = 404;
      res.set_content(kNotBuiltPage, "text/html; charset=utf-8");
      return;
    }
    std::string rel = req.path.substr(1);
    std::error_code ec;
    std::string file = web_dir + "/" + rel;
    if (!rel.empty() && fs::is_regular_file(file, ec) && inside(web_dir, file)) {
      send_file(res, file, rel.rfind("assets/", 0) == 0);
      return;
    }
    send_file(res, index, false);
  });
}

std::string find_web_dir(const std::string& requested) {
  if (!requested.empty()) return requested;
  std::vector<std::string> candidates = {"web/dist"};
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    candidates.push_back((fs::path(exe).parent_path().parent_path() / "web/dist").string());
  }
#ifdef HYV_SOURCE_DIR
  candidates.push_back(std::string(HYV_SOURCE_DIR) + "/web/dist");
#endif
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c + "/index.html")) return c;
  }
  return "web/dist";
}

}  // namespace hyv::studio
