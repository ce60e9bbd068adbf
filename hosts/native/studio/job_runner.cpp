#include "studio/job_runner.h"

#include <fcntl.h>
#include <rapidjson/stringbuffer.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "hyv/service/generation_run.h"
#include "studio/json_out.h"

namespace hyv::studio {
namespace {

using service::DataType;

// One output table being written under tmp/.
struct TableFile {
  std::string table;
  std::string blob;  // tmp/<job>-<attempt>/<table>.jsonl
  int fd = -1;

  ~TableFile() { close_fd(); }
  void close_fd() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  Status write(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return Status::Error(StatusCode::kInternal,
                             blob + ": cannot write: " + std::strerror(errno));
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }
};

std::string token_json(uint64_t item, const std::string& text) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  write_key(w, "item");
  w.Uint64(item);
  write_key(w, "text");
  write_string(w, text);
  w.EndObject();
  return buf.GetString();
}

// Everything a run leaves under tmp/, removed when the run ends without committing.
struct TempFiles {
  FileBlobStore& blobs;
  std::string dir;  // tmp/<job>-<attempt>
  std::vector<std::unique_ptr<TableFile>> tables;

  ~TempFiles() { clear(); }
  void clear() {
    tables.clear();
    std::error_code ec;
    std::filesystem::remove_all(blobs.path_of(dir), ec);
  }
};

}  // namespace

JobRunner::JobRunner(Studio& studio, int threads) : studio_(studio) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { loop(); });
}

JobRunner::~JobRunner() {
  stop();
}

void JobRunner::wake() {
  std::lock_guard lock(mu_);
  ++wakes_;
  cv_.notify_all();
}

void JobRunner::cancel(const std::string& id) {
  std::lock_guard lock(mu_);
  cancelled_.insert(id);
}

void JobRunner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

bool JobRunner::should_stop(const std::string& id) {
  std::lock_guard lock(mu_);
  return stopping_ || cancelled_.count(id) > 0;
}

std::optional<JobRecord> JobRunner::take_next() {
  std::lock_guard lock(studio_.write_mutex());
  auto next = studio_.queue().next_queued();
  if (!next.ok() || !next.value()) return std::nullopt;
  auto started = studio_.queue().start(next.value()->id, Studio::now_ms());
  if (!started.ok()) return std::nullopt;
  auto meta = studio_.meta_of(started.value().id);
  JobRecord record{started.value(), meta.ok() ? meta.value() : JobMeta{}};
  {
    std::lock_guard runner_lock(mu_);
    cancelled_.erase(record.job.id);
  }
  studio_.publish_job(record);
  return record;
}

void JobRunner::loop() {
  for (;;) {
    uint64_t seen;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      seen = wakes_;
    }
    if (auto record = take_next()) {
      run(*record);
      continue;
    }
    std::unique_lock lock(mu_);
    // The timeout covers a job queued by another process sharing the data dir.
    cv_.wait_for(lock, std::chrono::seconds(2), [&] { return stopping_ || wakes_ != seen; });
  }
}

void JobRunner::record_failure(const JobRecord& record, const Status& why) {
  auto j = studio_.queue().fail(record.job.id, why.message(), Studio::now_ms());
  if (j.ok()) {
    studio_.publish_job({j.value(), record.meta});
    return;
  }
  // Refused because the job was cancelled meanwhile is fine; a store that refused the write (a
  // full disk, say) leaves the job shown as running until the next start marks it interrupted,
  // so the operator at least learns why here.
  auto now = studio_.queue().get(record.job.id);
  if (!now.ok() || (now.value() && now.value()->state == service::JobState::kRunning)) {
    std::fprintf(stderr,
                 "hyv serve: job %s failed (%s) and the failure could not be recorded: %s\n",
                 record.job.id.c_str(), why.message().c_str(), j.status().message().c_str());
  }
}

void JobRunner::run(const JobRecord& record) {
  const service::Job& job = record.job;
  const std::string& id = job.id;
  TempFiles temp{studio_.blobs(), "tmp/" + id + "-" + std::to_string(job.attempts), {}};

  // The temp files go before the failure is recorded: when the disk is full, they hold the space
  // SQLite needs to record it, and the job would stay "running" with no worker on it.
  auto fail = [&](const Status& why) {
    temp.clear();
    std::lock_guard lock(studio_.write_mutex());
    record_failure(record, why);
  };

  service::RunContext ctx;
  ctx.resolve_model = [this](DataType type,
                             std::string_view model_id) -> Result<service::ResolvedModel> {
    std::string mid(model_id);
    if (mid.empty()) {
      auto d = studio_.models().default_model(type);
      if (!d.ok()) return d.status();
      if (!d.value()) return Status::Error(StatusCode::kNotFound, "no default model");
      mid = *d.value();
    }
    auto info = studio_.models().get(mid);
    if (!info.ok()) return info.status();
    if (!info.value()) return Status::Error(StatusCode::kNotFound, "no model '" + mid + "'");
    auto dir = studio_.model_dir(mid);
    if (!dir.ok()) return dir.status();
    auto model = studio_.model_cache().get(mid, dir.value());
    if (!model.ok()) return model.status();
    return service::ResolvedModel{model.value(), mid, info.value()->sha256};
  };
  ctx.open_table = [&temp](std::string_view table) -> Result<synth::ByteSink> {
    auto file = std::make_unique<TableFile>();
    file->table = std::string(table);
    file->blob = temp.dir + "/" + std::string(table) + ".jsonl";
    HYV_RETURN_IF_ERROR(service::validate_blob_name(file->blob));
    std::string path = temp.blobs.path_of(file->blob);
    HYV_RETURN_IF_ERROR(make_parent_dirs(path));
    file->fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (file->fd < 0) {
      return Status::Error(StatusCode::kInternal,
                           path + ": cannot create: " + std::strerror(errno));
    }
    TableFile* raw = file.get();
    temp.tables.push_back(std::move(file));
    return synth::ByteSink([raw](std::string_view bytes) { return raw->write(bytes); });
  };
  ctx.fallback_seed = record.meta.fallback_seed;

  auto created = service::GenerationRun::create(job.type, job.params_json, std::move(ctx));
  if (!created.ok()) return fail(created.status());
  service::GenerationRun& gen = *created.value();
  service::RunBudget budget;
  budget.units = job.type == DataType::kTable ? studio_.options().table_step_rows
                                              : studio_.options().text_step_tokens;
  auto last_save = std::chrono::steady_clock::now();
  while (!gen.done()) {
    if (should_stop(id)) return;  // cancelled (already recorded) or stopping (stop() records)
    auto step = gen.step(budget);
    if (!step.ok()) return fail(step.status());
    const service::RunProgress& p = step.value();
    for (const auto& piece : p.pieces) {
      studio_.events().publish(id, "token", token_json(piece.item, piece.text));
    }
    studio_.events().publish(id, "progress",
                             progress_json(p.items_done, p.items_total, p.tokens_done));
    auto now = std::chrono::steady_clock::now();
    if (now - last_save >= std::chrono::milliseconds(kProgressSaveMs)) {
      last_save = now;
      std::lock_guard lock(studio_.write_mutex());
      // Fails harmlessly when the job was cancelled meanwhile.
      (void)studio_.queue().progress(id, {p.items_done, p.items_total, p.tokens_done},
                                     Studio::now_ms());
    }
  }
  for (auto& t : temp.tables) t->close_fd();

  std::lock_guard lock(studio_.write_mutex());
  if (should_stop(id)) return;
  auto current = studio_.queue().get(id);
  if (!current.ok() || !current.value() || current.value()->state != service::JobState::kRunning) {
    return;
  }
  service::RunProgress p = gen.progress();
  (void)studio_.queue().progress(id, {p.items_done, p.items_total, p.tokens_done},
                                 Studio::now_ms());
  std::string dataset_id = new_id("ds");
  auto commit_all = [&]() -> Status {
    for (const auto& t : temp.tables) {
      HYV_RETURN_IF_ERROR(
          studio_.blobs().commit(t->blob, "datasets/" + dataset_id + "/" + t->table + ".jsonl"));
    }
    service::DatasetManifest m;
    m.id = dataset_id;
    m.name = record.meta.name;
    m.tags = record.meta.tags;
    gen.fill_manifest(m);
    int64_t now = Studio::now_ms();
    m.created_at_ms = current.value()->started_at_ms;
    m.finished_at_ms = std::max(now, m.created_at_ms);
    Status created = studio_.catalog().create(m);
    studio_.datasets_changed();
    return created;
  };
  Status st = commit_all();
  if (!st.ok()) {
    (void)service::remove_blobs_under(studio_.blobs(), "datasets/" + dataset_id + "/");
    temp.clear();
    record_failure(record, st);
    return;
  }
  temp.clear();  // before the job is seen to succeed, so nothing of it is left behind then
  auto j = studio_.queue().succeed(id, dataset_id, Studio::now_ms());
  if (j.ok()) studio_.publish_job({j.value(), record.meta});
}

}  // namespace hyv::studio
