#include "hyv/synth/csv_dialect.h"

#include <algorithm>
#include <array>
#include <utility>

#include "hyv/synth/cell_values.h"

namespace hyv::synth {
namespace {

constexpr std::array<char, 4> kDelimiters = {',', ';', '\t', '|'};
// Enough rows to see a ragged one or a header that does not fit; few enough to stay cheap
// (8 trial parses of at most 64 KiB each).
constexpr size_t kSniffRecords = 200;

struct Trial {
  bool ok = false;
  uint64_t quoted = 0;
  std::vector<std::vector<std::string>> records;
};

Trial try_dialect(std::string_view sample, bool complete, char delimiter, char quote) {
  Trial t;
  CsvReaderOptions options;
  options.delimiter = delimiter;
  options.quote = quote;
  options.require_equal_field_counts = false;
  CsvReader reader(options);
  bool stopped = false;
  auto on_record = [&](const CsvRecord& r) -> Status {
    if (t.records.size() == kSniffRecords) {
      stopped = true;
      return Status::Error("enough rows");
    }
    t.records.emplace_back(r.fields.begin(), r.fields.end());
    return Status::Ok();
  };
  Status s = reader.feed(sample, on_record);
  // An unfinished sample ends inside a record (perhaps inside a quoted field): that record is
  // not judged.
  if (s.ok() && complete) s = reader.finish(on_record);
  t.ok = s.ok() || stopped;
  t.quoted = reader.quoted_fields();
  return t;
}

bool consistent(const Trial& t) {
  if (!t.ok || t.records.empty()) return false;
  size_t n = t.records[0].size();
  return std::all_of(t.records.begin(), t.records.end(),
                     [n](const auto& r) { return r.size() == n; });
}

enum class CellType : uint8_t { any, number, date, text };

bool is_date(std::string_view cell) {
  static constexpr std::array<const char*, 6> kFormats = {
      "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d", "%d/%m/%Y", "%d.%m.%Y"};
  double t = 0;
  for (const char* f : kFormats)
    if (parse_datetime(cell, f, &t)) return true;
  return false;
}

CellType cell_type(std::string_view cell, bool decimal_comma) {
  cell = trim_blanks(cell);
  if (cell.empty() || is_null_cell(cell)) return CellType::any;
  ParsedNumber n;
  std::string converted;
  if (decimal_comma && decimal_comma_to_point(cell, &converted)) return CellType::number;
  if (parse_number(cell, true, &n)) return CellType::number;
  if (is_date(cell)) return CellType::date;
  return CellType::text;
}

// Columns whose cells (after the first row, which may be a header) are all decimal-comma numbers,
// at least one with a comma.
std::vector<size_t> decimal_comma_columns(const std::vector<std::vector<std::string>>& records) {
  std::vector<size_t> columns;
  if (records.size() < 2) return columns;
  std::string converted;
  for (size_t c = 0; c < records[0].size(); ++c) {
    bool all = true, comma = false;
    for (size_t r = 1; r < records.size() && all; ++r) {
      if (c >= records[r].size()) continue;  // a ragged sample row: the reader reports it later
      std::string_view cell = trim_blanks(records[r][c]);
      if (cell.empty() || is_null_cell(cell)) continue;
      all = decimal_comma_to_point(cell, &converted);
      comma = comma || cell.find(',') != std::string_view::npos;
    }
    if (all && comma) columns.push_back(c);
  }
  return columns;
}

// The first row is data when each of its cells fits its column's type and some column has a type
// other than text (a table of text columns gives no evidence, and then a header is usual).
bool first_row_is_header(const std::vector<std::vector<std::string>>& records,
                         const std::vector<size_t>& decimal_comma) {
  if (records.size() < 2) return true;
  bool typed = false;
  for (size_t c = 0; c < records[0].size(); ++c) {
    bool dc = std::find(decimal_comma.begin(), decimal_comma.end(), c) != decimal_comma.end();
    CellType column = CellType::any;
    for (size_t r = 1; r < records.size(); ++r) {
      if (c >= records[r].size()) continue;
      CellType t = cell_type(records[r][c], dc);
      if (t == CellType::any || t == column) continue;
      column = column == CellType::any ? t : CellType::text;
    }
    if (column == CellType::text || column == CellType::any) continue;
    typed = true;
    CellType first = cell_type(records[0][c], dc);
    if (first != CellType::any && first != column) return true;
  }
  return !typed;
}

void json_char(std::string& out, char c) {
  out += '"';
  if (c == '"')
    out += "\\\"";
  else if (c == '\t')
    out += "\\t";
  else if (c == '\\')
    out += "\\\\";
  else
    out += c;
  out += '"';
}

// Built by appending: GCC 12 warns falsely (-Wrestrict) on a "literal" + std::string chain here.
Status not_a(std::string_view text, const char* what) {
  std::string message = "\"";
  message.append(text);
  message += "\" is not a ";
  message += what;
  return Status::Error(StatusCode::kInvalidArgument, std::move(message));
}

}  // namespace

std::string csv_char_name(char c) {
  if (c == '\t') return "TAB";
  // Not ''' (hard to read).
  if (c == '\'') return "\"'\"";
  return std::string("'") + c + "'";
}

Result<char> parse_csv_delimiter(std::string_view text) {
  if (text == "," || text == "comma") return ',';
  if (text == ";" || text == "semicolon") return ';';
  if (text == "|" || text == "pipe") return '|';
  if (text == "\t" || text == "\\t" || text == "tab" || text == "TAB") return '\t';
  return not_a(text, "delimiter: expected , ; | or tab (or comma, semicolon, pipe)");
}

Result<char> parse_csv_quote(std::string_view text) {
  if (text == "\"" || text == "double") return '"';
  if (text == "'" || text == "single") return '\'';
  return not_a(text, "quote character: expected \" or ' (or double, single)");
}

bool decimal_comma_to_point(std::string_view cell, std::string* out) {
  cell = trim_blanks(cell);
  size_t i = 0;
  std::string s;
  if (i < cell.size() && (cell[i] == '-' || cell[i] == '+')) s += cell[i++];
  size_t int_start = i;
  while (i < cell.size() && cell[i] >= '0' && cell[i] <= '9') s += cell[i++];
  size_t first_group = i - int_start;
  if (first_group == 0) return false;
  if (i < cell.size() && cell[i] == '.') {
    // '.' groups thousands: 1-3 digits, then groups of exactly three.
    if (first_group > 3) return false;
    while (i < cell.size() && cell[i] == '.') {
      size_t g = ++i;
      while (i < cell.size() && cell[i] >= '0' && cell[i] <= '9') s += cell[i++];
      if (i - g != 3) return false;
    }
  }
  if (i < cell.size() && cell[i] == ',') {
    size_t f = ++i;
    s += '.';
    while (i < cell.size() && cell[i] >= '0' && cell[i] <= '9') s += cell[i++];
    if (i == f) return false;
  }
  if (i != cell.size()) return false;
  *out = std::move(s);
  return true;
}

CsvDialect sniff_csv_dialect(std::string_view head, bool complete, const CsvDialectHints& hints) {
  CsvDialect d;
  d.bom = head.substr(0, 3) == "\xef\xbb\xbf";
  size_t nl = head.find('\n');
  d.crlf = nl != std::string_view::npos && nl > 0 && head[nl - 1] == '\r';
  if (head.size() > kCsvSniffBytes) {
    head = head.substr(0, kCsvSniffBytes);
    complete = false;
  }

  struct Candidate {
    char delimiter;
    char quote;
    Trial trial;
  };
  // One per delimiter, with the quote that fits it best; a failed trial stays, so that a file
  // that no dialect reads (a stray quote, bytes that are not UTF-8) is read with its own
  // delimiter and the reader's error says where.
  std::vector<Candidate> candidates;
  std::vector<char> delimiters(kDelimiters.begin(), kDelimiters.end());
  if (hints.delimiter) delimiters = {*hints.delimiter};
  for (char delim : delimiters) {
    if (hints.quote) {
      candidates.push_back({delim, *hints.quote, try_dialect(head, complete, delim, *hints.quote)});
      continue;
    }
    Trial dq = try_dialect(head, complete, delim, '"');
    Trial sq = try_dialect(head, complete, delim, '\'');
    // Apostrophes quote only when they open fields and the file does not read as well with '"':
    // a '"' that never closes must stay an error, not turn into text.
    if (sq.ok && sq.quoted > 0 && (!dq.ok || sq.quoted > dq.quoted))
      candidates.push_back({delim, '\'', std::move(sq)});
    else
      candidates.push_back({delim, '"', std::move(dq)});
  }

  const Candidate* chosen = nullptr;
  for (const Candidate& c : candidates) {
    if (!consistent(c.trial) || c.trial.records[0].size() < 2) continue;
    if (!chosen || c.trial.records[0].size() > chosen->trial.records[0].size()) chosen = &c;
  }
  if (!chosen) {
    // Nothing splits every row the same way: use the delimiter the first line has most of, so
    // the reader's error names the row that does not fit.
    std::string_view first_line = head.substr(0, nl);
    size_t most = 0;
    for (const Candidate& c : candidates) {
      size_t n = static_cast<size_t>(std::count(first_line.begin(), first_line.end(), c.delimiter));
      if (n > most) {
        most = n;
        chosen = &c;
      }
    }
    // No candidate delimiter in it: one column, and ',' comes first.
    if (!chosen) chosen = &candidates[0];
  }

  d.delimiter = chosen->delimiter;
  d.quote = chosen->quote;
  if (chosen->trial.ok) {
    if (d.delimiter != ',') d.decimal_comma_columns = decimal_comma_columns(chosen->trial.records);
    d.header = first_row_is_header(chosen->trial.records, d.decimal_comma_columns);
  }
  if (hints.delimiter) d.delimiter_given = true;
  if (hints.quote) d.quote_given = true;
  if (hints.header) {
    d.header = *hints.header;
    d.header_given = true;
  }
  return d;
}

std::string csv_dialect_text(const CsvDialect& d) {
  auto given = [](bool g) { return g ? std::string(" (given)") : std::string(); };
  std::string s = "delimiter " + csv_char_name(d.delimiter) + given(d.delimiter_given) +
                  ", quote " + csv_char_name(d.quote) + given(d.quote_given) + ", " +
                  (d.header ? "header row" : "no header row") + given(d.header_given);
  if (d.bom) s += ", UTF-8 BOM";
  s += d.crlf ? ", CRLF line ends" : ", LF line ends";
  if (!d.decimal_comma_columns.empty()) {
    size_t n = d.decimal_comma_columns.size();
    s += ", decimal commas in " + std::to_string(n) + (n == 1 ? " column" : " columns");
  }
  return s;
}

std::string csv_dialect_json(const CsvDialect& d) {
  std::string s = "{\"delimiter\":";
  json_char(s, d.delimiter);
  s += ",\"quote\":";
  json_char(s, d.quote);
  s += std::string(",\"header\":") + (d.header ? "true" : "false") +
       ",\"bom\":" + (d.bom ? "true" : "false") +
       ",\"line_end\":" + (d.crlf ? "\"crlf\"" : "\"lf\"") + ",\"decimal_comma_columns\":[";
  for (size_t i = 0; i < d.decimal_comma_columns.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(d.decimal_comma_columns[i]);
  }
  return s + "]}";
}

Status SniffingCsvReader::start(std::string_view head, bool complete,
                                const CsvRecordFn& on_record) {
  dialect_ = sniff_csv_dialect(head, complete, hints_);
  CsvReaderOptions options;
  options.delimiter = dialect_.delimiter;
  options.quote = dialect_.quote;
  reader_.emplace(options);
  return reader_->feed(head, on_record);
}

Status SniffingCsvReader::feed(std::string_view chunk, const CsvRecordFn& on_record) {
  if (reader_) return reader_->feed(chunk, on_record);
  // The common case (the host reads 1 MiB at a time): sniff the first chunk in place, no copy.
  if (head_.empty() && chunk.size() >= kCsvSniffBytes) return start(chunk, false, on_record);
  head_.append(chunk);
  if (head_.size() < kCsvSniffBytes) return Status::Ok();
  std::string head = std::move(head_);
  head_.clear();
  return start(head, false, on_record);
}

Status SniffingCsvReader::finish(const CsvRecordFn& on_record) {
  if (!reader_) {
    std::string head = std::move(head_);
    head_.clear();
    HYV_RETURN_IF_ERROR(start(head, true, on_record));
  }
  return reader_->finish(on_record);
}

}  // namespace hyv::synth
