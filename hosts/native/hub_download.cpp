#include "hub_download.h"

#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace hyv::native {
namespace {

struct Url {
  std::string origin;  // scheme://host[:port]
  std::string host;
  std::string target;  // path and query
};

Result<Url> parse_url(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return Status::Error("not an absolute URL: " + url);
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    return Status::Error("unsupported URL scheme \"" + scheme + "\" in " + url);
  size_t path_start = url.find('/', scheme_end + 3);
  Url u;
  u.origin = url.substr(0, path_start);
  u.host =
      url.substr(scheme_end + 3,
                 path_start == std::string::npos ? std::string::npos : path_start - scheme_end - 3);
  u.target = path_start == std::string::npos ? "/" : url.substr(path_start);
  return u;
}

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (s.rfind("W/", 0) == 0) s = unquote(s.substr(2));
  return s;
}

std::string hex(const unsigned char* p, unsigned n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

// The body of one 200 response: written to fd and hashed as it arrives.
struct Sink {
  int fd = -1;
  EVP_MD_CTX* sha = nullptr;
  uint64_t bytes = 0;
  uint64_t expected = 0;  // Content-Length, 0 if unknown
  uint64_t shown = 0;
  bool progress = false;  // on a terminal: a running count, since model.safetensors is large
  std::string error;

  bool write(const char* data, size_t n) {
    EVP_DigestUpdate(sha, data, n);
    bytes += n;
    if (progress && bytes - shown >= (16u << 20)) {
      shown = bytes;
      std::fprintf(stderr, "\r  %llu / %llu MB", (unsigned long long)(bytes >> 20),
                   (unsigned long long)(expected >> 20));
    }
    while (n > 0) {
      ssize_t w = ::write(fd, data, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        error = std::strerror(errno);
        return false;
      }
      data += w;
      n -= size_t(w);
    }
    return true;
  }
};

// Why a request got no response, in words; a failed connect is split into "the name does not
// resolve" (typically: no network) and "nothing answered".
std::string describe(httplib::Error error, const std::string& host, int timeout_s) {
  switch (error) {
    case httplib::Error::Connection: {
      std::string name =
          host.substr(0, host.rfind(':') == std::string::npos ? host.size() : host.rfind(':'));
      addrinfo* found = nullptr;
      int rc = ::getaddrinfo(name.c_str(), nullptr, nullptr, &found);
      if (found != nullptr) ::freeaddrinfo(found);
      if (rc != 0) return "the name does not resolve (" + std::string(::gai_strerror(rc)) + ")";
      return "the connection was refused or timed out (limit " + std::to_string(timeout_s) + " s)";
    }
    case httplib::Error::ConnectionTimeout:
      return "no answer within " + std::to_string(timeout_s) + " s";
    case httplib::Error::SSLConnection:
      return "the TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return "the system's CA certificates could not be loaded";
    case httplib::Error::SSLServerVerification:
      return "the server's certificate could not be verified";
    case httplib::Error::Read:
      return "the connection broke while reading";
    default:
      return httplib::to_string(error);
  }
}

}  // namespace

std::string hub_endpoint() {
  const char* env = std::getenv("HYV_HF_ENDPOINT");
  std::string base = env != nullptr && *env != '\0' ? env : "https://huggingface.co";
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Result<Download> download_to_file(const std::string& url, const std::string& path,
                                  int connect_timeout_s) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error(path + ": cannot create: " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  Sink sink{fd, sha.get()};
  sink.progress = ::isatty(STDERR_FILENO) != 0;
  auto fail = [&](const std::string& message) -> Result<Download> {
    ::close(fd);
    ::unlink(path.c_str());
    return Status::Error(message);
  };

  Download d;
  std::string current = url;
  for (int hop = 0; hop < 10; ++hop) {
    auto u = parse_url(current);
    if (!u.ok()) return fail(u.status().message());
    httplib::Client client(u.value().origin);
    client.set_connection_timeout(connect_timeout_s, 0);
    client.set_read_timeout(60, 0);
    client.set_follow_location(false);
    // A redirect or error body is not the file: only a 200's body is written and hashed, so the
    // file is still empty whenever another hop starts.
    bool body_wanted = false;
    EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr);
    sink.bytes = 0;
    auto res = client.Get(
        u.value().target,
        [&](const httplib::Response& r) {
          body_wanted = r.status == 200;
          sink.expected = std::strtoull(r.get_header_value("Content-Length").c_str(), nullptr, 10);
          return true;
        },
        [&](const char* data, size_t n) { return !body_wanted || sink.write(data, n); });
    if (!res) {
      if (!sink.error.empty()) return fail(path + ": write failed: " + sink.error);
      return fail("cannot reach " + u.value().host + ": " +
                  describe(res.error(), u.value().host, connect_timeout_s));
    }
    d.status = res->status;
    std::string linked = unquote(res->get_header_value("X-Linked-Etag"));
    if (d.linked_etag.empty() && is_sha256_hex(linked)) d.linked_etag = linked;
    if (d.status >= 300 && d.status < 400 && res->has_header("Location")) {
      std::string location = res->get_header_value("Location");
      current = location.rfind("http", 0) == 0 ? location : u.value().origin + location;
      continue;
    }
    if (d.status == 404) {  // the caller decides whether the file was optional
      ::close(fd);
      ::unlink(path.c_str());
      return d;
    }
    if (d.status != 200)
      return fail(current + ": the server answered HTTP " + std::to_string(d.status));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_DigestFinal_ex(sha.get(), digest, &n);
    d.sha256 = hex(digest, n);
    if (sink.shown > 0) std::fputc('\n', stderr);
    d.bytes = sink.bytes;
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      ::unlink(path.c_str());
      return Status::Error(path + ": fsync failed: " + std::strerror(errno));
    }
    return d;
  }
  return fail(url + ": too many redirects");
}

}  // namespace hyv::native
