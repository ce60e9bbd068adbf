#!/usr/bin/env bash
# Model setup and multi-call generation in the built hyv_ai_engine canister, compared token by
# token with the native CLI, run in Node through tools/ic-local/ic_host.mjs.
# Usage (from the repo root): bash tests/canister/generate_test.sh path/to/hyv
# The canister comes from `make canisters`: <dir of hyv>/canisters/hyv_ai_engine.wasm. This script
# builds nothing.
set -euo pipefail

hyv="${1:?usage: generate_test.sh path/to/hyv}"
wasm="$(dirname "$hyv")/canisters/hyv_ai_engine.wasm"
if [ ! -f "$wasm" ]; then
  echo "FAIL: $wasm is missing; build it with 'make canisters' (the test does not build it)" >&2
  exit 1
fi
exec node tests/canister/generate_test.mjs "$wasm" "$hyv" tests/fixtures/tiny-gpt2
