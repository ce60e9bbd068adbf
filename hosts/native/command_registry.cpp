#include "command_registry.h"

#include <algorithm>
#include <utility>

#include "cli_flags.h"

namespace hyv::cli {
namespace {

std::vector<std::pair<std::string, Setup>>& registry() {
  static std::vector<std::pair<std::string, Setup>> commands;
  return commands;
}

}  // namespace

Registration::Registration(std::string name, Setup setup) {
  registry().emplace_back(std::move(name), std::move(setup));
}

void setup_all(CLI::App& app) {
  auto& commands = registry();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, setup] : commands) setup(app);
  // After every command: a numeric flag without a range of its own still cannot wrap or be NaN.
  check_numeric_flags(app);
}

}  // namespace hyv::cli
