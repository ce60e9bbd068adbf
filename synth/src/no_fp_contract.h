// Included first by synth's numeric sources. Compilers may fuse a * b + c into one FMA (GCC does so
// even in ISO mode); wasm has no FMA, so a fused native build would round differently from the
// canister build and the same seed would give different numbers. With contraction off, every
// expression rounds as written.
#pragma once

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
