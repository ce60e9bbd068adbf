#include "table_output.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace hyv::native {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void record_signal(int sig) {
  g_signal = sig;
}

}  // namespace

Result<std::unique_ptr<StreamedFile>> StreamedFile::open(const std::string& path) {
  std::unique_ptr<StreamedFile> f(new StreamedFile());
  f->path_ = path;
  if (path == "-") {
    f->f_ = stdout;
    return f;
  }
  // Devices and pipes (/dev/null, a FIFO) are written in place: renaming over them would replace
  // the device with a regular file.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    f->f_ = std::fopen(path.c_str(), "wb");
    if (!f->f_) return Status::Error(path + ": cannot open: " + std::strerror(errno));
    f->direct_ = true;
    return f;
  }
  f->tmp_ = path + ".tmp-" + std::to_string(::getpid());
  f->f_ = std::fopen(f->tmp_.c_str(), "wb");
  if (!f->f_) return Status::Error(path + ": cannot create: " + std::strerror(errno));
  return f;
}

StreamedFile::~StreamedFile() {
  if (f_ && f_ != stdout) std::fclose(f_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

synth::ByteSink StreamedFile::sink() {
  return [this](std::string_view bytes) -> Status {
    if (std::fwrite(bytes.data(), 1, bytes.size(), f_) != bytes.size())
      return Status::Error(path_ + ": write failed: " + std::strerror(errno));
    bytes_ += bytes.size();
    return Status::Ok();
  };
}

Status StreamedFile::commit() {
  if (direct_) {
    int rc = std::fclose(f_);
    f_ = nullptr;
    committed_ = true;
    return rc == 0 ? Status::Ok()
                   : Status::Error(path_ + ": write failed: " + std::string(std::strerror(errno)));
  }
  if (f_ == stdout) {
    committed_ = true;
    return std::fflush(stdout) == 0
               ? Status::Ok()
               : Status::Error("stdout: write failed: " + std::string(std::strerror(errno)));
  }
  int rc = std::fclose(f_);
  f_ = nullptr;
  if (rc != 0) return Status::Error(path_ + ": write failed: " + std::strerror(errno));
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
    return Status::Error(path_ + ": cannot rename into place: " + std::strerror(errno));
  committed_ = true;
  return Status::Ok();
}

Status make_directories(const std::string& path) {
  std::string prefix;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    prefix = path.substr(0, pos);
    if (prefix.empty()) continue;
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
      return Status::Error(prefix + ": cannot create directory: " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Status::Error(path + ": not a directory");
  return Status::Ok();
}

Result<std::string> file_in_folder(const std::string& folder, const std::string& name,
                                   const std::string& extension) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    return Status::Error("-o " + folder + ": the table name \"" + name +
                         "\" cannot be a file name in the folder (it must not be empty, \".\" or "
                         "\"..\", or hold a '/')");
  }
  return folder + "/" + name + "." + extension;
}

void catch_interrupts() {
  for (int sig : {SIGINT, SIGTERM}) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    struct sigaction sa {};
    sa.sa_handler = record_signal;
    sigemptyset(&sa.sa_mask);
    // No SA_RESTART: a blocked write returns EINTR, so the loop sees the flag soon.
    sa.sa_flags = SA_RESETHAND;
    ::sigaction(sig, &sa, nullptr);
  }
}

int interrupted() {
  return g_signal;
}

std::string interrupted_message(int sig) {
  return std::string("interrupted by ") + (sig == SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM") +
         ": the unfinished output was removed";
}

}  // namespace hyv::native
