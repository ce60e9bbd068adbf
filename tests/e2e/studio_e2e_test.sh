#!/usr/bin/env bash
# End-to-end test of Hyv Studio: starts a real `hyv serve` on a free loopback port with a fresh
# data dir, the bundled models and a token, then drives Debian's chromium through
# tests/e2e/studio_e2e.mjs (playwright-core from web/node_modules). Builds web/dist first when it
# is missing or older than the app's sources. Screenshots: <dir of hyv>/e2e-screenshots/.
# Usage (from the repo root): bash tests/e2e/studio_e2e_test.sh path/to/hyv
set -euo pipefail

hyv="${1:?usage: studio_e2e_test.sh path/to/hyv}"
chromium="${HYV_CHROMIUM:-/usr/bin/chromium}"
out="$(dirname "$hyv")/e2e-screenshots"

[ -x "$chromium" ] || { echo "FAIL: $chromium is missing (apt-get install chromium; tools/install-deps.sh does)" >&2; exit 1; }
[ -d web/node_modules/playwright-core ] || { echo "FAIL: web/node_modules is missing; run tools/install-deps.sh" >&2; exit 1; }

# The app is rebuilt when any of its inputs is newer than the last build.
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/package.json web/package-lock.json \
  web/vite.config.ts web/tsconfig.json schemas/hyv-table-schema.json -newer web/dist/index.html -print -quit)" ]; then
  echo "building web/dist"
  (cd web && npm run --silent build)
fi

data="$(mktemp -d)"
log="$data.log"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2> /dev/null && wait "$server" 2> /dev/null
  rm -rf "$data" "$log"
}
trap cleanup EXIT
trap "exit 1" INT TERM

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
token="e2e-$RANDOM$RANDOM"
"$hyv" serve --port "$port" --data "$data/hyv-data" --web web/dist --token "$token" > "$log" 2>&1 &
server=$!
healthy() {
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "http://127.0.0.1:$port/api/v1/health"
}
for _ in $(seq 1 100); do
  healthy && break
  kill -0 "$server" 2> /dev/null || { echo "FAIL: hyv serve exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.2
done
healthy || { echo "FAIL: hyv serve did not answer" >&2; cat "$log" >&2; exit 1; }

rm -rf "$out"
status=0
node tests/e2e/studio_e2e.mjs --url "http://127.0.0.1:$port" --token "$token" --out "$out" \
  --model-dir models/code-small || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- hyv serve log ---" >&2
  tail -n 50 "$log" >&2
fi
exit "$status"
