// A byte trie over a fixed set of keys, for the unigram tokenizer's lookups: every piece that is a
// prefix of the text at a position (the Viterbi lattice), the longest user-defined piece there
// (the normalizer leaves those alone) and a piece's id.
//
// Laid out flat for speed: nodes in breadth-first order, each node's edges contiguous and sorted
// by byte, the root's children in a 256-entry table (the first byte of every lookup). Built once;
// lookups allocate nothing.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace hyv::engine {

class PieceTrie {
 public:
  // Keys must be distinct (the first value is kept for a repeated key); values >= 0.
  void build(std::vector<std::pair<std::string_view, int32_t>> keys);

  bool empty() const { return nodes_.size() <= 1 && nodes_[0].value < 0; }
  int32_t find(std::string_view key) const;  // -1 when absent

  // Calls f(length, value) for every key that is a prefix of text, shortest first.
  template <typename F>
  void for_each_prefix(std::string_view text, F&& f) const {
    uint32_t node = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      node = child(node, static_cast<uint8_t>(text[i]));
      if (node == 0) return;
      if (nodes_[node].value >= 0) f(i + 1, nodes_[node].value);
    }
  }

  // The length of the longest key that is a prefix of text; 0 when none is.
  size_t longest_prefix(std::string_view text) const {
    size_t longest = 0;
    for_each_prefix(text, [&](size_t length, int32_t) { longest = length; });
    return longest;
  }

 private:
  struct Node {
    uint32_t first_edge = 0;
    uint32_t edge_count = 0;
    int32_t value = -1;
  };

  // The child of node along byte b; 0 (the root, never a child) when there is none.
  uint32_t child(uint32_t node, uint8_t b) const {
    if (node == 0) return root_[b];
    const Node& n = nodes_[node];
    const uint8_t* labels = labels_.data() + n.first_edge;
    uint32_t lo = 0;
    uint32_t hi = n.edge_count;
    while (lo < hi) {  // binary search; most nodes have one or two edges
      uint32_t mid = (lo + hi) / 2;
      if (labels[mid] < b) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo < n.edge_count && labels[lo] == b ? targets_[n.first_edge + lo] : 0;
  }

  std::vector<Node> nodes_{Node{}};
  std::vector<uint8_t> labels_;
  std::vector<uint32_t> targets_;
  std::array<uint32_t, 256> root_{};
};

}  // namespace hyv::engine
