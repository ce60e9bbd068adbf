#!/usr/bin/env bash
# `hyv models pull`: without a reachable hub it fails fast with a clear message and leaves no
# files; against a local stand-in for the hub ($HYV_HF_ENDPOINT, serving the tiny fixture the way
# huggingface.co does: a redirect to the file store, X-Linked-Etag = sha256) it downloads a folder
# that loads, and it keeps nothing when the sha256 does not match.
# Usage (from the repo root): bash tests/cli/models_pull_test.sh build/hyv
set -uo pipefail
source "$(dirname "$0")/lib.sh" "$@"
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"' EXIT

# pull_must_fail NAME PATTERN ENDPOINT DIR: exit non-zero within 20 s, PATTERN on stderr, DIR absent.
pull_must_fail() {
  local name=$1 pattern=$2 endpoint=$3 dir=$4
  local start=$SECONDS
  HYV_HF_ENDPOINT=$endpoint timeout 60 "$HYV" models pull distilgpt2 --dir "$dir" \
    >"$TMP/out" 2>"$TMP/err"
  local rc=$? took=$((SECONDS - start))
  [ $rc -eq 1 ] || fail "$name: exit $rc, expected 1"
  [ $took -le 20 ] || fail "$name: took ${took}s to give up"
  grep -qE -- "$pattern" "$TMP/err" || fail "$name: stderr lacks /$pattern/: $(cat "$TMP/err")"
  [ ! -e "$dir" ] || fail "$name: left $(ls -A "$dir" | tr '\n' ' ') in $dir"
}

# No hub: a name that never resolves, and a port nothing listens on.
pull_must_fail "unresolvable host" \
  "cannot reach hub.invalid: .*; download the folder elsewhere and pass --model DIR" \
  "https://hub.invalid" "$TMP/offline1"
pull_must_fail "refused connection" "cannot reach 127.0.0.1:9: .*pass --model DIR" \
  "http://127.0.0.1:9" "$TMP/offline2"

# A local hub serving tests/fixtures/tiny-gpt2 as "distilgpt2" (no tokenizer.json: a 404 there is
# fine). The repo "bad-sha" serves the same files but announces a wrong sha256.
cat >"$TMP/hub.py" <<'EOF'
import hashlib, http.server, os, sys
root = sys.argv[1]
class Hub(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_GET(self):
        parts = self.path.split("/")
        # /<repo>/resolve/main/<file> -> 302 to /store/<file>, as the hub redirects to its CDN.
        known = parts[1] in ("distilgpt2", "bad-sha")
        if known and len(parts) == 5 and parts[2:4] == ["resolve", "main"]:
            path = os.path.join(root, parts[4])
            if not os.path.isfile(path):
                self.send_response(404); self.end_headers(); return
            self.send_response(302)
            self.send_header("Location", "/store/" + parts[4])
            if parts[4] == "model.safetensors":
                sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
                if parts[1] == "bad-sha":
                    sha = "0" * 64
                self.send_header("X-Linked-Etag", '"%s"' % sha)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if len(parts) == 3 and parts[1] == "store":
            data = open(os.path.join(root, parts[2]), "rb").read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_response(404); self.end_headers()
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub)
print(server.server_address[1], flush=True)
server.serve_forever()
EOF
$PY "$TMP/hub.py" tests/fixtures/tiny-gpt2 >"$TMP/port" 2>"$TMP/hub.err" &
SERVER_PID=$!
for _ in $(seq 300); do [ -s "$TMP/port" ] && break; sleep 0.1; done
PORT=$(cat "$TMP/port")
[ -n "$PORT" ] || fail "local hub did not start: $(cat "$TMP/hub.err")"

HYV_HF_ENDPOINT=http://127.0.0.1:$PORT "$HYV" models pull distilgpt2 --dir "$TMP/pulled" \
  >"$TMP/out" 2>"$TMP/err" || fail "pull from the local hub failed: $(cat "$TMP/err")"
for f in config.json model.safetensors vocab.json merges.txt; do
  cmp -s "tests/fixtures/tiny-gpt2/$f" "$TMP/pulled/$f" || fail "pulled $f differs from the hub's"
done
[ -z "$(ls -A "$TMP/pulled" | grep -vE '^(config.json|model.safetensors|vocab.json|merges.txt)$')" ] ||
  fail "pull left extra files: $(ls -A "$TMP/pulled")"
grep -q "matches the hub" "$TMP/err" || fail "model.safetensors sha256 was not checked"
"$HYV" generate text --model "$TMP/pulled" --prompt "the" --max-tokens 5 --seed 1 >/dev/null 2>&1 ||
  fail "the pulled folder does not generate"

HYV_HF_ENDPOINT=http://127.0.0.1:$PORT "$HYV" models pull bad-sha --dir "$TMP/badsha" \
  >"$TMP/out" 2>"$TMP/err" && fail "a wrong sha256 was accepted"
grep -qE "sha256 .* differs from the hub's" "$TMP/err" || fail "sha mismatch message: $(cat "$TMP/err")"
[ ! -e "$TMP/badsha" ] || fail "sha mismatch left files: $(ls -A "$TMP/badsha")"

HYV_HF_ENDPOINT=http://127.0.0.1:$PORT "$HYV" models pull nothing-here --dir "$TMP/none" \
  >"$TMP/out" 2>"$TMP/err" && fail "a missing repo was accepted"
grep -q "not found on the hub" "$TMP/err" || fail "missing repo message: $(cat "$TMP/err")"
[ ! -e "$TMP/none" ] || fail "missing repo left files"

finish models_pull_test
