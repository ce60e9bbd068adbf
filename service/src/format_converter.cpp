// The download converters of dataset_formats.h: canonical JSONL in, CSV / JSON / JSONL / TXT out.
#include <rapidjson/document.h>

#include "hyv/service/dataset_formats.h"
#include "json_util.h"
#include "jsonl_lines.h"

namespace hyv::service {
namespace {

constexpr size_t kFlushBytes = 64 * 1024;

// The cell text of a JSON value in CSV: strings as text, numbers as the JSONL writer prints
// them, booleans true/false, nested values as their JSON; null is an empty field.
void append_csv_value(std::string& out, const rapidjson::Value& v) {
  if (v.IsNull()) return;
  std::string text;
  if (v.IsString()) {
    text.assign(json_string(v));
  } else if (v.IsBool()) {
    text = v.GetBool() ? "true" : "false";
  } else if (v.IsInt64()) {
    text = std::to_string(v.GetInt64());
  } else if (v.IsUint64()) {
    text = std::to_string(v.GetUint64());
  } else if (v.IsNumber()) {
    synth::append_double(text, v.GetDouble());
  } else {
    text = json_text(v);
  }
  synth::append_csv_field(out, text);
}

class Converter final : public FormatConverter {
 public:
  Converter(DownloadFormat format, std::vector<std::string> columns, synth::ByteSink out)
      : format_(format), columns_(std::move(columns)), out_(std::move(out)) {}

  Status start();
  Status feed(std::string_view chunk) override;
  Status finish() override;

 private:
  Status line(std::string_view line, uint64_t number);
  Status flush_if_full();

  DownloadFormat format_;
  std::vector<std::string> columns_;
  synth::ByteSink out_;
  JsonlLines lines_;
  std::string buffer_;
  uint64_t rows_ = 0;
};

Status Converter::start() {
  if (format_ != DownloadFormat::kCsv) return Status::Ok();
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (c) buffer_ += ',';
    synth::append_csv_field(buffer_, columns_[c]);
  }
  buffer_ += "\r\n";
  return Status::Ok();
}

Status Converter::line(std::string_view text, uint64_t number) {
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_row_line(text, number, d));
  if (format_ == DownloadFormat::kJson) {
    buffer_ += rows_ == 0 ? "[\n" : ",\n";
    buffer_ += text;
  } else if (format_ == DownloadFormat::kTxt) {
    auto it = d.FindMember("text");
    if (it != d.MemberEnd() && it->value.IsString()) buffer_ += json_string(it->value);
    buffer_ += "\n<|endoftext|>\n";
  } else {
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c) buffer_ += ',';
      auto it = d.FindMember(columns_[c].c_str());
      if (it != d.MemberEnd()) append_csv_value(buffer_, it->value);
    }
    buffer_ += "\r\n";
  }
  ++rows_;
  return flush_if_full();
}

Status Converter::flush_if_full() {
  if (buffer_.size() < kFlushBytes) return Status::Ok();
  Status s = out_(buffer_);
  buffer_.clear();
  return s;
}

Status Converter::feed(std::string_view chunk) {
  if (format_ == DownloadFormat::kJsonl) return out_(chunk);
  return lines_.feed(chunk, [this](std::string_view l, uint64_t n) { return line(l, n); });
}

Status Converter::finish() {
  if (format_ != DownloadFormat::kJsonl) {
    HYV_RETURN_IF_ERROR(
        lines_.finish([this](std::string_view l, uint64_t n) { return line(l, n); }));
  }
  if (format_ == DownloadFormat::kJson) buffer_ += rows_ == 0 ? "[]\n" : "\n]\n";
  if (buffer_.empty()) return Status::Ok();
  Status s = out_(buffer_);
  buffer_.clear();
  return s;
}

}  // namespace

Result<std::unique_ptr<FormatConverter>> FormatConverter::create(DownloadFormat format,
                                                                 std::vector<std::string> columns,
                                                                 synth::ByteSink out) {
  if (format == DownloadFormat::kTxt) {
    bool has_text = false;
    for (const std::string& c : columns) has_text = has_text || c == "text";
    if (!has_text) return invalid("format: txt needs a text or code dataset (a \"text\" column)");
  }
  auto c = std::make_unique<Converter>(format, std::move(columns), std::move(out));
  HYV_RETURN_IF_ERROR(c->start());
  return std::unique_ptr<FormatConverter>(std::move(c));
}

Result<std::string> convert_table(DownloadFormat format, std::span<const std::string> columns,
                                  std::string_view jsonl) {
  std::string out;
  auto c =
      FormatConverter::create(format, {columns.begin(), columns.end()}, [&out](std::string_view b) {
        out.append(b);
        return Status::Ok();
      });
  if (!c.ok()) return c.status();
  HYV_RETURN_IF_ERROR(c.value()->feed(jsonl));
  HYV_RETURN_IF_ERROR(c.value()->finish());
  return out;
}

}  // namespace hyv::service
