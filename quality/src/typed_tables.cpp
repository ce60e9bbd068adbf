#include "hyv/quality/typed_tables.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "hyv/synth/cell_values.h"

namespace hyv::quality {
namespace {

std::string_view canonical_boolean(std::string_view cell) {
  std::string_view t = synth::trim_blanks(cell);
  if (t.size() > 5) return cell;
  char l[6] = {};
  for (size_t i = 0; i < t.size(); ++i) {
    l[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(t[i])));
  }
  std::string_view v(l, t.size());
  if (v == "true" || v == "yes" || v == "t" || v == "y") return "true";
  if (v == "false" || v == "no" || v == "f" || v == "n") return "false";
  return cell;
}

// "a, b, c, ... (12 in all)": enough to see the mismatch without a wall of names.
std::string column_list(const std::vector<std::string>& names) {
  if (names.empty()) return "no columns";
  constexpr size_t kShown = 6;
  std::string out;
  for (size_t i = 0; i < names.size() && i < kShown; ++i) {
    if (i > 0) out += ", ";
    out += names[i].size() > 40 ? names[i].substr(0, 40) + "..." : names[i];
  }
  if (names.size() > kShown) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return out;
}

std::string table_label(const synth::CsvTable& table, size_t index) {
  if (!table.source.empty()) return table.source;
  return index == 0 ? "the real table" : index == 1 ? "the synthetic table" : "the holdout table";
}

}  // namespace

Result<TypedTables> type_tables(std::span<const synth::CsvTable* const> tables,
                                std::span<const synth::ColumnInfo> types) {
  if (tables.empty()) return Status::Error("type_tables: no tables");
  const synth::CsvTable& real = *tables[0];
  if (types.size() != real.names.size()) {
    return Status::Error("type_tables: " + std::to_string(types.size()) + " types for " +
                         std::to_string(real.names.size()) + " columns");
  }
  TypedTables out;
  const size_t n = tables.size();
  for (const auto* t : tables) out.rows.push_back(t->rows());
  out.extra_columns.resize(n);
  for (size_t t = 1; t < n; ++t) {
    for (const auto& name : tables[t]->names) {
      if (real.column_index(name) < 0) out.extra_columns[t].push_back(name);
    }
    // Nothing to compare: every metric would be vacuous, and DCR over zero columns calls every
    // row a copy of a real one ("60 of 60 rows copy a real row").
    if (out.extra_columns[t].size() == tables[t]->names.size()) {
      std::string mine = table_label(*tables[t], t), theirs = table_label(real, 0);
      if (mine == theirs) mine = table_label(synth::CsvTable{}, t), theirs = "the real table";
      return Status::Error(mine + " shares no column with " + theirs + " (" + theirs + ": " +
                           column_list(real.names) + "; " + mine + ": " +
                           column_list(tables[t]->names) +
                           "); scores compare columns of the same name");
    }
  }
  for (size_t c = 0; c < types.size(); ++c) {
    const synth::ColumnInfo& info = types[c];
    TypedColumn col;
    col.name = info.name;
    col.sdtype = info.sdtype;
    col.numbers.resize(n);
    col.codes.resize(n);
    col.invalid_cells.assign(n, 0);
    col.present.assign(n, false);
    std::unordered_map<std::string_view, int32_t> index;
    std::vector<std::string_view> dictionary_views;
    for (size_t t = 0; t < n; ++t) {
      int idx = tables[t]->column_index(info.name);
      if (idx < 0) continue;
      col.present[t] = true;
      const synth::CellColumn& cells = tables[t]->columns[static_cast<size_t>(idx)];
      if (col.continuous()) {
        auto& v = col.numbers[t];
        v.resize(cells.size());
        for (size_t r = 0; r < cells.size(); ++r) {
          std::string_view cell = cells.cell(r);
          double x;
          if (synth::cell_number(cell, info, &x)) {
            v[r] = x;
            continue;
          }
          v[r] = std::numeric_limits<double>::quiet_NaN();
          bool token = std::find(info.missing_tokens.begin(), info.missing_tokens.end(), cell) !=
                       info.missing_tokens.end();
          if (!synth::is_null_cell(cell) && !token) ++col.invalid_cells[t];
        }
      } else {
        auto& codes = col.codes[t];
        codes.resize(cells.size());
        for (size_t r = 0; r < cells.size(); ++r) {
          std::string_view cell = cells.cell(r);
          if (synth::is_null_cell(cell)) {
            codes[r] = -1;
            continue;
          }
          // Booleans compare by meaning, so "True" in a CSV and true in JSON are one value.
          if (info.sdtype == synth::Sdtype::boolean) cell = canonical_boolean(cell);
          auto [it, inserted] = index.try_emplace(cell, static_cast<int32_t>(index.size()));
          if (inserted) dictionary_views.push_back(cell);
          codes[r] = it->second;
        }
      }
    }
    col.dictionary.assign(dictionary_views.begin(), dictionary_views.end());
    out.columns.push_back(std::move(col));
  }
  return out;
}

}  // namespace hyv::quality
