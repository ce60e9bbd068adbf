// Opening, receiving, cancelling and expiring model uploads (model_registry.h). Finishing one is
// in upload_finish.cpp.
#include <rapidjson/document.h>

#include <algorithm>
#include <set>

#include "hyv/service/model_registry.h"
#include "json_util.h"
#include "registry_json.h"

namespace hyv::service {
namespace {

constexpr size_t kMaxDescriptionBytes = 4096;
constexpr size_t kMaxLicenseBytes = 200;

std::string upload_key(std::string_view id) {
  return make_key("upload", {id});
}

std::string upload_blob(std::string_view upload_id, std::string_view file) {
  return "uploads/" + std::string(upload_id) + "/" + std::string(file);
}

bool allowed_file(std::string_view name) {
  for (const char* allowed : kUploadFileNames) {
    if (name == allowed) return true;
  }
  return false;
}

Status read_file_decl(const rapidjson::Value& f, const std::string& where, UploadFile& file) {
  HYV_RETURN_IF_ERROR(read_file_fields(f, where, file));
  std::transform(file.sha256.begin(), file.sha256.end(), file.sha256.begin(),
                 [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c + 32) : c; });
  if (!allowed_file(file.name)) {
    return invalid(where + ".name: '" + file.name +
                   "' is not a model file Hyv takes (config.json, model.safetensors, vocab.json, "
                   "merges.txt, tokenizer.json, tokenizer_config.json, generation_config.json, "
                   "README.md)");
  }
  if (file.size < 1 || file.size > kMaxUploadFileBytes) {
    return invalid(where + ".size: must be in [1, " + std::to_string(kMaxUploadFileBytes) + "]");
  }
  if (!is_lower_hex64(file.sha256)) return invalid(where + ".sha256: expected 64 hex digits");
  return Status::Ok();
}

Status check_required_files(const std::vector<UploadFile>& files) {
  std::set<std::string> names;
  for (const UploadFile& f : files) {
    if (!names.insert(f.name).second)
      return invalid("upload.files: '" + f.name + "' appears twice");
  }
  for (const char* required : {"config.json", "model.safetensors"}) {
    if (!names.count(required))
      return invalid(std::string("upload.files: ") + required + " is required");
  }
  bool tokenizer =
      names.count("tokenizer.json") || (names.count("vocab.json") && names.count("merges.txt"));
  if (!tokenizer) {
    return invalid(
        "upload.files: a tokenizer is required (vocab.json + merges.txt, or tokenizer.json)");
  }
  return Status::Ok();
}

Status read_request(const rapidjson::Value& d, Upload& u) {
  const std::string w = "upload";
  for (auto& m : d.GetObject()) {
    std::string_view key = json_string(m.name);
    static constexpr std::string_view kKnown[] = {"model_id", "name",        "data_type",
                                                  "license",  "description", "files"};
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return invalid("upload." + std::string(key) + ": unknown field");
    }
  }
  HYV_RETURN_IF_ERROR(read_field(d, w, "model_id", u.model_id));
  if (!valid_id(u.model_id)) {
    return invalid("upload.model_id: '" + u.model_id +
                   "' must be 1 to 64 of A-Z a-z 0-9 . _ -, not starting with '.'");
  }
  u.name = u.model_id;
  HYV_RETURN_IF_ERROR(read_optional(d, w, "name", u.name));
  if (u.name.empty() || u.name.size() > kMaxNameBytes)
    return invalid("upload.name: needs 1 to 200 bytes");
  std::string type = "text";
  HYV_RETURN_IF_ERROR(read_optional(d, w, "data_type", type));
  if (type != "text" && type != "code") return invalid("upload.data_type: must be text or code");
  u.data_type = type == "code" ? DataType::kCode : DataType::kText;
  HYV_RETURN_IF_ERROR(read_optional(d, w, "license", u.license));
  HYV_RETURN_IF_ERROR(read_optional(d, w, "description", u.description));
  if (u.license.size() > kMaxLicenseBytes) return invalid("upload.license: at most 200 bytes");
  if (u.description.size() > kMaxDescriptionBytes)
    return invalid("upload.description: at most 4096 bytes");
  HYV_RETURN_IF_ERROR(read_list(d, w, "files", u.files, read_file_decl));
  return check_required_files(u.files);
}

// The id part of "<dir>/<id>/<file>".
std::string owner_of(const std::string& blob, size_t dir_length) {
  size_t end = blob.find('/', dir_length);
  return blob.substr(dir_length, end == std::string::npos ? std::string::npos : end - dir_length);
}

// Blobs under uploads/ and models/ that no record owns: left by a crash between a blob commit
// and the store write that records it (or the reverse on delete).
Status remove_orphans(const Store& store, BlobStore& blobs, const std::set<std::string>& live) {
  auto uploads = blobs.list("uploads/");
  if (!uploads.ok()) return uploads.status();
  for (const std::string& name : uploads.value()) {
    if (!live.count(owner_of(name, 8))) HYV_RETURN_IF_ERROR(blobs.remove(name));
  }
  auto models = blobs.list("models/");
  if (!models.ok()) return models.status();
  for (const std::string& name : models.value()) {
    std::string owner = owner_of(name, 7);
    auto record = store.get(make_key("model", {owner}));
    if (!record.ok()) return record.status();
    if (!record.value()) HYV_RETURN_IF_ERROR(blobs.remove(name));
  }
  return Status::Ok();
}

}  // namespace

Status ModelRegistry::save_upload(const Upload& u) {
  return store_.put(upload_key(u.id), upload_to_json(u));
}

Result<Upload> ModelRegistry::begin_upload(std::string_view upload_id,
                                           std::string_view request_json, int64_t now_ms) {
  if (!valid_id(upload_id))
    return invalid("upload id '" + std::string(upload_id) + "' is not valid");
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_json_object(request_json, d, "upload"));
  Upload u;
  HYV_RETURN_IF_ERROR(read_request(d, u));
  u.id = upload_id;
  u.created_at_ms = u.updated_at_ms = now_ms;
  auto existing = get(u.model_id);
  if (!existing.ok()) return existing.status();
  if (existing.value()) {
    return Status::Error(StatusCode::kConflict,
                         "upload.model_id: model '" + u.model_id + "' already exists");
  }
  auto open = store_.list("upload/");
  if (!open.ok()) return open.status();
  for (const KeyValue& kv : open.value()) {
    Result<Upload> other = upload_from_json(kv.second);
    if (!other.ok()) continue;
    if (other.value().id == u.id) {
      return Status::Error(StatusCode::kConflict, "upload '" + u.id + "' already exists");
    }
    if (other.value().model_id == u.model_id) {
      return Status::Error(StatusCode::kConflict, "upload.model_id: model '" + u.model_id +
                                                      "' is being uploaded already (upload '" +
                                                      other.value().id + "')");
    }
  }
  HYV_RETURN_IF_ERROR(save_upload(u));
  return u;
}

Result<Upload> ModelRegistry::get_upload(std::string_view upload_id) const {
  auto not_found =
      Status::Error(StatusCode::kNotFound, "upload '" + std::string(upload_id) + "' not found");
  if (!valid_id(upload_id)) return not_found;
  auto value = store_.get(upload_key(upload_id));
  if (!value.ok()) return value.status();
  if (!value.value()) return not_found;
  Result<Upload> u = upload_from_json(*value.value());
  if (!u.ok()) return Status::Error(StatusCode::kInternal, u.status().message());
  return u;
}

Result<Upload> ModelRegistry::write_chunk(std::string_view upload_id, std::string_view file_name,
                                          uint64_t offset, std::string_view bytes, int64_t now_ms) {
  if (bytes.size() > kMaxChunkBytes) {
    return Status::Error(StatusCode::kTooLarge, "chunk of " + std::to_string(bytes.size()) +
                                                    " bytes is over the limit of " +
                                                    std::to_string(kMaxChunkBytes));
  }
  Result<Upload> u = get_upload(upload_id);
  if (!u.ok()) return u.status();
  auto file = std::find_if(u.value().files.begin(), u.value().files.end(),
                           [&](const UploadFile& f) { return f.name == file_name; });
  if (file == u.value().files.end()) {
    return Status::Error(StatusCode::kNotFound, "upload '" + std::string(upload_id) +
                                                    "' declares no file '" +
                                                    std::string(file_name) + "'");
  }
  std::string where = std::string(file_name) + " at offset " + std::to_string(offset);
  if (offset > file->received) {
    return Status::Error(StatusCode::kConflict,
                         where + ": expected offset <= " + std::to_string(file->received));
  }
  if (offset + bytes.size() > file->size) {
    return invalid(where + ": " + std::to_string(bytes.size()) +
                   " bytes run past the declared size of " + std::to_string(file->size));
  }
  HYV_RETURN_IF_ERROR(blobs_.write(upload_blob(upload_id, file_name), offset, bytes));
  file->received = std::max<uint64_t>(file->received, offset + bytes.size());
  u.value().updated_at_ms = now_ms;
  HYV_RETURN_IF_ERROR(save_upload(u.value()));
  return u;
}

Status ModelRegistry::cancel_upload(std::string_view upload_id) {
  Result<Upload> u = get_upload(upload_id);
  if (!u.ok()) return u.status();
  HYV_RETURN_IF_ERROR(store_.remove(upload_key(upload_id)));
  Result<size_t> removed = remove_blobs_under(blobs_, upload_blob(upload_id, ""));
  return removed.ok() ? Status::Ok() : removed.status();
}

Status ModelRegistry::fail_upload(const Upload& u, const Status& why) {
  (void)store_.remove(upload_key(u.id));
  (void)remove_blobs_under(blobs_, upload_blob(u.id, ""));
  (void)remove_blobs_under(blobs_, model_blob_name(u.model_id, ""));
  return why;
}

Result<size_t> ModelRegistry::remove_stale_uploads(int64_t now_ms) {
  auto open = store_.list("upload/");
  if (!open.ok()) return open.status();
  size_t removed = 0;
  std::set<std::string> live;
  for (const KeyValue& kv : open.value()) {
    Result<Upload> u = upload_from_json(kv.second);
    std::string id = kv.first.substr(std::string_view("upload/").size());
    if (u.ok() && u.value().updated_at_ms + kUploadTtlMs > now_ms) {
      live.insert(id);
      continue;
    }
    HYV_RETURN_IF_ERROR(store_.remove(kv.first));
    auto gone = remove_blobs_under(blobs_, upload_blob(id, ""));
    if (!gone.ok()) return gone.status();
    ++removed;
  }
  HYV_RETURN_IF_ERROR(remove_orphans(store_, blobs_, live));
  return removed;
}

}  // namespace hyv::service
