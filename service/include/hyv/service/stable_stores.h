// The canister's persistent state: one StableMemory holding one StableLog (stable_log.h) with
// two namespaces of records, the StableStore's batches and the StableBlobStore's blob records.
// One log rather than two regions, so neither side needs a size fixed in advance and the memory
// grows only at its end.
//
//   auto opened = open_stable_stores(memory);       // at canister_init and canister_post_upgrade
//   if (!opened.ok()) trap(opened.status().message());
//   StableStores& state = opened.value();           // state.store, state.blobs: the service's
//
// Opening replays the whole log (record headers and keys; store batches' payloads; never blob
// bytes) to rebuild both heap indexes, so an upgrade needs no pre_upgrade work. Keep one opened
// StableStores per memory: two would each append at the end they last saw.
#pragma once

#include <memory>

#include "hyv/service/stable_blob_store.h"
#include "hyv/service/stable_log.h"
#include "hyv/service/stable_memory.h"
#include "hyv/service/stable_store.h"

namespace hyv::service {

struct StableStores {
  std::shared_ptr<StableLog> log;
  std::unique_ptr<StableStore> store;
  std::unique_ptr<StableBlobStore> blobs;
};

// Formats an empty memory; refuses one with a foreign or newer header or a damaged record, with a
// message naming the offset. The stores share ownership of the memory.
Result<StableStores> open_stable_stores(std::shared_ptr<StableMemory> memory);

}  // namespace hyv::service
