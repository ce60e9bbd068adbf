// Table generation: byte-identical output across runs and step sizes, every column type valid,
// rows consistent (e-mail from name, postcode from city), foreign keys and cardinality, constraints
// honoured, and impossible requests reported quickly.
#include "hyv/synth/table_generator.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "hyv/synth/dates.h"
#include "hyv/synth/semantic.h"

namespace hyv::synth {
namespace {

constexpr const char* kShop = R"J({
  "tables": [
    {"name": "users", "rows": 300, "columns": [
      {"name": "id", "type": "id", "start": 100, "step": 10},
      {"name": "key", "type": "id", "format": "uuid"},
      {"name": "first", "type": "first_name"},
      {"name": "last", "type": "last_name"},
      {"name": "name", "type": "full_name"},
      {"name": "email", "type": "email", "unique": true},
      {"name": "work_email", "type": "email", "domain": "company"},
      {"name": "company", "type": "company"},
      {"name": "site", "type": "url"},
      {"name": "street", "type": "street_address"},
      {"name": "city", "type": "city"},
      {"name": "state", "type": "state"},
      {"name": "zip", "type": "postcode"},
      {"name": "country", "type": "country"},
      {"name": "born", "type": "country", "scope": "world"},
      {"name": "phone", "type": "phone"},
      {"name": "job", "type": "job_title", "null_rate": 0.25},
      {"name": "ip", "type": "ipv4"},
      {"name": "ip6", "type": "ipv6"},
      {"name": "iban", "type": "iban", "country": "NL"},
      {"name": "card", "type": "credit_card", "brand": "visa"},
      {"name": "bio", "type": "lorem", "min_words": 2, "max_words": 4},
      {"name": "signup", "type": "date", "min": "2020-01-01", "max": "2022-12-31"},
      {"name": "seen", "type": "datetime", "min": "2023-01-01T00:00:00", "max": "2023-01-31T23:59:59", "format": "%d/%m/%Y %H:%M:%S"},
      {"name": "age", "type": "integer", "distribution": "normal", "mean": 40, "stddev": 15, "min": 18, "max": 90},
      {"name": "visits", "type": "integer", "distribution": "poisson", "lambda": 4},
      {"name": "spend", "type": "float", "distribution": "lognormal", "mu": 3, "sigma": 1, "decimals": 2},
      {"name": "wait", "type": "float", "distribution": "exponential", "rate": 2},
      {"name": "tier", "type": "integer", "values": [1, 2, 3], "weights": [5, 3, 0]},
      {"name": "lucky", "type": "float", "distribution": "empirical", "values": [0.5, 7.25]},
      {"name": "vip", "type": "boolean", "probability": 0.1},
      {"name": "plan", "type": "categorical", "values": ["free", "pro", "team"]},
      {"name": "code", "type": "pattern", "pattern": "[A-Z]{2}\\d{3}(-[a-z])?", "unique": true},
      {"name": "rank", "type": "integer", "min": 1, "max": 400, "unique": true},
      {"name": "secret", "type": "integer", "min": 1, "max": 9, "hidden": true},
      {"name": "doubled", "type": "formula", "formula": "secret * 2", "result": "integer"}
    ]},
    {"name": "orders", "parent": "users", "rows_per_parent": {"min": 1, "max": 4}, "columns": [
      {"name": "order_id", "type": "id"},
      {"name": "user_id", "type": "foreign_key", "references": "users.id"},
      {"name": "user_signup", "type": "foreign_key", "references": "users.signup"},
      {"name": "currency", "type": "categorical"},
      {"name": "country", "type": "categorical"},
      {"name": "qty", "type": "integer", "min": 1, "max": 5},
      {"name": "price", "type": "float", "min": 0.5, "max": 99.5, "decimals": 2},
      {"name": "total", "type": "formula", "formula": "round(qty * price, 2)"
},
      {"name": "ordered", "type": "date", "min": "2020-01-01", "max": "2023-12-31"},
      {"name": "shipped", "type": "date", "min": "2020-01-01", "max": "2024-03-31", "null_rate": 0.2}
    ], "constraints": [
      {"type": "compare", "left": "ordered", "op": ">=", "right": "users.signup"},
      {"type": "compare", "left": "ordered", "op": "<", "right": "shipped"},
      {"type": "range", "column": "total", "max": 300},
      {"type": "combinations", "columns": ["currency", "country"],
       "values": [["USD", "US"], ["EUR", "DE"], ["EUR", "FR"]], "weights": [2, 1, 1]}
    ]
},
    {"name": "items", "parent": "orders", "rows_per_parent": {"min": 0, "max": 2}, "columns": [
      {"name": "order_id", "type": "foreign_key", "references": "orders.order_id"},
      {"name": "user_key", "type": "foreign_key", "references": "users.key"},
      {"name": "any_user", "type": "foreign_key", "references": "users.id"},
      {"name": "line_total", "type": "formula", "formula": "orders.total / 2", "decimals": 2}
    ]}
  ]
})J";

using Table = std::vector<std::map<std::string, std::string>>;

struct Output {
  std::vector<std::string> bytes;
  std::vector<std::vector<std::string>> header;
  std::vector<Table> rows;
};

// CSV back into rows (values never contain quotes, commas or newlines in these schemas except
// where quoted; a minimal reader suffices and the writer's own tests cover quoting).
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool q = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (q) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        cur.push_back('"'), ++i;
      else if (c == '"')
        q = false;
      else
        cur.push_back(c);
    } else if (c == '"') {
      q = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

Result<Output> generate(const std::string& json, uint64_t seed, uint64_t step_rows,
                        GeneratorOptions o = {}, std::vector<bool> write = {}) {
  auto schema = parse_schema(json);
  if (!schema.ok()) return schema.status();
  size_t n = schema.value().tables.size();
  Output out;
  out.bytes.resize(n);
  std::vector<std::unique_ptr<RowSink>> writers;
  std::vector<RowSink*> sinks;
  for (size_t t = 0; t < n; ++t) {
    bool on = write.empty() || write[t];
    writers.push_back(on ? make_table_writer(TableFormat::csv,
                                             [&out, t](std::string_view b) {
                                               out.bytes[t].append(b);
                                               return Status::Ok();
                                             })
                         : nullptr);
    sinks.push_back(writers.back().get());
  }
  o.seed = seed;
  auto gen = TableGenerator::create(std::move(schema).value(), o, sinks);
  if (!gen.ok()) return gen.status();
  while (!gen.value()->done()) HYV_RETURN_IF_ERROR(gen.value()->step(step_rows));
  for (size_t t = 0; t < n; ++t) {
    Table table;
    std::vector<std::string> header;
    std::string all = out.bytes[t];
    size_t pos = 0;
    bool first = true;
    while (pos < all.size()) {
      size_t end = all.find("\r\n", pos);
      auto fields = split(all.substr(pos, end - pos));
      pos = end + 2;
      if (first) {
        header = fields;
        first = false;
        continue;
      }
      std::map<std::string, std::string> row;
      for (size_t i = 0; i < header.size(); ++i) row[header[i]] = fields.at(i);
      table.push_back(row);
    }
    out.header.push_back(header);
    out.rows.push_back(table);
  }
  return out;
}

TEST(TableGenerator, ByteIdenticalAcrossRunsAndStepSizes) {
  auto whole = generate(kShop, 7, 1u << 30);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  for (uint64_t step : {1, 3, 17, 1000}) {
    auto chunked = generate(kShop, 7, step);
    ASSERT_TRUE(chunked.ok());
    for (size_t t = 0; t < 3; ++t)
      ASSERT_EQ(chunked.value().bytes[t], whole.value().bytes[t]) << step;
  }
  auto other = generate(kShop, 8, 1000);
  EXPECT_NE(other.value().bytes[0], whole.value().bytes[0]);
}

TEST(TableGenerator, SkippingATablesOutputDoesNotChangeTheOthers) {
  auto all = generate(kShop, 3, 100);
  auto only_orders = generate(kShop, 3, 100, {}, {false, true, false});
  ASSERT_TRUE(only_orders.ok());
  EXPECT_EQ(only_orders.value().bytes[1], all.value().bytes[1]);
  EXPECT_TRUE(only_orders.value().bytes[0].empty());
}

TEST(TableGenerator, EveryColumnTypeIsValid) {
  auto out = generate(kShop, 11, 500);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const Table& users = out.value().rows[0];
  ASSERT_EQ(users.size(), 300u);
  const LocaleData& en = *find_locale("en");
  auto in = [](std::span<const std::string_view> list, const std::string& v) {
    return std::find(list.begin(), list.end(), v) != list.end();
  };
  std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::regex phone("\\([2-9]\\d{2}\\) [2-9]\\d{2}-\\d{4}"), code("[A-Z]{2}\\d{3}(-[a-z])?");
  std::regex street("[1-9]\\d{0,3} [A-Za-z]+ [A-Za-z]+");
  std::set<std::string> emails, codes, ranks;
  int jobs_null = 0, vip = 0;
  double age_sum = 0, visits_sum = 0;
  std::map<std::string, int> tiers;
  EXPECT_EQ(std::count(out.value().header[0].begin(), out.value().header[0].end(), "secret"), 0)
      << "hidden columns are not written";
  for (size_t i = 0; i < users.size(); ++i) {
    auto r = users[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(r["id"], std::to_string(100 + 10 * i));
    EXPECT_TRUE(std::regex_match(r["key"], uuid));
    EXPECT_TRUE(in(en.first_names, r["first"]));
    EXPECT_TRUE(in(en.last_names, r["last"]));
    EXPECT_EQ(r["name"], r["first"] + " " + r["last"]) << "one person per row";
    std::string first, last;
    append_slug(first, r["first"]);
    append_slug(last, r["last"]);
    const std::string& e = r["email"];
    EXPECT_TRUE(e.rfind(first, 0) == 0 || e.rfind(first.substr(0, 1) + ".", 0) == 0) << e;
    EXPECT_NE(e.find(last), std::string::npos) << e;
    EXPECT_TRUE(emails.insert(e).second) << "unique e-mail " << e;
    std::string domain = r["site"].substr(12, r["site"].size() - 13);  // https://www.X/
    EXPECT_EQ(r["work_email"].substr(r["work_email"].find('@') + 1), domain);
    EXPECT_TRUE(std::regex_match(r["street"], street)) << r["street"];
    const LocaleCity* city = nullptr;
    for (const auto& c : en.cities)
      if (c.name == r["city"] && c.region == r["state"]) city = &c;
    ASSERT_NE(city, nullptr) << r["city"] << ", " << r["state"];
    EXPECT_EQ(r["zip"].substr(0, 3), city->postcode_prefix) << "postcode of the row's city";
    EXPECT_EQ(r["country"], "United States");
    EXPECT_TRUE(in(en.countries, r["born"]));
    EXPECT_TRUE(std::regex_match(r["phone"], phone));
    jobs_null += r["job"].empty();
    in_addr a4;
    in6_addr a6;
    EXPECT_EQ(inet_pton(AF_INET, r["ip"].c_str(), &a4), 1);
    EXPECT_EQ(inet_pton(AF_INET6, r["ip6"].c_str(), &a6), 1);
    EXPECT_TRUE(iban_valid(r["iban"]) && r["iban"].rfind("NL", 0) == 0) << r["iban"];
    EXPECT_TRUE(luhn_valid(r["card"]) && r["card"][0] == '4' && r["card"].size() == 16);
    EXPECT_EQ(r["bio"].back(), '.');
    auto signup = parse_iso_date(r["signup"]);
    ASSERT_TRUE(signup);
    EXPECT_GE(*signup, *parse_iso_date("2020-01-01"));
    EXPECT_LE(*signup, *parse_iso_date("2022-12-31"));
    auto seen = parse_with_format(r["seen"], "%d/%m/%Y %H:%M:%S");
    ASSERT_TRUE(seen) << r["seen"];
    EXPECT_GE(*seen, *parse_iso_datetime("2023-01-01T00:00:00"));
    EXPECT_LE(*seen, *parse_iso_datetime("2023-01-31T23:59:59"));
    int age = std::stoi(r["age"]);
    EXPECT_GE(age, 18);
    EXPECT_LE(age, 90);
    age_sum += age;
    visits_sum += std::stoi(r["visits"]);
    double spend = std::stod(r["spend"]);
    EXPECT_GT(spend, 0);
    size_t dot = r["spend"].find('.');
    EXPECT_LE(r["spend"].size() - dot - 1, 2u) << "at most 2 decimals: " << r["spend"];
    EXPECT_GE(std::stod(r["wait"]), 0);
    ++tiers[r["tier"]];
    EXPECT_TRUE(r["lucky"] == "0.5" || r["lucky"] == "7.25") << r["lucky"];
    vip += r["vip"] == "true";
    EXPECT_TRUE(r["vip"] == "true" || r["vip"] == "false");
    EXPECT_TRUE(r["plan"] == "free" || r["plan"] == "pro" || r["plan"] == "team");
    EXPECT_TRUE(std::regex_match(r["code"], code));
    EXPECT_TRUE(codes.insert(r["code"]).second);
    EXPECT_TRUE(ranks.insert(r["rank"]).second);
    int doubled = std::stoi(r["doubled"]);
    EXPECT_TRUE(doubled % 2 == 0 && doubled >= 2 && doubled <= 18);
  }
  EXPECT_EQ(tiers.count("3"), 0u) << "zero weight is never drawn";
  EXPECT_NEAR(jobs_null / 300.0, 0.25, 0.1);
  EXPECT_NEAR(vip / 300.0, 0.1, 0.06);
  // Normal(40, 15) truncated to [18, 90] has mean 40 + 15 (phi(a) - phi(b)) / (Phi(b) - Phi(a)).
  auto phi = [](double z) { return std::exp(-z * z / 2) / std::sqrt(2 * M_PI); };
  auto Phi = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  double a = (18 - 40) / 15.0, b = (90 - 40) / 15.0;
  double truncated_mean = 40 + 15 * (phi(a) - phi(b)) / (Phi(b) - Phi(a));
  EXPECT_NEAR(age_sum / 300, truncated_mean, 4 * 13 / std::sqrt(300.0));
  EXPECT_NEAR(visits_sum / 300, 4, 0.5);
}

TEST(TableGenerator, ForeignKeysCardinalityAndConstraints) {
  auto out = generate(kShop, 5, 64);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const Table& users = out.value().rows[0];
  const Table& orders = out.value().rows[1];
  const Table& items = out.value().rows[2];
  std::map<std::string, std::string> signup_of, key_of;
  for (auto r : users) signup_of[r["id"]] = r["signup"], key_of[r["id"]] = r["key"];
  std::map<std::string, int> per_user;
  std::map<std::string, std::map<std::string, std::string>> order_by_id;
  std::map<std::string, int> combos;
  std::vector<std::string> user_order;
  for (auto r : orders) {
    ASSERT_TRUE(signup_of.count(r["user_id"])) << "dangling foreign key " << r["user_id"];
    if (user_order.empty() || user_order.back() != r["user_id"]) user_order.push_back(r["user_id"]);
    ++per_user[r["user_id"]];
    EXPECT_EQ(r["user_signup"], signup_of[r["user_id"]]) << "copied from the parent row";
    EXPECT_GE(r["ordered"], r["user_signup"]) << "ordered >= users.signup";
    if (!r["shipped"].empty()) {
      EXPECT_LT(r["ordered"], r["shipped"]);
    }
    double total = std::stod(r["total"]);
    EXPECT_LE(total, 300);
    char expect[32];
    std::snprintf(expect, sizeof expect, "%.2f", std::stoi(r["qty"]) * std::stod(r["price"]));
    EXPECT_NEAR(total, std::stod(expect), 1e-9);
    ++combos[r["currency"] + "/" + r["country"]];
    order_by_id[r["order_id"]] = r;
  }
  EXPECT_EQ(user_order.size(), users.size()) << "each user's orders are contiguous";
  for (auto r : users) {
    int n = per_user[r["id"]];
    EXPECT_GE(n, 1);
    EXPECT_LE(n, 4);
  }
  EXPECT_EQ(combos.size(), 3u);
  EXPECT_NEAR(combos["USD/US"] / double(orders.size()), 0.5, 0.06);
  std::map<std::string, int> per_order;
  for (auto r : items) {
    ASSERT_TRUE(order_by_id.count(r["order_id"]));
    auto& o = order_by_id[r["order_id"]];
    EXPECT_EQ(r["user_key"], key_of[o["user_id"]]) << "grandparent copy";
    EXPECT_TRUE(key_of.count(r["any_user"])) << "random reference to a real id";
    EXPECT_NEAR(std::stod(r["line_total"]), std::stod(o["total"]) / 2, 0.0051);
    ++per_order[r["order_id"]];
  }
  for (auto& [id, n] : per_order) EXPECT_LE(n, 2);
  EXPECT_LT(per_order.size(), orders.size()) << "min 0 children leaves some orders without items";
}

TEST(TableGenerator, RowCountsFromOptions) {
  GeneratorOptions o;
  o.table_rows = {{"users", 7}};
  auto out = generate(kShop, 1, 100, o);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.value().rows[0].size(), 7u);
  o.table_rows = {{"orders", 7}};
  auto bad = generate(kShop, 1, 100, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "rows for table \"orders\": a child table's rows come from rows_per_parent");
  o.table_rows = {{"nope", 3}};
  EXPECT_EQ(generate(kShop, 1, 100, o).status().message(),
            "rows for table \"nope\": the schema has no such table");
  auto none =
      generate(R"J({"tables": [{"name": "t", "columns": [{"name": "a", "type": "id"}]}]})J", 1, 10);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(),
            "table \"t\" has no row count: give rows (or \"rows\" in tables[0])")
      << "the request's field, not a CLI flag";
}

TEST(TableGenerator, UnsatisfiableRequestsFailFastWithTheirName) {
  struct Case {
    std::string json;
    std::string message;
  } cases[] = {
      // Each constraint alone is possible (the up-front check passes); together they are not.
      {R"J({"tables": [{"name": "t", "rows": 50, "columns": [
          {"name": "a", "type": "float", "min": 0, "max": 1},
          {"name": "b", "type": "float", "min": 0, "max": 1}],
          "constraints": [{"type": "compare", "left": "a", "op": "<", "right": "b"},
                          {"type": "compare", "left": "b", "op": "<", "right": "a"}]}]})J",
       "tables[0].constraints[1] (\"b < a\") was not met in any of 1000 attempts"},
      // A unique column with fewer values than rows.
      {R"J({"tables": [{"name": "t", "rows": 100, "columns": [
          {"name": "a", "type": "pattern", "pattern": "(x|x|y)", "unique": true}]}]})J",
       "tables[0].columns[0] (a): unique, but 100 rows need about 100 distinct values"},
      // The up-front bound counts alternatives, so only generation finds that they are equal.
      {R"J({"tables": [{"name": "t", "rows": 5, "columns": [
          {"name": "a", "type": "pattern", "pattern": "(x|x|x|x|x|x)", "unique": true}]}]})J",
       "row 2: tables[0].columns[0] (a) found no new unique value after 1 distinct ones in any "
       "of 1000 attempts"},
      {R"J({"tables": [{"name": "t", "rows": 20, "columns": [
          {"name": "a", "type": "integer", "min": 1, "max": 1000, "unique": true},
          {"name": "b", "type": "integer", "min": 1, "max": 2, "unique": true}]}]})J",
       "tables[0].columns[1] (b): unique, but 20 rows"},
      {R"J({"tables": [{"name": "t", "rows": 5, "columns": [
          {"name": "a", "type": "float", "distribution": "normal", "mean": 0, "stddev": 1, "min": 50, "max": 60}]}]})J",
       "tables[0].columns[0] (a): the normal distribution (mean 0, stddev 1) gave no value in [50, "
       "60] in 1000 draws"},
      {R"J({"tables": [{"name": "u", "rows": 3, "columns": [{"name": "id", "type": "id"}]},
          {"name": "o", "parent": "u", "rows_per_parent": {"min": 1, "max": 3}, "columns": [
          {"name": "uid", "type": "foreign_key", "references": "u.id", "unique": true}]}]})J",
       "tables[1].columns[0]: unique, but it copies u.id and rows_per_parent allows up to 3"},
  };
  for (const auto& c : cases) {
    auto t0 = std::chrono::steady_clock::now();
    auto out = generate(c.json, 1, 1000);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_FALSE(out.ok()) << c.json;
    EXPECT_NE(out.status().message().find(c.message), std::string::npos)
        << "got:      " << out.status().message() << "\nexpected: " << c.message;
    EXPECT_LT(secs, 2.0);
  }
}

TEST(TableGenerator, TightConstraintsNarrowTheLaterColumnAndKeepNullRates) {
  // shipped within 3 days after ordered: rejection alone would need ~300 tries per row.
  auto out = generate(R"J({"tables": [{"name": "t", "rows": 3000, "columns": [
      {"name": "ordered", "type": "date", "min": "2019-01-01", "max": "2024-12-31"},
      {"name": "shipped", "type": "date", "min": "2019-01-01", "max": "2025-12-31", "null_rate": 0.1},
      {"name": "weight", "type": "float", "distribution": "normal", "mean": 10, "stddev": 2},
      {"name": "limit", "type": "float", "min": 0, "max": 100}],
      "constraints": [
        {"type": "compare", "left": "shipped", "op": ">", "right": "ordered"},
        {"type": "compare", "left": "ordered + 3", "op": ">=", "right": "shipped"},
        {"type": "compare", "left": "limit", "op": ">=", "right": "weight * 2"}]}]})J",
                      5, 500);
  ASSERT_TRUE(out.ok()) << out.status().message();
  int nulls = 0;
  double ordered_days = 0;
  for (auto r : out.value().rows[0]) {
    auto o = parse_iso_date(r["ordered"]);
    ordered_days += double(*o);
    EXPECT_GE(std::stod(r["limit"]), 2 * std::stod(r["weight"]));
    if (r["shipped"].empty()) {
      ++nulls;
      continue;
    }
    auto s = parse_iso_date(r["shipped"]);
    EXPECT_GT(*s, *o);
    EXPECT_LE(*s, *o + 3);
  }
  EXPECT_NEAR(nulls / 3000.0, 0.1, 0.02) << "constraints must not push rows to null";
  double mid = (double(*parse_iso_date("2019-01-01")) + double(*parse_iso_date("2024-12-31"))) / 2;
  EXPECT_NEAR(ordered_days / 3000, mid, 40) << "the earlier column keeps its distribution";
}

TEST(TableGenerator, UniqueNearCapacityStillUnique) {
  auto out = generate(R"J({"tables": [{"name": "t", "rows": 500, "columns": [
      {"name": "a", "type": "integer", "min": 1, "max": 1000, "unique": true}]}]})J",
                      2, 100);
  ASSERT_TRUE(out.ok()) << out.status().message();
  std::set<std::string> seen;
  for (auto r : out.value().rows[0]) EXPECT_TRUE(seen.insert(r["a"]).second);
}

// Issue 17: min -2^63 and max 2^63-1 used to give -9223372036854775808 in every row (the bounds
// went through doubles); the full range and ranges at its ends draw correctly now.
TEST(TableGenerator, IntegerRangesAtTheInt64Extremes) {
  auto out = generate(R"J({"tables": [{"name": "t", "rows": 400, "columns": [
      {"name": "full", "type": "integer", "min": -9223372036854775808, "max": 9223372036854775807},
      {"name": "top", "type": "integer", "min": 9223372036854775806, "max": 9223372036854775807},
      {"name": "bottom", "type": "integer", "min": -9223372036854775808, "max": -9223372036854775807},
      {"name": "max", "type": "integer", "min": 9223372036854775807, "max": 9223372036854775807},
      {"name": "big", "type": "integer", "values": [9223372036854775807, -9223372036854775808]},
      {"name": "above", "type": "integer", "min": 9007199254740993, "max": 9007199254740995}]}]})J",
                      3, 64);
  ASSERT_TRUE(out.ok()) << out.status().message();
  std::set<std::string> full, top, bottom, big, above;
  int negative = 0;
  for (auto r : out.value().rows[0]) {
    full.insert(r["full"]);
    negative += r["full"][0] == '-';
    top.insert(r["top"]);
    bottom.insert(r["bottom"]);
    big.insert(r["big"]);
    above.insert(r["above"]);
    EXPECT_EQ(r["max"], "9223372036854775807");
  }
  EXPECT_EQ(full.size(), 400u) << "2^64 values: 400 draws do not repeat";
  EXPECT_NEAR(negative, 200, 50);
  EXPECT_EQ(top, (std::set<std::string>{"9223372036854775806", "9223372036854775807"}));
  EXPECT_EQ(bottom, (std::set<std::string>{"-9223372036854775808", "-9223372036854775807"}));
  EXPECT_EQ(big, (std::set<std::string>{"9223372036854775807", "-9223372036854775808"}));
  EXPECT_EQ(above,
            (std::set<std::string>{"9007199254740993", "9007199254740994", "9007199254740995"}))
      << "exact bounds past 2^53";
}

// An id step of -2^63 repeated ids; such sequences are refused for the rows asked.
TEST(TableGenerator, IdSequencesStayInsideInt64) {
  std::string schema = R"J({"tables": [{"name": "t", "columns": [
      {"name": "id", "type": "id", "start": 1, "step": -9223372036854775808}]}]})J";
  GeneratorOptions o;
  o.rows = 2;
  auto two = generate(schema, 1, 10, o);
  ASSERT_TRUE(two.ok()) << two.status().message();
  EXPECT_EQ(two.value().rows[0][0]["id"], "1");
  EXPECT_EQ(two.value().rows[0][1]["id"], "-9223372036854775807");
  o.rows = 3;
  auto three = generate(schema, 1, 10, o);
  ASSERT_FALSE(three.ok());
  EXPECT_NE(three.status().message().find("tables[0].columns[0] (id): the id sequence from 1 in "
                                          "steps of -9223372036854775808 leaves the 64-bit integer "
                                          "range"),
            std::string::npos)
      << three.status().message();
  // A child table's id counts the child's rows, at rows_per_parent max.
  auto child =
      generate(R"J({"tables": [{"name": "a", "rows": 3, "columns": [{"name": "id", "type": "id"}]},
      {"name": "b", "parent": "a", "rows_per_parent": {"min": 0, "max": 2}, "columns": [
      {"name": "id", "type": "id", "start": 9223372036854775803}]}]})J",
               1, 10);
  ASSERT_FALSE(child.ok());
  EXPECT_NE(child.status().message().find("after 5 rows, and table \"b\" can get up to 6"),
            std::string::npos)
      << child.status().message();
}

// Draws stay finite: lognormal at the parse-time limit, a uniform float over the whole double
// range, and category weights of 1e308 (whose running sum used to overflow and always pick the
// last category).
TEST(TableGenerator, FloatOutputsStayFiniteAndWeightsProportional) {
  auto out = generate(R"J({"tables": [{"name": "t", "rows": 4000, "columns": [
      {"name": "ln", "type": "float", "distribution": "lognormal", "mu": 0, "sigma": 54},
      {"name": "wide", "type": "float", "min": -1.7e308, "max": 1.7e308},
      {"name": "c", "type": "categorical", "values": ["x", "y", "z"], "weights": [1e308, 1e308, 1]},
      {"name": "n", "type": "integer", "values": [1, 2], "weights": [1.5e308, 1.5e308]}]}]})J",
                      4, 1000);
  ASSERT_TRUE(out.ok()) << out.status().message();
  std::map<std::string, int> c, n;
  int wide_negative = 0;
  for (auto r : out.value().rows[0]) {
    double ln = std::stod(r["ln"]), wide = std::stod(r["wide"]);
    ASSERT_TRUE(std::isfinite(ln) && ln >= 0) << r["ln"];
    ASSERT_TRUE(std::isfinite(wide) && std::fabs(wide) <= 1.7e308) << r["wide"];
    wide_negative += wide < 0;
    ++c[r["c"]];
    ++n[r["n"]];
  }
  EXPECT_NEAR(wide_negative, 2000, 150);
  EXPECT_NEAR(c["x"], 2000, 150);
  EXPECT_NEAR(c["y"], 2000, 150);
  EXPECT_EQ(c["z"], 0);
  EXPECT_NEAR(n["1"], 2000, 150);
}

// Nested children multiply: the total (children at rows_per_parent max) is refused over the
// host's limit before any row is made, and progress counts every row of every table.
TEST(TableGenerator, RowTotalsAreBoundedAndProgressCountsEveryRow) {
  std::string schema =
      R"J({"tables": [{"name": "a", "rows": 1, "columns": [{"name": "id", "type": "id"}]},
      {"name": "b", "parent": "a", "rows_per_parent": {"min": 1000000, "max": 1000000}, "columns": [{"name": "x", "type": "id"}]},
      {"name": "c", "parent": "b", "rows_per_parent": {"min": 1000000, "max": 1000000}, "columns": [{"name": "x", "type": "id"}]}]})J";
  GeneratorOptions o;
  o.rows = 2;  // 2 + 2e6 + 2e12 rows: over kMaxTotalRows
  auto cli = generate(schema, 1, 10, o);
  ASSERT_FALSE(cli.ok());
  EXPECT_NE(cli.status().message().find("tables[2] (\"c\"): up to 2000000000000 rows "
                                        "(rows_per_parent max 1000000 for each of up to 2000000 "
                                        "rows of \"b\"), so up to 2000002000002 rows in all tables "
                                        "together, over the limit of 1000000000000 rows per run"),
            std::string::npos)
      << cli.status().message();
  o.rows = 1;
  o.max_total_rows = 1000000;  // the studio's limit
  auto studio = generate(schema, 1, 10, o);
  ASSERT_FALSE(studio.ok());
  EXPECT_NE(studio.status().message().find("tables[1] (\"b\"): up to 1000000 rows"),
            std::string::npos)
      << studio.status().message();

  auto parsed = parse_schema(
      R"J({"tables": [{"name": "a", "rows": 40, "columns": [{"name": "id", "type": "id"}]},
      {"name": "b", "parent": "a", "rows_per_parent": {"min": 0, "max": 6}, "columns": [{"name": "x", "type": "id"}]},
      {"name": "c", "parent": "b", "rows_per_parent": {"min": 2, "max": 2}, "columns": [{"name": "x", "type": "id"}]}]})J");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  auto gen = TableGenerator::create(std::move(parsed).value(), GeneratorOptions{}, {});
  ASSERT_TRUE(gen.ok()) << gen.status().message();
  TableGenerator& g = *gen.value();
  EXPECT_EQ(g.rows_done(), 0u);
  EXPECT_EQ(g.rows_total(), 400u) << "40 * (1 + 3 * (1 + 2)) expected";
  uint64_t last_done = 0;
  while (!g.done()) {
    ASSERT_TRUE(g.step(7).ok());
    EXPECT_GE(g.rows_done(), last_done);
    EXPECT_GE(g.rows_total(), g.rows_done());
    last_done = g.rows_done();
  }
  uint64_t all = g.rows_written(0) + g.rows_written(1) + g.rows_written(2);
  EXPECT_EQ(g.rows_done(), all);
  EXPECT_EQ(g.rows_total(), all);
  EXPECT_EQ(g.rows_written(2), 2 * g.rows_written(1));
}

}  // namespace
}  // namespace hyv::synth
