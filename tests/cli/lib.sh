# Shared set-up for the CLI script tests. Source it first thing, with the script's arguments:
#   set -uo pipefail
#   source "$(dirname "$0")/lib.sh" "$@"
# It sets HYV (the binary under test, $1), PY (Debian's python3, for independent parsers) and TMP
# (a scratch folder removed on exit), and defines fail, run_rc, expect_error and finish.
HYV=${1:?usage: bash $0 path/to/hyv}
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run_rc WANT NAME ARGS...: hyv must exit WANT; stdout in $TMP/out, stderr in $TMP/err.
run_rc() {
  local want=$1 name=$2
  shift 2
  "$HYV" "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  [ $rc -eq "$want" ] || fail "$name: exit $rc, expected $want: $(head -c 600 "$TMP/err")"
}

# expect_error NAME PATTERN -- ARGS...: hyv must fail cleanly (a non-zero exit, not a signal) and
# print PATTERN (grep -E) on stderr. The exit status is left in $TMP/rc.
expect_error() {
  local name=$1 pattern=$2
  shift 3
  "$HYV" "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  if [ $rc -eq 0 ]; then
    fail "$name: exit 0, expected a failure"
  elif [ $rc -ge 128 ]; then
    fail "$name: killed by signal $((rc - 128)), expected a clean failure"
  elif ! grep -qE -- "$pattern" "$TMP/err"; then
    fail "$name: stderr lacks /$pattern/: $(cat "$TMP/err")"
  fi
  echo "$rc" >"$TMP/rc"
}

# finish NAME: the test's verdict and exit status.
finish() {
  if [ $failures -ne 0 ]; then
    echo "$1: $failures failure(s)" >&2
    exit 1
  fi
  echo "$1: all passed"
}
