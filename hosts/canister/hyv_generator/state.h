// The generator's state: the service Store and BlobStore on stable memory (service/stable_*),
// and the Generator over them. Opened at init and after every upgrade; everything durable is in
// stable memory, so pre_upgrade has nothing to save.
#pragma once

#include "hyv/status.h"
#include "jobs.h"

namespace hyv::generator {

// Formats empty stable memory, or opens what an earlier version left (refusing another layout).
Status state_open();
// Stable memory in use: the free pages below the log and the log up to its end (the memory
// itself grows in 64 KiB pages).
uint64_t stable_used_bytes();

}  // namespace hyv::generator
