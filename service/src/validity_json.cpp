#include "hyv/service/validity_json.h"

#include "json_util.h"

namespace hyv::service {
namespace {

uint64_t values_checked(const synth::ValidityReport& r) {
  uint64_t n = 0;
  for (const auto& t : r.tables) {
    for (const auto& c : t.checks) n += c.checked;
  }
  return n;
}

void write_check(JsonWriter& w, const synth::ValidityCheck& c) {
  w.StartObject();
  w.Key("column");
  if (c.column.empty()) {
    w.Null();
  } else {
    write_json_string(w, c.column);
  }
  w.Key("rule");
  write_json_string(w, c.rule);
  w.Key("checked");
  w.Uint64(c.checked);
  w.Key("violations");
  w.Uint64(c.violations);
  if (c.violations) {
    w.Key("example");
    w.StartObject();
    w.Key("line");
    w.Uint64(c.example_line);
    w.Key("value");
    write_json_string(w, c.example);
    w.EndObject();
  }
  w.EndObject();
}

void write_table(JsonWriter& w, const synth::TableValidity& t) {
  w.StartObject();
  w.Key("table");
  write_json_string(w, t.table);
  w.Key("source");
  write_json_string(w, t.source);
  w.Key("rows");
  w.Uint64(t.rows);
  w.Key("checks");
  w.StartArray();
  for (const auto& c : t.checks) write_check(w, c);
  w.EndArray();
  w.Key("notes");
  w.StartArray();
  for (const auto& n : t.notes) write_json_string(w, n);
  w.EndArray();
  w.EndObject();
}

}  // namespace

double validity_score(const synth::ValidityReport& r) {
  uint64_t checked = values_checked(r);
  if (checked == 0) return 1.0;
  double bad = static_cast<double>(std::min(r.violations(), checked));
  return 1.0 - bad / static_cast<double>(checked);
}

std::string validity_report_json(const synth::ValidityReport& r, bool with_score) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("valid");
  w.Bool(r.violations() == 0);
  w.Key("violations");
  w.Uint64(r.violations());
  w.Key("rules");
  w.Uint64(r.checks());
  if (with_score) {
    w.Key("checked");
    w.Uint64(values_checked(r));
    w.Key("score");
    w.Double(validity_score(r));
  }
  w.Key("tables");
  w.StartArray();
  for (const auto& t : r.tables) write_table(w, t);
  w.EndArray();
  w.EndObject();
  return buffer_text(b);
}

}  // namespace hyv::service
