#!/usr/bin/env bash
# Issue 17, the command line's part: numeric flags that wrapped, saturated or were NaN; --threads
# without a bound (an uncaught std::system_error under a memory limit); -o x.csv silently made a
# folder for several tables; Ctrl-C left *.tmp-PID files behind; NaN weights loaded and generated
# "!!!!!"; `hyv score` with no column in common called every row a copy. Each must end with a
# clear message naming the flag or file and what is allowed, and a non-zero exit (not a signal).
# Usage: bash tests/cli/hostile_flags_test.sh path/to/hyv   (from the repository root)
set -uo pipefail
source "$(dirname "$0")/lib.sh" "$@"

# A small fitted model for `hyv sample`.
{
  echo "age,city"
  for i in $(seq 1 60); do echo "$((20 + i % 40)),c$((i % 3))"; done
} >"$TMP/train.csv"
run_rc 0 "fit" fit "$TMP/train.csv" -o "$TMP/model.json" -q
PROMPT=(--prompt The --max-tokens 2)

# --- 1. numbers out of range, negative, in another base, NaN/inf: refused, flag and range named ---
U64='\[0, 2\^64-1\]'
expect_error "sample --rows -1" "^--rows: -1 is out of range: expected a whole number in $U64" -- \
  sample "$TMP/model.json" --rows -1 -o "$TMP/s.csv"
expect_error "sample --seed -5" "^--seed: -5 is out of range: .*$U64" -- \
  sample "$TMP/model.json" --rows 2 --seed -5 -o "$TMP/s.csv"
expect_error "sample --seed 2^64" "^--seed: 18446744073709551616 is out of range" -- \
  sample "$TMP/model.json" --rows 2 --seed 18446744073709551616 -o "$TMP/s.csv"
expect_error "generate table --seed hex" '^--seed: "0x10" is not a number: .*decimal digits only' -- \
  generate table --schema examples/users.json --rows 1 --seed 0x10 -o "$TMP/u.csv"
expect_error "generate table --seed -1" "^--seed: -1 is out of range" -- \
  generate table --schema examples/users.json --rows 1 --seed -1 -o "$TMP/u.csv"
expect_error "generate table --rows -1" '--rows -1: expected a whole number in \[0, 9223372036854775807\]' -- \
  generate table --schema examples/users.json --rows -1 --seed 1 -o "$TMP/u.csv"
expect_error "generate --seed -5" "^--seed: -5 is out of range" -- \
  generate text "${PROMPT[@]}" --seed -5
expect_error "generate --top-k -1" '^--top-k: params.top_k must be 0..1000 \(got -1\)' -- \
  generate text "${PROMPT[@]}" --top-k -1
expect_error "generate --max-tokens -3" '^--max-tokens: params.max_tokens must be 1..4096 \(got -3\)' -- \
  generate text --prompt The --max-tokens -3
expect_error "generate --max-tokens 2^31" '^--max-tokens: params.max_tokens must be 1..4096 \(got 2147483648\)' -- \
  generate text --prompt The --max-tokens 2147483648
expect_error "generate --repeat-last-n -2" '^--repeat-last-n: -2 is out of range: expected a whole number in \[-1, ' -- \
  generate text "${PROMPT[@]}" --repeat-last-n -2
for t in nan inf -inf; do
  expect_error "generate --temperature $t" "^--temperature: $t is not a finite number: expected a finite number in \[0, 2\]" -- \
    generate text "${PROMPT[@]}" --temperature "$t"
done
expect_error "generate --top-p 1.5" '^--top-p: params.top_p must be 0..1 \(got 1.5\)' -- \
  generate text "${PROMPT[@]}" --top-p 1.5
expect_error "generate --presence-penalty nan" '^--presence-penalty: nan is not a finite number' -- \
  generate text "${PROMPT[@]}" --presence-penalty nan
expect_error "serve --port -1" '^--port: -1 is out of range: expected a whole number in \[0, 65535\]' -- \
  serve --port -1 --data "$TMP/data"
expect_error "serve --port 65536" '^--port: 65536 is out of range' -- serve --port 65536 --data "$TMP/data"
expect_error "serve --jobs 0" '^--jobs: 0 is out of range: expected a whole number in \[1, 64\]' -- \
  serve --jobs 0 --data "$TMP/data"
[ -e "$TMP/data" ] && fail "serve with a bad flag created its data folder"
expect_error "score --privacy-rows -1" '^--privacy-rows: -1 is out of range' -- \
  score --real "$TMP/train.csv" --synthetic "$TMP/train.csv" --privacy-rows -1
expect_error "tokenizer train --vocab-size -1" '^--vocab-size: -1 is out of range: expected a whole number in \[257, 16777216\]' -- \
  tokenizer train --vocab-size -1 -o "$TMP/tok" "$TMP/train.csv"
# The bounds themselves are accepted; a leading zero is decimal, not octal.
run_rc 0 "sample --seed 2^64-1" sample "$TMP/model.json" --rows 3 --seed 18446744073709551615 -o "$TMP/max.csv"
run_rc 0 "sample --seed 010" sample "$TMP/model.json" --rows 3 --seed 010 -o "$TMP/s010.csv"
run_rc 0 "sample --seed 10" sample "$TMP/model.json" --rows 3 --seed 10 -o "$TMP/s10.csv"
cmp -s "$TMP/s010.csv" "$TMP/s10.csv" || fail "--seed 010 is not --seed 10"
"$HYV" generate text "${PROMPT[@]}" --seed 007 --json >"$TMP/gen.json" 2>"$TMP/err" || fail "--seed 007: $(cat "$TMP/err")"
grep -q '"seed":7,' "$TMP/gen.json" || fail "--seed 007 is not seed 7: $(cat "$TMP/gen.json")"

# --- 2. --threads: bounded, and a thread the system refuses is a clear error ---
expect_error "generate --threads 5000" '^--threads: 5000 is out of range: expected a whole number in \[0, 256\]' -- \
  generate text "${PROMPT[@]}" --threads 5000
expect_error "generate --threads -1" '^--threads: -1 is out of range' -- generate text "${PROMPT[@]}" --threads -1
expect_error "generate table --threads 257" '^--threads: 257 is out of range: expected a whole number in \[0, 256\]' -- \
  generate table --schema examples/users.json --rows 1 --seed 1 -o "$TMP/u.csv" --threads 257
"$HYV" generate text --help | grep -q -- '--threads INT:in \[0, 256\]' || fail "--help lacks the --threads range"
# 64 MiB thread stacks under a 4 GB address-space limit: 256 threads cannot all start.
(
  ulimit -s 65536 && ulimit -v 4000000 || exit 99
  exec "$HYV" generate text "${PROMPT[@]}" --seed 1 --threads 256
) >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -ne 99 ]; then
  [ $rc -eq 1 ] || fail "--threads 256 under ulimit -v: exit $rc, expected 1: $(head -c 400 "$TMP/err")"
  grep -q '^hyv: --threads 256: cannot start 256 threads (Resource temporarily unavailable)' "$TMP/err" ||
    fail "--threads 256 under ulimit -v: $(cat "$TMP/err")"
fi

# --- 3. several tables and -o x.csv: refused, nothing made ---
expect_error "several tables to x.csv" \
  '^hyv: -o .*/x\.csv names one file, but the schema has [0-9]+ tables \(products, customers, [a-z_, ]+\), which need a folder: give -o DIR/' -- \
  generate table --schema examples/shop.json --rows 2 --seed 1 -o "$TMP/x.csv"
[ -e "$TMP/x.csv" ] && fail "-o x.csv with several tables made $TMP/x.csv"
run_rc 0 "several tables to x.csv/" generate table --schema examples/shop.json --rows 2 --seed 1 -q -o "$TMP/x.csv/"
[ -s "$TMP/x.csv/orders.csv" ] || fail "-o x.csv/ (an explicit folder) did not write orders.csv"

# --- 4. SIGINT / SIGTERM during a large table or sample: temporary files removed, 128 + signal ---
# Job control, so the background job does not start with SIGINT ignored (as a script's jobs do).
set -m
interrupt() {  # interrupt NAME SIGNAL WANT_RC OUT ARGS...: stop hyv once its temporary file grows
  local name=$1 sig=$2 want=$3 out=$4
  shift 4
  "$HYV" "$@" -o "$out" >/dev/null 2>"$TMP/int.err" &
  local pid=$! tmp="" i
  for i in $(seq 1 300); do
    tmp=$(ls "$out".tmp-* 2>/dev/null | head -1)
    [ -n "$tmp" ] && [ "$(stat -c %s "$tmp" 2>/dev/null || echo 0)" -gt 1000000 ] && break
    sleep 0.05
  done
  [ -n "$tmp" ] || fail "$name: no temporary file appeared"
  kill -"$sig" "$pid"
  wait "$pid"
  local rc=$?
  [ $rc -eq "$want" ] || fail "$name: exit $rc, expected $want"
  grep -q "^hyv: interrupted by SIG$sig.*: the unfinished output was removed" "$TMP/int.err" ||
    fail "$name: stderr: $(cat "$TMP/int.err")"
  ls "$out"* >/dev/null 2>&1 && fail "$name: left $(ls "$out"*)"
}
interrupt "generate table, SIGINT" INT 130 "$TMP/big.csv" \
  generate table --schema examples/users.json --rows 100000000 --seed 1 -q
interrupt "generate table, SIGTERM" TERM 143 "$TMP/big.jsonl" \
  generate table --schema examples/users.json --rows 100000000 --seed 1 -q
interrupt "sample, SIGINT" INT 130 "$TMP/big-sample.csv" sample "$TMP/model.json" --rows 1000000000 --seed 1
set +m

# --- 5. NaN weights: refused at load, naming the tensor and the element ---
cp -r tests/fixtures/tiny-gpt2 "$TMP/nan-model"
$PY - "$TMP/nan-model/model.safetensors" <<'EOF'
import json, struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
n = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + n])
name = next(k for k in header if k.endswith("h.0.mlp.c_fc.weight"))
assert header[name]["dtype"] == "F32"
at = 8 + n + header[name]["data_offsets"][0] + 4 * 3
data[at:at + 4] = struct.pack("<f", float("nan"))
open(path, "wb").write(data)
EOF
expect_error "NaN weight" "tensor '(transformer\.)?h\.0\.mlp\.c_fc\.weight' \(F32, shape \[[0-9]+, [0-9]+\]\): element 3 \[0, 3\] is NaN; weights must be finite" -- \
  generate text --model "$TMP/nan-model" "${PROMPT[@]}"

# --- 6. score: tables that share no column ---
printf 'x,y\n1,a\n2,b\n' >"$TMP/other.csv"
expect_error "score, no common column" \
  "other\.csv shares no column with .*train\.csv \(.*train\.csv: age, city; .*other\.csv: x, y\)" -- \
  score --real "$TMP/train.csv" --synthetic "$TMP/other.csv"

finish hostile_flags
