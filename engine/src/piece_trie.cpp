// PieceTrie's construction: sorted keys, split into nodes level by level.
#include "piece_trie.h"

#include <algorithm>

namespace hyv::engine {

void PieceTrie::build(std::vector<std::pair<std::string_view, int32_t>> keys) {
  // Stable, so the first of two equal keys comes first and is the one kept.
  std::stable_sort(keys.begin(), keys.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  nodes_.assign(1, Node{});
  labels_.clear();
  targets_.clear();
  root_.fill(0);
  // Each pending node owns the keys [lo, hi), which share their first `depth` bytes. Nodes are
  // expanded in the order they were made (a queue, not recursion: a key may be very long), so
  // the edges of one node are appended together.
  struct Pending {
    size_t lo, hi, depth;
    uint32_t node;
  };
  std::vector<Pending> queue{{0, keys.size(), 0, 0}};
  for (size_t q = 0; q < queue.size(); ++q) {
    auto [lo, hi, depth, node] = queue[q];
    if (lo < hi && keys[lo].first.size() == depth) {
      nodes_[node].value = keys[lo].second;
      while (lo < hi && keys[lo].first.size() == depth) ++lo;  // repeats of the same key
    }
    nodes_[node].first_edge = static_cast<uint32_t>(labels_.size());
    while (lo < hi) {
      auto b = static_cast<uint8_t>(keys[lo].first[depth]);
      size_t end = lo + 1;
      while (end < hi && static_cast<uint8_t>(keys[end].first[depth]) == b) ++end;
      auto child = static_cast<uint32_t>(nodes_.size());
      nodes_.push_back(Node{});
      labels_.push_back(b);
      targets_.push_back(child);
      if (node == 0) root_[b] = child;
      ++nodes_[node].edge_count;
      queue.push_back({lo, end, depth + 1, child});
      lo = end;
    }
  }
}

int32_t PieceTrie::find(std::string_view key) const {
  uint32_t node = 0;
  for (char c : key) {
    node = child(node, static_cast<uint8_t>(c));
    if (node == 0) return -1;
  }
  return nodes_[node].value;
}

}  // namespace hyv::engine
