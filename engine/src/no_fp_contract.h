// Included first by the engine's numeric sources. Compilers may fuse a * b + c into one FMA
// (GCC does so even in ISO mode); wasm has no FMA, so a fused native build would round
// differently from the canister build. With contraction off, every expression rounds as written
// and the kernels documented as bit-identical across platforms (kernels.h) are so. Explicit FMA
// intrinsics (the AVX2 f32 product) are unaffected.
#pragma once

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
