// The compiled-in locale tables are exactly the text files in synth/locales (regenerate with
// synth/locales/make_locale_sources.py after editing them).
#include "hyv/synth/locale.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <string>
#include <vector>

namespace hyv::synth {
namespace {

std::vector<std::string> lines(const std::string& file) {
  std::ifstream in(std::string(HYV_SOURCE_DIR) + "/synth/locales/en/" + file);
  EXPECT_TRUE(in) << file;
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

void expect_same(std::span<const std::string_view> compiled, const std::string& file) {
  auto expected = lines(file);
  ASSERT_EQ(compiled.size(), expected.size()) << file;
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(compiled[i], expected[i]) << file;
}

TEST(Locale, CompiledTablesMatchTheFiles) {
  const LocaleData* en = find_locale("en");
  ASSERT_NE(en, nullptr);
  expect_same(en->first_names, "first_names.txt");
  expect_same(en->last_names, "last_names.txt");
  expect_same(en->street_names, "street_names.txt");
  expect_same(en->street_suffixes, "street_suffixes.txt");
  expect_same(en->countries, "countries.txt");
  expect_same(en->company_words, "company_words.txt");
  expect_same(en->company_industries, "company_industries.txt");
  expect_same(en->company_suffixes, "company_suffixes.txt");
  expect_same(en->job_levels, "job_levels.txt");
  expect_same(en->job_areas, "job_areas.txt");
  expect_same(en->job_roles, "job_roles.txt");
  expect_same(en->email_domains, "email_domains.txt");
  expect_same(en->tlds, "tlds.txt");
  expect_same(en->lorem, "lorem.txt");
  auto cities = lines("cities.txt");
  ASSERT_EQ(en->cities.size(), cities.size());
  for (size_t i = 0; i < cities.size(); ++i) {
    const LocaleCity& c = en->cities[i];
    EXPECT_EQ(
        std::string(c.name) + "|" + std::string(c.region) + "|" + std::string(c.postcode_prefix),
        cities[i]);
  }
  // Slugs for e-mails: lower-case ASCII letters and digits of each name; entries are plain text.
  auto slug = [](std::string_view s) {
    std::string out;
    for (char c : s)
      if (std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80)
        out.push_back(char(std::tolower(static_cast<unsigned char>(c))));
    return out;
  };
  ASSERT_EQ(en->first_name_slugs.size(), en->first_names.size());
  ASSERT_EQ(en->last_name_slugs.size(), en->last_names.size());
  for (size_t i = 0; i < en->first_names.size(); ++i)
    EXPECT_EQ(en->first_name_slugs[i], slug(en->first_names[i]));
  for (size_t i = 0; i < en->last_names.size(); ++i)
    EXPECT_EQ(en->last_name_slugs[i], slug(en->last_names[i]));
  for (auto list : {en->first_names, en->last_names, en->street_names, en->company_words,
                    en->job_areas, en->countries, en->lorem})
    for (std::string_view w : list) EXPECT_EQ(w.find_first_of(",\"\\\n\r"), w.npos) << w;
  EXPECT_EQ(en->format("country"), "United States");
  EXPECT_EQ(en->format("no such key"), "");
  EXPECT_EQ(find_locale("xx"), nullptr);
}

}  // namespace
}  // namespace hyv::synth
