#include "hyv/engine/safetensors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "file_io.h"

namespace hyv::engine {
namespace {

const std::string kFixture = std::string(HYV_SOURCE_DIR) + "/tests/fixtures/tiny-gpt2/";

std::vector<uint8_t> file_bytes(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(8 + header.size() + data.size());
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(n >> (8 * i));
  std::memcpy(out.data() + 8, header.data(), header.size());
  if (!data.empty()) std::memcpy(out.data() + 8 + header.size(), data.data(), data.size());
  return out;
}

template <class T>
std::vector<uint8_t> raw(const std::vector<T>& values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

std::string parse_error(const std::vector<uint8_t>& bytes) {
  auto r = SafetensorsFile::parse(bytes);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(Safetensors, ReadsTensorsOfEachFloatDtypeAndIgnoresMetadata) {
  std::vector<uint8_t> data = raw(std::vector<float>{1.5f, -2.0f, 0.25f, 8.0f});
  const auto f16 = raw(std::vector<uint16_t>{0x3c00, 0xc000, 0x3555});  // 1, -2, 0.333251953125
  const auto bf16 = raw(std::vector<uint16_t>{0x3f80, 0x4049});         // 1, 3.140625
  data.insert(data.end(), f16.begin(), f16.end());
  data.insert(data.end(), bf16.begin(), bf16.end());
  const std::string header = R"({"__metadata__":{"format":"pt"},)"
                             R"("a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},)"
                             R"("b":{"dtype":"F16","shape":[3],"data_offsets":[16,22]},)"
                             R"("c":{"dtype":"BF16","shape":[2],"data_offsets":[22,26]}})";
  const auto bytes = file_bytes(header, data);
  auto file = SafetensorsFile::parse(bytes);
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_EQ(file.value().tensors().size(), 3u);
  EXPECT_EQ(file.value().find("__metadata__"), nullptr);

  const TensorView* a = file.value().find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(a->file_offset, 8 + header.size());
  EXPECT_EQ(read_f32(*a).value(), (std::vector<float>{1.5f, -2.0f, 0.25f, 8.0f}));
  EXPECT_EQ(read_f32(*file.value().find("b")).value(),
            (std::vector<float>{1.0f, -2.0f, 0.333251953125f}));
  EXPECT_EQ(read_f32(*file.value().find("c")).value(), (std::vector<float>{1.0f, 3.140625f}));
}

// Every half-precision bit pattern against its value computed by arithmetic from the fields.
TEST(Safetensors, F16ConversionMatchesTheFormatDefinitionForAllPatterns) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const int sign = (bits >> 15) ? -1 : 1;
    const int exponent = (bits >> 10) & 0x1f;
    const int mantissa = bits & 0x3ff;
    const float got = f16_to_f32(static_cast<uint16_t>(bits));
    if (exponent == 31) {
      if (mantissa == 0) {
        EXPECT_EQ(got, sign * INFINITY) << bits;
      } else {
        EXPECT_TRUE(std::isnan(got)) << bits;
      }
      continue;
    }
    const double expected = exponent == 0 ? sign * std::ldexp(mantissa, -24)
                                          : sign * std::ldexp(1024 + mantissa, exponent - 25);
    ASSERT_EQ(static_cast<double>(got), expected) << "bits " << bits;
    EXPECT_EQ(std::signbit(got), sign < 0) << bits;
  }
}

TEST(Safetensors, Bf16IsTheUpperHalfOfAFloat) {
  EXPECT_EQ(bf16_to_f32(0x3f80), 1.0f);
  EXPECT_EQ(bf16_to_f32(0xc000), -2.0f);
  EXPECT_EQ(bf16_to_f32(0x0001), std::ldexp(1.0f, -133));  // smallest subnormal
  EXPECT_EQ(bf16_to_f32(0x7f80), INFINITY);
  EXPECT_TRUE(std::isnan(bf16_to_f32(0x7fc0)));
}

// The fixture's three files hold the same numbers as F32, F16 and BF16 (the generator checks
// that they are exactly representable), so every converted tensor must agree bit for bit.
TEST(Safetensors, FixtureF16AndBf16CopiesConvertToTheF32Values) {
  auto f32_bytes = native::read_file(kFixture + "model.safetensors");
  ASSERT_TRUE(f32_bytes.ok()) << f32_bytes.status().message();
  auto f32 = SafetensorsFile::parse(f32_bytes.value());
  ASSERT_TRUE(f32.ok()) << f32.status().message();
  const TensorView* mask = f32.value().find("transformer.h.1.attn.bias");
  ASSERT_NE(mask, nullptr);
  EXPECT_EQ(mask->dtype, Dtype::boolean);
  EXPECT_EQ(mask->shape, (std::vector<int64_t>{1, 1, 128, 128}));

  for (const char* name : {"model-f16.safetensors", "model-bf16.safetensors"}) {
    auto bytes = native::read_file(kFixture + name);
    ASSERT_TRUE(bytes.ok()) << bytes.status().message();
    auto half = SafetensorsFile::parse(bytes.value());
    ASSERT_TRUE(half.ok()) << half.status().message();
    int compared = 0;
    for (const TensorView& t : half.value().tensors()) {
      if (t.name == "lm_head.weight") continue;
      const TensorView* ref = f32.value().find("transformer." + t.name);
      ASSERT_NE(ref, nullptr) << t.name;
      EXPECT_EQ(t.shape, ref->shape) << t.name;
      EXPECT_EQ(read_f32(t).value(), read_f32(*ref).value()) << name << " " << t.name;
      ++compared;
    }
    EXPECT_EQ(compared, 4 + 12 * 2) << name;  // wte, wpe, ln_f x2, 12 per layer
  }
}

TEST(Safetensors, TruncatedFilesAreRefusedWithTheirSize) {
  auto bytes = native::read_file(kFixture + "model.safetensors");
  ASSERT_TRUE(bytes.ok());
  const std::vector<uint8_t>& full = bytes.value();
  EXPECT_NE(parse_error({full.begin(), full.begin() + 5}).find("8-byte header length"),
            std::string::npos);
  uint64_t header = 0;
  std::memcpy(&header, full.data(), 8);
  const std::string in_header = parse_error({full.begin(), full.begin() + 8 + header / 2});
  EXPECT_NE(in_header.find("truncated"), std::string::npos) << in_header;
  const size_t cut = full.size() - 1000;
  const std::string in_data = parse_error({full.begin(), full.begin() + cut});
  EXPECT_NE(in_data.find("truncated"), std::string::npos) << in_data;
  EXPECT_NE(in_data.find(std::to_string(cut) + " bytes"), std::string::npos) << in_data;
  EXPECT_NE(in_data.find("tensor '"), std::string::npos) << in_data;
}

TEST(Safetensors, BadHeaderJsonNamesTheByteOffset) {
  const std::string msg = parse_error(file_bytes(R"({"a": {"dtype": "F32",)", {}));
  EXPECT_NE(msg.find("header JSON is invalid at byte"), std::string::npos) << msg;
  EXPECT_NE(parse_error(file_bytes("[1, 2]", {})).find("must be an object"), std::string::npos);
  EXPECT_NE(parse_error(file_bytes(R"({"a": 3})", {})).find("tensor 'a'"), std::string::npos);
  const std::string huge = parse_error({0, 0, 0, 0, 0, 1, 0, 0, '{', '}'});
  EXPECT_NE(huge.find("exceeds 100 MB"), std::string::npos) << huge;
}

TEST(Safetensors, UnknownDtypeNamesTensorAndDtype) {
  const std::string msg =
      parse_error(file_bytes(R"({"w":{"dtype":"Q4_0","shape":[2],"data_offsets":[0,2]}})", {0, 0}));
  EXPECT_NE(msg.find("tensor 'w'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Q4_0"), std::string::npos) << msg;
}

TEST(Safetensors, NonFloatDtypesParseButDoNotConvert) {
  const auto bytes = file_bytes(R"({"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})",
                                std::vector<uint8_t>(8, 0));
  auto file = SafetensorsFile::parse(bytes);
  ASSERT_TRUE(file.ok()) << file.status().message();
  auto values = read_f32(*file.value().find("ids"));
  ASSERT_FALSE(values.ok());
  EXPECT_NE(values.status().message().find("tensor 'ids' has dtype I64"), std::string::npos)
      << values.status().message();
}

TEST(Safetensors, OffsetsAreCheckedAgainstFileShapeAndEachOther) {
  const std::vector<uint8_t> data(16, 0);
  const std::string past =
      parse_error(file_bytes(R"({"w":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}})", data));
  EXPECT_NE(past.find("tensor 'w'"), std::string::npos) << past;
  EXPECT_NE(past.find("run past the end"), std::string::npos) << past;
  EXPECT_NE(past.find("file bytes 63..95"), std::string::npos) << past;  // 8 + 55-byte header

  const std::string size =
      parse_error(file_bytes(R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})", data));
  EXPECT_NE(size.find("needs 16 bytes"), std::string::npos) << size;

  const std::string reversed =
      parse_error(file_bytes(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", data));
  EXPECT_NE(reversed.find("end before they begin"), std::string::npos) << reversed;

  const std::string overlap =
      parse_error(file_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                             data));
  EXPECT_NE(overlap.find("overlap"), std::string::npos) << overlap;

  const std::string twice =
      parse_error(file_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                             R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                             data));
  EXPECT_NE(twice.find("appears twice"), std::string::npos) << twice;

  const std::string negative =
      parse_error(file_bytes(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", data));
  EXPECT_NE(negative.find("non-negative"), std::string::npos) << negative;
}

TEST(Safetensors, EmptyTensorsAndGapsAreAccepted) {
  const auto bytes = file_bytes(R"({"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},)"
                                R"("w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                std::vector<uint8_t>(8, 0));
  auto file = SafetensorsFile::parse(bytes);
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file.value().find("e")->element_count(), 0);
  EXPECT_EQ(read_f32(*file.value().find("w")).value(), std::vector<float>{0.0f});
}

// Issue 17: NaN or Inf weights loaded silently and made every logit NaN ("!!!!!" out). Each float
// dtype is refused with the tensor's name and the first bad element's index.
TEST(Safetensors, RefusesNonFiniteValuesNamingTheTensorAndTheFirstBadElement) {
  const float nan = std::nanf("");
  std::vector<uint8_t> data = raw(std::vector<float>{0, 1, 2, 3, 4, nan, 6, nan});  // [2, 4]
  const auto f16 = raw(std::vector<uint16_t>{0x3c00, 0x3c00, 0x7c00});              // 1, 1, +inf
  const auto bf16 = raw(std::vector<uint16_t>{0xff80, 0x3f80});                     // -inf, 1
  const auto ok = raw(std::vector<float>{1e30f, -65504.0f});
  data.insert(data.end(), f16.begin(), f16.end());
  data.insert(data.end(), bf16.begin(), bf16.end());
  data.insert(data.end(), ok.begin(), ok.end());
  const std::string header = R"({"a":{"dtype":"F32","shape":[2,4],"data_offsets":[0,32]},)"
                             R"("b":{"dtype":"F16","shape":[3],"data_offsets":[32,38]},)"
                             R"("c":{"dtype":"BF16","shape":[2],"data_offsets":[38,42]},)"
                             R"("d":{"dtype":"F32","shape":[2],"data_offsets":[42,50]}})";
  const auto bytes = file_bytes(header, data);
  auto file = SafetensorsFile::parse(bytes);
  ASSERT_TRUE(file.ok()) << file.status().message();
  struct Case {
    const char* tensor;
    const char* message;
  };
  for (const Case& c : {Case{"a", "tensor 'a' (F32, shape [2, 4]): element 5 [1, 1] is NaN"},
                        Case{"b", "tensor 'b' (F16, shape [3]): element 2 [2] is +inf"},
                        Case{"c", "tensor 'c' (BF16, shape [2]): element 0 [0] is -inf"}}) {
    const TensorView& t = *file.value().find(c.tensor);
    auto values = read_f32(t);
    ASSERT_FALSE(values.ok()) << c.tensor;
    EXPECT_NE(values.status().message().find(c.message), std::string::npos)
        << values.status().message();
    EXPECT_NE(values.status().message().find("weights must be finite"), std::string::npos);
    EXPECT_EQ(check_finite(t).message(), values.status().message());
  }
  EXPECT_TRUE(check_finite(*file.value().find("d")).ok());
  EXPECT_EQ(read_f32(*file.value().find("d")).value(), (std::vector<float>{1e30f, -65504.0f}));
}

// The F32 read scans in blocks: a bad value past the first block, and in the last one, is found.
TEST(Safetensors, FindsANonFiniteValueInAnyBlockOfALargeTensor) {
  for (size_t bad : {size_t{4096}, size_t{10000}, size_t{12287}}) {
    std::vector<float> values(12288, 0.5f);
    values[bad] = -std::numeric_limits<float>::infinity();
    const std::string header = R"({"w":{"dtype":"F32","shape":[3,4096],"data_offsets":[0,49152]}})";
    const auto bytes = file_bytes(header, raw(values));
    auto file = SafetensorsFile::parse(bytes);
    ASSERT_TRUE(file.ok()) << file.status().message();
    auto read = read_f32(*file.value().find("w"));
    ASSERT_FALSE(read.ok()) << bad;
    const std::string want = "element " + std::to_string(bad) + " [" + std::to_string(bad / 4096) +
                             ", " + std::to_string(bad % 4096) + "] is -inf";
    EXPECT_NE(read.status().message().find(want), std::string::npos) << read.status().message();
  }
}

}  // namespace
}  // namespace hyv::engine
