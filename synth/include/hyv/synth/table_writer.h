// Streaming table output: CSV (RFC 4180), a JSON array of objects, or JSON Lines, written through a
// byte callback so the core never touches files and memory does not grow with the row count.
//
//   std::string out;
//   auto w = hyv::synth::make_table_writer(hyv::synth::TableFormat::csv,
//       [&](std::string_view b) { out.append(b); return hyv::Status::Ok(); });
//   std::vector<std::string> columns = {"id", "name"};
//   HYV_RETURN_IF_ERROR(w->begin(columns));
//   Value row[] = {Value::integer(1), Value::string("Ada")};
//   HYV_RETURN_IF_ERROR(w->write_row(row));
//   HYV_RETURN_IF_ERROR(w->finish());          // flushes; "id,name\r\n1,Ada\r\n"
//
// Output is a pure function of the values: doubles print in the shortest form that reads back to
// the same double (std::to_chars), always with a '.' or exponent so a reader sees a float, never
// locale-dependent. Non-finite doubles print as null in JSON and NaN/Infinity/-Infinity in CSV.
// A null is an empty CSV field; an empty string is a quoted "" so the two stay distinct.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "hyv/status.h"

namespace hyv::synth {

// One cell. Dates and datetimes are strings already formatted by their column.
class Value {
 public:
  enum class Kind : uint8_t { null, boolean, integer, real, string };

  Value() = default;
  static Value null() { return Value(); }
  static Value boolean(bool b) {
    Value v;
    v.set_boolean(b);
    return v;
  }
  static Value integer(int64_t i) {
    Value v;
    v.set_integer(i);
    return v;
  }
  static Value real(double d) {
    Value v;
    v.set_real(d);
    return v;
  }
  static Value string(std::string_view s);  // marks it plain when it is (is_plain_text)

  // Setters reuse the string's capacity, so a row buffer refilled per row does not allocate.
  void set_null() { kind_ = Kind::null; }
  void set_boolean(bool b) {
    kind_ = Kind::boolean;
    i_ = b ? 1 : 0;
  }
  void set_integer(int64_t i) {
    kind_ = Kind::integer;
    i_ = i;
  }
  void set_real(double d) {
    kind_ = Kind::real;
    d_ = d;
  }
  // `plain` promises that no byte of the string needs quoting or escaping in CSV or JSON (none
  // below 0x20, no ',' '"' or '\\'); writers then copy it as is. Leave it false when unsure.
  void set_string(std::string_view s, bool plain = false) {
    kind_ = Kind::string;
    plain_ = plain;
    s_.assign(s.data(), s.size());
  }
  // For building a string in place: clears it and marks the value as a string.
  std::string& mutable_string(bool plain = false) {
    kind_ = Kind::string;
    plain_ = plain;
    s_.clear();
    return s_;
  }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::null; }
  bool as_boolean() const { return i_ != 0; }
  int64_t as_integer() const { return i_; }
  double as_real() const { return d_; }
  const std::string& as_string() const { return s_; }
  bool plain() const { return plain_; }
  // Integers and reals as a double (for formulas and range checks); 0 for other kinds.
  double as_number() const;

 private:
  Kind kind_ = Kind::null;
  bool plain_ = false;
  int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
};

enum class TableFormat { csv, json, jsonl };

// "csv", "json", "jsonl" (also "ndjson").
std::optional<TableFormat> parse_table_format(std::string_view name);
// From a file name's extension: .csv, .json, .jsonl / .ndjson; nullopt otherwise.
std::optional<TableFormat> table_format_from_path(std::string_view path);
std::string_view table_format_extension(TableFormat f);

// Receives output bytes in chunks; a failed Status (disk full, closed pipe) stops the writer.
using ByteSink = std::function<Status(std::string_view bytes)>;

struct TableWriterOptions {
  // RFC 4180 says CRLF; "\n" is accepted by every reader we know of.
  std::string csv_line_ending = "\r\n";
  bool csv_header = true;
  // Bytes gathered before each call of the ByteSink.
  size_t buffer_bytes = 64 * 1024;
};

// Where rows go. Invariant: begin() once, write_row() any number of times with exactly as many
// values as columns, finish() once (it flushes); after finish() or a failure, nothing more is
// taken.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual Status begin(std::span<const std::string> columns) = 0;
  virtual Status write_row(std::span<const Value> row) = 0;
  virtual Status finish() = 0;
  // Bytes handed to the ByteSink so far (excludes what is still buffered).
  virtual uint64_t bytes_flushed() const = 0;
};

std::unique_ptr<RowSink> make_table_writer(TableFormat format, ByteSink sink,
                                           TableWriterOptions options = {});

// The formatting rules above, for anyone writing cells outside a RowSink.
void append_double(std::string& out, double d);
void append_csv_field(std::string& out, std::string_view s);
void append_json_string(std::string& out, std::string_view s);
// True when `s` holds no byte that CSV or JSON would quote or escape (see Value::set_string).
bool is_plain_text(std::string_view s);

}  // namespace hyv::synth
