#include "hyv/quality/python_syntax.h"

#include <vector>

namespace hyv::quality {
namespace {

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_ident_char(unsigned char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9');
}

bool is_string_prefix(std::string_view word) {
  if (word.size() > 2) return false;
  for (char c : word) {
    switch (c) {
      case 'r':
      case 'R':
      case 'b':
      case 'B':
      case 'u':
      case 'U':
      case 'f':
      case 'F':
        break;
      default:
        return false;
    }
  }
  return true;
}

bool needs_colon(std::string_view word) {
  static constexpr std::string_view kCompound[] = {
      "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class"};
  for (auto k : kCompound) {
    if (word == k) return true;
  }
  return false;
}

class Checker {
 public:
  explicit Checker(std::string_view s) : s_(s) {}

  PythonCheck run() {
    indents_.push_back(0);
    while (pos_ < s_.size() && result_.ok) logical_line();
    if (!result_.ok) return result_;
    if (!brackets_.empty()) {
      return fail(brackets_.back().line,
                  std::string("'") + brackets_.back().c + "' was never closed");
    }
    if (pending_block_) {
      return fail(block_line_,
                  "expected an indented block after line " + std::to_string(block_line_));
    }
    return result_;
  }

 private:
  struct Open {
    char c;
    size_t line;
  };

  PythonCheck fail(size_t line, std::string message) {
    if (result_.ok) result_ = PythonCheck{false, line, std::move(message)};
    return result_;
  }

  // Measures indentation; false for a blank or comment-only line (consumed whole).
  bool indentation(int* width) {
    int w = 0;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ') {
        ++w;
      } else if (c == '\t') {
        w = (w / 8 + 1) * 8;
      } else if (c == '\f') {
        w = 0;
      } else {
        break;
      }
      ++pos_;
    }
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '#') {
      while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
    }
    if (pos_ >= s_.size()) return false;
    c = s_[pos_];
    if (c == '\n' || c == '\r') {
      if (c == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++line_;
      return false;
    }
    *width = w;
    return true;
  }

  void logical_line() {
    int width = 0;
    if (!indentation(&width)) return;
    const size_t start_line = line_;
    if (pending_block_) {
      if (width <= indents_.back()) {
        fail(start_line, "expected an indented block after line " + std::to_string(block_line_));
        return;
      }
      indents_.push_back(width);
      pending_block_ = false;
    } else if (width > indents_.back()) {
      fail(start_line, "unexpected indent");
      return;
    } else {
      while (width < indents_.back()) indents_.pop_back();
      if (width != indents_.back()) {
        fail(start_line, "unindent does not match any outer indentation level");
        return;
      }
    }
    std::string first_word;
    bool first_token = true, colon = false;
    char last = 0;  // last significant character at bracket depth 0
    while (pos_ < s_.size() && result_.ok) {
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '\n' || c == '\r') {
        if (c == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ++pos_;
        ++pos_;
        ++line_;
        if (brackets_.empty()) break;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\f') {
        ++pos_;
        continue;
      }
      if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n' && s_[pos_] != '\r') ++pos_;
        continue;
      }
      if (c == '\\') {
        ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '\r') ++pos_;
        if (pos_ >= s_.size() || s_[pos_] != '\n') {
          fail(line_, "unexpected character after line continuation character");
          return;
        }
        ++pos_;
        ++line_;
        continue;
      }
      if (is_ident_start(c)) {
        size_t b = pos_;
        while (pos_ < s_.size() && is_ident_char(static_cast<unsigned char>(s_[pos_]))) ++pos_;
        std::string_view word = s_.substr(b, pos_ - b);
        if (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"') && is_string_prefix(word)) {
          string_literal();
          first_token = false;
        } else if (first_token && word != "async") {
          // "async def/for/with" is decided by the word after async.
          first_word = std::string(word);
          first_token = false;
        }
        if (brackets_.empty()) last = 'a';
        continue;
      }
      first_token = false;
      if (c == '\'' || c == '"') {
        string_literal();
        if (brackets_.empty()) last = 'a';
        continue;
      }
      ++pos_;
      switch (c) {
        case '(':
        case '[':
        case '{':
          brackets_.push_back(Open{static_cast<char>(c), line_});
          break;
        case ')':
        case ']':
        case '}': {
          char want = c == ')' ? '(' : c == ']' ? '[' : '{';
          if (brackets_.empty()) {
            fail(line_, std::string("unmatched '") + static_cast<char>(c) + "'");
            return;
          }
          if (brackets_.back().c != want) {
            fail(line_, std::string("closing '") + static_cast<char>(c) +
                            "' does not match opening '" + brackets_.back().c + "' on line " +
                            std::to_string(brackets_.back().line));
            return;
          }
          brackets_.pop_back();
          break;
        }
        case '$':
        case '?':
        case '`':
          fail(line_, std::string("invalid character '") + static_cast<char>(c) + "'");
          return;
        case '!':
          if (pos_ >= s_.size() || s_[pos_] != '=') {
            fail(line_, "invalid syntax ('!' without '=')");
            return;
          }
          break;
        default:
          if (c < 0x20 && c != '\t') {
            fail(line_, "invalid non-printable character");
            return;
          }
          break;
      }
      if (brackets_.empty()) {
        last = static_cast<char>(c);
        if (c == ':') colon = true;
      }
    }
    if (!result_.ok) return;
    if (needs_colon(first_word) && !colon) {
      fail(start_line, "expected ':' after '" + first_word + "'");
      return;
    }
    if (last == ':') {
      pending_block_ = true;
      block_line_ = start_line;
    }
  }

  // At the opening quote.
  void string_literal() {
    const char q = s_[pos_];
    const size_t open_line = line_;
    bool triple = pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q;
    pos_ += triple ? 3 : 1;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\\') {
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ++line_;
        pos_ += 2;
        continue;
      }
      if (c == '\n') {
        if (!triple) {
          fail(open_line, "unterminated string literal");
          return;
        }
        ++line_;
      }
      if (c == q) {
        if (!triple) {
          ++pos_;
          return;
        }
        if (pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q) {
          pos_ += 3;
          return;
        }
      }
      ++pos_;
    }
    fail(open_line,
         triple ? "unterminated triple-quoted string literal" : "unterminated string literal");
  }

  std::string_view s_;
  size_t pos_ = 0;
  size_t line_ = 1;
  std::vector<int> indents_;
  std::vector<Open> brackets_;
  bool pending_block_ = false;
  size_t block_line_ = 0;
  PythonCheck result_;
};

}  // namespace

PythonCheck check_python_syntax(std::string_view source) {
  return Checker(source).run();
}

}  // namespace hyv::quality
