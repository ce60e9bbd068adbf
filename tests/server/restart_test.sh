# kill -9 safety of `hyv serve`: a job running when the server is killed is "interrupted" after a
# restart and can be retried to success; datasets finished and a model uploaded before the kill
# are intact, byte for byte; tmp/ is emptied. Then SIGTERM stops the server cleanly.
set -uo pipefail
source "$(dirname "$0")/../cli/lib.sh" "$@"
DATA=$TMP/data
PID=
trap '[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT

# start: runs hyv serve on a free port; sets PID and URL (http://127.0.0.1:PORT).
start() {
  # The log of the previous run goes first: the new server's redirection empties the file only
  # once its process runs, and meanwhile the loop below could read the old server's URL.
  rm -f "$TMP/serve.log"
  "$HYV" serve --port 0 --data "$DATA" --jobs 1 >"$TMP/serve.log" 2>&1 &
  PID=$!
  URL=
  for _ in $(seq 300); do
    URL=$(sed -n 's|^Hyv Studio: \(http://[0-9.:]*\)/.*|\1|p' "$TMP/serve.log" 2>/dev/null)
    [ -n "$URL" ] && return 0
    sleep 0.1
  done
  fail "hyv serve did not start: $(cat "$TMP/serve.log")"
  finish restart_test
}

# client STEP: one step of the scenario, in Python (urllib), against $URL.
client() {
  "$PY" - "$URL" "$DATA" "$TMP" "$1" "$(dirname "$0")" <<'PYEOF'
import hashlib, json, os, sys, time, urllib.request, urllib.error
url, data, tmp, step, here = sys.argv[1:6]
sys.path.insert(0, here)
from studio_api import StudioApi
studio = StudioApi(url, timeout=120)
call, ok = studio.call, studio.ok

def wait(job_id, until=None, timeout=300):
    return studio.wait(job_id, timeout=timeout, until=until)

def save(name, value):
    open(os.path.join(tmp, name), "w").write(json.dumps(value))

def load(name):
    return json.load(open(os.path.join(tmp, name)))

def model_files():
    d = os.path.join(data, "models", "tiny")
    return {n: hashlib.sha256(open(os.path.join(d, n), "rb").read()).hexdigest() for n in sorted(os.listdir(d))}

if step == "before":
    job = ok("POST", "/jobs", {"type": "text", "params": {"samples": 3, "max_tokens": 16, "seed": "1"}}, want=201)
    done = wait(job["id"])
    assert done["state"] == "succeeded", done
    ds = done["dataset_id"]
    files = {f: ok("GET", "/datasets/" + ds) and call("GET", f"/datasets/{ds}/download?format={f}")[1].decode()
             for f in ("jsonl", "csv", "json", "txt")}
    fixture = "tests/fixtures/tiny-gpt2"
    names = ["config.json", "model.safetensors", "vocab.json", "merges.txt"]
    blobs = {n: open(os.path.join(fixture, n), "rb").read() for n in names}
    up = ok("POST", "/uploads", {"model_id": "tiny", "name": "Tiny", "data_type": "text", "license": "mit",
                                 "description": "restart test",
                                 "files": [{"name": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                                           for n, b in blobs.items()]}, want=201)
    for n, b in blobs.items():
        for at in range(0, len(b), 200000):
            ok("PUT", f"/uploads/{up['id']}/files/{n}?offset={at}", raw=b[at:at + 200000])
    ok("POST", f"/uploads/{up['id']}/finish", raw=b"", want=201)
    save("before.json", {"dataset": ds, "files": files, "model": model_files()})
    # A long job, killed while it runs.
    long = ok("POST", "/jobs", {"type": "text", "name": "long", "params": {"samples": 24, "max_tokens": 120, "seed": "2"}},
              want=201)
    wait(long["id"], until=lambda j: j["state"] == "running" and j["progress"]["tokens_done"] > 0)
    save("long.json", long["id"])
elif step == "after":
    before = load("before.json")
    long_id = load("long.json")
    j = ok("GET", "/jobs/" + long_id)
    assert j["state"] == "interrupted", j
    assert j["error"], j
    assert os.listdir(os.path.join(data, "tmp")) == [], "tmp/ was not emptied"
    ds = before["dataset"]
    for f, text in before["files"].items():
        got = call("GET", f"/datasets/{ds}/download?format={f}")[1].decode()
        assert got == text, f"{f} download changed across kill -9"
    assert model_files() == before["model"], "the uploaded model's files changed"
    assert ok("GET", "/models/tiny")["bundled"] is False
    assert len(ok("GET", "/datasets")["datasets"]) == 1, "a half-made dataset became visible"
    ok("POST", f"/jobs/{long_id}/retry", raw=b"")
    done = wait(long_id)
    assert done["state"] == "succeeded" and done["attempts"] == 2, done
    rows = ok("GET", f"/datasets/{done['dataset_id']}/rows?limit=100")
    assert rows["total"] == 24, rows
    # The uploaded model still generates.
    job = ok("POST", "/jobs", {"type": "text", "params": {"model": "tiny", "samples": 1, "max_tokens": 4}}, want=201)
    assert wait(job["id"])["state"] == "succeeded"
print("ok", step)
PYEOF
}

start
client before || fail "before the kill"
kill -9 "$PID"
wait "$PID" 2>/dev/null
start
client after || fail "after the restart"
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
[ $rc -eq 0 ] || fail "SIGTERM: exit $rc, expected 0: $(tail -5 "$TMP/serve.log")"
grep -q "stopping" "$TMP/serve.log" || fail "SIGTERM: no clean stop in the log"
finish restart_test
