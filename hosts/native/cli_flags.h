// Numeric flags of the `hyv` command line, checked before CLI11 converts them.
//
// CLI11 alone reads "-1" for an unsigned option as 2^64-1, "010" as octal, "0x10" as hex, clamps a
// number past the type's range to its limit for 64-bit types, and takes "nan" and "inf" for
// floats. So every numeric flag goes through one of these validators; the error names the flag
// (CLI11 adds it) and the allowed range:
//
//   cmd->add_option("--threads", o->threads, "...")->check(hyv::cli::whole_number(0, 256));
//   // hyv generate text --threads 5000  ->  --threads: 5000 is out of range: expected a whole
//   //                                       number in [0, 256]
//
// check_numeric_flags() (run once for the whole app by setup_all) gives every numeric option that
// has no such validator the widest range of its kind, so a flag added without one still cannot
// wrap, saturate or be NaN.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "hyv/synth/csv_dialect.h"

namespace hyv::cli {

// The most threads a --threads flag takes (0, "one per core", is capped at this too): more only
// costs memory and start-up time, and thousands can exhaust a memory or process limit.
inline constexpr int kMaxThreads = 256;

// A decimal whole number in [lo, hi] (a leading '-' only when lo < 0; no '+', spaces, hex or
// exponent).
CLI::Validator whole_number(int64_t lo, int64_t hi);
// The same for unsigned 64-bit options, e.g. seeds: exact decimal in [lo, hi] up to 2^64-1.
CLI::Validator unsigned_number(uint64_t lo = 0, uint64_t hi = std::numeric_limits<uint64_t>::max());
// A finite decimal number in [lo, hi] (NaN and infinities are refused).
CLI::Validator finite_number(double lo = -std::numeric_limits<double>::max(),
                             double hi = std::numeric_limits<double>::max());

// Adds the default validator to every INT, UINT and FLOAT option of app and its subcommands that
// has none of the above.
void check_numeric_flags(CLI::App& app);

// --delimiter (, ; | tab, or comma, semicolon, pipe) and --quote (" ' or double, single): the value
// is written back as the one character, so the option holds exactly what the reader uses.
CLI::Validator csv_delimiter();
CLI::Validator csv_quote();

// The CSV dialect flags of a command that reads CSV; what is not given is sniffed.
struct CsvDialectFlags {
  std::string delimiter;
  std::string quote;
  bool header = false;
  bool no_header = false;

  synth::CsvDialectHints hints() const;
};
void add_csv_dialect_flags(CLI::App* cmd, CsvDialectFlags& flags);

// Threads to use for a --threads value (0 = one per core, capped at kMaxThreads).
int resolve_threads(int requested);

}  // namespace hyv::cli
