// Derived columns and constraint sides: a tiny arithmetic language over a row's numeric values.
//   numbers (12, 0.5, 1e3), column names (qty, `unit price`, users.signup for a parent's column),
//   + - * / with the usual precedence, unary minus, parentheses, and the functions
//   round(x) round(x, digits) floor(x) ceil(x) abs(x) min(a, b, ...) max(a, b, ...).
// A null operand makes the result null (NaN inside), as does division by zero. Dates count days and
// datetimes seconds since 1970-01-01; booleans are 1 and 0.
//
//   auto f = Formula::parse("round(qty * price, 2)", resolve);   // resolve: name -> slot index
//   double total = f.value().eval(slots);                         // NaN for null
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"

namespace hyv::synth {

class Formula {
 public:
  // Maps a column name to the slot eval() will read, or nullopt if there is no such column; it may
  // set *why to explain a name it refuses (e.g. a text column).
  using Resolver = std::function<std::optional<int>(std::string_view name, std::string* why)>;

  // Errors quote the formula and name the byte offset.
  static Result<Formula> parse(std::string_view text, const Resolver& resolve);

  double eval(std::span<const double> slots) const;
  // Slots the formula reads, each once.
  const std::vector<int>& refs() const { return refs_; }
  const std::string& source() const { return source_; }
  // When the formula is a bare column reference, its slot.
  std::optional<int> single_ref() const;
  // When the formula is a number literal, its value.
  std::optional<double> constant() const;

  enum class Op : uint8_t {
    push,
    load,
    add,
    sub,
    mul,
    div,
    neg,
    round,
    round_to,
    floor,
    ceil,
    abs,
    min,
    max
  };
  struct Instr {
    Op op;
    int arg = 0;  // slot for load, argument count for min/max
    double value = 0;
  };

 private:
  std::string source_;
  std::vector<Instr> code_;  // postfix
  std::vector<int> refs_;
  int max_stack_ = 0;
};

// round(x, digits) as the formula language does it: the nearest double to the decimal result.
double round_to_digits(double x, int digits);

}  // namespace hyv::synth
