#include "hyv/synth/table_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

namespace hyv::synth {

Value Value::string(std::string_view s) {
  Value v;
  v.set_string(s, is_plain_text(s));
  return v;
}

double Value::as_number() const {
  if (kind_ == Kind::integer) return static_cast<double>(i_);
  if (kind_ == Kind::real) return d_;
  return 0;
}

std::optional<TableFormat> parse_table_format(std::string_view name) {
  if (name == "csv") return TableFormat::csv;
  if (name == "json") return TableFormat::json;
  if (name == "jsonl" || name == "ndjson") return TableFormat::jsonl;
  return std::nullopt;
}

std::optional<TableFormat> table_format_from_path(std::string_view path) {
  size_t dot = path.rfind('.');
  size_t slash = path.find_last_of("/\\");
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
    return std::nullopt;
  return parse_table_format(path.substr(dot + 1));
}

std::string_view table_format_extension(TableFormat f) {
  switch (f) {
    case TableFormat::csv:
      return "csv";
    case TableFormat::json:
      return "json";
    case TableFormat::jsonl:
      return "jsonl";
  }
  return "csv";
}

void append_double(std::string& out, double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  (void)ec;  // 32 bytes always hold the shortest round-trip form of a double
  std::string_view s(buf, size_t(end - buf));
  out.append(s);
  // "3" would read back as an integer; keep floats recognisable as floats.
  if (std::isfinite(d) && s.find_first_of(".e") == std::string_view::npos) out.append(".0");
}

namespace {

// Non-zero when some byte of x equals the byte repeated in `pattern` (the classic SWAR zero-byte
// test on x ^ pattern); exact, no false positives from neighbouring bytes.
uint64_t has_byte(uint64_t x, uint64_t pattern) {
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  uint64_t v = x ^ pattern;
  uint64_t y = (v & kLow7) + kLow7;  // high bit set where the low seven bits are not all zero
  return ~(y | v | kLow7);           // high bit set exactly where the byte is zero
}

bool needs_quotes(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {  // eight bytes per step: fields are short but many
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if (has_byte(x, kOnes * ',') | has_byte(x, kOnes * '"') | has_byte(x, kOnes * '\r') |
        has_byte(x, kOnes * '\n'))
      return true;
  }
  for (; i < s.size(); ++i)
    if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') return true;
  return false;
}

}  // namespace

bool is_plain_text(std::string_view s) {
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == ',' || c == '"' || c == '\\') return false;
  }
  return true;
}

void append_csv_field(std::string& out, std::string_view s) {
  if (!s.empty() && !needs_quotes(s)) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

namespace {

void append_int(std::string& out, int64_t i) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, i);
  (void)ec;
  out.append(buf, size_t(end - buf));
}

// Shared buffering and call-order checks; subclasses only format.
class BufferedWriter : public RowSink {
 public:
  BufferedWriter(ByteSink sink, TableWriterOptions options)
      : options_(std::move(options)), sink_(std::move(sink)) {
    buf_.reserve(options_.buffer_bytes + 4096);
  }

  Status begin(std::span<const std::string> columns) final {
    if (state_ != State::fresh) return Status::Error("table writer: begin() called twice");
    if (columns.empty()) return Status::Error("table writer: a table needs at least one column");
    columns_ = columns.size();
    state_ = State::rows;
    write_header(columns);
    return maybe_flush();
  }

  Status write_row(std::span<const Value> row) final {
    if (state_ != State::rows)
      return Status::Error(state_ == State::fresh ? "table writer: write_row() before begin()"
                                                  : "table writer: write_row() after finish()");
    if (row.size() != columns_)
      return Status::Error("table writer: row has " + std::to_string(row.size()) + " values for " +
                           std::to_string(columns_) + " columns");
    format_row(row);
    return maybe_flush();
  }

  Status finish() final {
    if (state_ != State::rows) return Status::Error("table writer: finish() without begin()");
    state_ = State::finished;
    write_footer();
    return flush();
  }

  uint64_t bytes_flushed() const final { return flushed_; }

 protected:
  virtual void write_header(std::span<const std::string> columns) = 0;
  virtual void format_row(std::span<const Value> row) = 0;
  virtual void write_footer() {}

  std::string buf_;
  TableWriterOptions options_;

 private:
  enum class State { fresh, rows, finished, failed };

  Status maybe_flush() { return buf_.size() >= options_.buffer_bytes ? flush() : Status::Ok(); }

  Status flush() {
    if (buf_.empty()) return Status::Ok();
    Status s = sink_(buf_);
    if (!s.ok()) {
      state_ = State::failed;
      return s;
    }
    flushed_ += buf_.size();
    buf_.clear();
    return Status::Ok();
  }

  ByteSink sink_;
  State state_ = State::fresh;
  size_t columns_ = 0;
  uint64_t flushed_ = 0;
};

class CsvWriter final : public BufferedWriter {
 public:
  using BufferedWriter::BufferedWriter;

 private:
  void write_header(std::span<const std::string> columns) override {
    if (!options_.csv_header) return;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) buf_.push_back(',');
      append_csv_field(buf_, columns[i]);
    }
    buf_.append(options_.csv_line_ending);
  }

  void format_row(std::span<const Value> row) override {
    if (!format_simple_row(row)) format_any_row(row);
  }

  // Rows of nulls, booleans, integers and plain non-empty strings (what most schemas make) are
  // written through a pointer into room made once per row: per-cell appends were a tenth of the
  // cost of a generated row. False, with nothing written, for any other row.
  bool format_simple_row(std::span<const Value> row) {
    size_t need = options_.csv_line_ending.size() + row.size();
    for (const Value& v : row) {
      switch (v.kind()) {
        case Value::Kind::string:
          if (!v.plain() || v.as_string().empty()) return false;
          need += v.as_string().size();
          break;
        case Value::Kind::real:
          return false;
        default:
          need += 24;  // an int64 or "false"
      }
    }
    size_t start = buf_.size();
    buf_.resize(start + need);
    char* p = buf_.data() + start;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) *p++ = ',';
      const Value& v = row[i];
      switch (v.kind()) {
        case Value::Kind::null:
          break;
        case Value::Kind::boolean: {
          std::string_view b = v.as_boolean() ? "true" : "false";
          std::memcpy(p, b.data(), b.size());
          p += b.size();
          break;
        }
        case Value::Kind::integer:
          p = std::to_chars(p, p + 24, v.as_integer()).ptr;
          break;
        case Value::Kind::real:
          break;  // excluded above
        case Value::Kind::string:
          std::memcpy(p, v.as_string().data(), v.as_string().size());
          p += v.as_string().size();
          break;
      }
    }
    std::memcpy(p, options_.csv_line_ending.data(), options_.csv_line_ending.size());
    p += options_.csv_line_ending.size();
    buf_.resize(size_t(p - buf_.data()));
    return true;
  }

  void format_any_row(std::span<const Value> row) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) buf_.push_back(',');
      const Value& v = row[i];
      switch (v.kind()) {
        case Value::Kind::null:
          break;
        case Value::Kind::boolean:
          buf_.append(v.as_boolean() ? "true" : "false");
          break;
        case Value::Kind::integer:
          append_int(buf_, v.as_integer());
          break;
        case Value::Kind::real:
          if (std::isnan(v.as_real()))
            buf_.append("NaN");
          else if (std::isinf(v.as_real()))
            buf_.append(v.as_real() > 0 ? "Infinity" : "-Infinity");
          else
            append_double(buf_, v.as_real());
          break;
        case Value::Kind::string:
          if (v.plain() && !v.as_string().empty())
            buf_.append(v.as_string());
          else
            append_csv_field(buf_, v.as_string());
          break;
      }
    }
    buf_.append(options_.csv_line_ending);
  }
};

// JSON array and JSON Lines share the object format; keys are escaped once in begin().
class JsonWriter final : public BufferedWriter {
 public:
  JsonWriter(ByteSink sink, TableWriterOptions options, bool array)
      : BufferedWriter(std::move(sink), std::move(options)), array_(array) {}

 private:
  void write_header(std::span<const std::string> columns) override {
    keys_.clear();
    for (const std::string& c : columns) {
      std::string k;
      append_json_string(k, c);
      k.push_back(':');
      keys_.push_back(std::move(k));
    }
    if (array_) buf_.append("[\n");
  }

  void format_row(std::span<const Value> row) override {
    if (array_ && rows_ > 0) buf_.append(",\n");
    ++rows_;
    buf_.push_back('{');
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) buf_.push_back(',');
      buf_.append(keys_[i]);
      const Value& v = row[i];
      switch (v.kind()) {
        case Value::Kind::null:
          buf_.append("null");
          break;
        case Value::Kind::boolean:
          buf_.append(v.as_boolean() ? "true" : "false");
          break;
        case Value::Kind::integer:
          append_int(buf_, v.as_integer());
          break;
        case Value::Kind::real:
          if (std::isfinite(v.as_real()))
            append_double(buf_, v.as_real());
          else
            buf_.append("null");
          break;
        case Value::Kind::string:
          if (v.plain()) {
            buf_.push_back('"');
            buf_.append(v.as_string());
            buf_.push_back('"');
          } else {
            append_json_string(buf_, v.as_string());
          }
          break;
      }
    }
    buf_.push_back('}');
    if (!array_) buf_.push_back('\n');
  }

  void write_footer() override {
    if (array_) buf_.append(rows_ > 0 ? "\n]\n" : "]\n");
  }

  bool array_;
  uint64_t rows_ = 0;
  std::vector<std::string> keys_;
};

}  // namespace

std::unique_ptr<RowSink> make_table_writer(TableFormat format, ByteSink sink,
                                           TableWriterOptions options) {
  switch (format) {
    case TableFormat::csv:
      return std::make_unique<CsvWriter>(std::move(sink), std::move(options));
    case TableFormat::json:
      return std::make_unique<JsonWriter>(std::move(sink), std::move(options), true);
    case TableFormat::jsonl:
      return std::make_unique<JsonWriter>(std::move(sink), std::move(options), false);
  }
  return nullptr;
}

}  // namespace hyv::synth
