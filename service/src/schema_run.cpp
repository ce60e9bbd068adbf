// Schema-driven table runs: synth::TableGenerator writes every table of the schema as canonical
// JSONL; the score step checks every row against the schema (synth/validity.h) and charts the
// first table.
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

class SchemaRun final : public RunBase {
 public:
  Status init(TableParams params, RunContext context);
  Result<RunProgress> step(const RunBudget& budget) override;

 private:
  Status open_tables(const synth::Schema& schema);
  Status generate(uint64_t rows);
  Status score();
  synth::ValidityReport validate() const;

  RunContext context_;
  std::vector<synth::CsvTable> captured_;  // every row of every table, for the validity check
  std::vector<std::unique_ptr<CapturingSink>> sinks_;
  std::unique_ptr<synth::TableGenerator> generator_;
  bool generated_ = false;
};

Status schema_error(const Status& s) {
  return Status::Error(StatusCode::kInvalidArgument, "params.schema: " + s.message());
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

Status SchemaRun::generate(uint64_t rows) {
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

Result<std::unique_ptr<GenerationRun>> create_schema_run(TableParams params, RunContext context) {
  auto run = std::make_unique<SchemaRun>();
  HYV_RETURN_IF_ERROR(run->init(std::move(params), std::move(context)));
  return std::unique_ptr<GenerationRun>(std::move(run));
}

}  // namespace hyv::service
