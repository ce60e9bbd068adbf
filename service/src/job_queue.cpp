#include "hyv/service/job_queue.h"

#include <algorithm>

namespace hyv::service {
namespace {

constexpr std::string_view kJobNs = "job";

std::string job_key(std::string_view id) {
  return make_key(kJobNs, {id});
}

Status check_id(std::string_view id) {
  if (valid_id(id)) return Status::Ok();
  return Status::Error("job id '" + std::string(id) +
                       "' is not 1 to 64 of A-Z a-z 0-9 . _ -, not starting with '.'");
}

bool older(const Job& a, const Job& b) {
  if (a.created_at_ms != b.created_at_ms) return a.created_at_ms < b.created_at_ms;
  return a.id < b.id;
}

}  // namespace

Result<Job> JobQueue::load(std::string_view id) const {
  Result<std::optional<Job>> j = get(id);
  if (!j.ok()) return j.status();
  if (!j.value()) return Status::Error("no job '" + std::string(id) + "'");
  return std::move(*j.value());
}

Status JobQueue::save(const Job& j) {
  HYV_RETURN_IF_ERROR(validate_job(j));
  return store_.put(job_key(j.id), job_to_json(j));
}

Status JobQueue::transition(Job& j, JobState to, int64_t now_ms) {
  if (!can_transition(j.state, to)) {
    return Status::Error("job '" + j.id + "' is " + std::string(job_state_name(j.state)) +
                         " and cannot become " + std::string(job_state_name(to)));
  }
  j.state = to;
  j.updated_at_ms = now_ms;
  if (!is_active(to)) j.finished_at_ms = now_ms;
  return Status::Ok();
}

Result<Job> JobQueue::create(std::string_view id, DataType type, std::string_view params_json,
                             int64_t now_ms) {
  HYV_RETURN_IF_ERROR(check_id(id));
  Result<std::optional<Job>> existing = get(id);
  if (!existing.ok()) return existing.status();
  if (existing.value()) return Status::Error("job '" + std::string(id) + "' already exists");
  Job j;
  j.id = std::string(id);
  j.type = type;
  j.params_json = std::string(params_json);
  j.created_at_ms = now_ms;
  j.updated_at_ms = now_ms;
  HYV_RETURN_IF_ERROR(validate_job(j));
  // Stored in the compact form job_from_json gives, so get returns what create returned.
  Result<Job> canonical = job_from_json(job_to_json(j));
  if (!canonical.ok()) return canonical.status();
  HYV_RETURN_IF_ERROR(save(canonical.value()));
  return canonical;
}

Result<std::optional<Job>> JobQueue::get(std::string_view id) const {
  HYV_RETURN_IF_ERROR(check_id(id));
  std::string key = job_key(id);
  Result<std::optional<std::string>> r = store_.get(key);
  if (!r.ok()) return r.status();
  if (!r.value()) return std::optional<Job>();
  Result<Job> j = job_from_json(*r.value());
  if (!j.ok()) return j.status().with_context("stored " + key);
  return std::optional<Job>(std::move(j).value());
}

Result<std::vector<Job>> JobQueue::list() const {
  Result<std::vector<KeyValue>> stored = store_.list(make_key(kJobNs, {""}));
  if (!stored.ok()) return stored.status();
  std::vector<Job> out;
  for (const KeyValue& kv : stored.value()) {
    Result<Job> j = job_from_json(kv.second);
    if (!j.ok()) return j.status().with_context("stored " + kv.first);
    out.push_back(std::move(j).value());
  }
  std::sort(out.begin(), out.end(), older);
  return out;
}

Result<std::optional<Job>> JobQueue::next_queued() const {
  Result<std::vector<Job>> all = list();
  if (!all.ok()) return all.status();
  for (Job& j : all.value()) {
    if (j.state == JobState::kQueued) return std::optional<Job>(std::move(j));
  }
  return std::optional<Job>();
}

Result<Job> JobQueue::move(std::string_view id, JobState to, int64_t now_ms,
                           const std::function<void(Job&)>& edit) {
  Result<Job> r = load(id);
  if (!r.ok()) return r;
  Job j = std::move(r).value();
  HYV_RETURN_IF_ERROR(transition(j, to, now_ms));
  edit(j);
  HYV_RETURN_IF_ERROR(save(j));
  return j;
}

Result<Job> JobQueue::start(std::string_view id, int64_t now_ms) {
  return move(id, JobState::kRunning, now_ms, [&](Job& j) {
    ++j.attempts;
    j.started_at_ms = now_ms;
  });
}

Result<Job> JobQueue::progress(std::string_view id, const JobProgress& p, int64_t now_ms) {
  Result<Job> r = load(id);
  if (!r.ok()) return r;
  Job j = std::move(r).value();
  if (j.state != JobState::kRunning) {
    return Status::Error("job '" + j.id + "' is " + std::string(job_state_name(j.state)) +
                         ", only a running job reports progress");
  }
  if (p.items_done < j.items_done || p.tokens_done < j.tokens_done) {
    return Status::Error("job '" + j.id + "': progress went backwards (items " +
                         std::to_string(j.items_done) + " -> " + std::to_string(p.items_done) +
                         ", tokens " + std::to_string(j.tokens_done) + " -> " +
                         std::to_string(p.tokens_done) + ")");
  }
  j.items_done = p.items_done;
  j.items_total = p.items_total;
  j.tokens_done = p.tokens_done;
  j.updated_at_ms = now_ms;
  HYV_RETURN_IF_ERROR(save(j));
  return j;
}

Result<Job> JobQueue::succeed(std::string_view id, std::string_view dataset_id, int64_t now_ms) {
  return move(id, JobState::kSucceeded, now_ms,
              [&](Job& j) { j.dataset_id = std::string(dataset_id); });
}

Result<Job> JobQueue::fail(std::string_view id, std::string_view error, int64_t now_ms) {
  return move(id, JobState::kFailed, now_ms, [&](Job& j) { j.error = std::string(error); });
}

Result<Job> JobQueue::cancel(std::string_view id, int64_t now_ms) {
  return move(id, JobState::kCancelled, now_ms, [](Job&) {});
}

Result<Job> JobQueue::retry(std::string_view id, int64_t now_ms) {
  return move(id, JobState::kQueued, now_ms, [](Job& j) {
    j.finished_at_ms = 0;
    j.items_done = j.items_total = j.tokens_done = 0;
    j.error.clear();
  });
}

Result<size_t> JobQueue::mark_interrupted_on_startup(int64_t now_ms) {
  Result<std::vector<Job>> all = list();
  if (!all.ok()) return all.status();
  std::vector<StoreOp> batch;
  for (Job& j : all.value()) {
    if (j.state != JobState::kRunning) continue;
    HYV_RETURN_IF_ERROR(transition(j, JobState::kInterrupted, now_ms));
    j.error = "the service stopped while this job was running; retry it to start again";
    batch.push_back(StoreOp::Put(job_key(j.id), job_to_json(j)));
  }
  // One batch, so a crash during recovery leaves either all or none of them marked.
  HYV_RETURN_IF_ERROR(store_.apply(batch));
  return batch.size();
}

}  // namespace hyv::service
