#!/usr/bin/env bash
# `hyv dataset TYPE --params JSON -o DIR` runs one job of the request model with the studio's
# GenerationRun: canonical JSONL per table, a manifest with every parameter and the seed, the same
# bytes for any thread count and when run again from the manifest's params, and the same bytes
# and manifest as the studio (`hyv serve`, POST /api/jobs) for the same params; bad params are an
# error naming the field. (tests/canister/generator_test.mjs compares these bytes with the
# generator canister's: one request, the same bytes in every host.)
# Usage: bash tests/cli/dataset_test.sh path/to/hyv
set -uo pipefail
source "$(dirname "$0")/lib.sh" "$@"

params='{"prompts":["Hello",""],"samples":3,"max_tokens":12,"seed":"9"}'
run_rc 0 "text dataset" dataset text --params "$params" -o "$TMP/a" --format txt --threads 1
run_rc 0 "same params, two threads" dataset text --params "$params" -o "$TMP/b" --threads 2
cmp -s "$TMP/a/samples.jsonl" "$TMP/b/samples.jsonl" || fail "threads changed the bytes"
[ "$(wc -l < "$TMP/a/samples.jsonl")" -eq 3 ] || fail "3 samples, 3 rows"
grep -q '<|endoftext|>' "$TMP/a/samples.txt" || fail "--format txt writes samples.txt"
"$PY" - "$TMP/a" <<'PY' || fail "manifest"
import json, sys
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
assert m["type"] == "text" and m["model"]["id"] == "text-small", m
p = m["params"]
assert p["seed"] == "9" and p["samples"] == 3 and p["min_p"] >= 0, p
rows = [json.loads(l) for l in open(d + "/samples.jsonl")]
assert [r["index"] for r in rows] == [0, 1, 2] and rows[0]["text"].startswith("Hello"), rows
assert m["size_bytes"] == len(open(d + "/samples.jsonl", "rb").read())
json.dump(p, open(d + "/params.json", "w"))
PY
run_rc 0 "regenerate from the manifest's params" dataset text --params "@$TMP/a/params.json" \
  -o "$TMP/c"
cmp -s "$TMP/a/samples.jsonl" "$TMP/c/samples.jsonl" || fail "the manifest's params regenerate"

schema='{"mode":"schema","rows":5,"seed":"3","schema":{"tables":[{"name":"t","columns":[{"name":"id","type":"id"},{"name":"x","type":"integer","min":1,"max":9}]}]}}'
run_rc 0 "schema table" dataset table --params "$schema" -o "$TMP/t" --format csv
[ "$(wc -l < "$TMP/t/t.jsonl")" -eq 5 ] || fail "5 rows"
head -1 "$TMP/t/t.csv" | grep -q '^id,x' || fail "t.csv has the header: $(head -1 "$TMP/t/t.csv")"

# The studio, on loopback, with the same params.
"$HYV" serve --port 0 --data "$TMP/studio" > "$TMP/serve.log" 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null; rm -rf "$TMP"' EXIT
"$PY" - "$TMP" "$params" "$schema" <<'PY' || fail "the studio gives the CLI's bytes for the same params"
import json, re, sys, time, urllib.request
tmp, text_params, table_params = sys.argv[1:4]
for _ in range(300):
    m = re.search(r"http://127.0.0.1:(\d+)/", open(tmp + "/serve.log").read())
    if m: break
    time.sleep(0.1)
base = "http://127.0.0.1:%s/api/v1" % m.group(1)
def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    return urllib.request.urlopen(req, timeout=60).read()
for kind, params, folder, table in [("text", text_params, "a", "samples"),
                                    ("table", table_params, "t", "t")]:
    job = json.loads(call("POST", "/jobs", {"type": kind, "params": json.loads(params)}))
    for _ in range(600):
        job = json.loads(call("GET", "/jobs/" + job["id"]))
        if job["state"] not in ("queued", "running"): break
        time.sleep(0.1)
    assert job["state"] == "succeeded", job
    ds = job["dataset_id"]
    got = call("GET", "/datasets/%s/download?format=jsonl&table=%s" % (ds, table))
    want = open("%s/%s/%s.jsonl" % (tmp, folder, table), "rb").read()
    assert got == want, (kind, got[:200], want[:200])
    studio = json.loads(call("GET", "/datasets/" + ds))["manifest"]
    cli = json.load(open("%s/%s/manifest.json" % (tmp, folder)))
    for field in ("params", "seed", "model", "size_bytes", "item_count", "quality", "tables"):
        assert studio[field] == cli[field], (kind, field, studio[field], cli[field])
PY
kill $serve_pid 2>/dev/null

expect_error "a bad field" 'params.temperature' -- dataset text --params '{"temperature":9}' \
  -o "$TMP/x"
expect_error "an unknown model" 'no model "nope"' -- dataset text --params '{"model":"nope"}' \
  -o "$TMP/x"
expect_error "a bad type" 'picture' -- dataset picture --params '{}' -o "$TMP/x"
finish dataset_test
