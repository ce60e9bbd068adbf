#!/usr/bin/env bash
# `icp build` (icp-cli, npm @icp-sdk/icp-cli-linux-x64; no network needed) builds the canister from
# the shipped icp.yaml, and the artifact it keeps is the module `make canisters` made.
# Usage (from the repo root): bash tests/canister/icp_build_test.sh path/to/hyv
# The build folder is the one holding hyv (icp.yaml reads it from HYV_BUILD); the canister is
# normally built already (make test builds it first), so the build step only checks it is current.
set -euo pipefail

hyv="${1:?usage: icp_build_test.sh path/to/hyv}"
icp=node_modules/@icp-sdk/icp-cli-linux-x64/bin/icp
export HYV_BUILD DO_NOT_TRACK=1  # no usage data sent (there is no network anyway)
HYV_BUILD="$(dirname "$hyv")"
artifact=.icp/cache/artifacts/hyv_ai_engine

rm -f "$artifact"
"$icp" build hyv_ai_engine
if ! cmp -s "$artifact" "$HYV_BUILD/canisters/hyv_ai_engine.wasm"; then
  echo "FAIL: icp build kept $artifact, which is not $HYV_BUILD/canisters/hyv_ai_engine.wasm" >&2
  exit 1
fi
echo "icp_build: ok"
