// The table half of generation_params.h.
#include "hyv/service/generation_params.h"
#include "json_util.h"
#include "param_reader.h"

namespace hyv::service {
namespace {

// Kept small enough that the canonical params (which hold the sample or the schema) fit in one
// Store value with the rest of a manifest (kMaxValueBytes = 4 MiB).
constexpr size_t kMaxSampleCsvBytes = 2 * 1024 * 1024;
constexpr size_t kMaxSchemaBytes = 1024 * 1024;

Status read_mode(const ParamReader& r, TableParams& p) {
  const rapidjson::Value* mode = r.find("mode");
  if (!mode) return ParamReader::error("mode", "missing (use \"schema\" or \"learned\")");
  std::string_view name = mode->IsString() ? json_string(*mode) : std::string_view();
  if (name == "schema") {
    p.mode = TableParams::Mode::kSchema;
  } else if (name == "learned") {
    p.mode = TableParams::Mode::kLearned;
  } else {
    return ParamReader::error("mode", "expected \"schema\" or \"learned\"");
  }
  return Status::Ok();
}

Status read_object(const ParamReader& r, const char* field, size_t max_bytes, std::string& out) {
  const rapidjson::Value* v = r.find(field);
  if (!v) return ParamReader::error(field, "missing");
  if (!v->IsObject()) return ParamReader::error(field, "expected a JSON object");
  out = json_text(*v);
  if (out.size() > max_bytes) {
    return Status::Error(StatusCode::kTooLarge, "params." + std::string(field) + ": larger than " +
                                                    std::to_string(max_bytes) + " bytes");
  }
  return Status::Ok();
}

Status read_schema_mode(const ParamReader& r, TableParams& p) {
  HYV_RETURN_IF_ERROR(r.check_known({"mode", "schema", "rows", "seed"}));
  return read_object(r, "schema", kMaxSchemaBytes, p.schema_json);
}

Status read_learned_mode(const ParamReader& r, TableParams& p) {
  HYV_RETURN_IF_ERROR(r.check_known({"mode", "sample_csv", "metadata", "rows", "seed"}));
  if (!r.find("sample_csv")) return ParamReader::error("sample_csv", "missing");
  HYV_RETURN_IF_ERROR(r.read_string("sample_csv", kMaxSampleCsvBytes, p.sample_csv));
  if (p.sample_csv.empty()) return ParamReader::error("sample_csv", "is empty");
  if (r.find("metadata"))
    HYV_RETURN_IF_ERROR(read_object(r, "metadata", 64 * 1024, p.metadata_json));
  return Status::Ok();
}

}  // namespace

Result<TableParams> parse_table_params(std::string_view params_json, uint64_t fallback_seed) {
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_json_object(params_json, d, "params"));
  ParamReader r(d);
  TableParams p;
  p.seed = fallback_seed;
  HYV_RETURN_IF_ERROR(read_mode(r, p));
  HYV_RETURN_IF_ERROR(p.mode == TableParams::Mode::kSchema ? read_schema_mode(r, p)
                                                           : read_learned_mode(r, p));
  int64_t rows = static_cast<int64_t>(p.rows);
  HYV_RETURN_IF_ERROR(r.read_int("rows", 1, static_cast<int64_t>(kMaxTableRows), rows));
  p.rows = static_cast<uint64_t>(rows);
  HYV_RETURN_IF_ERROR(r.read_seed(p.seed));
  return p;
}

std::string table_params_json(const TableParams& p) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("mode");
  if (p.mode == TableParams::Mode::kSchema) {
    w.String("schema");
    w.Key("schema");
    write_raw_json(w, p.schema_json);
  } else {
    w.String("learned");
    w.Key("sample_csv");
    write_json_string(w, p.sample_csv);
    w.Key("metadata");
    write_raw_json(w, p.metadata_json);
  }
  w.Key("rows");
  w.Uint64(p.rows);
  w.Key("seed");
  write_json_string(w, std::to_string(p.seed));
  w.EndObject();
  return buffer_text(b);
}

}  // namespace hyv::service
