// A C ABI over schema-driven generation for tests/synth/schema_wasm_parity.mjs: schema bytes in,
// one table's CSV bytes out, generated in steps of `step_rows` (so the parity also covers chunked
// runs). The host allocates with hyv_alloc and copies bytes in; the result is read from
// hyv_out_ptr()/hyv_out_len(); hyv_generate returns 0, or -1 with the reason in hyv_out.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/synth/schema.h"
#include "hyv/synth/table_generator.h"
#include "hyv/synth/table_writer.h"
#include "module_io.h"

using hyv::wasm_test::fail;
using hyv::wasm_test::out;

// Table `table` of the schema as `hyv generate table --rows ROWS --seed SEED --table NAME` writes
// it in CSV (rows < 0: the schema's own row counts).
HYV_EXPORT("hyv_generate")
int32_t hyv_generate(const uint8_t* schema_json, uint32_t len, int64_t rows, uint64_t seed,
                     int32_t table, uint32_t step_rows) {
  auto schema =
      hyv::synth::parse_schema(std::string_view(reinterpret_cast<const char*>(schema_json), len));
  if (!schema.ok()) return fail(schema.status());
  if (table < 0 || size_t(table) >= schema.value().tables.size())
    return fail(hyv::Status::Error("no such table"));
  std::string csv;
  auto writer =
      hyv::synth::make_table_writer(hyv::synth::TableFormat::csv, [&](std::string_view b) {
        csv.append(b);
        return hyv::Status::Ok();
      });
  std::vector<hyv::synth::RowSink*> sinks(schema.value().tables.size(), nullptr);
  sinks[size_t(table)] = writer.get();
  hyv::synth::GeneratorOptions o;
  o.seed = seed;
  if (rows >= 0) o.rows = rows;
  auto gen = hyv::synth::TableGenerator::create(std::move(schema).value(), o, sinks);
  if (!gen.ok()) return fail(gen.status());
  while (!gen.value()->done()) {
    hyv::Status s = gen.value()->step(step_rows ? step_rows : 1);
    if (!s.ok()) return fail(s);
  }
  out() = std::move(csv);
  return 0;
}
