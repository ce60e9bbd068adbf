// The `params` object of a studio job (POST /api/v1/jobs, generation_params.h), the first byte
// picking text, code or table. Parameters that parse must come back unchanged from their canonical
// JSON: a manifest records that form and Regenerate parses it again. For learned tables, the
// sample CSV and the metadata overrides are then read as a learned run starts.
#include <cstdlib>
#include <string>

#include "hyv/service/generation_params.h"
#include "hyv/synth/column_types.h"
#include "hyv/synth/csv_table.h"
#include "hyv/synth/table_metadata.h"

namespace {

using namespace hyv::service;

constexpr uint64_t kFallbackSeed = 99;

void text(DataType type, std::string_view json) {
  auto p = parse_text_params(type, json, kFallbackSeed);
  if (!p.ok()) return;
  if (p.value().model.empty()) p.value().model = "resolved-model";
  std::string canonical = text_params_json(p.value());
  auto again = parse_text_params(type, canonical, kFallbackSeed + 1);
  if (!again.ok() || text_params_json(again.value()) != canonical) std::abort();
}

void table(std::string_view json) {
  auto p = parse_table_params(json, kFallbackSeed);
  if (!p.ok()) return;
  std::string canonical = table_params_json(p.value());
  auto again = parse_table_params(canonical, kFallbackSeed + 1);
  if (!again.ok() || table_params_json(again.value()) != canonical) std::abort();
  if (p.value().mode != TableParams::Mode::kLearned) return;
  auto sample = hyv::synth::parse_csv_table(p.value().sample_csv, "sample.csv");
  if (!sample.ok()) return;
  std::vector<hyv::synth::ColumnOverride> overrides;
  if (p.value().metadata_json != "{}") {
    auto parsed = hyv::synth::parse_table_metadata(p.value().metadata_json, "params.metadata");
    if (!parsed.ok()) return;
    overrides = std::move(parsed).value();
  }
  (void)hyv::synth::infer_column_types(sample.value(), overrides);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view json(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      text(DataType::kText, json);
      break;
    case 1:
      text(DataType::kCode, json);
      break;
    default:
      table(json);
      break;
  }
  return 0;
}
