// Table runs learned from a sample CSV: infer column types (with the user's metadata overrides),
// fit a Gaussian copula (synth/copula_fit.h) in the first step, sample rows as canonical JSONL,
// then score the first kQualityRows rows against the sample (SDMetrics-style report + charts).
#include "hyv/service/blob_store.h"
#include "hyv/synth/copula_fit.h"
#include "hyv/synth/copula_sample.h"
#include "hyv/synth/table_metadata.h"
#include "json_util.h"
#include "run_base.h"
#include "table_capture.h"
#include "table_quality.h"

namespace hyv::service {
namespace {

class LearnedRun final : public RunBase {
 public:
  Status init(TableParams params, RunContext context);
  Result<RunProgress> step(const RunBudget& budget) override;

 private:
  Status fit();
  Status generate(uint64_t rows);
  Status score();

  TableParams params_;
  RunContext context_;
  synth::CsvTable sample_;
  std::vector<synth::ColumnInfo> types_;
  // The same draws twice: typed values for the JSONL, and the sample's own spelling (thousands
  // separators, "yes"/"no") for the rows the quality report compares with the sample.
  std::unique_ptr<synth::CopulaSampler> typed_;
  std::unique_ptr<synth::CopulaSampler> spelled_;
  std::unique_ptr<synth::RowSink> writer_;
  synth::CsvTable synthetic_;
  std::vector<synth::Value> row_, spelled_row_;
  bool generated_ = false;
};

Status sample_error(const Status& s, const char* field) {
  return Status::Error(StatusCode::kInvalidArgument,
                       std::string("params.") + field + ": " + s.message());
}

Status LearnedRun::init(TableParams params, RunContext context) {
  type_ = DataType::kTable;
  params_ = std::move(params);
  context_ = std::move(context);
  seed_ = params_.seed;
  params_json_ = table_params_json(params_);
  model_id_ = "gaussian-copula";
  model_sha256_ = sha256_hex(params_.sample_csv);
  Result<synth::CsvTable> sample = synth::parse_csv_table(params_.sample_csv, "sample.csv");
  if (!sample.ok()) return sample_error(sample.status(), "sample_csv");
  sample_ = std::move(sample).value();
  if (sample_.rows() == 0) return sample_error(Status::Error("no data rows"), "sample_csv");
  std::vector<synth::ColumnOverride> overrides;
  if (params_.metadata_json != "{}") {
    auto parsed = synth::parse_table_metadata(params_.metadata_json, "params.metadata");
    if (!parsed.ok()) return invalid(parsed.status().message());
    overrides = std::move(parsed).value();
  }
  auto types = synth::infer_column_types(sample_, overrides);
  if (!types.ok()) return sample_error(types.status(), "sample_csv");
  types_ = std::move(types).value();
  progress_.items_total = params_.rows;
  return Status::Ok();
}

Status LearnedRun::fit() {
  Result<synth::CopulaModel> model = synth::fit_copula(sample_, types_, {});
  if (!model.ok()) return sample_error(model.status(), "sample_csv");
  auto typed = synth::CopulaSampler::create(model.value(), {}, seed_, {true});
  if (!typed.ok()) return typed.status();
  auto spelled = synth::CopulaSampler::create(std::move(model).value(), {}, seed_, {false});
  if (!spelled.ok()) return spelled.status();
  typed_ = std::move(typed).value();
  spelled_ = std::move(spelled).value();
  const std::vector<std::string>& names = typed_->column_names();
  auto writer = open_jsonl(context_.open_table, "data", names);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(writer).value();
  synthetic_ = empty_table("synthetic", names);
  row_.resize(names.size());
  spelled_row_.resize(names.size());
  return writer_->begin(names);
}

Status LearnedRun::generate(uint64_t rows) {
  for (uint64_t i = 0; i < rows && progress_.items_done < params_.rows; ++i) {
    HYV_RETURN_IF_ERROR(typed_->next_row(row_));
    HYV_RETURN_IF_ERROR(writer_->write_row(row_));
    if (progress_.items_done < kQualityRows) {
      HYV_RETURN_IF_ERROR(spelled_->next_row(spelled_row_));
      capture_row(synthetic_, spelled_row_);
    }
    ++progress_.items_done;
  }
  if (progress_.items_done < params_.rows) return Status::Ok();
  HYV_RETURN_IF_ERROR(writer_->finish());
  tables_[0].rows = progress_.items_done;
  settle_sizes();
  generated_ = true;
  return Status::Ok();
}

Status LearnedRun::score() {
  Result<TableQuality> q = learned_quality(sample_, synthetic_, types_);
  if (!q.ok()) return q.status();
  quality_score_ = q.value().score;
  quality_report_ = std::move(q.value().report_json);
  synthetic_ = {};
  typed_.reset();
  spelled_.reset();
  done_ = true;
  return Status::Ok();
}

Result<RunProgress> LearnedRun::step(const RunBudget& budget) {
  if (broken_) return Status::Error(StatusCode::kInternal, "the run failed earlier");
  if (done_) return report();
  Status s = !typed_ && !generated_ ? fit()
             : generated_           ? score()
                                    : generate(std::max<uint64_t>(budget.units, 1));
  if (!s.ok()) return failed(s);
  return report();
}

}  // namespace

Result<std::unique_ptr<GenerationRun>> create_learned_run(TableParams params, RunContext context) {
  auto run = std::make_unique<LearnedRun>();
  HYV_RETURN_IF_ERROR(run->init(std::move(params), std::move(context)));
  return std::unique_ptr<GenerationRun>(std::move(run));
}

}  // namespace hyv::service
