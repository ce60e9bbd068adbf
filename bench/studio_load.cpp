// Bounded load on a running `hyv serve` (bench/studio_load.h says what is sent and checked):
//   build/bench/studio_load --port 8080 [--host 127.0.0.1] [--connections 64] [--requests 200]
//                           [--seed 1] [--token T]
// Prints requests/s and p50/p99 latency overall and per kind of request; exits 1 on any error.
// bench/studio_load.sh starts a server on a fresh data folder and runs it.
#include "studio_load.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: studio_load --port N [--host H] [--connections N] [--requests N] "
               "[--seed N] [--token T]\n");
  return 2;
}

// A whole number in [lo, hi], or -1.
long long number(const char* s, long long lo, long long hi) {
  char* end = nullptr;
  long long v = std::strtoll(s, &end, 10);
  return *s && *end == '\0' && v >= lo && v <= hi ? v : -1;
}

}  // namespace

int main(int argc, char** argv) {
  hyv::bench::LoadOptions o;
  bool have_port = false;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) return usage();
    const char* value = argv[++i];
    long long v = 0;
    if (flag == "--host") {
      o.host = value;
    } else if (flag == "--token") {
      o.token = value;
    } else if (flag == "--port" && (v = number(value, 1, 65535)) > 0) {
      o.port = static_cast<int>(v);
      have_port = true;
    } else if (flag == "--connections" && (v = number(value, 1, 1024)) > 0) {
      o.connections = static_cast<int>(v);
    } else if (flag == "--requests" && (v = number(value, 1, 1000000)) > 0) {
      o.requests_per_connection = static_cast<int>(v);
    } else if (flag == "--seed" && (v = number(value, 0, 1LL << 62)) >= 0) {
      o.seed = static_cast<uint64_t>(v);
    } else {
      std::fprintf(stderr, "studio_load: bad flag or value: %s %s\n", flag.c_str(), value);
      return usage();
    }
  }
  if (!have_port) return usage();
  hyv::bench::LoadReport r = hyv::bench::run_load(o);
  std::fputs(hyv::bench::format_report(o, r).c_str(), stdout);
  return r.error_count == 0 ? 0 : 1;
}
