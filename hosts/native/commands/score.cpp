// `hyv score --real R.csv --synthetic S.csv`: SDMetrics-style quality, diagnostic and privacy
// report for a synthetic table; `hyv score text|code --input FILE`: a text or code dataset.
#include <cstdio>
#include <memory>
#include <string>

#include "cli_flags.h"
#include "command_registry.h"
#include "csv_file.h"
#include "file_io.h"
#include "hyv/quality/quality_report.h"
#include "hyv/quality/text_report.h"
#include "hyv/synth/table_metadata.h"

namespace hyv::cli {
namespace {

constexpr const char* kHelp = R"(Scores synthetic data against the real data it imitates.

Tables: the metrics and their averages follow SDMetrics' published definitions (Quality report:
Column Shapes with KSComplement/TVComplement, Column Pair Trends with CorrelationSimilarity and
ContingencySimilarity; Diagnostic: BoundaryAdherence, CategoryAdherence, KeyUniqueness, structure;
privacy: DCRBaselineProtection, DCROverfittingProtection with --holdout, NewRowSynthesis). Column
types are inferred from the real data, or taken from --metadata. See docs/tables-learned.md.
Each CSV's dialect is sniffed and printed (--delimiter, --quote, --header, --no-header say it instead, for
every CSV given); --json reports it under "csv_dialects".

  hyv score --real R.csv --synthetic S.csv [--holdout H.csv] [--json]
  hyv score text --input samples.jsonl
  hyv score code --input samples.jsonl)";

struct Options {
  std::string real, synthetic, holdout, metadata;
  bool json = false;
  bool no_privacy = false;
  size_t privacy_rows = 1000;
  CsvDialectFlags csv;
};

struct TextOptions {
  std::string input;
  bool json = false;
  bool per_sample = false;
};

void write_stdout(const std::string& s) {
  if (std::fwrite(s.data(), 1, s.size(), stdout) != s.size() || std::fflush(stdout) != 0) {
    throw Exit{1, "cannot write to stdout"};
  }
}

void run_tables(const Options& o) {
  if (o.real.empty() || o.synthetic.empty()) {
    throw Exit{2, "score: give --real R.csv and --synthetic S.csv (or the text/code subcommand)"};
  }
  std::vector<synth::ColumnOverride> overrides;
  if (!o.metadata.empty()) {
    auto json = native::read_text_file(o.metadata);
    if (!json.ok()) throw Exit{1, json.status().message()};
    auto parsed = synth::parse_table_metadata(json.value(), o.metadata);
    if (!parsed.ok()) throw Exit{1, parsed.status().message()};
    overrides = std::move(parsed).value();
  }
  std::vector<synth::CsvTable> tables;
  std::vector<std::pair<std::string, synth::CsvDialect>> dialects;
  for (auto [role, path] : {std::pair{"real", &o.real}, std::pair{"synthetic", &o.synthetic},
                            std::pair{"holdout", &o.holdout}}) {
    if (path->empty()) continue;
    auto t = native::read_table_file(*path, o.csv.hints());
    if (!t.ok()) throw Exit{1, t.status().message()};
    if (t.value().dialect) {
      native::report_csv_dialect(*path, *t.value().dialect);
      dialects.emplace_back(role, *t.value().dialect);
    }
    tables.push_back(std::move(t).value());
  }
  if (tables[0].rows() == 0) throw Exit{1, o.real + ": no data rows to compare with"};
  auto types = synth::infer_column_types(tables[0], overrides);
  if (!types.ok()) throw Exit{1, types.status().message()};
  std::vector<const synth::CsvTable*> ptrs;
  for (const auto& t : tables) ptrs.push_back(&t);
  auto typed = quality::type_tables(ptrs, types.value());
  if (!typed.ok()) throw Exit{1, typed.status().message()};
  quality::QualityReportOptions options;
  options.privacy = !o.no_privacy;
  options.privacy_options.synthetic_rows = o.privacy_rows;
  auto report = quality::build_quality_report(typed.value(), options);
  write_stdout(o.json ? native::with_csv_dialects(quality::quality_report_json(report), dialects)
                      : quality::quality_report_text(report));
}

void run_text(const TextOptions& o, bool code) {
  auto bytes = native::read_text_file(o.input);
  if (!bytes.ok()) throw Exit{1, bytes.status().message()};
  auto samples = quality::parse_text_samples(bytes.value(), o.input);
  if (!samples.ok()) throw Exit{1, samples.status().message()};
  auto report = quality::text_report(samples.value(), code);
  write_stdout(o.json ? quality::text_report_json(report, o.per_sample)
                      : quality::text_report_text(report));
}

Registration reg("score", [](CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("score", "Quality, diagnostic and privacy scores of synthetic data");
  cmd->footer(kHelp);
  cmd->require_subcommand(0, 1);
  cmd->add_option("--real", o->real, "Real (training) data: CSV, JSON or JSON Lines");
  cmd->add_option("--synthetic", o->synthetic, "Synthetic data: CSV, JSON or JSON Lines");
  cmd->add_option("--holdout", o->holdout, "Real rows not used for training (privacy)");
  cmd->add_option("--metadata", o->metadata,
                  "Column types (SDV metadata JSON) instead of inferred");
  cmd->add_flag("--json", o->json, "Full breakdown per column and pair as JSON");
  cmd->add_flag("--no-privacy", o->no_privacy, "Skip the DCR and NewRowSynthesis metrics");
  cmd->add_option("--privacy-rows", o->privacy_rows,
                  "Synthetic rows compared by the DCR metrics (default 1000)")
      ->transform(unsigned_number(1));
  add_csv_dialect_flags(cmd, o->csv);
  for (const char* kind : {"text", "code"}) {
    auto t = std::make_shared<TextOptions>();
    bool code = std::string(kind) == "code";
    auto* sub = cmd->add_subcommand(
        kind, code ? "Score a code dataset (Python parse rate too)" : "Score a text dataset");
    sub->add_option("--input", t->input, "JSONL with a \"text\" field, or one sample per line")
        ->required();
    sub->add_flag("--json", t->json, "Print JSON");
    if (code) sub->add_flag("--per-sample", t->per_sample, "With --json: each sample's verdict");
    sub->callback([t, code] { run_text(*t, code); });
  }
  cmd->callback([o, cmd] {
    if (!cmd->get_subcommands().empty()) return;
    run_tables(*o);
  });
});

}  // namespace
}  // namespace hyv::cli
