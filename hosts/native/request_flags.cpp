#include "request_flags.h"

#include <charconv>
#include <cmath>

#include "cli_flags.h"

namespace hyv::cli {
namespace {

// CLI11 runs transforms last-added first: the core's range check, then the syntax check (which
// also writes the number back in canonical decimal for CLI11's conversion).
template <typename Field>
CLI::Option* checked(CLI::Option* option, const Field& field, CLI::Validator syntax) {
  return option->transform(std::move(syntax))->transform(field_range(field));
}

}  // namespace

CLI::Validator field_range(const service::IntField& field) {
  return CLI::Validator(
      [field](std::string& s) -> std::string {
        int64_t v = 0;
        const char* end = s.data() + s.size();
        auto [ptr, ec] = std::from_chars(s.data(), end, v, 10);
        if (s.empty() || ptr != end || ec != std::errc()) return {};  // the syntax check reports it
        Status st = service::check_field(field, v);
        return st.ok() ? std::string() : st.message();
      },
      "");
}

CLI::Validator field_range(const service::RealField& field) {
  return CLI::Validator(
      [field](std::string& s) -> std::string {
        double v = 0;
        const char* end = s.data() + s.size();
        auto [ptr, ec] = std::from_chars(s.data(), end, v);
        // NaN and infinities are a syntax matter here ("not a finite number"), left to the next.
        if (s.empty() || ptr != end || ec != std::errc() || !std::isfinite(v)) return {};
        Status st = service::check_field(field, v);
        return st.ok() ? std::string() : st.message();
      },
      "");
}

CLI::Option* add_request_flag(CLI::App* cmd, const std::string& flag,
                              const service::IntField& field, int& value, const std::string& help) {
  value = static_cast<int>(field.fallback);
  return checked(cmd->add_option(flag, value, help)->capture_default_str(), field,
                 whole_number(field.min, field.max));
}

CLI::Option* add_request_flag(CLI::App* cmd, const std::string& flag,
                              const service::IntField& field, std::optional<int>& value,
                              const std::string& help) {
  return checked(cmd->add_option(flag, value, help), field, whole_number(field.min, field.max));
}

CLI::Option* add_request_flag(CLI::App* cmd, const std::string& flag,
                              const service::RealField& field, double& value,
                              const std::string& help) {
  value = field.fallback;
  return checked(cmd->add_option(flag, value, help)->capture_default_str(), field,
                 finite_number(field.min, field.max));
}

}  // namespace hyv::cli
