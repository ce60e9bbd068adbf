#include "hyv/synth/table_metadata.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "hyv/json_nesting.h"
#include "hyv/synth/semantic_column.h"

namespace hyv::synth {

Result<std::vector<ColumnOverride>> parse_table_metadata(std::string_view json,
                                                         std::string_view source) {
  const std::string where(source);
  HYV_RETURN_IF_ERROR(check_json_nesting(json, where));  // RapidJSON recurses per level
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return Status::Error(where + ": not valid JSON at byte " +
                         std::to_string(doc.GetErrorOffset()) + ": " +
                         rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject() || !doc.HasMember("columns") || !doc["columns"].IsObject()) {
    return Status::Error(where +
                         ": expected an object with a \"columns\" object, e.g. "
                         "{\"columns\": {\"age\": {\"sdtype\": \"numerical\"}}}");
  }
  std::vector<ColumnOverride> out;
  for (const auto& member : doc["columns"].GetObject()) {
    ColumnOverride o;
    o.name.assign(member.name.GetString(), member.name.GetStringLength());
    const std::string field = where + ": columns.\"" + o.name + "\"";
    if (!member.value.IsObject()) return Status::Error(field + ": expected an object");
    const auto& col = member.value;
    if (col.HasMember("sdtype")) {
      if (!col["sdtype"].IsString()) return Status::Error(field + ".sdtype: expected a string");
      std::string_view name(col["sdtype"].GetString(), col["sdtype"].GetStringLength());
      o.sdtype = parse_sdtype(name);
      o.semantic = std::string(canonical_semantic_type(name));
      if (!o.sdtype && o.semantic.empty()) {
        std::string semantic;
        for (std::string_view t : semantic_type_names()) semantic += ", " + std::string(t);
        return Status::Error(field + ".sdtype: \"" + std::string(name) +
                             "\" is not one of numerical, categorical, datetime, boolean, id, "
                             "text or a semantic (PII) sdtype" +
                             semantic);
      }
    }
    for (const char* key : {"datetime_format", "format"}) {
      if (!col.HasMember(key)) continue;
      if (!col[key].IsString()) return Status::Error(field + "." + key + ": expected a string");
      o.datetime_format = col[key].GetString();
    }
    if (col.HasMember("computer_representation")) {
      const auto& rep = col["computer_representation"];
      if (!rep.IsString()) {
        return Status::Error(field + ".computer_representation: expected a string");
      }
      std::string_view r(rep.GetString(), rep.GetStringLength());
      if (r.starts_with("Int") || r.starts_with("UInt")) {
        o.integer = true;
      } else if (r == "Float") {
        o.integer = false;
      } else {
        return Status::Error(field + ".computer_representation: \"" + std::string(r) +
                             "\" is not Float, Int8/16/32/64 or UInt8/16/32/64");
      }
    }
    out.push_back(std::move(o));
  }
  if (doc.HasMember("primary_key") && doc["primary_key"].IsString()) {
    std::string key = doc["primary_key"].GetString();
    bool found = false;
    for (auto& o : out) {
      if (o.name == key) {
        found = true;
        if (!o.sdtype && o.semantic.empty()) o.sdtype = Sdtype::id;
      }
    }
    if (!found) {
      ColumnOverride o;
      o.name = key;
      o.sdtype = Sdtype::id;
      out.push_back(std::move(o));
    }
  }
  return out;
}

std::string table_metadata_json(std::span<const ColumnInfo> columns) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("METADATA_SPEC_VERSION");
  w.String("SINGLE_TABLE_V1");
  w.Key("columns");
  w.StartObject();
  for (const auto& c : columns) {
    w.Key(c.name.c_str(), static_cast<rapidjson::SizeType>(c.name.size()));
    w.StartObject();
    w.Key("sdtype");
    std::string_view t = c.semantic.empty() ? sdtype_name(c.sdtype) : c.semantic;
    w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
    if (!c.semantic.empty()) {
      w.Key("pii");  // SDV's flag: anonymized, not learned
      w.Bool(true);
    }
    if (c.sdtype == Sdtype::numerical && c.semantic.empty()) {
      w.Key("computer_representation");
      w.String(c.integer ? "Int64" : "Float");
    }
    if (c.sdtype == Sdtype::datetime) {
      w.Key("datetime_format");
      w.String(c.datetime_format.c_str());
    }
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace hyv::synth
