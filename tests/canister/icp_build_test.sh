#!/usr/bin/env bash
# `icp build` (icp-cli, npm @icp-sdk/icp-cli-linux-x64; no network needed) builds the C++ canisters
# from the shipped icp.yaml, and the artifacts it keeps are the modules `make canisters` made.
# hyv_frontend uses DFINITY's asset-canister recipe, which icp-cli fetches when it loads the
# project, so the build runs on a copy of icp.yaml without that one entry, in a scratch project
# folder: the other entries as they are, with the CMake source folder made absolute (the build
# folder already is, through HYV_BUILD), so the same build folder is used as by `make canisters`.
# Usage (from the repo root): bash tests/canister/icp_build_test.sh path/to/hyv
# The build folder is the one holding hyv (icp.yaml reads it from HYV_BUILD); the canisters are
# normally built already (make test builds them first), so the build step only checks they are
# current.
set -euo pipefail

hyv="${1:?usage: icp_build_test.sh path/to/hyv}"
icp="$PWD/node_modules/@icp-sdk/icp-cli-linux-x64/bin/icp"
export HYV_BUILD DO_NOT_TRACK=1  # no usage data sent (there is no network anyway)
HYV_BUILD="$(cd "$(dirname "$hyv")" && pwd)"
project="$(mktemp -d)"
trap 'rm -rf "$project"' EXIT
# Everything up to the frontend's entry (the last one).
sed -e '/^  # The standard asset canister/,$d' -e "s|cmake -S hosts/canister|cmake -S $PWD/hosts/canister|" \
  icp.yaml > "$project/icp.yaml"
grep -q 'name: hyv_frontend' icp.yaml || { echo "FAIL: icp.yaml declares no hyv_frontend" >&2; exit 1; }
if grep -q 'hyv_frontend' "$project/icp.yaml"; then
  echo "FAIL: the offline copy of icp.yaml still has hyv_frontend" >&2
  exit 1
fi

(cd "$project" && "$icp" build hyv_ai_engine hyv_generator)
for name in hyv_ai_engine hyv_generator; do
  if ! cmp -s "$project/.icp/cache/artifacts/$name" "$HYV_BUILD/canisters/$name.wasm"; then
    echo "FAIL: icp build kept a $name that is not $HYV_BUILD/canisters/$name.wasm" >&2
    exit 1
  fi
done
echo "icp_build: ok"
