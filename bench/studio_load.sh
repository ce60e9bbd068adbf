#!/usr/bin/env bash
# Bounded mixed load on `hyv serve` (bench/studio_load.h): starts a server with --jobs 2 on a fresh
# data folder, runs build/bench/studio_load against it (CONNECTIONS keep-alive clients x REQUESTS
# requests each: dataset list, one dataset, models, downloads, one job, small text and table jobs,
# cancels), then checks that every job ended as asked and every dataset downloads whole.
#   bench/studio_load.sh                       # 64 x 200, seed 1
#   CONNECTIONS=32 REQUESTS=500 SEED=2 bench/studio_load.sh
# Exits non-zero on any error. Server and client share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
CONNECTIONS=${CONNECTIONS:-64}
REQUESTS=${REQUESTS:-200}
SEED=${SEED:-1}
if [ ! -x "$BUILD/hyv" ] || [ ! -x "$BUILD/bench/studio_load" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$BUILD" --target hyv studio_load > /dev/null
fi

TMP="$(mktemp -d)"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT
"$BUILD/hyv" serve --port 0 --data "$TMP/data" --jobs 2 > "$TMP/serve.log" 2>&1 &
PID=$!
PORT=
for _ in $(seq 300); do
  PORT=$(sed -n 's|^Hyv Studio: http://[0-9.]*:\([0-9]*\)/.*|\1|p' "$TMP/serve.log")
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { echo "hyv serve did not start: $(cat "$TMP/serve.log")" >&2; exit 1; }
"$BUILD/bench/studio_load" --port "$PORT" --connections "$CONNECTIONS" --requests "$REQUESTS" \
  --seed "$SEED"
