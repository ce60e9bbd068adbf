// Studio: the state behind `hyv serve`. It owns the SQLite Store, the blob files, the service
// components over them (datasets, jobs, models), the model cache, the event hub and the worker
// threads that run jobs; the HTTP layer (http_api.h) only translates requests into these calls.
//
//   auto studio = Studio::open({.data_dir = "hyv-data", .jobs = 2});   // recovers, registers
//   studio.value()->start_workers();                                    // bundled models
//   ... studio.value()->submit(request) ...
//   studio.value()->stop();   // cancels nothing: running jobs become interrupted, retryable
//
// Invariants:
//   - Every mutating call on a service component happens under write_mutex() (the components
//     assume one writer); reads go straight to the Store, which is thread-safe.
//   - A dataset's manifest exists only after all its table files are committed under
//     datasets/<id>/; a job becomes succeeded only after its manifest exists.
//   - At open: running jobs become interrupted, tmp/ is emptied, dataset folders without a
//     manifest are removed, stale uploads (24 h) are removed.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hyv/service/dataset_catalog.h"
#include "hyv/service/generation_params.h"
#include "hyv/service/job_queue.h"
#include "hyv/service/model_registry.h"
#include "studio/event_hub.h"
#include "studio/file_blob_store.h"
#include "studio/model_cache.h"
#include "studio/response_cache.h"
#include "studio/sqlite_store.h"

namespace hyv::studio {

inline constexpr const char* kStudioVersion = "0.1.0";
inline constexpr size_t kMaxQueuedJobs = 64;

struct StudioOptions {
  std::string data_dir = "hyv-data";
  int jobs = 2;                   // jobs running at once
  uint64_t text_step_tokens = 8;  // work per step, between cancellation checks
  uint64_t table_step_rows = 2000;
  bool register_bundled_models = true;  // tests of storage alone may skip it
};

// What the API shows of a job beyond the core's Job: its name and tags, and the seed the host
// drew for it (so a retry of an interrupted job makes the same bytes).
struct JobMeta {
  std::string name;
  std::vector<std::string> tags;
  uint64_t fallback_seed = 0;
};

struct JobRecord {
  service::Job job;
  JobMeta meta;
};

// A POST /jobs body, parsed.
struct JobRequest {
  service::DataType type = service::DataType::kText;
  std::string name;  // empty: a name is made from the type and time
  std::vector<std::string> tags;
  std::string params_json = "{}";
};

class JobRunner;

class Studio {
 public:
  static Result<std::unique_ptr<Studio>> open(const StudioOptions& options);
  ~Studio();

  void start_workers();
  // Stops the workers (their running jobs become interrupted) and closes event streams.
  void stop();

  // Jobs. Errors carry StatusCodes for HTTP (invalid params 400, unknown 404, wrong state 409,
  // queue full 429).
  Result<JobRecord> submit(const JobRequest& request);
  Result<JobRecord> cancel(const std::string& id);
  Result<JobRecord> retry(const std::string& id);
  Result<JobRecord> job(const std::string& id) const;
  Result<std::vector<JobRecord>> jobs_newest_first() const;
  Result<JobRecord> regenerate(const std::string& dataset_id);

  // Datasets: removes the manifest (and ratings), then the files.
  Status delete_dataset(const std::string& id);
  // Models: refused while in use, bundled or a default (service rules); evicts the cache.
  Status delete_model(const std::string& id);
  // The folder a registered model loads from.
  Result<std::string> model_dir(const std::string& id) const;

  service::Store& store() { return *store_; }
  FileBlobStore& blobs() { return blobs_; }
  service::DatasetCatalog& catalog() { return catalog_; }
  service::JobQueue& queue() { return queue_; }
  service::ModelRegistry& models() { return models_; }
  ModelCache& model_cache() { return cache_; }
  EventHub& events() { return events_; }
  // Bodies of dataset reads; call datasets_changed() after every change to datasets or ratings.
  ResponseCache& dataset_cache() { return dataset_cache_; }
  void datasets_changed() { dataset_cache_.invalidate(); }
  std::mutex& write_mutex() { return write_mu_; }
  const StudioOptions& options() const { return options_; }

  // Sends the job's current state to its event streams; the caller holds write_mutex().
  void publish_job(const JobRecord& record);
  Result<JobMeta> meta_of(const std::string& job_id) const;

  static int64_t now_ms();

 private:
  // The model a job names exists (empty: the type has a default), so a typo is refused at submit
  // instead of failing the job; `field` is where the request named it.
  Status check_model(service::DataType type, const std::string& id, const std::string& field) const;
  // The same for each generated_text column of a schema table job.
  Status check_text_column_models(const service::TableParams& params) const;
  Studio(const StudioOptions& options, std::unique_ptr<SqliteStore> store);
  Status recover();
  Status register_bundled();

  StudioOptions options_;
  std::unique_ptr<SqliteStore> store_;
  FileBlobStore blobs_;
  service::DatasetCatalog catalog_;
  service::JobQueue queue_;
  service::ModelRegistry models_;
  ModelCache cache_;
  EventHub events_;
  ResponseCache dataset_cache_;
  std::mutex write_mu_;
  std::map<std::string, std::string> bundled_dirs_;  // model id -> folder
  std::unique_ptr<JobRunner> runner_;
  std::atomic<bool> stopped_{false};
  int lock_fd_ = -1;  // flock on DATA/hyv.lock: one server per data dir
};

// The JSON of the API's Job object and of its progress.
std::string job_json(const JobRecord& r);
std::string progress_json(uint64_t items_done, uint64_t items_total, uint64_t tokens_done);
// A fresh id: prefix, milliseconds and random hex, so ids sort roughly by creation time.
std::string new_id(std::string_view prefix);
uint64_t random_u64();

}  // namespace hyv::studio
