// Job: one generation request and where it stands.
//
//   queued --start--> running --succeed--> succeeded
//     |                  |----fail-------> failed       --retry--> queued
//     |                  |----cancel-----> cancelled    --retry--> queued
//     |                  `----interrupt--> interrupted  --retry--> queued
//     `--cancel--> cancelled
// A job found running when the host starts again was cut off by a crash: it becomes interrupted
// (JobQueue::mark_interrupted_on_startup) and can be retried. Succeeded is final.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hyv/service/dataset_manifest.h"
#include "hyv/status.h"

namespace hyv::service {

enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCancelled, kInterrupted };

std::string_view job_state_name(JobState s);
Result<JobState> parse_job_state(std::string_view name);
bool can_transition(JobState from, JobState to);
// Queued and running jobs are active; the others have stopped.
inline bool is_active(JobState s) {
  return s == JobState::kQueued || s == JobState::kRunning;
}

struct Job {
  std::string id;
  DataType type = DataType::kText;
  std::string params_json = "{}";  // the request, a JSON object
  JobState state = JobState::kQueued;
  uint32_t attempts = 0;  // how many times it was started
  int64_t created_at_ms = 0;
  int64_t started_at_ms = 0;   // of the latest attempt; 0 before the first
  int64_t updated_at_ms = 0;   // of the latest change
  int64_t finished_at_ms = 0;  // 0 while active
  uint64_t items_done = 0;     // rows or samples
  uint64_t items_total = 0;    // 0 when unknown
  uint64_t tokens_done = 0;
  std::string error;       // why it failed or was interrupted
  std::string dataset_id;  // what it made, once succeeded
};

// The name a job gets when its request has none: "<Type> <UTC time>", e.g.
// "Text 2026-12-07 10:04:23" (every host names unnamed jobs the same way).
std::string default_job_name(DataType type, int64_t now_ms);

// Checks ids, the params object and that progress and times are consistent.
Status validate_job(const Job& j);
std::string job_to_json(const Job& j);
Result<Job> job_from_json(std::string_view json);

}  // namespace hyv::service
