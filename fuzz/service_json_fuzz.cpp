// The studio's stored records and the upload request (POST /api/v1/uploads), the first byte
// picking which: dataset manifests, jobs, model records, upload records, or an upload request
// begun against an in-memory store. A record that parses must come back unchanged from the JSON
// it is written as, since the store keeps that JSON and reads it again on every restart.
#include <cstdlib>
#include <string>

#include "hyv/service/dataset_manifest.h"
#include "hyv/service/job.h"
#include "hyv/service/memory_blob_store.h"
#include "hyv/service/memory_store.h"
#include "hyv/service/model_registry.h"

namespace {

using namespace hyv::service;

template <typename Parse, typename Write>
void round_trip(std::string_view json, Parse parse, Write write) {
  auto record = parse(json);
  if (!record.ok()) return;
  std::string written = write(record.value());
  auto again = parse(written);
  if (!again.ok() || write(again.value()) != written) std::abort();
}

void begin_upload(std::string_view request) {
  MemoryStore store;
  MemoryBlobStore blobs;
  ModelRegistry registry(store, blobs);
  auto u = registry.begin_upload("up-1", request, 1700000000000);
  if (!u.ok()) return;
  auto stored = registry.get_upload("up-1");
  if (!stored.ok() || upload_to_json(stored.value()) != upload_to_json(u.value())) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view json(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      round_trip(json, dataset_manifest_from_json, dataset_manifest_to_json);
      break;
    case 1:
      round_trip(json, job_from_json, job_to_json);
      break;
    case 2:
      round_trip(json, model_info_from_json, model_info_to_json);
      break;
    case 3:
      round_trip(json, upload_from_json, upload_to_json);
      break;
    default:
      begin_upload(json);
      break;
  }
  return 0;
}
