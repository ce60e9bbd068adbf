// Pattern strings: a small, documented regex subset used both to generate values and to check them
// (docs/schema.md "Patterns"):
//   literals (any UTF-8 text), escapes \. \\ \( ... ; \d = [0-9], \w = [A-Za-z0-9_], \s = space;
//   . = printable ASCII; classes [a-z0-9_], negated [^...] (within printable ASCII);
//   groups (...) and (?:...) with alternation a|b; quantifiers ? * + {n} {m,} {m,n}.
//   Unbounded * + {m,} generate at most kOpenRepeat repetitions beyond the minimum; matching
//   accepts any count. ^ at the start and $ at the end are accepted and ignored (matches are
//   whole).
//   Matching runs a Thompson automaton over the code points (a state-set simulation), so it takes
//   O(length x states) time whatever the pattern: no backtracking blow-up on (a+)+$.
//   Counted repeats multiply out; a pattern whose longest value or automaton would exceed
//   kMaxExpansion characters or states is refused at parse time.
//
//   auto p = Pattern::parse("[A-Z]{3}-\\d{4}");   // Result<Pattern>
//   std::string s; p.value().generate(rng, s);     // e.g. "QFX-0391"
//   p.value().matches(s);                          // true
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/engine/rng.h"
#include "hyv/status.h"

namespace hyv::synth {

class Pattern {
 public:
  static constexpr int kOpenRepeat = 8;
  // Most characters a generated value, and most states the matching automaton, may have
  // ("((a{1000}){1000}){1000}" is 23 bytes but would make 10^9-character values).
  static constexpr int kMaxExpansion = 100000;

  // Errors name the byte offset in the pattern and what was expected there.
  static Result<Pattern> parse(std::string_view pattern);

  // Appends one random string the pattern matches.
  void generate(engine::Rng& rng, std::string& out) const;
  // Whole-string match.
  bool matches(std::string_view s) const;
  // How many distinct strings generate() can produce (an upper bound, saturating at 1e300).
  double capacity() const;
  const std::string& source() const { return source_; }
  // True when nothing it generates needs quoting or escaping in CSV or JSON (is_plain_text).
  bool plain() const { return plain_; }

  struct Node;
  using Seq = std::vector<Node>;
  struct Node {
    enum class Kind : uint8_t { literal, set, group } kind = Kind::literal;
    std::string literal;                             // one character's UTF-8 bytes
    std::vector<std::pair<uint32_t, uint32_t>> set;  // code point ranges, inclusive
    std::vector<double> set_cumulative;              // running sizes of `set`, for sampling
    std::vector<Seq> alternatives;                   // group
    int min = 1, max = 1;                            // max -1 = unbounded
  };

 private:
  // The common shape (unquantified literals, and runs from one ASCII range) flattened at
  // parse time, so generate() writes straight into the string; empty for any other pattern.
  struct FlatOp {
    uint32_t lo = 0, k = 0;    // a run of characters from [lo, lo + k), or when k == 0 ...
    uint32_t at = 0, len = 0;  // ... the literal flat_bytes_[at, at + len)
    int min = 1, hi = 1;       // the run's length bounds
  };
  static constexpr size_t kFlatMax = 256;  // longest output of a flattened pattern
  void flatten();
  void generate_flat(engine::Rng& rng, std::string& out) const;

  // The matching automaton: chr consumes code point a, set consumes one in ranges_[a, b), split
  // continues at a and b, jmp at a; match accepts at the end of the input.
  struct Inst {
    enum class Op : uint8_t { chr, set, split, jmp, match } op = Op::match;
    uint32_t a = 0, b = 0;
  };
  void compile_seq(const Seq& seq);
  void compile_node(const Node& n);
  void compile_one(const Node& n);

  std::string source_;
  Seq root_;
  bool plain_ = false;
  std::vector<FlatOp> flat_;
  std::string flat_bytes_;
  std::vector<Inst> prog_;
  std::vector<std::pair<uint32_t, uint32_t>> ranges_;
};

}  // namespace hyv::synth
