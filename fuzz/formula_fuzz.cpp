// Formulas over the columns a, b and `unit price`, evaluated on one row.
#include "fuzz_input.h"
#include "hyv/synth/formula.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto resolve = [](std::string_view name, std::string*) -> std::optional<int> {
    if (name == "a") return 0;
    if (name == "b") return 1;
    if (name == "unit price") return 2;
    return std::nullopt;
  };
  auto f = hyv::synth::Formula::parse(hyv::fuzz::as_text(data, size), resolve);
  if (!f.ok()) return 0;
  const double row[] = {3, -0.5, 1e300};
  (void)f.value().eval(row);
  return 0;
}
