#include "hyv/engine/utf8_text.h"

#include <gtest/gtest.h>

namespace hyv::engine {
namespace {

TEST(Utf8Text, FindsTheFirstInvalidByte) {
  EXPECT_FALSE(find_invalid_utf8("plain ascii"));
  EXPECT_FALSE(find_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_EQ(find_invalid_utf8("ab\xFF"), 2u);
  EXPECT_EQ(find_invalid_utf8("a\xC0\xAF"), 1u);         // overlong '/'
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);      // surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("ok\xE2\x82"), 2u);        // cut off at the end
  EXPECT_EQ(find_invalid_utf8("x\x80"), 1u);             // stray continuation byte
}

TEST(Utf8Text, CompletePrefixHoldsBackOnlyAnUnfinishedTail) {
  EXPECT_EQ(complete_utf8_prefix("abc"), 3u);
  EXPECT_EQ(complete_utf8_prefix("ab\xE2\x82"), 2u);
  EXPECT_EQ(complete_utf8_prefix("ab\xE2\x82\xAC"), 5u);
  EXPECT_EQ(complete_utf8_prefix("\xF0\x9F\x98"), 0u);
  EXPECT_EQ(complete_utf8_prefix("a\xFF"), 2u) << "invalid bytes never become valid: not held";
  EXPECT_EQ(complete_utf8_prefix("a\xE2\x41"), 3u);
}

TEST(Utf8Text, SanitizeReplacesEachInvalidByte) {
  std::string out;
  append_sanitized_utf8("a\xFF\xC3\xA9\x80", out);
  EXPECT_EQ(out, "a\xEF\xBF\xBD\xC3\xA9\xEF\xBF\xBD");
  EXPECT_FALSE(find_invalid_utf8(out));
}

}  // namespace
}  // namespace hyv::engine
