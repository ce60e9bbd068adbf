#include "jobs.h"

#include <algorithm>

#include "engine_calls.h"
#include "hyv/candid/principal.h"
#include "hyv/ic0/api.h"
#include "hyv/service/generation_params.h"
#include "hyv/service/generation_run.h"
#include "json_records.h"

namespace hyv::generator {

using service::DataType;
using service::Job;
using service::JobState;

// One run in progress (heap only; see jobs.h for what survives what).
struct Generator::Run {
  std::unique_ptr<service::GenerationRun> run;
  std::string tmp;  // tmp/<job>-<attempt>
  struct Table {
    std::string name, blob;
    std::shared_ptr<uint64_t> size = std::make_shared<uint64_t>(0);
  };
  std::vector<Table> tables;
  CatalogModel model;                  // text/code
  std::map<uint64_t, Sample> samples;  // under way, or done and waiting for an earlier one
  uint64_t next_sample = 0;            // the first sample not started yet
  uint64_t seq = 0;
  int64_t started_ms = 0;
};

namespace {

std::string job_meta_key(const std::string& id) {
  return "jobmeta/" + id;
}

std::string meta_json(const JobMeta& m) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  put_string(w, "owner", candid::principal_to_text(m.owner));
  put_string(w, "name", m.name);
  w.Key("tags");
  w.StartArray();
  for (const std::string& t : m.tags)
    w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
  w.EndArray();
  put_string(w, "fallback_seed", std::to_string(m.fallback_seed));
  w.EndObject();
  return json_of(b);
}

Result<JobMeta> meta_from(const std::string& key, const std::string& json) {
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_record(json, key, d));
  JobMeta m;
  auto owner = candid::principal_from_text(get_string(d, "owner"));
  if (!owner.ok()) return Status::Error(StatusCode::kInternal, key + ": bad owner");
  m.owner = std::move(owner).value();
  m.name = get_string(d, "name");
  if (auto it = d.FindMember("tags"); it != d.MemberEnd() && it->value.IsArray()) {
    for (const auto& t : it->value.GetArray()) {
      if (t.IsString()) m.tags.emplace_back(t.GetString(), t.GetStringLength());
    }
  }
  m.fallback_seed = std::strtoull(get_string(d, "fallback_seed").c_str(), nullptr, 10);
  return m;
}

Result<uint64_t> next_counter(service::Store& store, const std::string& name) {
  auto v = store.get("counter/" + name);
  if (!v.ok()) return v.status();
  uint64_t n = v.value() ? std::strtoull(v.value()->c_str(), nullptr, 10) + 1 : 1;
  HYV_RETURN_IF_ERROR(store.put("counter/" + name, std::to_string(n)));
  return n;
}

// Usage of one caller on one day (UTC), and their stored bytes.
struct Usage {
  uint64_t day = 0, tokens = 0, rows = 0, stored_bytes = 0;
};

std::string usage_key(const std::vector<uint8_t>& caller) {
  return "usage/" + candid::principal_to_text(caller);
}

Result<Usage> load_usage(const service::Store& store, const std::vector<uint8_t>& caller) {
  auto v = store.get(usage_key(caller));
  if (!v.ok()) return v.status();
  Usage u;
  if (!v.value()) return u;
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_record(*v.value(), usage_key(caller), d));
  u.day = get_u64(d, "day");
  u.tokens = get_u64(d, "tokens");
  u.rows = get_u64(d, "rows");
  u.stored_bytes = get_u64(d, "stored_bytes");
  return u;
}

std::string usage_json(const Usage& u) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("day");
  w.Uint64(u.day);
  w.Key("tokens");
  w.Uint64(u.tokens);
  w.Key("rows");
  w.Uint64(u.rows);
  w.Key("stored_bytes");
  w.Uint64(u.stored_bytes);
  w.EndObject();
  return json_of(b);
}

Status save_usage(service::Store& store, const std::vector<uint8_t>& caller, const Usage& u) {
  return store.put(usage_key(caller), usage_json(u));
}

// What a request asks for, for the daily quota: tokens (samples x max_tokens) or rows.
Result<std::pair<uint64_t, uint64_t>> requested(const SubmitRequest& r) {
  if (r.type == DataType::kTable) {
    auto p = service::parse_table_params(r.params_json, 0);
    if (!p.ok()) return p.status();
    return std::pair<uint64_t, uint64_t>{0, p.value().rows};
  }
  auto p = service::parse_text_params(r.type, r.params_json, 0);
  if (!p.ok()) return p.status();
  return std::pair<uint64_t, uint64_t>{
      uint64_t{p.value().samples} * static_cast<uint64_t>(p.value().max_tokens), 0};
}

// Tables with generated_text columns need a model per row in the run itself; the generator keeps
// its models on the engines, so it refuses them (the studio and the CLI make them).
Result<service::ResolvedModel> no_table_models(DataType, std::string_view) {
  return Status::Error(StatusCode::kInvalidArgument,
                       "generated_text columns are not made by the generator yet (their text "
                       "needs the engines, one call per row); the studio and the CLI make them");
}

}  // namespace

Generator::Generator(service::Store& store, service::BlobStore& blobs)
    : store_(store), blobs_(blobs), queue_(store), catalog_(store), pool_(store) {}

Generator::~Generator() = default;

Result<JobMeta> Generator::meta(const std::string& id) const {
  auto v = store_.get(job_meta_key(id));
  if (!v.ok()) return v.status();
  if (!v.value()) return Status::Error(StatusCode::kInternal, "job " + id + " has no owner record");
  return meta_from(job_meta_key(id), *v.value());
}

// The caller's usage with this request added, or why it is over a quota. Nothing is written: an
// Err must leave no state behind (the IC keeps whatever a message wrote unless it traps).
Result<std::string> Generator::check_quota(const std::vector<uint8_t>& caller,
                                           const SubmitRequest& r, int64_t now_ms) {
  auto open = list_of(caller);
  if (!open.ok()) return open.status();
  size_t active = std::count_if(open.value().begin(), open.value().end(),
                                [](const JobView& v) { return service::is_active(v.job.state); });
  if (active >= kMaxOpenJobsPerCaller) {
    return Status::Error(
        StatusCode::kBusy,
        "you have " + std::to_string(active) + " open jobs, the most allowed: wait for one to end");
  }
  auto asked = requested(r);
  if (!asked.ok()) return asked.status();
  auto usage = load_usage(store_, caller);
  if (!usage.ok()) return usage.status();
  Usage u = usage.value();
  const uint64_t day = static_cast<uint64_t>(now_ms) / 86'400'000;
  if (u.day != day) u = Usage{day, 0, 0, u.stored_bytes};
  if (u.tokens + asked.value().first > kMaxTokensPerDay) {
    return Status::Error(StatusCode::kBusy,
                         "this job asks for up to " + std::to_string(asked.value().first) +
                             " tokens and you have " + std::to_string(kMaxTokensPerDay - u.tokens) +
                             " left today (" + std::to_string(kMaxTokensPerDay) + " a day)");
  }
  if (u.rows + asked.value().second > kMaxRowsPerDay) {
    return Status::Error(StatusCode::kBusy,
                         "this job asks for " + std::to_string(asked.value().second) +
                             " rows and you have " + std::to_string(kMaxRowsPerDay - u.rows) +
                             " left today (" + std::to_string(kMaxRowsPerDay) + " a day)");
  }
  if (u.stored_bytes >= kMaxStoredBytesPerCaller) {
    return Status::Error(StatusCode::kBusy, "your datasets hold " + std::to_string(u.stored_bytes) +
                                                " bytes, the most allowed per caller");
  }
  u.tokens += asked.value().first;
  u.rows += asked.value().second;
  return usage_json(u);
}

Result<std::string> Generator::submit(const std::vector<uint8_t>& caller, SubmitRequest r,
                                      int64_t now_ms, uint64_t entropy) {
  if (r.params_json.size() > kMaxParamsBytes) {
    return Status::Error(StatusCode::kTooLarge, "params: " + std::to_string(r.params_json.size()) +
                                                    " bytes, at most " +
                                                    std::to_string(kMaxParamsBytes));
  }
  if (r.name.size() > service::kMaxNameBytes) {
    return Status::Error(StatusCode::kInvalidArgument, "name: at most 200 bytes");
  }
  if (r.tags.size() > service::kMaxTags) {
    return Status::Error(StatusCode::kInvalidArgument, "tags: at most 32");
  }
  // Every check of the run itself (parameters, model, schema) before anything is stored.
  if (r.name.empty()) r.name = service::default_job_name(r.type, now_ms);
  JobMeta m{caller, r.name, r.tags, service::derive_seed(entropy, now_ms)};
  {
    service::RunContext ctx;
    ctx.resolve_model = [this](DataType type,
                               std::string_view id) -> Result<service::ResolvedModel> {
      auto model = pool_.resolve(type, std::string(id));
      if (!model.ok()) return model.status();
      return service::ResolvedModel{nullptr, model.value().name, model.value().sha256};
    };
    if (r.type == DataType::kTable) ctx.resolve_model = no_table_models;
    ctx.open_table = [](std::string_view) -> Result<synth::ByteSink> {
      return synth::ByteSink([](std::string_view) { return Status::Ok(); });
    };
    ctx.remote_samples = r.type != DataType::kTable;
    ctx.fallback_seed = m.fallback_seed;
    auto checked = service::GenerationRun::create(r.type, r.params_json, std::move(ctx));
    if (!checked.ok()) return checked.status();
  }
  auto usage = check_quota(caller, r, now_ms);
  if (!usage.ok()) return usage.status();
  auto n = store_.get("counter/job");
  if (!n.ok()) return n.status();
  const uint64_t number = n.value() ? std::strtoull(n.value()->c_str(), nullptr, 10) + 1 : 1;
  std::string id = "job-" + std::to_string(number);
  auto job = queue_.create(id, r.type, r.params_json, now_ms);
  if (!job.ok()) return job.status();
  // The job is stored; its owner, the counter and the usage go with it in one batch.
  HYV_RETURN_IF_ERROR(store_.apply({service::StoreOp::Put(job_meta_key(id), meta_json(m)),
                                    service::StoreOp::Put("counter/job", std::to_string(number)),
                                    service::StoreOp::Put(usage_key(caller), usage.value())}));
  return id;
}

Result<JobView> Generator::get(const std::string& id) const {
  auto job = queue_.get(id);
  if (!job.ok()) return job.status();
  if (!job.value()) return Status::Error(StatusCode::kNotFound, "no job \"" + id + "\"");
  auto m = meta(id);
  if (!m.ok()) return m.status();
  return JobView{*job.value(), std::move(m).value()};
}

Result<std::vector<JobView>> Generator::list_of(const std::vector<uint8_t>& owner) const {
  auto jobs = queue_.list();
  if (!jobs.ok()) return jobs.status();
  std::vector<JobView> out;
  for (const Job& j : jobs.value()) {
    auto m = meta(j.id);
    if (!m.ok()) return m.status();
    if (m.value().owner == owner) out.push_back({j, std::move(m).value()});
  }
  return out;
}

Result<JobEvents> Generator::events(const std::string& id, uint64_t since) const {
  auto view = get(id);
  if (!view.ok()) return view.status();
  JobEvents e;
  e.job = std::move(view).value();
  auto seq = event_seq_.find(id);
  e.next = seq == event_seq_.end() ? since : std::max(since, seq->second);
  if (auto it = events_.find(id); it != events_.end()) {
    for (const EventPiece& p : it->second) {
      if (p.seq > since) e.pieces.push_back(p);
    }
  }
  return e;
}

void Generator::publish(const std::string& id, uint64_t item, std::string text) {
  if (text.empty()) return;
  uint64_t seq = ++event_seq_[id];
  std::deque<EventPiece>& log = events_[id];
  log.push_back({seq, item, std::move(text)});
  while (log.size() > kMaxEventsPerJob) log.pop_front();
}

Result<JobView> Generator::cancel(const std::vector<uint8_t>& caller, bool is_controller,
                                  const std::string& id, int64_t now_ms) {
  auto view = get(id);
  if (!view.ok()) return view.status();
  if (view.value().meta.owner != caller && !is_controller) {
    return Status::Error(StatusCode::kNotFound, "no job \"" + id + "\" of yours");
  }
  auto job = queue_.cancel(id, now_ms);
  if (!job.ok()) return job.status();
  drop_run(id);
  return JobView{job.value(), view.value().meta};
}

Result<JobView> Generator::retry(const std::vector<uint8_t>& caller, bool is_controller,
                                 const std::string& id, int64_t now_ms) {
  auto view = get(id);
  if (!view.ok()) return view.status();
  if (view.value().meta.owner != caller && !is_controller) {
    return Status::Error(StatusCode::kNotFound, "no job \"" + id + "\" of yours");
  }
  auto job = queue_.retry(id, now_ms);
  if (!job.ok()) return job.status();
  events_.erase(id);
  return JobView{job.value(), view.value().meta};
}

Result<std::string> Generator::regenerate(const std::vector<uint8_t>& caller,
                                          const std::string& dataset_id, int64_t now_ms) {
  auto m = catalog_.get(dataset_id);
  if (!m.ok()) return m.status();
  if (!m.value()) return Status::Error(StatusCode::kNotFound, "no dataset \"" + dataset_id + "\"");
  SubmitRequest r{m.value()->type, m.value()->params_json, m.value()->name, m.value()->tags};
  return submit(caller, std::move(r), now_ms, m.value()->seed);
}

Result<std::vector<uint8_t>> Generator::dataset_owner(const std::string& dataset_id) const {
  auto v = store_.get("dsowner/" + dataset_id);
  if (!v.ok()) return v.status();
  if (!v.value()) return Status::Error(StatusCode::kNotFound, "no dataset \"" + dataset_id + "\"");
  return candid::principal_from_text(*v.value());
}

Result<Counts> Generator::counts() const {
  auto jobs = queue_.list();
  if (!jobs.ok()) return jobs.status();
  Counts c;
  for (const Job& j : jobs.value()) {
    switch (j.state) {
      case JobState::kQueued:
        ++c.queued;
        break;
      case JobState::kRunning:
        ++c.running;
        break;
      case JobState::kSucceeded:
        ++c.succeeded;
        break;
      case JobState::kFailed:
        ++c.failed;
        break;
      case JobState::kCancelled:
        ++c.cancelled;
        break;
      case JobState::kInterrupted:
        ++c.interrupted;
        break;
    }
    if (j.state == JobState::kSucceeded) {
      (j.type == DataType::kTable ? c.rows_made : c.tokens_made) +=
          j.type == DataType::kTable ? j.items_done : j.tokens_done;
    }
  }
  auto datasets = store_.list("dataset/");
  if (!datasets.ok()) return datasets.status();
  c.datasets = datasets.value().size();
  return c;
}

void Generator::drop_run(const std::string& id) {
  auto it = runs_.find(id);
  if (it == runs_.end()) return;
  (void)service::remove_blobs_under(blobs_, it->second->tmp + "/");
  runs_.erase(it);  // replies still in flight find no run and are dropped
}

void Generator::fail(const std::string& id, const std::string& why, int64_t now_ms) {
  drop_run(id);
  (void)queue_.fail(id, why, now_ms);
}

Status Generator::start(const Job& job, int64_t now_ms) {
  auto started = queue_.start(job.id, now_ms);
  if (!started.ok()) return started.status();
  auto m = meta(job.id);
  if (!m.ok()) return m.status();
  auto run = std::make_unique<Run>();
  run->tmp = "tmp/" + job.id + "-" + std::to_string(started.value().attempts);
  run->started_ms = now_ms;
  Run* raw = run.get();
  service::RunContext ctx;
  ctx.resolve_model = [this, raw](DataType type,
                                  std::string_view id) -> Result<service::ResolvedModel> {
    auto model = pool_.resolve(type, std::string(id));
    if (!model.ok()) return model.status();
    raw->model = model.value();
    return service::ResolvedModel{nullptr, model.value().name, model.value().sha256};
  };
  ctx.open_table = [this, raw](std::string_view table) -> Result<synth::ByteSink> {
    Run::Table t;
    t.name = std::string(table);
    t.blob = raw->tmp + "/" + t.name + ".jsonl";
    HYV_RETURN_IF_ERROR(service::validate_blob_name(t.blob));
    raw->tables.push_back(t);
    return synth::ByteSink([this, blob = t.blob, size = t.size](std::string_view bytes) {
      HYV_RETURN_IF_ERROR(blobs_.write(blob, *size, bytes));
      *size += bytes.size();
      return Status::Ok();
    });
  };
  if (job.type == DataType::kTable) ctx.resolve_model = no_table_models;
  ctx.remote_samples = job.type != DataType::kTable;
  ctx.fallback_seed = m.value().fallback_seed;
  auto created = service::GenerationRun::create(job.type, job.params_json, std::move(ctx));
  if (!created.ok()) {
    fail(job.id, created.status().message(), now_ms);
    return Status::Ok();
  }
  run->run = std::move(created).value();
  runs_[job.id] = std::move(run);
  events_.erase(job.id);
  return Status::Ok();
}

void Generator::send_next_call(const std::string& id, int64_t now_ms) {
  auto it = runs_.find(id);
  if (it == runs_.end()) return;
  Run& r = *it->second;
  const uint64_t total = r.run->progress().items_total;
  // Samples that wait for their next call (started, continued or restarted).
  for (auto& [index, sample] : r.samples) {
    if (sample.in_flight || sample.done) continue;
    if (!send_sample_call(id, index, now_ms) || runs_.count(id) == 0) return;
  }
  // New samples, while the job has fewer than kMaxSamplesInFlight under way.
  while (r.next_sample < total && r.samples.size() < kMaxSamplesInFlight) {
    const uint64_t index = r.next_sample++;
    r.samples[index].seq = ++next_seq_;
    if (!send_sample_call(id, index, now_ms) || runs_.count(id) == 0) return;
  }
}

bool Generator::send_sample_call(const std::string& id, uint64_t index, int64_t now_ms) {
  Run& r = *runs_.at(id);
  Sample& sample = r.samples.at(index);
  std::vector<uint8_t> arg;
  std::string method;
  if (sample.session == 0) {
    auto engine = pool_.pick(r.model, sample.failed_engines);
    if (!engine.ok()) {
      fail(id, engine.status().message(), now_ms);
      return false;
    }
    if (!engine.value()) {
      fail(id,
           sample.failed_engines.empty()
               ? "no engine in the pool holds model \"" + r.model.name + "\" (sha256 " +
                     r.model.sha256 + ")"
               : "sample " + std::to_string(index) + " failed on every engine holding the model",
           now_ms);
      return false;
    }
    sample.engine = *engine.value();
    auto request = r.run->sample_request(index);
    if (!request.ok()) {
      fail(id, request.status().message(), now_ms);
      return false;
    }
    arg = generate_start_arg(r.model.name, request.value());
    method = "generate_start";
  } else {
    arg = generate_continue_arg(sample.session);
    method = "generate_continue";
  }
  const uint32_t call = next_call_++;
  calls_[call] = PendingCall{id, index, sample.seq, sample.engine};
  Status sent = send_generate_call(call, sample.engine, method, arg);
  if (!sent.ok()) {
    calls_.erase(call);
    return restart_sample(id, index, sent.message(), now_ms);  // sent again on the next pass
  }
  sample.in_flight = true;
  pool_.call_started(sample.engine);
  return true;
}

bool Generator::restart_sample(const std::string& id, uint64_t index, const std::string& why,
                               int64_t now_ms) {
  auto it = runs_.find(id);
  if (it == runs_.end()) return false;
  Run& r = *it->second;
  Sample& sample = r.samples.at(index);
  (void)pool_.record_outcome(sample.engine, why);
  sample.failed_engines.push_back(sample.engine);
  // Start the sample again from its first token: same seed, same bytes.
  sample.session = 0;
  sample.text.clear();
  sample.tokens = 0;
  sample.in_flight = false;
  sample.seq = ++next_seq_;
  if (sample.failed_engines.size() >= kMaxSampleAttempts) {
    fail(id,
         "sample " + std::to_string(index) + " failed on " +
             std::to_string(sample.failed_engines.size()) + " engines; the last said: " + why,
         now_ms);
    return false;
  }
  return true;
}

// The reply's sample, if the call is still the one its job is waiting for.
Generator::Sample* Generator::take_call(uint64_t call, PendingCall& out) {
  auto pending = calls_.find(call);
  if (pending == calls_.end()) return nullptr;
  out = std::move(pending->second);
  calls_.erase(pending);
  pool_.call_ended(out.engine);
  auto it = runs_.find(out.job);
  if (it == runs_.end()) return nullptr;  // cancelled, or started over meanwhile
  auto sample = it->second->samples.find(out.sample);
  if (sample == it->second->samples.end() || sample->second.seq != out.seq) return nullptr;
  sample->second.in_flight = false;
  return &sample->second;
}

void Generator::on_generate_reply(uint64_t call, std::span<const uint8_t> reply, int64_t now_ms) {
  PendingCall c;
  Sample* sample = take_call(call, c);
  if (sample == nullptr) return;
  Run& r = *runs_.at(c.job);
  auto out = decode_generate_reply(reply);
  if (!out.ok()) return sample_failed(c.job, c.sample, out.status().message(), now_ms);
  if (out.value().model_sha256 != r.model.sha256) {
    return sample_failed(c.job, c.sample,
                         "the engine's model has sha256 " + out.value().model_sha256 +
                             ", the catalog's " + r.model.sha256,
                         now_ms);
  }
  sample->session = out.value().session;
  sample->text += out.value().text;
  sample->tokens += out.value().new_tokens;
  publish(c.job, c.sample, out.value().text);
  if (out.value().done) {
    (void)pool_.record_outcome(c.engine, "");
    sample->done = true;
    if (Status s = deliver_ready(c.job, now_ms); !s.ok()) return fail(c.job, s.message(), now_ms);
  }
  send_next_call(c.job, now_ms);  // nothing to send after the last: the timer scores the run
}

// Hands the run every finished sample that is next in order (rows are written in index order).
Status Generator::deliver_ready(const std::string& id, int64_t now_ms) {
  Run& r = *runs_.at(id);
  for (;;) {
    auto next = r.samples.find(r.run->progress().items_done);
    if (next == r.samples.end() || !next->second.done) break;
    HYV_RETURN_IF_ERROR(r.run->deliver_sample(next->first, next->second.text, next->second.tokens));
    r.samples.erase(next);
  }
  service::RunProgress p = r.run->progress();
  (void)queue_.progress(id, {p.items_done, p.items_total, p.tokens_done}, now_ms);
  return Status::Ok();
}

void Generator::sample_failed(const std::string& id, uint64_t index, const std::string& why,
                              int64_t now_ms) {
  if (restart_sample(id, index, why, now_ms)) send_next_call(id, now_ms);
}

void Generator::on_call_failed(uint64_t call, const std::string& why, int64_t now_ms) {
  PendingCall c;
  if (take_call(call, c) != nullptr) sample_failed(c.job, c.sample, why, now_ms);
}

void Generator::on_callback_trapped(uint64_t call, int64_t now_ms) {
  PendingCall c;
  if (take_call(call, c) == nullptr) return;
  (void)restart_sample(c.job, c.sample, "the generator's callback for the engine's answer trapped",
                       now_ms);
}

Status Generator::finalize(const std::string& id, int64_t now_ms) {
  Run& r = *runs_.at(id);
  auto m = meta(id);
  if (!m.ok()) return m.status();
  auto n = next_counter(store_, "dataset");
  if (!n.ok()) return n.status();
  const std::string dataset_id = "ds-" + std::to_string(n.value());
  service::DatasetManifest manifest;
  manifest.id = dataset_id;
  manifest.name = m.value().name;
  manifest.tags = m.value().tags;
  r.run->fill_manifest(manifest);
  manifest.created_at_ms = r.started_ms;
  manifest.finished_at_ms = std::max(now_ms, r.started_ms);
  auto usage = load_usage(store_, m.value().owner);
  if (!usage.ok()) return usage.status();
  Usage u = usage.value();
  u.stored_bytes += manifest.size_bytes;
  for (const Run::Table& t : r.tables) {
    HYV_RETURN_IF_ERROR(blobs_.commit(t.blob, "datasets/" + dataset_id + "/" + t.name + ".jsonl"));
  }
  HYV_RETURN_IF_ERROR(catalog_.create(manifest));
  HYV_RETURN_IF_ERROR(
      store_.put("dsowner/" + dataset_id, candid::principal_to_text(m.value().owner)));
  HYV_RETURN_IF_ERROR(save_usage(store_, m.value().owner, u));
  auto done = queue_.succeed(id, dataset_id, now_ms);
  if (!done.ok()) return done.status();
  runs_.erase(id);
  return Status::Ok();
}

Result<bool> Generator::tick(int64_t now_ms, uint64_t instruction_budget) {
  auto over = [&] { return ic0::instruction_counter() > instruction_budget; };
  while (runs_.size() < kMaxRunningJobs && !over()) {
    auto next = queue_.next_queued();
    if (!next.ok()) return next.status();
    if (!next.value()) break;
    HYV_RETURN_IF_ERROR(start(*next.value(), now_ms));
  }
  bool more = false;
  std::vector<std::string> ids;
  for (const auto& [id, run] : runs_) ids.push_back(id);
  for (const std::string& id : ids) {
    Run& r = *runs_.at(id);
    service::RunProgress p = r.run->progress();
    bool waiting = r.run->type() != DataType::kTable && p.items_done < p.items_total;
    if (waiting) {
      send_next_call(id, now_ms);
      continue;
    }
    if (over()) {
      more = true;
      continue;
    }
    while (!r.run->done() && !over()) {
      auto step = r.run->step(service::RunBudget{256, nullptr});
      if (!step.ok()) {
        fail(id, step.status().message(), now_ms);
        break;
      }
      if (r.run->type() == DataType::kTable) {
        (void)queue_.progress(id, {step.value().items_done, step.value().items_total, 0}, now_ms);
      }
    }
    if (runs_.count(id) == 0) continue;
    if (!r.run->done()) {
      more = true;
      continue;
    }
    if (Status s = finalize(id, now_ms); !s.ok()) fail(id, s.message(), now_ms);
  }
  auto queued = queue_.next_queued();
  if (!queued.ok()) return queued.status();
  return more || (queued.value().has_value() && runs_.size() < kMaxRunningJobs);
}

Status Generator::recover(int64_t now_ms) {
  auto jobs = queue_.list();
  if (!jobs.ok()) return jobs.status();
  auto interrupted = queue_.mark_interrupted_on_startup(now_ms);
  if (!interrupted.ok()) return interrupted.status();
  for (const Job& j : jobs.value()) {
    // Cut off by the upgrade, not by anything the job did: it starts again.
    if (j.state == JobState::kRunning) {
      auto again = queue_.retry(j.id, now_ms);
      if (!again.ok()) return again.status();
    }
  }
  auto removed = service::remove_blobs_under(blobs_, "tmp/");
  return removed.ok() ? Status::Ok() : removed.status();
}

}  // namespace hyv::generator
