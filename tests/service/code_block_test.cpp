// first_code_block (code_block.h): where generated code's first block ends, as it streams in.
#include "hyv/service/code_block.h"

#include <gtest/gtest.h>

#include <string>

namespace hyv::service {
namespace {

std::string block_of(std::string_view text) {
  CodeBlock b = first_code_block(text);
  return std::string(text.substr(b.begin, b.end - b.begin));
}

TEST(CodeBlock, PythonFunctionEndsAtTheNextTopLevelLine) {
  std::string text = "\n\ndef add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n";
  CodeBlock b = first_code_block(text);
  EXPECT_TRUE(b.complete);
  EXPECT_EQ(block_of(text), "def add(a, b):\n    return a + b");
}

TEST(CodeBlock, ClausesAndDecoratorsStayInTheBlock) {
  std::string text =
      "@cache\ndef f(x):\n    if x:\n        return 1\n    else:\n        return 2\n"
      "try:\n    pass\nexcept E:\n    pass\n";
  EXPECT_EQ(block_of(text),
            "@cache\ndef f(x):\n    if x:\n        return 1\n    else:\n        return 2");
  std::string clause = "if a:\n    x = 1\nelse:\n    x = 2\ny = 3\n";
  EXPECT_EQ(block_of(clause), "if a:\n    x = 1\nelse:\n    x = 2");
}

TEST(CodeBlock, IncompleteUntilALaterLineEndsIt) {
  // Streaming: each prefix is judged as it arrives.
  EXPECT_FALSE(first_code_block("def f():\n    return 1\n").complete);
  EXPECT_FALSE(first_code_block("def f():\n    return 1\nel").complete);  // may become else:
  EXPECT_EQ(block_of("def f():\n    return 1\nel"), "def f():\n    return 1");
  EXPECT_TRUE(first_code_block("def f():\n    return 1\nx = 2\n").complete);
  EXPECT_FALSE(first_code_block("x = 1\ny = 2\n").complete);  // statements without a body
  EXPECT_EQ(block_of("x = 1\ny = 2\n"), "x = 1\ny = 2");
}

TEST(CodeBlock, BracesEndWhereTheyClose) {
  std::string text =
      "int add(int a, int b) {\n  if (a) { return \"}\"; }  // }\n  return a + b;\n}\nint x;\n";
  CodeBlock b = first_code_block(text);
  EXPECT_TRUE(b.complete);
  EXPECT_EQ(block_of(text),
            "int add(int a, int b) {\n  if (a) { return \"}\"; }  // }\n  return a + b;\n}");
  EXPECT_FALSE(first_code_block("function f() {\n  return 1;\n").complete);
}

TEST(CodeBlock, BlankAndEmptyText) {
  EXPECT_EQ(block_of(""), "");
  EXPECT_EQ(block_of("\n   \n"), "");
  EXPECT_FALSE(first_code_block("\n \n").complete);
}

}  // namespace
}  // namespace hyv::service
