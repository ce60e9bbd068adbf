// A C ABI over the learned-table core for tests/synth/copula_wasm_parity.mjs: fit a copula to CSV
// bytes, sample rows to CSV bytes. The host allocates with hyv_alloc and copies bytes in; results
// are read from hyv_out_ptr()/hyv_out_len(); a function returns >= 0, or -1 with the reason in
// hyv_out (as text).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/synth/column_types.h"
#include "hyv/synth/copula_fit.h"
#include "hyv/synth/copula_sample.h"
#include "hyv/synth/csv_table.h"
#include "hyv/synth/table_writer.h"
#include "module_io.h"

using hyv::wasm_test::fail;
using hyv::wasm_test::out;

namespace {

std::string_view text(const uint8_t* p, uint32_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

}  // namespace

// CSV bytes -> the model JSON `hyv fit` writes (inferred types, default options).
HYV_EXPORT("hyv_fit") int32_t hyv_fit(const uint8_t* csv, uint32_t len) {
  auto table = hyv::synth::parse_csv_table(text(csv, len), "train.csv");
  if (!table.ok()) return fail(table.status());
  auto types = hyv::synth::infer_column_types(table.value(), {});
  if (!types.ok()) return fail(types.status());
  auto model = hyv::synth::fit_copula(table.value(), types.value(), {});
  if (!model.ok()) return fail(model.status());
  out() = hyv::synth::copula_model_json(model.value());
  return 0;
}

// Model JSON -> `rows` rows as `hyv sample` writes them in CSV; `where` holds conditions, one per
// line.
HYV_EXPORT("hyv_sample")
int32_t hyv_sample(const uint8_t* model_json, uint32_t len, uint32_t rows, uint64_t seed,
                   const uint8_t* where, uint32_t where_len) {
  auto model = hyv::synth::parse_copula_model(text(model_json, len), "model.json");
  if (!model.ok()) return fail(model.status());
  std::vector<hyv::synth::WhereCondition> conditions;
  std::string_view w = text(where, where_len);
  while (!w.empty()) {
    size_t end = w.find('\n');
    std::string_view line = w.substr(0, end);
    w = end == std::string_view::npos ? std::string_view() : w.substr(end + 1);
    if (line.empty()) continue;
    auto c = hyv::synth::parse_where(line);
    if (!c.ok()) return fail(c.status());
    conditions.push_back(std::move(c).value());
  }
  auto sampler = hyv::synth::CopulaSampler::create(std::move(model).value(), conditions, seed);
  if (!sampler.ok()) return fail(sampler.status());
  std::string csv;
  auto writer =
      hyv::synth::make_table_writer(hyv::synth::TableFormat::csv, [&](std::string_view b) {
        csv.append(b);
        return hyv::Status::Ok();
      });
  hyv::Status st = writer->begin(sampler.value()->column_names());
  std::vector<hyv::synth::Value> row(sampler.value()->column_names().size());
  for (uint32_t i = 0; st.ok() && i < rows; ++i) {
    st = sampler.value()->next_row(row);
    if (st.ok()) st = writer->write_row(row);
  }
  if (st.ok()) st = writer->finish();
  if (!st.ok()) return fail(st);
  out() = std::move(csv);
  return 0;
}
