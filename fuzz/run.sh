#!/usr/bin/env bash
# Runs every libFuzzer harness built in BUILD_DIR (or the ones named) for SECONDS each, one after
# another, on its seed corpus and regression inputs, and prints executions and crashes per harness.
#   fuzz/run.sh BUILD_DIR SECONDS [HARNESS ...]      (make fuzz [FUZZ_SECONDS=60] [FUZZ="csv schema"])
# New inputs go to BUILD_DIR/corpus/<harness>/ (fuzz/corpus/ stays as committed); a crash is saved
# as BUILD_DIR/crashes/<harness>/crash-<sha1>, ready to be copied to fuzz/regressions/<harness>/.
# Exits non-zero when any harness crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
build="$1"
seconds="$2"
shift 2
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  for bin in "$build"/*_fuzz; do
    harnesses+=("$(basename "$bin" _fuzz)")
  done
fi

failed=0
summary=()
for h in "${harnesses[@]}"; do
  bin="$build/${h}_fuzz"
  [ -x "$bin" ] || { echo "fuzz: no harness $bin" >&2; exit 2; }
  mkdir -p "$build/corpus/$h" "$build/crashes/$h"
  inputs=("$build/corpus/$h" "fuzz/corpus/$h")
  [ -d "fuzz/regressions/$h" ] && inputs+=("fuzz/regressions/$h")
  log="$build/crashes/$h/last-run.log"
  echo "fuzz: $h for ${seconds}s"
  # -timeout: an input that takes this long is reported as a hang (a crash), not waited out.
  status=0
  "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$h/" "${inputs[@]}" > "$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  edges=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' "$log" | tail -1)
  crash=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -1)
  if [ "$status" -ne 0 ]; then
    failed=1
    summary+=("$(printf '%-16s %12s execs  %6s edges  CRASH %s (log: %s)' "$h" "${execs:-?}" \
      "${edges:-?}" "${crash:-exit $status}" "$log")")
    grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer)|runtime error|deadly signal' "$log" >&2 || true
  else
    summary+=("$(printf '%-16s %12s execs  %6s edges  no crash' "$h" "${execs:-?}" "${edges:-?}")")
  fi
done
echo
printf '%s\n' "${summary[@]}"
exit $failed
