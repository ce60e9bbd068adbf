// Validity of data against its schema: every type, range, value list, pattern, formula, constraint,
// uniqueness rule, foreign key, parent/child cardinality and within-row consistency rule (e-mail
// from the row's name, postcode of the row's city, check digits) is checked on every row, and
// violations are counted per rule with the first offending value. This is the report for
// schema-driven data, where there is no real data to compare with (hyv validate / hyv score
// --schema).
//
//   SchemaValidator v(schema);
//   for (int t : validation_order(schema)) {          // referenced tables first
//     HYV_RETURN_IF_ERROR(v.begin_table(t, "users.csv", header));
//     for (each row) v.add_row(cells, line);            // nullopt = null (an empty CSV field)
//     v.end_table();
//   }
//   ValidityReport r = v.report();                      // r.violations() == 0: valid
//
// Memory: unique columns and referenced keys keep one 64-bit hash per value; a parent table keeps,
// per row, the values its children's checks need. Nothing else grows with the row count.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/schema.h"

namespace hyv::synth {

struct ValidityCheck {
  std::string column;  // empty for table-level checks (constraints, columns, cardinality)
  std::string rule;    // what is checked, in words
  uint64_t checked = 0;
  uint64_t violations = 0;
  uint64_t example_line = 0;  // first violation: the line (or row) given to add_row, and the value
  std::string example;
};

struct TableValidity {
  std::string table;
  std::string source;
  uint64_t rows = 0;
  std::vector<ValidityCheck> checks;
  std::vector<std::string> notes;  // what could not be checked, and why
};

struct ValidityReport {
  std::vector<TableValidity> tables;
  uint64_t violations() const;
  uint64_t checks() const;
};

// Tables ordered so that every table comes after the tables it references (parents, key targets).
std::vector<int> validation_order(const Schema& schema);

class SchemaValidator {
 public:
  // `schema` must outlive the validator.
  explicit SchemaValidator(const Schema& schema);
  ~SchemaValidator();
  SchemaValidator(SchemaValidator&&) noexcept;

  // The header names the columns in the data; schema columns it lacks are reported (and not
  // checked), extra data columns are reported too. Hidden schema columns are not expected.
  Status begin_table(int table, std::string source, std::span<const std::string_view> header);
  void add_row(std::span<const std::optional<std::string_view>> cells, uint64_t line);
  void end_table();
  ValidityReport report() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hyv::synth
