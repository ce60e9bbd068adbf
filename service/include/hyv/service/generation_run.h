// GenerationRun: one job's work (text, code, or a table from a schema or learned from a sample
// CSV) as a budgeted state machine, so a host thread, or a canister's calls, can drive it in
// steps, report progress, stream tokens and stop (cancel) between steps.
//
//   RunContext ctx;
//   ctx.resolve_model = [&](DataType t, std::string_view id) -> Result<ResolvedModel> {...};
//   ctx.open_table = [&](std::string_view table) -> Result<synth::ByteSink> {...};  // e.g. a
//                                                   // tmp/ blob the host commits when done
//   ctx.runner = &pool;  ctx.fallback_seed = random_u64();
//   auto run = GenerationRun::create(DataType::kText, params_json, std::move(ctx));
//   if (!run.ok()) -> 400 with run.status().message() ("params.top_p: must be in [0, 1] ...")
//   while (!run.value()->done()) {
//     auto p = run.value()->step(RunBudget{.units = 16});  // 16 tokens, or rows for tables
//     publish(p.value());                                   // progress + new text per sample
//     if (cancelled) break;                                  // drop the run; remove the blobs
//   }
//   run.value()->canonical_params_json(), tables(), item_count(), size_bytes(),
//   quality_score(), quality_report_json(), model_id(), model_sha256(), seed()
//
// Phases: (learned: fit the copula) -> generate -> score (quality report) -> done. Every step()
// does a bounded amount of work of one phase; the fit and the score are one step each.
//
// Output bytes are canonical JSONL (one object per row, keys in column order, typed values), a
// pure function of the canonical params: sample i of text/code is generated with seed
// derive_seed(seed, i) (generation_params.h), tables with the generator's own seeding; no
// dependence on step sizes, threads or the TaskRunner.
//
// Text/code: one table "samples", columns index (int), prompt (string), text (string) where text
// is the prompt followed by the generated continuation (the stop string cut off). Streaming: the
// pieces step() returns for sample i, concatenated, equal that sample's text (the first piece is
// the prompt). Tables: the schema's table names (hidden columns left out), or one table "data"
// for a learned run.
//
// Models for text/code come from the host through resolve_model (the model must outlive the run);
// tables record a pseudo model: "schema" with the SHA-256 of the canonical schema JSON, or
// "gaussian-copula" with the SHA-256 of the sample CSV.
//
// Quality (score phase): text/code: quality::text_report over all samples, JSON of
// text_report_json plus "score"; score = mean(distinct_2, 1 - duplicate_rate,
// 1 - repeated_4gram_rate[, parse_rate for code]). Learned tables: the SDMetrics-style report
// (quality_report_json, privacy off) of the first kQualityRows synthetic rows against the sample,
// score = its overall quality. Schema tables: the validity report of every row, score =
// 1 - violations / checks (1 when nothing is checked). Table reports also hold "charts"
// (table_charts.h) of the first table's first kQualityRows rows.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/engine/model_folder.h"
#include "hyv/service/dataset_manifest.h"
#include "hyv/status.h"
#include "hyv/synth/table_writer.h"
#include "hyv/task_runner.h"

namespace hyv::service {

// Rows of a table the quality report and the charts look at (the first ones, in order).
inline constexpr uint64_t kQualityRows = 10000;

struct ResolvedModel {
  std::shared_ptr<const engine::LoadedModel> model;  // must stay loaded while the run lives
  std::string id;      // the resolved id (the default's id when asked for "")
  std::string sha256;  // of model.safetensors, 64 lowercase hex
};

// id empty: the default model of the type. Errors: kNotFound for an unknown id.
using ModelResolver = std::function<Result<ResolvedModel>(DataType type, std::string_view id)>;
// Called once per output table, in table order, before any of its bytes: from create() for
// text, code and schema runs, from the first step() (once the fit has fixed the columns) for a
// learned run. The sink receives the table's canonical JSONL bytes in order (in chunks of up to
// 64 KiB; the last ones in the step that ends generation, before the score step).
using TableSinkOpener = std::function<Result<synth::ByteSink>(std::string_view table)>;

struct RunContext {
  ModelResolver resolve_model;  // text/code only
  TableSinkOpener open_table;
  TaskRunner* runner = nullptr;  // threads lent to the engine's kernels; null: inline
  uint64_t fallback_seed = 0;    // used when params has no seed
};

struct RunBudget {
  uint64_t units = 64;  // new tokens (text/code) or rows (tables) in this step
  // Optional extra stop for text/code, checked after each forward pass (e.g. an instruction
  // counter); table steps are bounded by units alone.
  std::function<bool()> exhausted;
};

struct TextPiece {
  uint64_t item = 0;  // sample index
  std::string text;   // new text of that sample, valid UTF-8
};

struct RunProgress {
  uint64_t items_done = 0;   // samples or rows finished
  uint64_t items_total = 0;  // samples or rows asked for (a schema: every table's rows, the
                             // child tables' expected until they are made)
  uint64_t tokens_done = 0;  // text/code: tokens generated so far
  std::vector<TextPiece> pieces;  // this step's new text, in order (text/code only)
  bool done = false;
};

class GenerationRun {
 public:
  // Parses and checks params (kInvalidArgument naming the field), resolves the model, opens
  // the sinks (see TableSinkOpener). Cheap: the heavy work happens in step().
  static Result<std::unique_ptr<GenerationRun>> create(DataType type, std::string_view params_json,
                                                       RunContext context);
  virtual ~GenerationRun() = default;

  // Does at most budget.units of work (at least some progress per call) and reports it. A
  // failed step (a sink error, a condition the model cannot meet) leaves the run unusable.
  virtual Result<RunProgress> step(const RunBudget& budget) = 0;
  virtual bool done() const = 0;
  virtual RunProgress progress() const = 0;  // without pieces

  virtual DataType type() const = 0;
  // Available from create() on.
  virtual const std::string& canonical_params_json() const = 0;
  virtual uint64_t seed() const = 0;
  virtual const std::string& model_id() const = 0;
  virtual const std::string& model_sha256() const = 0;
  // Available once done().
  virtual const std::vector<DatasetTable>& tables() const = 0;
  virtual uint64_t item_count() const = 0;  // samples, or rows of every table together
  virtual uint64_t size_bytes() const = 0;  // of all tables' JSONL
  virtual std::optional<double> quality_score() const = 0;
  virtual const std::string& quality_report_json() const = 0;

  // Fills a manifest's generation fields (type, model, params, seed, size, item_count, quality,
  // tables) from a finished run; the host adds id, name, tags and times.
  void fill_manifest(DatasetManifest& m) const;
};

}  // namespace hyv::service
