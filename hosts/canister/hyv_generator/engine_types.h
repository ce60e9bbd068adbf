// The Candid types of the engine methods the generator calls (hyv_ai_engine.did), built once
// per use (cheap next to the work).
#pragma once

#include "hyv/candid/types.h"

namespace hyv::generator {

struct EngineTypes {
  candid::TypeTable t;
  candid::TypeRef generate_request =
      t.record({candid::field("model", prim(candid::Op::Text)),
                candid::field("prompt", prim(candid::Op::Text)),
                candid::field("max_tokens", prim(candid::Op::Nat32)),
                candid::field("temperature", prim(candid::Op::Float32)),
                candid::field("top_k", prim(candid::Op::Nat32)),
                candid::field("top_p", prim(candid::Op::Float32)),
                candid::field("min_p", prim(candid::Op::Float32)),
                candid::field("repetition_penalty", prim(candid::Op::Float32)),
                candid::field("seed", prim(candid::Op::Nat64)),
                candid::field("stop", t.vec(prim(candid::Op::Text)))});
  // Only the fields the generator reads; Candid subtyping skips the others on decoding.
  candid::TypeRef generate_reply =
      t.record({candid::field("session", prim(candid::Op::Nat64)),
                candid::field("text", prim(candid::Op::Text)),
                candid::field("tokens", t.vec(prim(candid::Op::Nat32))),
                candid::field("done", prim(candid::Op::Bool)),
                candid::field("finish_reason", prim(candid::Op::Text)),
                candid::field("model_sha256", prim(candid::Op::Text))});
  candid::TypeRef result_generate = t.variant(
      {candid::field("Ok", generate_reply), candid::field("Err", prim(candid::Op::Text))});
  candid::TypeRef loaded_model = t.record({candid::field("name", prim(candid::Op::Text)),
                                           candid::field("sha256", prim(candid::Op::Text)),
                                           candid::field("weights", prim(candid::Op::Text))});
  candid::TypeRef loaded_models = t.vec(loaded_model);
  candid::TypeRef model_load_arg =
      t.record({candid::field("name", prim(candid::Op::Text)),
                candid::field("quantize", t.opt(prim(candid::Op::Text)))});
  // Ok and Pending are told apart by their tag; their records are not read.
  candid::TypeRef result_load = t.variant({candid::field("Ok", prim(candid::Op::Reserved)),
                                           candid::field("Pending", prim(candid::Op::Reserved)),
                                           candid::field("Err", prim(candid::Op::Text))});
};

}  // namespace hyv::generator
