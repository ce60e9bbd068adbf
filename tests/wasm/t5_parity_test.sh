#!/usr/bin/env bash
# T5 in the engine core built for wasm32 (run in Node): q8 logits bit-identical to the native
# build's, f32 ones within rounding, greedy tokens equal to the numpy reference's, on
# tests/fixtures/tiny-t5 and tiny-t5-gated (see tests/wasm/t5_parity_test.mjs).
# Usage (from the repo root): bash tests/wasm/t5_parity_test.sh path/to/hyv
# The module comes from `make wasm` (<dir of hyv>/wasm/hyv_engine_test.wasm) and the native half
# from the T5 unit test (<dir of hyv>/tests/t5_test). This script builds nothing.
set -euo pipefail

hyv="${1:?usage: t5_parity_test.sh path/to/hyv}"
build="$(dirname "$hyv")"
module="${HYV_WASM_MODULE:-$build/wasm/hyv_engine_test.wasm}"
native="$build/tests/t5_test"
for f in "$module" "$native"; do
  if [ ! -f "$f" ]; then
    echo "FAIL: $f is missing; build it with 'make wasm' and 'make build' (the test does not)" >&2
    exit 1
  fi
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
HYV_T5_PARITY_DIR="$TMP" "$native" --gtest_filter=T5Test.WritesLogitsForTheWasmParityTest \
  > "$TMP/native.log" || { cat "$TMP/native.log" >&2; exit 1; }
exec node tests/wasm/t5_parity_test.mjs "$module" "$TMP"
