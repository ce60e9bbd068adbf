// Streaming table files for the native host: a ByteSink (synth/table_writer.h) that writes to a
// temporary file next to the target and renames it into place only when the table is complete, so
// an interrupted or failed run never leaves a half-written table under the final name. "-" is
// stdout.
//
//   auto out = hyv::native::StreamedFile::open("users.csv");     //
//   Result<unique_ptr<StreamedFile>> auto writer = hyv::synth::make_table_writer(format,
//   out.value()->sink());
//   ... write rows ...; writer->finish(); out.value()->commit();
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "hyv/status.h"
#include "hyv/synth/table_writer.h"

namespace hyv::native {

class StreamedFile {
 public:
  static Result<std::unique_ptr<StreamedFile>> open(const std::string& path);
  ~StreamedFile();  // removes the temporary file unless commit() succeeded

  synth::ByteSink sink();
  // Flushes, closes and renames into place.
  Status commit();
  uint64_t bytes() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  StreamedFile() = default;
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
  uint64_t bytes_ = 0;
  bool committed_ = false;
  bool direct_ = false;  // a device or pipe: written in place, never renamed
};

// Creates a directory (and its parents) if missing; the error names the path.
Status make_directories(const std::string& path);

// folder + "/" + name + "." + extension, refused when `name` could leave the folder or is no file
// name at all (empty, ".", "..", a '/' or a NUL byte): the schema parser refuses such table names
// too; this keeps the -o folder closed even if one got through.
Result<std::string> file_in_folder(const std::string& folder, const std::string& name,
                                   const std::string& extension);

// Ctrl-C (SIGINT) and SIGTERM while tables are written: the handler only records the signal; the
// writing loop checks interrupted(), stops, and the StreamedFiles' destructors remove their
// temporary files, so an interrupted run leaves nothing behind (exit status 128 + signal, e.g.
// 130). The handler is one-shot: a second Ctrl-C ends the program at once. A signal that was
// ignored when hyv started (a background job of a script) stays ignored.
void catch_interrupts();
// 0, or the signal received since catch_interrupts().
int interrupted();
// "interrupted by SIGINT: the unfinished output was removed", for an Exit{128 + sig, ...}.
std::string interrupted_message(int sig);

}  // namespace hyv::native
