// Whether a model fits the heap, decided before model_load copies anything: a wasm32 canister's
// heap stops at the canister's wasm_memory_limit (3 GiB unless its controllers set another), and
// running out in the middle of a load traps with no useful message.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "hyv/status.h"

namespace hyv::canister {

inline constexpr uint64_t kHeapLimitBytes = uint64_t{3} << 30;
// Allocator overhead, the tokenizer's tables, the sessions that will use the model.
inline constexpr uint64_t kHeapSlackBytes = uint64_t{64} << 20;

// Elements of every tensor in a safetensors header (the u64 length and the JSON that follow it;
// `head` may hold more bytes than the header).
Result<uint64_t> safetensors_elements(std::span<const uint8_t> head);

// Peak heap of a load: the files copied in, plus the weights built from them (4 bytes an element
// for f32; 2 for q8: int8 values and scales, and the f32 rows q8 keeps for the embedding lookups).
uint64_t load_heap_bytes(uint64_t file_bytes, uint64_t elements, bool q8);

// Err naming both sizes when heap_in_use + need (+ slack) passes kHeapLimitBytes.
Status check_heap(const std::string& model, uint64_t heap_in_use, uint64_t need);

}  // namespace hyv::canister
