// Semantic values: check digits against published valid numbers, generated numbers pass them,
// addresses parse with inet_pton, e-mails come from the person's name.
#include "hyv/synth/semantic.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <regex>

namespace hyv::synth {
namespace {

const LocaleData& en() {
  return *find_locale("en");
}

TEST(CheckDigits, LuhnOnPublishedExamples) {
  EXPECT_TRUE(luhn_valid("79927398713"));  // the classic worked example
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_TRUE(luhn_valid("5555555555554444"));
  EXPECT_TRUE(luhn_valid("378282246310005"));
  EXPECT_FALSE(luhn_valid("79927398710"));
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_FALSE(luhn_valid("41111111111x1111"));
  EXPECT_EQ(luhn_check_digit("7992739871"), '3');
}

TEST(CheckDigits, IbanOnPublishedExamples) {
  EXPECT_TRUE(iban_valid("GB82WEST12345698765432"));
  EXPECT_TRUE(iban_valid("DE89370400440532013000"));
  EXPECT_TRUE(iban_valid("NL91ABNA0417164300"));
  EXPECT_TRUE(iban_valid("FR1420041010050500013M02606"));
  EXPECT_FALSE(iban_valid("GB82WEST12345698765433"));
  EXPECT_FALSE(iban_valid("GB83WEST12345698765432"));
  EXPECT_FALSE(iban_valid("gb82WEST12345698765432"));
}

TEST(Semantic, GeneratedCardsAndIbansCarryValidCheckDigits) {
  engine::Rng rng(1);
  std::regex visa("4\\d{15}"), mc("5[1-5]\\d{14}"), amex("3[47]\\d{13}");
  for (int i = 0; i < 3000; ++i) {
    std::string card;
    make_card_number(card, rng, "");
    ASSERT_TRUE(luhn_valid(card)) << card;
    ASSERT_TRUE(std::regex_match(card, visa) || std::regex_match(card, mc) ||
                std::regex_match(card, amex))
        << card;
    for (std::string_view brand : {"visa", "mastercard", "amex"}) {
      std::string c;
      make_card_number(c, rng, brand);
      ASSERT_TRUE(luhn_valid(c));
      ASSERT_TRUE(std::regex_match(c, brand == "visa" ? visa : brand == "amex" ? amex : mc)) << c;
    }
    for (std::string_view country : {"DE", "ES", "FR", "GB", "IT", "NL"}) {
      std::string iban;
      make_iban(iban, rng, country);
      ASSERT_TRUE(iban_valid(iban)) << iban;
      ASSERT_EQ(iban.substr(0, 2), country);
    }
  }
}

TEST(Semantic, NetworkAddressesParseWithInetPton) {
  engine::Rng rng(2);
  for (int i = 0; i < 5000; ++i) {
    std::string v4, v6;
    make_ipv4(v4, rng);
    make_ipv6(v6, rng);
    in_addr a4;
    in6_addr a6;
    ASSERT_EQ(inet_pton(AF_INET, v4.c_str(), &a4), 1) << v4;
    ASSERT_EQ(inet_pton(AF_INET6, v6.c_str(), &a6), 1) << v6;
    // Canonical text form (RFC 5952) is what inet_ntop writes back.
    char back[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, &a6, back, sizeof back), nullptr);
    ASSERT_EQ(v6, back);
  }
}

TEST(Semantic, Ipv6TextIsCanonicalForZeroRuns) {
  // Groups that are mostly zero exercise RFC 5952's rules (longest run, first of equal runs, no
  // single-group "::"); inet_ntop writes the canonical form.
  engine::Rng rng(3);
  for (int i = 0; i < 20000; ++i) {
    uint16_t g[8];
    for (auto& x : g) x = rng.next_u64() % 3 == 0 ? uint16_t(rng.next_u64()) : 0;
    std::string text;
    format_ipv6(text, g);
    in6_addr a6;
    for (int j = 0; j < 8; ++j) {
      a6.s6_addr[2 * j] = uint8_t(g[j] >> 8);
      a6.s6_addr[2 * j + 1] = uint8_t(g[j]);
    }
    char back[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, &a6, back, sizeof back), nullptr);
    if (std::string(back).find('.') != std::string::npos) continue;  // ::ffff:a.b.c.d forms
    ASSERT_EQ(text, back);
  }
}

TEST(Semantic, UuidsAreVersion4) {
  std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (uint64_t i = 0; i < 1000; ++i) {
    std::string s;
    make_uuid(s, i * 0x9e3779b97f4a7c15ULL, ~i);
    ASSERT_TRUE(std::regex_match(s, uuid)) << s;
  }
}

TEST(Semantic, EmailsComeFromThePersonsName) {
  engine::Rng rng(4);
  Person p;
  for (int i = 0; i < 2000; ++i) {
    make_person(rng, en(), p);
    std::string email;
    make_email(email, p);
    std::string first, last;
    append_slug(first, p.first);
    append_slug(last, p.last);
    size_t at = email.find('@');
    ASSERT_NE(at, std::string::npos);
    std::string local = email.substr(0, at), domain = email.substr(at + 1);
    bool from_name = local.rfind(first, 0) == 0 || local.rfind(first.substr(0, 1) + ".", 0) == 0;
    ASSERT_TRUE(from_name) << email << " for " << p.first << " " << p.last;
    ASSERT_NE(local.find(last), std::string::npos) << email;
    ASSERT_EQ(domain, p.email_domain);
    std::string work;
    make_email(work, p, "acme.io");
    ASSERT_EQ(work.substr(work.find('@')), "@acme.io");
  }
}

TEST(Semantic, AddressPostcodeBelongsToItsCity) {
  engine::Rng rng(5);
  auto pat = LocalePatterns::compile(en());
  ASSERT_TRUE(pat.ok()) << pat.status().message();
  Address a;
  for (int i = 0; i < 1000; ++i) {
    make_address(rng, en(), pat.value(), a);
    ASSERT_EQ(a.postcode.size(), 5u);
    ASSERT_EQ(a.postcode.substr(0, 3), a.city->postcode_prefix);
    ASSERT_FALSE(a.building.empty());
    ASSERT_NE(a.building[0], '0');
  }
}

TEST(Semantic, CompaniesAndLorem) {
  engine::Rng rng(6);
  Company c;
  std::regex domain("[a-z0-9]+\\.[a-z]+");
  for (int i = 0; i < 1000; ++i) {
    make_company(rng, en(), c);
    ASSERT_FALSE(c.name.empty());
    ASSERT_TRUE(std::regex_match(c.domain, domain)) << c.domain;
    std::string text;
    make_lorem(text, rng, en(), 2, 5);
    ASSERT_TRUE(text.back() == '.');
    ASSERT_TRUE(text[0] >= 'A' && text[0] <= 'Z');
    int words = 1 + int(std::count(text.begin(), text.end(), ' '));
    ASSERT_GE(words, 2);
    ASSERT_LE(words, 5);
  }
}

}  // namespace
}  // namespace hyv::synth
