// JobQueue: generation jobs kept in a Store under job/<id>, with every state change checked
// against the transitions of job.h. The host drives it: it creates jobs, starts the next queued
// one, reports progress from the engine's budgeted steps, and finishes it. One writer at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/service/job.h"
#include "hyv/service/store.h"

namespace hyv::service {

struct JobProgress {
  uint64_t items_done = 0;
  uint64_t items_total = 0;  // 0 when unknown
  uint64_t tokens_done = 0;
};

class JobQueue {
 public:
  explicit JobQueue(Store& store) : store_(store) {}

  Result<Job> create(std::string_view id, DataType type, std::string_view params_json,
                     int64_t now_ms);
  Result<std::optional<Job>> get(std::string_view id) const;
  // All jobs, oldest first (then by id).
  Result<std::vector<Job>> list() const;
  // The oldest queued job, if any: the one to start next.
  Result<std::optional<Job>> next_queued() const;

  Result<Job> start(std::string_view id, int64_t now_ms);
  // Only for running jobs; counts never go backwards and done never exceeds a known total.
  Result<Job> progress(std::string_view id, const JobProgress& p, int64_t now_ms);
  Result<Job> succeed(std::string_view id, std::string_view dataset_id, int64_t now_ms);
  Result<Job> fail(std::string_view id, std::string_view error, int64_t now_ms);
  Result<Job> cancel(std::string_view id, int64_t now_ms);
  // Queues a failed, cancelled or interrupted job again with its progress reset.
  Result<Job> retry(std::string_view id, int64_t now_ms);
  // Turns every running job into an interrupted one; call once when the host starts. Returns
  // how many there were.
  Result<size_t> mark_interrupted_on_startup(int64_t now_ms);

 private:
  Result<Job> load(std::string_view id) const;
  Status save(const Job& j);
  // Moves a loaded job to `to`, or explains why it cannot.
  static Status transition(Job& j, JobState to, int64_t now_ms);
  // Loads job `id`, moves it to `to`, lets `edit` fill the fields that move sets, then saves it.
  Result<Job> move(std::string_view id, JobState to, int64_t now_ms,
                   const std::function<void(Job&)>& edit);

  Store& store_;
};

}  // namespace hyv::service
