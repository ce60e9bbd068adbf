#include "hyv/service/generation_run.h"

#include "run_base.h"

namespace hyv::service {
namespace {

Result<std::unique_ptr<GenerationRun>> create_table_run(std::string_view params_json,
                                                        RunContext context) {
  Result<TableParams> p = parse_table_params(params_json, context.fallback_seed);
  if (!p.ok()) return p.status();
  if (p.value().mode == TableParams::Mode::kSchema) {
    return create_schema_run(std::move(p).value(), std::move(context));
  }
  return create_learned_run(std::move(p).value(), std::move(context));
}

}  // namespace

Result<std::unique_ptr<GenerationRun>> GenerationRun::create(DataType type,
                                                             std::string_view params_json,
                                                             RunContext context) {
  if (type == DataType::kTable) return create_table_run(params_json, std::move(context));
  return create_text_run(type, params_json, std::move(context));
}

Result<SampleRequest> GenerationRun::sample_request(uint64_t) const {
  return Status::Error(StatusCode::kConflict, "not a run with remote samples");
}

Status GenerationRun::deliver_sample(uint64_t, std::string_view, uint64_t) {
  return Status::Error(StatusCode::kConflict, "not a run with remote samples");
}

void GenerationRun::fill_manifest(DatasetManifest& m) const {
  m.type = type();
  m.model_id = model_id();
  m.model_sha256 = model_sha256();
  m.params_json = canonical_params_json();
  m.seed = seed();
  m.size_bytes = size_bytes();
  m.item_count = item_count();
  m.quality_score = quality_score();
  m.quality_report_json = quality_report_json();
  m.tables = tables();
}

}  // namespace hyv::service
