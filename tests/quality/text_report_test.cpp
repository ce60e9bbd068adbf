// Text and code dataset scores: input forms, hand-counted distinct-n and repetition, and the
// Python syntax check on cases whose CPython verdict is known.
#include "hyv/quality/text_report.h"

#include <gtest/gtest.h>

#include "hyv/quality/python_syntax.h"

namespace hyv::quality {
namespace {

TEST(TextSamples, JsonLinesOrPlainLines) {
  auto j =
      parse_text_samples("{\"text\": \"a b\"}\n\n{\"text\": \"line\\none\", \"id\": 2}\n", "s");
  ASSERT_TRUE(j.ok());
  EXPECT_TRUE(j.value().jsonl);
  EXPECT_EQ(j.value().samples, (std::vector<std::string>{"a b", "line\none"}));
  auto p = parse_text_samples("first sample\r\n\nsecond\n", "s");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p.value().jsonl);
  EXPECT_EQ(p.value().samples, (std::vector<std::string>{"first sample", "second"}));
  auto bad = parse_text_samples("{\"text\": \"a\"}\nplain\n", "in.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("in.jsonl: line 2"), std::string::npos);
  EXPECT_FALSE(parse_text_samples("\n  \n", "e").ok());
}

TEST(TextReport, HandCounted) {
  TextSamples s;
  // Words: 4 + 2 + 4 = 10, distinct {a,b,c,d} = 4 -> distinct-1 .4.
  // Pairs: (a b)(b a)(a b) + (c d) + (a b)(b a)(a b) = 7, distinct {ab, ba, cd} -> 3/7.
  // Sample 3 repeats sample 1 -> duplicate rate 1/3.
  // 4-grams: sample 1 "a b a b" has one (no repeat) -> 0; samples 2 none -> not counted.
  s.samples = {"a b a b", "c d", "a b a b"};
  auto r = text_report(s, false);
  EXPECT_EQ(r.samples, 3u);
  EXPECT_DOUBLE_EQ(r.distinct_1, 0.4);
  EXPECT_DOUBLE_EQ(r.distinct_2, 3.0 / 7);
  EXPECT_DOUBLE_EQ(r.duplicate_rate, 1.0 / 3);
  EXPECT_DOUBLE_EQ(r.words.mean, 10.0 / 3);
  EXPECT_DOUBLE_EQ(r.words.min, 2);
  EXPECT_DOUBLE_EQ(r.chars.max, 7);
  // A looping sample: 4-grams "x y x y", "y x y x", "x y x y"(repeat), "y x y x"(repeat) -> 2/4.
  s.samples = {"x y x y x y x"};
  EXPECT_DOUBLE_EQ(text_report(s, false).repeated_4gram_rate, 0.5);
}

TEST(PythonSyntax, ValidPrograms) {
  const char* valid[] = {
      "x = 1\n",
      "def f(a, b=2):\n    return a + b\n",
      "class A:\n    '''doc\n    string'''\n    def m(self):\n        if self:\n            pass\n"
      "        else:\n            return {'a': [1, 2], \"b\": (3,)}\n",
      "for i in range(3): print(i)\n",
      "x = (1 +\n     2)\ny = [\n  1,\n]\n",
      "s = 'it\\'s'  # comment with ' and (\nt = r'\\d+' + b\"x\" + f'{x}'\n",
      "if a:\n    pass\n\n# comment\n\nelif b:\n\tpass\n",
      "x = 1 + \\\n    2\n",
      "async def g():\n    async with a as b:\n        await b\n",
      "d = {k: v for k, v in x.items() if k != 'a'}\nf = lambda: 0\n",
      "try:\n    x\nexcept (A, B) as e:\n    raise\nfinally:\n    y\n",
      "@decorator\ndef h(): ...\n",
      "",
  };
  for (const char* code : valid) {
    auto c = check_python_syntax(code);
    EXPECT_TRUE(c.ok) << code << " -> line " << c.line << ": " << c.message;
  }
}

TEST(PythonSyntax, InvalidProgramsWithLine) {
  struct Case {
    const char* code;
    size_t line;
    const char* message_part;
  };
  const Case invalid[] = {
      {"x = (1,\n2\n", 1, "never closed"},
      {"x = [1, 2)\n", 1, "does not match"},
      {"x = 1)\n", 1, "unmatched"},
      {"s = 'abc\n", 1, "unterminated string"},
      {"s = '''abc\n", 1, "unterminated triple-quoted"},
      {"def f():\nreturn 1\n", 2, "expected an indented block"},
      {"def f():\n", 1, "expected an indented block"},
      {"x = 1\n    y = 2\n", 2, "unexpected indent"},
      {"if x:\n        a\n    b\n", 3, "unindent does not match"},
      {"if x\n    pass\n", 1, "expected ':'"},
      {"while True print(1)\n", 1, "expected ':'"},
      {"x = $y\n", 1, "invalid character"},
      {"x = 1 \\ 2\n", 1, "line continuation"},
      {"if a:\n    pass\nelse\n    pass\n", 3, "expected ':'"},
  };
  for (const auto& t : invalid) {
    auto c = check_python_syntax(t.code);
    EXPECT_FALSE(c.ok) << t.code;
    EXPECT_EQ(c.line, t.line) << t.code << " -> " << c.message;
    EXPECT_NE(c.message.find(t.message_part), std::string::npos) << t.code << " -> " << c.message;
  }
}

TEST(TextReport, CodeParseRate) {
  TextSamples s;
  s.samples = {"def f():\n    return 1\n", "def f(:\n", "x = 1\n", "print('unclosed)\n"};
  auto r = text_report(s, true);
  EXPECT_EQ(r.parsed, 2u);
  EXPECT_DOUBLE_EQ(r.parse_rate, 0.5);
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_EQ(r.failures[0].sample, 1u);
  EXPECT_EQ(r.parses, (std::vector<bool>{true, false, true, false}));
}

}  // namespace
}  // namespace hyv::quality
