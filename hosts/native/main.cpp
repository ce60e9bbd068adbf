// `hyv`: the native command line. Each subcommand lives in commands/ and turns files and flags into
// calls on the portable core (engine/, ...); errors from the core become a message and exit code 1.
#include <cstdio>

#include "command_registry.h"

int main(int argc, char** argv) {
  CLI::App app{"Hyv: synthetic text, code and tables from models that run inside Hyv"};
  app.require_subcommand(1);
  hyv::cli::setup_all(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const hyv::cli::Exit& e) {
    if (!e.message.empty()) std::fprintf(stderr, "hyv: %s\n", e.message.c_str());
    return e.code;
  }
  return 0;
}
