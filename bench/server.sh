#!/usr/bin/env bash
# Hyv Studio server load (`hyv serve`), in one run:
#   bench/server.sh
# 1. Listing and fetching datasets under wrk (-t2 -c64 -d10s, keep-alive) with DATASETS datasets
#    present (half small text, half small schema tables): requests/s and p99 latency.
# 2. Concurrent generation: N text jobs (the defaults: 5 samples x 64 tokens on text-small)
#    submitted at once, for N in JOBS_LIST; how many were accepted and succeeded, and the time
#    until the last one finished. The server runs with --jobs 2 (two at a time, the rest queued).
# The server, wrk and the client share this machine's cores (pinned to CORES when taskset exists).
# Environment: BUILD (default build), DATASETS (50), DURATION (10s), JOBS_LIST ("8 16 32 64"),
# CORES (0,1).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
DATASETS=${DATASETS:-50}
DURATION=${DURATION:-10s}
JOBS_LIST=${JOBS_LIST:-"8 16 32 64"}
CORES=${CORES:-0,1}
PY=/usr/bin/python3
if [ ! -x "$BUILD/hyv" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$BUILD" --target hyv > /dev/null
fi
if ! command -v wrk > /dev/null; then
  echo "bench/server.sh: wrk is missing; run tools/install-deps.sh --dev (or apt-get install -y wrk)" >&2
  exit 1
fi
PIN=()
command -v taskset > /dev/null && PIN=(taskset -c "$CORES")

TMP="$(mktemp -d)"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT
"${PIN[@]}" "$BUILD/hyv" serve --port 0 --data "$TMP/data" --jobs 2 > "$TMP/serve.log" 2>&1 &
PID=$!
URL=
for _ in $(seq 300); do
  URL=$(sed -n 's|^Hyv Studio: \(http://[0-9.:]*\)/.*|\1|p' "$TMP/serve.log")
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { echo "hyv serve did not start: $(cat "$TMP/serve.log")" >&2; exit 1; }

# studio STEP ARGS: the JSON side of the benchmark, in Python (urllib, threads).
studio() {
  "$PY" - "$URL/api/v1" "$@" <<'PYEOF'
import json, sys, threading, time, urllib.request, urllib.error
api, step, *args = sys.argv[1:]

def call(method, path, body=None):
    req = urllib.request.Request(api + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")

def wait_all(ids):
    while True:
        jobs = {j["id"]: j for j in call("GET", "/jobs")[1]["jobs"]}
        mine = [jobs[i] for i in ids]
        if all(j["state"] not in ("queued", "running") for j in mine):
            return mine
        time.sleep(0.1)

def submit_all(bodies):
    results = [None] * len(bodies)
    def one(i):
        results[i] = call("POST", "/jobs", bodies[i])
    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(bodies))]
    for t in threads: t.start()
    for t in threads: t.join()
    return results

if step == "fill":
    n = int(args[0])
    schema = {"tables": [{"name": "people", "columns": [
        {"name": "id", "type": "id"}, {"name": "name", "type": "full_name"},
        {"name": "age", "type": "integer", "min": 18, "max": 90}, {"name": "city", "type": "city"}]}]}
    bodies = []
    for i in range(n):
        if i % 2:
            bodies.append({"type": "table", "name": f"people {i}", "params": {"mode": "schema", "schema": schema, "rows": 200}})
        else:
            bodies.append({"type": "text", "name": f"notes {i}", "params": {"samples": 2, "max_tokens": 16}})
    ids = []
    for start in range(0, n, 32):  # stay under the 64-job queue limit
        res = submit_all(bodies[start:start + 32])
        ids += [r[1]["id"] for r in res]
        wait_all(ids)
    datasets = call("GET", "/datasets")[1]["datasets"]
    print(datasets[len(datasets) // 2]["manifest"]["id"])
elif step == "jobs":
    n = int(args[0])
    t0 = time.time()
    res = submit_all([{"type": "text", "name": f"load {i}", "params": {}} for i in range(n)])
    accepted = [r[1]["id"] for r in res if r[0] == 201]
    jobs = wait_all(accepted)
    took = time.time() - t0
    ok = sum(j["state"] == "succeeded" for j in jobs)
    tokens = sum(j["progress"]["tokens_done"] for j in jobs)
    print(f"| {n} | {len(accepted)} | {ok} | {took:.1f} s | {tokens / took:.0f} |")
PYEOF
}

# wrk_row NAME PATH: one table row from wrk's summary (requests/s, p50, p99, errors).
wrk_row() {
  "${PIN[@]}" wrk -t2 -c64 -d"$DURATION" --latency "$URL$2" > "$TMP/wrk.txt"
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$TMP/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$TMP/wrk.txt")
  errors=$(awk '/Non-2xx|Socket errors/ {$1=$1; print}' "$TMP/wrk.txt" | paste -sd ';' -)
  echo "| $1 | ${rps} | ${p50} | ${p99} | ${errors:-none} |"
}

echo "Filling the library with $DATASETS datasets..."
DS=$(studio fill "$DATASETS")
echo
echo "wrk -t2 -c64 -d$DURATION, $DATASETS datasets, $(nproc) cores shared by server and wrk:"
echo
echo "| request | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
wrk_row "GET /api/v1/datasets" "/api/v1/datasets"
wrk_row "GET /api/v1/datasets/{id}" "/api/v1/datasets/$DS"
echo
echo "Concurrent text jobs (5 samples of up to 64 tokens each, text-small), hyv serve --jobs 2:"
echo
echo "| submitted at once | accepted | succeeded | all done after | tokens/s |"
echo "|---|---|---|---|---|"
for n in $JOBS_LIST; do studio jobs "$n"; done
