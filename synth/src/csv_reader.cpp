#include "hyv/synth/csv_reader.h"

#include <string>

#include "hyv/engine/utf8_text.h"
#include "hyv/synth/csv_dialect.h"

namespace hyv::synth {
namespace {

std::string where(uint64_t line, uint64_t column, uint64_t offset) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + " (byte " +
         std::to_string(offset) + ")";
}

}  // namespace

CsvReader::CsvReader(CsvReaderOptions options) : options_(options) {}

Status CsvReader::fail(std::string message) {
  failed_ = true;
  error_ = Status::Error(std::move(message));
  return error_;
}

Status CsvReader::end_field() {
  size_t begin = field_ends_.empty() ? 0 : field_ends_.back();
  std::string_view field(buffer_.data() + begin, buffer_.size() - begin);
  if (auto bad = engine::find_invalid_utf8(field)) {
    // A quoted field starts one byte later; doubled quotes may shift this by a few bytes.
    uint64_t at = field_offset_ + *bad + (state_ == State::quote_in_quoted ? 1 : 0);
    return fail(where(line_, field_ends_.size() + 1, at) +
                ": not UTF-8 text; re-save the file as UTF-8");
  }
  field_ends_.push_back(buffer_.size());
  // Caught at the first extra field, so the message can point at it.
  if (records_ > 0 && options_.require_equal_field_counts &&
      field_ends_.size() > expected_fields_) {
    return fail(where(field_line_, field_ends_.size(), field_offset_) + ": more fields than the " +
                std::to_string(expected_fields_) + " of the first record; " + ragged_hint());
  }
  return Status::Ok();
}

std::string CsvReader::ragged_hint() const {
  return "every row needs one value per column (fields are split at " +
         csv_char_name(options_.delimiter) + "; quote fields that contain it)";
}

Status CsvReader::end_record(const CsvRecordFn& on_record) {
  size_t n = field_ends_.size();
  if (records_ == 0) {
    expected_fields_ = n;
  } else if (options_.require_equal_field_counts && n < expected_fields_) {
    // The row ends where its next field should start.
    return fail(where(line_, n + 1, offset_) + ": " + std::to_string(n) +
                (n == 1 ? " field" : " fields") + ", but the first record has " +
                std::to_string(expected_fields_) + "; " + ragged_hint());
  }
  views_.clear();
  size_t begin = 0;
  for (size_t end : field_ends_) {
    views_.emplace_back(buffer_.data() + begin, end - begin);
    begin = end;
  }
  CsvRecord record{views_, record_line_, record_offset_, records_};
  Status s = on_record(record);
  if (!s.ok()) {
    failed_ = true;
    error_ = s;
    return s;
  }
  ++records_;
  buffer_.clear();
  field_ends_.clear();
  return Status::Ok();
}

// One byte of input. Line ends inside and outside quotes count CRLF as one line.
Status CsvReader::step(char c, const CsvRecordFn& on_record) {
  const char delim = options_.delimiter;
  const char quote = options_.quote;
  switch (state_) {
    case State::cr:
      state_ = State::record_start;
      if (c == '\n') return Status::Ok();
      [[fallthrough]];
    case State::record_start:
      if (c == '\n') {
        ++line_;  // blank line
        return Status::Ok();
      }
      if (c == '\r') {
        ++line_;
        state_ = State::cr;
        return Status::Ok();
      }
      record_line_ = line_;
      record_offset_ = offset_;
      [[fallthrough]];
    case State::field_start:
      field_offset_ = offset_;
      field_line_ = line_;
      if (c == quote) {
        quote_line_ = line_;
        quote_offset_ = offset_;
        ++quoted_fields_;
        state_ = State::quoted;
      } else if (c == delim) {
        state_ = State::field_start;
        return end_field();
      } else if (c == '\n' || c == '\r') {
        HYV_RETURN_IF_ERROR(end_field());
        HYV_RETURN_IF_ERROR(end_record(on_record));
        ++line_;
        state_ = c == '\r' ? State::cr : State::record_start;
      } else {
        buffer_.push_back(c);
        state_ = State::unquoted;
      }
      return Status::Ok();
    case State::unquoted:
      if (c == delim) {
        state_ = State::field_start;
        return end_field();
      }
      if (c == '\n' || c == '\r') {
        HYV_RETURN_IF_ERROR(end_field());
        HYV_RETURN_IF_ERROR(end_record(on_record));
        ++line_;
        state_ = c == '\r' ? State::cr : State::record_start;
        return Status::Ok();
      }
      if (c == quote) {
        const std::string q(1, quote);
        return fail(where(line_, field_ends_.size() + 1, offset_) + ": a quote (" + q +
                    ") inside an unquoted field; quote the whole field and double the quotes "
                    "inside it (" +
                    q + "say " + q + q + "hi" + q + q + q + ")");
      }
      buffer_.push_back(c);
      return Status::Ok();
    case State::quoted:
      if (c == quote) {
        state_ = State::quote_in_quoted;
        return Status::Ok();
      }
      if (c == '\n') {
        size_t begin = field_ends_.empty() ? 0 : field_ends_.back();
        if (buffer_.size() == begin || buffer_.back() != '\r') ++line_;
      } else if (c == '\r') {
        ++line_;
      }
      buffer_.push_back(c);
      return Status::Ok();
    case State::quote_in_quoted:
      if (c == quote) {
        buffer_.push_back(quote);
        state_ = State::quoted;
        return Status::Ok();
      }
      if (c == delim) {
        HYV_RETURN_IF_ERROR(end_field());
        state_ = State::field_start;
        return Status::Ok();
      }
      if (c == '\n' || c == '\r') {
        HYV_RETURN_IF_ERROR(end_field());
        HYV_RETURN_IF_ERROR(end_record(on_record));
        ++line_;
        state_ = c == '\r' ? State::cr : State::record_start;
        return Status::Ok();
      }
      return fail(where(line_, field_ends_.size() + 1, offset_) +
                  ": text after the closing quote of a quoted field; a quote inside a quoted "
                  "field must be doubled (" +
                  std::string(2, quote) + ")");
  }
  return Status::Ok();
}

Status CsvReader::feed(std::string_view chunk, const CsvRecordFn& on_record) {
  if (failed_) return error_;
  if (!started_) {
    // The byte-order mark may be split across chunks: look at the first three bytes together.
    size_t take = std::min<size_t>(3 - bom_prefix_.size(), chunk.size());
    bom_prefix_.append(chunk.substr(0, take));
    chunk.remove_prefix(take);
    if (bom_prefix_.size() < 3) return Status::Ok();
    started_ = true;
    std::string head = std::move(bom_prefix_);
    if (head.size() >= 2 &&
        ((head[0] == '\xff' && head[1] == '\xfe') || (head[0] == '\xfe' && head[1] == '\xff'))) {
      return fail(
          "byte 0: the file is UTF-16 (it starts with a UTF-16 byte-order mark); "
          "re-save it as UTF-8");
    }
    std::string_view rest = head;
    if (head == "\xef\xbb\xbf") {
      rest = {};
      offset_ = 3;
    }
    for (char c : rest) {
      HYV_RETURN_IF_ERROR(step(c, on_record));
      ++offset_;
    }
  }
  for (char c : chunk) {
    HYV_RETURN_IF_ERROR(step(c, on_record));
    ++offset_;
  }
  return Status::Ok();
}

Status CsvReader::finish(const CsvRecordFn& on_record) {
  if (failed_) return error_;
  if (!started_) {
    started_ = true;
    std::string head = std::move(bom_prefix_);
    for (char c : head) {
      HYV_RETURN_IF_ERROR(step(c, on_record));
      ++offset_;
    }
  }
  switch (state_) {
    case State::record_start:
    case State::cr:
      return Status::Ok();
    case State::quoted:
      return fail(where(quote_line_, field_ends_.size() + 1, quote_offset_) +
                  ": this quoted field is never closed (the file ends inside it)");
    case State::field_start:
    case State::unquoted:
    case State::quote_in_quoted:
      HYV_RETURN_IF_ERROR(end_field());
      HYV_RETURN_IF_ERROR(end_record(on_record));
      state_ = State::record_start;
      return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace hyv::synth
