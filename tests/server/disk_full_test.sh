# A full disk under `hyv serve`: a dataset write and a model upload that run out of space are
# reported (the job fails naming the error, the chunk is answered 500 naming it), nothing
# half-written is recorded (no dataset without its files, no model with missing bytes), the server
# stays up, and once space returns the failed job is retried to success and the upload resumes and
# finishes. Then tests/server/store_check.py checks the store.
#
# The data dir is a 6 MiB tmpfs (we run as root in the test VM), filled with a file beside the
# store. Where mounting is not allowed, the server runs with SIGXFSZ ignored and its file size
# limit (RLIMIT_FSIZE, set and lifted with prlimit) stands in for the full disk: writes then fail
# with EFBIG ("File too large") instead of ENOSPC. The log says which; DISK_FULL_MODE=fsize picks
# the fallback where mounting works too.
set -uo pipefail
source "$(dirname "$0")/../cli/lib.sh" "$@"
DATA=$TMP/data
PID=
MOUNTED=
mkdir -p "$DATA"
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  [ -n "$MOUNTED" ] && umount "$DATA"
  rm -rf "$TMP"
}
trap cleanup EXIT

if [ "${DISK_FULL_MODE:-}" != fsize ] && mount -t tmpfs -o size=6m tmpfs "$DATA" 2>/dev/null; then
  MOUNTED=1
  MODE=tmpfs
  echo "disk_full_test: a 6 MiB tmpfs data dir"
elif command -v prlimit >/dev/null; then
  MODE=fsize
  echo "disk_full_test: no tmpfs (not mountable here, or DISK_FULL_MODE=fsize); RLIMIT_FSIZE stands in for a full disk"
else
  echo "disk_full_test: neither mount nor prlimit is available" >&2
  exit 1
fi

rm -f "$TMP/serve.log"
# An ignored signal stays ignored across exec: a write past RLIMIT_FSIZE then fails with EFBIG
# instead of killing the server.
(trap '' XFSZ && exec "$HYV" serve --port 0 --data "$DATA" --jobs 1) >"$TMP/serve.log" 2>&1 &
PID=$!
URL=
for _ in $(seq 300); do
  URL=$(sed -n 's|^Hyv Studio: \(http://[0-9.:]*\)/.*|\1|p' "$TMP/serve.log" 2>/dev/null)
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { fail "hyv serve did not start: $(cat "$TMP/serve.log")"; finish disk_full_test; }

"$PY" - "$URL" "$DATA" "$MODE" "$PID" "$(dirname "$0")" <<'PYEOF' || fail "the scenario"
import hashlib, json, os, re, subprocess, sys, time, urllib.request, urllib.error
url, data, mode, pid, here = sys.argv[1:6]
sys.path.insert(0, here)
import store_check
from studio_api import StudioApi
studio = StudioApi(url, timeout=120)
call, ok, wait = studio.call, studio.ok, studio.wait
NO_SPACE = re.compile(r"No space left on device|disk is full|File too large")

def fill(leave):
    """Leaves about `leave` bytes for the server's writes."""
    if mode == "tmpfs":
        st = os.statvfs(data)
        free = st.f_bavail * st.f_frsize
        with open(os.path.join(data, "filler"), "ab") as f:
            f.write(b"\0" * max(0, free - leave))
    else:
        # No file of the server may grow past `leave` bytes; the store is far below that.
        subprocess.run(["prlimit", "--pid", pid, f"--fsize={max(leave, 1 << 18)}:"], check=True)

def free_space():
    if mode == "tmpfs":
        os.remove(os.path.join(data, "filler"))
    else:
        subprocess.run(["prlimit", "--pid", pid, "--fsize=unlimited:"], check=True)

def datasets():
    return sorted(d["manifest"]["id"] for d in ok("GET", "/datasets")["datasets"])

def no_half_written(what):
    assert datasets() == [base], f"{what}: the library changed: {datasets()}"
    assert sorted(os.listdir(os.path.join(data, "datasets"))) == [base], \
        f"{what}: dataset folders {os.listdir(os.path.join(data, 'datasets'))}"
    assert os.listdir(os.path.join(data, "tmp")) == [], f"{what}: tmp/ holds {os.listdir(os.path.join(data, 'tmp'))}"
    assert call("GET", "/models/tiny")[0] == 404, f"{what}: the half-uploaded model is registered"
    assert not os.path.exists(os.path.join(data, "models", "tiny")), f"{what}: models/tiny exists"
    assert ok("GET", "/health")["status"] == "ok"
    assert call("GET", f"/datasets/{base}/download?format=jsonl")[1] == base_bytes, f"{what}: the old dataset changed"

# A dataset made while there is room.
j = wait(ok("POST", "/jobs", {"type": "text", "params": {"samples": 2, "max_tokens": 8, "seed": "1"}}, want=201)["id"])
assert j["state"] == "succeeded", j
base = j["dataset_id"]
base_bytes = call("GET", f"/datasets/{base}/download?format=jsonl")[1]

# 1. A table of ~1.3 MB with ~200 KB left: the write runs out of space and the job fails saying so.
fill(200 << 10)
big = {"type": "table", "name": "big", "params": {"mode": "schema", "rows": 40000, "seed": "5", "schema": {"tables": [
    {"name": "people", "columns": [{"name": "id", "type": "id"}, {"name": "name", "type": "full_name"},
                                   {"name": "age", "type": "integer", "min": 18, "max": 90}]}]}}}
failed = wait(ok("POST", "/jobs", big, want=201)["id"])
assert failed["state"] == "failed", failed
print("dataset write:", failed["error"])
assert NO_SPACE.search(failed["error"] or ""), f"the error does not name the cause: {failed['error']!r}"
assert failed["dataset_id"] is None, failed
no_half_written("after the failed dataset write")

# 2. A model upload: the record fits, the 594 KB weights do not; the chunk that hits the limit is
# answered 500 naming it, and finishing is refused while bytes are missing.
fixture = "tests/fixtures/tiny-gpt2"
names = ["config.json", "model.safetensors", "vocab.json", "merges.txt"]
blobs = {n: open(os.path.join(fixture, n), "rb").read() for n in names}
up = ok("POST", "/uploads", {"model_id": "tiny", "name": "Tiny", "data_type": "text",
                             "files": [{"name": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                                       for n, b in blobs.items()]}, want=201)
CHUNK = 100000
refused = None
for n, b in blobs.items():
    for at in range(0, len(b), CHUNK):
        status, text = call("PUT", f"/uploads/{up['id']}/files/{n}?offset={at}", raw=b[at:at + CHUNK])
        if status != 200:
            refused = (n, at, status, json.loads(text))
            break
    if refused:
        break
assert refused, "every chunk was stored on a full disk"
name, at, status, err = refused
assert status == 500 and err["error"]["code"] == "internal", refused
assert NO_SPACE.search(err["error"]["message"]), f"the chunk error does not name the cause: {err}"
got = ok("GET", f"/uploads/{up['id']}")
received = {f["name"]: f["received"] for f in got["files"]}
assert received[name] == at, f"the refused chunk was counted: {received}"
status, text = call("POST", f"/uploads/{up['id']}/finish", raw=b"")
print(f"chunk {name} at {at} refused: {err['error']['message']}")
assert status == 409, f"finish with missing bytes: HTTP {status} {text[:200]!r}"
no_half_written("after the refused chunk")

# 3. (tmpfs) No byte left at all: even the store cannot write. A submission is answered with a
# server error naming it (not blamed on the request), and the server goes on.
if mode == "tmpfs":
    fill(0)
    status, text = call("POST", "/jobs", {"type": "text", "params": {"samples": 1, "max_tokens": 4}})
    print(f"submission with no byte left: HTTP {status} {text[:200]!r}")
    if status == 201:  # the store still had room in its log; then the job must fail cleanly
        j = wait(json.loads(text)["id"])
        assert j["state"] == "failed" and NO_SPACE.search(j["error"] or ""), j
    else:
        assert status == 500, f"submission on a full disk: HTTP {status} {text[:300]!r}"
        assert NO_SPACE.search(json.loads(text)["error"]["message"]), text
    assert ok("GET", "/health")["status"] == "ok"
    assert datasets() == [base]

# 4. Space returns: the failed job is retried to success, the upload resumes where the record says
# and finishes, and the new model generates.
free_space()
for j in ok("GET", "/jobs")["jobs"]:
    if j["state"] == "failed":
        ok("POST", f"/jobs/{j['id']}/retry", raw=b"")
again = wait(failed["id"])
assert again["state"] == "succeeded" and again["attempts"] == 2, again
d = ok("GET", f"/datasets/{again['dataset_id']}")
for t in d["tables"]:
    body = call("GET", f"/datasets/{again['dataset_id']}/download?format=jsonl&table={t['name']}")[1]
    assert len(body) == t["size_bytes"] and body.count(b"\n") == t["rows"] == 40000, (len(body), t)
got = ok("GET", f"/uploads/{up['id']}")
for f in got["files"]:
    b = blobs[f["name"]]
    for start in range(f["received"], len(b), CHUNK):
        ok("PUT", f"/uploads/{up['id']}/files/{f['name']}?offset={start}", raw=b[start:start + CHUNK])
model = ok("POST", f"/uploads/{up['id']}/finish", raw=b"", want=201)
assert model["id"] == "tiny", model
j = wait(ok("POST", "/jobs", {"type": "text", "params": {"model": "tiny", "samples": 1, "max_tokens": 4}}, want=201)["id"])
assert j["state"] == "succeeded", j
problems, _ = store_check.check(data)
assert not problems, problems
print("ok: mode", mode)
PYEOF

kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
[ $rc -eq 0 ] || fail "SIGTERM: exit $rc: $(tail -5 "$TMP/serve.log")"
"$PY" "$(dirname "$0")/store_check.py" "$DATA" --recovered || fail "the store after the run"
finish disk_full_test
