// BpeTokenizer on RoBERTa-style folders (Salesforce/codet5-small's layout): the added and special
// tokens of added_tokens.json, special_tokens_map.json and tokenizer_config.json. The fixture
// tests/fixtures/tiny-codet5 comes from tools/reference/make_codet5_folder.py --fixture. Parity of
// the ids with the independent Python encoder (tools/reference/bpe_reference.py) on a 32,000-token
// vocabulary is CodeT5BpeParity.LiveOracle, run by tests/tokenizer/codet5_bpe_parity_test.sh.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hyv/engine/added_tokens.h"
#include "hyv/engine/tokenizer.h"

namespace hyv::engine {
namespace {

std::string read_path(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path << " is missing";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Folder {
  std::string vocab, merges, added, special, config;
};

Folder read_folder(const std::string& dir) {
  return {read_path(dir + "/vocab.json"), read_path(dir + "/merges.txt"),
          read_path(dir + "/added_tokens.json"), read_path(dir + "/special_tokens_map.json"),
          read_path(dir + "/tokenizer_config.json")};
}

const Folder& fixture() {
  static const Folder f = read_folder(std::string(HYV_SOURCE_DIR) + "/tests/fixtures/tiny-codet5");
  return f;
}

Result<BpeTokenizer> load(const Folder& f) {
  auto added = parse_added_tokens({f.added, f.special, f.config});
  if (!added.ok()) return added.status();
  return BpeTokenizer::from_vocab_merges(f.vocab, f.merges, added.value());
}

const BpeTokenizer& tiny() {
  static const BpeTokenizer tok = [] {
    auto r = load(fixture());
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::move(r).value() : BpeTokenizer();
  }();
  return tok;
}

std::vector<int32_t> cat(std::vector<std::vector<int32_t>> parts) {
  std::vector<int32_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

void expect_error(const Result<BpeTokenizer>& r, const std::vector<std::string>& parts) {
  ASSERT_FALSE(r.ok()) << "expected an error with " << parts[0];
  for (const std::string& p : parts) {
    EXPECT_NE(r.status().message().find(p), std::string::npos)
        << r.status().message() << " lacks " << p;
  }
}

TEST(CodeT5Tokenizer, ReadsTheFolderLayout) {
  const BpeTokenizer& t = tiny();
  EXPECT_EQ(t.vocab_size(), 1100);  // 1,000 in vocab.json + 100 sentinels, config's vocab_size
  const char* specials[] = {"<pad>", "<s>", "</s>", "<unk>", "<mask>"};
  for (int32_t id = 0; id < 5; ++id) {
    EXPECT_EQ(t.token_id(specials[id]), id);
    EXPECT_EQ(t.encode(specials[id]), std::vector<int32_t>{id});
    EXPECT_TRUE(t.is_special(id));
  }
  EXPECT_EQ(t.encode("<extra_id_0>"), std::vector<int32_t>{1099});
  EXPECT_EQ(t.encode("<extra_id_99>"), std::vector<int32_t>{1000});
  EXPECT_EQ(t.encode("<extra_id_10>"), std::vector<int32_t>{1089});  // not <extra_id_1> + "0>"
  for (int32_t id : {1000, 1050, 1099}) EXPECT_TRUE(t.is_special(id)) << id;
  for (int32_t id : {5, 999, 1100, -1}) EXPECT_FALSE(t.is_special(id)) << id;
  std::string text = "def f(x):\n    return x  # ünï <extra_id_3> </s>";
  EXPECT_EQ(t.decode(t.encode(text)), text);
}

TEST(CodeT5Tokenizer, NearMissesAreOrdinaryText) {
  for (const char* s : {"<extra_id_100>", "<extra_id_", "<mask", "< s>", "<S>"}) {
    for (int32_t id : tiny().encode(s)) EXPECT_FALSE(tiny().is_special(id)) << s;
  }
}

// special_tokens_map.json gives <mask> lstrip: it takes the white space before it, never what an
// earlier match took; the other specials leave white space to the text.
TEST(CodeT5Tokenizer, MaskTakesTheWhiteSpaceToItsLeft) {
  const BpeTokenizer& t = tiny();
  EXPECT_EQ(t.encode("a \t\u3000<mask> b"), cat({t.encode("a"), {4}, t.encode(" b")}));
  EXPECT_EQ(t.encode("  <mask>"), std::vector<int32_t>{4});
  EXPECT_EQ(t.encode("<s> <mask>"), (std::vector<int32_t>{1, 4}));
  EXPECT_EQ(t.encode("x <s>"), cat({t.encode("x "), {1}}));
  EXPECT_EQ(t.decode(t.encode("a  <mask>")), "a<mask>");
}

TEST(CodeT5Tokenizer, RstripTakesTheWhiteSpaceToItsRight) {
  BpeAddedTokens added;
  added.tokens.push_back({"<sep>", 1000, true, false, true, "test"});
  auto r = BpeTokenizer::from_vocab_merges(fixture().vocab, fixture().merges, added);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const BpeTokenizer& t = r.value();
  EXPECT_EQ(t.encode("a <sep> \n b"), cat({t.encode("a "), {1000}, t.encode("b")}));
  EXPECT_FALSE(t.is_special(4));  // only `added` is special: <mask> is plain vocab.json text
}

TEST(AddedTokens, MergesTheThreeFiles) {
  auto r = parse_added_tokens(
      {R"({"<x>": 1001, "<y>": 1002})", R"({"mask_token": {"content": "<m>", "lstrip": true}})",
       R"({"added_tokens_decoder": {"1002": {"content": "<y>", "special": true, "rstrip": true},
           "1003": {"content": "<z>", "special": false}},
           "mask_token": "<m>", "eos_token": "<x>"})"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<BpeAddedToken>& t = r.value().tokens;
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].content, "<x>");
  EXPECT_EQ(t[0].id, 1001);
  EXPECT_TRUE(t[0].special);  // eos_token in tokenizer_config.json
  EXPECT_EQ(t[1].content, "<y>");
  EXPECT_TRUE(t[1].special && t[1].rstrip && !t[1].lstrip);
  EXPECT_EQ(t[2].content, "<z>");
  EXPECT_FALSE(t[2].special);
  EXPECT_EQ(t[3].content, "<m>");
  EXPECT_EQ(t[3].id, -1);  // vocab.json gives it
  EXPECT_TRUE(t[3].special && t[3].lstrip);
}

TEST(AddedTokens, ErrorsNameTheFileAndTheEntry) {
  struct Case {
    AddedTokenFiles files;
    std::vector<std::string> expect;
  };
  std::vector<Case> cases = {
      {{"{\"<a>\": 1000,", "", ""}, {"added_tokens.json: not valid JSON at byte"}},
      {{"[]", "", ""}, {"added_tokens.json: expected a JSON object"}},
      {{R"({"<a>": "x"})", "", ""}, {"added_tokens.json: entry \"<a>\"", "integer"}},
      {{R"({"<a>": -3})", "", ""}, {"added_tokens.json: entry \"<a>\"", "non-negative"}},
      {{R"({"<a>": 1000, "<b>": 1000})", "", ""},
       {"added_tokens.json: entry \"<b>\"", "id 1000", "already \"<a>\""}},
      {{R"({"<a>": 1000})", "", R"({"added_tokens_decoder": {"1001": {"content": "<a>"}}})"},
       {"tokenizer_config.json: \"added_tokens_decoder\" entry \"1001\"", "id 1001",
        "added_tokens.json: entry \"<a>\" gives it 1000"}},
      {{"", "", R"({"added_tokens_decoder": {"x": {"content": "<a>"}}})"},
       {"tokenizer_config.json", "entry \"x\"", "token id"}},
      {{"", "", R"({"added_tokens_decoder": {"7": {"content": 7}}})"},
       {"entry \"7\"", "\"content\" must be a string"}},
      {{"", R"({"bos_token": {"content": 5}})", ""},
       {"special_tokens_map.json: \"bos_token\"", "\"content\" must be a string"}},
      {{"", R"({"eos_token": 2})", ""}, {"special_tokens_map.json: \"eos_token\"", "a string"}},
      {{"", R"({"pad_token": ""})", ""}, {"\"pad_token\"", "empty"}},
      {{"", R"({"mask_token": {"content": "<m>", "lstrip": "yes"}})", ""},
       {"\"mask_token\"", "\"lstrip\" must be true or false"}},
      {{"", R"({"additional_special_tokens": "<a>"})", ""},
       {"\"additional_special_tokens\" must be an array"}},
      {{"", R"({"additional_special_tokens": ["<a>", null]})", ""},
       {"\"additional_special_tokens\"[1]"}},
  };
  for (const Case& c : cases) {
    auto r = parse_added_tokens(c.files);
    ASSERT_FALSE(r.ok()) << c.expect[0];
    for (const std::string& e : c.expect) {
      EXPECT_NE(r.status().message().find(e), std::string::npos)
          << r.status().message() << " lacks " << e;
    }
  }
}

// Ids and contents that clash with vocab.json or with each other are refused, naming the entry.
TEST(CodeT5Tokenizer, RefusesClashingIds) {
  const Folder& f = fixture();
  auto with = [&f](std::string added, std::string special) {
    return load({f.vocab, f.merges, std::move(added), std::move(special), "{}"});
  };
  expect_error(with(R"({"<x>": 5})", "{}"),
               {"added_tokens.json: entry \"<x>\"", "id 5 is already the token \"!\""});
  expect_error(with(R"({"<mask>": 1000})", "{}"),
               {"added_tokens.json: entry \"<mask>\"", "token 4 of the vocabulary, not 1000"});
  expect_error(with("{}", R"({"eos_token": "<nope>"})"),
               {"special_tokens_map.json: \"eos_token\"", "\"<nope>\" has no id"});
  expect_error(with(R"({"<a>": 99999999})", "{}"), {"entry \"<a>\"", "out of range"});
  // Built by hand, past the parser's own checks: two tokens with one id, one content twice.
  BpeAddedTokens two_ids;
  two_ids.tokens.push_back({"<a>", 1000, true, false, false, "first"});
  two_ids.tokens.push_back({"<b>", 1000, true, false, false, "second"});
  expect_error(BpeTokenizer::from_vocab_merges(f.vocab, f.merges, two_ids),
               {"second: id 1000 is already the added token \"<a>\""});
  BpeAddedTokens twice;
  twice.tokens.push_back({"<a>", 1000, true, false, false, "first"});
  twice.tokens.push_back({"<a>", 1001, true, false, false, "second"});
  expect_error(BpeTokenizer::from_vocab_merges(f.vocab, f.merges, twice),
               {"second: \"<a>\" is already the added token with id 1000"});
  BpeAddedTokens on_special;
  on_special.tokens.push_back({"<s>", 1, true, false, false, "first"});
  on_special.tokens.push_back({"<s2>", 1, true, false, false, "second"});
  expect_error(BpeTokenizer::from_vocab_merges(f.vocab, f.merges, on_special),
               {"second: id 1 is already the added token \"<s>\""});
}

// hex(text) TAB ids (space-separated), one case a line, as codet5_bpe_parity_test.sh writes them.
std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

TEST(CodeT5BpeParity, LiveOracle) {
  const char* dir = std::getenv("HYV_CODET5_PARITY_DIR");
  if (dir == nullptr) GTEST_SKIP() << "run by tests/tokenizer/codet5_bpe_parity_test.sh";
  auto tok = load(read_folder(std::string(dir) + "/folder"));
  ASSERT_TRUE(tok.ok()) << tok.status().message();
  std::istringstream cases(read_path(std::string(dir) + "/cases.tsv"));
  std::string line;
  size_t n = 0, equal = 0, ids = 0;
  while (std::getline(cases, line)) {
    size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    std::string text = from_hex(line.substr(0, tab));
    std::istringstream want_in(line.substr(tab + 1));
    std::vector<int32_t> want;
    for (int32_t id; want_in >> id;) want.push_back(id);
    std::vector<int32_t> got = tok.value().encode(text);
    ++n;
    ids += want.size();
    if (got == want) {
      ++equal;
    } else {
      ADD_FAILURE() << "case " << n << " (" << line.substr(0, tab) << ") differs";
    }
    // <mask> drops the white space before it; everything else comes back byte for byte.
    if (text.find("<mask>") == std::string::npos) {
      EXPECT_EQ(tok.value().decode(got), text) << "case " << n;
    }
  }
  EXPECT_GT(n, 0u);
  std::printf("codet5 parity: %zu of %zu strings give the reference's ids (%zu ids)\n", equal, n,
              ids);
}

}  // namespace
}  // namespace hyv::engine
