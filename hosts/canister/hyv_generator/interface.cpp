#include "interface.h"

namespace hyv::generator {

using candid::field;
using candid::Op;
using candid::prim;
using candid::Value;

Types::Types() {
  job_request = t.record({field("data_type", text), field("params", text),
                          field("name", t.opt(text)), field("tags", texts)});
  job = t.record(
      {field("id", text), field("data_type", text), field("state", text), field("params", text),
       field("owner", prim(Op::Principal)), field("name", text), field("attempts", prim(Op::Nat32)),
       field("created_at_ms", int64), field("updated_at_ms", int64), field("finished_at_ms", int64),
       field("items_done", nat64), field("items_total", nat64), field("tokens_done", nat64),
       field("error", text), field("dataset_id", t.opt(text))});
  job_result = t.variant({field("Ok", job), field("Err", text)});
  jobs = t.vec(job);
  candid::TypeRef piece =
      t.record({field("seq", nat64), field("item", nat64), field("text", text)});
  candid::TypeRef events =
      t.record({field("job", job), field("pieces", t.vec(piece)), field("next", nat64)});
  job_events_result = t.variant({field("Ok", events), field("Err", text)});
  candid::TypeRef table = t.record({field("name", text), field("columns", texts),
                                    field("rows", nat64), field("size_bytes", nat64)});
  dataset = t.record(
      {field("id", text), field("name", text), field("data_type", text),
       field("owner", prim(Op::Principal)), field("model_id", text), field("model_sha256", text),
       field("params", text), field("seed", text), field("created_at_ms", int64),
       field("finished_at_ms", int64), field("size_bytes", nat64), field("item_count", nat64),
       field("quality_score", t.opt(prim(Op::Float64))), field("quality_report", text),
       field("tags", texts), field("tables", t.vec(table)), field("rating_count", nat64),
       field("rating_mean", prim(Op::Float64)), field("rank", prim(Op::Float64))});
  dataset_result = t.variant({field("Ok", dataset), field("Err", text)});
  page_request = t.record({field("id", text), field("table", t.opt(text)), field("format", text),
                           field("offset", nat64), field("max_bytes", t.opt(nat64))});
  candid::TypeRef page =
      t.record({field("data", t.vec(prim(Op::Nat8))), field("offset", nat64),
                field("done", prim(Op::Bool)), field("total_bytes", t.opt(nat64))});
  page_result = t.variant({field("Ok", page), field("Err", text)});
  list_request =
      t.record({field("data_type", t.opt(text)), field("model", t.opt(text)),
                field("tag", t.opt(text)), field("min_quality", t.opt(prim(Op::Float64))),
                field("offset", nat64), field("limit", nat64)});
  list_reply = t.record({field("items", t.vec(dataset)), field("total", nat64)});
  candid::TypeRef engine_model =
      t.record({field("name", text), field("sha256", text), field("weights", text)});
  engine = t.record({field("engine", prim(Op::Principal)), field("models", t.vec(engine_model)),
                     field("in_flight", prim(Op::Nat32)), field("calls", nat64),
                     field("failures", nat64), field("last_error", text)});
  engines = t.vec(engine);
  catalog_model = t.record({field("name", text), field("data_type", text), field("sha256", text),
                            field("is_default", prim(Op::Bool))});
  catalog_models = t.vec(catalog_model);
  engine_load = t.record(
      {field("engine", prim(Op::Principal)), field("model", text), field("quantize", t.opt(text))});
  metrics = t.record(
      {field("cycles", prim(Op::Nat)), field("heap_bytes", nat64), field("stable_bytes", nat64),
       field("jobs_queued", nat64), field("jobs_running", nat64), field("jobs_succeeded", nat64),
       field("jobs_failed", nat64), field("jobs_cancelled", nat64),
       field("jobs_interrupted", nat64), field("tokens_made", nat64), field("rows_made", nat64),
       field("datasets", nat64), field("engines", engines)});
  text_result = t.variant({field("Ok", text), field("Err", text)});
  unit_result = t.variant({field("Ok", prim(Op::Null)), field("Err", text)});
}

uint32_t id_of(const char* name) {
  return candid::field_hash(name);
}

Value ok(Value v) {
  return Value::variant(id_of("Ok"), std::move(v));
}

Value err(const Status& s) {
  return Value::variant(id_of("Err"), Value::text_(s.message()));
}

Value unit_ok() {
  return ok(Value::null());
}

namespace {

Value texts_value(const std::vector<std::string>& items) {
  std::vector<Value> out;
  for (const std::string& s : items) out.push_back(Value::text_(s));
  return Value::vec(std::move(out));
}

Value u64(uint64_t v) {
  return Value::fixed(Op::Nat64, v);
}

Value i64(int64_t v) {
  return Value::fixed(Op::Int64, static_cast<uint64_t>(v));
}

}  // namespace

Value job_value(const JobView& v) {
  const service::Job& j = v.job;
  return Value::record(
      {id_of("id"), id_of("data_type"), id_of("state"), id_of("params"), id_of("owner"),
       id_of("name"), id_of("attempts"), id_of("created_at_ms"), id_of("updated_at_ms"),
       id_of("finished_at_ms"), id_of("items_done"), id_of("items_total"), id_of("tokens_done"),
       id_of("error"), id_of("dataset_id")},
      {Value::text_(j.id), Value::text_(std::string(service::data_type_name(j.type))),
       Value::text_(std::string(service::job_state_name(j.state))), Value::text_(j.params_json),
       Value::principal_(v.meta.owner), Value::text_(v.meta.name),
       Value::fixed(Op::Nat32, j.attempts), i64(j.created_at_ms), i64(j.updated_at_ms),
       i64(j.finished_at_ms), u64(j.items_done), u64(j.items_total), u64(j.tokens_done),
       Value::text_(j.error),
       j.dataset_id.empty() ? Value::none() : Value::some(Value::text_(j.dataset_id))});
}

Value events_value(const JobEvents& e) {
  std::vector<Value> pieces;
  for (const EventPiece& p : e.pieces) {
    pieces.push_back(Value::record({id_of("seq"), id_of("item"), id_of("text")},
                                   {u64(p.seq), u64(p.item), Value::text_(p.text)}));
  }
  return Value::record({id_of("job"), id_of("pieces"), id_of("next")},
                       {job_value(e.job), Value::vec(std::move(pieces)), u64(e.next)});
}

Value dataset_value(const service::DatasetEntry& d, const std::vector<uint8_t>& owner) {
  const service::DatasetManifest& m = d.manifest;
  std::vector<Value> tables;
  for (const service::DatasetTable& t : m.tables) {
    tables.push_back(Value::record(
        {id_of("name"), id_of("columns"), id_of("rows"), id_of("size_bytes")},
        {Value::text_(t.name), texts_value(t.columns), u64(t.rows), u64(t.size_bytes)}));
  }
  return Value::record(
      {id_of("id"), id_of("name"), id_of("data_type"), id_of("owner"), id_of("model_id"),
       id_of("model_sha256"), id_of("params"), id_of("seed"), id_of("created_at_ms"),
       id_of("finished_at_ms"), id_of("size_bytes"), id_of("item_count"), id_of("quality_score"),
       id_of("quality_report"), id_of("tags"), id_of("tables"), id_of("rating_count"),
       id_of("rating_mean"), id_of("rank")},
      {Value::text_(m.id), Value::text_(m.name),
       Value::text_(std::string(service::data_type_name(m.type))), Value::principal_(owner),
       Value::text_(m.model_id), Value::text_(m.model_sha256), Value::text_(m.params_json),
       Value::text_(std::to_string(m.seed)), i64(m.created_at_ms), i64(m.finished_at_ms),
       u64(m.size_bytes), u64(m.item_count),
       m.quality_score ? Value::some(Value::float64(*m.quality_score)) : Value::none(),
       Value::text_(m.quality_report_json), texts_value(m.tags), Value::vec(std::move(tables)),
       u64(d.ratings.count), Value::float64(d.ratings.mean()), Value::float64(d.rank)});
}

Value engine_value(const EngineInfo& e) {
  std::vector<Value> models;
  for (const EngineModel& m : e.models) {
    models.push_back(
        Value::record({id_of("name"), id_of("sha256"), id_of("weights")},
                      {Value::text_(m.name), Value::text_(m.sha256), Value::text_(m.weights)}));
  }
  return Value::record({id_of("engine"), id_of("models"), id_of("in_flight"), id_of("calls"),
                        id_of("failures"), id_of("last_error")},
                       {Value::principal_(e.principal), Value::vec(std::move(models)),
                        Value::fixed(Op::Nat32, e.in_flight), u64(e.calls), u64(e.failures),
                        Value::text_(e.last_error)});
}

Value catalog_model_value(const CatalogModel& m) {
  return Value::record(
      {id_of("name"), id_of("data_type"), id_of("sha256"), id_of("is_default")},
      {Value::text_(m.name), Value::text_(std::string(service::data_type_name(m.type))),
       Value::text_(m.sha256), Value::boolean_(m.is_default)});
}

const Value* opt_field(const Value& record, const char* name) {
  const Value* f = record.field(id_of(name));
  if (f == nullptr || f->items.empty()) return nullptr;
  return &f->items[0];
}

}  // namespace hyv::generator
