#!/usr/bin/env bash
# Model upload into the built hyv_ai_engine canister (chunks, resend, sha256, authorization,
# malformed Candid, upgrade persistence, delete), run in Node through tools/ic-local/ic_host.mjs.
# Usage (from the repo root): bash tests/canister/model_upload_test.sh path/to/hyv
# The canister comes from `make canisters`: <dir of hyv>/canisters/hyv_ai_engine.wasm. This script
# builds nothing.
set -euo pipefail

hyv="${1:?usage: model_upload_test.sh path/to/hyv}"
wasm="$(dirname "$hyv")/canisters/hyv_ai_engine.wasm"
model=tests/fixtures/tiny-gpt2/model.safetensors
if [ ! -f "$wasm" ]; then
  echo "FAIL: $wasm is missing; build it with 'make canisters' (the test does not build it)" >&2
  exit 1
fi
exec node tests/canister/model_upload_test.mjs "$wasm" "$model"
