// `hyv fit DATA.csv -o MODEL.json`: infer column types, fit a Gaussian copula, save the model.
// The inferred types are printed so a user can check them and override any with --metadata.
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli_flags.h"
#include "command_registry.h"
#include "csv_file.h"
#include "file_io.h"
#include "hyv/synth/cell_values.h"
#include "hyv/synth/copula_fit.h"
#include "hyv/synth/table_metadata.h"

namespace hyv::cli {
namespace {

constexpr const char* kHelp =
    R"(Learns a synthesizer from a CSV file: a Gaussian copula saved as JSON.

Each column's type (numerical, categorical, datetime, boolean, id, text) is inferred and printed;
override any with --metadata M.json in SDV's format ({"columns": {"age": {"sdtype": "numerical"}}}),
and --metadata-out writes the types used, ready to edit. The model keeps no raw rows: quantile
knots or two parameters per number, categories with their shares, a shape for ids, a vocabulary of
words seen in several rows for text. See docs/tables-learned.md.

A CSV's delimiter (, ; tab |), quote (" or '), header row and decimal commas are sniffed from
its first 64 KiB and printed; --delimiter, --quote, --header and --no-header say them instead.)";

struct Options {
  std::string data;
  std::string out;
  std::string metadata;
  std::string metadata_out;
  std::string distribution = "auto";
  std::string category_order = "dependence";
  bool quiet = false;
  CsvDialectFlags csv;
};

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string number_text(const synth::ColumnModel& c, double v) {
  std::string s;
  if (c.sdtype == synth::Sdtype::datetime) {
    synth::append_datetime(s, v, c.datetime_format, c.frac_digits);
  } else {
    synth::append_fixed(s, v, c.integer ? 0 : c.decimals, false);
  }
  return s;
}

std::string details(const synth::ColumnModel& c) {
  using synth::Sdtype;
  if (c.is_semantic()) {
    return c.semantic + " from locale " + c.semantic_locale +
           (c.sdtype == Sdtype::id ? ", unique" : "") + "; no training value kept";
  }
  if (synth::is_continuous(c.sdtype)) {
    std::string s = c.sdtype == Sdtype::datetime ? c.datetime_format + ", "
                    : c.integer                  ? "integer, "
                                                 : std::to_string(c.decimals) + " decimals, ";
    if (c.thousands) s += "thousands separators, ";
    char ks[32];
    std::snprintf(ks, sizeof ks, "%.3f", c.marginal.ks);
    return s + number_text(c, c.marginal.low) + " .. " + number_text(c, c.marginal.high) + ", " +
           std::string(synth::marginal_family_name(c.marginal.family)) + " (KS " + ks + ")";
  }
  if (synth::is_discrete(c.sdtype)) return std::to_string(c.categories.size()) + " categories";
  if (c.sdtype == Sdtype::id) {
    if (c.integer_id) return "integers from " + std::to_string(c.integer_start);
    std::string shape;
    for (const auto& s : c.id_segments) {
      shape += s.literal.empty() ? "[" + std::to_string(s.alphabet.size()) + " chars]{" +
                                       std::to_string(s.length) + "}"
                                 : s.literal;
    }
    return "shape " + shape;
  }
  return std::to_string(c.words.size()) + " words kept";
}

void print_types(const std::vector<synth::ColumnInfo>& types, const synth::CopulaModel& model) {
  size_t width = 6;
  for (const auto& t : types) width = std::max(width, t.name.size() + 2);
  std::string out = pad("column", width) + pad("type", 13) + pad("missing", 9) + "model / why\n";
  for (size_t i = 0; i < types.size(); ++i) {
    const auto& t = types[i];
    const auto& c = model.columns[i];
    char missing[16];
    std::snprintf(missing, sizeof missing, "%5.1f%%", 100 * c.missing_rate);
    std::string type = c.is_semantic() ? "semantic" : std::string(synth::sdtype_name(c.sdtype));
    out += pad(t.name, width) + pad(type, 13) + pad(missing, 9) + details(c) + "\n" +
           pad("", width + 22) + "(" + t.reason + ")\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

void run(const Options& o) {
  auto t0 = std::chrono::steady_clock::now();
  std::vector<synth::ColumnOverride> overrides;
  if (!o.metadata.empty()) {
    auto json = native::read_text_file(o.metadata);
    if (!json.ok()) throw Exit{1, json.status().message()};
    auto parsed = synth::parse_table_metadata(json.value(), o.metadata);
    if (!parsed.ok()) throw Exit{1, parsed.status().message()};
    overrides = std::move(parsed).value();
  }
  synth::CopulaFitOptions options;
  if (o.distribution != "auto") {
    options.family = synth::parse_marginal_family(o.distribution);
    if (!options.family) {
      throw Exit{1, "--distribution: \"" + o.distribution +
                        "\" is not auto, empirical, normal, lognormal or uniform"};
    }
  }
  if (o.category_order != "dependence" && o.category_order != "frequency") {
    throw Exit{1, "--category-order: \"" + o.category_order + "\" is not dependence or frequency"};
  }
  options.order_categories = o.category_order == "dependence";
  auto table = native::read_table_file(o.data, o.csv.hints());
  if (!table.ok()) throw Exit{1, table.status().message()};
  if (table.value().dialect) native::report_csv_dialect(o.data, *table.value().dialect);
  auto types = synth::infer_column_types(table.value(), overrides);
  if (!types.ok()) throw Exit{1, types.status().message()};
  auto model = synth::fit_copula(table.value(), types.value(), options);
  if (!model.ok()) throw Exit{1, model.status().message()};
  std::string json = synth::copula_model_json(model.value());
  Status st = native::write_file_atomic(o.out, json.data(), json.size());
  if (!st.ok()) throw Exit{1, st.message()};
  if (!o.metadata_out.empty()) {
    std::string meta = synth::table_metadata_json(types.value());
    st = native::write_file_atomic(o.metadata_out, meta.data(), meta.size());
    if (!st.ok()) throw Exit{1, st.message()};
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!o.quiet) print_types(types.value(), model.value());
  std::fprintf(stderr, "hyv fit: %zu rows x %zu columns in %.3f s (%.0f rows/s) -> %s\n",
               table.value().rows(), table.value().names.size(), seconds,
               static_cast<double>(table.value().rows()) / seconds, o.out.c_str());
}

Registration reg("fit", [](CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("fit", "Learn a table synthesizer (Gaussian copula) from a CSV");
  cmd->footer(kHelp);
  cmd->add_option("data", o->data, "Training data (CSV, JSON or JSON Lines)")->required();
  cmd->add_option("-o,--output", o->out, "Model file to write (JSON)")->required();
  cmd->add_option("--metadata", o->metadata, "Column types to use instead of inferred ones");
  cmd->add_option("--metadata-out", o->metadata_out, "Write the column types used (JSON)");
  cmd->add_option("--distribution", o->distribution,
                  "Marginals: auto (default), empirical, normal, lognormal, uniform");
  cmd->add_option("--category-order", o->category_order,
                  "Category slices: dependence (default; by the most related number) or "
                  "frequency (SDV's)");
  cmd->add_flag("-q,--quiet", o->quiet, "Do not print the column types");
  add_csv_dialect_flags(cmd, o->csv);
  cmd->callback([o] { run(*o); });
});

}  // namespace
}  // namespace hyv::cli
