# Checks a stopped (or killed) `hyv serve` data dir from the outside, with Python's own sqlite3:
# what the fault tests (disk_full_test.sh, kill9_test.sh) assert after every fault.
#   python3 tests/server/store_check.py DATA [--recovered]
# prints one line per problem and exits 1 if there is any; as a module, check(data) returns
# (problems, snapshot), where snapshot maps "dataset/<id>/<table>" and "model/<id>/<file>" to the
# file's sha256, and "job/<id>" to its state, so a caller can compare snapshots across faults.
#
# The database is checked on a copy (hyv.sqlite and its WAL), so the check neither recovers nor
# checkpoints the WAL that the next server start must recover itself.
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_kv(data):
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in ("", "-wal"):
            src = os.path.join(data, "hyv.sqlite" + suffix)
            if os.path.exists(src):
                shutil.copyfile(src, os.path.join(tmp, "hyv.sqlite" + suffix))
        db = sqlite3.connect(os.path.join(tmp, "hyv.sqlite"))
        try:
            integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
            rows = [(bytes(k).decode(), bytes(v).decode()) for k, v in db.execute("SELECT key, value FROM kv")]
        finally:
            db.close()
    return integrity, rows


def leftovers(data, records=None):
    """What a cut-off server leaves that the next start must clear: temp files, and dataset or
    model folders that no record owns."""
    if records is None:
        records = {key: None for key, _ in read_kv(data)[1]}
    out = [f"tmp/{name} is left" for name in os.listdir(os.path.join(data, "tmp"))]
    for folder, ns in (("datasets", "dataset"), ("models", "model")):
        out += [f"{folder}/{name} has no record" for name in os.listdir(os.path.join(data, folder))
                if f"{ns}/{name}" not in records]
    return out


def check(data, recovered=False):
    """recovered: the data dir was opened by a server since the last fault, so no job may be
    running, tmp/ must be empty and every dataset folder must have its record."""
    problems = []
    snapshot = {}
    integrity, rows = read_kv(data)
    if integrity != ["ok"]:
        problems.append(f"PRAGMA integrity_check: {integrity}")
    records = {}
    for key, value in rows:
        try:
            records[key] = json.loads(value) if value[:1] in "{[" else value
        except ValueError as e:
            problems.append(f"{key}: not JSON ({e})")
    for key, m in records.items():
        ns, _, ident = key.partition("/")
        if ns == "dataset":
            for t in m["tables"]:
                path = os.path.join(data, "datasets", ident, t["name"] + ".jsonl")
                if not os.path.isfile(path):
                    problems.append(f"dataset {ident}: table file {t['name']}.jsonl is missing")
                    continue
                size = os.path.getsize(path)
                with open(path, "rb") as f:
                    lines = f.read().count(b"\n")
                if size != t["size_bytes"] or lines != t["rows"]:
                    problems.append(f"dataset {ident}/{t['name']}: {size} bytes, {lines} rows on disk; "
                                    f"recorded {t['size_bytes']} bytes, {t['rows']} rows")
                snapshot[f"dataset/{ident}/{t['name']}"] = sha256_of(path)
        elif ns == "model" and not m.get("bundled"):
            for f in m["files"]:
                path = os.path.join(data, "models", ident, f["name"])
                if not os.path.isfile(path):
                    problems.append(f"model {ident}: {f['name']} is missing")
                    continue
                size, sha = os.path.getsize(path), sha256_of(path)
                if size != f["size"] or sha != f["sha256"]:
                    problems.append(f"model {ident}/{f['name']}: {size} bytes sha256 {sha}; "
                                    f"recorded {f['size']} bytes sha256 {f['sha256']}")
                snapshot[f"model/{ident}/{f['name']}"] = sha
        elif ns == "upload":
            # A chunk is written before the record counts it, never after. A finish moves the
            # files to models/<model>/ before it records the model; cut off in between, they are
            # there until the next start moves them back.
            for f in m["files"]:
                path = os.path.join(data, "uploads", ident, f["name"])
                moved = os.path.join(data, "models", m["model_id"], f["name"])
                if (not recovered and not os.path.isfile(path) and os.path.isfile(moved)
                        and f"model/{m['model_id']}" not in records):
                    path = moved
                size = os.path.getsize(path) if os.path.isfile(path) else 0
                if size < f["received"]:
                    problems.append(f"upload {ident}/{f['name']}: {size} bytes on disk, "
                                    f"recorded as received {f['received']}")
        elif ns == "job":
            snapshot[key] = m["state"]
            if m["state"] == "succeeded" and f"dataset/{m.get('dataset_id')}" not in records:
                problems.append(f"job {ident} succeeded, but its dataset {m.get('dataset_id')} is not recorded")
            if recovered and m["state"] == "running":
                problems.append(f"job {ident} is still running after a restart")
    if recovered:
        problems += [f"{what} after a restart" for what in leftovers(data, records)]
    return problems, snapshot


if __name__ == "__main__":
    found, _ = check(sys.argv[1], recovered="--recovered" in sys.argv[2:])
    for p in found:
        print(p)
    sys.exit(1 if found else 0)
