#include "state.h"

#include <memory>

#include "hyv/ic0/api.h"
#include "hyv/service/stable_memory.h"
#include "hyv/service/stable_stores.h"

namespace hyv::generator {
namespace {

// The IC's stable memory from kBase on: pages 0 and 1 stay free, page 1 for `ic-wasm instrument
// --start-page 1` (the test host counts instructions with it and keeps its state there at
// upgrades; see tests/canister/ic_host.mjs), page 0 for a future layout switch.
class IcStableMemory final : public service::StableMemory {
 public:
  static constexpr uint64_t kBase = 2 * ic0::kStablePageBytes;

  uint64_t size_bytes() const override {
    uint64_t size = ic0::stable_size_bytes();
    return size > kBase ? size - kBase : 0;
  }
  bool grow_to(uint64_t bytes) override { return ic0::stable_ensure(kBase + bytes); }
  void read(uint64_t offset, std::span<uint8_t> out) const override {
    ic0::stable_read(kBase + offset, out);
  }
  void write(uint64_t offset, std::span<const uint8_t> data) override {
    ic0::stable_write(kBase + offset, data);
  }
};

struct State {
  service::StableStores stores;
  std::unique_ptr<Generator> generator;
};

State*& state() {
  static State* s = nullptr;
  return s;
}

}  // namespace

Status state_open() {
  auto stores = service::open_stable_stores(std::make_shared<IcStableMemory>());
  if (!stores.ok()) return stores.status().with_context("stable memory");
  auto* s = new State{std::move(stores).value(), nullptr};
  s->generator = std::make_unique<Generator>(*s->stores.store, *s->stores.blobs);
  state() = s;
  return Status::Ok();
}

uint64_t stable_used_bytes() {
  return state() == nullptr ? 0 : IcStableMemory::kBase + state()->stores.log->end();
}

Generator& generator() {
  if (state() == nullptr) ic0::trap("the generator's state is not open");
  return *state()->generator;
}

}  // namespace hyv::generator
