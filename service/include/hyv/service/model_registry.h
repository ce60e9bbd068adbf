// ModelRegistry: the models the studio can generate with, the default model per data type, and
// resumable chunked uploads of user models (Hugging Face folder form).
//
// Store keys:   model/<id>            -> ModelInfo JSON (model_info_to_json)
//               model_default/<type>  -> the model id ("text" or "code")
//               upload/<upload id>    -> Upload JSON (upload_to_json)
// Blob names:   uploads/<upload id>/<file>   while receiving
//               models/<model id>/<file>     once finished (uploaded models only; bundled models
//                                            stay where the host found them)
//
// Bundled models (models/text-small, models/code-small) are registered by the host at every
// start (register_bundled replaces their record) and made defaults with ensure_default, which
// leaves a user's choice alone.
//
// Upload rules (each error's StatusCode in brackets, which the server maps to HTTP):
//   begin_upload: file names among kUploadFileNames, no duplicates, config.json,
//     model.safetensors and a tokenizer (vocab.json + merges.txt, or tokenizer.json) required;
//     sizes 1..kMaxUploadFileBytes; sha256 64 hex digits; data_type text|code; model_id a valid
//     id not registered and not claimed by another open upload [kInvalidArgument / kConflict].
//   write_chunk(file, offset, bytes): bytes.size() <= kMaxChunkBytes [kTooLarge]; unknown upload
//     or file [kNotFound]; offset > received -> "expected offset <= R" [kConflict];
//     offset + size past the declared size [kInvalidArgument]; otherwise the bytes are written at
//     offset (re-sent bytes overwrite the same range) and received = max(received, offset+size).
//   finish_upload: a file not complete [kConflict; the upload is kept so it can be resumed];
//     then, on any failure the upload and its blobs are removed and the message names the file
//     and why: a size or sha256 mismatch [kInvalidArgument], a folder the engine cannot load
//     (config, safetensors, tokenizer) [kInvalidArgument], a model id taken meanwhile
//     [kConflict]. On success the files are committed to models/<model id>/ and the model is
//     registered (parameter_count from config.json, sha256/size of model.safetensors), the
//     upload record removed, all in one store batch after the blob commits.
//   remove_stale_uploads(now_ms): removes uploads whose updated_at_ms is older than
//     kUploadTtlMs (24 h), and blobs under uploads/ and models/ that no record owns (left by a
//     crash between a blob commit and the store batch). Call at host start.
//
// Delete rules (remove): unknown [kNotFound]; bundled, a default, or in use by a queued/running
// job [kConflict]. One writer at a time (the host serialises mutating calls).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/engine/model_folder.h"
#include "hyv/service/blob_store.h"
#include "hyv/service/dataset_manifest.h"
#include "hyv/service/job_queue.h"
#include "hyv/service/store.h"
#include "hyv/status.h"

namespace hyv::service {

inline constexpr uint64_t kMaxChunkBytes = 2 * 1024 * 1024;
inline constexpr uint64_t kMaxUploadFileBytes = uint64_t{8} * 1024 * 1024 * 1024;
inline constexpr int64_t kUploadTtlMs = int64_t{24} * 60 * 60 * 1000;
inline constexpr const char* kUploadFileNames[] = {
    "config.json",           "model.safetensors",      "vocab.json", "merges.txt", "tokenizer.json",
    "tokenizer_config.json", "generation_config.json", "README.md"};

struct ModelFile {
  std::string name;
  uint64_t size = 0;
  std::string sha256;  // 64 lowercase hex
};

// The API's Model object.
struct ModelInfo {
  std::string id;
  std::string name;
  DataType data_type = DataType::kText;  // text or code
  std::string architecture = "gpt2";
  int64_t parameter_count = 0;
  std::string license;
  std::string description;
  std::string sha256;       // of model.safetensors
  uint64_t size_bytes = 0;  // all files together
  bool bundled = false;
  int64_t created_at_ms = 0;
  std::vector<ModelFile> files;
};

std::string model_info_to_json(const ModelInfo& m);
Result<ModelInfo> model_info_from_json(std::string_view json);

struct UploadFile {
  std::string name;
  uint64_t size = 0;
  std::string sha256;  // declared, lowercase
  uint64_t received = 0;
};

// The API's Upload object (state is always "open": a finished or failed upload is gone).
struct Upload {
  std::string id;
  std::string model_id;
  std::string name;
  DataType data_type = DataType::kText;
  std::string license;
  std::string description;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::vector<UploadFile> files;
};

// {"id", "model_id", "state": "open", "created_at_ms", "updated_at_ms", "files": [{"name",
// "size", "sha256", "received"}]} plus "name", "data_type", "license", "description".
std::string upload_to_json(const Upload& u);
Result<Upload> upload_from_json(std::string_view json);

// {"text": "<id>", "code": "<id>"} (types without a default are left out).
using ModelDefaults = std::vector<std::pair<DataType, std::string>>;
std::string model_defaults_to_json(const ModelDefaults& d);

// True when model_id is the "model" of a queued or running job's params.
using ModelInUse = std::function<Result<bool>(std::string_view model_id)>;
ModelInUse jobs_using_model(const JobQueue& jobs);

class ModelRegistry {
 public:
  ModelRegistry(Store& store, BlobStore& blobs) : store_(store), blobs_(blobs) {}

  // Registration and lookup.
  Status register_bundled(ModelInfo info);  // sets bundled = true, replaces any old record
  Result<std::optional<ModelInfo>> get(std::string_view id) const;
  Result<std::vector<ModelInfo>> list() const;  // by id
  Status remove(std::string_view id, const ModelInUse& in_use);

  // Defaults per data type (text, code; a table has no model).
  Result<std::optional<std::string>> default_model(DataType type) const;
  Result<ModelDefaults> defaults() const;
  // The model must exist and have this data type [kNotFound / kInvalidArgument].
  Status set_default(DataType type, std::string_view model_id);
  // Sets the default only when none is set or the set one no longer exists.
  Status ensure_default(DataType type, std::string_view model_id);

  // Uploads. request_json is the POST /uploads body: {"model_id", "name", "data_type",
  // "license", "description", "files": [{"name", "size", "sha256"}]}.
  Result<Upload> begin_upload(std::string_view upload_id, std::string_view request_json,
                              int64_t now_ms);
  Result<Upload> get_upload(std::string_view upload_id) const;  // kNotFound when absent
  Result<Upload> write_chunk(std::string_view upload_id, std::string_view file_name,
                             uint64_t offset, std::string_view bytes, int64_t now_ms);
  Result<ModelInfo> finish_upload(std::string_view upload_id, int64_t now_ms);
  Status cancel_upload(std::string_view upload_id);  // kNotFound when absent
  Result<size_t> remove_stale_uploads(int64_t now_ms);

  // The blob of an uploaded model's file: models/<id>/<file>.
  static std::string model_blob_name(std::string_view model_id, std::string_view file);
  // Loads an uploaded (not bundled) model from its blobs.
  Result<engine::LoadedModel> load_uploaded(const ModelInfo& info) const;

 private:
  Status save_upload(const Upload& u);
  Status fail_upload(const Upload& u, const Status& why);
  Status verify_files(const Upload& u) const;
  Result<ModelInfo> describe(const Upload& u, int64_t now_ms) const;

  Store& store_;
  BlobStore& blobs_;
};

// The engine's view of a folder given as blobs under `prefix` (e.g. "uploads/u1/"): reads the
// files load_model_folder needs, loads it (f32) and returns it. Errors name the file.
Result<engine::LoadedModel> load_model_blobs(const BlobStore& blobs, std::string_view prefix);

}  // namespace hyv::service
