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
//   if (!run.ok()) -> 400 with run.status().message() ("params.top_p must be 0..1 (got 2)")
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
// "gaussian-copula" with the SHA-256 of the sample CSV. A schema's generated_text columns get their
// models from resolve_model too: "text" and "code" are the type's default model (id ""), any other
// name a model id; such a run makes at most 16 rows per step whatever the budget (each text cell is
// a model generation). The manifest does not yet record which models those were.
//
// Remote samples (RunContext::remote_samples, the generator canister): a text/code run whose
// samples an engine elsewhere generates. The run plans sample i (sample_request: the prompt and
// the sampling a local run would use, seeded with derive_seed(seed, i)) and the host hands back
// the sample's continuation (deliver_sample, in order); rows, sizes, the quality report and the
// manifest are made by the same code as a local run, so the same params give the same bytes when
// the engine gives the same tokens. resolve_model gives the id and sha256 but no model.
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
#include "hyv/engine/sampler.h"
#include "hyv/service/dataset_manifest.h"
#include "hyv/status.h"
#include "hyv/synth/table_writer.h"
#include "hyv/task_runner.h"

namespace hyv::service {

// Rows of a table the quality report and the charts look at (the first ones, in order).
inline constexpr uint64_t kQualityRows = 10000;

struct ResolvedModel {
  // Must stay loaded while the run lives; null for remote samples.
  std::shared_ptr<const engine::LoadedModel> model;
  std::string id;      // the resolved id (the default's id when asked for "")
  std::string sha256;  // of model.safetensors, 64 lowercase hex
};

// id empty: the default model of the type. Errors: kNotFound for an unknown id.
using ModelResolver = std::function<Result<ResolvedModel>(DataType type, std::string_view id)>;
// What resolve_model is asked for a schema's generated_text column naming `name`: "text" and "code"
// are that type's default model (id ""), any other name a text model's id.
struct ModelRequest {
  DataType type = DataType::kText;
  std::string id;
};
ModelRequest text_column_model(std::string_view name);

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
  bool remote_samples = false;   // text/code: the host generates the samples (see above)
};

// What sample i of a text/code run asks the engine for.
struct SampleRequest {
  std::string prompt;  // "" starts from the model's <|endoftext|> (engine::encode_prompt)
  engine::SamplingParams sampling;
  int max_tokens = 0;
  std::vector<std::string> stop;
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
  uint64_t items_done = 0;        // samples or rows finished
  uint64_t items_total = 0;       // samples or rows asked for (a schema: every table's rows, the
                                  // child tables' expected until they are made)
  uint64_t tokens_done = 0;       // text/code: tokens generated so far
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

  // sample_request: the request for sample i (< the params' samples); a local run starts its
  // sessions from it too. deliver_sample (remote samples only, an error otherwise): the
  // continuation of `tokens` tokens an engine made for the next sample not yet delivered, its
  // index given so that a host delivering out of order is told, not misread. The step after the
  // last delivery scores the run.
  virtual Result<SampleRequest> sample_request(uint64_t i) const;
  virtual Status deliver_sample(uint64_t i, std::string_view continuation, uint64_t tokens);

  // Fills a manifest's generation fields (type, model, params, seed, size, item_count, quality,
  // tables) from a finished run; the host adds id, name, tags and times.
  void fill_manifest(DatasetManifest& m) const;
};

}  // namespace hyv::service
