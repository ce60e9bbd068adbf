// Command-line flags for fields of the request model (service/request_model.h): the flag's default
// is the field's, and a value out of range is refused with the core's message, the flag in front
// (CLI11 adds it):
//
//   add_request_flag(cmd, "--max-tokens", service::fields::kMaxTokens, o->max_tokens, "...");
//   // hyv generate text --max-tokens 0  ->  --max-tokens: params.max_tokens must be 1..4096 (got
//   0)
//
// Text that is not a number at all gets the usual whole_number / finite_number message with the
// field's range ("\"ten\" is not a number: expected a whole number in [1, 4096] ...").
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "hyv/service/request_model.h"

namespace hyv::cli {

// Validators that run the core's range check on a number (text that does not parse passes, for the
// syntax validator after it to report).
CLI::Validator field_range(const service::IntField& field);
CLI::Validator field_range(const service::RealField& field);

// The flag, bound to `value` (set to the field's default, shown in --help), checked by field_range
// and then by whole_number / finite_number over the field's range.
CLI::Option* add_request_flag(CLI::App* cmd, const std::string& flag,
                              const service::IntField& field, int& value, const std::string& help);
CLI::Option* add_request_flag(CLI::App* cmd, const std::string& flag,
                              const service::IntField& field, std::optional<int>& value,
                              const std::string& help);
CLI::Option* add_request_flag(CLI::App* cmd, const std::string& flag,
                              const service::RealField& field, double& value,
                              const std::string& help);

}  // namespace hyv::cli
