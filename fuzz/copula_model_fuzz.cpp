// Learned-table model files (hyv fit's JSON); a model that loads must sample rows.
#include <vector>

#include "fuzz_input.h"
#include "hyv/synth/copula_model.h"
#include "hyv/synth/copula_sample.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hyv::synth;
  auto model = parse_copula_model(hyv::fuzz::as_text(data, size), "fuzz.model.json");
  if (!model.ok()) return 0;
  auto sampler = CopulaSampler::create(std::move(model).value(), {}, 5);
  if (!sampler.ok()) return 0;
  std::vector<Value> row(sampler.value()->column_names().size());
  for (int i = 0; i < 5; ++i) {
    if (!sampler.value()->next_row(row).ok()) break;
  }
  return 0;
}
