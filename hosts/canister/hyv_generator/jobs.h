// The generator's jobs: submitted by signed callers, run by timers (canister_global_timer), never
// inside a user's call. Text and code samples go to the engine pool as inter-canister calls
// (generate_start, then generate_continue until done); tables run here, in budgeted steps of the
// same GenerationRun the studio drives (synth/ is portable, and a round of calls to an engine
// costs more than the rows themselves). Every finished dataset goes through the same manifest,
// catalog and blob layout as the studio's.
//
// What is committed at each await (each inter-canister call ends the message that made it; its
// reply or reject is a message of its own):
//   - before a call: the job is `running` in the Store and its finished samples' rows are in
//     tmp/ blobs; the sample in flight exists only on the heap (its partial text, its session).
//   - a reply is matched to its job by the call's id and the run's sequence number; a reply for
//     a job cancelled, restarted or upgraded away meanwhile finds no match and is dropped, so a
//     late or reordered reply never lands in the wrong sample.
//   - a failed call (trap, reject, stopped engine, SYS_UNKNOWN for a best-effort call that got
//     no answer) restarts the current sample from its first token on another engine: samples
//     are pure functions of (params, seed, index), so a restart gives the same bytes.
//   - after an upgrade the heap is new: running jobs are queued again and start over (identical
//     bytes, by the same argument); their tmp/ blobs are removed.
// Datasets appear in the library only once every table is committed under datasets/<id>/ and the
// manifest written, in one message.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hyv/service/blob_store.h"
#include "hyv/service/dataset_catalog.h"
#include "hyv/service/job_queue.h"
#include "hyv/service/store.h"
#include "hyv/status.h"
#include "pool.h"

namespace hyv::generator {

// Limits per caller (cycle-drain defence: every update costs the canister's cycles).
inline constexpr size_t kMaxOpenJobsPerCaller = 8;
inline constexpr uint64_t kMaxTokensPerDay = 1'000'000;  // samples x max_tokens asked for
inline constexpr uint64_t kMaxRowsPerDay = 10'000'000;
inline constexpr uint64_t kMaxStoredBytesPerCaller = 512ull << 20;
inline constexpr size_t kMaxParamsBytes = 1 << 20;
inline constexpr size_t kMaxRunningJobs = 8;
// Retries of one sample on other engines before the job fails.
inline constexpr uint32_t kMaxSampleAttempts = 3;
// Samples of one job under way at once (on different engines when the pool has them); their rows
// are still written in index order.
inline constexpr size_t kMaxSamplesInFlight = 4;
// Pieces of live text kept per job for job_events.
inline constexpr size_t kMaxEventsPerJob = 4096;
// Best-effort calls to engines: no answer in this long is SYS_UNKNOWN, and the sample moves on.
inline constexpr uint32_t kEngineCallTimeoutSeconds = 300;

struct JobMeta {
  std::vector<uint8_t> owner;
  std::string name;
  std::vector<std::string> tags;
  uint64_t fallback_seed = 0;
};

struct SubmitRequest {
  service::DataType type = service::DataType::kText;
  std::string params_json;
  std::string name;
  std::vector<std::string> tags;
};

struct JobView {
  service::Job job;
  JobMeta meta;
};

struct EventPiece {
  uint64_t seq = 0;
  uint64_t item = 0;
  std::string text;
};

struct JobEvents {
  JobView job;
  std::vector<EventPiece> pieces;  // seq > since, oldest first
  uint64_t next = 0;               // pass as `since` next time
};

struct Counts {
  uint64_t queued = 0, running = 0, succeeded = 0, failed = 0, cancelled = 0, interrupted = 0;
  uint64_t tokens_made = 0, rows_made = 0, datasets = 0;
};

class Generator {
 public:
  Generator(service::Store& store, service::BlobStore& blobs);
  ~Generator();

  Pool& pool() { return pool_; }
  service::DatasetCatalog& catalog() { return catalog_; }
  service::BlobStore& blobs() { return blobs_; }

  Result<std::string> submit(const std::vector<uint8_t>& caller, SubmitRequest request,
                             int64_t now_ms, uint64_t entropy);
  Result<JobView> get(const std::string& id) const;
  Result<std::vector<JobView>> list_of(const std::vector<uint8_t>& owner) const;
  Result<JobEvents> events(const std::string& id, uint64_t since) const;
  // Owner or controller (is_controller) only.
  Result<JobView> cancel(const std::vector<uint8_t>& caller, bool is_controller,
                         const std::string& id, int64_t now_ms);
  Result<JobView> retry(const std::vector<uint8_t>& caller, bool is_controller,
                        const std::string& id, int64_t now_ms);
  // A new job with the dataset's canonical params (seed included): the same bytes again.
  Result<std::string> regenerate(const std::vector<uint8_t>& caller, const std::string& dataset_id,
                                 int64_t now_ms);
  Result<std::vector<uint8_t>> dataset_owner(const std::string& dataset_id) const;
  Result<Counts> counts() const;

  // The timer's work: start queued jobs, step table runs within `instruction_budget`, send the
  // next call of every text run that has none in flight, and commit finished runs. True when
  // more work is ready without waiting for a reply (the caller arms the timer again).
  Result<bool> tick(int64_t now_ms, uint64_t instruction_budget);
  // After an upgrade: running jobs are queued again (see above), tmp/ is emptied.
  Status recover(int64_t now_ms);

  // Call outcomes (engine_calls.cpp delivers them).
  void on_generate_reply(uint64_t call, std::span<const uint8_t> reply, int64_t now_ms);
  void on_call_failed(uint64_t call, const std::string& why, int64_t now_ms);
  // The cleanup after a reply or reject callback that trapped (rolled back): the sample starts
  // again on the next tick. Makes no call (the IC allows none in a cleanup).
  void on_callback_trapped(uint64_t call, int64_t now_ms);

 private:
  struct Run;
  Status start(const service::Job& job, int64_t now_ms);
  struct PendingCall {
    std::string job;
    uint64_t sample = 0;
    uint64_t seq = 0;
    std::vector<uint8_t> engine;
  };
  // Sends the calls of every sample that waits for one, and starts new samples up to
  // kMaxSamplesInFlight.
  void send_next_call(const std::string& id, int64_t now_ms);
  // False when nothing more can be sent for the job now (it failed, or the sample must wait).
  bool send_sample_call(const std::string& id, uint64_t index, int64_t now_ms);
  void sample_failed(const std::string& id, uint64_t index, const std::string& why, int64_t now_ms);
  // Counts the failure and readies the sample to start again; false when the job failed.
  bool restart_sample(const std::string& id, uint64_t index, const std::string& why,
                      int64_t now_ms);
  // A sample under way (text/code), or finished and waiting for an earlier one.
  struct Sample {
    uint64_t seq = 0;  // new whenever the sample (re)starts, so stale replies miss
    std::vector<uint8_t> engine;
    uint64_t session = 0;  // the engine's, 0 before generate_start answered
    std::string text;
    uint64_t tokens = 0;
    bool in_flight = false;
    bool done = false;
    std::vector<std::vector<uint8_t>> failed_engines;
  };
  // The call's sample when its job still waits for this very call; forgets the call either way.
  Sample* take_call(uint64_t call, PendingCall& out);
  Status deliver_ready(const std::string& id, int64_t now_ms);
  Status finalize(const std::string& id, int64_t now_ms);
  void fail(const std::string& id, const std::string& why, int64_t now_ms);
  void drop_run(const std::string& id);
  void publish(const std::string& id, uint64_t item, std::string text);
  Result<JobMeta> meta(const std::string& id) const;
  Result<std::string> check_quota(const std::vector<uint8_t>& caller, const SubmitRequest& r,
                                  int64_t now_ms);

  service::Store& store_;
  service::BlobStore& blobs_;
  service::JobQueue queue_;
  service::DatasetCatalog catalog_;
  Pool pool_;
  // Heap only: the runs in progress, the calls in flight and the live text of each job.
  std::map<std::string, std::unique_ptr<Run>> runs_;
  std::map<uint32_t, PendingCall> calls_;
  uint32_t next_call_ = 1;  // a call's id is its callbacks' env (32 bits on the IC)
  // Sample attempts, numbered across all runs: a reply to a job that was cancelled and retried
  // meanwhile must not match the new run's sample of the same index.
  uint64_t next_seq_ = 0;
  std::map<std::string, std::deque<EventPiece>> events_;
  std::map<std::string, uint64_t> event_seq_;
};

Generator& generator();  // the canister's one instance (state.cpp)

}  // namespace hyv::generator
