// The SentencePiece unigram tokenizer. Its oracle is SentencePiece itself (Debian's
// python3-sentencepiece): tests/fixtures/tiny-t5-spiece/expected.tsv holds its ids and decodes
// for tricky strings (tools/reference/make_tiny_spiece.py), and UnigramParity.LiveOracle compares
// thousands more against models trained at test time when tests/tokenizer/unigram_parity_test.sh
// runs it. The hand-made models below pin the rules one at a time: ties, <unk> runs,
// user-defined pieces, byte fallback, whitespace options, and the loaders' errors.
#include "hyv/engine/unigram_tokenizer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace hyv::engine {
namespace {

const std::string kFixture = std::string(HYV_SOURCE_DIR) + "/tests/fixtures/tiny-t5-spiece/";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path << " is missing";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// --- a protobuf writer, for hand-made spiece.model files ---

std::string varint(uint64_t v) {
  std::string out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(static_cast<char>(b | (v != 0 ? 0x80 : 0)));
  } while (v != 0);
  return out;
}
std::string key(int field, int wire) {
  return varint(static_cast<uint64_t>(field) << 3 | wire);
}
std::string bytes_field(int field, std::string_view s) {
  return key(field, 2) + varint(s.size()) + std::string(s);
}
std::string varint_field(int field, int64_t v) {
  return key(field, 0) + varint(static_cast<uint64_t>(v));
}
std::string float_field(int field, float v) {
  std::string out = key(field, 5);
  char b[4];
  std::memcpy(b, &v, 4);
  return out + std::string(b, 4);
}

enum Type { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };

struct Piece {
  std::string piece;
  float score;
  Type type = kNormal;
};

std::string piece_message(const Piece& p) {
  return bytes_field(1, p.piece) + float_field(2, p.score) + varint_field(3, p.type);
}

struct Options {
  bool add_dummy_prefix = true;
  bool remove_extra_whitespaces = true;
  bool byte_fallback = false;
  int model_type = 1;
};

// <pad> 0, </s> 1, <unk> 2 as T5's, then the given pieces; no charsmap (identity).
std::string model_bytes(const std::vector<Piece>& pieces, const Options& o = {}) {
  std::string m;
  std::vector<Piece> all = {{"<pad>", 0, kControl}, {"</s>", 0, kControl}, {"<unk>", 0, kUnknown}};
  all.insert(all.end(), pieces.begin(), pieces.end());
  for (const Piece& p : all) m += bytes_field(1, piece_message(p));
  std::string trainer = varint_field(3, o.model_type) + varint_field(40, 2) + varint_field(41, -1) +
                        varint_field(42, 1) + varint_field(43, 0);
  if (o.byte_fallback) trainer += varint_field(35, 1);
  m += bytes_field(2, trainer);
  m += bytes_field(3, bytes_field(1, "identity") + varint_field(3, o.add_dummy_prefix) +
                          varint_field(4, o.remove_extra_whitespaces) + varint_field(5, 1));
  return m;
}

UnigramTokenizer load(const std::string& bytes) {
  auto r = UnigramTokenizer::from_spiece_model(as_bytes(bytes));
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : UnigramTokenizer();
}

std::string load_error(const std::string& bytes) {
  auto r = UnigramTokenizer::from_spiece_model(as_bytes(bytes));
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

std::string json_error(const std::string& json) {
  auto r = UnigramTokenizer::from_tokenizer_json(json);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

std::vector<std::string> pieces_of(const UnigramTokenizer& tok, const std::vector<int32_t>& ids) {
  std::vector<std::string> out;
  for (int32_t id : ids) out.push_back(tok.piece(id));
  return out;
}

using Pieces = std::vector<std::string>;
const std::string kSp = "\xE2\x96\x81";  // ▁

// --- cases written by SentencePiece: "input hex<TAB>ids<TAB>decode hex" ---

std::string unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string hex(std::string_view s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

struct Case {
  std::string input;
  std::vector<int32_t> ids;
  std::string decoded;
};

std::vector<Case> read_cases(const std::string& path) {
  std::vector<Case> cases;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t t1 = line.find('\t');
    size_t t2 = line.find('\t', t1 + 1);
    EXPECT_NE(t2, std::string::npos) << path << ": " << line;
    if (t2 == std::string::npos) break;
    Case c;
    c.input = unhex(line.substr(0, t1));
    std::istringstream ids(line.substr(t1 + 1, t2 - t1 - 1));
    for (int32_t id; ids >> id;) c.ids.push_back(id);
    c.decoded = unhex(line.substr(t2 + 1));
    cases.push_back(std::move(c));
  }
  return cases;
}

// Compares every case; reports the first few that differ. Returns the number that differ.
int compare(const UnigramTokenizer& tok, const std::vector<Case>& cases, const std::string& name) {
  int bad = 0;
  for (const Case& c : cases) {
    std::vector<int32_t> ids = tok.encode(c.input);
    std::string decoded = tok.decode(ids);
    if (ids == c.ids && decoded == c.decoded) continue;
    if (++bad <= 5) {
      std::ostringstream got, want;
      for (int32_t id : ids) got << id << " ";
      for (int32_t id : c.ids) want << id << " ";
      ADD_FAILURE() << name << ": input (hex) " << hex(c.input) << "\n  ids  " << got.str()
                    << "\n  want " << want.str() << "\n  decode (hex) " << hex(decoded)
                    << "\n  want         " << hex(c.decoded);
    }
  }
  return bad;
}

const UnigramTokenizer& fixture_spiece() {
  static const UnigramTokenizer tok = load(read_file(kFixture + "spiece.model"));
  return tok;
}

const UnigramTokenizer& fixture_json() {
  static const UnigramTokenizer tok = [] {
    auto r = UnigramTokenizer::from_tokenizer_json(read_file(kFixture + "tokenizer.json"));
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::move(r).value() : UnigramTokenizer();
  }();
  return tok;
}

TEST(UnigramTokenizer, MatchesSentencePieceOnTrickyStringsFromSpieceModel) {
  std::vector<Case> cases = read_cases(kFixture + "expected.tsv");
  ASSERT_GT(cases.size(), 100u);
  EXPECT_EQ(compare(fixture_spiece(), cases, "spiece.model"), 0);
}

TEST(UnigramTokenizer, MatchesSentencePieceOnTrickyStringsFromTokenizerJson) {
  std::vector<Case> cases = read_cases(kFixture + "expected.tsv");
  EXPECT_EQ(compare(fixture_json(), cases, "tokenizer.json"), 0);
}

TEST(UnigramTokenizer, BothLoadersGiveT5sSpecialIdsAndTheSameVocabulary) {
  const UnigramTokenizer& a = fixture_spiece();
  const UnigramTokenizer& b = fixture_json();
  EXPECT_EQ(a.vocab_size(), 600);
  EXPECT_EQ(b.vocab_size(), a.vocab_size());
  for (const UnigramTokenizer* t : {&a, &b}) {
    EXPECT_EQ(t->pad_id(), 0);
    EXPECT_EQ(t->eos_id(), 1);
    EXPECT_EQ(t->unk_id(), 2);
    EXPECT_EQ(t->bos_id(), -1);
    EXPECT_EQ(t->piece(1), "</s>");
    EXPECT_EQ(t->piece_id("</s>"), 1);
    EXPECT_EQ(t->piece_id(kSp), 3);
    EXPECT_EQ(t->piece_id("no such piece"), std::nullopt);
    EXPECT_EQ(t->piece(-1), "");
    EXPECT_EQ(t->piece(600), "");
  }
  for (int id = 0; id < a.vocab_size(); ++id) EXPECT_EQ(a.piece(id), b.piece(id));
}

TEST(UnigramTokenizer, ControlPiecesInTextAreNotMatchedAndDecodeToNothing) {
  const UnigramTokenizer& tok = fixture_spiece();
  std::vector<int32_t> ids = tok.encode("</s>");
  EXPECT_TRUE(std::find(ids.begin(), ids.end(), 1) == ids.end());
  std::vector<int32_t> with_eos = tok.encode("Hello world");
  with_eos.push_back(tok.eos_id());
  with_eos.insert(with_eos.begin(), tok.pad_id());
  EXPECT_EQ(tok.decode(with_eos), "Hello world");
}

TEST(UnigramTokenizer, DecodeSkipsIdsOutsideTheVocabulary) {
  const UnigramTokenizer& tok = fixture_spiece();
  std::vector<int32_t> ids = tok.encode("Hello world");
  ids.insert(ids.begin() + 1, 1 << 30);
  ids.push_back(-5);
  EXPECT_EQ(tok.decode(ids), "Hello world");
}

TEST(UnigramTokenizer, EncodesFastEnough) {
  // Not a benchmark (the machine is shared): prints the rate, and fails only if it is absurd.
  std::string text = read_file(std::string(HYV_SOURCE_DIR) + "/docs/fuzzing.md");
  const UnigramTokenizer& tok = fixture_spiece();
  size_t tokens = 0;
  auto t0 = std::chrono::steady_clock::now();
  constexpr int kRounds = 20;
  for (int i = 0; i < kRounds; ++i) tokens += tok.encode(text).size();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double mb_per_s = static_cast<double>(text.size()) * kRounds / s / 1e6;
  std::cout << "encode: " << mb_per_s << " MB/s, " << static_cast<double>(tokens) / s / 1e6
            << " M tokens/s (tiny-t5-spiece, docs/fuzzing.md)\n";
  EXPECT_GT(mb_per_s, 0.5);
}

// --- the rules, on hand-made models ---

TEST(UnigramTokenizer, PicksTheBestScoringSegmentation) {
  UnigramTokenizer tok = load(model_bytes({{kSp, -1},
                                           {"a", -1},
                                           {"b", -1},
                                           {"c", -1},
                                           {kSp + "ab", -5},
                                           {"bc", -1.5},
                                           {kSp + "a", -1}}));
  // ▁a + bc = -2.5 beats ▁ab + c = -6 and ▁ + a + b + c = -4.
  EXPECT_EQ(pieces_of(tok, tok.encode("abc")), (Pieces{kSp + "a", "bc"}));
}

TEST(UnigramTokenizer, TiesKeepTheEarlierStartThenTheShorterPiece) {
  // ▁ab (-3) and ▁a + b (-1.5 + -1.5) tie at the end of "ab": the path found first stays, which
  // is the one whose last piece starts earlier (▁ab, found from position 0).
  UnigramTokenizer tok =
      load(model_bytes({{kSp, -1}, {"a", -2}, {"b", -1.5}, {kSp + "a", -1.5}, {kSp + "ab", -3}}));
  EXPECT_EQ(pieces_of(tok, tok.encode("ab")), (Pieces{kSp + "ab"}));
}

TEST(UnigramTokenizer, UnknownCharactersMergeIntoOneUnk) {
  UnigramTokenizer tok = load(model_bytes({{kSp, -1}, {"a", -1}}));
  // "x", "y", "é" and "😀" have no piece: each is an <unk> node, and a run of them one id.
  EXPECT_EQ(tok.encode("axy\xC3\xA9\xF0\x9F\x98\x80"
                       "a"),
            (std::vector<int32_t>{3, 4, 2, 4}));
  EXPECT_EQ(tok.decode(tok.encode("axya")), "a \xE2\x81\x87 a");
}

TEST(UnigramTokenizer, UserDefinedPiecesWinAndSkipNormalization) {
  UnigramTokenizer tok = load(model_bytes({{kSp, -1},
                                           {"a", -1},
                                           {"b", -1},
                                           {"<", -1},
                                           {">", -1},
                                           {"ab", -0.5},
                                           {"<b>", -100, kUserDefined}}));
  // <b> is taken whole though < + b + > scores better; "a<b>b" keeps ab out by going first.
  EXPECT_EQ(pieces_of(tok, tok.encode("a<b>b")), (Pieces{kSp, "a", "<b>", "b"}));
  EXPECT_EQ(tok.decode(tok.encode("a<b>b")), "a<b>b");
}

TEST(UnigramTokenizer, UnusedPiecesAreNeverChosen) {
  UnigramTokenizer tok =
      load(model_bytes({{kSp, -1}, {"a", -1}, {"b", -1}, {kSp + "ab", -0.1, kUnused}}));
  EXPECT_EQ(pieces_of(tok, tok.encode("ab")), (Pieces{kSp, "a", "b"}));
}

TEST(UnigramTokenizer, ExtraWhitespaceIsRemovedAndTheFirstSpaceDroppedOnDecode) {
  UnigramTokenizer tok = load(model_bytes({{kSp, -1}, {"a", -1}, {"b", -1}}));
  EXPECT_EQ(pieces_of(tok, tok.encode("   a    b  ")), (Pieces{kSp, "a", kSp, "b"}));
  EXPECT_EQ(tok.decode(tok.encode("   a    b  ")), "a b");
  EXPECT_TRUE(tok.encode("").empty());
  EXPECT_TRUE(tok.encode("    ").empty());
}

TEST(UnigramTokenizer, KeepsWhitespaceWhenTheModelSaysSo) {
  Options o;
  o.remove_extra_whitespaces = false;
  o.add_dummy_prefix = false;
  UnigramTokenizer tok = load(model_bytes({{kSp, -1}, {"a", -1}}, o));
  EXPECT_EQ(pieces_of(tok, tok.encode(" a  ")), (Pieces{kSp, "a", kSp, kSp}));
  // Only the first piece's leading ▁ goes (as sp.decode: add_dummy_prefix and
  // remove_extra_whitespaces both off keeps it).
  EXPECT_EQ(tok.decode(tok.encode(" a  ")), " a  ");
}

TEST(UnigramTokenizer, MalformedUtf8BytesAreReplacementCharacters) {
  UnigramTokenizer tok = load(model_bytes({{kSp, -1}, {"a", -1}, {"\xEF\xBF\xBD", -1}}));
  EXPECT_EQ(pieces_of(tok, tok.encode("a\xFF\xC3"
                                      "a")),
            (Pieces{kSp, "a", "\xEF\xBF\xBD", "\xEF\xBF\xBD", "a"}));
}

std::vector<Piece> byte_pieces() {
  std::vector<Piece> out;
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    out.push_back({name, 0, kByte});
  }
  return out;
}

TEST(UnigramTokenizer, ByteFallbackSpellsUnknownCharactersAsBytes) {
  std::vector<Piece> pieces = byte_pieces();  // ids 3..258
  pieces.push_back({kSp, -1});
  pieces.push_back({"a", -1});
  Options o;
  o.byte_fallback = true;
  UnigramTokenizer tok = load(model_bytes(pieces, o));
  EXPECT_EQ(tok.encode("a\xC3\xA9"), (std::vector<int32_t>{259, 260, 3 + 0xC3, 3 + 0xA9}));
  EXPECT_EQ(tok.decode(tok.encode("a\xC3\xA9")), "a\xC3\xA9");
  // A byte run that is not UTF-8 decodes as U+FFFD per byte.
  EXPECT_EQ(tok.decode(std::vector<int32_t>{260, 3 + 0xFF, 3 + 0xC3}), "a\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(UnigramTokenizer, RefusesBrokenModels) {
  std::string bpe = model_bytes({{"a", -1}}, Options{true, true, false, 2});
  // The model_type key is the trainer_spec's first byte, after its key and one-byte length.
  size_t at = bpe.find(varint_field(3, 2) + varint_field(40, 2));
  EXPECT_EQ(load_error(bpe), "spiece.model: trainer_spec.model_type is BPE (byte " +
                                 std::to_string(at) +
                                 "); only unigram models (T5's) are supported");
  EXPECT_NE(load_error(model_bytes({{"a", -1}, {"a", -2}}))
                .find("pieces[4]: \"a\" is already "
                      "defined (spiece.model: "
                      "pieces[3])"),
            std::string::npos);
  EXPECT_NE(load_error(model_bytes({{"", -1}})).find("pieces[3]: the piece is empty"),
            std::string::npos);
  EXPECT_NE(load_error(model_bytes({{"<0x41>", 0, kByte}})).find("byte_fallback is off"),
            std::string::npos);
  Options bf;
  bf.byte_fallback = true;
  EXPECT_NE(load_error(model_bytes({{"a", -1}}, bf)).find("not all 256 byte pieces"),
            std::string::npos);
  EXPECT_NE(load_error(model_bytes({{"x", -1, kUnknown}})).find("a second unknown piece"),
            std::string::npos);
  EXPECT_NE(load_error(bytes_field(1, piece_message({"a", -1}))).find("no unknown piece"),
            std::string::npos);
  EXPECT_EQ(load_error(""), "spiece.model: no pieces; is this a SentencePiece model?");
  EXPECT_EQ(load_error("{\"model\": 1}"),
            "spiece.model: field 15 has wire type 3, which is not supported at byte 0");
}

TEST(UnigramTokenizer, WireFormatErrorsNameTheFieldAndByteOffset) {
  std::string good = model_bytes({{"a", -1}});
  // Cut inside the first piece (<pad>: 14 bytes): its length says more than there is.
  EXPECT_EQ(load_error(good.substr(0, 5)),
            "spiece.model: field 1 of 14 bytes runs past the end at byte 0");
  // A score written as a varint.
  std::string bad_score = bytes_field(1, bytes_field(1, "a") + varint_field(2, 7));
  EXPECT_EQ(load_error(bad_score),
            "spiece.model: pieces[0].score: expected a fixed32 value at byte 5");
  std::string bad_type = bytes_field(1, bytes_field(1, "a") + varint_field(3, 9));
  EXPECT_EQ(load_error(bad_type), "spiece.model: pieces[0].type: unknown piece type 9 at byte 5");
  EXPECT_EQ(load_error(std::string("\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12)),
            "spiece.model: a varint is longer than 10 bytes at byte 1");
  std::string charsmap = bytes_field(3, bytes_field(2, std::string("\x10\x00\x00\x00xx", 6)));
  EXPECT_NE(load_error(good + charsmap)
                .find("normalizer_spec.precompiled_charsmap: the double "
                      "array's size (16 bytes, bytes 0-3) runs past"),
            std::string::npos);
}

TEST(UnigramTokenizer, RefusesTokenizerJsonItCannotRead) {
  EXPECT_EQ(json_error("{"),
            "tokenizer.json: not valid JSON at byte 1: Missing a name for object member.");
  EXPECT_EQ(json_error(R"({"model": {"type": "BPE", "vocab": {}, "merges": []}})"),
            "tokenizer.json: model.type: is \"BPE\"; only Unigram models (SentencePiece, T5) are "
            "read here");
  const std::string model =
      R"("model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0], ["a", -1]]})";
  EXPECT_EQ(json_error("{" + model + R"(, "normalizer": {"type": "NFKC"}})"),
            "tokenizer.json: normalizer: normalizer \"NFKC\" is not one a SentencePiece model "
            "converts to (Precompiled)");
  EXPECT_EQ(json_error("{" + model +
                       R"(, "normalizer": {"type": "Precompiled", "precompiled_charsmap": "a*"}})"),
            "tokenizer.json: normalizer.precompiled_charsmap: not base64 at character 1");
  EXPECT_EQ(json_error(R"({"model": {"type": "Unigram", "vocab": [["a", -1]]}})"),
            "tokenizer.json: model.unk_id: missing; a SentencePiece model has an unknown piece");
  EXPECT_EQ(json_error(R"({"model": {"type": "Unigram", "unk_id": 0, "vocab": [["a"]]}})"),
            "tokenizer.json: model.vocab[0]: expected a [piece, score] pair");
  EXPECT_EQ(json_error("{" + model + R"(, "added_tokens": [{"id": 1, "content": "b"}]})"),
            "tokenizer.json: added_tokens[0]: content \"b\" is not model.vocab[1] (\"a\")");
  auto ok = UnigramTokenizer::from_tokenizer_json("{" + model + "}");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  // No Metaspace: spaces stay spaces, no prefix; no WhitespaceSplit: runs of them stay.
  EXPECT_EQ(ok.value().encode("a  a"), (std::vector<int32_t>{1, 0, 1}));
}

TEST(UnigramTokenizer, DefaultConstructedIsEmpty) {
  UnigramTokenizer tok;
  EXPECT_TRUE(tok.encode("abc").empty());
  EXPECT_EQ(tok.decode(std::vector<int32_t>{1, 2}), "");
  EXPECT_EQ(tok.vocab_size(), 0);
  EXPECT_EQ(tok.eos_id(), -1);
  UnigramTokenizer a = load(model_bytes({{"a", -1}}));
  UnigramTokenizer b = std::move(a);
  EXPECT_EQ(b.vocab_size(), 4);
  tok = std::move(b);
  EXPECT_EQ(tok.encode("a"), (std::vector<int32_t>{2, 3})) << "no ▁ piece: <unk>, a";
}

// --- the live oracle: tests/tokenizer/unigram_parity_test.sh ---

// HYV_UNIGRAM_PARITY_DIR holds one folder per model (listed in models.txt), each with
// spiece.model, tokenizer.json (when the model has that form) and cases.tsv, all written by
// tests/tokenizer/unigram_parity.py with SentencePiece.
TEST(UnigramParity, LiveOracle) {
  const char* dir = std::getenv("HYV_UNIGRAM_PARITY_DIR");
  if (dir == nullptr) GTEST_SKIP() << "run by tests/tokenizer/unigram_parity_test.sh";
  std::istringstream models(read_file(std::string(dir) + "/models.txt"));
  int checked = 0;
  for (std::string name; std::getline(models, name);) {
    if (name.empty()) continue;
    std::string base = std::string(dir) + "/" + name + "/";
    std::vector<Case> cases = read_cases(base + "cases.tsv");
    ASSERT_FALSE(cases.empty()) << base;
    EXPECT_EQ(compare(load(read_file(base + "spiece.model")), cases, name + "/spiece.model"), 0);
    std::ifstream json_file(base + "tokenizer.json");
    if (json_file.good()) {
      auto tok = UnigramTokenizer::from_tokenizer_json(read_file(base + "tokenizer.json"));
      ASSERT_TRUE(tok.ok()) << name << ": " << tok.status().message();
      EXPECT_EQ(compare(tok.value(), cases, name + "/tokenizer.json"), 0);
    }
    // Decoding id sequences that encode() would not make: sp.decode's answers.
    std::istringstream decodes(read_file(base + "decodes.tsv"));
    UnigramTokenizer tok = load(read_file(base + "spiece.model"));
    int decoded = 0;
    for (std::string line; std::getline(decodes, line); ++decoded) {
      size_t tab = line.find('\t');
      ASSERT_NE(tab, std::string::npos) << line;
      std::vector<int32_t> ids;
      std::istringstream in(line.substr(0, tab));
      for (int32_t id; in >> id;) ids.push_back(id);
      EXPECT_EQ(hex(tok.decode(ids)), line.substr(tab + 1)) << name << ": decode " << line;
    }
    std::cout << name << ": " << cases.size() << " strings and " << decoded
              << " id sequences compared\n";
    checked += static_cast<int>(cases.size());
  }
  EXPECT_GT(checked, 1000);
}

}  // namespace
}  // namespace hyv::engine
