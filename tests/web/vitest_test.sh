#!/usr/bin/env bash
# The web app's unit tests (Vitest): API client, SSE parsing, schema checking, formatting, sorting,
# hashing, upload planning. The built `hyv` checks that the schema templates really generate.
# Usage (from the repo root): bash tests/web/vitest_test.sh path/to/hyv
set -euo pipefail

hyv="$(cd "$(dirname "${1:?usage: vitest_test.sh path/to/hyv}")" && pwd)/$(basename "$1")"
if [ ! -d web/node_modules ]; then
  echo "FAIL: web/node_modules is missing; run tools/install-deps.sh (npm ci in web/)" >&2
  exit 1
fi
cd web
npm run --silent bindings > /dev/null # the IC bindings, generated from hosts/canister/*.did
HYV_BIN="$hyv" exec npx --no-install vitest run
