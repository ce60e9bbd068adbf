// Finishing an upload: every file complete and matching its declared SHA-256, the folder loads in
// the engine, then the files are committed under models/<id>/ and the model is registered. Any
// failure after the completeness check removes the upload (model_registry.h).
#include "hyv/service/model_registry.h"
#include "json_util.h"

namespace hyv::service {
namespace {

std::string upload_prefix(std::string_view upload_id) {
  return "uploads/" + std::string(upload_id) + "/";
}

Status incomplete(const Upload& u) {
  for (const UploadFile& f : u.files) {
    if (f.received < f.size) {
      return Status::Error(StatusCode::kConflict, f.name + ": received " +
                                                      std::to_string(f.received) + " of " +
                                                      std::to_string(f.size) + " bytes");
    }
  }
  return Status::Ok();
}

// Reads `file` under prefix into `storage` if present; returns its bytes (empty when absent).
Result<Bytes> optional_file(const BlobStore& blobs, const std::string& prefix, const char* file,
                            std::string& storage) {
  auto size = blobs.size(prefix + file);
  if (!size.ok()) return size.status();
  if (!size.value()) return Bytes();
  auto bytes = read_whole_blob(blobs, prefix + file);
  if (!bytes.ok()) return bytes.status();
  storage = std::move(bytes).value();
  return as_bytes(storage);
}

}  // namespace

Result<engine::LoadedModel> load_model_blobs(const BlobStore& blobs, std::string_view prefix) {
  std::string p(prefix);
  std::string config, weights, vocab, merges, tokenizer;
  engine::ModelFolderFiles files;
  struct Slot {
    const char* name;
    std::string* storage;
    Bytes* bytes;
  } slots[] = {{"config.json", &config, &files.config_json},
               {"model.safetensors", &weights, &files.safetensors},
               {"vocab.json", &vocab, &files.vocab_json},
               {"merges.txt", &merges, &files.merges_txt},
               {"tokenizer.json", &tokenizer, &files.tokenizer_json}};
  for (Slot& s : slots) {
    Result<Bytes> b = optional_file(blobs, p, s.name, *s.storage);
    if (!b.ok()) return b.status();
    *s.bytes = b.value();
  }
  Result<engine::LoadedModel> loaded = engine::load_model_folder(files, engine::WeightType::f32);
  if (!loaded.ok()) return invalid(loaded.status().message());
  return loaded;
}

Result<engine::LoadedModel> ModelRegistry::load_uploaded(const ModelInfo& info) const {
  return load_model_blobs(blobs_, model_blob_name(info.id, ""));
}

Status ModelRegistry::verify_files(const Upload& u) const {
  for (const UploadFile& f : u.files) {
    std::string blob = upload_prefix(u.id) + f.name;
    auto size = blobs_.size(blob);
    if (!size.ok()) return size.status();
    uint64_t stored = size.value().value_or(0);
    if (stored != f.size) {
      return invalid(f.name + ": " + std::to_string(stored) + " bytes stored, " +
                     std::to_string(f.size) + " declared");
    }
    auto sha = blobs_.sha256(blob);
    if (!sha.ok()) return sha.status();
    if (sha.value() != f.sha256) {
      return invalid(f.name + ": SHA-256 mismatch: declared " + f.sha256 +
                     ", received bytes hash to " + sha.value());
    }
  }
  return Status::Ok();
}

Result<ModelInfo> ModelRegistry::describe(const Upload& u, int64_t now_ms) const {
  Result<engine::LoadedModel> loaded = load_model_blobs(blobs_, upload_prefix(u.id));
  if (!loaded.ok()) return invalid("the model does not load: " + loaded.status().message());
  ModelInfo m;
  m.id = u.model_id;
  m.name = u.name;
  m.data_type = u.data_type;
  m.parameter_count = loaded.value().model.parameter_count();
  m.license = u.license;
  m.description = u.description;
  m.created_at_ms = now_ms;
  for (const UploadFile& f : u.files) {
    m.files.push_back({f.name, f.size, f.sha256});
    m.size_bytes += f.size;
    if (f.name == "model.safetensors") m.sha256 = f.sha256;
  }
  return m;
}

Result<ModelInfo> ModelRegistry::finish_upload(std::string_view upload_id, int64_t now_ms) {
  Result<Upload> got = get_upload(upload_id);
  if (!got.ok()) return got.status();
  const Upload& u = got.value();
  HYV_RETURN_IF_ERROR(incomplete(u));
  auto taken = get(u.model_id);
  if (!taken.ok()) return taken.status();
  if (taken.value()) {
    return fail_upload(
        u, Status::Error(StatusCode::kConflict, "model '" + u.model_id + "' exists already"));
  }
  Status verified = verify_files(u);
  if (!verified.ok()) return fail_upload(u, verified);
  Result<ModelInfo> info = describe(u, now_ms);
  if (!info.ok()) return fail_upload(u, info.status());
  for (const UploadFile& f : u.files) {
    Status s = blobs_.commit(upload_prefix(u.id) + f.name, model_blob_name(u.model_id, f.name));
    if (!s.ok()) return fail_upload(u, s);
  }
  Status saved =
      store_.apply({StoreOp::Put(make_key("model", {u.model_id}), model_info_to_json(info.value())),
                    StoreOp::Remove(make_key("upload", {u.id}))});
  if (!saved.ok()) return fail_upload(u, saved);
  return info;
}

}  // namespace hyv::service
