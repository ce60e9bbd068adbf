// Data tables in JSON (an array of objects) or JSON Lines, as `hyv fit` and `score` read
// `hyv sample`'s output; the last bit of the first byte picks the form. A table that reads must
// be rectangular and have its types inferred.
#include <cstdlib>

#include "fuzz_input.h"
#include "hyv/synth/column_types.h"
#include "hyv/synth/json_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hyv::synth;
  if (size == 0) return 0;
  bool lines = data[0] & 1;
  auto table = parse_json_table(hyv::fuzz::as_text(data + 1, size - 1), "fuzz.json", lines);
  if (!table.ok()) return 0;
  if (table.value().columns.size() != table.value().names.size()) std::abort();
  for (const auto& column : table.value().columns)
    if (column.size() != table.value().rows()) std::abort();
  (void)infer_column_types(table.value(), {});
  return 0;
}
