#include "studio/studio.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "hyv/json_nesting.h"
#include "hyv/service/generation_params.h"
#include "hyv/service/generation_run.h"
#include "hyv/synth/schema.h"
#include "studio/bundled_models.h"
#include "studio/job_runner.h"
#include "studio/json_out.h"

namespace hyv::studio {
namespace {

namespace fs = std::filesystem;
using service::DataType;
using service::JobState;

std::string meta_key(std::string_view job_id) {
  return service::make_key("job_meta", {job_id});
}

std::string meta_to_json(const JobMeta& m) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  write_key(w, "name");
  write_string(w, m.name);
  write_key(w, "tags");
  w.StartArray();
  for (const auto& t : m.tags) write_string(w, t);
  w.EndArray();
  write_key(w, "fallback_seed");
  write_string(w, std::to_string(m.fallback_seed));
  w.EndObject();
  return buf.GetString();
}

Result<JobMeta> meta_from_json(std::string_view json) {
  rapidjson::Document d;
  // RapidJSON recurses per level; a record nested that deep is damaged, not parsed.
  if (!json_nesting_too_deep_at(json)) d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("name") || !d["name"].IsString() ||
      !d.HasMember("tags") || !d["tags"].IsArray() || !d.HasMember("fallback_seed") ||
      !d["fallback_seed"].IsString()) {
    return Status::Error(StatusCode::kInternal, "a stored job_meta record is damaged");
  }
  JobMeta m;
  m.name = d["name"].GetString();
  for (const auto& t : d["tags"].GetArray()) {
    if (t.IsString()) m.tags.emplace_back(t.GetString());
  }
  m.fallback_seed = std::strtoull(d["fallback_seed"].GetString(), nullptr, 10);
  return m;
}

Status with_code(const Status& s, StatusCode code) {
  return s.ok() || s.code() != StatusCode::kUnknown ? s : Status::Error(code, s.message());
}

Status check_name_and_tags(const JobRequest& r) {
  if (r.name.size() > service::kMaxNameBytes) {
    return Status::Error(StatusCode::kInvalidArgument,
                         "name: at most " + std::to_string(service::kMaxNameBytes) + " bytes");
  }
  if (r.tags.size() > service::kMaxTags) {
    return Status::Error(StatusCode::kInvalidArgument,
                         "tags: at most " + std::to_string(service::kMaxTags) + " tags");
  }
  for (size_t i = 0; i < r.tags.size(); ++i) {
    const std::string& t = r.tags[i];
    if (t.empty() || t.size() > service::kMaxTagBytes) {
      return Status::Error(StatusCode::kInvalidArgument,
                           "tags[" + std::to_string(i) + "]: must be 1.." +
                               std::to_string(service::kMaxTagBytes) + " bytes");
    }
  }
  return Status::Ok();
}

// A finish cut off (kill -9, power loss) after it moved some of an upload's files to
// models/<model>/ but before it recorded the model leaves them there, unowned, while the upload's
// record still counts them received. The startup sweep of unowned model files would delete them,
// losing bytes the record says the server holds (the next finish then fails and drops the upload);
// moving them back first leaves the upload as it was before the finish, to be finished again.
Status restore_cut_finishes(const service::Store& store, const service::ModelRegistry& models,
                            FileBlobStore& blobs) {
  auto open = store.list("upload/");
  if (!open.ok()) return open.status();
  for (const auto& kv : open.value()) {
    auto u = models.get_upload(std::string_view(kv.first).substr(7));
    if (!u.ok()) continue;  // a damaged record: the stale-upload sweep removes it
    auto registered = models.get(u.value().model_id);
    if (!registered.ok()) return registered.status();
    if (registered.value()) continue;
    for (const auto& f : u.value().files) {
      std::string held = "uploads/" + u.value().id + "/" + f.name;
      std::string moved = service::ModelRegistry::model_blob_name(u.value().model_id, f.name);
      auto at_upload = blobs.size(held);
      if (!at_upload.ok()) return at_upload.status();
      auto at_model = blobs.size(moved);
      if (!at_model.ok()) return at_model.status();
      if (!at_upload.value() && at_model.value()) HYV_RETURN_IF_ERROR(blobs.commit(moved, held));
    }
  }
  return Status::Ok();
}

// Empty folders under dir (what a cut-off commit or a finished upload leaves); rmdir keeps the
// rest.
void remove_empty_folders(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec)) ::rmdir(entry.path().c_str());
  }
}

}  // namespace

int64_t Studio::now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t random_u64() {
  static std::mutex mu;
  static std::mt19937_64 gen{std::random_device{}()};
  std::lock_guard lock(mu);
  return gen();
}

std::string new_id(std::string_view prefix) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "-%011llx-%08x", static_cast<unsigned long long>(Studio::now_ms()),
                static_cast<unsigned>(random_u64()));
  return std::string(prefix) + buf;
}

std::string progress_json(uint64_t items_done, uint64_t items_total, uint64_t tokens_done) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  write_key(w, "items_done");
  w.Uint64(items_done);
  write_key(w, "items_total");
  w.Uint64(items_total);
  write_key(w, "tokens_done");
  w.Uint64(tokens_done);
  w.EndObject();
  return buf.GetString();
}

std::string job_json(const JobRecord& r) {
  const service::Job& j = r.job;
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  write_key(w, "id");
  write_string(w, j.id);
  write_key(w, "type");
  write_string(w, service::data_type_name(j.type));
  write_key(w, "name");
  write_string(w, r.meta.name);
  write_key(w, "tags");
  w.StartArray();
  for (const auto& t : r.meta.tags) write_string(w, t);
  w.EndArray();
  write_key(w, "state");
  write_string(w, service::job_state_name(j.state));
  write_key(w, "params");
  write_raw(w, j.params_json);
  write_key(w, "attempts");
  w.Uint(j.attempts);
  for (auto [key, value] :
       {std::pair{"created_at_ms", j.created_at_ms}, std::pair{"started_at_ms", j.started_at_ms},
        std::pair{"updated_at_ms", j.updated_at_ms},
        std::pair{"finished_at_ms", j.finished_at_ms}}) {
    write_key(w, key);
    w.Int64(value);
  }
  write_key(w, "progress");
  write_raw(w, progress_json(j.items_done, j.items_total, j.tokens_done));
  write_key(w, "error");
  if (j.error.empty()) {
    w.Null();
  } else {
    write_string(w, j.error);
  }
  write_key(w, "dataset_id");
  if (j.dataset_id.empty()) {
    w.Null();
  } else {
    write_string(w, j.dataset_id);
  }
  w.EndObject();
  return buf.GetString();
}

Studio::Studio(const StudioOptions& options, std::unique_ptr<SqliteStore> store)
    : options_(options),
      store_(std::move(store)),
      blobs_(options.data_dir),
      catalog_(*store_),
      queue_(*store_),
      models_(*store_, blobs_) {}

Studio::~Studio() {
  stop();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<std::unique_ptr<Studio>> Studio::open(const StudioOptions& options) {
  std::error_code ec;
  for (const char* sub : {"", "/datasets", "/models", "/uploads", "/tmp"}) {
    fs::create_directories(options.data_dir + sub, ec);
    if (ec) return Status::Error(options.data_dir + sub + ": cannot create: " + ec.message());
  }
  // Two servers on one data dir would both run its queued jobs; the lock goes with the process,
  // so a killed server leaves none behind.
  std::string lock_path = options.data_dir + "/hyv.lock";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) return Status::Error(lock_path + ": cannot open: " + std::strerror(errno));
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd);
    return Status::Error(options.data_dir +
                         " is in use by another hyv serve; stop it or choose another --data");
  }
  auto store = SqliteStore::open(options.data_dir + "/hyv.sqlite");
  if (!store.ok()) {
    ::close(lock_fd);
    return store.status();
  }
  std::unique_ptr<Studio> studio(new Studio(options, std::move(store).value()));
  studio->lock_fd_ = lock_fd;
  HYV_RETURN_IF_ERROR(studio->recover());
  if (options.register_bundled_models) HYV_RETURN_IF_ERROR(studio->register_bundled());
  return studio;
}

Status Studio::recover() {
  int64_t now = now_ms();
  auto interrupted = queue_.mark_interrupted_on_startup(now);
  if (!interrupted.ok()) return interrupted.status();
  std::error_code ec;
  std::string tmp = options_.data_dir + "/tmp";
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return Status::Error(tmp + ": cannot empty: " + ec.message());
  // A dataset folder without a manifest was cut off between its commit and its record.
  for (const auto& entry : fs::directory_iterator(options_.data_dir + "/datasets", ec)) {
    std::string id = entry.path().filename().string();
    auto manifest = catalog_.get(id);
    if (manifest.ok() && !manifest.value()) fs::remove_all(entry.path(), ec);
  }
  HYV_RETURN_IF_ERROR(restore_cut_finishes(*store_, models_, blobs_));
  auto stale = models_.remove_stale_uploads(now);
  if (!stale.ok()) return stale.status();
  remove_empty_folders(options_.data_dir + "/models");
  remove_empty_folders(options_.data_dir + "/uploads");
  return Status::Ok();
}

Status Studio::register_bundled() {
  std::vector<std::string> missing;
  for (auto& bundled : find_bundled_models(missing)) {
    HYV_RETURN_IF_ERROR(models_.register_bundled(bundled.info));
    HYV_RETURN_IF_ERROR(models_.ensure_default(bundled.info.data_type, bundled.info.id));
    bundled_dirs_[bundled.info.id] = bundled.dir;
  }
  for (const auto& why : missing) std::fprintf(stderr, "hyv serve: warning: %s\n", why.c_str());
  return Status::Ok();
}

void Studio::start_workers() {
  if (!runner_ && !stopped_) runner_ = std::make_unique<JobRunner>(*this, options_.jobs);
}

void Studio::stop() {
  // The runner object outlives stop(): request threads may still call wake() or cancel() on it,
  // which are harmless once its workers are gone.
  if (runner_ && !stopped_.exchange(true)) {
    runner_->stop();
    std::lock_guard lock(write_mu_);
    auto jobs = queue_.list();
    auto count = queue_.mark_interrupted_on_startup(now_ms());
    if (jobs.ok() && count.ok() && count.value() > 0) {
      for (const auto& j : jobs.value()) {
        if (j.state != JobState::kRunning) continue;
        if (auto r = job(j.id); r.ok()) publish_job(r.value());
      }
    }
  }
  events_.close();
}

Result<JobMeta> Studio::meta_of(const std::string& job_id) const {
  auto raw = store_->get(meta_key(job_id));
  if (!raw.ok()) return raw.status();
  if (!raw.value()) return JobMeta{};
  return meta_from_json(*raw.value());
}

void Studio::publish_job(const JobRecord& record) {
  events_.publish(record.job.id, "job", job_json(record), !service::is_active(record.job.state));
}

Result<JobRecord> Studio::job(const std::string& id) const {
  auto j = queue_.get(id);
  if (!j.ok()) return with_code(j.status(), StatusCode::kInvalidArgument);
  if (!j.value()) return Status::Error(StatusCode::kNotFound, "no job '" + id + "'");
  auto meta = meta_of(id);
  if (!meta.ok()) return meta.status();
  return JobRecord{*j.value(), meta.value()};
}

Result<std::vector<JobRecord>> Studio::jobs_newest_first() const {
  auto jobs = queue_.list();
  if (!jobs.ok()) return jobs.status();
  auto metas = store_->list("job_meta/");
  if (!metas.ok()) return metas.status();
  std::map<std::string, JobMeta, std::less<>> by_id;
  for (const auto& [key, value] : metas.value()) {
    if (auto m = meta_from_json(value); m.ok()) by_id[key.substr(9)] = m.value();
  }
  std::vector<JobRecord> out;
  for (auto it = jobs.value().rbegin(); it != jobs.value().rend(); ++it) {
    out.push_back({*it, by_id[it->id]});
  }
  return out;
}

Status Studio::check_model(DataType type, const std::string& id, const std::string& field) const {
  if (id.empty()) {
    auto d = models_.default_model(type);
    if (!d.ok()) return d.status();
    if (d.value()) return Status::Ok();
    return Status::Error(StatusCode::kInvalidArgument,
                         field + ": there is no default model for " +
                             std::string(service::data_type_name(type)) +
                             "; upload one or name one");
  }
  auto m = models_.get(id);
  if (!m.ok()) return m.status();
  if (m.value()) return Status::Ok();
  return Status::Error(StatusCode::kInvalidArgument,
                       field + ": no model '" + id + "' (GET /api/v1/models lists them)");
}

Status Studio::check_text_column_models(const service::TableParams& params) const {
  if (params.mode != service::TableParams::Mode::kSchema) return Status::Ok();
  auto schema = synth::parse_schema(params.schema_json);
  if (!schema.ok()) return Status::Ok();  // the run reports the schema's first problem
  for (const synth::TableSpec& table : schema.value().tables) {
    for (const synth::ColumnSpec& c : table.columns) {
      if (c.type != synth::ColumnType::generated_text) continue;
      service::ModelRequest asked = service::text_column_model(c.text->model);
      HYV_RETURN_IF_ERROR(check_model(asked.type, asked.id, "params.schema: " + c.path + ".model"));
    }
  }
  return Status::Ok();
}

Result<JobRecord> Studio::submit(const JobRequest& request) {
  HYV_RETURN_IF_ERROR(check_name_and_tags(request));
  JobMeta meta{request.name, request.tags, random_u64()};
  int64_t now = now_ms();
  if (meta.name.empty()) meta.name = service::default_job_name(request.type, now);
  if (request.type == DataType::kTable) {
    auto p = service::parse_table_params(request.params_json, meta.fallback_seed);
    if (!p.ok()) return with_code(p.status(), StatusCode::kInvalidArgument);
    HYV_RETURN_IF_ERROR(check_text_column_models(p.value()));
  } else {
    auto p = service::parse_text_params(request.type, request.params_json, meta.fallback_seed);
    if (!p.ok()) return with_code(p.status(), StatusCode::kInvalidArgument);
    HYV_RETURN_IF_ERROR(check_model(request.type, p.value().model, "params.model"));
  }
  JobRecord record;
  {
    std::lock_guard lock(write_mu_);
    auto jobs = queue_.list();
    if (!jobs.ok()) return jobs.status();
    size_t queued = 0;
    for (const auto& j : jobs.value()) queued += j.state == JobState::kQueued;
    if (queued >= kMaxQueuedJobs) {
      return Status::Error(StatusCode::kBusy, std::to_string(queued) +
                                                  " jobs are already queued; retry when some "
                                                  "have finished");
    }
    std::string id = new_id("job");
    HYV_RETURN_IF_ERROR(store_->put(meta_key(id), meta_to_json(meta)));
    auto job = queue_.create(id, request.type, request.params_json, now);
    if (!job.ok()) {
      (void)store_->remove(meta_key(id));
      return with_code(job.status(), StatusCode::kInvalidArgument);
    }
    record = {job.value(), meta};
    publish_job(record);
  }
  if (runner_) runner_->wake();
  return record;
}

Result<JobRecord> Studio::cancel(const std::string& id) {
  std::lock_guard lock(write_mu_);
  auto current = job(id);
  if (!current.ok()) return current.status();
  auto j = queue_.cancel(id, now_ms());
  if (!j.ok()) return with_code(j.status(), StatusCode::kConflict);
  if (runner_) runner_->cancel(id);
  JobRecord record{j.value(), current.value().meta};
  publish_job(record);
  return record;
}

Result<JobRecord> Studio::retry(const std::string& id) {
  {
    std::lock_guard lock(write_mu_);
    auto current = job(id);
    if (!current.ok()) return current.status();
    auto j = queue_.retry(id, now_ms());
    if (!j.ok()) return with_code(j.status(), StatusCode::kConflict);
    JobRecord record{j.value(), current.value().meta};
    publish_job(record);
    if (runner_) runner_->wake();
    return record;
  }
}

Result<JobRecord> Studio::regenerate(const std::string& dataset_id) {
  auto m = catalog_.get(dataset_id);
  if (!m.ok()) return with_code(m.status(), StatusCode::kInvalidArgument);
  if (!m.value()) return Status::Error(StatusCode::kNotFound, "no dataset '" + dataset_id + "'");
  const service::DatasetManifest& manifest = *m.value();
  return submit({manifest.type, manifest.name, manifest.tags, manifest.params_json});
}

Status Studio::delete_dataset(const std::string& id) {
  std::lock_guard lock(write_mu_);
  auto removed = catalog_.remove(id);
  if (!removed.ok()) return with_code(removed.status(), StatusCode::kInvalidArgument);
  if (!removed.value()) return Status::Error(StatusCode::kNotFound, "no dataset '" + id + "'");
  datasets_changed();
  auto files = service::remove_blobs_under(blobs_, "datasets/" + id + "/");
  std::error_code ec;
  fs::remove_all(blobs_.path_of("datasets/" + id), ec);
  return files.ok() ? Status::Ok() : files.status();
}

Status Studio::delete_model(const std::string& id) {
  std::lock_guard lock(write_mu_);
  Status st = models_.remove(id, service::jobs_using_model(queue_));
  if (st.ok()) cache_.evict(id);
  return with_code(st, StatusCode::kInvalidArgument);
}

Result<std::string> Studio::model_dir(const std::string& id) const {
  if (auto it = bundled_dirs_.find(id); it != bundled_dirs_.end()) return it->second;
  auto m = models_.get(id);
  if (!m.ok()) return m.status();
  if (!m.value()) return Status::Error(StatusCode::kNotFound, "no model '" + id + "'");
  if (m.value()->bundled) {
    return Status::Error(StatusCode::kNotFound,
                         "bundled model '" + id + "' is not installed on this machine");
  }
  return blobs_.path_of("models/" + id);
}

}  // namespace hyv::studio
