#!/usr/bin/env bash
# End-to-end test of the dapp through the IC path (tests/e2e/ic_dapp_e2e.mjs): the local IC
# endpoint with the built canisters and web/dist, driven by Debian's chromium. Builds web/dist
# first when it is missing or older than the app's sources (as studio_e2e_test.sh does).
# Usage (from the repo root): bash tests/e2e/ic_dapp_e2e_test.sh path/to/hyv
set -euo pipefail

hyv="${1:?usage: ic_dapp_e2e_test.sh path/to/hyv}"
canisters="$(dirname "$hyv")/canisters"
chromium="${HYV_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "FAIL: $chromium is missing (tools/install-deps.sh installs it)" >&2; exit 1; }
for wasm in hyv_generator hyv_ai_engine; do
  [ -f "$canisters/$wasm.wasm" ] || { echo "FAIL: $canisters/$wasm.wasm is missing; build it with 'make canisters'" >&2; exit 1; }
done
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/package.json web/package-lock.json \
  web/vite.config.ts web/tsconfig.json hosts/canister/hyv_generator.did hosts/canister/hyv_ai_engine.did \
  -newer web/dist/index.html -print -quit)" ]; then
  echo "building web/dist"
  (cd web && npm run --silent build)
fi
exec node tests/e2e/ic_dapp_e2e.mjs --hyv "$hyv" --canisters "$canisters" \
  --out "$(dirname "$hyv")/e2e-ic-screenshots"
