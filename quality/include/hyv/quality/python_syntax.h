// Does a sample parse as Python 3? A tokenizer-level check written in C++ so the core needs no
// Python: it finds what makes CPython's tokenizer or block structure fail, which is what generated
// code gets wrong most (cut-off strings and brackets, broken indentation, missing colons):
//   - strings (all prefixes, triple quotes, escapes) and comments are skipped correctly;
//     a string left open at the end of its line (or of the sample, for triple quotes) is an error;
//   - brackets must nest and close: ( [ { against ) ] };
//   - indentation follows CPython's INDENT/DEDENT rules: a deeper line must follow a line ending
//     in ':', a line after ':' must be deeper, a shallower line must return to an earlier level;
//   - a statement starting with if/elif/else/for/while/try/except/finally/with/def/class needs a
//     ':' outside brackets; characters Python never accepts outside strings ($ ? `) are errors.
// It does not check the full grammar: "x = = 1" passes here and fails in CPython. Measured
// agreement with ast.parse is in docs/tables-learned.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hyv::quality {

struct PythonCheck {
  bool ok = true;
  size_t line = 0;  // 1-based line of the first problem
  std::string message;
};

PythonCheck check_python_syntax(std::string_view source);

}  // namespace hyv::quality
