// Gaussian copula: portable math against libm, marginals and correlations preserved on data with a
// known distribution, determinism, conditional sampling, and a model file without raw rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "hyv/engine/rng.h"
#include "hyv/synth/cell_values.h"
#include "hyv/synth/column_types.h"
#include "hyv/synth/copula_fit.h"
#include "hyv/synth/copula_model.h"
#include "hyv/synth/copula_sample.h"
#include "hyv/synth/normal_math.h"
#include "hyv/synth/table_writer.h"

namespace hyv::synth {
namespace {

// ---- portable math against the platform's libm (an independent implementation) ----

TEST(NormalMath, ExpLogErfcAgreeWithLibm) {
  engine::Rng rng(3);
  for (int i = 0; i < 200000; ++i) {
    double x = (rng.next_double() - 0.5) * 1400;
    EXPECT_NEAR(fdlibm_exp(x), std::exp(x), std::exp(x) * 4e-16) << x;
    double y = std::ldexp(rng.next_double() + 0.5, static_cast<int>(rng.next_u64() % 2000) - 1000);
    EXPECT_NEAR(fdlibm_log(y), std::log(y), std::fabs(std::log(y)) * 4e-16 + 1e-300) << y;
    double e = (rng.next_double() - 0.5) * 14;
    EXPECT_NEAR(fdlibm_erfc(e), std::erfc(e), std::erfc(e) * 1e-15) << e;
  }
}

TEST(NormalMath, QuantileInvertsCdf) {
  // Below the mean the tail probability is represented exactly; above it 1 - p loses digits.
  for (double z = -8; z <= 8; z += 0.01) {
    double tolerance = z <= 0 ? 1e-12 * std::max(1.0, -z) : 1e-15 / normal_cdf(-z);
    EXPECT_NEAR(normal_quantile(normal_cdf(z)), z, tolerance) << z;
  }
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(normal_cdf(-1), 0.15865525393145707, 1e-16);
  EXPECT_EQ(normal_quantile(0), -INFINITY);
}

TEST(NormalMath, FastCdfMatchesTheExactOne) {
  double worst = 0;
  for (double z = -9; z <= 9; z += 0.000731) {
    worst = std::max(worst, std::fabs(normal_cdf_fast(z) - normal_cdf(z)));
  }
  EXPECT_LT(worst, 1e-10);
}

TEST(NormalMath, StandardNormalMoments) {
  engine::Rng rng(11);
  double s = 0, ss = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    double z = standard_normal(rng);
    s += z;
    ss += z * z;
  }
  EXPECT_NEAR(s / n, 0, 0.01);
  EXPECT_NEAR(ss / n, 1, 0.01);
}

// ---- helpers ----

// Concatenation by appends (GCC 12 warns wrongly on "literal" + std::string at -O3).
template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (out += ... += parts);
  return out;
}

CsvTable table_of(const std::string& csv) {
  auto t = parse_csv_table(csv, "train.csv");
  EXPECT_TRUE(t.ok()) << t.status().message();
  return std::move(t).value();
}

CopulaModel fit(const CsvTable& t, CopulaFitOptions options = {}) {
  auto types = infer_column_types(t, {});
  EXPECT_TRUE(types.ok()) << types.status().message();
  auto m = fit_copula(t, types.value(), options);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return std::move(m).value();
}

std::string sample_csv(const CopulaModel& model, uint64_t rows, uint64_t seed,
                       std::vector<WhereCondition> where = {}) {
  auto s = CopulaSampler::create(model, where, seed);
  EXPECT_TRUE(s.ok()) << s.status().message();
  std::string out;
  auto w = make_table_writer(TableFormat::csv, [&](std::string_view b) {
    out.append(b);
    return Status::Ok();
  });
  EXPECT_TRUE(w->begin(s.value()->column_names()).ok());
  std::vector<Value> row(s.value()->column_names().size());
  for (uint64_t i = 0; i < rows; ++i) {
    Status st = s.value()->next_row(row);
    EXPECT_TRUE(st.ok()) << st.message();
    EXPECT_TRUE(w->write_row(row).ok());
  }
  EXPECT_TRUE(w->finish().ok());
  return out;
}

std::vector<double> numbers(const CsvTable& t, const std::string& column) {
  int c = t.column_index(column);
  std::vector<double> out;
  for (size_t r = 0; r < t.rows(); ++r) {
    ParsedNumber n;
    if (parse_number(t.columns[c].cell(r), true, &n)) out.push_back(n.value);
  }
  return out;
}

// Two-sample KS statistic, computed directly (independent of the marginal code).
double ks_two_sample(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d,
                 std::fabs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()));
  }
  return d;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= x.size();
  my /= y.size();
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

// 20k rows with known distributions: x ~ N(50, 10) (3 decimals), y = 0.8 x + noise,
// income ~ lognormal, kids in {0..4}, city with 50/30/20 shares, 10% missing in `note`.
std::string known_table(int rows, uint64_t seed) {
  engine::Rng rng(seed);
  std::string csv = "x,y,income,kids,city,note\n";
  for (int i = 0; i < rows; ++i) {
    double x = 50 + 10 * standard_normal(rng);
    double y = 0.8 * x + 6 * standard_normal(rng);
    double income = fdlibm_exp(10 + 0.5 * standard_normal(rng));
    int kids = static_cast<int>(rng.next_u64() % 5);
    double u = rng.next_double();
    const char* city = u < 0.5 ? "Oslo" : u < 0.8 ? "Bergen" : "Tromso";
    append_fixed(csv, x, 3, false);
    csv += ',';
    append_fixed(csv, y, 2, false);
    csv += ',';
    append_fixed(csv, income, 0, false);
    csv += ',';
    csv += std::to_string(kids);
    csv += ',';
    csv += city;
    csv += rng.next_double() < 0.1 ? ",\n" : ",ok\n";
  }
  return csv;
}

TEST(Copula, MarginalsAndCorrelationArePreserved) {
  CsvTable real = table_of(known_table(20000, 1));
  CopulaModel model = fit(real);
  CsvTable syn = table_of(sample_csv(model, 20000, 7));
  ASSERT_EQ(syn.rows(), 20000u);
  for (const char* col : {"x", "y", "income", "kids"}) {
    double d = ks_two_sample(numbers(real, col), numbers(syn, col));
    EXPECT_LT(d, 0.02) << col;
  }
  double r_real = pearson(numbers(real, "x"), numbers(real, "y"));
  double r_syn = pearson(numbers(syn, "x"), numbers(syn, "y"));
  EXPECT_NEAR(r_syn, r_real, 0.03);
  // Category shares and the missing rate.
  int city = syn.column_index("city"), note = syn.column_index("note");
  double oslo = 0, missing = 0;
  for (size_t r = 0; r < syn.rows(); ++r) {
    oslo += syn.columns[city].cell(r) == "Oslo";
    missing += syn.columns[note].cell(r).empty();
  }
  EXPECT_NEAR(oslo / 20000, 0.5, 0.015);
  EXPECT_NEAR(missing / 20000, 0.1, 0.01);
}

TEST(Copula, CategoryDefinedByNumberBandsKeepsItsLink) {
  // segment is income's band; by frequency the slices would be mid, high, low (not monotone).
  engine::Rng rng(12);
  std::string csv = "income,segment\n";
  for (int i = 0; i < 5000; ++i) {
    double income = fdlibm_exp(10 + 0.5 * standard_normal(rng));
    double u = normal_cdf((fdlibm_log(income) - 10) / 0.5);
    csv += std::to_string(static_cast<int64_t>(income));
    csv += u < 0.2 ? ",low\n" : u < 0.7 ? ",mid\n" : ",high\n";
  }
  CsvTable real = table_of(csv);
  auto consistent = [&](const CopulaModel& model) {
    CsvTable syn = table_of(sample_csv(model, 5000, 5));
    double ok = 0;
    for (size_t r = 0; r < syn.rows(); ++r) {
      double income = std::stod(std::string(syn.columns[0].cell(r)));
      double u = normal_cdf((fdlibm_log(income) - 10) / 0.5);
      std::string_view want = u < 0.2 ? "low" : u < 0.7 ? "mid" : "high";
      ok += syn.columns[1].cell(r) == want;
    }
    return ok / 5000;
  };
  double ordered = consistent(fit(real));
  EXPECT_GT(ordered, 0.85);
  CopulaFitOptions by_frequency;
  by_frequency.order_categories = false;  // SDV's order: the link is mostly lost
  double frequency = consistent(fit(real, by_frequency));
  EXPECT_LT(frequency, 0.7);
}

TEST(Copula, TypesRoundingAndBoundsAreKept) {
  CsvTable real = table_of(known_table(3000, 2));
  CopulaModel model = fit(real);
  CsvTable syn = table_of(sample_csv(model, 5000, 3));
  auto rx = numbers(real, "x");
  double lo = *std::min_element(rx.begin(), rx.end()), hi = *std::max_element(rx.begin(), rx.end());
  int x = syn.column_index("x"), kids = syn.column_index("kids");
  for (size_t r = 0; r < syn.rows(); ++r) {
    std::string_view cell = syn.columns[x].cell(r);
    ParsedNumber n;
    ASSERT_TRUE(parse_number(cell, false, &n)) << cell;
    EXPECT_LE(n.decimals, 3) << cell;
    EXPECT_GE(n.value, lo);
    EXPECT_LE(n.value, hi);
    ASSERT_TRUE(parse_number(syn.columns[kids].cell(r), false, &n));
    EXPECT_TRUE(n.integral_text) << syn.columns[kids].cell(r);
    EXPECT_TRUE(n.value >= 0 && n.value <= 4);
  }
}

TEST(Copula, SameSeedSameBytesOtherSeedOtherBytes) {
  CsvTable real = table_of(known_table(2000, 4));
  CopulaModel model = fit(real);
  EXPECT_EQ(sample_csv(model, 3000, 42), sample_csv(model, 3000, 42));
  EXPECT_NE(sample_csv(model, 3000, 42), sample_csv(model, 3000, 43));
  // Fitting is deterministic and the JSON round trip is exact.
  std::string json = copula_model_json(model);
  EXPECT_EQ(copula_model_json(fit(real)), json);
  auto back = parse_copula_model(json, "m.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(copula_model_json(back.value()), json);
  EXPECT_EQ(sample_csv(back.value(), 3000, 42), sample_csv(model, 3000, 42));
}

TEST(Copula, ModelHoldsNoRawRows) {
  // 5000 rows of distinct floats, unique keys and free text.
  engine::Rng rng(5);
  std::string csv = "key,value,comment\n";
  std::vector<std::string> values, keys, comments;
  for (int i = 0; i < 5000; ++i) {
    std::string v;
    append_fixed(v, 1000 * rng.next_double(), 6, false);
    values.push_back(v);
    keys.push_back(cat("K", std::to_string(100000 + i * 7)));
    comments.push_back(cat("visit ", std::to_string(i), " went fine"));
    csv += keys.back() + "," + v + "," + comments.back() + "\n";
  }
  CsvTable table = table_of(csv);
  CopulaModel model = fit(table);
  std::string json = copula_model_json(model);
  int leaked = 0;
  for (const auto& v : values) leaked += json.find(v) != std::string::npos;
  EXPECT_LE(leaked, 2);  // min and max are kept on purpose
  for (const auto& k : keys) EXPECT_EQ(json.find(k), std::string::npos) << k;
  for (const auto& c : comments) EXPECT_EQ(json.find(c), std::string::npos) << c;
  // "visit" and "went" appear in >= 5 rows, the numbers in one row each.
  ASSERT_EQ(model.columns[2].sdtype, Sdtype::text);
  EXPECT_EQ(model.columns[2].words.size(), 3u);
  // The file does not grow with the rows.
  std::string bigger = csv;
  for (int i = 5000; i < 20000; ++i) {
    std::string v;
    append_fixed(v, 1000 * rng.next_double(), 6, false);
    bigger += cat("K", std::to_string(100000 + i * 7), ",", v, ",visit went fine\n");
  }
  EXPECT_LT(copula_model_json(fit(table_of(bigger))).size(), json.size() * 11 / 10);
}

TEST(Copula, IdsAreUniqueAndShaped) {
  std::string csv = "order_id,code,amount\n";
  for (int i = 0; i < 300; ++i) {
    csv += cat(std::to_string(5000 + i), ",AB-", std::to_string(1000 + i * 3), "x,",
               std::to_string(i % 17), "\n");
  }
  CopulaModel model = fit(table_of(csv));
  ASSERT_EQ(model.columns[0].sdtype, Sdtype::id);
  ASSERT_EQ(model.columns[1].sdtype, Sdtype::id);
  // The shape "AB-1" + three digits + "x" has room for 1000 distinct codes.
  CsvTable syn = table_of(sample_csv(model, 1000, 1));
  std::set<std::string> codes;
  for (size_t r = 0; r < syn.rows(); ++r) {
    std::string code(syn.columns[1].cell(r));
    EXPECT_EQ(code.substr(0, 4), "AB-1") << code;
    EXPECT_EQ(code.size(), 8u) << code;
    EXPECT_EQ(code.back(), 'x') << code;
    codes.insert(code);
  }
  EXPECT_EQ(codes.size(), 1000u);
  // Past the shape's room, a suffix keeps them unique.
  syn = table_of(sample_csv(model, 2500, 1));
  std::set<std::string> ids;
  codes.clear();
  for (size_t r = 0; r < syn.rows(); ++r) {
    ids.insert(std::string(syn.columns[0].cell(r)));
    codes.insert(std::string(syn.columns[1].cell(r)));
  }
  EXPECT_EQ(ids.size(), 2500u);
  EXPECT_EQ(codes.size(), 2500u);
}

TEST(Copula, DatetimeColumnsKeepTheirFormat) {
  std::string csv = "day,temp\n";
  for (int i = 0; i < 400; ++i) {
    std::string d;
    append_datetime(d, 1.6e9 + i * 86400.0 * 3, "%d/%m/%Y", 0);
    csv += cat(d, ",", std::to_string(10 + i % 13), "\n");
  }
  CopulaModel model = fit(table_of(csv));
  ASSERT_EQ(model.columns[0].sdtype, Sdtype::datetime);
  CsvTable syn = table_of(sample_csv(model, 500, 9));
  for (size_t r = 0; r < syn.rows(); ++r) {
    double t;
    EXPECT_TRUE(parse_datetime(syn.columns[0].cell(r), "%d/%m/%Y", &t)) << syn.columns[0].cell(r);
    EXPECT_GE(t, 1.6e9 - 1);
  }
}

TEST(Copula, ConditionsAreHonoured) {
  CsvTable real = table_of(known_table(5000, 6));
  CopulaModel model = fit(real);
  auto city = parse_where("city=Tromso");
  auto x_ge = parse_where("x >= 60");
  ASSERT_TRUE(city.ok() && x_ge.ok());
  CsvTable syn = table_of(sample_csv(model, 2000, 1, {city.value(), x_ge.value()}));
  int c = syn.column_index("city");
  auto xs = numbers(syn, "x");
  auto ys = numbers(syn, "y");
  ASSERT_EQ(xs.size(), 2000u);
  for (size_t r = 0; r < syn.rows(); ++r) EXPECT_EQ(syn.columns[c].cell(r), "Tromso");
  for (double x : xs) EXPECT_GE(x, 60);
  // y follows x up (0.8 slope): its mean is far above the unconditional ~40.
  double mean_y = 0;
  for (double y : ys) mean_y += y / ys.size();
  EXPECT_GT(mean_y, 48);
  // Exact value on a correlated number: y's mean moves accordingly.
  auto x_eq = parse_where("x=30");
  syn = table_of(sample_csv(model, 2000, 2, {x_eq.value()}));
  for (double x : numbers(syn, "x")) EXPECT_EQ(x, 30);
  mean_y = 0;
  for (double y : numbers(syn, "y")) mean_y += y / 2000;
  EXPECT_NEAR(mean_y, 24, 2.5);
  // Ranges on integers after rounding.
  auto k1 = parse_where("kids>1"), k2 = parse_where("kids<=3");
  syn = table_of(sample_csv(model, 1000, 3, {k1.value(), k2.value()}));
  for (double k : numbers(syn, "kids")) EXPECT_TRUE(k == 2 || k == 3) << k;
}

TEST(Copula, ImpossibleAndTooRareConditionsAreClearErrors) {
  CopulaModel model = fit(table_of(known_table(3000, 8)));
  auto create = [&](std::vector<std::string> texts) {
    std::vector<WhereCondition> w;
    for (const auto& t : texts) w.push_back(parse_where(t).value());
    return CopulaSampler::create(model, w, 1);
  };
  auto r = create({"city=Paris"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("never takes the value \"Paris\""), std::string::npos)
      << r.status().message();
  r = create({"x>=1000"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("impossible"), std::string::npos) << r.status().message();
  r = create({"kids=2.5"});
  ASSERT_FALSE(r.ok());
  r = create({"x>60", "x<50"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("contradicts"), std::string::npos) << r.status().message();
  r = create({"nope=1"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no column \"nope\""), std::string::npos);
  r = create({"note=ok"});
  EXPECT_TRUE(r.ok());
  // x high and y low together: the copula all but rules it out (corr ~0.8).
  r = create({"x>=75", "y<=15"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::vector<Value> row(r.value()->column_names().size());
  Status st = r.value()->next_row(row);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("no row met the conditions"), std::string::npos) << st.message();
  EXPECT_FALSE(parse_where("=3").ok());
  EXPECT_FALSE(parse_where("x").ok());
}

TEST(Copula, HeaderOnlyAndAllMissingInputs) {
  auto header_only = table_of("a,b\n");
  auto types = infer_column_types(header_only, {});
  ASSERT_TRUE(types.ok());
  auto m = fit_copula(header_only, types.value(), {});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("no data rows"), std::string::npos);
  CopulaModel model = fit(table_of("a,b\n1,\n2,\n3,\n"));
  CsvTable syn = table_of(sample_csv(model, 50, 1));
  for (size_t r = 0; r < syn.rows(); ++r) EXPECT_TRUE(syn.columns[1].cell(r).empty());
}

// RapidJSON 1.1.0's full-precision reader, which model files were read with, read 0.000e-100 as
// -3.7e19 and crashed on 5.7555847890922e-338 (found by fuzz/copula_model_fuzz.cpp).
TEST(Copula, ModelNumbersAtTheEndsOfTheRangeAreReadExactly) {
  std::string json = copula_model_json(fit(table_of(known_table(500, 9))));
  for (const char* zero : {"0.000e-100", "5.7555847890922e-338"}) {
    std::string edited = json;
    size_t at = edited.find("\"missing_rate\": ") + 16;
    edited.replace(at, edited.find_first_of(",\n", at) - at, zero);
    auto r = parse_copula_model(edited, "m.json");
    ASSERT_TRUE(r.ok()) << zero << ": " << r.status().message();
    EXPECT_EQ(r.value().columns[0].missing_rate, 0.0) << zero;
  }
}

TEST(Copula, DamagedModelFilesAreRejected) {
  CopulaModel model = fit(table_of(known_table(500, 9)));
  std::string json = copula_model_json(model);
  EXPECT_FALSE(parse_copula_model("{}", "m.json").ok());
  std::string bad = json;
  bad.replace(bad.find("\"version\": 1"), 12, "\"version\": 9");
  auto r = parse_copula_model(bad, "m.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("version 9"), std::string::npos);
  bad = json;
  bad.replace(bad.find("\"frequencies\""), 13, "\"frequencie\"");
  r = parse_copula_model(bad, "m.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("frequencies is missing"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace hyv::synth
