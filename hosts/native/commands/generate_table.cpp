// `hyv generate table`: schema-driven tables (synth/schema.h) streamed to CSV, JSON or JSON Lines
// files in constant memory. Registered as a subcommand of the `generate` command (generate.cpp).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "cli_flags.h"
#include "command_registry.h"
#include "file_io.h"
#include "hyv/engine/model_folder.h"
#include "hyv/synth/schema.h"
#include "hyv/synth/table_generator.h"
#include "hyv/synth/table_writer.h"
#include "model_dir.h"
#include "table_output.h"
#include "thread_pool.h"

namespace hyv::cli {
namespace {

constexpr const char* kHelp =
    R"(Generates tables from a JSON schema (docs/schema.md): typed, semantic and derived
columns, constraints, and several tables linked by foreign keys.

Output: -o FILE for one table (format from the extension: .csv, .json, .jsonl; or --format);
with several tables (or -o DIR/ with a trailing slash, or an existing directory), one file per
table: DIR/<table>.<format>, csv unless --format says otherwise;
-o - or no -o writes a single table to stdout. Several tables need a folder: -o x.csv (a file
name with a table extension that is not an existing directory) is refused for them. Files appear
under their final name only once complete; Ctrl-C or SIGTERM removes the unfinished ones (exit
status 130 or 143). Rows stream out as they are made, so memory does not grow with --rows.

Row counts: --rows N sets every top-level table; --rows TABLE=N sets one (repeatable); otherwise
each table's "rows" in the schema. Child tables get rows_per_parent rows per parent row.
The same schema, row counts and --seed give byte-identical files on every run and platform.

generated_text columns are written by a language model: "model": "text" or "code" is the bundled
model of that kind, any other value a Hugging Face model folder, looked up relative to the schema
file's folder, then the current directory. --quantize q8 loads int8 weights (other text, faster);
--threads does not change the text. Such rows take a model generation per cell: expect tens of rows
per second rather than hundreds of thousands; progress is shown on stderr.)";

struct Options {
  std::string schema;
  std::vector<std::string> rows;
  std::optional<uint64_t> seed;
  std::string out;
  std::string format;
  std::string table;
  bool quiet = false;
  std::string quantize = "none";
  int threads = 1;
};

// The models a schema's generated_text columns name, loaded once each and kept mapped for the run.
struct LoadedModels {
  std::vector<std::unique_ptr<native::ModelDir>> dirs;
  std::vector<std::unique_ptr<engine::LoadedModel>> models;
  std::unique_ptr<native::ThreadPool> pool;
  synth::TextModels lent;
};

[[noreturn]] void fail(const std::string& message) {
  throw Exit{1, message};
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void parse_rows(const Options& o, synth::GeneratorOptions& g) {
  for (const std::string& r : o.rows) {
    size_t eq = r.find('=');
    std::string count = eq == std::string::npos ? r : r.substr(eq + 1);
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(count.c_str(), &end, 10);
    if (count.empty() || *end != '\0' || errno != 0 || n < 0)
      fail("--rows " + r + ": expected a whole number in [0, 9223372036854775807], or TABLE=N");
    if (eq == std::string::npos)
      g.rows = n;
    else
      g.table_rows.push_back({r.substr(0, eq), n});
  }
}

std::string human_bytes(uint64_t b) {
  char buf[32];
  if (b >= (1ull << 30))
    std::snprintf(buf, sizeof buf, "%.1f GiB", double(b) / double(1ull << 30));
  else if (b >= (1ull << 20))
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / double(1ull << 20));
  else if (b >= 1024)
    std::snprintf(buf, sizeof buf, "%.1f KiB", double(b) / 1024);
  else
    std::snprintf(buf, sizeof buf, "%llu B", (unsigned long long)b);
  return buf;
}

// "text"/"code": the bundled model; otherwise a folder beside the schema, else from the cwd.
std::string model_folder(const std::string& name, const std::string& schema_path) {
  if (name == "text" || name == "code") {
    auto d = native::default_model_dir(name);
    if (!d.ok()) fail(d.status().message());
    return d.value();
  }
  if (!name.empty() && name[0] != '/') {
    size_t slash = schema_path.rfind('/');
    std::string beside =
        (slash == std::string::npos ? std::string(".") : schema_path.substr(0, slash)) + "/" + name;
    if (native::file_exists(beside + "/config.json")) return beside;
  }
  return name;
}

void load_models(const Options& o, const synth::Schema& schema, LoadedModels& out) {
  auto weights = o.quantize == "q8" ? engine::WeightType::q8 : engine::WeightType::f32;
  for (const auto& table : schema.tables)
    for (const auto& c : table.columns) {
      if (c.type != synth::ColumnType::generated_text || out.lent.find(c.text->model)) continue;
      std::string folder = model_folder(c.text->model, o.schema);
      auto dir = native::ModelDir::open(folder);
      if (!dir.ok()) fail(o.schema + ": " + c.path + ".model: " + dir.status().message());
      auto loaded = engine::load_model_folder(dir.value().files(), weights);
      if (!loaded.ok()) fail(folder + ": " + loaded.status().message());
      out.dirs.push_back(std::make_unique<native::ModelDir>(std::move(dir).value()));
      out.models.push_back(std::make_unique<engine::LoadedModel>(std::move(loaded).value()));
      out.lent.models.push_back(
          {c.text->model, &out.models.back()->model, &out.models.back()->tokenizer});
    }
  int threads = resolve_threads(o.threads);
  if (threads > 1 && !out.models.empty()) {
    auto pool = native::ThreadPool::create(threads);
    if (!pool.ok()) fail("--threads " + std::to_string(o.threads) + ": " + pool.status().message());
    out.pool = std::move(pool).value();
    out.lent.runner = out.pool.get();
  }
}

void run(Options& o) {
  if (o.threads < 0)
    fail("--threads must be >= 0 (0 = one per core), got " + std::to_string(o.threads));
  if (o.quantize != "none" && o.quantize != "q8")
    fail("--quantize must be q8 or none, got \"" + o.quantize + "\"");
  auto text = native::read_text_file(o.schema);
  if (!text.ok()) fail(text.status().message());
  auto parsed = synth::parse_schema(text.value());
  if (!parsed.ok()) fail(o.schema + ": " + parsed.status().message());
  synth::Schema schema = std::move(parsed).value();

  synth::GeneratorOptions g;
  parse_rows(o, g);
  // The core names the request's field ("rows for table ..."); here it is set by --rows.
  auto counts = synth::root_row_counts(schema, g);
  if (!counts.ok()) fail("--rows: " + counts.status().message());
  if (!o.seed) {
    o.seed = (uint64_t(std::random_device{}()) << 32) | std::random_device{}();
    if (!o.quiet)
      std::fprintf(stderr, "hyv: no --seed given; using --seed %llu\n",
                   (unsigned long long)*o.seed);
  }
  g.seed = *o.seed;
  LoadedModels models;
  load_models(o, schema, models);
  g.text_models = models.lent;
  bool has_text = !models.models.empty();

  // Which tables to write, and where.
  std::vector<int> wanted;
  if (!o.table.empty()) {
    int t = schema.find_table(o.table);
    if (t < 0) {
      std::string names;
      for (const auto& spec : schema.tables) names += (names.empty() ? "" : ", ") + spec.name;
      fail("--table " + o.table + ": the schema has no such table (tables: " + names + ")");
    }
    wanted.push_back(t);
  } else {
    for (size_t t = 0; t < schema.tables.size(); ++t) wanted.push_back(int(t));
  }
  std::optional<synth::TableFormat> format;
  if (!o.format.empty()) {
    format = synth::parse_table_format(o.format);
    if (!format) fail("--format " + o.format + ": expected csv, json or jsonl");
  }
  if (o.out.empty()) o.out = "-";
  std::vector<std::string> paths(schema.tables.size());
  // A trailing slash or an existing directory asks for one file per table even for one table.
  struct stat st {};
  const bool existing_dir = o.out != "-" && ::stat(o.out.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  const bool slash = !o.out.empty() && o.out.back() == '/';
  bool to_dir = wanted.size() > 1 || slash || existing_dir;
  // `-o x.csv` names a file: making a folder of that name for several tables would surprise.
  if (wanted.size() > 1 && !slash && !existing_dir && synth::table_format_from_path(o.out)) {
    std::string names;
    for (int t : wanted) names += (names.empty() ? "" : ", ") + schema.tables[size_t(t)].name;
    fail("-o " + o.out + " names one file, but the schema has " + std::to_string(wanted.size()) +
         " tables (" + names + "), which need a folder: give -o DIR/ for one file per table, or " +
         "--table NAME for one");
  }
  while (o.out.size() > 1 && o.out.back() == '/') o.out.pop_back();
  if (!to_dir) {
    if (!format)
      format = o.out == "-" ? synth::TableFormat::csv : synth::table_format_from_path(o.out);
    if (!format)
      fail("-o " + o.out +
           ": cannot tell the format from the extension; use .csv, .json or "
           ".jsonl, or give --format");
    paths[size_t(wanted[0])] = o.out;
  } else {
    if (o.out == "-")
      fail("the schema has " + std::to_string(wanted.size()) +
           " tables: give -o DIR for one file per table, or --table NAME for one");
    if (!format) format = synth::TableFormat::csv;
    Status s = native::make_directories(o.out);
    if (!s.ok()) fail("-o " + o.out + ": " + s.message());
    for (int t : wanted) {
      auto path = native::file_in_folder(o.out, schema.tables[size_t(t)].name,
                                         std::string(synth::table_format_extension(*format)));
      if (!path.ok()) fail(path.status().message());
      paths[size_t(t)] = std::move(path).value();
    }
  }

  std::vector<std::unique_ptr<native::StreamedFile>> files(schema.tables.size());
  std::vector<std::unique_ptr<synth::RowSink>> writers(schema.tables.size());
  std::vector<synth::RowSink*> sinks(schema.tables.size(), nullptr);
  // From here on Ctrl-C stops the loop below and unwinding removes the temporary files.
  native::catch_interrupts();
  for (int t : wanted) {
    auto f = native::StreamedFile::open(paths[size_t(t)]);
    if (!f.ok()) fail(f.status().message());
    files[size_t(t)] = std::move(f).value();
    writers[size_t(t)] = synth::make_table_writer(*format, files[size_t(t)]->sink());
    sinks[size_t(t)] = writers[size_t(t)].get();
  }

  auto gen = synth::TableGenerator::create(std::move(schema), g, sinks);
  if (!gen.ok()) fail(o.schema + ": " + gen.status().message());
  synth::TableGenerator& generator = *gen.value();

  auto t0 = std::chrono::steady_clock::now();
  auto last_report = t0;
  bool progress = !o.quiet && (generator.rows_total() >= 1000000 || has_text);
  bool tty = ::isatty(STDERR_FILENO);
  while (!generator.done()) {
    // A model-written row takes milliseconds: small steps keep the progress line moving.
    Status s = generator.step(has_text ? 4 : 16384);
    if (int sig = native::interrupted()) throw Exit{128 + sig, native::interrupted_message(sig)};
    if (!s.ok()) fail(s.message());
    if (progress && seconds_since(last_report) >= 1.0) {
      last_report = std::chrono::steady_clock::now();
      double done = double(generator.rows_done()), total = double(generator.rows_total());
      std::fprintf(stderr, "%s%.0f / %.0f rows (%.0f%%), %.0f rows/s%s", tty ? "\r" : "", done,
                   total, 100 * done / total, done / seconds_since(t0), tty ? "" : "\n");
      std::fflush(stderr);
    }
  }
  if (progress && tty) std::fputc('\n', stderr);
  double secs = seconds_since(t0);
  for (int t : wanted) {
    Status s = files[size_t(t)]->commit();
    if (!s.ok()) fail(s.message());
  }
  if (o.quiet) return;
  uint64_t rows = 0;
  for (size_t t = 0; t < generator.schema().tables.size(); ++t)
    rows += generator.rows_written(int(t));
  for (int t : wanted) {
    const auto& f = *files[size_t(t)];
    std::fprintf(stderr, "hyv: %s: %llu rows -> %s (%s)\n",
                 generator.schema().tables[size_t(t)].name.c_str(),
                 (unsigned long long)generator.rows_written(t),
                 f.path() == "-" ? "stdout" : f.path().c_str(), human_bytes(f.bytes()).c_str());
  }
  std::fprintf(stderr, "hyv: %llu rows in %.3f s (%.0f rows/s, seed %llu)\n",
               (unsigned long long)rows, secs, secs > 0 ? double(rows) / secs : 0.0,
               (unsigned long long)*o.seed);
}

// Sorted after "generate" by the registry, so the parent command exists when this runs.
Registration reg("generate table", [](CLI::App& app) {
  CLI::App* generate = nullptr;
  try {
    generate = app.get_subcommand("generate");
  } catch (const CLI::OptionNotFound&) {
    generate = app.add_subcommand("generate", "Generate data");
  }
  // CLI11 feeds a word to a required positional before it looks for a subcommand, so the text/code
  // `kind` must be optional for `generate table` to parse; generate.cpp still rejects a missing
  // kind.
  if (CLI::Option* kind = generate->get_option_no_throw("kind")) kind->required(false);
  auto o = std::make_shared<Options>();
  auto* cmd = generate->add_subcommand("table", "Generate tables from a JSON schema");
  cmd->footer(kHelp);
  cmd->add_option("--schema", o->schema, "Schema file (JSON; see docs/schema.md)")->required();
  cmd->add_option("--rows", o->rows, "Rows for every top-level table, or TABLE=N (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_option("--seed", o->seed, "Random seed (default: a fresh one, printed on stderr)")
      ->transform(unsigned_number());
  cmd->add_option("-o,--output", o->out, "Output file, directory (several tables) or - (stdout)");
  cmd->add_option("--format", o->format, "csv, json or jsonl (default: from the extension)");
  cmd->add_option("--table", o->table, "Write only this table");
  cmd->add_flag("-q,--quiet", o->quiet, "No progress or summary on stderr");
  cmd->add_option("--quantize", o->quantize,
                  "generated_text models: q8 for int8 weights chosen at load time; none: f32")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads,
                  "generated_text models: threads per forward pass (0 = one per core, at most 256)")
      ->capture_default_str()
      ->transform(whole_number(0, kMaxThreads));
  cmd->callback([o] {
    run(*o);
    // The parent `generate` command's own callback must not run after a subcommand.
    throw Exit{0, ""};
  });
});

}  // namespace
}  // namespace hyv::cli
