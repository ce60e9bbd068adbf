// The formula language: precedence, functions, nulls, and errors that quote the formula and offset.
#include "hyv/synth/formula.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace hyv::synth {
namespace {

const std::map<std::string, int, std::less<>> kColumns = {
    {"qty", 0}, {"price", 1}, {"unit price", 2}, {"users.age", 3}, {"missing", 4}};

Formula::Resolver resolver() {
  return [](std::string_view name, std::string* why) -> std::optional<int> {
    if (name == "email") {
      *why = "column \"email\" holds text";
      return std::nullopt;
    }
    auto it = kColumns.find(name);
    if (it == kColumns.end()) return std::nullopt;
    return it->second;
  };
}

double eval(const char* text, std::vector<double> slots = {3, 2.5, 10, 40, NAN}) {
  auto f = Formula::parse(text, resolver());
  EXPECT_TRUE(f.ok()) << text << ": " << f.status().message();
  return f.ok() ? f.value().eval(slots) : NAN;
}

TEST(Formula, ArithmeticAndPrecedence) {
  EXPECT_EQ(eval("qty * price"), 7.5);
  EXPECT_EQ(eval("1 + 2 * 3"), 7);
  EXPECT_EQ(eval("(1 + 2) * 3"), 9);
  EXPECT_EQ(eval("10 - 4 - 3"), 3);  // left associative
  EXPECT_EQ(eval("100 / 10 / 5"), 2);
  EXPECT_EQ(eval("-qty + 1"), -2);
  EXPECT_EQ(eval("2 * -price"), -5);
  EXPECT_EQ(eval("`unit price` * qty"), 30);
  EXPECT_EQ(eval("users.age + 1"), 41);
  EXPECT_EQ(eval("1e3 + .5"), 1000.5);
}

TEST(Formula, Functions) {
  EXPECT_EQ(eval("round(price)"), 3);  // half away from zero
  EXPECT_EQ(eval("round(-price)"), -3);
  EXPECT_EQ(eval("round(qty / 7, 3)"), 0.429);
  EXPECT_EQ(eval("round(1234.5, -2)"), 1200);
  EXPECT_EQ(eval("floor(price) + ceil(price)"), 5);
  EXPECT_EQ(eval("abs(qty - 10)"), 7);
  EXPECT_EQ(eval("min(qty, price, 7)"), 2.5);
  EXPECT_EQ(eval("max(qty, price, 7)"), 7);
  // round(x, 2) gives the double nearest the decimal, so it prints as that decimal.
  EXPECT_EQ(round_to_digits(0.1 + 0.2, 2), 0.3);
  // Digits beyond int's range (found by fuzz/formula_fuzz.cpp: converting them was undefined)
  // round as the nearest supported count, 15 or -15.
  EXPECT_EQ(eval("round(price, 1e300)"), 2.5);
  EXPECT_EQ(eval("round(price, -1e300)"), 0);
  EXPECT_TRUE(std::isnan(eval("round(price, 1 / 0)")));  // null digits: null
}

TEST(Formula, NullsAndDivisionByZeroGiveNull) {
  EXPECT_TRUE(std::isnan(eval("missing + 1")));
  EXPECT_TRUE(std::isnan(eval("qty / 0")));
  EXPECT_TRUE(std::isnan(eval("max(qty, missing)")));
  EXPECT_TRUE(std::isnan(eval("round(qty, missing)")));
}

TEST(Formula, ReportsRefsAndShapes) {
  auto f = Formula::parse("qty * price + qty", resolver());
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value().refs(), (std::vector<int>{0, 1}));
  EXPECT_EQ(Formula::parse("price", resolver()).value().single_ref(), 1);
  EXPECT_EQ(Formula::parse("-4.5", resolver()).value().constant(), -4.5);
  EXPECT_FALSE(Formula::parse("qty + 1", resolver()).value().single_ref().has_value());
}

TEST(Formula, ErrorsQuoteTheFormulaAndOffset) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"qty * pricee", "unknown column \"pricee\" at offset 6"},
      {"qty +", "expected a number, column or '(' at offset 5"},
      {"(qty", "expected ')' at offset 4"},
      {"qty price", "unexpected 'p' at offset 4"},
      {"sqrt(qty)", "unknown function \"sqrt\""},
      {"round()", "round() takes 1 or more arguments, not 0"},
      {"abs(1, 2)", "abs() takes 1 argument, not 2"},
      {"email + 1", "column \"email\" holds text"},
      {"`qty", "'`' is never closed"},
      {"qty $ 2", "unexpected '$'"},
  };
  for (const auto& c : cases) {
    auto f = Formula::parse(c.text, resolver());
    ASSERT_FALSE(f.ok()) << c.text;
    EXPECT_NE(f.status().message().find(c.message), std::string::npos)
        << c.text << ": " << f.status().message();
    EXPECT_NE(f.status().message().find(std::string("\"") + c.text + "\""), std::string::npos);
  }
}

// Every recursion of the parser is bounded: 100,000 unary signs or parentheses used to overflow
// the stack (only parentheses were counted). The error names the offset where the limit was hit,
// and quotes only the start of so long a formula.
TEST(Formula, DeepNestingIsAnErrorNotAStackOverflow) {
  const std::string n(100000, '-');
  std::string calls, mixed;
  for (int i = 0; i < 50000; ++i) calls += "abs(";
  for (int i = 0; i < 50000; ++i) mixed += "-(";
  const std::pair<std::string, const char*> cases[] = {
      {n + "1", "at offset 65"},
      {std::string(100000, '+') + "1", "at offset 65"},
      {std::string(100000, '(') + "1", "at offset 65"},
      {"1 - " + n + "qty", "at offset 69"},
      {"2 * " + n + "qty", "at offset 69"},
      {calls + "1", "at offset 260"},
      {mixed + "1", "at offset 65"},
  };
  for (const auto& [text, at] : cases) {
    auto f = Formula::parse(text, resolver());
    ASSERT_FALSE(f.ok()) << text.substr(0, 20);
    const std::string m = f.status().message();
    EXPECT_NE(m.find("expression nested too deeply (at most 64 levels"), std::string::npos) << m;
    EXPECT_NE(m.find(at), std::string::npos) << text.substr(0, 20) << ": " << m;
    EXPECT_LT(m.size(), 400u) << m;
    EXPECT_NE(m.find("(" + std::to_string(text.size()) + " bytes)"), std::string::npos) << m;
  }
  // At the limit it still parses: 64 signs, 64 parentheses, 32 of each mixed.
  const std::string signs = std::string(64, '-') + "qty";
  const std::string parens = std::string(64, '(') + "qty" + std::string(64, ')');
  std::string both;
  for (int i = 0; i < 32; ++i) both += "-(";
  both += "qty" + std::string(32, ')');
  EXPECT_EQ(eval(signs.c_str()), 3);
  EXPECT_EQ(eval(parens.c_str()), 3);
  EXPECT_EQ(eval(both.c_str()), 3);
}

}  // namespace
}  // namespace hyv::synth
