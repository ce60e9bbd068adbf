// Table files for the native host: CSV read in 1 MiB chunks into synth::CsvTable (the core never
// opens files), so a file is held once, column by column, never whole as bytes too; JSON and JSON
// Lines (synth/json_table.h) read whole.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/csv_table.h"

namespace hyv::native {

// Errors name the path, and for bad content the line, column and byte (see synth/csv_reader.h).
// The dialect is sniffed where hints leave it open (synth/csv_dialect.h).
Result<synth::CsvTable> read_csv_file(const std::string& path,
                                      const synth::CsvDialectHints& hints = {});
// By extension: .json (array of objects), .jsonl / .ndjson (JSON Lines), anything else CSV.
Result<synth::CsvTable> read_table_file(const std::string& path,
                                        const synth::CsvDialectHints& hints = {});

// "hyv: read data.csv as delimiter ';', ..." on stderr, so a misread is visible before its
// results are trusted.
void report_csv_dialect(const std::string& path, const synth::CsvDialect& dialect);

// A JSON object with "csv_dialects": {"<key>": {dialect}, ...} added as its first member; json
// unchanged when there are none (JSON inputs have no dialect).
std::string with_csv_dialects(
    std::string json, const std::vector<std::pair<std::string, synth::CsvDialect>>& dialects);

}  // namespace hyv::native
