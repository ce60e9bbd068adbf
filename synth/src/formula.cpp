#include "hyv/synth/formula.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "decimal.h"

namespace hyv::synth {
namespace {

constexpr double kNull = std::numeric_limits<double>::quiet_NaN();
// Every recursion of the parser (parentheses, function arguments, unary signs) counts one level, so
// a hostile formula ("-----...1", "((((...") is an error instead of a stack overflow.
constexpr int kMaxDepth = 64;

bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool ident_char(char c) {
  return ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

class Parser {
 public:
  Parser(std::string_view text, const Formula::Resolver& resolve, std::vector<Formula::Instr>& code,
         std::vector<int>& refs)
      : s_(text), resolve_(resolve), code_(code), refs_(refs) {}

  Status parse() {
    HYV_RETURN_IF_ERROR(expr(0));
    skip_space();
    if (pos_ < s_.size()) return error("unexpected '" + std::string(1, s_[pos_]) + "'");
    return Status::Ok();
  }

 private:
  Status error(const std::string& what) const {
    return Status::Error("formula \"" + quoted() + "\": " + what + " at offset " +
                         std::to_string(pos_));
  }

  // The formula as errors quote it: a hostile 100 kB formula is cut (at a character boundary)
  // so the message stays readable; the offset still says where.
  std::string quoted() const {
    constexpr size_t kQuoteMax = 100;
    if (s_.size() <= kQuoteMax) return std::string(s_);
    size_t cut = kQuoteMax;
    while (cut > 0 && (static_cast<unsigned char>(s_[cut]) & 0xc0) == 0x80) --cut;
    return std::string(s_.substr(0, cut)) + "... (" + std::to_string(s_.size()) + " bytes)";
  }

  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n')) ++pos_;
  }

  bool eat(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void emit(Formula::Op op, int arg = 0, double value = 0) { code_.push_back({op, arg, value}); }

  Status too_deep() const {
    return error("expression nested too deeply (at most " + std::to_string(kMaxDepth) +
                 " levels; parentheses, function calls and unary signs count one each)");
  }

  // Precedence climbing: level 0 is + -, level 1 is * /.
  Status expr(int depth) {
    if (depth > kMaxDepth) return too_deep();
    HYV_RETURN_IF_ERROR(term(depth));
    for (;;) {
      if (eat('+')) {
        HYV_RETURN_IF_ERROR(term(depth));
        emit(Formula::Op::add);
      } else if (eat('-')) {
        HYV_RETURN_IF_ERROR(term(depth));
        emit(Formula::Op::sub);
      } else {
        return Status::Ok();
      }
    }
  }

  Status term(int depth) {
    HYV_RETURN_IF_ERROR(unary(depth));
    for (;;) {
      if (eat('*')) {
        HYV_RETURN_IF_ERROR(unary(depth));
        emit(Formula::Op::mul);
      } else if (eat('/')) {
        HYV_RETURN_IF_ERROR(unary(depth));
        emit(Formula::Op::div);
      } else {
        return Status::Ok();
      }
    }
  }

  Status unary(int depth) {
    if (depth > kMaxDepth) return too_deep();
    if (eat('-')) {
      HYV_RETURN_IF_ERROR(unary(depth + 1));
      emit(Formula::Op::neg);
      return Status::Ok();
    }
    if (eat('+')) return unary(depth + 1);
    return primary(depth);
  }

  Status primary(int depth) {
    skip_space();
    if (pos_ >= s_.size()) return error("expected a number, column or '('");
    char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      HYV_RETURN_IF_ERROR(expr(depth + 1));
      if (!eat(')')) return error("expected ')'");
      return Status::Ok();
    }
    if ((c >= '0' && c <= '9') || c == '.') return number();
    if (c == '`') {
      size_t close = s_.find('`', pos_ + 1);
      if (close == std::string_view::npos) return error("'`' is never closed");
      std::string_view name = s_.substr(pos_ + 1, close - pos_ - 1);
      HYV_RETURN_IF_ERROR(column(name));
      pos_ = close + 1;
      return Status::Ok();
    }
    if (!ident_start(c))
      return error("expected a number, column or '(' but found '" + std::string(1, c) + "'");
    size_t start = pos_;
    while (pos_ < s_.size() && ident_char(s_[pos_])) ++pos_;
    std::string_view name = s_.substr(start, pos_ - start);
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == '(') return call(name, start, depth);
    pos_ = start;
    HYV_RETURN_IF_ERROR(column(name));
    pos_ = start + name.size();
    return Status::Ok();
  }

  Status number() {
    double v = 0;
    size_t n = parse_decimal_prefix(s_.substr(pos_), v);
    if (n == 0 || !std::isfinite(v)) return error("malformed number");
    pos_ += n;
    emit(Formula::Op::push, 0, v);
    return Status::Ok();
  }

  Status column(std::string_view name) {
    std::string why;
    std::optional<int> slot = resolve_(name, &why);
    if (!slot) return error(why.empty() ? "unknown column \"" + std::string(name) + "\"" : why);
    if (std::find(refs_.begin(), refs_.end(), *slot) == refs_.end()) refs_.push_back(*slot);
    emit(Formula::Op::load, *slot);
    return Status::Ok();
  }

  Status call(std::string_view name, size_t at, int depth) {
    ++pos_;  // '('
    int args = 0;
    if (!eat(')')) {
      do {
        HYV_RETURN_IF_ERROR(expr(depth + 1));
        ++args;
      } while (eat(','));
      if (!eat(')')) return error("expected ',' or ')' in the arguments of " + std::string(name));
    }
    auto arity = [&](int lo, int hi) -> Status {
      if (args >= lo && args <= hi) return Status::Ok();
      pos_ = at;
      return error(std::string(name) + "() takes " +
                   (lo == hi ? std::to_string(lo) : std::to_string(lo) + " or more") + " argument" +
                   (hi == 1 ? "" : "s") + ", not " + std::to_string(args));
    };
    if (name == "round") {
      HYV_RETURN_IF_ERROR(arity(1, 2));
      emit(args == 1 ? Formula::Op::round : Formula::Op::round_to);
    } else if (name == "floor" || name == "ceil" || name == "abs") {
      HYV_RETURN_IF_ERROR(arity(1, 1));
      emit(name == "floor"  ? Formula::Op::floor
           : name == "ceil" ? Formula::Op::ceil
                            : Formula::Op::abs);
    } else if (name == "min" || name == "max") {
      HYV_RETURN_IF_ERROR(arity(1, 1 << 20));
      emit(name == "min" ? Formula::Op::min : Formula::Op::max, args);
    } else {
      pos_ = at;
      return error("unknown function \"" + std::string(name) +
                   "\" (known: round, floor, ceil, abs, min, max)");
    }
    return Status::Ok();
  }

  std::string_view s_;
  const Formula::Resolver& resolve_;
  std::vector<Formula::Instr>& code_;
  std::vector<int>& refs_;
  size_t pos_ = 0;
};

int stack_need(const std::vector<Formula::Instr>& code) {
  int depth = 0, most = 0;
  for (const auto& in : code) {
    switch (in.op) {
      case Formula::Op::push:
      case Formula::Op::load:
        ++depth;
        break;
      case Formula::Op::add:
      case Formula::Op::sub:
      case Formula::Op::mul:
      case Formula::Op::div:
      case Formula::Op::round_to:
        --depth;
        break;
      case Formula::Op::min:
      case Formula::Op::max:
        depth -= in.arg - 1;
        break;
      default:
        break;
    }
    most = std::max(most, depth);
  }
  return most;
}

}  // namespace

double round_to_digits(double x, int digits) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  if (std::isnan(x)) return x;
  digits = std::clamp(digits, -15, 15);
  if (digits >= 0) {
    double scaled = x * kPow10[digits];
    if (std::fabs(scaled) >= 0x1p52) return x;  // already an integer at this scale
    return std::round(scaled) / kPow10[digits];
  }
  return std::round(x / kPow10[-digits]) * kPow10[-digits];
}

Result<Formula> Formula::parse(std::string_view text, const Resolver& resolve) {
  Formula f;
  f.source_.assign(text);
  Parser p(text, resolve, f.code_, f.refs_);
  HYV_RETURN_IF_ERROR(p.parse());
  f.max_stack_ = stack_need(f.code_);
  return f;
}

std::optional<int> Formula::single_ref() const {
  if (code_.size() == 1 && code_[0].op == Op::load) return code_[0].arg;
  return std::nullopt;
}

std::optional<double> Formula::constant() const {
  if (code_.size() == 1 && code_[0].op == Op::push) return code_[0].value;
  if (code_.size() == 2 && code_[0].op == Op::push && code_[1].op == Op::neg)
    return -code_[0].value;
  return std::nullopt;
}

double Formula::eval(std::span<const double> slots) const {
  double small[32] = {};
  std::vector<double> big;
  double* st = small;
  if (max_stack_ > 32) {
    big.resize(size_t(max_stack_));
    st = big.data();
  }
  int sp = 0;
  for (const Instr& in : code_) {
    switch (in.op) {
      case Op::push:
        st[sp++] = in.value;
        break;
      case Op::load:
        st[sp++] = slots[size_t(in.arg)];
        break;
      case Op::add:
        --sp, st[sp - 1] += st[sp];
        break;
      case Op::sub:
        --sp, st[sp - 1] -= st[sp];
        break;
      case Op::mul:
        --sp, st[sp - 1] *= st[sp];
        break;
      case Op::div:
        --sp, st[sp - 1] = st[sp] == 0 ? kNull : st[sp - 1] / st[sp];
        break;
      case Op::neg:
        st[sp - 1] = -st[sp - 1];
        break;
      case Op::round:
        st[sp - 1] = std::round(st[sp - 1]);
        break;
      case Op::round_to:
        --sp;
        // Clamped while a double (round_to_digits keeps 15 at most): converting one outside int's
        // range, such as round(x, 1e300), is undefined.
        st[sp - 1] = std::isnan(st[sp])
                         ? kNull
                         : round_to_digits(st[sp - 1], int(std::clamp(st[sp], -15.0, 15.0)));
        break;
      case Op::floor:
        st[sp - 1] = std::floor(st[sp - 1]);
        break;
      case Op::ceil:
        st[sp - 1] = std::ceil(st[sp - 1]);
        break;
      case Op::abs:
        st[sp - 1] = std::fabs(st[sp - 1]);
        break;
      case Op::min:
      case Op::max: {
        double r = st[sp - in.arg];
        for (int i = 1; i < in.arg; ++i) {
          double v = st[sp - in.arg + i];
          if (std::isnan(v) || std::isnan(r))
            r = kNull;
          else
            r = in.op == Op::min ? std::min(r, v) : std::max(r, v);
        }
        sp -= in.arg - 1;
        st[sp - 1] = r;
        break;
      }
    }
  }
  return st[0];
}

}  // namespace hyv::synth
