// The hyv_ai_engine canister: its exported endpoints (interface: hosts/canister/hyv_ai_engine.did).
// Each endpoint decodes its Candid argument (a malformed one is rejected), checks the caller, runs
// the model store and replies; a failed check is an `Err` reply that changes nothing.
#include <string>

#include "hyv/candid/types.h"
#include "hyv/ic0/api.h"
#include "loaded_models.h"
#include "model_store.h"
#include "principal_lists.h"
#include "sessions.h"
#include "tables.h"

namespace {

using hyv::candid::field;
using hyv::candid::Op;
using hyv::candid::prim;
using hyv::candid::TypeRef;
using hyv::candid::TypeTable;
using hyv::candid::Value;
namespace ic0 = hyv::ic0;
namespace store = hyv::canister;

uint32_t id_of(const char* name) {
  return hyv::candid::field_hash(name);
}

// The Candid types of hyv_ai_engine.did, built once per call (cheap next to the work).
struct Types {
  TypeTable t;
  TypeRef blob = t.vec(prim(Op::Nat8));
  TypeRef model_info =
      t.record({field("name", prim(Op::Text)), field("id", prim(Op::Nat64)),
                field("total_bytes", prim(Op::Nat64)), field("received", prim(Op::Nat64)),
                field("complete", prim(Op::Bool)), field("sha256", blob)});
  TypeRef upload_begin = t.record({field("name", prim(Op::Text)),
                                   field("total_bytes", prim(Op::Nat64)), field("sha256", blob)});
  TypeRef upload_chunk = t.record(
      {field("id", prim(Op::Nat64)), field("offset", prim(Op::Nat64)), field("bytes", blob)});
  TypeRef result_nat64 = t.variant({field("Ok", prim(Op::Nat64)), field("Err", prim(Op::Text))});
  TypeRef result_info = t.variant({field("Ok", model_info), field("Err", prim(Op::Text))});
  TypeRef result_unit = t.variant({field("Ok", prim(Op::Null)), field("Err", prim(Op::Text))});
  TypeRef models = t.vec(model_info);
  TypeRef model_load_arg =
      t.record({field("name", prim(Op::Text)), field("quantize", t.opt(prim(Op::Text)))});
  TypeRef loaded_info =
      t.record({field("name", prim(Op::Text)), field("sha256", prim(Op::Text)),
                field("weights", prim(Op::Text)), field("parameters", prim(Op::Nat64))});
  TypeRef load_progress =
      t.record({field("done_bytes", prim(Op::Nat64)), field("total_bytes", prim(Op::Nat64)),
                field("done_steps", prim(Op::Nat64)), field("total_steps", prim(Op::Nat64))});
  TypeRef loaded_list = t.vec(loaded_info);
  TypeRef result_loaded = t.variant(
      {field("Ok", loaded_info), field("Pending", load_progress), field("Err", prim(Op::Text))});
  TypeRef generate_request =
      t.record({field("model", prim(Op::Text)), field("prompt", prim(Op::Text)),
                field("max_tokens", prim(Op::Nat32)), field("temperature", prim(Op::Float32)),
                field("top_k", prim(Op::Nat32)), field("top_p", prim(Op::Float32)),
                field("min_p", prim(Op::Float32)), field("repetition_penalty", prim(Op::Float32)),
                field("seed", prim(Op::Nat64)), field("stop", t.vec(prim(Op::Text)))});
  TypeRef generate_reply =
      t.record({field("session", prim(Op::Nat64)), field("text", prim(Op::Text)),
                field("tokens", t.vec(prim(Op::Nat32))), field("done", prim(Op::Bool)),
                field("finish_reason", prim(Op::Text)), field("prompt_tokens", prim(Op::Nat32)),
                field("generated_tokens", prim(Op::Nat32)), field("model_sha256", prim(Op::Text)),
                field("weights", prim(Op::Text)), field("request", generate_request)});
  TypeRef result_generate = t.variant({field("Ok", generate_reply), field("Err", prim(Op::Text))});
  TypeRef principals = t.vec(prim(Op::Principal));
  TypeRef table_request = t.record(
      {field("source",
             t.variant({field("schema", prim(Op::Text)), field("copula", prim(Op::Text))})),
       field("rows", t.opt(prim(Op::Nat64))), field("seed", prim(Op::Nat64)),
       field("format", prim(Op::Text)), field("table", t.opt(prim(Op::Text))),
       field("where", t.vec(prim(Op::Text)))});
  TypeRef table_params =
      t.record({field("source", prim(Op::Text)), field("spec_sha256", prim(Op::Text)),
                field("rows", t.opt(prim(Op::Nat64))), field("seed", prim(Op::Nat64)),
                field("format", prim(Op::Text)), field("table", prim(Op::Text)),
                field("where", t.vec(prim(Op::Text)))});
  TypeRef table_page = t.record({field("job", prim(Op::Nat64)), field("table", prim(Op::Text)),
                                 field("data", blob), field("rows", prim(Op::Nat64)),
                                 field("done", prim(Op::Bool)), field("params", table_params)});
  TypeRef result_table = t.variant({field("Ok", table_page), field("Err", prim(Op::Text))});
};

Value model_info_value(const store::ModelInfo& m) {
  // Record fields in any order: the encoder follows the type's (sorted) field order by id.
  return Value::record(
      {id_of("name"), id_of("id"), id_of("total_bytes"), id_of("received"), id_of("complete"),
       id_of("sha256")},
      {Value::text_(m.name), Value::fixed(Op::Nat64, m.id), Value::fixed(Op::Nat64, m.total_bytes),
       Value::fixed(Op::Nat64, m.received), Value::boolean_(m.complete),
       Value::blob_({m.sha256.begin(), m.sha256.end()})});
}

store::GenerateParams params_of(const Value& a) {
  store::GenerateParams p;
  p.model = a.field(id_of("model"))->text;
  p.prompt = a.field(id_of("prompt"))->text;
  p.max_tokens = static_cast<uint32_t>(a.field(id_of("max_tokens"))->bits);
  p.temperature = static_cast<float>(a.field(id_of("temperature"))->real);
  p.top_k = static_cast<uint32_t>(a.field(id_of("top_k"))->bits);
  p.top_p = static_cast<float>(a.field(id_of("top_p"))->real);
  p.min_p = static_cast<float>(a.field(id_of("min_p"))->real);
  p.repetition_penalty = static_cast<float>(a.field(id_of("repetition_penalty"))->real);
  p.seed = a.field(id_of("seed"))->bits;
  for (const Value& s : a.field(id_of("stop"))->items) p.stop.push_back(s.text);
  return p;
}

Value params_value(const store::GenerateParams& p) {
  std::vector<Value> stop;
  for (const std::string& s : p.stop) stop.push_back(Value::text_(s));
  return Value::record(
      {id_of("model"), id_of("prompt"), id_of("max_tokens"), id_of("temperature"), id_of("top_k"),
       id_of("top_p"), id_of("min_p"), id_of("repetition_penalty"), id_of("seed"), id_of("stop")},
      {Value::text_(p.model), Value::text_(p.prompt), Value::fixed(Op::Nat32, p.max_tokens),
       Value::float32(p.temperature), Value::fixed(Op::Nat32, p.top_k), Value::float32(p.top_p),
       Value::float32(p.min_p), Value::float32(p.repetition_penalty),
       Value::fixed(Op::Nat64, p.seed), Value::vec(std::move(stop))});
}

Value generate_value(const store::GenerateOutput& o) {
  std::vector<Value> tokens;
  for (int32_t t : o.tokens) tokens.push_back(Value::fixed(Op::Nat32, static_cast<uint32_t>(t)));
  return Value::record(
      {id_of("session"), id_of("text"), id_of("tokens"), id_of("done"), id_of("finish_reason"),
       id_of("prompt_tokens"), id_of("generated_tokens"), id_of("model_sha256"), id_of("weights"),
       id_of("request")},
      {Value::fixed(Op::Nat64, o.session), Value::text_(o.text), Value::vec(std::move(tokens)),
       Value::boolean_(o.done), Value::text_(o.finish_reason),
       Value::fixed(Op::Nat32, o.prompt_tokens), Value::fixed(Op::Nat32, o.generated_tokens),
       Value::text_(o.model_sha256), Value::text_(o.weights), params_value(o.params)});
}

store::TableParams table_params_of(const Value& a) {
  store::TableParams p;
  const Value& source = *a.field(id_of("source"));
  p.source = source.ids[0] == id_of("schema") ? store::TableParams::Source::schema
                                              : store::TableParams::Source::copula;
  p.spec = source.items[0].text;
  const Value& rows = *a.field(id_of("rows"));
  if (!rows.items.empty()) p.rows = rows.items[0].bits;
  p.seed = a.field(id_of("seed"))->bits;
  p.format = a.field(id_of("format"))->text;
  const Value& table = *a.field(id_of("table"));
  if (!table.items.empty()) p.table = table.items[0].text;
  for (const Value& w : a.field(id_of("where"))->items) p.where.push_back(w.text);
  return p;
}

Value table_page_value(const store::TablePage& page) {
  const store::TableParams& p = page.params;
  std::vector<Value> where;
  for (const std::string& w : p.where) where.push_back(Value::text_(w));
  Value params = Value::record(
      {id_of("source"), id_of("spec_sha256"), id_of("rows"), id_of("seed"), id_of("format"),
       id_of("table"), id_of("where")},
      {Value::text_(p.source == store::TableParams::Source::schema ? "schema" : "copula"),
       Value::text_(page.spec_sha256),
       p.rows ? Value::some(Value::fixed(Op::Nat64, *p.rows)) : Value::none(),
       Value::fixed(Op::Nat64, p.seed), Value::text_(p.format), Value::text_(page.table),
       Value::vec(std::move(where))});
  return Value::record(
      {id_of("job"), id_of("table"), id_of("data"), id_of("rows"), id_of("done"), id_of("params")},
      {Value::fixed(Op::Nat64, page.job), Value::text_(page.table), Value::blob_(page.data),
       Value::fixed(Op::Nat64, page.rows), Value::boolean_(page.done), std::move(params)});
}

Value loaded_value(const store::LoadedModelEntry& m) {
  return Value::record(
      {id_of("name"), id_of("sha256"), id_of("weights"), id_of("parameters")},
      {Value::text_(m.name), Value::text_(m.sha256_hex), Value::text_(m.weights),
       Value::fixed(Op::Nat64, static_cast<uint64_t>(m.model.model.parameter_count()))});
}

Value err(const hyv::Status& s) {
  return Value::variant(id_of("Err"), Value::text_(s.message()));
}

void reply_one(const Types& types, TypeRef type, Value value) {
  TypeRef t[] = {type};
  Value v[] = {std::move(value)};
  ic0::reply(types.t, t, v);
}

// Uploading and deleting change what every user's generations run on: controllers and the
// uploaders they authorised only, and never the anonymous principal (which a misconfigured
// controller list could contain).
hyv::Status check_may_manage_models() {
  std::vector<uint8_t> caller = ic0::caller();
  if (caller.size() == 1 && caller[0] == ic0::kAnonymousPrincipal) {
    return hyv::Status::Error("the anonymous principal may not manage models; sign your calls");
  }
  if (!ic0::is_controller(caller) && !store::uploaders().contains(caller)) {
    return hyv::Status::Error(
        "only controllers of this canister and the uploaders they authorise may manage models");
  }
  return hyv::Status::Ok();
}

hyv::Status check_is_controller() {
  std::vector<uint8_t> caller = ic0::caller();
  if (caller.size() == 1 && caller[0] == ic0::kAnonymousPrincipal) {
    return hyv::Status::Error("the anonymous principal may not manage uploaders or generators");
  }
  if (!ic0::is_controller(caller)) {
    return hyv::Status::Error(
        "only controllers of this canister may manage uploaders and generators");
  }
  return hyv::Status::Ok();
}

void open_store_or_trap() {
  hyv::Status s = store::store_open();
  if (!s.ok()) ic0::trap(s.message());
}

}  // namespace

extern "C" HYV_CANISTER_EXPORT(canister_init) void canister_init() {
  ic0::initialize_runtime();
  open_store_or_trap();
}

// Models are in stable memory already (model_store.h); open generation sessions are saved as a
// blob beside them. Failing to save them (no stable memory left) loses the sessions rather than
// blocking the upgrade. Table jobs are not saved (their generators have no byte form).
extern "C" HYV_CANISTER_EXPORT(canister_pre_upgrade) void canister_pre_upgrade() {
  hyv::Status saved = store::store_upgrade_blob(store::save_sessions());
  if (!saved.ok()) ic0::debug_print("sessions not saved: " + saved.message());
}

extern "C" HYV_CANISTER_EXPORT(canister_post_upgrade) void canister_post_upgrade() {
  ic0::initialize_runtime();
  open_store_or_trap();  // a store of another layout fails the upgrade instead of being misread
  std::vector<uint8_t> blob = store::take_upgrade_blob();
  if (blob.empty()) return;
  hyv::Status restored = store::restore_saved_sessions(blob);
  if (!restored.ok()) ic0::debug_print("sessions not restored: " + restored.message());
}

extern "C" HYV_CANISTER_UPDATE(model_upload_begin) void model_upload_begin() {
  Types types;
  TypeRef expected[] = {types.upload_begin};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  if (hyv::Status s = check_may_manage_models(); !s.ok()) {
    return reply_one(types, types.result_nat64, err(s));
  }
  const Value& a = args.values[0];
  hyv::Result<uint64_t> id =
      store::upload_begin(a.field(id_of("name"))->text, a.field(id_of("total_bytes"))->bits,
                          a.field(id_of("sha256"))->blob, ic0::time_ns());
  // A load that reads this name (one that had no such file, say) would parse stale files.
  if (id.ok()) store::cancel_loads_reading(a.field(id_of("name"))->text);
  reply_one(types, types.result_nat64,
            id.ok() ? Value::variant(id_of("Ok"), Value::fixed(Op::Nat64, id.value()))
                    : err(id.status()));
}

extern "C" HYV_CANISTER_UPDATE(model_upload_chunk) void model_upload_chunk() {
  Types types;
  TypeRef expected[] = {types.upload_chunk};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  if (hyv::Status s = check_may_manage_models(); !s.ok()) {
    return reply_one(types, types.result_nat64, err(s));
  }
  const Value& a = args.values[0];
  hyv::Result<uint64_t> received = store::upload_chunk(
      a.field(id_of("id"))->bits, a.field(id_of("offset"))->bits, a.field(id_of("bytes"))->blob);
  reply_one(types, types.result_nat64,
            received.ok() ? Value::variant(id_of("Ok"), Value::fixed(Op::Nat64, received.value()))
                          : err(received.status()));
}

extern "C" HYV_CANISTER_UPDATE(model_upload_finish) void model_upload_finish() {
  Types types;
  TypeRef expected[] = {prim(Op::Nat64)};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  if (hyv::Status s = check_may_manage_models(); !s.ok()) {
    return reply_one(types, types.result_info, err(s));
  }
  hyv::Result<store::ModelInfo> info = store::upload_finish(args.values[0].bits);
  reply_one(
      types, types.result_info,
      info.ok() ? Value::variant(id_of("Ok"), model_info_value(info.value())) : err(info.status()));
}

extern "C" HYV_CANISTER_UPDATE(model_delete) void model_delete() {
  Types types;
  TypeRef expected[] = {prim(Op::Text)};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  hyv::Status s = check_may_manage_models();
  if (s.ok()) s = store::model_delete(args.values[0].text);
  if (s.ok()) store::cancel_loads_reading(args.values[0].text);
  reply_one(types, types.result_unit, s.ok() ? Value::variant(id_of("Ok"), Value::null()) : err(s));
}

extern "C" HYV_CANISTER_QUERY(models_list) void models_list() {
  Types types;
  ic0::Args args = ic0::decode_args(types.t, {});
  if (!args.ok) return;
  std::vector<Value> items;
  for (const store::ModelInfo& m : store::models_list()) items.push_back(model_info_value(m));
  reply_one(types, types.models, Value::vec(std::move(items)));
}

// The principal lists (controllers only): who else may manage models, and which generator
// canisters this engine works for.
void list_change(const store::PrincipalList& list, bool add) {
  Types types;
  TypeRef expected[] = {prim(Op::Principal)};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  hyv::Status s = check_is_controller();
  if (s.ok()) s = add ? list.add(args.values[0].principal) : list.remove(args.values[0].principal);
  reply_one(types, types.result_unit, s.ok() ? Value::variant(id_of("Ok"), Value::null()) : err(s));
}

void list_reply(const store::PrincipalList& list) {
  Types types;
  ic0::Args args = ic0::decode_args(types.t, {});
  if (!args.ok) return;
  std::vector<Value> items;
  for (std::vector<uint8_t>& p : list.list()) items.push_back(Value::principal_(std::move(p)));
  reply_one(types, types.principals, Value::vec(std::move(items)));
}

extern "C" HYV_CANISTER_UPDATE(uploaders_add) void uploaders_add() {
  list_change(store::uploaders(), true);
}
extern "C" HYV_CANISTER_UPDATE(uploaders_remove) void uploaders_remove() {
  list_change(store::uploaders(), false);
}
extern "C" HYV_CANISTER_QUERY(uploaders_list) void uploaders_list() {
  list_reply(store::uploaders());
}
extern "C" HYV_CANISTER_UPDATE(generators_add) void generators_add() {
  list_change(store::generators(), true);
}
extern "C" HYV_CANISTER_UPDATE(generators_remove) void generators_remove() {
  list_change(store::generators(), false);
}
extern "C" HYV_CANISTER_QUERY(generators_list) void generators_list() {
  list_reply(store::generators());
}

// The models loaded now (a generator's pool asks which engine holds which model).
extern "C" HYV_CANISTER_QUERY(models_loaded) void models_loaded() {
  Types types;
  ic0::Args args = ic0::decode_args(types.t, {});
  if (!args.ok) return;
  std::vector<Value> items;
  for (const auto& m : store::loaded_models()) items.push_back(loaded_value(*m));
  reply_one(types, types.loaded_list, Value::vec(std::move(items)));
}

// Parses an uploaded model folder into the heap (controllers and uploaders only: it costs memory
// every user shares), or takes a pending load on; `Pending` asks for another call. The heap is
// reset at an upgrade: load again after one.
extern "C" HYV_CANISTER_UPDATE(model_load) void model_load() {
  Types types;
  TypeRef expected[] = {types.model_load_arg};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  // The generators this engine works for may load the models it already holds (their admin
  // flow after an upgrade emptied the heap); uploading and deleting stay with the managers.
  if (hyv::Status s = check_may_manage_models();
      !s.ok() && !store::generators().contains(ic0::caller())) {
    return reply_one(types, types.result_loaded, err(s));
  }
  const Value& a = args.values[0];
  const Value* quantize = a.field(id_of("quantize"));
  auto loaded = store::model_load(a.field(id_of("name"))->text,
                                  quantize->items.empty() ? "" : quantize->items[0].text);
  if (!loaded.ok()) return reply_one(types, types.result_loaded, err(loaded.status()));
  if (loaded.value().loaded == nullptr) {
    const store::LoadProgress& p = loaded.value().progress;
    Value progress = Value::record(
        {id_of("done_bytes"), id_of("total_bytes"), id_of("done_steps"), id_of("total_steps")},
        {Value::fixed(Op::Nat64, p.done_bytes), Value::fixed(Op::Nat64, p.total_bytes),
         Value::fixed(Op::Nat64, p.done_steps), Value::fixed(Op::Nat64, p.total_steps)});
    return reply_one(types, types.result_loaded,
                     Value::variant(id_of("Pending"), std::move(progress)));
  }
  reply_one(types, types.result_loaded,
            Value::variant(id_of("Ok"), loaded_value(*loaded.value().loaded)));
}

// Sessions belong to their caller, so the anonymous principal (shared by everyone) may not start
// one.
extern "C" HYV_CANISTER_UPDATE(generate_start) void generate_start() {
  Types types;
  TypeRef expected[] = {types.generate_request};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  if (ic0::caller_is_anonymous()) {
    return reply_one(types, types.result_generate,
                     err(hyv::Status::Error("the anonymous principal may not generate: sessions "
                                            "belong to their caller; sign your calls")));
  }
  auto out = store::generate_start(ic0::caller(), params_of(args.values[0]), ic0::time_ns());
  reply_one(
      types, types.result_generate,
      out.ok() ? Value::variant(id_of("Ok"), generate_value(out.value())) : err(out.status()));
}

extern "C" HYV_CANISTER_UPDATE(generate_continue) void generate_continue() {
  Types types;
  TypeRef expected[] = {prim(Op::Nat64)};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  auto out = store::generate_continue(ic0::caller(), args.values[0].bits, ic0::time_ns());
  reply_one(
      types, types.result_generate,
      out.ok() ? Value::variant(id_of("Ok"), generate_value(out.value())) : err(out.status()));
}

// A short generation in one query (no session, nothing kept, anyone may call): it stops where
// 5B instructions would be passed, done = false with finish_reason "query_budget" if it must.
extern "C" HYV_CANISTER_QUERY(generate_query) void generate_query() {
  Types types;
  TypeRef expected[] = {types.generate_request};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  auto out = store::generate_query(params_of(args.values[0]));
  reply_one(
      types, types.result_generate,
      out.ok() ? Value::variant(id_of("Ok"), generate_value(out.value())) : err(out.status()));
}

// Table jobs keep state between calls, like sessions: signed callers only.
extern "C" HYV_CANISTER_UPDATE(table_start) void table_start() {
  Types types;
  TypeRef expected[] = {types.table_request};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  if (ic0::caller_is_anonymous()) {
    return reply_one(types, types.result_table,
                     err(hyv::Status::Error("the anonymous principal may not start table jobs: "
                                            "jobs belong to their caller; sign your calls")));
  }
  auto out = store::table_start(ic0::caller(), table_params_of(args.values[0]), ic0::time_ns());
  reply_one(
      types, types.result_table,
      out.ok() ? Value::variant(id_of("Ok"), table_page_value(out.value())) : err(out.status()));
}

extern "C" HYV_CANISTER_UPDATE(table_continue) void table_continue() {
  Types types;
  TypeRef expected[] = {prim(Op::Nat64)};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  auto out = store::table_continue(ic0::caller(), args.values[0].bits, ic0::time_ns());
  reply_one(
      types, types.result_table,
      out.ok() ? Value::variant(id_of("Ok"), table_page_value(out.value())) : err(out.status()));
}
