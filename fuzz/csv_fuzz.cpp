// CSV files as `hyv fit`, `score`, `validate` and the studio's learned tables read them: the
// dialect sniffed, cells split into columns, types inferred, and (for a small table) a copula
// fitted and sampled. Reading in two chunks, split where the first byte says, must give the same
// table as reading the whole buffer: the studio and the command line feed files in pieces.
#include <cstdlib>
#include <vector>

#include "fuzz_input.h"
#include "hyv/synth/column_types.h"
#include "hyv/synth/copula_fit.h"
#include "hyv/synth/copula_sample.h"
#include "hyv/synth/csv_table.h"

namespace {

using hyv::synth::CsvTable;

bool same_table(const CsvTable& a, const CsvTable& b) {
  if (a.names != b.names || a.row_lines != b.row_lines || a.columns.size() != b.columns.size())
    return false;
  for (size_t c = 0; c < a.columns.size(); ++c) {
    if (a.columns[c].size() != b.columns[c].size()) return false;
    for (size_t r = 0; r < a.columns[c].size(); ++r)
      if (a.columns[c].cell(r) != b.columns[c].cell(r)) return false;
  }
  return true;
}

hyv::Result<CsvTable> read_in_two_chunks(std::string_view bytes) {
  size_t split = bytes.empty() ? 0 : static_cast<unsigned char>(bytes[0]) * bytes.size() / 256;
  hyv::synth::CsvTableBuilder builder("input.csv");
  HYV_RETURN_IF_ERROR(builder.feed(bytes.substr(0, split)));
  HYV_RETURN_IF_ERROR(builder.feed(bytes.substr(split)));
  return builder.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hyv::synth;
  std::string_view bytes = hyv::fuzz::as_text(data, size);
  auto table = parse_csv_table(bytes);
  auto chunked = read_in_two_chunks(bytes);
  if (table.ok() != chunked.ok()) std::abort();
  if (!table.ok()) return 0;
  if (!same_table(table.value(), chunked.value())) std::abort();
  for (const auto& column : table.value().columns)
    if (column.size() != table.value().rows()) std::abort();

  auto types = infer_column_types(table.value(), {});
  if (!types.ok() || table.value().rows() == 0 || table.value().rows() > 200) return 0;
  auto model = fit_copula(table.value(), types.value(), {});
  if (!model.ok()) return 0;
  auto sampler = CopulaSampler::create(std::move(model).value(), {}, 3);
  if (!sampler.ok()) return 0;
  std::vector<Value> row(sampler.value()->column_names().size());
  for (int i = 0; i < 3; ++i) {
    if (!sampler.value()->next_row(row).ok()) break;
  }
  return 0;
}
