// Semantic (PII-like) columns of learned tables: detected during inference on data made by the
// schema generator, sampled from the locale's generators (never from training values),
// deterministically, with the missing rate and uniqueness kept; metadata overrides; old model
// files still load.
#include "hyv/synth/semantic_column.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "hyv/synth/copula_fit.h"
#include "hyv/synth/copula_model.h"
#include "hyv/synth/copula_sample.h"
#include "hyv/synth/csv_table.h"
#include "hyv/synth/locale.h"
#include "hyv/synth/schema.h"
#include "hyv/synth/semantic.h"
#include "hyv/synth/table_generator.h"
#include "hyv/synth/table_metadata.h"
#include "hyv/synth/table_writer.h"

namespace hyv::synth {
namespace {

// The studio's customer table: names, e-mail, city and phone from the schema generator.
constexpr const char* kCustomers = R"J({
  "tables": [
    {"name": "customers", "rows": 300, "columns": [
      {"name": "customer_id", "type": "id", "start": 1000},
      {"name": "first_name", "type": "first_name"},
      {"name": "last_name", "type": "last_name", "null_rate": 0.2},
      {"name": "email", "type": "email", "unique": true},
      {"name": "phone", "type": "phone"},
      {"name": "city", "type": "city"},
      {"name": "age", "type": "integer", "min": 18, "max": 90},
      {"name": "plan", "type": "categorical", "values": ["free", "pro", "team"]},
      {"name": "joined", "type": "date", "min": "2020-01-01", "max": "2024-12-31"}
    ]}
  ]
})J";

std::string generate_csv(uint64_t seed) {
  auto schema = parse_schema(kCustomers);
  EXPECT_TRUE(schema.ok()) << schema.status().message();
  std::string out;
  auto writer = make_table_writer(TableFormat::csv, [&](std::string_view b) {
    out.append(b);
    return Status::Ok();
  });
  GeneratorOptions o;
  o.seed = seed;
  auto gen = TableGenerator::create(std::move(schema).value(), o, {writer.get()});
  EXPECT_TRUE(gen.ok()) << gen.status().message();
  while (!gen.value()->done()) EXPECT_TRUE(gen.value()->step(1000).ok());
  return out;
}

CsvTable table_of(const std::string& csv) {
  auto t = parse_csv_table(csv, "customers.csv");
  EXPECT_TRUE(t.ok()) << t.status().message();
  return std::move(t).value();
}

const ColumnInfo& info_of(const std::vector<ColumnInfo>& types, std::string_view name) {
  for (const auto& t : types) {
    if (t.name == name) return t;
  }
  ADD_FAILURE() << "no column " << name;
  return types.front();
}

// Sampled rows as strings ("" for null), column by column.
std::map<std::string, std::vector<std::string>> sample(const CopulaModel& model, uint64_t rows,
                                                       uint64_t seed, std::string* bytes) {
  auto s = CopulaSampler::create(model, {}, seed);
  EXPECT_TRUE(s.ok()) << s.status().message();
  auto w = make_table_writer(TableFormat::csv, [&](std::string_view b) {
    bytes->append(b);
    return Status::Ok();
  });
  const auto& names = s.value()->column_names();
  EXPECT_TRUE(w->begin(names).ok());
  std::map<std::string, std::vector<std::string>> out;
  std::vector<Value> row(names.size());
  for (uint64_t i = 0; i < rows; ++i) {
    EXPECT_TRUE(s.value()->next_row(row).ok());
    EXPECT_TRUE(w->write_row(row).ok());
    for (size_t c = 0; c < names.size(); ++c) {
      out[names[c]].push_back(row[c].is_null() ? std::string() : row[c].as_string());
    }
  }
  EXPECT_TRUE(w->finish().ok());
  return out;
}

bool in(std::span<const std::string_view> list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool in_cities(const LocaleData& l, std::string_view v) {
  return std::any_of(l.cities.begin(), l.cities.end(),
                     [&](const LocaleCity& c) { return c.name == v; });
}

TEST(SemanticColumns, DetectedOnGeneratedCustomers) {
  CsvTable t = table_of(generate_csv(1));
  auto types = infer_column_types(t, {});
  ASSERT_TRUE(types.ok()) << types.status().message();
  const auto& v = types.value();
  EXPECT_EQ(info_of(v, "first_name").semantic, "first_name");
  EXPECT_EQ(info_of(v, "first_name").sdtype, Sdtype::text);  // names repeat
  EXPECT_EQ(info_of(v, "last_name").semantic, "last_name");
  EXPECT_EQ(info_of(v, "email").semantic, "email");
  EXPECT_EQ(info_of(v, "email").sdtype, Sdtype::id);  // unique in the data
  EXPECT_EQ(info_of(v, "phone").semantic, "phone_number");
  // 300 rows name about 100 cities: few enough to learn as categories.
  EXPECT_TRUE(info_of(v, "city").semantic.empty());
  EXPECT_EQ(info_of(v, "city").sdtype, Sdtype::categorical);
  EXPECT_EQ(info_of(v, "first_name").semantic_locale, "en");
  EXPECT_NE(info_of(v, "first_name").reason.find("first names"), std::string::npos);
  // Today's rules still decide the others.
  for (const char* other : {"customer_id", "age", "plan", "joined"}) {
    EXPECT_TRUE(info_of(v, other).semantic.empty()) << other;
  }
  EXPECT_EQ(info_of(v, "customer_id").sdtype, Sdtype::id);
  EXPECT_EQ(info_of(v, "plan").sdtype, Sdtype::categorical);
}

TEST(SemanticColumns, CitiesTooManyForCategoriesAreSemantic) {
  const LocaleData& en = *find_locale("en");
  ASSERT_GE(en.cities.size(), 40u);
  std::string csv = "city\n";
  for (size_t i = 0; i < 40; ++i) csv += std::string(en.cities[i].name) + "\n";
  auto types = infer_column_types(table_of(csv), {});
  ASSERT_TRUE(types.ok());
  EXPECT_EQ(types.value()[0].semantic, "city");  // 40 distinct among 40: not categories
}

TEST(SemanticColumns, NearMissesAreNotSemantic) {
  // 85% first names is below the 90% bar; free words are never names.
  std::string csv = "who,word\n";
  const LocaleData& en = *find_locale("en");
  for (int i = 0; i < 100; ++i) {
    csv += (i < 85 ? std::string(en.first_names[size_t(i)]) : "Zq" + std::to_string(i)) + "," +
           "w" + std::to_string(i % 7) + "\n";
  }
  auto types = infer_column_types(table_of(csv), {});
  ASSERT_TRUE(types.ok());
  EXPECT_TRUE(types.value()[0].semantic.empty());
  EXPECT_TRUE(types.value()[1].semantic.empty());
  // Nine values are too few to call it anything.
  auto few = infer_column_types(table_of("email\na@b.com\nc@d.org\ne@f.net\ng@h.io\ni@j.com\n"
                                         "k@l.com\nm@n.com\no@p.com\nq@r.com\n"),
                                {});
  ASSERT_TRUE(few.ok());
  EXPECT_TRUE(few.value()[0].semantic.empty());
}

TEST(SemanticColumns, SampledFromTheLocaleDeterministicallyWithGapsAndUniqueness) {
  CsvTable t = table_of(generate_csv(1));
  auto types = infer_column_types(t, {});
  ASSERT_TRUE(types.ok());
  auto model = fit_copula(t, types.value(), {});
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::string json = copula_model_json(model.value());
  // The model keeps no training value of a semantic column: the first names seen are nowhere
  // (but for names that are also cities, such as Madison: the city column keeps its categories).
  const LocaleData& locale = *find_locale("en");
  for (size_t r = 0; r < t.rows(); ++r) {
    std::string_view first = t.columns[1].cell(r);
    std::string_view email = t.columns[3].cell(r);
    if (!in_cities(locale, std::string(first))) {
      EXPECT_EQ(json.find("\"" + std::string(first) + "\""), std::string::npos) << first;
    }
    EXPECT_EQ(json.find(std::string(email)), std::string::npos) << email;
  }
  EXPECT_NE(json.find("\"sdtype\": \"semantic\""), std::string::npos);
  EXPECT_NE(json.find("\"version\": 2"), std::string::npos);

  const uint64_t rows = 2000;
  std::string bytes, again, other;
  auto cols = sample(model.value(), rows, 2, &bytes);
  sample(model.value(), rows, 2, &again);
  sample(model.value(), rows, 3, &other);
  EXPECT_EQ(bytes, again);
  EXPECT_NE(bytes, other);

  const LocaleData& en = *find_locale("en");
  std::set<std::string> first_names, emails;
  size_t missing_last = 0;
  for (uint64_t r = 0; r < rows; ++r) {
    EXPECT_TRUE(in(en.first_names, cols["first_name"][r])) << cols["first_name"][r];
    first_names.insert(cols["first_name"][r]);
    if (cols["last_name"][r].empty()) {
      ++missing_last;
    } else {
      EXPECT_TRUE(in(en.last_names, cols["last_name"][r])) << cols["last_name"][r];
    }
    EXPECT_TRUE(in_cities(en, cols["city"][r])) << cols["city"][r];
    const std::string& e = cols["email"][r];
    size_t at = e.find('@');
    ASSERT_NE(at, std::string::npos) << e;
    EXPECT_TRUE(in(en.email_domains, e.substr(at + 1))) << e;
    emails.insert(e);
    // The locale's phone pattern: (NXX) NXX-XXXX.
    const std::string& p = cols["phone"][r];
    ASSERT_EQ(p.size(), 14u) << p;
    EXPECT_TRUE(p[0] == '(' && p[4] == ')' && p[5] == ' ' && p[9] == '-') << p;
  }
  // Not the single frequent word a text column made of them.
  EXPECT_GT(first_names.size(), 100u);
  EXPECT_EQ(emails.size(), rows);  // unique in the training data, unique here
  // 20% of last names missing in training: binomial sd at 2000 rows is 0.009.
  const double share = static_cast<double>(missing_last) / rows;
  EXPECT_NEAR(share, model.value().columns[2].missing_rate, 0.04);
  EXPECT_GT(model.value().columns[2].missing_rate, 0.12);
  EXPECT_LT(model.value().columns[2].missing_rate, 0.28);
}

TEST(SemanticColumns, MetadataSetsAndClearsSemanticTypes) {
  CsvTable t = table_of(generate_csv(4));
  auto o = parse_table_metadata(R"({"columns": {
      "plan": {"sdtype": "first_name", "pii": true},
      "first_name": {"sdtype": "categorical"},
      "city": {"sdtype": "administrative_unit"}}})",
                                "m.json");
  ASSERT_TRUE(o.ok()) << o.status().message();
  auto types = infer_column_types(t, o.value());
  ASSERT_TRUE(types.ok()) << types.status().message();
  const auto& v = types.value();
  EXPECT_EQ(info_of(v, "plan").semantic, "first_name");
  EXPECT_TRUE(info_of(v, "plan").from_metadata);
  EXPECT_TRUE(info_of(v, "first_name").semantic.empty());
  EXPECT_EQ(info_of(v, "first_name").sdtype, Sdtype::categorical);
  EXPECT_EQ(info_of(v, "city").semantic, "state");
  // Written back as SDV's PII sdtypes, and read again the same.
  std::string meta = table_metadata_json(v);
  EXPECT_NE(meta.find("\"sdtype\": \"email\""), std::string::npos) << meta;
  auto back = parse_table_metadata(meta, "back.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  auto again = infer_column_types(t, back.value());
  ASSERT_TRUE(again.ok());
  for (size_t c = 0; c < v.size(); ++c) {
    EXPECT_EQ(again.value()[c].semantic, v[c].semantic) << v[c].name;
    EXPECT_EQ(again.value()[c].sdtype, v[c].sdtype) << v[c].name;
  }
  auto bad = parse_table_metadata(R"({"columns": {"a": {"sdtype": "shoe_size"}}})", "m.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("phone_number"), std::string::npos);
}

TEST(SemanticColumns, OldModelFilesLoadAndDamagedSemanticColumnsAreRefused) {
  constexpr const char* kVersion1 = R"({"format": "hyv-gaussian-copula", "version": 1,
    "training_rows": 3, "columns": [
      {"name": "notes", "sdtype": "text", "missing_rate": 0.0, "words": ["a", "b"],
       "word_weights": [0.5, 0.5], "word_count_knots": [1.0, 2.0]},
      {"name": "plan", "sdtype": "categorical", "missing_rate": 0.0, "categories": ["x", "y"],
       "frequencies": [0.5, 0.5]}],
    "correlation": {"columns": ["plan"], "matrix": [[1.0]]}})";
  auto old = parse_copula_model(kVersion1, "old.json");
  ASSERT_TRUE(old.ok()) << old.status().message();
  EXPECT_FALSE(old.value().columns[0].is_semantic());
  // A model without semantic columns is still written as version 1, byte for byte readable by
  // older builds.
  EXPECT_NE(copula_model_json(old.value()).find("\"version\": 1"), std::string::npos);

  std::string v2 = R"({"format": "hyv-gaussian-copula", "version": 2, "training_rows": 3,
    "columns": [{"name": "who", "sdtype": "semantic", "missing_rate": 0.5,
                 "semantic_type": "TYPE", "locale": "LOCALE", "unique": false}],
    "correlation": {"columns": [], "matrix": []}})";
  auto with = [&](std::string type, std::string locale) {
    std::string s = v2;
    s.replace(s.find("TYPE"), 4, type);
    s.replace(s.find("LOCALE"), 6, locale);
    return parse_copula_model(s, "m.json");
  };
  auto good = with("last_name", "en");
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(good.value().columns[0].semantic, "last_name");
  // Round trip.
  auto back = parse_copula_model(copula_model_json(good.value()), "back.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back.value().columns[0].semantic, "last_name");
  EXPECT_DOUBLE_EQ(back.value().columns[0].missing_rate, 0.5);
  auto type = with("shoe_size", "en");
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.status().message().find("columns[0]"), std::string::npos);
  ASSERT_FALSE(with("first_name", "xx").ok());
}

TEST(SemanticColumns, GeneratorsMatchTheirOwnDetectors) {
  // What a semantic column samples is detected as the same type again (a fitted model refitted
  // on its own output keeps its semantic columns).
  engine::Rng rng(9);
  for (std::string_view type : {"first_name", "last_name", "name", "email", "phone_number", "city",
                                "street_address", "ipv4_address", "credit_card_number"}) {
    auto g = SemanticGenerator::create(type, "en");
    ASSERT_TRUE(g.ok()) << g.status().message();
    std::vector<std::string> values(200);
    for (auto& v : values) g.value().generate(rng, v);
    std::map<std::string_view, uint64_t> counts;
    for (const auto& v : values) ++counts[v];
    std::vector<std::pair<std::string_view, uint64_t>> list(counts.begin(), counts.end());
    auto match = detect_semantic(list, values.size());
    ASSERT_TRUE(match.has_value()) << type;
    EXPECT_EQ(match->type, type);
  }
}

}  // namespace
}  // namespace hyv::synth
