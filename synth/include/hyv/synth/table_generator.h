// Schema-driven table generation as a budgeted state machine: step(max_rows) writes at most
// max_rows rows (all tables together) into the sinks and returns, so a host can run it in chunks
// (a canister message, a cancellable job). The output is a pure function of (schema, options):
// byte-identical whatever the step sizes, and on every platform (hyv::engine::Rng, portable
// samplers, formatting without locale).
//
//   auto schema = parse_schema(json);
//   GeneratorOptions o;  o.seed = 42;  o.rows = 1000;
//   auto gen = TableGenerator::create(std::move(schema).value(), o, {csv_sink.get()});
//   while (!gen.value()->done()) HYV_RETURN_IF_ERROR(gen.value()->step(10000));
//
// Order: root tables one after another; each row of a table is followed at once by its child rows
// (rows_per_parent of them, drawn per parent row), depth first, so a child's foreign key always
// copies the parent row just made and memory does not grow with the row count. Unique columns other
// than ids keep a 64-bit hash per value (a hash collision only costs a retry, never a duplicate).
//
// Invariant between steps: every table's sink has received exactly rows_written(t) rows; the frame
// stack holds, per open parent row, how many child rows are still owed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/schema.h"
#include "hyv/synth/table_writer.h"
#include "hyv/synth/text_column.h"

namespace hyv::synth {

struct GeneratorOptions {
  uint64_t seed = 0;
  // Rows for every top-level table (overrides the schema's "rows"), unless table_rows names it.
  std::optional<int64_t> rows;
  std::vector<std::pair<std::string, int64_t>> table_rows;
  // create() refuses a run that can make more rows than this, all tables together, children at
  // their rows_per_parent maximum (check_row_counts in schema.h).
  uint64_t max_total_rows = kMaxTotalRows;
  // The models generated_text columns name, loaded by the host (text_column.h). Each cell's
  // sampling seed derives from (seed, table, row index, column), so the text does not depend on
  // step sizes or threads. Such rows are far slower (one model generation per cell).
  TextModels text_models;
};

// Each table's top-level row count (0 for child tables) from options.table_rows, options.rows and
// the schema's "rows", in that order. Messages name the request's field ("rows for table
// \"orders\": ..."), so a host can add its own spelling of it (the CLI's --rows); create() runs
// the same check.
Result<std::vector<int64_t>> root_row_counts(const Schema& schema, const GeneratorOptions& options);

class TableGenerator {
 public:
  // sinks[t] receives table t's rows; a missing or null sink means the table is generated (its
  // rows feed its children's foreign keys) but not written. create() runs the up-front checks.
  static Result<std::unique_ptr<TableGenerator>> create(Schema schema, GeneratorOptions options,
                                                        std::vector<RowSink*> sinks);
  ~TableGenerator();

  Status step(uint64_t max_rows);
  bool done() const;
  const Schema& schema() const;
  uint64_t rows_written(int table) const;
  // Progress over the top-level tables (child counts are not known in advance).
  uint64_t root_rows_done() const;
  uint64_t root_rows_total() const;
  // Progress over every row of every table: rows made so far, and rows_done() plus the expected
  // number still to come (child counts at their rows_per_parent mean), so never below
  // rows_done() and exact once done().
  uint64_t rows_done() const;
  uint64_t rows_total() const;

  // The columns a table writes (hidden ones left out), in schema order.
  static std::vector<std::string> output_columns(const TableSpec& table);

  struct Impl;

 private:
  explicit TableGenerator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hyv::synth
