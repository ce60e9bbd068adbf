"""A small client of the studio's JSON API (/api/v1) for the server script tests: urllib only,
so the tests need nothing beyond Python's standard library."""
import json
import sys
import time
import urllib.error
import urllib.request


class StudioApi:
    def __init__(self, url=None, timeout=60):
        self.url = url  # http://HOST:PORT; may be set later (a test that restarts the server)
        self.timeout = timeout

    def call(self, method, path, body=None, raw=None, timeout=None):
        """(status, body bytes); JSON bodies as JSON, raw bytes as an octet stream."""
        payload = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.url + "/api/v1" + path, data=payload, method=method)
        req.add_header("Content-Type",
                       "application/octet-stream" if raw is not None else "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def ok(self, method, path, body=None, raw=None, want=200):
        """The decoded JSON answer; fails the test on any other status than `want`."""
        status, text = self.call(method, path, body, raw)
        assert status == want, f"{method} {path}: HTTP {status}, expected {want}: {text[:300]!r}"
        return json.loads(text) if text else None

    def wait(self, job_id, timeout=120, until=None):
        """The job once `until(job)` holds: by default, once it is no longer queued or running."""
        until = until or (lambda j: j["state"] not in ("queued", "running"))
        deadline = time.time() + timeout
        j = None
        while time.time() < deadline:
            j = self.ok("GET", "/jobs/" + job_id)
            if until(j):
                return j
            time.sleep(0.02)
        sys.exit(f"job {job_id} did not get there in time: {j}")
