#include "hyv/engine/torch_checkpoint.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "file_io.h"

namespace hyv::engine {
namespace {

using namespace std::string_literals;

// Written by tools/reference/make_torch_checkpoints.py with torch.save (see its docstring).
const std::string kFixtures = std::string(HYV_SOURCE_DIR) + "/tests/fixtures/torch/";

std::vector<uint8_t> fixture(const std::string& name) {
  auto bytes = native::read_file(kFixtures + name);
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  return bytes.ok() ? std::move(bytes).value() : std::vector<uint8_t>{};
}

std::string parse_error(Bytes bytes) {
  auto r = TorchCheckpoint::parse(bytes);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

std::string hex(Bytes b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

// --- A stored zip and state-dict pickles built by hand, for cases torch never writes ---

void put_le(std::string& s, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string zip_of(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out, central;
  for (const auto& [name, data] : entries) {
    const size_t offset = out.size();
    put_le(out, 0x04034b50, 4);
    put_le(out, 20, 2);
    put_le(out, 0, 2);  // flags
    put_le(out, 0, 2);  // method: stored
    put_le(out, 0, 4);  // time, date
    put_le(out, 0, 4);  // crc (not checked)
    put_le(out, data.size(), 4);
    put_le(out, data.size(), 4);
    put_le(out, name.size(), 2);
    put_le(out, 0, 2);
    out += name + data;
    put_le(central, 0x02014b50, 4);
    put_le(central, 20, 2);
    put_le(central, 20, 2);
    put_le(central, 0, 2);
    put_le(central, 0, 2);
    put_le(central, 0, 4);
    put_le(central, 0, 4);
    put_le(central, data.size(), 4);
    put_le(central, data.size(), 4);
    put_le(central, name.size(), 2);
    put_le(central, 0, 2);
    put_le(central, 0, 2);
    put_le(central, 0, 2);
    put_le(central, 0, 2);
    put_le(central, 0, 4);
    put_le(central, offset, 4);
    central += name;
  }
  const size_t cd_offset = out.size();
  out += central;
  put_le(out, 0x06054b50, 4);
  put_le(out, 0, 4);
  put_le(out, entries.size(), 2);
  put_le(out, entries.size(), 2);
  put_le(out, central.size(), 4);
  put_le(out, cd_offset, 4);
  put_le(out, 0, 2);
  return out;
}

Bytes bytes_of(const std::string& s) {
  return as_bytes(s);
}

std::string str(const std::string& s) {  // BINUNICODE
  std::string out = "X";
  put_le(out, s.size(), 4);
  return out + s;
}
std::string integer(int32_t v) {  // BININT
  std::string out = "J";
  put_le(out, static_cast<uint32_t>(v), 4);
  return out;
}
std::string ints(const std::vector<int32_t>& v) {  // MARK ... TUPLE
  std::string out = "(";
  for (int32_t i : v) out += integer(i);
  return out + "t";
}

const std::string kOrderedDict = "ccollections\nOrderedDict\n)R";

// _rebuild_tensor_v2 of storage `key` (FloatStorage of `numel`) as torch.save writes it.
std::string tensor(const std::string& key, int numel, int offset, const std::vector<int32_t>& size,
                   const std::vector<int32_t>& stride) {
  return std::string("ctorch._utils\n_rebuild_tensor_v2\n((") + str("storage") +
         "ctorch\nFloatStorage\n" + str(key) + str("cpu") + integer(numel) + "tQ" +
         integer(offset) + ints(size) + ints(stride) + "\x89" + kOrderedDict + "tR";
}

// A state dict {name: tensor} pickled, with storage "0" of `floats` in the zip.
std::string checkpoint_of(const std::string& pickled_items, const std::vector<float>& floats) {
  std::string storage(floats.size() * 4, '\0');
  if (!floats.empty()) std::memcpy(storage.data(), floats.data(), storage.size());
  return zip_of({{"archive/data.pkl", "\x80\x02" + kOrderedDict + "(" + pickled_items + "u."},
                 {"archive/data/0", storage},
                 {"archive/version", "3\n"}});
}

// --- Real torch.save files against the values torch gave ---

TEST(TorchCheckpoint, EveryTensorOfEveryFixtureMatchesWhatTorchSaved) {
  const auto json = fixture("expected.json");
  rapidjson::Document doc;
  doc.Parse(reinterpret_cast<const char*>(json.data()), json.size());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_EQ(doc.MemberCount(), 4u);
  for (const auto& file : doc.GetObject()) {
    const std::string file_name = file.name.GetString();
    SCOPED_TRACE(file_name);
    const auto bytes = fixture(file_name);
    ASSERT_TRUE(is_torch_zip(bytes));
    auto ckpt = TorchCheckpoint::parse(bytes);
    ASSERT_TRUE(ckpt.ok()) << ckpt.status().message();
    EXPECT_EQ(ckpt.value().tensors().size(), file.value.MemberCount());
    for (const auto& m : file.value.GetObject()) {
      SCOPED_TRACE(m.name.GetString());
      const TensorView* t = ckpt.value().find(m.name.GetString());
      ASSERT_NE(t, nullptr);
      EXPECT_STREQ(dtype_name(t->dtype), m.value["dtype"].GetString());
      std::vector<int64_t> shape;
      for (const auto& d : m.value["shape"].GetArray()) shape.push_back(d.GetInt64());
      EXPECT_EQ(t->shape, shape);
      EXPECT_EQ(t->file_offset, m.value["file_offset"].GetUint64());
      EXPECT_EQ(t->data.data(), bytes.data() + t->file_offset);
      EXPECT_EQ(t->data.size(), static_cast<size_t>(t->element_count()) * dtype_bytes(t->dtype));
      EXPECT_EQ(hex(t->data), m.value["hex"].GetString());
    }
  }
}

TEST(TorchCheckpoint, ReadsSlicesScalarsParametersAndEveryDtype) {
  const auto bytes = fixture("state_dict.bin");
  auto ckpt = TorchCheckpoint::parse(bytes);
  ASSERT_TRUE(ckpt.ok()) << ckpt.status().message();
  const TorchCheckpoint& c = ckpt.value();

  // t = arange(12).reshape(3, 4) and t[1:] share one storage; the slice starts 4 floats in.
  const TensorView* full = c.find("slice.full");
  const TensorView* rows = c.find("slice.rows");
  ASSERT_TRUE(full && rows);
  EXPECT_EQ(full->shape, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(rows->shape, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(rows->file_offset, full->file_offset + 16);
  EXPECT_EQ(read_f32(*full).value(), (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(read_f32(*rows).value(), (std::vector<float>{4, 5, 6, 7, 8, 9, 10, 11}));

  // T5's tied embedding: three names, one storage.
  const TensorView* shared = c.find("shared.weight");
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->shape, (std::vector<int64_t>{5, 4}));
  for (const char* name : {"encoder.embed_tokens.weight", "decoder.embed_tokens.weight"}) {
    ASSERT_NE(c.find(name), nullptr) << name;
    EXPECT_EQ(c.find(name)->data.data(), shared->data.data()) << name;
  }
  EXPECT_EQ(c.find("lm_head.weight")->shape, (std::vector<int64_t>{3, 4}));

  EXPECT_EQ(read_f32(*c.find("param")).value(), (std::vector<float>{0.25f, -0.75f}));
  EXPECT_EQ(c.find("param")->shape, (std::vector<int64_t>{1, 2}));
  const TensorView* scalar = c.find("scalar");
  EXPECT_TRUE(scalar->shape.empty());
  EXPECT_EQ(read_f32(*scalar).value(), (std::vector<float>{7.0f}));
  const TensorView* empty = c.find("empty");
  EXPECT_EQ(empty->shape, (std::vector<int64_t>{0, 3}));
  EXPECT_TRUE(empty->data.empty());

  EXPECT_EQ(read_f32(*c.find("dtype.f16")).value(),
            (std::vector<float>{1.5f, -2.0f, 65504.0f, f16_to_f32(0x03ff)}));
  EXPECT_EQ(read_f32(*c.find("dtype.bf16")).value(), (std::vector<float>{1.0f, 3.140625f, -0.5f}));
  int64_t i64[3];
  ASSERT_EQ(c.find("dtype.i64")->data.size(), sizeof i64);
  std::memcpy(i64, c.find("dtype.i64")->data.data(), sizeof i64);
  EXPECT_EQ(i64[2], int64_t{1} << 40);
  EXPECT_EQ(c.find("dtype.f64")->dtype, Dtype::f64);
  EXPECT_EQ(c.find("dtype.i32")->dtype, Dtype::i32);
  EXPECT_EQ(c.find("dtype.i16")->dtype, Dtype::i16);
  EXPECT_EQ(c.find("dtype.i8")->dtype, Dtype::i8);
  EXPECT_EQ(c.find("dtype.u8")->dtype, Dtype::u8);
  EXPECT_EQ(c.find("dtype.bool")->dtype, Dtype::boolean);
  EXPECT_EQ(c.find("_metadata"), nullptr);
  EXPECT_EQ(c.find("missing"), nullptr);
  EXPECT_TRUE(
      std::is_sorted(c.tensors().begin(), c.tensors().end(),
                     [](const TensorView& a, const TensorView& b) { return a.name < b.name; }));
}

TEST(TorchCheckpoint, TakesTheStateDictOfATrainingCheckpoint) {
  const auto bytes = fixture("checkpoint.bin");  // {"epoch", "lr", "note", "state_dict"}
  auto ckpt = TorchCheckpoint::parse(bytes);
  ASSERT_TRUE(ckpt.ok()) << ckpt.status().message();
  ASSERT_EQ(ckpt.value().tensors().size(), 2u);
  EXPECT_EQ(read_f32(*ckpt.value().find("w")).value(), (std::vector<float>{1, 2, 3, 4}));
}

// --- Refusals a user relies on ---

TEST(TorchCheckpoint, RefusesAHostilePickleWithoutRunningIt) {
  const std::string msg = parse_error(fixture("hostile.bin"));
  EXPECT_NE(msg.find("GLOBAL 'os system' is not allowed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("data.pkl byte 2:"), std::string::npos) << msg;

  // The same through protocol 4's STACK_GLOBAL, and another callable.
  const std::string p4 = std::string(
                             "\x80\x04\x8c\x08"
                             "builtins"
                             "\x8c\x04"
                             "eval"
                             "\x93") +
                         str("1") + "\x85R.";
  const std::string msg4 = parse_error(bytes_of(zip_of({{"archive/data.pkl", p4}})));
  EXPECT_NE(msg4.find("STACK_GLOBAL 'builtins eval' is not allowed"), std::string::npos) << msg4;
}

TEST(TorchCheckpoint, RefusesNonContiguousLegacyCompressedAndBigEndianFiles) {
  std::string msg = parse_error(fixture("noncontiguous.bin"));
  EXPECT_NE(msg.find("tensor 't' (shape [3, 2], stride [1, 3]) is not contiguous"),
            std::string::npos)
      << msg;

  msg = parse_error(fixture("legacy.bin"));
  EXPECT_NE(msg.find("legacy (pre-1.6)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("re-save it with a recent torch"), std::string::npos) << msg;
  EXPECT_NE(msg.find("safetensors"), std::string::npos) << msg;
  EXPECT_FALSE(is_torch_zip(fixture("legacy.bin")));

  msg = parse_error(fixture("compressed.bin"));
  EXPECT_NE(msg.find("/data.pkl' (central directory record at byte"), std::string::npos) << msg;
  EXPECT_NE(msg.find("is compressed (method 8, deflate)"), std::string::npos) << msg;

  msg = parse_error(fixture("big_endian.bin"));
  EXPECT_NE(msg.find("/byteorder' (byte"), std::string::npos) << msg;
  EXPECT_NE(msg.find("big-endian"), std::string::npos) << msg;

  msg = parse_error(bytes_of(std::string("hello, world")));
  EXPECT_NE(msg.find("not a PyTorch checkpoint"), std::string::npos) << msg;
}

TEST(TorchCheckpoint, RefusesUnknownOpcodesAndCallsOfNonCallables) {
  std::string msg = parse_error(bytes_of(zip_of({{"a/data.pkl", "\x80\x02(i__main__\nX\n."}})));
  EXPECT_NE(msg.find("data.pkl byte 3: opcode 0x69 'i' (INST) is not one torch.save writes"),
            std::string::npos)
      << msg;
  msg = parse_error(bytes_of(zip_of({{"a/data.pkl",
                                      "\x80\x02"
                                      "ctorch\nFloatStorage\n)R."}})));
  EXPECT_NE(msg.find("REDUCE calls a storage class"), std::string::npos) << msg;
  msg = parse_error(bytes_of(zip_of({{"a/data.pkl", "\x80\x02N)R."}})));
  EXPECT_NE(msg.find("REDUCE calls None"), std::string::npos) << msg;
  msg = parse_error(bytes_of(zip_of({{"a/data.pkl", "\x80\x02h\x05."}})));
  EXPECT_NE(msg.find("BINGET 5 reads a memo entry never stored"), std::string::npos) << msg;
  msg = parse_error(bytes_of(zip_of({{"a/data.pkl", "\x80\x02]."}})));
  EXPECT_NE(msg.find("not a dict"), std::string::npos) << msg;
}

TEST(TorchCheckpoint, BoundsWhatAHostilePickleMayBuild) {
  std::string msg = parse_error(bytes_of(zip_of({{"a/data.pkl", std::string(5000, '(')}})));
  EXPECT_NE(msg.find("more than 4096 nested MARKs"), std::string::npos) << msg;

  // A string claiming 4 GiB: refused before anything is read or allocated.
  msg = parse_error(bytes_of(zip_of({{"a/data.pkl", "\x80\x02X\xff\xff\xff\xff."}})));
  EXPECT_NE(msg.find("a string of 4294967295 bytes"), std::string::npos) << msg;

  msg = parse_error(bytes_of(zip_of({{"a/data.pkl", std::string((1 << 20) + 1, 'N')}})));
  EXPECT_NE(msg.find("more than 1048576 values"), std::string::npos) << msg;

  // One value pushed a million times (BINGET) or appended a million times (BINGET + APPENDS).
  std::string flood = "\x80\x02Nq\x00"s;
  for (int i = 0; i < (1 << 20); ++i) flood += "h\x00"s;
  msg = parse_error(bytes_of(zip_of({{"a/data.pkl", flood}})));
  EXPECT_NE(msg.find("the stack holds more than"), std::string::npos) << msg;
  std::string appends = "\x80\x02]q\x00"s;  // a list that holds itself
  for (int i = 0; i < 5; ++i) {
    appends += "(";
    for (int j = 0; j < 1000000; ++j) appends += "h\x00"s;
    appends += "e";
  }
  msg = parse_error(bytes_of(zip_of({{"a/data.pkl", appends}})));
  EXPECT_NE(msg.find("hold more than 4194304 items"), std::string::npos) << msg;
}

TEST(TorchCheckpoint, ChecksEveryTensorAgainstItsStorage) {
  const std::vector<float> six = {0, 1, 2, 3, 4, 5};
  // Accepted: two tensors of one storage, the second from element 2.
  auto ok = checkpoint_of(
      str("x") + tensor("0", 6, 0, {2, 3}, {3, 1}) + str("y") + tensor("0", 6, 2, {4}, {1}), six);
  auto ckpt = TorchCheckpoint::parse(bytes_of(ok));
  ASSERT_TRUE(ckpt.ok()) << ckpt.status().message();
  EXPECT_EQ(read_f32(*ckpt.value().find("y")).value(), (std::vector<float>{2, 3, 4, 5}));

  std::string msg =
      parse_error(bytes_of(checkpoint_of(str("x") + tensor("0", 6, 3, {4}, {1}), six)));
  EXPECT_NE(msg.find("tensor 'x' (shape [4] at storage_offset 3) runs past its storage '0' of 6"),
            std::string::npos)
      << msg;
  msg = parse_error(bytes_of(checkpoint_of(str("x") + tensor("0", 7, 0, {6}, {1}), six)));
  EXPECT_NE(msg.find("tensor 'x': its storage 'archive/data/0' (file byte"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("is 24 bytes, but data.pkl gives it 7 elements of F32"), std::string::npos)
      << msg;
  msg = parse_error(bytes_of(checkpoint_of(str("x") + tensor("9", 6, 0, {6}, {1}), six)));
  EXPECT_NE(msg.find("tensor 'x': its storage 'archive/data/9' is missing"), std::string::npos)
      << msg;
  msg = parse_error(bytes_of(checkpoint_of(str("x") + tensor("0", 6, 0, {-1}, {1}), six)));
  EXPECT_NE(msg.find("negative dimension"), std::string::npos) << msg;
  msg = parse_error(bytes_of(checkpoint_of(integer(1) + tensor("0", 6, 0, {6}, {1}), six)));
  EXPECT_NE(msg.find("a tensor's key is not a string"), std::string::npos) << msg;
  msg = parse_error(bytes_of(checkpoint_of(
      str("x") + tensor("0", 6, 0, {6}, {1}) + str("x") + tensor("0", 6, 0, {6}, {1}), six)));
  EXPECT_NE(msg.find("tensor 'x' appears twice"), std::string::npos) << msg;
  msg = parse_error(bytes_of(checkpoint_of(str("x") + integer(1), six)));
  EXPECT_NE(msg.find("holds no tensors"), std::string::npos) << msg;
}

// --- Truncated and corrupt files: always an error or consistent views, never a crash ---

void expect_views_inside(Bytes file, const TorchCheckpoint& c) {
  for (const TensorView& t : c.tensors()) {
    ASSERT_LE(t.file_offset, file.size());
    ASSERT_LE(t.data.size(), file.size() - t.file_offset);
    ASSERT_EQ(t.data.data(), file.data() + t.file_offset);
    ASSERT_EQ(t.data.size(), static_cast<size_t>(t.element_count()) * dtype_bytes(t.dtype));
  }
}

TEST(TorchCheckpoint, EveryTruncationIsAnError) {
  for (const char* name : {"state_dict.bin", "zip64.bin", "protocol4.bin"}) {
    const auto bytes = fixture(name);
    for (size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_FALSE(TorchCheckpoint::parse(Bytes(bytes.data(), n)).ok()) << name << " at " << n;
    }
  }
  // Inside the zip: data.pkl cut at every byte.
  const std::string pkl =
      "\x80\x02" + kOrderedDict + "(" + str("x") + tensor("0", 1, 0, {1}, {1}) + "u.";
  for (size_t n = 0; n < pkl.size(); ++n) {
    const auto zip = zip_of({{"archive/data.pkl", pkl.substr(0, n)}, {"archive/data/0", "abcd"}});
    const std::string msg = parse_error(bytes_of(zip));
    EXPECT_NE(msg.find("data.pkl"), std::string::npos) << n << ": " << msg;
  }
}

TEST(TorchCheckpoint, CorruptBytesGiveAnErrorOrViewsInsideTheFile) {
  for (const char* name : {"state_dict.bin", "zip64.bin"}) {
    auto bytes = fixture(name);
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (uint8_t x : {uint8_t{0xff}, uint8_t{0x01}}) {
        bytes[i] ^= x;
        auto r = TorchCheckpoint::parse(bytes);
        if (r.ok()) expect_views_inside(bytes, r.value());
        bytes[i] ^= x;
      }
    }
  }
}

}  // namespace
}  // namespace hyv::engine
