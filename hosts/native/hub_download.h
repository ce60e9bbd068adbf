// Downloads from the Hugging Face hub (or a mirror at $HYV_HF_ENDPOINT) with cpp-httplib:
// redirects followed by hand so the hub's own headers (X-Linked-Etag: the sha256 of an LFS file)
// are seen before the CDN answers; bodies stream to disk while being hashed.
//
//   auto got = hyv::native::download_to_file(url, "dir/model.safetensors.tmp-123");
//   // got.value().sha256, got.value().linked_etag ("" when the hub sent none)
#pragma once

#include <cstdint>
#include <string>

#include "hyv/status.h"

namespace hyv::native {

struct Download {
  int status = 0;  // final HTTP status; 404 leaves no file behind
  uint64_t bytes = 0;
  std::string sha256;       // of the body, hex
  std::string linked_etag;  // X-Linked-Etag of any hop when it is a sha256, else ""
};

// The hub's base URL: $HYV_HF_ENDPOINT or https://huggingface.co.
std::string hub_endpoint();

// GETs url into path (created, written, fsynced); on a 404 returns status 404 and leaves no file.
// Errors: no connection ("cannot reach HOST: ..."), a status other than 200/404, too many
// redirects, a write failure. Connection attempts give up after connect_timeout_s seconds.
Result<Download> download_to_file(const std::string& url, const std::string& path,
                                  int connect_timeout_s = 10);

}  // namespace hyv::native
