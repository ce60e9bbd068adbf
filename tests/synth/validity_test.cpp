// Validity reports: generated data meets every rule; each kind of corruption is counted by the rule
// it breaks (and only a few others), with the first offending value.
#include "hyv/synth/validity.h"

#include <gtest/gtest.h>

#include <map>

#include "hyv/synth/table_generator.h"

namespace hyv::synth {
namespace {

constexpr const char* kSchema = R"J({
  "tables": [
    {"name": "users", "rows": 200, "columns": [
      {"name": "id", "type": "id"},
      {"name": "first", "type": "first_name"},
      {"name": "last", "type": "last_name"},
      {"name": "email", "type": "email", "unique": true},
      {"name": "city", "type": "city"},
      {"name": "zip", "type": "postcode"},
      {"name": "card", "type": "credit_card"},
      {"name": "iban", "type": "iban", "country": "DE"},
      {"name": "joined", "type": "date", "min": "2020-01-01", "max": "2022-12-31"},
      {"name": "plan", "type": "categorical", "values": ["free", "pro"]},
      {"name": "code", "type": "pattern", "pattern": "[A-Z]{2}\\d{2}", "null_rate": 0.2}
    ]},
    {"name": "orders", "parent": "users", "rows_per_parent": {"min": 1, "max": 3}, "columns": [
      {"name": "user_id", "type": "foreign_key", "references": "users.id"},
      {"name": "qty", "type": "integer", "min": 1, "max": 9},
      {"name": "price", "type": "float", "min": 1, "max": 50, "decimals": 2},
      {"name": "total", "type": "formula", "formula": "round(qty * price, 2)"},
      {"name": "ordered", "type": "date", "min": "2020-01-01", "max": "2023-12-31"}
    ], "constraints": [
      {"type": "compare", "left": "ordered", "op": ">=", "right": "users.joined"}
    ]}
  ]
})J";

using Grid = std::vector<std::vector<std::string>>;  // header row, then data rows

Grid parse(const std::string& csv) {
  Grid g;
  size_t pos = 0;
  while (pos < csv.size()) {
    size_t end = csv.find("\r\n", pos);
    std::string line = csv.substr(pos, end - pos);
    pos = end + 2;
    std::vector<std::string> row;
    size_t start = 0;
    while (true) {  // generated values here hold no commas or quotes
      size_t comma = line.find(',', start);
      row.push_back(line.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    g.push_back(row);
  }
  return g;
}

struct Fixture {
  Schema schema;
  std::vector<Grid> tables;
};

Fixture make(uint64_t seed) {
  Fixture f;
  f.schema = parse_schema(kSchema).value();
  std::vector<std::string> out(2);
  std::vector<std::unique_ptr<RowSink>> writers;
  std::vector<RowSink*> sinks;
  for (size_t t = 0; t < 2; ++t) {
    writers.push_back(make_table_writer(TableFormat::csv, [&out, t](std::string_view b) {
      out[t].append(b);
      return Status::Ok();
    }));
    sinks.push_back(writers.back().get());
  }
  GeneratorOptions o;
  o.seed = seed;
  auto gen = TableGenerator::create(parse_schema(kSchema).value(), o, sinks);
  EXPECT_TRUE(gen.ok());
  while (!gen.value()->done()) EXPECT_TRUE(gen.value()->step(1000).ok());
  for (const auto& s : out) f.tables.push_back(parse(s));
  return f;
}

ValidityReport validate(const Fixture& f, std::vector<int> only = {0, 1}) {
  SchemaValidator v(f.schema);
  for (int t : validation_order(f.schema)) {
    if (std::find(only.begin(), only.end(), t) == only.end()) continue;
    const Grid& g = f.tables[size_t(t)];
    std::vector<std::string_view> header(g[0].begin(), g[0].end());
    EXPECT_TRUE(v.begin_table(t, "t.csv", header).ok());
    for (size_t r = 1; r < g.size(); ++r) {
      std::vector<std::optional<std::string_view>> cells;
      for (const auto& c : g[r])
        cells.push_back(c.empty() ? std::nullopt : std::optional<std::string_view>(c));
      v.add_row(cells, r + 1);
    }
    v.end_table();
  }
  return v.report();
}

// Violations per "table/column/rule".
std::map<std::string, uint64_t> broken(const ValidityReport& r) {
  std::map<std::string, uint64_t> out;
  for (const auto& t : r.tables)
    for (const auto& c : t.checks)
      if (c.violations) out[t.table + "/" + c.column + "/" + c.rule] = c.violations;
  return out;
}

int col(const Grid& g, const std::string& name) {
  for (size_t i = 0; i < g[0].size(); ++i)
    if (g[0][i] == name) return int(i);
  ADD_FAILURE() << name;
  return 0;
}

TEST(Validity, GeneratedDataMeetsEveryRule) {
  Fixture f = make(1);
  ValidityReport r = validate(f);
  EXPECT_EQ(r.violations(), 0u);
  EXPECT_TRUE(broken(r).empty());
  ASSERT_EQ(r.tables.size(), 2u);
  EXPECT_EQ(r.tables[0].rows, 200u);
  std::map<std::string, uint64_t> checked;
  for (const auto& t : r.tables)
    for (const auto& c : t.checks) checked[t.table + "/" + c.column + "/" + c.rule] = c.checked;
  EXPECT_EQ(checked["users/email/made from the row's name"], 200u);
  EXPECT_EQ(checked["users/zip/belongs to the row's city"], 200u);
  EXPECT_EQ(checked["orders//1 to 3 rows per users row"], 200u);
  EXPECT_EQ(checked["orders//ordered >= users.joined"], r.tables[1].rows);
  EXPECT_EQ(checked["orders/total/equals round(qty * price, 2)"], r.tables[1].rows);
}

TEST(Validity, EachCorruptionIsCountedByItsRule) {
  Fixture f = make(2);
  Grid& u = f.tables[0];
  Grid& o = f.tables[1];
  u[1][size_t(col(u, "email"))] = "someone.else@example.com";     // not from this row's name
  u[2][size_t(col(u, "email"))] = u[3][size_t(col(u, "email"))];  // duplicate
  std::string& card = u[4][size_t(col(u, "card"))];
  card.back() = char('0' + (card.back() - '0' + 1) % 10);  // Luhn digit off by one
  std::string& iban = u[5][size_t(col(u, "iban"))];
  iban[2] = iban[2] == '9' ? '8' : char(iban[2] + 1);  // wrong check digits
  u[6][size_t(col(u, "zip"))] = u[6][size_t(col(u, "zip"))] == "99999" ? "00000" : "99999";
  u[7][size_t(col(u, "joined"))] = "2019-12-31";  // before min
  u[8][size_t(col(u, "plan"))] = "gold";
  u[9][size_t(col(u, "code"))] = "abcd";
  u[10][size_t(col(u, "first"))] = "";        // null where null_rate is 0
  o[1][size_t(col(o, "user_id"))] = "99999";  // dangling
  o[2][size_t(col(o, "total"))] = "1.5";      // not qty * price
  o[3][size_t(col(o, "qty"))] = "12";         // out of range (also breaks total)
  // An order before its user joined (the first order whose user joined after the earliest day).
  for (size_t r = 4; r < o.size(); ++r) {
    int uid = std::stoi(o[r][size_t(col(o, "user_id"))]);
    if (u[size_t(uid)][size_t(col(u, "joined"))] > "2020-01-01") {
      o[r][size_t(col(o, "ordered"))] = "2020-01-01";
      break;
    }
  }
  auto b = broken(validate(f));
  EXPECT_EQ(b["users/email/made from the row's name"], 2u) << "the changed and the copied one";
  EXPECT_EQ(b["users/email/unique"], 1u);
  EXPECT_EQ(b["users/card/card number with a valid Luhn digit"], 1u);
  EXPECT_EQ(b["users/iban/DE IBAN with valid check digits"], 1u);
  EXPECT_EQ(b["users/zip/postcode (en locale)"], 1u);
  EXPECT_EQ(b["users/joined/between 2020-01-01 and 2022-12-31"], 1u);
  EXPECT_EQ(b["users/plan/one of 2 values"], 1u);
  EXPECT_EQ(b["users/code/matches [A-Z]{2}\\d{2}"], 1u);
  EXPECT_EQ(b["users/first/never null"], 1u);
  EXPECT_EQ(b["orders/user_id/refers to an existing users.id"], 1u);
  EXPECT_EQ(b["orders/qty/between 1 and 9"], 1u);
  EXPECT_EQ(b["orders/total/equals round(qty * price, 2)"], 2u);
  EXPECT_EQ(b["orders//ordered >= users.joined"], 1u);
  // The dangling order moved one order away from its user: cardinality may or may not break.
  b.erase("orders//1 to 3 rows per users row");
  b.erase("orders//ordered >= users.joined");
  for (const auto& [rule, n] : b)
    EXPECT_TRUE(rule.find("users/") == 0 || rule.find("orders/") == 0) << rule;
}

TEST(Validity, CardinalityAndMissingColumns) {
  Fixture f = make(3);
  Grid& o = f.tables[1];
  int uc = col(o, "user_id");
  std::string victim = o[1][size_t(uc)];
  Grid kept = {o[0]};
  for (size_t r = 1; r < o.size(); ++r)
    if (o[r][size_t(uc)] != victim) kept.push_back(o[r]);
  o = kept;  // user `victim` now has no orders
  Grid& u = f.tables[0];
  int card = col(u, "card");
  for (auto& row : u) row.erase(row.begin() + card);  // a column missing
  u[0].push_back("extra");
  for (size_t r = 1; r < u.size(); ++r) u[r].push_back("x");
  auto b = broken(validate(f));
  EXPECT_EQ(b["orders//1 to 3 rows per users row"], 1u);
  EXPECT_EQ(b["users//columns of the schema present, no others"], 2u);
  EXPECT_EQ(b.size(), 2u);
}

TEST(Validity, WithoutTheParentTableForeignKeysAreNotedNotGuessed) {
  Fixture f = make(4);
  ValidityReport r = validate(f, {1});
  EXPECT_EQ(r.violations(), 0u);
  ASSERT_EQ(r.tables.size(), 1u);
  std::string notes;
  for (const auto& n : r.tables[0].notes) notes += n + "\n";
  EXPECT_NE(notes.find("user_id: references not checked (users not given)"), std::string::npos)
      << notes;
  EXPECT_NE(notes.find("rows per parent not checked"), std::string::npos) << notes;
  EXPECT_NE(notes.find("ordered >= users.joined): not checked"), std::string::npos) << notes;
}

TEST(Validity, OrderPutsReferencedTablesFirst) {
  auto s = parse_schema(R"J({"tables": [
    {"name": "lines", "parent": "orders", "columns": [{"name": "p", "type": "foreign_key", "references": "products.id"}]},
    {"name": "orders", "rows": 1, "columns": [{"name": "id", "type": "id"}]},
    {"name": "products", "rows": 1, "columns": [{"name": "id", "type": "id"}]}]})J");
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto order = validation_order(s.value());
  auto pos = [&](int t) { return std::find(order.begin(), order.end(), t) - order.begin(); };
  EXPECT_LT(pos(1), pos(0));
  EXPECT_LT(pos(2), pos(0));
}

}  // namespace
}  // namespace hyv::synth
