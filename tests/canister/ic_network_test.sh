#!/usr/bin/env bash
# The test network of canisters keeps the IC's semantics for inter-canister calls, timers and
# cycles (see tests/canister/ic_network_test.mjs).
# Usage (from the repo root): bash tests/canister/ic_network_test.sh path/to/hyv
# The probe module comes from `make canisters`: <dir of hyv>/canisters/testing/hyv_host_probe.wasm.
set -euo pipefail

hyv="${1:?usage: ic_network_test.sh path/to/hyv}"
probe="$(dirname "$hyv")/canisters/testing/hyv_host_probe.wasm"
if [ ! -f "$probe" ]; then
  echo "FAIL: $probe is missing; build it with 'make canisters' (the test does not build it)" >&2
  exit 1
fi
exec node tests/canister/ic_network_test.mjs "$probe"
