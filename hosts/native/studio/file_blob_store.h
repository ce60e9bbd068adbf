// FileBlobStore: the service's BlobStore as plain files under the studio's data dir, so a blob
// named "datasets/d1/samples.jsonl" is the file <root>/datasets/d1/samples.jsonl and users can
// copy their data out with any tool.
//
// Durability: write() does not sync (uploads arrive in many chunks); commit(from, to) fsyncs
// `from`, renames it over `to` and fsyncs the directories of both, so after a crash `to` holds
// its old bytes or all of the new ones. The studio writes every finished file under tmp/ or
// uploads/ and commits it before the Store records it.
//
// Thread safety: calls on different blobs may run at once; the studio never writes one blob from
// two threads.
#pragma once

#include <string>

#include "hyv/service/blob_store.h"

namespace hyv::studio {

class FileBlobStore final : public service::BlobStore {
 public:
  // root must exist.
  explicit FileBlobStore(std::string root) : root_(std::move(root)) {}

  Status write(std::string_view name, uint64_t offset, std::string_view bytes) override;
  Result<std::string> read(std::string_view name, uint64_t offset,
                           uint64_t max_bytes) const override;
  Result<std::optional<uint64_t>> size(std::string_view name) const override;
  Result<std::string> sha256(std::string_view name) const override;
  Status commit(std::string_view from, std::string_view to) override;
  Status remove(std::string_view name) override;
  Result<std::vector<std::string>> list(std::string_view prefix) const override;

  // The file behind a (valid) blob name.
  std::string path_of(std::string_view name) const;
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

// Creates every missing directory of path's parent; the error names the directory.
Status make_parent_dirs(const std::string& path);
// fsync of a directory, so a rename or a new file in it survives a crash.
Status sync_dir(const std::string& dir);

}  // namespace hyv::studio
