// ResponseCache: finished JSON bodies of dataset reads (the library list per query, one dataset),
// kept until the datasets change. Every change to datasets or ratings goes through the studio's
// write mutex and bumps the version (Studio::datasets_changed), so a cached body is served only
// while it is still what the Store would give; reads then skip SQLite, whose one connection
// would otherwise serialise every reader.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace hyv::studio {

class ResponseCache {
 public:
  // Bounds on what is kept (a client varying the query string must not grow it without end).
  static constexpr size_t kMaxEntries = 4096;
  static constexpr size_t kMaxBytes = 64u << 20;

  uint64_t version() const { return version_.load(); }
  void invalidate();
  // The body cached for key at `version`, if any.
  std::optional<std::string> get(const std::string& key, uint64_t version);
  // Caches a body computed while the version was `version` (dropped if it changed meanwhile).
  void put(const std::string& key, uint64_t version, std::string body);

 private:
  std::atomic<uint64_t> version_{0};
  std::mutex mu_;
  uint64_t entries_version_ = 0;
  std::unordered_map<std::string, std::string> entries_;
  size_t bytes_ = 0;
};

}  // namespace hyv::studio
