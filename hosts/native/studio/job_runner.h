// JobRunner: the studio's worker threads. Each takes the oldest queued job, drives its
// hyv::service::GenerationRun in small steps (a few tokens or a few thousand rows), and between
// steps reports progress (to the JobQueue at most every kProgressSaveMs, to event streams every
// step) and checks whether the job was cancelled or the studio is stopping.
//
// A run writes each table to tmp/<job>-<attempt>/<table>.jsonl; when it is done, under the
// studio's write mutex and only if the job is still running, the files are committed (fsync,
// rename, directory fsync) to datasets/<dataset id>/, then the manifest is created, then the
// job succeeds. A cancelled or failed run's temp files are removed; a run cut off by stop()
// leaves its job running for Studio::stop() to mark interrupted.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "studio/studio.h"

namespace hyv::studio {

inline constexpr int64_t kProgressSaveMs = 500;

class JobRunner {
 public:
  JobRunner(Studio& studio, int threads);
  ~JobRunner();

  // There may be a new queued job.
  void wake();
  // The running job `id` was cancelled: its worker drops it after the current step.
  void cancel(const std::string& id);
  // Finishes the current steps and joins the workers.
  void stop();

 private:
  void loop();
  // Starts the oldest queued job, if any (under the studio's write mutex).
  std::optional<JobRecord> take_next();
  void run(const JobRecord& record);
  // Records that the running job failed; the caller holds the studio's write mutex.
  void record_failure(const JobRecord& record, const Status& why);
  bool should_stop(const std::string& id);

  Studio& studio_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t wakes_ = 0;
  bool stopping_ = false;
  std::set<std::string> cancelled_;
};

}  // namespace hyv::studio
