// `hyv validate --schema S.json --data OUT`: the validity report for schema-driven data
// (synth/validity.h): every type, range, constraint, uniqueness, foreign-key and consistency rule
// of the schema checked on every row, violations counted. `hyv score --schema S --synthetic OUT`
// runs the same report (the score command is score.cpp's; this file adds --schema to it). Exit
// status: 0 valid, 2 violations found, 1 the data or schema could not be read.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "cli_flags.h"
#include "command_registry.h"
#include "csv_file.h"
#include "file_io.h"
#include "hyv/json_nesting.h"
#include "hyv/service/validity_json.h"
#include "hyv/synth/csv_dialect.h"
#include "hyv/synth/schema.h"
#include "hyv/synth/table_writer.h"
#include "hyv/synth/validity.h"

namespace hyv::cli {
namespace {

constexpr const char* kHelp =
    R"(Checks data made from a schema (hyv generate table, or any other tool) against it:
types and formats, ranges, value lists, patterns, formulas, constraints, uniqueness, foreign
keys, rows per parent, and within-row consistency (e-mail from the row's name, postcode of the
row's city, IBAN and card check digits). Prints each rule with the rows checked, the violations
and the first offending value; --json prints the same as JSON.

--data is a file (CSV, JSON array or JSON Lines, by extension) or a directory of <table>.<ext>
files; repeat it for several. A file's table is --table, else its file name, else the schema's
only table. Foreign keys are checked when the referenced table is given too.
A CSV's dialect (delimiter, quote, header row, decimal commas) is sniffed and printed, and is in
--json under "csv_dialects"; --delimiter, --quote, --header and --no-header (the schema's
columns, in order) say it instead.
Exit status: 0 when every rule holds, 2 when some row breaks one, 1 when input cannot be read.)";

struct Options {
  std::string schema;
  std::vector<std::string> data;
  std::string table;
  bool json = false;
  CsvDialectFlags csv;
};

using CsvDialects = std::vector<std::pair<std::string, synth::CsvDialect>>;

[[noreturn]] void fail(const std::string& message) {
  throw Exit{1, message};
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string stem(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

// A .tsv file is CSV in another dialect (sniffed like any CSV); the writer never makes one.
std::optional<synth::TableFormat> data_format(const std::string& path) {
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".tsv") == 0)
    return synth::TableFormat::csv;
  return synth::table_format_from_path(path);
}

// One data file per table.
std::vector<std::pair<int, std::string>> locate(const synth::Schema& schema, const Options& o) {
  std::vector<std::pair<int, std::string>> files;
  auto add = [&](int t, const std::string& path) {
    for (const auto& [ft, fp] : files)
      if (ft == t)
        fail("table " + schema.tables[size_t(t)].name + " is given twice (" + fp + ", " + path +
             ")");
    files.push_back({t, path});
  };
  for (const std::string& path : o.data) {
    if (is_dir(path)) {
      int found = 0;
      for (size_t t = 0; t < schema.tables.size(); ++t)
        for (const char* ext : {"csv", "tsv", "jsonl", "json", "ndjson"}) {
          std::string f = path + "/" + schema.tables[t].name + "." + ext;
          if (native::file_exists(f)) {
            add(int(t), f);
            ++found;
            break;
          }
        }
      if (found == 0)
        fail("--data " + path + ": no <table>.csv/.tsv/.json/.jsonl file of the schema");
      continue;
    }
    int t = -1;
    if (!o.table.empty()) {
      t = schema.find_table(o.table);
      if (t < 0) fail("--table " + o.table + ": the schema has no such table");
    } else if ((t = schema.find_table(stem(path))) < 0) {
      if (schema.tables.size() != 1)
        fail("--data " + path + ": cannot tell which table it holds; name it <table>." +
             "csv or give --table");
      t = 0;
    }
    add(t, path);
  }
  return files;
}

// The schema's columns in file order, for a CSV without a header row.
std::vector<std::string> visible_columns(const synth::Schema& schema, int t) {
  std::vector<std::string> names;
  for (const auto& c : schema.tables[size_t(t)].columns)
    if (!c.hidden) names.push_back(c.name);
  return names;
}

// CSV rows streamed through the core reader in the sniffed (or given) dialect: an empty field is
// a null, and a decimal-comma number is read with a point, as fit and score read it.
class CsvRows {
 public:
  CsvRows(const synth::Schema& schema, int t, const std::string& path, synth::SchemaValidator& v)
      : schema_(schema), t_(t), path_(path), v_(v) {}

  Status on_record(const synth::CsvRecord& r, const synth::CsvDialect& dialect) {
    if (r.index == 0) {
      decimal_comma_.assign(r.fields.size(), false);
      for (size_t c : dialect.decimal_comma_columns)
        if (c < decimal_comma_.size()) decimal_comma_[c] = true;
      converted_.resize(r.fields.size());
      if (dialect.header) return v_.begin_table(t_, path_, r.fields);
      // One name per field: a column the file lacks is reported missing, an extra one as extra.
      std::vector<std::string> names = visible_columns(schema_, t_);
      names.resize(r.fields.size());
      for (size_t i = 0; i < names.size(); ++i)
        if (names[i].empty()) names[i] = "column" + std::to_string(i + 1);
      std::vector<std::string_view> header(names.begin(), names.end());
      HYV_RETURN_IF_ERROR(v_.begin_table(t_, path_, header));
    }
    cells_.clear();
    for (size_t i = 0; i < r.fields.size(); ++i) {
      std::string_view field = r.fields[i];
      if (decimal_comma_[i] && synth::decimal_comma_to_point(field, &converted_[i]))
        field = converted_[i];
      cells_.push_back(field.empty() ? std::nullopt : std::optional<std::string_view>(field));
    }
    v_.add_row(cells_, r.line);
    return Status::Ok();
  }

 private:
  const synth::Schema& schema_;
  int t_;
  const std::string& path_;
  synth::SchemaValidator& v_;
  std::vector<bool> decimal_comma_;
  std::vector<std::string> converted_;
  std::vector<std::optional<std::string_view>> cells_;
};

synth::CsvDialect read_csv(const std::string& path, int t, const synth::Schema& schema,
                           const synth::CsvDialectHints& hints, synth::SchemaValidator& v) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail(path + ": cannot open");
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, std::fclose);
  synth::SniffingCsvReader reader(hints);
  CsvRows rows(schema, t, path, v);
  auto on_record = [&](const synth::CsvRecord& r) { return rows.on_record(r, reader.dialect()); };
  std::vector<char> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
    Status s = reader.feed(std::string_view(buf.data(), n), on_record);
    if (!s.ok()) fail(path + ": " + s.message());
  }
  Status s = reader.finish(on_record);
  if (!s.ok()) fail(path + ": " + s.message());
  if (reader.records() == 0) fail(path + ": the file is empty (no header row)");
  v.end_table();
  return reader.dialect();
}

// One JSON object as cells in `names` order (JSON null or a missing key: null).
void object_cells(const rapidjson::Value& obj, const std::vector<std::string>& names,
                  std::vector<std::string>& text,
                  std::vector<std::optional<std::string_view>>& cells) {
  text.assign(names.size(), "");
  cells.assign(names.size(), std::nullopt);
  for (size_t i = 0; i < names.size(); ++i) {
    auto it = obj.FindMember(names[i].c_str());
    if (it == obj.MemberEnd() || it->value.IsNull()) continue;
    const auto& x = it->value;
    if (x.IsString())
      text[i].assign(x.GetString(), x.GetStringLength());
    else if (x.IsBool())
      text[i] = x.GetBool() ? "true" : "false";
    else if (x.IsInt64())
      text[i] = std::to_string(x.GetInt64());
    else if (x.IsNumber())
      synth::append_double(text[i], x.GetDouble());
    else
      text[i] = x.IsArray() ? "[array]" : "{object}";
  }
  for (size_t i = 0; i < names.size(); ++i) {
    auto it = obj.FindMember(names[i].c_str());
    if (it != obj.MemberEnd() && !it->value.IsNull()) cells[i] = text[i];
  }
}

std::vector<std::string> keys_of(const rapidjson::Value& obj) {
  std::vector<std::string> names;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it)
    names.emplace_back(it->name.GetString(), it->name.GetStringLength());
  return names;
}

void begin(synth::SchemaValidator& v, int t, const std::string& path,
           const std::vector<std::string>& names) {
  std::vector<std::string_view> header(names.begin(), names.end());
  Status s = v.begin_table(t, path, header);
  if (!s.ok()) fail(path + ": " + s.message());
}

void read_json(const std::string& path, int t, const synth::Schema& schema,
               synth::SchemaValidator& v, bool lines) {
  auto bytes = native::read_text_file(path);
  if (!bytes.ok()) fail(bytes.status().message());
  const std::string& all = bytes.value();
  std::vector<std::string> names, text;
  std::vector<std::optional<std::string_view>> cells;
  bool started = false;
  auto row = [&](const rapidjson::Value& obj, uint64_t line) {
    if (!obj.IsObject()) fail(path + ": line " + std::to_string(line) + ": expected a JSON object");
    if (!started) {
      names = keys_of(obj);
      begin(v, t, path, names);
      started = true;
    }
    object_cells(obj, names, text, cells);
    v.add_row(cells, line);
  };
  if (lines) {
    size_t pos = 0;
    uint64_t line = 0;
    while (pos < all.size()) {
      size_t nl = all.find('\n', pos);
      if (nl == std::string::npos) nl = all.size();
      ++line;
      std::string_view l(all.data() + pos, nl - pos);
      pos = nl + 1;
      if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      // RapidJSON recurses per level (and so does turning a nested cell into text).
      if (Status s = check_json_nesting(l, path + ": line " + std::to_string(line)); !s.ok())
        fail(s.message());
      rapidjson::Document doc;
      doc.Parse(l.data(), l.size());
      if (doc.HasParseError())
        fail(path + ": line " + std::to_string(line) + ", byte " +
             std::to_string(doc.GetErrorOffset() + 1) + ": " +
             rapidjson::GetParseError_En(doc.GetParseError()));
      row(doc, line);
    }
  } else {
    if (Status s = check_json_nesting(all, path); !s.ok()) fail(s.message());
    rapidjson::Document doc;
    doc.Parse(all.data(), all.size());
    if (doc.HasParseError())
      fail(path + ": JSON syntax error at byte offset " + std::to_string(doc.GetErrorOffset()) +
           ": " + rapidjson::GetParseError_En(doc.GetParseError()));
    if (!doc.IsArray()) fail(path + ": expected a JSON array of row objects");
    uint64_t index = 0;
    for (const auto& obj : doc.GetArray()) row(obj, ++index);
  }
  if (!started) begin(v, t, path, visible_columns(schema, t));  // no rows: the schema's columns
  v.end_table();
}

void print_text(const synth::ValidityReport& r) {
  for (const auto& t : r.tables) {
    std::printf("%s (%s): %llu rows\n", t.table.c_str(), t.source.c_str(),
                (unsigned long long)t.rows);
    std::printf("  %-14s %-46s %10s %10s  %s\n", "column", "rule", "checked", "violations",
                "first violation");
    for (const auto& c : t.checks) {
      std::string rule = c.rule.size() > 46 ? c.rule.substr(0, 43) + "..." : c.rule;
      std::string example;
      if (c.violations)
        example =
            (c.example_line ? "line " + std::to_string(c.example_line) + ": " : "") + c.example;
      std::printf("  %-14s %-46s %10llu %10llu  %s\n", c.column.c_str(), rule.c_str(),
                  (unsigned long long)c.checked, (unsigned long long)c.violations, example.c_str());
    }
    for (const auto& n : t.notes) std::printf("  note: %s\n", n.c_str());
  }
  uint64_t broken = 0;
  for (const auto& t : r.tables)
    for (const auto& c : t.checks) broken += c.violations > 0;
  if (r.violations() == 0)
    std::printf("VALID: every row meets all %llu rules\n", (unsigned long long)r.checks());
  else
    std::printf("INVALID: %llu violations of %llu of %llu rules\n",
                (unsigned long long)r.violations(), (unsigned long long)broken,
                (unsigned long long)r.checks());
}

void print_json(const synth::ValidityReport& r, const CsvDialects& dialects) {
  std::string json = service::validity_report_json(r, /*with_score=*/false);
  std::printf("%s\n", native::with_csv_dialects(std::move(json), dialects).c_str());
}

void run(const Options& o) {
  if (o.data.empty()) fail("give the data to check with --data FILE or DIR");
  auto text = native::read_text_file(o.schema);
  if (!text.ok()) fail(text.status().message());
  auto parsed = synth::parse_schema(text.value());
  if (!parsed.ok()) fail(o.schema + ": " + parsed.status().message());
  const synth::Schema& schema = parsed.value();
  auto files = locate(schema, o);
  synth::SchemaValidator validator(schema);
  CsvDialects dialects;
  for (int t : synth::validation_order(schema)) {
    for (const auto& [ft, path] : files) {
      if (ft != t) continue;
      auto format = data_format(path);
      if (!format)
        fail(path + ": cannot tell the format from the extension (.csv, .tsv, .json, .jsonl)");
      if (*format == synth::TableFormat::csv) {
        dialects.emplace_back(path, read_csv(path, t, schema, o.csv.hints(), validator));
        native::report_csv_dialect(path, dialects.back().second);
      } else {
        read_json(path, t, schema, validator, *format == synth::TableFormat::jsonl);
      }
    }
  }
  synth::ValidityReport report = validator.report();
  o.json ? print_json(report, dialects) : print_text(report);
  std::fflush(stdout);
  if (report.violations() > 0) throw Exit{2, ""};
}

Registration reg("validate", [](CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("validate", "Check data against its table schema (validity report)");
  cmd->footer(kHelp);
  cmd->add_option("--schema", o->schema, "Schema file (JSON; see docs/schema.md)")->required();
  cmd->add_option("--data", o->data, "Data file or directory (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_option("--table", o->table, "Which table a --data file holds");
  cmd->add_flag("--json", o->json, "Print the report as JSON");
  add_csv_dialect_flags(cmd, o->csv);
  cmd->callback([o] { run(*o); });
});

// The dialect flags score.cpp gave the score command (add_csv_dialect_flags), already checked.
CsvDialectFlags csv_flags_of(CLI::App& score) {
  CsvDialectFlags f;
  if (CLI::Option* d = score.get_option_no_throw("--delimiter"); d && d->count() > 0)
    f.delimiter = d->as<std::string>();
  if (CLI::Option* q = score.get_option_no_throw("--quote"); q && q->count() > 0)
    f.quote = q->as<std::string>();
  if (CLI::Option* h = score.get_option_no_throw("--header")) f.header = h->count() > 0;
  if (CLI::Option* h = score.get_option_no_throw("--no-header")) f.no_header = h->count() > 0;
  return f;
}

// `hyv score --schema S --synthetic DATA [--json]`: the same report from the score command, which
// score.cpp defines; sorted after "score" by the registry, so it exists here.
Registration score_hook("score schema", [](CLI::App& app) {
  CLI::App* score = nullptr;
  for (CLI::App* sub : app.get_subcommands([](CLI::App* a) { return a->get_name() == "score"; }))
    score = sub;
  if (!score || score->get_option_no_throw("--schema")) return;
  auto schema = std::make_shared<std::string>();
  score->add_option("--schema", *schema,
                    "Schema-driven data: a validity report against this schema (no --real)");
  score->parse_complete_callback([score, schema] {
    if (schema->empty()) return;
    Options o;
    o.schema = *schema;
    CLI::Option* synthetic = score->get_option_no_throw("--synthetic");
    if (synthetic && synthetic->count() > 0) o.data = synthetic->as<std::vector<std::string>>();
    CLI::Option* json = score->get_option_no_throw("--json");
    o.json = json && json->count() > 0;
    o.csv = csv_flags_of(*score);
    run(o);
    throw Exit{0, ""};
  });
});

}  // namespace
}  // namespace hyv::cli
