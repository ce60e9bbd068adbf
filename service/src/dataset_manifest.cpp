#include "hyv/service/dataset_manifest.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cmath>
#include <set>

#include "hyv/service/json_depth.h"

namespace hyv::service {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

bool is_hex_lower(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Parses a JSON object; the message gives the byte offset of a syntax error.
Status parse_object(std::string_view json, rapidjson::Document& d, const std::string& what) {
  HYV_RETURN_IF_ERROR(check_json_depth(json, what));
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) {
    return Status::Error(what + ": " + rapidjson::GetParseError_En(d.GetParseError()) +
                         " at byte " + std::to_string(d.GetErrorOffset()));
  }
  if (!d.IsObject()) return Status::Error(what + ": expected a JSON object");
  return Status::Ok();
}

Result<std::string> canonical_object(std::string_view json, const std::string& what) {
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_object(json, d, what));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  d.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

void write_string(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Writes a stored JSON object, or null if it is missing or broken (validate_manifest refuses
// broken ones, so null here only shows for unvalidated input).
void write_object(Writer& w, std::string_view json) {
  rapidjson::Document d;
  if (json.empty() || !parse_object(json, d, "").ok()) {
    w.Null();
    return;
  }
  d.Accept(w);
}

std::string value_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  v.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

Status field_error(const char* field, const std::string& what) {
  return Status::Error(std::string("manifest field '") + field + "': " + what);
}

Status read_string(const rapidjson::Value& o, const char* field, std::string& out) {
  auto it = o.FindMember(field);
  if (it == o.MemberEnd()) return field_error(field, "missing");
  if (!it->value.IsString()) return field_error(field, "expected a string");
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return Status::Ok();
}

Status read_uint64(const rapidjson::Value& o, const char* field, uint64_t& out) {
  auto it = o.FindMember(field);
  if (it == o.MemberEnd()) return field_error(field, "missing");
  if (!it->value.IsUint64()) return field_error(field, "expected a whole number >= 0");
  out = it->value.GetUint64();
  return Status::Ok();
}

Status read_int64(const rapidjson::Value& o, const char* field, int64_t& out) {
  auto it = o.FindMember(field);
  if (it == o.MemberEnd()) return field_error(field, "missing");
  if (!it->value.IsInt64()) return field_error(field, "expected a whole number");
  out = it->value.GetInt64();
  return Status::Ok();
}

Status read_seed(const rapidjson::Value& o, uint64_t& out) {
  std::string text;
  HYV_RETURN_IF_ERROR(read_string(o, "seed", text));
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return field_error("seed", "expected a decimal uint64 in a string, got '" + text + "'");
  }
  return Status::Ok();
}

Status read_model(const rapidjson::Value& o, DatasetManifest& m) {
  auto it = o.FindMember("model");
  if (it == o.MemberEnd() || !it->value.IsObject())
    return field_error("model", "expected an object");
  for (auto& member : it->value.GetObject()) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (key != "id" && key != "sha256") {
      return field_error("model", "unknown field '" + std::string(key) + "'");
    }
  }
  HYV_RETURN_IF_ERROR(read_string(it->value, "id", m.model_id).with_context("model"));
  return read_string(it->value, "sha256", m.model_sha256).with_context("model");
}

Status read_quality(const rapidjson::Value& o, DatasetManifest& m) {
  auto it = o.FindMember("quality");
  if (it == o.MemberEnd() || it->value.IsNull()) return Status::Ok();
  if (!it->value.IsObject()) return field_error("quality", "expected an object or null");
  const rapidjson::Value& q = it->value;
  for (auto& member : q.GetObject()) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (key != "score" && key != "report") {
      return field_error("quality", "unknown field '" + std::string(key) + "'");
    }
  }
  auto score = q.FindMember("score");
  if (score != q.MemberEnd() && !score->value.IsNull()) {
    if (!score->value.IsNumber()) return field_error("quality.score", "expected a number");
    m.quality_score = score->value.GetDouble();
  }
  auto report = q.FindMember("report");
  if (report != q.MemberEnd() && !report->value.IsNull()) {
    if (!report->value.IsObject()) return field_error("quality.report", "expected an object");
    m.quality_report_json = value_text(report->value);
  }
  return Status::Ok();
}

Status read_tags(const rapidjson::Value& o, DatasetManifest& m) {
  auto it = o.FindMember("tags");
  if (it == o.MemberEnd()) return Status::Ok();
  if (!it->value.IsArray()) return field_error("tags", "expected an array of strings");
  for (auto& tag : it->value.GetArray()) {
    if (!tag.IsString()) return field_error("tags", "expected an array of strings");
    m.tags.emplace_back(tag.GetString(), tag.GetStringLength());
  }
  return Status::Ok();
}

Status read_table(const rapidjson::Value& t, DatasetTable& table) {
  if (!t.IsObject()) return Status::Error("expected an object");
  for (auto& member : t.GetObject()) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (key != "name" && key != "columns" && key != "rows" && key != "size_bytes") {
      return Status::Error("unknown field '" + std::string(key) + "'");
    }
  }
  HYV_RETURN_IF_ERROR(read_string(t, "name", table.name));
  HYV_RETURN_IF_ERROR(read_uint64(t, "rows", table.rows));
  HYV_RETURN_IF_ERROR(read_uint64(t, "size_bytes", table.size_bytes));
  auto columns = t.FindMember("columns");
  if (columns == t.MemberEnd() || !columns->value.IsArray())
    return Status::Error("'columns': expected an array of strings");
  for (auto& c : columns->value.GetArray()) {
    if (!c.IsString()) return Status::Error("'columns': expected an array of strings");
    table.columns.emplace_back(c.GetString(), c.GetStringLength());
  }
  return Status::Ok();
}

Status read_tables(const rapidjson::Value& o, DatasetManifest& m) {
  auto it = o.FindMember("tables");
  if (it == o.MemberEnd()) return Status::Ok();
  if (!it->value.IsArray()) return field_error("tables", "expected an array");
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
    DatasetTable table;
    Status s = read_table(it->value[i], table);
    if (!s.ok()) return field_error("tables", "[" + std::to_string(i) + "]: " + s.message());
    m.tables.push_back(std::move(table));
  }
  return Status::Ok();
}

Status validate_tables(const std::vector<DatasetTable>& tables) {
  std::set<std::string_view> seen;
  for (const DatasetTable& t : tables) {
    // Table names become blob names (datasets/<id>/<name>.jsonl), so they follow the id rule.
    if (!valid_id(t.name)) return field_error("tables", "bad table name '" + t.name + "'");
    if (!seen.insert(t.name).second)
      return field_error("tables", "table '" + t.name + "' appears twice");
    for (const std::string& c : t.columns) {
      if (c.empty())
        return field_error("tables", "table '" + t.name + "' has an empty column name");
    }
  }
  return Status::Ok();
}

void write_tables(Writer& w, const std::vector<DatasetTable>& tables) {
  w.StartArray();
  for (const DatasetTable& t : tables) {
    w.StartObject();
    w.Key("name");
    write_string(w, t.name);
    w.Key("columns");
    w.StartArray();
    for (const std::string& c : t.columns) write_string(w, c);
    w.EndArray();
    w.Key("rows");
    w.Uint64(t.rows);
    w.Key("size_bytes");
    w.Uint64(t.size_bytes);
    w.EndObject();
  }
  w.EndArray();
}

Status check_known_fields(const rapidjson::Value& o) {
  static constexpr std::string_view kKnown[] = {
      "id",         "name",          "type",           "model",   "params", "seed",  "size_bytes",
      "item_count", "created_at_ms", "finished_at_ms", "quality", "tags",   "tables"};
  for (auto& member : o.GetObject()) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    bool known = false;
    for (std::string_view k : kKnown) known = known || k == key;
    if (!known) return Status::Error("manifest: unknown field '" + std::string(key) + "'");
  }
  return Status::Ok();
}

Status read_fields(const rapidjson::Value& o, DatasetManifest& m) {
  HYV_RETURN_IF_ERROR(check_known_fields(o));
  HYV_RETURN_IF_ERROR(read_string(o, "id", m.id));
  HYV_RETURN_IF_ERROR(read_string(o, "name", m.name));
  std::string type;
  HYV_RETURN_IF_ERROR(read_string(o, "type", type));
  Result<DataType> t = parse_data_type(type);
  if (!t.ok()) return field_error("type", t.status().message());
  m.type = t.value();
  HYV_RETURN_IF_ERROR(read_model(o, m));
  auto params = o.FindMember("params");
  if (params == o.MemberEnd() || !params->value.IsObject()) {
    return field_error("params", "expected an object");
  }
  m.params_json = value_text(params->value);
  HYV_RETURN_IF_ERROR(read_seed(o, m.seed));
  HYV_RETURN_IF_ERROR(read_int64(o, "created_at_ms", m.created_at_ms));
  HYV_RETURN_IF_ERROR(read_int64(o, "finished_at_ms", m.finished_at_ms));
  HYV_RETURN_IF_ERROR(read_uint64(o, "size_bytes", m.size_bytes));
  HYV_RETURN_IF_ERROR(read_uint64(o, "item_count", m.item_count));
  HYV_RETURN_IF_ERROR(read_quality(o, m));
  HYV_RETURN_IF_ERROR(read_tables(o, m));
  return read_tags(o, m);
}

Status validate_tags(const std::vector<std::string>& tags) {
  if (tags.size() > kMaxTags) {
    return field_error("tags", "at most " + std::to_string(kMaxTags) + " tags");
  }
  std::set<std::string_view> seen;
  for (const std::string& tag : tags) {
    if (tag.empty() || tag.size() > kMaxTagBytes) {
      return field_error("tags", "each tag needs 1 to " + std::to_string(kMaxTagBytes) + " bytes");
    }
    for (unsigned char c : tag) {
      if (c < 0x20 || c == 0x7f)
        return field_error("tags", "tag '" + tag + "' has a control character");
    }
    if (!seen.insert(tag).second) return field_error("tags", "tag '" + tag + "' appears twice");
  }
  return Status::Ok();
}

}  // namespace

std::string_view data_type_name(DataType t) {
  switch (t) {
    case DataType::kText:
      return "text";
    case DataType::kCode:
      return "code";
    case DataType::kTable:
      return "table";
  }
  return "text";
}

Result<DataType> parse_data_type(std::string_view name) {
  if (name == "text") return DataType::kText;
  if (name == "code") return DataType::kCode;
  if (name == "table") return DataType::kTable;
  return Status::Error("unknown data type '" + std::string(name) + "' (use text, code or table)");
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || id[0] == '.') return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status validate_manifest(const DatasetManifest& m) {
  const std::string id_rule = "1 to 64 of A-Z a-z 0-9 . _ -, not starting with '.'";
  if (!valid_id(m.id)) return field_error("id", "'" + m.id + "' is not " + id_rule);
  if (m.name.empty() || m.name.size() > kMaxNameBytes) {
    return field_error("name", "needs 1 to " + std::to_string(kMaxNameBytes) + " bytes");
  }
  if (!valid_id(m.model_id))
    return field_error("model.id", "'" + m.model_id + "' is not " + id_rule);
  if (m.model_sha256.size() != 64 || !is_hex_lower(m.model_sha256)) {
    return field_error("model.sha256", "expected 64 lowercase hex digits");
  }
  Result<std::string> params = canonical_object(m.params_json, "manifest field 'params'");
  if (!params.ok()) return params.status();
  if (m.created_at_ms < 0) return field_error("created_at_ms", "must not be negative");
  if (m.finished_at_ms != 0 && m.finished_at_ms < m.created_at_ms) {
    return field_error("finished_at_ms", "is before created_at_ms (0 means unfinished)");
  }
  if (m.quality_score &&
      !(std::isfinite(*m.quality_score) && *m.quality_score >= 0 && *m.quality_score <= 1)) {
    return field_error("quality.score", "must be a number in [0, 1]");
  }
  if (!m.quality_report_json.empty()) {
    Result<std::string> report =
        canonical_object(m.quality_report_json, "manifest field 'quality.report'");
    if (!report.ok()) return report.status();
  }
  HYV_RETURN_IF_ERROR(validate_tables(m.tables));
  return validate_tags(m.tags);
}

std::string dataset_manifest_to_json(const DatasetManifest& m) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("id");
  write_string(w, m.id);
  w.Key("name");
  write_string(w, m.name);
  w.Key("type");
  write_string(w, data_type_name(m.type));
  w.Key("model");
  w.StartObject();
  w.Key("id");
  write_string(w, m.model_id);
  w.Key("sha256");
  write_string(w, m.model_sha256);
  w.EndObject();
  w.Key("params");
  write_object(w, m.params_json);
  w.Key("seed");
  write_string(w, std::to_string(m.seed));
  w.Key("created_at_ms");
  w.Int64(m.created_at_ms);
  w.Key("finished_at_ms");
  w.Int64(m.finished_at_ms);
  w.Key("size_bytes");
  w.Uint64(m.size_bytes);
  w.Key("item_count");
  w.Uint64(m.item_count);
  w.Key("quality");
  if (!m.quality_score && m.quality_report_json.empty()) {
    w.Null();
  } else {
    w.StartObject();
    w.Key("score");
    if (m.quality_score) {
      w.Double(*m.quality_score);
    } else {
      w.Null();
    }
    w.Key("report");
    write_object(w, m.quality_report_json);
    w.EndObject();
  }
  w.Key("tags");
  w.StartArray();
  for (const std::string& tag : m.tags) write_string(w, tag);
  w.EndArray();
  w.Key("tables");
  write_tables(w, m.tables);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<DatasetManifest> dataset_manifest_from_json(std::string_view json) {
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_object(json, d, "manifest"));
  DatasetManifest m;
  HYV_RETURN_IF_ERROR(read_fields(d, m));
  HYV_RETURN_IF_ERROR(validate_manifest(m));
  return m;
}

}  // namespace hyv::service
