#!/usr/bin/env bash
# T5Session in the engine core built for wasm32 (run in Node) against the native `hyv generate
# code` on tests/fixtures/tiny-codet5: the same tokens for sampling and beam search, q8 and f32
# (see tests/wasm/t5_session_parity_test.mjs).
# Usage (from the repo root): bash tests/wasm/t5_session_parity_test.sh path/to/hyv
# The module comes from `make wasm` (<dir of hyv>/wasm/hyv_engine_test.wasm). Builds nothing.
set -euo pipefail

hyv="${1:?usage: t5_session_parity_test.sh path/to/hyv}"
module="${HYV_WASM_MODULE:-$(dirname "$hyv")/wasm/hyv_engine_test.wasm}"
if [ ! -f "$module" ]; then
  echo "FAIL: $module is missing; build it with 'make wasm' (the test does not)" >&2
  exit 1
fi
exec node tests/wasm/t5_session_parity_test.mjs "$module" "$hyv"
