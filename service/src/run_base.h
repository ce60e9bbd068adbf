// What every GenerationRun kind shares: the fields the host reads once the run is done, and the
// sinks that count the bytes they pass on. text_run.cpp, schema_run.cpp and learned_run.cpp
// derive from it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hyv/service/generation_params.h"
#include "hyv/service/generation_run.h"

namespace hyv::service {

class RunBase : public GenerationRun {
 public:
  bool done() const override { return done_; }
  RunProgress progress() const override { return progress_; }
  DataType type() const override { return type_; }
  const std::string& canonical_params_json() const override { return params_json_; }
  uint64_t seed() const override { return seed_; }
  const std::string& model_id() const override { return model_id_; }
  const std::string& model_sha256() const override { return model_sha256_; }
  const std::vector<DatasetTable>& tables() const override { return tables_; }
  uint64_t item_count() const override;
  uint64_t size_bytes() const override;
  std::optional<double> quality_score() const override { return quality_score_; }
  const std::string& quality_report_json() const override { return quality_report_; }

 protected:
  // Opens table `name` through the host and wraps its sink in a canonical JSONL writer whose
  // flushed bytes are counted (settle_sizes copies them into tables_). The caller (or the table
  // generator) calls begin() on it.
  Result<std::unique_ptr<synth::RowSink>> open_jsonl(const TableSinkOpener& open,
                                                     const std::string& name,
                                                     std::vector<std::string> columns);
  // A step's result: the progress so far plus `pieces`.
  RunProgress report(std::vector<TextPiece> pieces = {}) const;
  Status failed(const Status& s);  // marks the run unusable
  // Copies the counted JSONL sizes into tables_ (call once every writer has finished).
  void settle_sizes();

  DataType type_ = DataType::kText;
  std::string params_json_;
  uint64_t seed_ = 0;
  std::string model_id_;
  std::string model_sha256_;
  std::vector<DatasetTable> tables_;
  std::vector<std::shared_ptr<uint64_t>> table_bytes_;
  RunProgress progress_;
  bool done_ = false;
  bool broken_ = false;
  std::optional<double> quality_score_;
  std::string quality_report_;
};

// Each kind's factory (generation_run.cpp dispatches on the type and the table mode).
Result<std::unique_ptr<GenerationRun>> create_text_run(DataType type, std::string_view params,
                                                       RunContext context);
Result<std::unique_ptr<GenerationRun>> create_schema_run(TableParams params, RunContext context);
Result<std::unique_ptr<GenerationRun>> create_learned_run(TableParams params, RunContext context);

}  // namespace hyv::service
