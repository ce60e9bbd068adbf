// The hyv_generator canister's endpoints (interface: hosts/canister/hyv_generator.did). Each
// decodes its Candid argument (a malformed one is rejected), checks the caller, runs the
// Generator (jobs.h) and replies; a failed check is an `Err` that changes nothing (the IC rolls
// back nothing on an Err, so every check comes before the first write).
#include <string>

#include "dataset_pages.h"
#include "engine_calls.h"
#include "hyv/candid/principal.h"
#include "hyv/ic0/api.h"
#include "hyv/ic0/call.h"
#include "hyv/service/ranking.h"
#include "interface.h"
#include "state.h"

namespace {

using hyv::candid::Op;
using hyv::candid::prim;
using hyv::candid::TypeRef;
using hyv::candid::Value;
using hyv::generator::generator;
using hyv::generator::id_of;
using hyv::generator::Types;
namespace ic0 = hyv::ic0;
namespace gen = hyv::generator;

// Every update's work is bounded by what a timer message may spend; work is spread over ticks.
constexpr uint64_t kTickInstructions = 20'000'000'000;

int64_t now_ms() {
  return static_cast<int64_t>(ic0::time_ns() / 1'000'000);
}

void reply_one(const Types& types, TypeRef type, Value value) {
  TypeRef t[] = {type};
  Value v[] = {std::move(value)};
  ic0::reply(types.t, t, v);
}

// Runs the timer soon (the IC calls canister_global_timer once its time has come).
void wake() {
  ic0::set_global_timer(ic0::time_ns() + 1);
}

hyv::Status check_signed() {
  if (ic0::caller_is_anonymous()) {
    return hyv::Status::Error(
        "the anonymous principal may not call this: jobs, ratings and quotas belong to their "
        "caller; sign your calls");
  }
  return hyv::Status::Ok();
}

hyv::Status check_controller() {
  HYV_RETURN_IF_ERROR(check_signed());
  if (!ic0::is_controller(ic0::caller())) {
    return hyv::Status::Error("only controllers of this canister may manage the engine pool");
  }
  return hyv::Status::Ok();
}

Value job_or_err(const hyv::Result<gen::JobView>& j) {
  return j.ok() ? gen::ok(gen::job_value(j.value())) : gen::err(j.status());
}

Value unit_or_err(const hyv::Status& s) {
  return s.ok() ? gen::unit_ok() : gen::err(s);
}

hyv::Result<Value> dataset_entry_value(const std::string& id) {
  auto m = generator().catalog().get(id);
  if (!m.ok()) return m.status();
  if (!m.value())
    return hyv::Status::Error(hyv::StatusCode::kNotFound, "no dataset \"" + id + "\"");
  auto ratings = generator().catalog().ratings(id);
  if (!ratings.ok()) return ratings.status();
  auto owner = generator().dataset_owner(id);
  if (!owner.ok()) return owner.status();
  hyv::service::DatasetEntry e{*m.value(), ratings.value(), 0};
  e.rank = hyv::service::rank_score(e.manifest.quality_score, e.ratings);
  return gen::dataset_value(e, owner.value());
}

}  // namespace

extern "C" HYV_CANISTER_EXPORT(canister_init) void canister_init() {
  ic0::initialize_runtime();
  if (hyv::Status s = gen::state_open(); !s.ok()) ic0::trap(s.message());
}

// Everything lives in stable memory already (state.h); nothing to save.
extern "C" HYV_CANISTER_EXPORT(canister_pre_upgrade) void canister_pre_upgrade() {}

extern "C" HYV_CANISTER_EXPORT(canister_post_upgrade) void canister_post_upgrade() {
  ic0::initialize_runtime();
  // A store of another layout fails the upgrade instead of being misread.
  if (hyv::Status s = gen::state_open(); !s.ok()) ic0::trap(s.message());
  if (hyv::Status s = generator().recover(now_ms()); !s.ok()) ic0::trap(s.message());
  wake();
}

extern "C" HYV_CANISTER_EXPORT(canister_global_timer) void canister_global_timer() {
  auto more = generator().tick(now_ms(), kTickInstructions);
  if (!more.ok()) ic0::debug_print("tick: " + more.status().message());
  if (!more.ok() || more.value()) wake();
}

extern "C" HYV_CANISTER_UPDATE(job_submit) void job_submit() {
  Types types;
  TypeRef expected[] = {types.job_request};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  if (hyv::Status s = check_signed(); !s.ok())
    return reply_one(types, types.text_result, gen::err(s));
  const Value& a = args.values[0];
  auto type = hyv::service::parse_data_type(a.field(id_of("data_type"))->text);
  if (!type.ok()) return reply_one(types, types.text_result, gen::err(type.status()));
  gen::SubmitRequest r;
  r.type = type.value();
  r.params_json = a.field(id_of("params"))->text;
  if (const Value* name = gen::opt_field(a, "name")) r.name = name->text;
  for (const Value& t : a.field(id_of("tags"))->items) r.tags.push_back(t.text);
  auto id = generator().submit(ic0::caller(), std::move(r), now_ms(), ic0::time_ns());
  if (id.ok()) wake();
  reply_one(types, types.text_result,
            id.ok() ? gen::ok(Value::text_(id.value())) : gen::err(id.status()));
}

extern "C" HYV_CANISTER_QUERY(job_get) void job_get() {
  Types types;
  TypeRef expected[] = {types.text};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  reply_one(types, types.job_result, job_or_err(generator().get(args.values[0].text)));
}

extern "C" HYV_CANISTER_QUERY(job_events) void job_events() {
  Types types;
  TypeRef expected[] = {types.text, types.nat64};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  auto e = generator().events(args.values[0].text, args.values[1].bits);
  reply_one(types, types.job_events_result,
            e.ok() ? gen::ok(gen::events_value(e.value())) : gen::err(e.status()));
}

extern "C" HYV_CANISTER_QUERY(jobs_mine) void jobs_mine() {
  Types types;
  ic0::Args args = ic0::decode_args(types.t, {});
  if (!args.ok) return;
  auto jobs = generator().list_of(ic0::caller());
  std::vector<Value> items;
  if (jobs.ok()) {
    for (const gen::JobView& j : jobs.value()) items.push_back(gen::job_value(j));
  }
  reply_one(types, types.jobs, Value::vec(std::move(items)));
}

void job_change(bool cancel) {
  Types types;
  TypeRef expected[] = {types.text};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  if (hyv::Status s = check_signed(); !s.ok())
    return reply_one(types, types.job_result, gen::err(s));
  const bool controller = ic0::is_controller(ic0::caller());
  auto j = cancel ? generator().cancel(ic0::caller(), controller, args.values[0].text, now_ms())
                  : generator().retry(ic0::caller(), controller, args.values[0].text, now_ms());
  if (j.ok() && !cancel) wake();
  reply_one(types, types.job_result, job_or_err(j));
}

extern "C" HYV_CANISTER_UPDATE(job_cancel) void job_cancel() {
  job_change(true);
}

extern "C" HYV_CANISTER_UPDATE(job_retry) void job_retry() {
  job_change(false);
}

extern "C" HYV_CANISTER_UPDATE(dataset_regenerate) void dataset_regenerate() {
  Types types;
  TypeRef expected[] = {types.text};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  if (hyv::Status s = check_signed(); !s.ok())
    return reply_one(types, types.text_result, gen::err(s));
  auto id = generator().regenerate(ic0::caller(), args.values[0].text, now_ms());
  if (id.ok()) wake();
  reply_one(types, types.text_result,
            id.ok() ? gen::ok(Value::text_(id.value())) : gen::err(id.status()));
}

extern "C" HYV_CANISTER_QUERY(dataset_get) void dataset_get() {
  Types types;
  TypeRef expected[] = {types.text};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  auto v = dataset_entry_value(args.values[0].text);
  reply_one(types, types.dataset_result,
            v.ok() ? gen::ok(std::move(v).value()) : gen::err(v.status()));
}

extern "C" HYV_CANISTER_QUERY(dataset_page) void dataset_page() {
  Types types;
  TypeRef expected[] = {types.page_request};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  const Value& a = args.values[0];
  const std::string id = a.field(id_of("id"))->text;
  auto m = generator().catalog().get(id);
  hyv::Result<gen::DatasetPage> page =
      !m.ok() ? hyv::Result<gen::DatasetPage>(m.status())
      : !m.value()
          ? hyv::Result<gen::DatasetPage>(
                hyv::Status::Error(hyv::StatusCode::kNotFound, "no dataset \"" + id + "\""))
          : gen::dataset_page(generator().blobs(), *m.value(),
                              gen::opt_field(a, "table") ? gen::opt_field(a, "table")->text : "",
                              a.field(id_of("format"))->text, a.field(id_of("offset"))->bits,
                              gen::opt_field(a, "max_bytes") ? gen::opt_field(a, "max_bytes")->bits
                                                             : gen::kMaxPageBytes);
  if (!page.ok()) return reply_one(types, types.page_result, gen::err(page.status()));
  const gen::DatasetPage& p = page.value();
  Value v = Value::record(
      {id_of("data"), id_of("offset"), id_of("done"), id_of("total_bytes")},
      {Value::blob_({p.data.begin(), p.data.end()}),
       Value::fixed(Op::Nat64, a.field(id_of("offset"))->bits), Value::boolean_(p.done),
       p.total_bytes ? Value::some(Value::fixed(Op::Nat64, *p.total_bytes)) : Value::none()});
  reply_one(types, types.page_result, gen::ok(std::move(v)));
}

extern "C" HYV_CANISTER_UPDATE(dataset_rate) void dataset_rate() {
  Types types;
  TypeRef expected[] = {types.text, prim(Op::Nat8)};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  hyv::Status s = check_signed();
  if (s.ok()) {
    s = generator().catalog().rate(args.values[0].text,
                                   hyv::candid::principal_to_text(ic0::caller()),
                                   static_cast<int>(args.values[1].bits), now_ms());
  }
  reply_one(types, types.unit_result, unit_or_err(s));
}

extern "C" HYV_CANISTER_QUERY(datasets_list) void datasets_list() {
  Types types;
  TypeRef expected[] = {types.list_request};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  const Value& a = args.values[0];
  hyv::service::DatasetFilter filter;
  if (const Value* t = gen::opt_field(a, "data_type")) {
    auto type = hyv::service::parse_data_type(t->text);
    if (!type.ok()) return ic0::reject(type.status().message());
    filter.type = type.value();
  }
  if (const Value* m = gen::opt_field(a, "model")) filter.model_id = m->text;
  if (const Value* t = gen::opt_field(a, "tag")) filter.tag = t->text;
  if (const Value* q = gen::opt_field(a, "min_quality")) filter.min_quality = q->real;
  const uint64_t offset = a.field(id_of("offset"))->bits;
  const uint64_t limit = a.field(id_of("limit"))->bits;
  if (limit < 1 || limit > 100) return ic0::reject("limit: must be 1-100");
  auto entries = generator().catalog().list(filter);
  if (!entries.ok()) return ic0::reject(entries.status().message());
  std::vector<Value> items;
  for (uint64_t i = offset; i < entries.value().size() && i < offset + limit; ++i) {
    const auto& e = entries.value()[i];
    auto owner = generator().dataset_owner(e.manifest.id);
    items.push_back(gen::dataset_value(e, owner.ok() ? owner.value() : std::vector<uint8_t>{4}));
  }
  reply_one(types, types.list_reply,
            Value::record(
                {id_of("items"), id_of("total")},
                {Value::vec(std::move(items)), Value::fixed(Op::Nat64, entries.value().size())}));
}

void engine_change(int what) {
  Types types;
  TypeRef expected[] = {prim(Op::Principal)};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  hyv::Status s = check_controller();
  const std::vector<uint8_t>& engine = args.values[0].principal;
  if (s.ok() && what == 0) s = generator().pool().add_engine(engine);
  if (s.ok() && what == 1) s = generator().pool().remove_engine(engine);
  if (s.ok() && what != 1) s = gen::send_models_loaded(engine);
  reply_one(types, types.unit_result, unit_or_err(s));
}

extern "C" HYV_CANISTER_UPDATE(engine_add) void engine_add() {
  engine_change(0);
}
extern "C" HYV_CANISTER_UPDATE(engine_remove) void engine_remove() {
  engine_change(1);
}
extern "C" HYV_CANISTER_UPDATE(engine_refresh) void engine_refresh() {
  engine_change(2);
}

// Controllers only: an engine of the pool loads a model it holds (after an upgrade emptied its
// heap, say); the pool learns the result through models_loaded.
extern "C" HYV_CANISTER_UPDATE(engine_load) void engine_load() {
  Types types;
  TypeRef expected[] = {types.engine_load};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  hyv::Status s = check_controller();
  const Value& a = args.values[0];
  const Value* quantize = gen::opt_field(a, "quantize");
  if (s.ok()) {
    s = gen::send_model_load(a.field(id_of("engine"))->principal, a.field(id_of("model"))->text,
                             quantize ? quantize->text : "");
  }
  reply_one(types, types.unit_result, unit_or_err(s));
}

extern "C" HYV_CANISTER_UPDATE(model_register) void model_register() {
  Types types;
  TypeRef expected[] = {types.catalog_model};
  ic0::Args args = ic0::decode_args(types.t, expected);
  if (!args.ok) return;
  hyv::Status s = check_controller();
  const Value& a = args.values[0];
  if (s.ok()) {
    auto type = hyv::service::parse_data_type(a.field(id_of("data_type"))->text);
    s = type.ok() ? generator().pool().register_model({a.field(id_of("name"))->text, type.value(),
                                                       a.field(id_of("sha256"))->text,
                                                       a.field(id_of("is_default"))->boolean})
                  : type.status();
  }
  reply_one(types, types.unit_result, unit_or_err(s));
}

extern "C" HYV_CANISTER_QUERY(engines_list) void engines_list() {
  Types types;
  ic0::Args args = ic0::decode_args(types.t, {});
  if (!args.ok) return;
  auto engines = generator().pool().engines();
  if (!engines.ok()) return ic0::reject(engines.status().message());
  std::vector<Value> items;
  for (const gen::EngineInfo& e : engines.value()) items.push_back(gen::engine_value(e));
  reply_one(types, types.engines, Value::vec(std::move(items)));
}

extern "C" HYV_CANISTER_QUERY(models_list) void models_list() {
  Types types;
  ic0::Args args = ic0::decode_args(types.t, {});
  if (!args.ok) return;
  auto models = generator().pool().models();
  if (!models.ok()) return ic0::reject(models.status().message());
  std::vector<Value> items;
  for (const gen::CatalogModel& m : models.value()) items.push_back(gen::catalog_model_value(m));
  reply_one(types, types.catalog_models, Value::vec(std::move(items)));
}

extern "C" HYV_CANISTER_QUERY(metrics) void metrics() {
  Types types;
  ic0::Args args = ic0::decode_args(types.t, {});
  if (!args.ok) return;
  auto c = generator().counts();
  auto engines = generator().pool().engines();
  if (!c.ok() || !engines.ok()) {
    return ic0::reject((c.ok() ? engines.status() : c.status()).message());
  }
  std::vector<Value> items;
  for (const gen::EngineInfo& e : engines.value()) items.push_back(gen::engine_value(e));
  auto n = [](uint64_t v) { return Value::fixed(Op::Nat64, v); };
  const gen::Counts& k = c.value();
  Value v = Value::record(
      {id_of("cycles"), id_of("heap_bytes"), id_of("stable_bytes"), id_of("jobs_queued"),
       id_of("jobs_running"), id_of("jobs_succeeded"), id_of("jobs_failed"),
       id_of("jobs_cancelled"), id_of("jobs_interrupted"), id_of("tokens_made"), id_of("rows_made"),
       id_of("datasets"), id_of("engines")},
      {Value::nat(hyv::candid::BigInt::from_u64(ic0::cycle_balance())),
       n(__builtin_wasm_memory_size(0) * 65536ull), n(gen::stable_used_bytes()), n(k.queued),
       n(k.running), n(k.succeeded), n(k.failed), n(k.cancelled), n(k.interrupted),
       n(k.tokens_made), n(k.rows_made), n(k.datasets), Value::vec(std::move(items))});
  reply_one(types, types.metrics, std::move(v));
}
