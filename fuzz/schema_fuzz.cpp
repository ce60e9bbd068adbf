// Table schemas (docs/schema.md): parsing with its formulas and patterns, then, for a schema that
// parses, the up-front checks and the first rows of every table, written as CSV.
#include <memory>
#include <vector>

#include "fuzz_input.h"
#include "hyv/synth/schema.h"
#include "hyv/synth/table_generator.h"
#include "hyv/synth/table_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hyv::synth;
  auto schema = parse_schema(hyv::fuzz::as_text(data, size));
  if (!schema.ok()) return 0;
  std::vector<std::unique_ptr<RowSink>> writers;
  std::vector<RowSink*> sinks;
  for (size_t i = 0; i < schema.value().tables.size(); ++i) {
    writers.push_back(
        make_table_writer(TableFormat::csv, [](std::string_view) { return hyv::Status::Ok(); }));
    sinks.push_back(writers.back().get());
  }
  GeneratorOptions options;
  options.seed = 1;
  options.rows = 3;
  options.max_total_rows = 200;
  auto gen = TableGenerator::create(std::move(schema).value(), options, sinks);
  if (!gen.ok()) return 0;
  for (int steps = 0; steps < 100 && !gen.value()->done(); ++steps) {
    if (!gen.value()->step(16).ok()) break;
  }
  return 0;
}
