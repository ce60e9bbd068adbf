// Schema-driven table runs: synth::TableGenerator writes every table of the schema as canonical
// JSONL; the score step checks every row against the schema (synth/validity.h) and charts the
// first table. generated_text columns are written with models the host's resolver lends, as for a
// text job: "text" and "code" are the type's default model, any other name a model id.
#include <algorithm>

#include "hyv/service/blob_store.h"
#include "hyv/service/table_charts.h"
#include "hyv/service/validity_json.h"
#include "hyv/synth/table_generator.h"
#include "hyv/synth/validity.h"
#include "run_base.h"
#include "table_capture.h"
#include "table_quality.h"

namespace hyv::service {
namespace {

// A step with generated_text columns makes at most this many rows: each is a model generation per
// text cell, so a step stays short enough to report progress and to be cancelled.
constexpr uint64_t kTextRowsPerStep = 16;

class SchemaRun final : public RunBase {
 public:
  Status init(TableParams params, RunContext context);
  Result<RunProgress> step(const RunBudget& budget) override;

 private:
  Status open_tables(const synth::Schema& schema);
  Status lend_text_models(const synth::Schema& schema, synth::TextModels& out);
  Status generate(uint64_t rows);
  Status score();
  synth::ValidityReport validate() const;

  RunContext context_;
  std::vector<synth::CsvTable> captured_;  // every row of every table, for the validity check
  std::vector<std::unique_ptr<CapturingSink>> sinks_;
  // Kept loaded while the generator (declared after, so destroyed first) points into them.
  std::vector<std::shared_ptr<const engine::LoadedModel>> text_models_;
  std::unique_ptr<synth::TableGenerator> generator_;
  bool generated_ = false;
};

Status schema_error(const Status& s) {
  return Status::Error(StatusCode::kInvalidArgument, "params.schema: " + s.message());
}

Result<ResolvedModel> resolve_text_model(const ModelResolver& resolve, const std::string& name) {
  ModelRequest asked = text_column_model(name);
  return resolve(asked.type, asked.id);
}

Status SchemaRun::init(TableParams params, RunContext context) {
  type_ = DataType::kTable;
  context_ = std::move(context);
  seed_ = params.seed;
  params_json_ = table_params_json(params);
  model_id_ = "schema";
  model_sha256_ = sha256_hex(params.schema_json);
  Result<synth::Schema> schema = synth::parse_schema(params.schema_json);
  if (!schema.ok()) return schema_error(schema.status());
  HYV_RETURN_IF_ERROR(open_tables(schema.value()));
  synth::GeneratorOptions options;
  options.seed = params.seed;
  options.rows = static_cast<int64_t>(params.rows);
  options.max_total_rows = kMaxTableRows;  // every row is captured for the validity report
  HYV_RETURN_IF_ERROR(lend_text_models(schema.value(), options.text_models));
  std::vector<synth::RowSink*> sinks;
  for (auto& s : sinks_) sinks.push_back(s.get());
  auto generator = synth::TableGenerator::create(std::move(schema).value(), options, sinks);
  if (!generator.ok()) return schema_error(generator.status());
  generator_ = std::move(generator).value();
  // Every row of every table counts, so a child table's rows move the progress too.
  progress_.items_total = generator_->rows_total();
  return Status::Ok();
}

Status SchemaRun::open_tables(const synth::Schema& schema) {
  captured_.reserve(schema.tables.size());
  for (const synth::TableSpec& spec : schema.tables) {
    if (!valid_id(spec.name)) {
      return Status::Error(StatusCode::kInvalidArgument,
                           "params.schema: table name '" + spec.name +
                               "' must be 1 to 64 of A-Z a-z 0-9 . _ - (it names a file)");
    }
    std::vector<std::string> columns = synth::TableGenerator::output_columns(spec);
    captured_.push_back(empty_table(spec.name + ".jsonl", columns));
    auto writer = open_jsonl(context_.open_table, spec.name, std::move(columns));
    if (!writer.ok()) return writer.status();
    sinks_.push_back(
        std::make_unique<CapturingSink>(std::move(writer).value(), &captured_.back(), UINT64_MAX));
  }
  return Status::Ok();
}

Status SchemaRun::lend_text_models(const synth::Schema& schema, synth::TextModels& out) {
  for (const synth::TableSpec& table : schema.tables) {
    for (const synth::ColumnSpec& c : table.columns) {
      if (c.type != synth::ColumnType::generated_text || out.find(c.text->model)) continue;
      if (!context_.resolve_model) return Status::Error(StatusCode::kInternal, "no model resolver");
      Result<ResolvedModel> m = resolve_text_model(context_.resolve_model, c.text->model);
      if (!m.ok()) return m.status().with_context("params.schema: " + c.path + ".model");
      if (!m.value().model)
        return Status::Error(StatusCode::kInternal, "the resolver gave no model");
      text_models_.push_back(m.value().model);
      const engine::LoadedModel& loaded = *text_models_.back();
      out.models.push_back({c.text->model, &loaded.model, &loaded.tokenizer});
    }
  }
  out.runner = context_.runner;
  return Status::Ok();
}

Status SchemaRun::generate(uint64_t rows) {
  if (!text_models_.empty()) rows = std::min(rows, kTextRowsPerStep);
  HYV_RETURN_IF_ERROR(generator_->step(rows));
  progress_.items_done = generator_->rows_done();
  progress_.items_total = generator_->rows_total();
  if (!generator_->done()) return Status::Ok();
  for (size_t t = 0; t < tables_.size(); ++t) tables_[t].rows = sinks_[t]->rows();
  settle_sizes();
  generated_ = true;
  return Status::Ok();
}

synth::ValidityReport SchemaRun::validate() const {
  const synth::Schema& schema = generator_->schema();
  synth::SchemaValidator v(schema);
  std::vector<std::optional<std::string_view>> cells;
  for (int t : synth::validation_order(schema)) {
    const synth::CsvTable& table = captured_[static_cast<size_t>(t)];
    std::vector<std::string_view> header(table.names.begin(), table.names.end());
    if (!v.begin_table(t, table.source, header).ok()) continue;
    for (size_t r = 0; r < table.rows(); ++r) {
      cells.assign(table.columns.size(), std::nullopt);
      for (size_t c = 0; c < table.columns.size(); ++c) {
        std::string_view cell = table.columns[c].cell(r);
        if (!cell.empty()) cells[c] = cell;
      }
      v.add_row(cells, r + 1);
    }
    v.end_table();
  }
  return v.report();
}

Status SchemaRun::score() {
  synth::ValidityReport report = validate();
  quality_score_ = validity_score(report);
  Result<std::string> charts = synthetic_charts_json(captured_.front(), kQualityRows);
  if (!charts.ok()) return charts.status();
  Result<std::string> full = add_charts_to_report(validity_report_json(report), charts.value());
  if (!full.ok()) return full.status();
  quality_report_ = std::move(full).value();
  captured_.clear();
  generator_.reset();
  text_models_.clear();
  done_ = true;
  return Status::Ok();
}

Result<RunProgress> SchemaRun::step(const RunBudget& budget) {
  if (broken_) return Status::Error(StatusCode::kInternal, "the run failed earlier");
  if (done_) return report();
  Status s = generated_ ? score() : generate(std::max<uint64_t>(budget.units, 1));
  if (!s.ok()) return failed(s);
  return report();
}

}  // namespace

ModelRequest text_column_model(std::string_view name) {
  if (name == "text") return {DataType::kText, ""};
  if (name == "code") return {DataType::kCode, ""};
  return {DataType::kText, std::string(name)};
}

Result<std::unique_ptr<GenerationRun>> create_schema_run(TableParams params, RunContext context) {
  auto run = std::make_unique<SchemaRun>();
  HYV_RETURN_IF_ERROR(run->init(std::move(params), std::move(context)));
  return std::unique_ptr<GenerationRun>(std::move(run));
}

}  // namespace hyv::service
