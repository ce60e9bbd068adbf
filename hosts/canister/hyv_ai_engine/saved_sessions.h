// Generation sessions as bytes, so they survive an upgrade: canister_pre_upgrade writes them to
// stable memory (model_store.h keeps the blob) and canister_post_upgrade reads them back. The
// heap's models are gone after an upgrade, so a saved session waits, as bytes, until its model is
// loaded again with the same sha256 and weights; generate_continue then restores it
// (engine::GenerationSession::restore) and goes on with no token repeated or lost.
//
// Format (little-endian): "HYVSESS1", u64 next session id, u32 count, then per session: u64 id,
// bytes owner, text model, text model_sha256, text weights, the GenerateParams (text model, text
// prompt, u32 max_tokens, f32 temperature, u32 top_k, f32 top_p, f32 min_p, f32 repetition_penalty,
// u64 seed, u32 count + text stop...), u32 prompt_tokens, u64 last_used_ns, bytes engine state;
// text and bytes are a u64 length and the bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hyv/status.h"
#include "sessions.h"

namespace hyv::canister {

struct SavedSession {
  uint64_t id = 0;
  std::vector<uint8_t> owner;
  std::string model_sha256;
  std::string weights;
  GenerateParams params;  // params.model names the model
  uint32_t prompt_tokens = 0;
  uint64_t last_used_ns = 0;
  std::vector<uint8_t> state;  // engine::GenerationSession::serialize()
};

struct SavedSessions {
  uint64_t next_id = 1;
  std::vector<SavedSession> sessions;
};

std::vector<uint8_t> encode_saved_sessions(const SavedSessions& s);
Result<SavedSessions> decode_saved_sessions(std::span<const uint8_t> bytes);

}  // namespace hyv::canister
