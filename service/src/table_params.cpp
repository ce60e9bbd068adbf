// The table half of generation_params.h.
#include "hyv/service/generation_params.h"
#include "hyv/synth/schema.h"
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

// The rows a schema run would make, all tables together (children at rows_per_parent max), must
// fit the studio's limit: every row is kept in memory for the validity report. Checked here so a
// submit is refused (400) instead of a job that runs away. A schema that does not parse is left to
// the run, which reports the first problem with its path.
Status check_schema_rows(const TableParams& p) {
  Result<synth::Schema> schema = synth::parse_schema(p.schema_json);
  if (!schema.ok()) return Status::Ok();
  std::vector<int64_t> root_rows(schema.value().tables.size(), 0);
  for (size_t t = 0; t < root_rows.size(); ++t)
    if (schema.value().is_root(static_cast<int>(t))) root_rows[t] = static_cast<int64_t>(p.rows);
  Status s = synth::check_row_counts(schema.value(), root_rows, kMaxTableRows);
  if (s.ok()) return s;
  return Status::Error(StatusCode::kInvalidArgument,
                       "params.schema: " + s.message() +
                           " (params.rows: " + std::to_string(p.rows) + " per top-level table)");
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
  HYV_RETURN_IF_ERROR(r.read_int(fields::kRows, rows));
  p.rows = static_cast<uint64_t>(rows);
  HYV_RETURN_IF_ERROR(r.read_seed(p.seed));
  HYV_RETURN_IF_ERROR(check_table_params(p));
  return p;
}

Status check_table_params(const TableParams& p) {
  // rows is unsigned: compared as such, so 2^64-1 is not read as -1.
  const IntField& rows = fields::kRows;
  if (p.rows < uint64_t(rows.min) || p.rows > uint64_t(rows.max)) {
    return invalid("params.rows must be " + std::to_string(rows.min) + ".." +
                   std::to_string(rows.max) + " (got " + std::to_string(p.rows) + ")");
  }
  if (p.mode == TableParams::Mode::kLearned) {
    if (p.sample_csv.empty()) return ParamReader::error("sample_csv", "missing");
    return Status::Ok();
  }
  if (p.schema_json.empty()) return ParamReader::error("schema", "missing");
  return check_schema_rows(p);
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
