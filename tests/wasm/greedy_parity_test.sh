#!/usr/bin/env bash
# Greedy generation with the engine core built for wasm32 (run in Node) gives the same tokens as the
# native build, and the module imports nothing (a canister may import only ic0.*).
# Usage (from the repo root): bash tests/wasm/greedy_parity_test.sh path/to/hyv
# The module comes from `make wasm`, next to the binary: <dir of hyv>/wasm/hyv_engine_test.wasm
# (build/wasm/... for build/hyv); HYV_WASM_MODULE overrides it. This script builds nothing.
set -euo pipefail

hyv="${1:?usage: greedy_parity_test.sh path/to/hyv}"
module="${HYV_WASM_MODULE:-$(dirname "$hyv")/wasm/hyv_engine_test.wasm}"
model=tests/fixtures/tiny-gpt2

if [ ! -f "$module" ]; then
  echo "FAIL: $module is missing; build it with 'make wasm' (the test does not build it)" >&2
  exit 1
fi
for f in config.json model.safetensors vocab.json merges.txt; do
  if [ ! -f "$model/$f" ]; then
    echo "FAIL: fixture $model/$f is missing" >&2
    exit 1
  fi
done

exec node tests/wasm/greedy_parity_test.mjs "$hyv" "$module" "$model"
