// Table files for the native host: CSV read in 1 MiB chunks into synth::CsvTable (the core never
// opens files), so a file is held once, column by column, never whole as bytes too; JSON and JSON
// Lines (synth/json_table.h) read whole.
#pragma once

#include <string>

#include "hyv/status.h"
#include "hyv/synth/csv_table.h"

namespace hyv::native {

// Errors name the path, and for bad content the line, column and byte (see synth/csv_reader.h).
Result<synth::CsvTable> read_csv_file(const std::string& path);
// By extension: .json (array of objects), .jsonl / .ndjson (JSON Lines), anything else CSV.
Result<synth::CsvTable> read_table_file(const std::string& path);

}  // namespace hyv::native
