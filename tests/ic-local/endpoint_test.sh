#!/usr/bin/env bash
# The local IC endpoint (tools/ic-local/endpoint.mjs) against the unmodified @icp-sdk/core agent,
# in front of the built hyv_generator canister (tests/ic-local/endpoint_test.mjs).
# Usage (from the repo root): bash tests/ic-local/endpoint_test.sh path/to/hyv
# The canisters come from `make canisters` (<dir of hyv>/canisters/); this script builds nothing.
set -euo pipefail

hyv="${1:?usage: endpoint_test.sh path/to/hyv}"
dir="$(dirname "$hyv")/canisters"
if [ ! -f "$dir/hyv_generator.wasm" ]; then
  echo "FAIL: $dir/hyv_generator.wasm is missing; build it with 'make canisters' (the test does not build it)" >&2
  exit 1
fi
exec node tests/ic-local/endpoint_test.mjs "$dir"
