// Table jobs: schema-driven tables (synth::TableGenerator) and rows sampled from a learned
// Gaussian copula (synth::CopulaSampler), made over as many update calls as they need and handed
// out as pages of CSV, JSON or JSON Lines bytes. The concatenated pages of a job are byte for byte
// the file `hyv generate table SCHEMA --rows N --seed S --table T` or `hyv sample MODEL --rows N
// --seed S` writes. Jobs live on the heap (lost at an upgrade), belong to their caller and share
// the generation sessions' limits (per caller, idle expiry).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hyv/status.h"

namespace hyv::canister {

// A page stops growing past this many bytes, well inside the IC's 2 MiB reply limit.
inline constexpr size_t kTablePageBytes = 1 << 20;
inline constexpr size_t kMaxTableSpecBytes = 1 << 20;

struct TableParams {
  enum class Source { schema, copula };
  Source source = Source::schema;
  std::string spec;  // the schema JSON or the copula model JSON (`hyv fit`)
  // schema: rows of every top-level table (the schema's own counts when absent);
  // copula: rows to sample (required).
  std::optional<uint64_t> rows;
  uint64_t seed = 0;
  std::string format = "csv";      // csv, json or jsonl
  std::string table;               // schema: the table to return ("" when the schema has one)
  std::vector<std::string> where;  // copula: conditions as `hyv sample --where` takes them
};

struct TablePage {
  uint64_t job = 0;
  std::string table;          // the table's name (schema) or "" (copula)
  std::vector<uint8_t> data;  // this call's bytes; pages may split a UTF-8 sequence
  uint64_t rows = 0;          // rows of the table written so far
  bool done = false;
  std::string spec_sha256;  // hex, of the schema or model JSON
  TableParams params;       // spec left empty (spec_sha256 names it)
};

Result<TablePage> table_start(const std::vector<uint8_t>& caller, TableParams params,
                              uint64_t now_ns);
Result<TablePage> table_continue(const std::vector<uint8_t>& caller, uint64_t job, uint64_t now_ns);

}  // namespace hyv::canister
