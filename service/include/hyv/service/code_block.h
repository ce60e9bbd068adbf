// The first complete block of generated code, so a code model's output ends where its first
// function (or class, or statement group) does instead of running on into the next one:
//
//   hyv::service::CodeBlock b = hyv::service::first_code_block(text);
//   if (b.complete) stop_generating();          // a later line shows the block has ended
//   std::string code = text.substr(0, b.end);   // the block, without trailing blank lines
//
// Blocks are found by layout, so this works for any language without parsing it:
//   - braces: when the first code line opens a '{', the block ends with the line that closes it
//     (braces inside "..." / '...' strings and // comments are not counted);
//   - indentation (Python): the first line's indent is the block's; once a deeper line has been
//     seen, the next non-blank line at the block's indent or less ends it, unless it continues the
//     statement (elif / else / except / finally, or a closing bracket).
// Leading blank lines are skipped. Text without an ending line is complete only at its end.
#pragma once

#include <cstddef>
#include <string_view>

namespace hyv::service {

struct CodeBlock {
  size_t begin = 0;       // first byte of the first non-blank line
  size_t end = 0;         // one past the block's last non-blank character
  bool complete = false;  // a line after the block shows it has ended
};

CodeBlock first_code_block(std::string_view text);

}  // namespace hyv::service
