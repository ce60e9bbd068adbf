// Fresh folders under the system temp dir for tests that need real files. Names are
// "<prefix>-<pid>-<n>", so test programs running at once never share one, and every folder made is
// removed when the test program ends, failed tests included.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace hyv::testing_dirs {

class ScratchDirs : public ::testing::Environment {
 public:
  static std::string make(const std::string& prefix) {
    static std::atomic<int> counter{0};
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() /
        (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::lock_guard<std::mutex> lock(mutex());
    made().push_back(dir);
    return dir.string();
  }

  void TearDown() override {
    std::lock_guard<std::mutex> lock(mutex());
    std::error_code ec;
    for (const auto& dir : made()) std::filesystem::remove_all(dir, ec);
    made().clear();
  }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::vector<std::filesystem::path>& made() {
    static std::vector<std::filesystem::path> dirs;
    return dirs;
  }
};

// An inline variable is one object in the whole program, so the cleanup is registered once.
inline ::testing::Environment* const kScratchDirs =
    ::testing::AddGlobalTestEnvironment(new ScratchDirs);

}  // namespace hyv::testing_dirs

namespace hyv {

// A new empty folder named "<prefix>-<pid>-<n>" under the temp dir.
inline std::string fresh_scratch_dir(const std::string& prefix) {
  return testing_dirs::ScratchDirs::make(prefix);
}

}  // namespace hyv
