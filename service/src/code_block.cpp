// first_code_block (code_block.h): lines, braces and indentation.
#include "hyv/service/code_block.h"

#include <array>

namespace hyv::service {
namespace {

struct Line {
  size_t begin = 0, end = 0;  // end: at the '\n' or the text's end
  bool terminated = false;    // a '\n' follows
};

Line line_at(std::string_view text, size_t begin) {
  size_t nl = text.find('\n', begin);
  if (nl == std::string_view::npos) return {begin, text.size(), false};
  return {begin, nl, true};
}

size_t indent_of(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return n;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

size_t trimmed_end(std::string_view text, const Line& l) {
  size_t e = l.end;
  while (e > l.begin && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r')) --e;
  return e;
}

// A line at the block's indent that carries the statement on rather than starting a new one.
bool continues_statement(std::string_view code) {
  static constexpr std::array<std::string_view, 4> kClauses = {"elif", "else", "except", "finally"};
  if (!code.empty() && (code[0] == ')' || code[0] == ']' || code[0] == '}')) return true;
  for (std::string_view kw : kClauses) {
    if (code.starts_with(kw) &&
        (code.size() == kw.size() || code[kw.size()] == ':' || code[kw.size()] == ' '))
      return true;
  }
  return false;
}

// Brace depth change of one line, skipping string literals and // comments.
int brace_delta(std::string_view line, bool* opened) {
  int delta = 0;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      quote = c;
    } else if (c == '/' && i + 1 < line.size() && line[i + 1] == '/') {
      break;
    } else if (c == '{') {
      ++delta;
      *opened = true;
    } else if (c == '}') {
      --delta;
    }
  }
  return delta;
}

CodeBlock braces_block(std::string_view text, size_t begin) {
  CodeBlock b{begin, begin, false};
  int depth = 0;
  bool opened = false;
  for (size_t at = begin; at <= text.size();) {
    Line l = line_at(text, at);
    depth += brace_delta(text.substr(l.begin, l.end - l.begin), &opened);
    if (!is_blank(text.substr(l.begin, l.end - l.begin))) b.end = trimmed_end(text, l);
    if (opened && depth <= 0) {
      b.complete = l.terminated;
      return b;
    }
    if (!l.terminated) break;
    at = l.end + 1;
  }
  return b;
}

CodeBlock indented_block(std::string_view text, const Line& first) {
  CodeBlock b{first.begin, trimmed_end(text, first), false};
  const size_t indent = indent_of(text.substr(first.begin, first.end - first.begin));
  bool body_seen = false;
  for (Line l = first; l.terminated;) {
    l = line_at(text, l.end + 1);
    std::string_view line = text.substr(l.begin, l.end - l.begin);
    if (is_blank(line)) continue;
    size_t n = indent_of(line);
    if (n > indent) {
      body_seen = true;
    } else if (body_seen && !continues_statement(line.substr(n))) {
      // An unfinished last line may yet become "else:": the block is certain to end only once
      // the line does.
      b.complete = l.terminated;
      return b;
    }
    b.end = trimmed_end(text, l);
  }
  return b;
}

}  // namespace

CodeBlock first_code_block(std::string_view text) {
  size_t at = 0;
  for (;;) {
    Line l = line_at(text, at);
    std::string_view line = text.substr(l.begin, l.end - l.begin);
    if (!is_blank(line)) {
      bool opened = false;
      brace_delta(line, &opened);
      return opened ? braces_block(text, l.begin) : indented_block(text, l);
    }
    if (!l.terminated) return {text.size(), text.size(), false};
    at = l.end + 1;
  }
}

}  // namespace hyv::service
