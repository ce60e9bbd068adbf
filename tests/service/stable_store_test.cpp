// The stable-memory Store and BlobStore (stable_stores.h): the same conformance suites as the
// other stores, then what only stable memory needs: surviving a reopen (the canister's upgrade),
// torn tails, damage, foreign or newer layouts, running out of memory, and agreement with the
// memory stores over a long random sequence.
#include <gtest/gtest.h>

#include <random>

#include "blob_store_conformance.h"
#include "hyv/service/memory_blob_store.h"
#include "hyv/service/memory_store.h"
#include "hyv/service/stable_stores.h"
#include "store_conformance.h"

namespace hyv::service {
namespace {

StableStores open_or_die(std::shared_ptr<StableMemory> memory) {
  Result<StableStores> opened = open_stable_stores(std::move(memory));
  EXPECT_TRUE(opened.ok()) << opened.status().message();
  return std::move(opened).value();
}

INSTANTIATE_TEST_SUITE_P(Stable, StoreConformance, ::testing::Values(StoreFactory([] {
                           return std::unique_ptr<Store>(
                               open_or_die(std::make_shared<VectorStableMemory>()).store);
                         })));

INSTANTIATE_TEST_SUITE_P(Stable, BlobStoreConformance, ::testing::Values(BlobStoreFactory([] {
                           return std::unique_ptr<BlobStore>(
                               open_or_die(std::make_shared<VectorStableMemory>()).blobs);
                         })));

std::string whole(const BlobStore& blobs, std::string_view name) {
  Result<std::string> r = read_whole_blob(blobs, name);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : "";
}

// Everything a store and a blob store hold, for comparing two of them.
std::string dump(const Store& store, const BlobStore& blobs) {
  std::string out;
  std::vector<KeyValue> pairs = store.list("").value();
  for (const auto& [key, value] : pairs) out += key + "=" + value + "\n";
  std::vector<std::string> names = blobs.list("").value();
  for (const std::string& name : names) {
    out += name + ":" + whole(blobs, name) + ":" + blobs.sha256(name).value() + "\n";
  }
  return out;
}

void fill_some(StableStores& s) {
  ASSERT_TRUE(s.store->put("job/1", "queued").ok());
  ASSERT_TRUE(s.store
                  ->apply({StoreOp::Put("job/1", "done"), StoreOp::Put("dataset/d", "{}"),
                           StoreOp::Put("rating/d/u", "5"), StoreOp::Remove("rating/d/u")})
                  .ok());
  ASSERT_TRUE(s.blobs->write("tmp/x", 0, "hello world").ok());
  ASSERT_TRUE(s.blobs->write("tmp/x", 6, "WORLD!").ok());
  ASSERT_TRUE(s.blobs->commit("tmp/x", "datasets/d/t.jsonl").ok());
  ASSERT_TRUE(s.blobs->write("uploads/u/gone", 0, "bye").ok());
  ASSERT_TRUE(s.blobs->remove("uploads/u/gone").ok());
  ASSERT_TRUE(s.blobs->write("models/m/empty", 0, "").ok());
}

TEST(StableStores, EverythingSurvivesReopening) {
  auto memory = std::make_shared<VectorStableMemory>();
  std::string before;
  {
    StableStores s = open_or_die(memory);
    fill_some(s);
    before = dump(*s.store, *s.blobs);
  }
  StableStores s = open_or_die(memory);
  EXPECT_EQ(dump(*s.store, *s.blobs), before);
  EXPECT_EQ(whole(*s.blobs, "datasets/d/t.jsonl"), "hello WORLD!");
  EXPECT_EQ(s.blobs->size("models/m/empty").value(), 0u);
  EXPECT_EQ(s.store->get("rating/d/u").value(), std::nullopt);
  EXPECT_TRUE(s.log->verify().ok());
  // And it goes on working where it left off.
  ASSERT_TRUE(s.blobs->write("datasets/d/t.jsonl", 12, "\n").ok());
  ASSERT_TRUE(s.store->put("job/2", "queued").ok());
  before = dump(*s.store, *s.blobs);
  StableStores again = open_or_die(memory);
  EXPECT_EQ(dump(*again.store, *again.blobs), before);
}

// Wraps a memory and counts the bytes read from it.
class CountingMemory final : public StableMemory {
 public:
  explicit CountingMemory(std::shared_ptr<StableMemory> inner) : inner_(std::move(inner)) {}
  uint64_t size_bytes() const override { return inner_->size_bytes(); }
  bool grow_to(uint64_t bytes) override { return inner_->grow_to(bytes); }
  void read(uint64_t offset, std::span<uint8_t> out) const override {
    read_bytes += out.size();
    inner_->read(offset, out);
  }
  void write(uint64_t offset, std::span<const uint8_t> data) override {
    inner_->write(offset, data);
  }
  mutable uint64_t read_bytes = 0;

 private:
  std::shared_ptr<StableMemory> inner_;
};

TEST(StableStores, ReopeningReadsNoBlobBytes) {
  auto memory = std::make_shared<VectorStableMemory>();
  {
    StableStores s = open_or_die(memory);
    std::string chunk(1 << 20, 'b');
    for (uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(s.blobs->write("models/m/w", i << 20, chunk).ok());
  }
  auto counting = std::make_shared<CountingMemory>(memory);
  StableStores s = open_or_die(counting);
  EXPECT_LT(counting->read_bytes, 1024u) << "replay read blob bytes";
  EXPECT_EQ(s.blobs->size("models/m/w").value(), uint64_t{4} << 20);
}

TEST(StableStores, TornTailIsIgnored) {
  auto memory = std::make_shared<VectorStableMemory>();
  std::vector<uint8_t> header;
  {
    StableStores s = open_or_die(memory);
    ASSERT_TRUE(s.store->put("job/1", "kept").ok());
    header.assign(memory->bytes().begin(), memory->bytes().begin() + kStableLogHeaderBytes);
    ASSERT_TRUE(s.store->put("job/2", "torn").ok());
    ASSERT_TRUE(s.blobs->write("tmp/torn", 0, "torn").ok());
  }
  // A call that stopped after writing its records but before moving the header's end.
  std::copy(header.begin(), header.end(), memory->bytes().begin());
  {
    StableStores s = open_or_die(memory);
    EXPECT_EQ(s.store->get("job/1").value(), "kept");
    EXPECT_EQ(s.store->get("job/2").value(), std::nullopt);
    EXPECT_FALSE(s.blobs->size("tmp/torn").value().has_value());
    ASSERT_TRUE(s.store->put("job/3", "after").ok()) << "the torn bytes are overwritten";
  }
  StableStores s = open_or_die(memory);
  EXPECT_EQ(s.store->list("job/").value(),
            (std::vector<KeyValue>{{"job/1", "kept"}, {"job/3", "after"}}));
}

// Opens a memory holding two store records, the second damaged at `byte_in_record`; returns the
// error and the second record's offset.
std::pair<Status, uint64_t> open_with_damage(uint64_t byte_in_record) {
  auto memory = std::make_shared<VectorStableMemory>();
  uint64_t second = 0;
  {
    StableStores s = open_or_die(memory);
    EXPECT_TRUE(s.store->put("job/1", "first").ok());
    second = s.log->end();
    EXPECT_TRUE(s.store->put("job/2", "second").ok());
  }
  memory->bytes()[second + byte_in_record] ^= 0x40;
  return {open_stable_stores(memory).status(), second};
}

TEST(StableStores, DamagedRecordIsAnErrorNamingItsOffset) {
  // The record header, then the batch payload (the store reads payloads on replay).
  for (uint64_t at : {uint64_t{0}, uint64_t{5}, uint64_t{17}, kStableRecordHeaderBytes + 10}) {
    auto [status, offset] = open_with_damage(at);
    EXPECT_FALSE(status.ok()) << "damage at byte " << at << " went unnoticed";
    EXPECT_EQ(status.code(), StatusCode::kInternal);
    EXPECT_NE(status.message().find("offset " + std::to_string(offset)), std::string::npos)
        << status.message();
  }
}

TEST(StableStores, DamagedBlobBytesAreFoundByVerify) {
  auto memory = std::make_shared<VectorStableMemory>();
  uint64_t record = 0;
  {
    StableStores s = open_or_die(memory);
    ASSERT_TRUE(s.store->put("job/1", "x").ok());
    record = s.log->end();
    ASSERT_TRUE(s.blobs->write("models/m/w", 0, std::string(100000, 'w')).ok());
  }
  memory->bytes()[record + kStableRecordHeaderBytes + 10 + 70000] ^= 1;
  StableStores s = open_or_die(memory);  // blob bytes are not read on open
  Status verified = s.log->verify();
  EXPECT_FALSE(verified.ok());
  EXPECT_NE(verified.message().find("offset " + std::to_string(record)), std::string::npos)
      << verified.message();
}

TEST(StableStores, ForeignOrNewerLayoutsAreRefusedNotFormatted) {
  auto foreign = std::make_shared<VectorStableMemory>();
  ASSERT_TRUE(foreign->grow_to(1));
  std::copy_n("HYVMODL1", 8, foreign->bytes().begin());
  std::vector<uint8_t> before = foreign->bytes();
  Status st = open_stable_stores(foreign).status();
  EXPECT_NE(st.message().find("no HYVSTBL1 header"), std::string::npos) << st.message();
  EXPECT_EQ(foreign->bytes(), before) << "a refused memory is left as it was";

  auto newer = std::make_shared<VectorStableMemory>();
  { open_or_die(newer); }
  newer->bytes()[8] = kStableLayoutVersion + 1;
  st = open_stable_stores(newer).status();
  EXPECT_NE(st.message().find("layout version 2 is newer than this build reads (1)"),
            std::string::npos)
      << st.message();

  auto damaged = std::make_shared<VectorStableMemory>();
  { open_or_die(damaged); }
  damaged->bytes()[16] ^= 1;  // the end of log
  st = open_stable_stores(damaged).status();
  EXPECT_NE(st.message().find("header checksum"), std::string::npos) << st.message();
}

TEST(StableStores, ZeroedMemoryIsFormatted) {
  auto memory = std::make_shared<VectorStableMemory>();
  ASSERT_TRUE(memory->grow_to(kStablePageBytes));
  StableStores s = open_or_die(memory);
  ASSERT_TRUE(s.store->put("job/1", "x").ok());
  EXPECT_EQ(open_or_die(memory).store->get("job/1").value(), "x");
}

TEST(StableStores, OutOfMemoryFailsCleanlyAndKeepsOldContents) {
  auto memory = std::make_shared<VectorStableMemory>(2 * kStablePageBytes);
  StableStores s = open_or_die(memory);
  std::string chunk(10000, 'c');
  uint64_t offset = 0;
  Status full;
  while ((full = s.blobs->write("uploads/u/big", offset, chunk)).ok()) offset += chunk.size();
  EXPECT_EQ(full.code(), StatusCode::kInternal);
  EXPECT_NE(full.message().find("out of stable memory"), std::string::npos) << full.message();
  EXPECT_EQ(s.blobs->size("uploads/u/big").value(), offset) << "the failed write changed it";
  uint64_t end = s.log->end();
  EXPECT_FALSE(s.store->put("job/1", std::string(20000, 'v')).ok());
  EXPECT_EQ(s.store->get("job/1").value(), std::nullopt);
  EXPECT_EQ(s.log->end(), end);
  ASSERT_TRUE(s.store->put("job/2", "small").ok()) << "what still fits is still written";
  std::string before = dump(*s.store, *s.blobs);
  StableStores reopened = open_or_die(memory);
  EXPECT_EQ(dump(*reopened.store, *reopened.blobs), before);
  EXPECT_TRUE(reopened.log->verify().ok());
}

// Stable bytes per stored byte: a record header plus the key or name; a store batch adds its op
// framing. Pinned so a layout change shows up here and in docs/service.md.
TEST(StableStores, OverheadPerRecord) {
  StableStores s = open_or_die(std::make_shared<VectorStableMemory>());
  EXPECT_EQ(s.log->end(), kStableLogHeaderBytes);
  uint64_t end = s.log->end();
  ASSERT_TRUE(s.store->put("dataset/ds-1", std::string(200, 'm')).ok());
  EXPECT_EQ(s.log->end() - end, kStableRecordHeaderBytes + 4 + 1 + 4 + 12 + 4 + 200);
  end = s.log->end();
  ASSERT_TRUE(s.blobs->write("uploads/u1/model.safetensors", 0, std::string(1 << 20, 'w')).ok());
  EXPECT_EQ(s.log->end() - end, kStableRecordHeaderBytes + 28 + (1 << 20));
}

// Runs the same op on both pairs of stores and checks they agree.
class Twin {
 public:
  Twin() : memory_(std::make_shared<VectorStableMemory>()), stable_(open_or_die(memory_)) {}

  void reopen() {
    stable_ = StableStores();
    stable_ = open_or_die(memory_);
  }
  void random_op(std::mt19937& gen) {
    std::string key = "k/" + std::to_string(gen() % 8);
    std::string name = (gen() % 2 ? "tmp/" : "models/") + std::to_string(gen() % 5);
    // Mostly inside the blob, so writes overwrite and split earlier ones; sometimes one past its
    // end, which both must refuse.
    uint64_t offset = gen() % (mem_blobs_.size(name).value().value_or(0) + 2);
    std::string bytes(gen() % 24, static_cast<char>('a' + gen() % 26));
    switch (gen() % 10) {
      case 0:
        same(mem_store_.put(key, bytes), stable_.store->put(key, bytes));
        break;
      case 1:
        same(mem_store_.remove(key), stable_.store->remove(key));
        break;
      case 2: {
        std::vector<StoreOp> batch{StoreOp::Put(key, bytes), StoreOp::Remove("k/" + bytes)};
        if (gen() % 4 == 0) batch.push_back(StoreOp::Put("bad key", ""));
        same(mem_store_.apply(batch), stable_.store->apply(batch));
        break;
      }
      case 3:
      case 4:
      case 5:
        same(mem_blobs_.write(name, offset, bytes), stable_.blobs->write(name, offset, bytes));
        break;
      case 6: {
        uint64_t max_bytes = gen() % 30;
        auto a = mem_blobs_.read(name, offset, max_bytes);
        auto b = stable_.blobs->read(name, offset, max_bytes);
        same(a.status(), b.status());
        if (a.ok() && b.ok()) {
          EXPECT_EQ(b.value(), a.value());
        }
        break;
      }
      case 7: {
        std::string to = (gen() % 2 ? "tmp/" : "models/") + std::to_string(gen() % 5);
        same(mem_blobs_.commit(name, to), stable_.blobs->commit(name, to));
        break;
      }
      case 8:
        same(mem_blobs_.remove(name), stable_.blobs->remove(name));
        break;
      default:
        same(mem_blobs_.sha256(name).status(), stable_.blobs->sha256(name).status());
        break;
    }
  }
  void expect_same_contents() {
    EXPECT_EQ(dump(*stable_.store, *stable_.blobs), dump(mem_store_, mem_blobs_));
  }

 private:
  void same(const Status& expected, const Status& got) {
    EXPECT_EQ(got.ok(), expected.ok()) << expected.message() << " / " << got.message();
    EXPECT_EQ(got.code(), expected.code()) << got.message();
  }

  MemoryStore mem_store_;
  MemoryBlobStore mem_blobs_;
  std::shared_ptr<VectorStableMemory> memory_;
  StableStores stable_;
};

TEST(StableStores, AgreesWithMemoryStoresOverRandomOps) {
  std::mt19937 gen(20240609);
  Twin twin;
  for (int i = 1; i <= 1000; ++i) {
    twin.random_op(gen);
    if (i % 97 == 0) {
      twin.expect_same_contents();
      twin.reopen();
    }
  }
  twin.expect_same_contents();
  twin.reopen();
  twin.expect_same_contents();
}

}  // namespace
}  // namespace hyv::service
