# kill -9 of `hyv serve` at random points, many times: ROUNDS rounds (20; delays drawn from a
# fixed seed, so a failure replays) rotate a long text job, a model upload and a long two-table job
# (each the retry or resumption of the one the last kill cut off, if any), and kill the server
# after a random delay within the work's span. After each kill the store is
# checked with the server down (tests/server/store_check.py: SQLite integrity_check, every recorded
# dataset and model file present with its size and sha256, uploads never counting bytes they do not
# hold), and no file recorded before is changed; after each restart, the job that was running is
# interrupted with a reason and is retryable, nothing the kill left in tmp/ or unrecorded folders
# remains, and every fifth round runs its work to the end, so an interrupted job is retried to
# success and a cut upload resumes and finishes.
set -uo pipefail
source "$(dirname "$0")/../cli/lib.sh" "$@"
ROUNDS=${ROUNDS:-20}
SEED=${SEED:-20261207}

"$PY" - "$HYV" "$TMP" "$(dirname "$0")" "$ROUNDS" "$SEED" <<'PYEOF' || fail "the scenario"
import atexit, hashlib, json, os, random, re, subprocess, sys, threading, time, urllib.request, urllib.error
hyv, tmp, here, rounds, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
sys.path.insert(0, here)
import store_check
from studio_api import StudioApi
data = os.path.join(tmp, "data")
rng = random.Random(seed)
studio = StudioApi()  # its url is set by start()
call, ok, wait = studio.call, studio.ok, studio.wait
server = None

@atexit.register
def no_server_left():
    # A failed assertion must not leave a server running on a removed data dir.
    if server is not None and server.poll() is None:
        server.kill()
        server.wait()

def start():
    global server
    log = os.path.join(tmp, "serve.log")
    out = open(log, "w")
    server = subprocess.Popen([hyv, "serve", "--port", "0", "--data", data, "--jobs", "1"], stdout=out, stderr=out)
    deadline = time.time() + 30
    while time.time() < deadline:
        m = re.search(r"^Hyv Studio: (http://[0-9.:]+)/", open(log).read(), re.M)
        if m:
            studio.url = m.group(1)
            return
        if server.poll() is not None:
            break
        time.sleep(0.02)
    sys.exit(f"hyv serve did not start: {open(log).read()}")

fixture = "tests/fixtures/tiny-gpt2"
names = ["config.json", "model.safetensors", "vocab.json", "merges.txt"]
blobs = {n: open(os.path.join(fixture, n), "rb").read() for n in names}
CHUNK = 65536
COLUMNS = [{"name": "id", "type": "id"}, {"name": "name", "type": "full_name"},
           {"name": "n", "type": "integer", "min": 0, "max": 999}]
LONG = {"text": {"type": "text", "name": "long", "params": {"samples": 8, "max_tokens": 96, "seed": "3"}},
        # Two tables: a kill can fall between their commits.
        "table": {"type": "table", "name": "long table", "params": {"mode": "schema", "rows": 40000, "seed": "4",
                  "schema": {"tables": [{"name": "a", "columns": COLUMNS}, {"name": "b", "columns": COLUMNS}]}}}}
ROWS = {"text": [8], "table": [40000, 40000]}

def upload_work(state):
    """Sends what the open upload lacks (opening one first if none), then finishes it."""
    if state.get("upload") is None:
        state["n"] = state.get("n", 0) + 1
        up = ok("POST", "/uploads", {"model_id": f"m{state['n']}", "data_type": "text",
                                     "files": [{"name": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                                               for n, b in blobs.items()]}, want=201)
        state["upload"] = up["id"]
    got = ok("GET", f"/uploads/{state['upload']}")
    for f in got["files"]:
        b = blobs[f["name"]]
        for at in range(f["received"], len(b), CHUNK):
            ok("PUT", f"/uploads/{state['upload']}/files/{f['name']}?offset={at}", raw=b[at:at + CHUNK])
    model = ok("POST", f"/uploads/{state['upload']}/finish", raw=b"", want=201)
    state["upload"] = None
    state["models"].append(model["id"])

def job_work(kind, state):
    """Runs a long job of the kind to success: the one the last kill cut off, else a new one."""
    jobs = state["jobs"]
    if jobs[kind] is None:
        jobs[kind] = ok("POST", "/jobs", LONG[kind], want=201)["id"]
    elif ok("GET", f"/jobs/{jobs[kind]}")["state"] == "interrupted":
        ok("POST", f"/jobs/{jobs[kind]}/retry", raw=b"")
        state["retries"] += 1
    j = wait(jobs[kind])
    assert j["state"] == "succeeded", j
    d = ok("GET", f"/datasets/{j['dataset_id']}")
    assert [t["rows"] for t in d["tables"]] == ROWS[kind], d
    jobs[kind] = None
    state["succeeded"] += 1

def run_cut(work, state, span):
    """Runs work on a thread and kills the server after a random delay within span seconds."""
    errors = []
    def body():
        try:
            work(state)
        except Exception as e:  # the kill cuts the work off: connection errors are expected
            errors.append(e)
    t = threading.Thread(target=body)
    t.start()
    time.sleep(rng.uniform(0, span))
    server.kill()
    server.wait()
    t.join()
    return errors

known = {}        # file key -> sha256, for every dataset or model file ever recorded
seen_jobs = {}    # job id -> state seen after a restart
state = {"models": [], "retries": 0, "succeeded": 0, "upload": None, "jobs": {"text": None, "table": None}}
interrupted_total = 0
works = {"text": lambda s: job_work("text", s), "table": lambda s: job_work("table", s), "upload": upload_work}
start()
# One of each to the end first: what the kills must keep intact, and how long each takes here, so
# the kill delays (a fixed fraction sequence from the seed) spread over the work and a little past
# its end, whatever this machine's speed.
span = {}
for kind, work in works.items():
    t0 = time.time()
    work(state)
    span[kind] = 1.15 * (time.time() - t0)
print("spans (s):", {k: round(v, 3) for k, v in span.items()}, flush=True)
for r in range(rounds):
    kind = ("text", "upload", "table")[r % 3]
    to_end = r % 5 == 4
    if to_end:
        works[kind](state)
        server.kill()
        server.wait()
    else:
        run_cut(works[kind], state, span[kind])
    # The server is down: the store as the kill left it.
    problems, snap = store_check.check(data)
    assert not problems, f"round {r} ({kind}), after the kill: {problems}"
    for key, sha in snap.items():
        if key.startswith("job/"):
            continue
        assert known.get(key, sha) == sha, f"round {r}: {key} changed across a kill"
        known[key] = sha
    lost = [k for k in known if k not in snap]
    assert not lost, f"round {r}: recorded files lost: {lost}"
    running = [k[4:] for k, v in snap.items() if k.startswith("job/") and v == "running"]
    left = store_check.leftovers(data)
    start()
    # A queued job may start at once and make temp files of its own (under a new attempt's name),
    # so what is checked is that what the kill left is gone.
    still = set(left) & set(store_check.leftovers(data))
    assert not still, f"round {r}: the restart did not clear {still}"
    for job_id in running:
        j = ok("GET", "/jobs/" + job_id)
        assert j["state"] == "interrupted" and j["error"], f"round {r}: {j}"
        interrupted_total += 1
    tracked = set(state["jobs"].values())
    for j in ok("GET", "/jobs")["jobs"]:
        if j["id"] in tracked:
            continue
        if j["state"] not in ("succeeded", "interrupted"):
            # Submitted, but the kill took the reply: it runs now, and must succeed.
            assert j["state"] in ("queued", "running"), f"round {r}: {j}"
            assert wait(j["id"])["state"] == "succeeded", f"round {r}: {j}"
        elif j["state"] == "interrupted" and state["jobs"][j["type"]] is None:
            state["jobs"][j["type"]] = j["id"]  # likewise, and cut off: the next round retries it
    for kind, job_id in state["jobs"].items():
        if job_id is None:
            continue
        j = ok("GET", "/jobs/" + job_id)
        if j["state"] == "succeeded":  # the kill came after it finished
            state["jobs"][kind] = None
            state["succeeded"] += 1
        else:
            assert j["state"] in ("interrupted", "queued", "running"), f"round {r}: the cut job is {j['state']}"
    if state["upload"] is not None:
        status, text = call("GET", f"/uploads/{state['upload']}")
        if status == 404:  # finished just before the kill
            state["upload"] = None
        else:
            # What the record counts is held under uploads/ again (store_check, recovered).
            problems = [p for p in store_check.check(data, recovered=True)[0] if p.startswith("upload ")]
            assert not problems, f"round {r}, after the restart: {problems}"
    assert ok("GET", "/health")["status"] == "ok"
    print(f"round {r} {kind}: {'to the end' if to_end else 'killed'}; {len(running)} interrupted; "
          f"upload open: {state['upload'] is not None}", flush=True)

# Every model that finished is registered and whole, and every one loads.
for m in state["models"]:
    assert ok("GET", f"/models/{m}")["bundled"] is False
j = wait(ok("POST", "/jobs", {"type": "text", "params": {"model": state["models"][-1], "samples": 1, "max_tokens": 4}},
            want=201)["id"])
assert j["state"] == "succeeded", j
server.terminate()
assert server.wait() == 0, "SIGTERM: the server did not stop cleanly"
problems, _ = store_check.check(data, recovered=True)
assert not problems, problems
print(f"ok: {rounds} kills, {interrupted_total} jobs interrupted, {state['retries']} retries, "
      f"{state['succeeded']} long jobs succeeded, {len(state['models'])} models uploaded")
PYEOF
finish kill9_test
