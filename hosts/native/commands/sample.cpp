// `hyv sample MODEL.json --rows N --seed S -o OUT`: stream rows from a fitted copula to a CSV,
// JSON or JSON Lines file; memory does not grow with N. Progress goes to stderr.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cli_flags.h"
#include "command_registry.h"
#include "file_io.h"
#include "hyv/synth/copula_sample.h"
#include "table_output.h"

namespace hyv::cli {
namespace {

constexpr const char* kHelp = R"(Samples rows from a model made by `hyv fit`.

The same model, --rows, --seed and --where give the same bytes on every run and platform.
--where COLUMN=VALUE (categorical, boolean, numerical, datetime) and COLUMN>=A, >A, <=A, <A
(numerical, datetime) may be repeated; all must hold. Exact values and categories condition the
copula itself, so other columns follow them; rows are drawn until the conditions hold, with a
bounded budget, and an impossible or too rare condition is an error that says so.
--rows and --seed are whole numbers in [0, 2^64-1]. Ctrl-C or SIGTERM removes the unfinished
output file (exit status 130 or 143).)";

struct Options {
  std::string model;
  uint64_t rows = 0;
  std::optional<uint64_t> seed;
  std::string out;
  std::string format;
  std::vector<std::string> where;
};

void run(const Options& o) {
  auto json = native::read_text_file(o.model);
  if (!json.ok()) throw Exit{1, json.status().message()};
  auto model = synth::parse_copula_model(json.value(), o.model);
  if (!model.ok()) throw Exit{1, model.status().message()};
  std::vector<synth::WhereCondition> where;
  for (const auto& w : o.where) {
    auto parsed = synth::parse_where(w);
    if (!parsed.ok()) throw Exit{1, parsed.status().message()};
    where.push_back(std::move(parsed).value());
  }
  std::optional<synth::TableFormat> format;
  if (!o.format.empty()) {
    format = synth::parse_table_format(o.format);
    if (!format) throw Exit{1, "--format: \"" + o.format + "\" is not csv, json or jsonl"};
  } else {
    format = o.out == "-" ? synth::TableFormat::csv : synth::table_format_from_path(o.out);
    if (!format) {
      throw Exit{1, o.out +
                        ": cannot tell the format from the extension; use --format csv, json "
                        "or jsonl"};
    }
  }
  uint64_t seed = o.seed ? *o.seed : std::random_device{}();
  if (!o.seed)
    std::fprintf(stderr, "hyv sample: --seed %llu\n", static_cast<unsigned long long>(seed));
  synth::SampleFormat sample_format;
  sample_format.typed_values = *format != synth::TableFormat::csv;
  auto sampler = synth::CopulaSampler::create(std::move(model).value(), where, seed, sample_format);
  if (!sampler.ok()) throw Exit{1, sampler.status().message()};
  // A regular file is written beside the target and renamed into place when complete; a device
  // or pipe (/dev/null, a FIFO) is written in place (native::StreamedFile).
  native::catch_interrupts();  // from here on Ctrl-C stops the loop; unwinding removes the file
  auto file = native::StreamedFile::open(o.out);
  if (!file.ok()) throw Exit{1, file.status().message()};
  auto writer = synth::make_table_writer(*format, file.value()->sink());
  auto& s = *sampler.value();
  Status st = writer->begin(s.column_names());
  std::vector<synth::Value> row(s.column_names().size());
  const bool progress = ::isatty(STDERR_FILENO);
  auto t0 = std::chrono::steady_clock::now();
  auto last = t0;
  for (uint64_t i = 0; st.ok() && i < o.rows && !native::interrupted(); ++i) {
    st = s.next_row(row);
    if (st.ok()) st = writer->write_row(row);
    if (progress && (i & 0xffff) == 0xffff) {
      auto now = std::chrono::steady_clock::now();
      if (now - last > std::chrono::milliseconds(500)) {
        last = now;
        double secs = std::chrono::duration<double>(now - t0).count();
        std::fprintf(stderr, "\rhyv sample: %llu / %llu rows (%.0f rows/s)",
                     static_cast<unsigned long long>(i + 1),
                     static_cast<unsigned long long>(o.rows), static_cast<double>(i + 1) / secs);
      }
    }
  }
  if (st.ok() && !native::interrupted()) st = writer->finish();
  if (st.ok() && !native::interrupted()) st = file.value()->commit();
  if (progress) std::fprintf(stderr, "\r\033[K");
  if (int sig = native::interrupted()) throw Exit{128 + sig, native::interrupted_message(sig)};
  if (!st.ok()) throw Exit{1, st.message()};
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(
      stderr, "hyv sample: %llu rows in %.3f s (%.0f rows/s, %.2f tries per row) -> %s\n",
      static_cast<unsigned long long>(o.rows), seconds, static_cast<double>(o.rows) / seconds,
      o.rows ? static_cast<double>(s.tries()) / static_cast<double>(o.rows) : 0.0, o.out.c_str());
}

Registration reg("sample", [](CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("sample", "Sample a synthetic table from a model made by fit");
  cmd->footer(kHelp);
  cmd->add_option("model", o->model, "Model file from `hyv fit`")->required();
  cmd->add_option("--rows", o->rows, "Number of rows")->required()->transform(unsigned_number());
  cmd->add_option("--seed", o->seed, "Random seed (default: a fresh one, printed on stderr)")
      ->transform(unsigned_number());
  cmd->add_option("-o,--output", o->out, "Output file, or - for stdout")->required();
  cmd->add_option("--format", o->format, "csv, json or jsonl (default: from the extension)");
  cmd->add_option("--where", o->where, "Condition COLUMN=VALUE or COLUMN>=A etc. (repeatable)");
  cmd->callback([o] { run(*o); });
});

}  // namespace
}  // namespace hyv::cli
