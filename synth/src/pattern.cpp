#include "hyv/synth/pattern.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "char_sink.h"
#include "hyv/synth/random.h"
#include "utf8.h"

namespace hyv::synth {
namespace {

using Node = Pattern::Node;
using Seq = Pattern::Seq;
using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;

constexpr uint32_t kPrintableLo = 0x20, kPrintableHi = 0x7e;
constexpr int kMaxDepth = 32;
constexpr int kMaxRepeat = 1000;

Ranges normalize(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (auto [lo, hi] : r) {
    if (!out.empty() && lo <= out.back().second + 1)
      out.back().second = std::max(out.back().second, hi);
    else
      out.push_back({lo, hi});
  }
  return out;
}

Ranges complement_printable(const Ranges& r) {
  Ranges out;
  uint32_t next = kPrintableLo;
  for (auto [lo, hi] : normalize(r)) {
    if (hi < next) continue;
    if (lo > kPrintableHi) break;
    if (lo > next) out.push_back({next, lo - 1});
    next = hi + 1;
  }
  if (next <= kPrintableHi) out.push_back({next, kPrintableHi});
  return out;
}

Node set_node(Ranges r) {
  Node n;
  n.kind = Node::Kind::set;
  n.set = normalize(std::move(r));
  double total = 0;
  for (auto [lo, hi] : n.set) n.set_cumulative.push_back(total += double(hi - lo + 1));
  return n;
}

// What a pattern expands to, counted repeats multiplied out (doubles saturate instead of
// wrapping): the longest value generate() can make, in characters, and the states of the matching
// automaton Pattern::compile_* builds. Both are refused over Pattern::kMaxExpansion.
struct Size {
  double chars = 0, states = 0;
};

Size group_size(const std::vector<Seq>& alts);

Size node_size(const Node& n) {
  Size one;
  switch (n.kind) {
    case Node::Kind::literal:
      for (char ch : n.literal) one.chars += (static_cast<unsigned char>(ch) & 0xc0) != 0x80;
      one.states = one.chars;
      break;
    case Node::Kind::set:
      one = {1, 1};
      break;
    case Node::Kind::group:
      one = group_size(n.alternatives);
      break;
  }
  double hi = n.max < 0 ? n.min + Pattern::kOpenRepeat : n.max;
  // m copies, then either a loop (split, body, jmp) or max - m nested optional copies.
  double states =
      n.min * one.states + (n.max < 0 ? one.states + 2 : (n.max - n.min) * (one.states + 1));
  return {one.chars * hi, states};
}

Size group_size(const std::vector<Seq>& alts) {
  Size g;
  for (const Seq& alt : alts) {
    Size a;
    for (const Node& n : alt) {
      Size x = node_size(n);
      a.chars += x.chars, a.states += x.states;
    }
    g.chars = std::max(g.chars, a.chars);
    g.states += a.states;
  }
  g.states += 2 * (double(alts.size()) - 1);  // a split and a jmp per extra alternative
  return g;
}

std::string count_text(double x) {
  return x > 1e15 ? "more than 10^15" : std::to_string(uint64_t(x));
}

class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) {}

  Result<Seq> parse() {
    if (!p_.empty() && p_[0] == '^') ++pos_;
    std::vector<Seq> alts;
    HYV_RETURN_IF_ERROR(alternatives(alts, 0));
    if (pos_ < p_.size()) return error("unmatched ')'");
    if (alts.size() == 1) return std::move(alts[0]);
    Node g;
    g.kind = Node::Kind::group;
    g.alternatives = std::move(alts);
    return Seq{std::move(g)};
  }

 private:
  Status error(const std::string& what) const {
    return Status::Error("pattern \"" + quoted() + "\": " + what + " at offset " +
                         std::to_string(pos_));
  }

  // The pattern as errors quote it: a hostile 100 kB pattern is cut (at a character boundary) so
  // the message stays readable; the offset still says where.
  std::string quoted() const {
    constexpr size_t kQuoteMax = 100;
    if (p_.size() <= kQuoteMax) return std::string(p_);
    size_t cut = kQuoteMax;
    while (cut > 0 && (static_cast<unsigned char>(p_[cut]) & 0xc0) == 0x80) --cut;
    return std::string(p_.substr(0, cut)) + "... (" + std::to_string(p_.size()) + " bytes)";
  }

  // The expansion so far (finished alternatives plus the current one) must stay within the cap;
  // `at` is where the sub-expression that crossed it starts.
  Status check_size(Size done, Size cur, size_t alts, size_t at) {
    double chars = std::max(done.chars, cur.chars);
    double states = done.states + cur.states + 2 * (double(alts) - 1);
    if (chars <= Pattern::kMaxExpansion && states <= Pattern::kMaxExpansion) return Status::Ok();
    pos_ = at;
    std::string limit = std::to_string(Pattern::kMaxExpansion);
    if (chars > Pattern::kMaxExpansion)
      return error("expands to values of up to " + count_text(chars) +
                   " characters, over the limit of " + limit + " (counted repeats multiply)");
    return error("expands to " + count_text(states) +
                 " automaton states for matching, over the limit of " + limit +
                 " (counted repeats multiply)");
  }

  bool at_trailing_dollar() const { return p_[pos_] == '$' && pos_ + 1 == p_.size(); }

  Status alternatives(std::vector<Seq>& alts, int depth) {
    if (depth > kMaxDepth) return error("groups nested deeper than 32");
    alts.emplace_back();
    Size done, cur;
    while (pos_ < p_.size()) {
      char c = p_[pos_];
      if (c == ')') break;
      if (c == '|') {
        ++pos_;
        done.chars = std::max(done.chars, cur.chars);
        done.states += cur.states;
        cur = {};
        alts.emplace_back();
        continue;
      }
      if (at_trailing_dollar()) {
        ++pos_;
        break;
      }
      Node n;
      size_t start = pos_;
      HYV_RETURN_IF_ERROR(atom(n, depth));
      HYV_RETURN_IF_ERROR(quantifier(n));
      Size ns = node_size(n);
      cur.chars += ns.chars, cur.states += ns.states;
      HYV_RETURN_IF_ERROR(check_size(done, cur, alts.size(), start));
      // Runs of single literals become one literal ("abc" is one node, not three).
      Seq& seq = alts.back();
      auto single = [](const Node& x) {
        return x.kind == Node::Kind::literal && x.min == 1 && x.max == 1;
      };
      if (single(n) && !seq.empty() && single(seq.back()))
        seq.back().literal += n.literal;
      else
        seq.push_back(std::move(n));
    }
    return Status::Ok();
  }

  Status atom(Node& n, int depth) {
    char c = p_[pos_];
    switch (c) {
      case '(': {
        size_t open = pos_++;
        if (p_.substr(pos_, 2) == "?:") pos_ += 2;
        n.kind = Node::Kind::group;
        HYV_RETURN_IF_ERROR(alternatives(n.alternatives, depth + 1));
        if (pos_ >= p_.size() || p_[pos_] != ')') {
          pos_ = open;
          return error("'(' is never closed");
        }
        ++pos_;
        return Status::Ok();
      }
      case '[':
        return char_class(n);
      case '.':
        ++pos_;
        n = set_node({{kPrintableLo, kPrintableHi}});
        return Status::Ok();
      case '?':
      case '*':
      case '+':
      case '{':
        return error(std::string("nothing to repeat before '") + c + "'");
      case '\\': {
        Ranges r;
        uint32_t cp;
        HYV_RETURN_IF_ERROR(escape(r, cp));
        if (!r.empty()) {
          n = set_node(std::move(r));
        } else {
          n.literal.clear();
          utf8_append(n.literal, cp);
        }
        return Status::Ok();
      }
      default: {
        uint32_t cp;
        int len = utf8_decode(p_, pos_, cp);
        if (len == 0) return error("invalid UTF-8");
        n.literal.assign(p_.substr(pos_, len));
        pos_ += len;
        return Status::Ok();
      }
    }
  }

  // After a backslash: a class escape fills `r`, anything else is the literal `cp`.
  Status escape(Ranges& r, uint32_t& cp) {
    ++pos_;
    if (pos_ >= p_.size()) return error("pattern ends with a lone '\\'");
    char e = p_[pos_];
    switch (e) {
      case 'd':
        r = {{'0', '9'}};
        break;
      case 'w':
        r = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
        break;
      case 's':
        r = {{' ', ' '}};
        break;
      case 'n':
        cp = '\n';
        break;
      case 't':
        cp = '\t';
        break;
      default: {
        if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))
          return error(std::string("unsupported escape '\\") + e +
                       "' (supported: \\d \\w \\s \\n \\t and escaped punctuation)");
        int len = utf8_decode(p_, pos_, cp);
        if (len == 0) return error("invalid UTF-8");
        pos_ += len;
        return Status::Ok();
      }
    }
    ++pos_;
    return Status::Ok();
  }

  Status char_class(Node& n) {
    size_t open = pos_++;
    bool negate = pos_ < p_.size() && p_[pos_] == '^';
    if (negate) ++pos_;
    Ranges r;
    bool first = true;
    while (true) {
      if (pos_ >= p_.size()) {
        pos_ = open;
        return error("'[' is never closed");
      }
      if (p_[pos_] == ']' && !first) break;
      first = false;
      uint32_t lo;
      HYV_RETURN_IF_ERROR(class_char(r, lo));
      if (lo == UINT32_MAX) continue;  // a class escape such as \d
      if (pos_ + 1 < p_.size() && p_[pos_] == '-' && p_[pos_ + 1] != ']') {
        ++pos_;
        uint32_t hi;
        size_t at = pos_;
        HYV_RETURN_IF_ERROR(class_char(r, hi));
        if (hi == UINT32_MAX) return error("a range cannot end in a class escape");
        if (hi < lo) {
          pos_ = at;
          return error("range end is below its start");
        }
        r.push_back({lo, hi});
      } else {
        r.push_back({lo, lo});
      }
    }
    ++pos_;
    if (negate) r = complement_printable(r);
    if (r.empty()) return error("character class matches nothing");
    n = set_node(std::move(r));
    return Status::Ok();
  }

  // One class member: a literal code point, or UINT32_MAX after adding a class escape to `r`.
  Status class_char(Ranges& r, uint32_t& cp) {
    if (p_[pos_] == '\\') {
      Ranges esc;
      HYV_RETURN_IF_ERROR(escape(esc, cp));
      if (!esc.empty()) {
        r.insert(r.end(), esc.begin(), esc.end());
        cp = UINT32_MAX;
      }
      return Status::Ok();
    }
    int len = utf8_decode(p_, pos_, cp);
    if (len == 0) return error("invalid UTF-8");
    pos_ += len;
    return Status::Ok();
  }

  Status quantifier(Node& n) {
    if (pos_ >= p_.size()) return Status::Ok();
    char c = p_[pos_];
    if (c == '?') {
      n.min = 0, n.max = 1;
    } else if (c == '*') {
      n.min = 0, n.max = -1;
    } else if (c == '+') {
      n.min = 1, n.max = -1;
    } else if (c == '{') {
      size_t open = pos_++;
      int lo, hi;
      if (!number(lo)) return error("expected a count after '{'");
      hi = lo;
      if (pos_ < p_.size() && p_[pos_] == ',') {
        ++pos_;
        if (pos_ < p_.size() && p_[pos_] == '}')
          hi = -1;
        else if (!number(hi))
          return error("expected a count or '}' after ','");
      }
      if (pos_ >= p_.size() || p_[pos_] != '}') return error("expected '}'");
      if (hi != -1 && hi < lo) {
        pos_ = open;
        return error("{m,n} with n below m");
      }
      n.min = lo, n.max = hi;
    } else {
      return Status::Ok();
    }
    ++pos_;
    if (pos_ < p_.size() &&
        (p_[pos_] == '?' || p_[pos_] == '*' || p_[pos_] == '+' || p_[pos_] == '{'))
      return error(
          "a quantifier cannot follow another (lazy and possessive forms are not supported)");
    return Status::Ok();
  }

  bool number(int& v) {
    size_t start = pos_;
    v = 0;
    while (pos_ < p_.size() && p_[pos_] >= '0' && p_[pos_] <= '9' && v <= kMaxRepeat)
      v = v * 10 + (p_[pos_++] - '0');
    return pos_ > start && v <= kMaxRepeat;
  }

  std::string_view p_;
  size_t pos_ = 0;
};

void generate_seq(const Seq& seq, engine::Rng& rng, CharSink& out);

void generate_one(const Node& n, engine::Rng& rng, CharSink& out) {
  switch (n.kind) {
    case Node::Kind::literal:
      out.put(n.literal);
      break;
    case Node::Kind::set: {
      size_t i = n.set.size() == 1 ? 0 : weighted_index(rng, n.set_cumulative);
      auto [lo, hi] = n.set[i];
      uint32_t cp = lo + uint32_t(uniform_index(rng, uint64_t(hi - lo) + 1));
      if (cp < 0x80)
        out.put(char(cp));
      else
        utf8_append(out.flushed(), cp);
      break;
    }
    case Node::Kind::group:
      generate_seq(
          n.alternatives[n.alternatives.size() == 1 ? 0
                                                    : uniform_index(rng, n.alternatives.size())],
          rng, out);
      break;
  }
}

// `count` characters from one ASCII range [lo, lo + k): Lemire's bounded draw on 32-bit halves of
// each 64-bit random number (exact, the rare biased low parts redrawn), two characters per draw.
template <typename Put>
void generate_ascii_run(uint32_t lo, uint32_t k, int count, engine::Rng& rng, Put&& put) {
  uint64_t bits = 0;
  int halves = 0;
  for (int i = 0; i < count; ++i) {
    for (;;) {
      if (halves == 0) bits = rng.next_u64(), halves = 2;
      uint32_t x = uint32_t(bits);
      bits >>= 32;
      --halves;
      uint64_t m = uint64_t(x) * k;
      uint32_t low = uint32_t(m);
      if (low < k && low < (0u - k) % k) continue;
      put(char(lo + uint32_t(m >> 32)));
      break;
    }
  }
}

void generate_seq(const Seq& seq, engine::Rng& rng, CharSink& out) {
  for (const Node& n : seq) {
    int hi = n.max < 0 ? n.min + Pattern::kOpenRepeat : n.max;
    int count = n.min == hi ? n.min : int(uniform_int(rng, n.min, hi));
    if (n.kind == Node::Kind::literal && count == 1) {
      if (n.literal.size() == 1)
        out.put(n.literal[0]);  // most literals are one ASCII byte: no memcpy call
      else
        out.put(n.literal);
      continue;
    }
    if (n.kind == Node::Kind::set && n.set.size() == 1 && n.set[0].second < 0x80) {
      generate_ascii_run(n.set[0].first, uint64_t(n.set[0].second - n.set[0].first) + 1, count, rng,
                         [&](char c) { out.put(c); });
      continue;
    }
    for (int i = 0; i < count; ++i) generate_one(n, rng, out);
  }
}

bool seq_plain(const Seq& seq) {
  auto bad = [](uint32_t cp) { return cp < 0x20 || cp == ',' || cp == '"' || cp == '\\'; };
  for (const Node& n : seq) {
    switch (n.kind) {
      case Node::Kind::literal:
        for (char ch : n.literal)
          if (bad(static_cast<unsigned char>(ch))) return false;
        break;
      case Node::Kind::set:
        for (auto [lo, hi] : n.set) {
          if (lo < 0x20) return false;
          for (uint32_t cp : {uint32_t(','), uint32_t('"'), uint32_t('\\')})
            if (lo <= cp && cp <= hi) return false;
        }
        break;
      case Node::Kind::group:
        for (const Seq& alt : n.alternatives)
          if (!seq_plain(alt)) return false;
        break;
    }
  }
  return true;
}

double seq_capacity(const Seq& seq);

double one_capacity(const Node& n) {
  switch (n.kind) {
    case Node::Kind::literal:
      return 1;
    case Node::Kind::set:
      return n.set_cumulative.back();
    case Node::Kind::group: {
      double c = 0;
      for (const Seq& alt : n.alternatives) c += seq_capacity(alt);
      return c;
    }
  }
  return 1;
}

double seq_capacity(const Seq& seq) {
  double total = 1;
  for (const Node& n : seq) {
    double c = one_capacity(n), sum = 0, power = std::pow(c, n.min);
    int hi = n.max < 0 ? n.min + Pattern::kOpenRepeat : n.max;
    for (int k = n.min; k <= hi && sum < 1e300; ++k, power *= c) sum += power;
    total = std::min(1e300, total * sum);
  }
  return total;
}

}  // namespace

Result<Pattern> Pattern::parse(std::string_view pattern) {
  Parser parser(pattern);
  auto seq = parser.parse();
  if (!seq.ok()) return seq.status();
  Pattern p;
  p.source_.assign(pattern);
  p.root_ = std::move(seq).value();
  p.plain_ = seq_plain(p.root_);
  p.flatten();
  p.compile_seq(p.root_);
  p.prog_.push_back({Inst::Op::match});
  return p;
}

// Thompson's construction; the parser's size check bounds the program (node_size counts the
// same states).
void Pattern::compile_seq(const Seq& seq) {
  for (const Node& n : seq) compile_node(n);
}

void Pattern::compile_node(const Node& n) {
  for (int i = 0; i < n.min; ++i) compile_one(n);
  if (n.max < 0) {
    // loop: split(body, out); body; jmp loop
    uint32_t loop = uint32_t(prog_.size());
    prog_.push_back({Inst::Op::split, loop + 1, 0});
    compile_one(n);
    prog_.push_back({Inst::Op::jmp, loop, 0});
    prog_[loop].b = uint32_t(prog_.size());
    return;
  }
  // max - min nested optional copies, every skip going straight to the end (x(x(x)?)?)?, so a
  // state's closure stays small.
  std::vector<uint32_t> skips;
  for (int i = n.min; i < n.max; ++i) {
    skips.push_back(uint32_t(prog_.size()));
    prog_.push_back({Inst::Op::split, uint32_t(prog_.size()) + 1, 0});
    compile_one(n);
  }
  for (uint32_t at : skips) prog_[at].b = uint32_t(prog_.size());
}

void Pattern::compile_one(const Node& n) {
  switch (n.kind) {
    case Node::Kind::literal:
      for (size_t i = 0; i < n.literal.size();) {
        uint32_t cp = 0;
        int len = utf8_decode(n.literal, i, cp);  // the parser only keeps valid UTF-8
        prog_.push_back({Inst::Op::chr, cp, 0});
        i += size_t(std::max(len, 1));
      }
      break;
    case Node::Kind::set:
      prog_.push_back(
          {Inst::Op::set, uint32_t(ranges_.size()), uint32_t(ranges_.size() + n.set.size())});
      ranges_.insert(ranges_.end(), n.set.begin(), n.set.end());
      break;
    case Node::Kind::group: {
      // split(alt0, next); alt0; jmp end; next: split(alt1, ...) ... last alt; end:
      std::vector<uint32_t> jumps;
      for (size_t i = 0; i < n.alternatives.size(); ++i) {
        uint32_t split = 0;
        bool last = i + 1 == n.alternatives.size();
        if (!last) {
          split = uint32_t(prog_.size());
          prog_.push_back({Inst::Op::split, split + 1, 0});
        }
        compile_seq(n.alternatives[i]);
        if (!last) {
          jumps.push_back(uint32_t(prog_.size()));
          prog_.push_back({Inst::Op::jmp, 0, 0});
          prog_[split].b = uint32_t(prog_.size());
        }
      }
      for (uint32_t at : jumps) prog_[at].a = uint32_t(prog_.size());
      break;
    }
  }
}

void Pattern::flatten() {
  std::vector<FlatOp> ops;
  std::string bytes;
  size_t max = 0;
  for (const Node& n : root_) {
    FlatOp op;
    op.min = n.min;
    op.hi = n.max < 0 ? n.min + kOpenRepeat : n.max;
    if (n.kind == Node::Kind::literal && op.min == 1 && op.hi == 1) {
      op.at = uint32_t(bytes.size());
      op.len = uint32_t(n.literal.size());
      bytes.append(n.literal);
      op.hi = int(n.literal.size());  // bytes it writes, for the bound below
    } else if (n.kind == Node::Kind::set && n.set.size() == 1 && n.set[0].second < 0x80) {
      op.lo = n.set[0].first;
      op.k = n.set[0].second - n.set[0].first + 1;
    } else {
      return;  // generate_seq handles it
    }
    max += size_t(op.hi);
    ops.push_back(op);
  }
  if (max > kFlatMax) return;
  flat_ = std::move(ops);
  flat_bytes_ = std::move(bytes);
}

// The same draws, in the same order, as generate_seq makes for these nodes. Bytes go to a local
// array first: stores through the string's char* could alias anything, and the compiler then
// reloads every operand after each byte.
void Pattern::generate_flat(engine::Rng& rng, std::string& out) const {
  char buf[kFlatMax];
  size_t n = 0;
  for (const FlatOp& op : flat_) {
    if (op.k == 0) {
      std::memcpy(buf + n, flat_bytes_.data() + op.at, op.len);
      n += op.len;
      continue;
    }
    int count = op.min == op.hi ? op.min : int(uniform_int(rng, op.min, op.hi));
    generate_ascii_run(op.lo, op.k, count, rng, [&](char c) { buf[n++] = c; });
  }
  out.append(buf, n);
}

void Pattern::generate(engine::Rng& rng, std::string& out) const {
  if (!flat_.empty()) return generate_flat(rng, out);
  CharSink sink(out);
  generate_seq(root_, rng, sink);
}

// A state-set simulation of the automaton, one code point at a time: O(length x states), with no
// backtracking, so (a+)+$ or ((a*)*)*b on a long cell cost what .* does.
bool Pattern::matches(std::string_view s) const {
  if (prog_.empty()) return s.empty();  // a default-constructed pattern matches only ""
  std::vector<uint32_t> cur, next, stack;
  std::vector<size_t> seen(prog_.size(), SIZE_MAX);  // the step that last added each state
  // Adds `pc` and everything reachable from it without input (an explicit stack: no recursion).
  auto add = [&](std::vector<uint32_t>& list, uint32_t pc, size_t step) {
    stack.push_back(pc);
    while (!stack.empty()) {
      uint32_t at = stack.back();
      stack.pop_back();
      if (seen[at] == step) continue;
      seen[at] = step;
      const Inst& in = prog_[at];
      if (in.op == Inst::Op::jmp) {
        stack.push_back(in.a);
      } else if (in.op == Inst::Op::split) {
        stack.push_back(in.b);
        stack.push_back(in.a);
      } else {
        list.push_back(at);
      }
    }
  };
  size_t step = 0;
  add(cur, 0, step);
  for (size_t pos = 0; pos < s.size();) {
    uint32_t cp = 0;
    int len = utf8_decode(s, pos, cp);
    if (len == 0) return false;  // nothing in a pattern matches malformed UTF-8
    pos += size_t(len);
    ++step;
    next.clear();
    for (uint32_t pc : cur) {
      const Inst& in = prog_[pc];
      bool ok = false;
      if (in.op == Inst::Op::chr) {
        ok = cp == in.a;
      } else if (in.op == Inst::Op::set) {
        for (uint32_t r = in.a; r < in.b && !ok; ++r)
          ok = cp >= ranges_[r].first && cp <= ranges_[r].second;
      }
      if (ok) add(next, pc + 1, step);
    }
    if (next.empty()) return false;
    cur.swap(next);
  }
  for (uint32_t pc : cur)
    if (prog_[pc].op == Inst::Op::match) return true;
  return false;
}

double Pattern::capacity() const {
  return seq_capacity(root_);
}

}  // namespace hyv::synth
