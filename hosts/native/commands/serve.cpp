// `hyv serve`: Hyv Studio, the web app and its JSON API, on this machine. Metadata lives in
// DATA/hyv.sqlite, dataset and model files under DATA (studio/studio.h); Ctrl-C or SIGTERM stops
// it cleanly, and a job cut off by any stop (even kill -9) is shown as interrupted, retryable.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <thread>

#include "cli_flags.h"
#include "command_registry.h"
#include "studio/http_server.h"
#include "studio/studio.h"

namespace hyv::cli {
namespace {

constexpr const char* kHelp =
    R"(Starts Hyv Studio: the web app at http://HOST:PORT/ and its API under /api/v1
(docs/api.yaml). Generate text, code and tables from the page, watch them being made, browse,
rate and download datasets, upload models.

Data lives in --data (created on first run): hyv.sqlite for jobs, datasets' manifests, ratings
and models; datasets/, models/, uploads/ for files. With --token, every request that changes
something needs "Authorization: Bearer TOKEN"; the printed URL carries the token for the page.
The bundled models (models/text-small, models/code-small) are found as `hyv generate` finds them.)";

struct Flags {
  int port = 8080;
  std::string host = "127.0.0.1";
  std::string data = "hyv-data";
  std::string token;
  int jobs = 2;
  std::string web;
};

[[noreturn]] void fail(const std::string& message) {
  throw Exit{1, message};
}

void run(const Flags& f) {
  // Signals go to one thread that stops the server; every other thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  studio::StudioOptions options;
  options.data_dir = f.data;
  options.jobs = f.jobs;
  auto opened = studio::Studio::open(options);
  if (!opened.ok()) fail(opened.status().message());
  studio::Studio& s = *opened.value();
  studio::StudioServer server(s, {f.host, f.port, f.token, f.web});
  auto port = server.bind();
  if (!port.ok()) fail(port.status().message());
  s.start_workers();

  std::string url = "http://" + f.host + ":" + std::to_string(port.value()) + "/";
  std::printf("Hyv Studio: %s%s\n", url.c_str(),
              f.token.empty() ? "" : ("#token=" + f.token).c_str());
  std::printf("  data: %s   web app: %s   jobs at once: %d   stop: Ctrl-C\n", f.data.c_str(),
              server.web_dir().c_str(), f.jobs);
  if (f.token.empty() && f.host != "127.0.0.1" && f.host != "localhost" && f.host != "::1") {
    std::fprintf(stderr,
                 "hyv serve: warning: listening on %s without --token: anyone who can reach this "
                 "port can start jobs, delete datasets and upload models\n",
                 f.host.c_str());
  }
  std::fflush(stdout);

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (sig == 0) return;
    std::fprintf(stderr, "hyv serve: stopping\n");
    s.stop();
    server.stop();
  });
  server.run();
  // Wake the waiter if the server stopped on its own.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  s.stop();
}

Registration reg("serve", [](CLI::App& app) {
  auto flags = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand("serve", "Start Hyv Studio (web app and JSON API)");
  cmd->footer(kHelp);
  cmd->add_option("--port", flags->port, "TCP port (default 8080; 0 picks a free one)")
      ->transform(whole_number(0, 65535));
  cmd->add_option("--host", flags->host, "Address to listen on (default 127.0.0.1)");
  cmd->add_option("--data", flags->data, "Data directory (default ./hyv-data)");
  cmd->add_option("--token", flags->token, "Require this bearer token on mutating requests");
  cmd->add_option("--jobs", flags->jobs, "Generation jobs running at once (default 2)")
      ->transform(whole_number(1, 64));
  cmd->add_option("--web", flags->web, "Built web app folder (default web/dist)");
  cmd->callback([flags] { run(*flags); });
});

}  // namespace
}  // namespace hyv::cli
