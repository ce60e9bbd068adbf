#!/usr/bin/env bash
# The hyv_generator canister and a pool of hyv_ai_engine canisters in the test network, with every
# dataset compared byte for byte with `hyv dataset` (tests/canister/generator_test.mjs).
# Usage (from the repo root): bash tests/canister/generator_test.sh path/to/hyv
# The canisters come from `make canisters` (<dir of hyv>/canisters/); this script builds nothing.
set -euo pipefail

hyv="${1:?usage: generator_test.sh path/to/hyv}"
dir="$(dirname "$hyv")/canisters"
for w in hyv_generator hyv_ai_engine; do
  if [ ! -f "$dir/$w.wasm" ]; then
    echo "FAIL: $dir/$w.wasm is missing; build it with 'make canisters' (the test does not build it)" >&2
    exit 1
  fi
done
exec node tests/canister/generator_test.mjs "$dir" "$hyv"
