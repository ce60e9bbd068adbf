// Patterns: every generated string matches std::regex (an independent engine), and matches()
// agrees with std::regex on random strings; errors name the offset.
#include "hyv/synth/pattern.h"

#include <gtest/gtest.h>

#include <regex>

namespace hyv::synth {
namespace {

const char* kPatterns[] = {
    "[A-Z]{3}-\\d{4}",
    "\\([2-9]\\d{2}\\) [2-9]\\d{2}-\\d{4}",
    "(foo|bar|baz)_\\w{2,5}",
    "a?b+c*",
    "(?:ab|cd){1,3}x",
    "[^a-z]{3}",
    "[a-c0-2_-]{0,4}",
    "\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\\\",
    "^v\\d+\\.\\d+(\\.\\d+)?$",
    "((a|b)c|d){2}",
    ".{2}",
    "x{3,}",
    "(a|)b",
};

// Patterns of literals and single-range runs take a flattened fast path; wrapping one in a
// one-alternative group (which draws nothing) forces the general path. Both must make the same
// strings from the same seed, appended after what the string already holds, or outputs would
// change with the path taken.
TEST(Pattern, FastPathMakesTheSameStringsAsTheGeneralPath) {
  const char* kFlat[] = {"[A-Z]{3}-\\d{4}", "\\([2-9]\\d{2}\\) [2-9]\\d{2}-\\d{4}",
                         "[1-9]\\d{0,3}",   "x{3,}",
                         "ab\\d*c",         "[a-c]{0,4}",
                         "\xc3\xa9\\d{2}"};
  for (const char* p : kFlat) {
    auto flat = Pattern::parse(p);
    auto general = Pattern::parse(std::string("(?:") + p + ")");
    ASSERT_TRUE(flat.ok() && general.ok()) << p;
    engine::Rng a(7), b(7);
    std::string sa = "prefix", sb = "prefix";
    for (int i = 0; i < 500; ++i) {
      flat.value().generate(a, sa);
      general.value().generate(b, sb);
    }
    EXPECT_EQ(sa, sb) << p;
    EXPECT_EQ(a.next_u64(), b.next_u64()) << p << ": the two paths drew different amounts";
  }
}

TEST(Pattern, GeneratedStringsMatchStdRegex) {
  engine::Rng rng(1);
  for (const char* p : kPatterns) {
    auto pat = Pattern::parse(p);
    ASSERT_TRUE(pat.ok()) << p << ": " << pat.status().message();
    std::regex re(p, std::regex::ECMAScript);
    for (int i = 0; i < 300; ++i) {
      std::string s;
      pat.value().generate(rng, s);
      ASSERT_TRUE(std::regex_match(s, re)) << p << " generated " << s;
      ASSERT_TRUE(pat.value().matches(s)) << p << " does not match its own " << s;
    }
  }
}

TEST(Pattern, MatchesAgreesWithStdRegexOnRandomStrings) {
  engine::Rng rng(2);
  const std::string alphabet = "abcdxAZ09_-.() *";
  for (const char* p : kPatterns) {
    auto pat = Pattern::parse(p);
    ASSERT_TRUE(pat.ok());
    std::regex re(p, std::regex::ECMAScript);
    for (int i = 0; i < 2000; ++i) {
      std::string s;
      int len = int(rng.next_u64() % 9);
      for (int j = 0; j < len; ++j) s.push_back(alphabet[rng.next_u64() % alphabet.size()]);
      ASSERT_EQ(pat.value().matches(s), std::regex_match(s, re)) << p << " on \"" << s << "\"";
    }
  }
}

TEST(Pattern, UnicodeLiteralsAndRanges) {
  auto p = Pattern::parse("é[α-γ]{2}中");
  ASSERT_TRUE(p.ok());
  engine::Rng rng(3);
  std::string s;
  p.value().generate(rng, s);
  EXPECT_TRUE(p.value().matches(s));
  EXPECT_EQ(s.size(), 2u + 4u + 3u);
  EXPECT_TRUE(p.value().matches("éαγ中"));
  EXPECT_FALSE(p.value().matches("éαδ中"));
  EXPECT_EQ(p.value().capacity(), 9);
}

TEST(Pattern, CapacityCountsDistinctStrings) {
  EXPECT_EQ(Pattern::parse("[ab]{2}").value().capacity(), 4);
  EXPECT_EQ(Pattern::parse("\\d{3}").value().capacity(), 1000);
  EXPECT_EQ(Pattern::parse("(x|y|z)").value().capacity(), 3);
  EXPECT_EQ(Pattern::parse("a?").value().capacity(), 2);
  EXPECT_GT(Pattern::parse("\\w{40}").value().capacity(), 1e60);
}

TEST(Pattern, UnboundedRepeatsAreCappedWhenGenerating) {
  auto p = Pattern::parse("a*");
  engine::Rng rng(4);
  size_t longest = 0;
  for (int i = 0; i < 500; ++i) {
    std::string s;
    p.value().generate(rng, s);
    longest = std::max(longest, s.size());
  }
  EXPECT_EQ(longest, size_t(Pattern::kOpenRepeat));
  EXPECT_TRUE(p.value().matches(std::string(100, 'a')));
}

TEST(Pattern, ErrorsNameTheOffset) {
  struct Case {
    const char* pattern;
    const char* message;
  } cases[] = {
      {"ab[cd", "'[' is never closed at offset 2"},
      {"(ab", "'(' is never closed at offset 0"},
      {"ab)", "unmatched ')' at offset 2"},
      {"*a", "nothing to repeat before '*' at offset 0"},
      {"a{3,1}", "{m,n} with n below m at offset 1"},
      {"a{x}", "expected a count after '{' at offset 2"},
      {"[z-a]", "range end is below its start at offset 3"},
      {"a\\", "lone '\\'"},
      {"\\q", "unsupported escape '\\q'"},
      {"a+?", "a quantifier cannot follow another"},
      {"[^ -~]", "character class matches nothing"},
  };
  for (const auto& c : cases) {
    auto p = Pattern::parse(c.pattern);
    ASSERT_FALSE(p.ok()) << c.pattern;
    EXPECT_NE(p.status().message().find(c.message), std::string::npos)
        << c.pattern << ": " << p.status().message();
  }
}

// Matching is a state-set simulation, linear in the input: patterns that make a backtracking
// matcher (or the old position-set one) explode finish at once on long cells. The assertions are on
// the results; the test's time limit is what catches a slow matcher.
TEST(Pattern, PathologicalPatternsMatchLongCellsQuickly) {
  const std::string a3000(3000, 'a');
  struct Case {
    const char* pattern;
    std::string cell;
    bool match;
  } cases[] = {
      {"(a+)+$", a3000, true},
      {"(a+)+$", a3000 + "b", false},
      {"((a*)*)*b", a3000, false},
      {"((a*)*)*b", a3000 + "b", true},
      {"(a|aa)*c", a3000, false},
      {"(a|a?)+", a3000, true},
      {"(.*)*x", a3000, false},
      {".*", std::string(200000, 'z'), true},
      {".*a.*a.*a.*b", a3000, false},
      {"(a?){1000}a{1000}", std::string(1000, 'a'), true},
      {"(a?){1000}a{1000}", std::string(999, 'a'), false},
      {"(\\w+\\s?)*!", std::string(3000, 'w') + " ", false},
  };
  for (const auto& c : cases) {
    auto p = Pattern::parse(c.pattern);
    ASSERT_TRUE(p.ok()) << c.pattern << ": " << p.status().message();
    EXPECT_EQ(p.value().matches(c.cell), c.match) << c.pattern << " on " << c.cell.size();
  }
  // 2,000 cells of 1,000 characters: quadratic matching would take minutes here.
  auto p = Pattern::parse("(a+)+$");
  int n = 0;
  for (int i = 0; i < 2000; ++i) n += p.value().matches(std::string(1000, 'a'));
  EXPECT_EQ(n, 2000);
}

TEST(Pattern, MatchingIsOverCodePointsAndRefusesMalformedUtf8) {
  auto p = Pattern::parse(".*");
  EXPECT_TRUE(p.value().matches("a b~"));
  EXPECT_FALSE(p.value().matches("a\xff"));
  auto u = Pattern::parse("[^x]?\xc3\xa9+");
  EXPECT_TRUE(u.value().matches("\xc3\xa9\xc3\xa9"));
  EXPECT_FALSE(u.value().matches("\xc3\xa9\xc3"));
  EXPECT_TRUE(Pattern().matches(""));
  EXPECT_FALSE(Pattern().matches("a"));
}

// Counted repeats multiply out; past Pattern::kMaxExpansion characters (or automaton states) a
// pattern is refused at parse time, naming where the sub-expression that crossed it starts.
TEST(Pattern, ExpansionIsCappedAtParseTime) {
  struct Case {
    const char* pattern;
    const char* message;
  } cases[] = {
      {"((a{1000}){1000}){1000}",
       "\"((a{1000}){1000}){1000}\": expands to values of up to 1000000 characters, over the "
       "limit of 100000 (counted repeats multiply) at offset 1"},
      {"x(\\d{1000}){101}", "up to 101001 characters, over the limit of 100000"},
      {"(ab{1000}|c){1000}", "up to 1001000 characters"},
      {"(((a{1000}){1000}){1000}){1000}", "at offset 2"},
      // Unbounded repeats generate at most 8 beyond the minimum.
      {"((a{1000,}){20}){5}", "up to 100800 characters"},
      // Many alternatives: short values, but an automaton state per character.
      {"(aaaaaaaaaa|bbbbbbbbbb|cccccccccc|dddddddddd|eeeeeeeeee|ffffffffff|gggggggggg|"
       "hhhhhhhhhh|iiiiiiiiii|jjjjjjjjjj){1000}",
       "expands to 118000 automaton states for matching, over the limit of 100000"},
  };
  for (const auto& c : cases) {
    auto p = Pattern::parse(c.pattern);
    ASSERT_FALSE(p.ok()) << c.pattern;
    EXPECT_NE(p.status().message().find(c.message), std::string::npos)
        << c.pattern << ": " << p.status().message();
  }
  // Sequences add up: 101 runs of 1,000 are over, the 101st run is named.
  std::string runs;
  for (int i = 0; i < 101; ++i) runs += "a{1000}";
  auto r = Pattern::parse(runs);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("at offset 700"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("(707 bytes)"), std::string::npos) << r.status().message();
  // At the cap it is accepted and generates what it says.
  auto ok = Pattern::parse("(a{1000}){100}");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  engine::Rng rng(5);
  std::string s;
  ok.value().generate(rng, s);
  EXPECT_EQ(s.size(), 100000u);
  EXPECT_TRUE(ok.value().matches(s));
  EXPECT_FALSE(ok.value().matches(s + "a"));
}

}  // namespace
}  // namespace hyv::synth
