// How `hyv` subcommands plug in: each file under commands/ registers itself once, at start-up.
//
//   static hyv::cli::Registration reg("tokenize", [](CLI::App& app) {
//     auto* cmd = app.add_subcommand("tokenize", "...");
//     cmd->callback([...] { ... throw hyv::cli::Exit(code) to end with a status ... });
//   });
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace hyv::cli {

using Setup = std::function<void(CLI::App&)>;

struct Registration {
  Registration(std::string name, Setup setup);
};

// Commands in name order, so `hyv --help` is stable.
void setup_all(CLI::App& app);

// Thrown by a command callback to end the program with `code` after printing `message` to stderr.
struct Exit {
  int code;
  std::string message;
};

}  // namespace hyv::cli
