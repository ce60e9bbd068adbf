// Semantic (PII-like) columns of a learned table: a column whose values look like first names,
// e-mail addresses, phone numbers, ... is not learned from its values but re-generated from the
// locale data that schema generation uses (semantic.h), as SDV does for its PII sdtypes. The
// model keeps only the type, the locale, the missing rate and whether values were unique, so no
// training value of such a column reaches the model file or the samples (except by coincidence,
// when a training value is itself in the locale's lists).
//
//   auto match = detect_semantic(counts, values);   // during type inference
//   auto gen = SemanticGenerator::create("email", "en");
//   gen.value().generate(rng, text);                // during sampling
//
// Type names are SDV's sdtype names: first_name, last_name, name, email, phone_number, city,
// state, country, street_address, postcode, company, job, ipv4_address, ipv6_address,
// credit_card_number; SDV's aliases administrative_unit (state) and zipcode (postcode) are read.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "hyv/engine/rng.h"
#include "hyv/status.h"
#include "hyv/synth/locale.h"
#include "hyv/synth/semantic.h"

namespace hyv::synth {

inline constexpr std::string_view kDefaultSemanticLocale = "en";

// The canonical type name for `name` (SDV aliases resolved), or "" when not a semantic type.
std::string_view canonical_semantic_type(std::string_view name);
// Every canonical type name, for messages.
std::span<const std::string_view> semantic_type_names();

struct SemanticMatch {
  std::string type;    // canonical name
  std::string locale;  // the locale whose lists matched ("en" for shape-only types)
  std::string reason;  // one line for the user, e.g. "98% of values are first names (locale en)"
};

// Detection share: at least this part of the non-missing values must match.
inline constexpr double kSemanticMinShare = 0.9;
// Columns with fewer non-missing values are never detected (too little evidence).
inline constexpr uint64_t kSemanticMinValues = 10;

// `counts`: the distinct non-missing cells with their counts; `values`: their total.
std::optional<SemanticMatch> detect_semantic(
    std::span<const std::pair<std::string_view, uint64_t>> counts, uint64_t values);

// Draws values of one semantic type from one locale, from the caller's generator only.
class SemanticGenerator {
 public:
  static Result<SemanticGenerator> create(std::string_view type, std::string_view locale);
  void generate(engine::Rng& rng, std::string& out) const;
  // Makes `out` (a value generate() wrote) distinct from earlier ones by a counter, keeping the
  // type's shape where it has a natural place for digits (an e-mail's local part).
  void disambiguate(std::string& out, uint64_t counter) const;
  const std::string& type() const { return type_; }

 private:
  std::string type_;
  const LocaleData* locale_ = nullptr;
  LocalePatterns patterns_;
};

}  // namespace hyv::synth
