// File access for the native host. The core never opens files; commands read bytes here and pass
// spans in, and write results through write_file_atomic so a crash never leaves a half-written file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hyv/status.h"

namespace hyv::native {

// Whole file into memory; the error names the path and the OS reason.
Result<std::vector<uint8_t>> read_file(const std::string& path);
Result<std::string> read_text_file(const std::string& path);
bool file_exists(const std::string& path);
// Writes to PATH.tmp-PID, fsyncs, then renames over path.
Status write_file_atomic(const std::string& path, const void* data, size_t bytes);
// All of stdin.
std::string read_stdin();

}  // namespace hyv::native
