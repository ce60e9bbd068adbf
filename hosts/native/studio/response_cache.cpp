#include "studio/response_cache.h"

namespace hyv::studio {

void ResponseCache::invalidate() {
  ++version_;
  std::lock_guard lock(mu_);
  entries_.clear();
  bytes_ = 0;
}

std::optional<std::string> ResponseCache::get(const std::string& key, uint64_t version) {
  std::lock_guard lock(mu_);
  if (version != entries_version_) return std::nullopt;
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void ResponseCache::put(const std::string& key, uint64_t version, std::string body) {
  std::lock_guard lock(mu_);
  if (version != version_.load()) return;
  if (version != entries_version_ || entries_.size() >= kMaxEntries ||
      bytes_ + key.size() + body.size() > kMaxBytes) {
    entries_.clear();
    bytes_ = 0;
    entries_version_ = version;
  }
  if (key.size() + body.size() > kMaxBytes) return;
  auto [it, added] = entries_.try_emplace(key);
  if (!added) bytes_ -= it->first.size() + it->second.size();
  bytes_ += key.size() + body.size();
  it->second = std::move(body);
}

}  // namespace hyv::studio
