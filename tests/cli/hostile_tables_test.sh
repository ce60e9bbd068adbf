#!/usr/bin/env bash
# `hyv generate table` with hostile schemas (issue 17): a table name that leaves the -o folder,
# nested rows_per_parent that ask for 10^18 rows, int64 extremes in integer ranges and id steps,
# and parameters whose draws would overflow a double. Each ends with a clear error before anything
# is written, or with bounded, correct output; Python reads the output back independently.
# Usage (from the repo root): bash tests/cli/hostile_tables_test.sh build/hyv
set -uo pipefail
source "$(dirname "$0")/lib.sh" "$@"

schema() { echo "$2" >"$TMP/$1.json"; }
id_col='"columns": [{"name": "id", "type": "id"}]'

# A table named ../escaped used to write $TMP/escaped.csv beside the -o folder.
mkdir -p "$TMP/o"
schema escape '{"tables": [{"name": "../escaped", "rows": 1, '"$id_col"'}, {"name": "b", "rows": 1, '"$id_col"'}]}'
expect_error "../escaped" 'tables\[0\]\.name: "\.\./escaped" starts with .\..; table names must be 1 to 64 of A-Z a-z 0-9 _ - \.' \
  -- generate table --schema "$TMP/escape.json" --seed 1 -o "$TMP/o/d"
[ -e "$TMP/o/escaped.csv" ] && fail "../escaped was written outside the -o folder"
schema slash '{"tables": [{"name": "a/b", "rows": 1, '"$id_col"'}]}'
expect_error "a/b" "tables\[0\]\.name: \"a/b\" has '/' at offset 1" \
  -- generate table --schema "$TMP/slash.json" --seed 1 -o "$TMP/o/"
printf '{"tables": [{"name": "a\\u0001b", "rows": 1, %s}]}\n' "$id_col" >"$TMP/control.json"
expect_error "control character" 'tables\[0\]\.name: "a\.\.\." has byte 0x01 at offset 1' \
  -- generate table --schema "$TMP/control.json" --seed 1 -o "$TMP/o/"
[ -z "$(ls -A "$TMP/o")" ] || fail "refused schemas left files: $(ls -A "$TMP/o")"

# Nested rows_per_parent: 1 row of a -> 10^18 rows of d. Refused when the schema is read (it used
# to write 524 MB in 30 s); two levels with a large --rows are refused for the total.
cat >"$TMP/nested.json" <<'EOF'
{"tables": [{"name": "a", "rows": 1, "columns": [{"name": "id", "type": "id"}]},
 {"name": "b", "parent": "a", "rows_per_parent": {"min": 1000000, "max": 1000000}, "columns": [{"name": "x", "type": "id"}]},
 {"name": "c", "parent": "b", "rows_per_parent": {"min": 1000000, "max": 1000000}, "columns": [{"name": "x", "type": "id"}]},
 {"name": "d", "parent": "c", "rows_per_parent": {"min": 1000000, "max": 1000000}, "columns": [{"name": "x", "type": "id"}]}]}
EOF
start=$(date +%s)
expect_error "10^18 rows" 'tables\[3\]\.rows_per_parent: table "d" can get up to 1000000000000000000 rows for each row of "a" .* over the limit of 1000000000000 rows per run' \
  -- generate table --schema "$TMP/nested.json" --seed 1 -o "$TMP/nested/"
[ $(($(date +%s) - start)) -le 5 ] || fail "the 10^18-row schema was not refused at once"
[ -n "$(ls -A "$TMP/nested" 2>/dev/null)" ] && fail "the 10^18-row schema left files"
head -3 "$TMP/nested.json" | sed '$ s/,$/]}/' >"$TMP/two.json"
expect_error "10^12 rows" 'tables\[2\] \("c"\): up to 2000000000000 rows .* so up to 2000002000002 rows in all tables together, over the limit of 1000000000000 rows per run' \
  -- generate table --schema "$TMP/two.json" --rows 2 --seed 1 -o "$TMP/two/"
expect_error "--rows near 2^63" 'tables\[0\] \("a"\): up to 9223372036854775807 rows' \
  -- generate table --schema "$TMP/two.json" --rows 9223372036854775807 --seed 1 -o "$TMP/two/"

# Integer ranges over the whole int64 range, and at its ends.
cat >"$TMP/ints.json" <<'EOF'
{"tables": [{"name": "t", "rows": 300, "columns": [
  {"name": "full", "type": "integer", "min": -9223372036854775808, "max": 9223372036854775807},
  {"name": "top", "type": "integer", "min": 9223372036854775806, "max": 9223372036854775807},
  {"name": "id", "type": "id", "start": 9223372036854775508}]}]}
EOF
run_rc 0 "int64 extremes" generate table -q --schema "$TMP/ints.json" --seed 5 -o "$TMP/ints.csv"
$PY - "$TMP/ints.csv" <<'PYEOF' || fail "int64 extremes: wrong values"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
full = [int(r["full"]) for r in rows]
assert len(rows) == 300, len(rows)
assert len(set(full)) == 300, "repeats in a 2^64-value range"
assert all(-2**63 <= v < 2**63 for v in full)
assert 100 < sum(v < 0 for v in full) < 200, "not spread over both halves"
assert {int(r["top"]) for r in rows} == {2**63 - 2, 2**63 - 1}
assert [int(r["id"]) for r in rows] == list(range(2**63 - 300, 2**63)), "ids"
PYEOF
expect_error "id past int64" 'tables\[0\]\.columns\[2\] \(id\): the id sequence from 9223372036854775508 in steps of 1 leaves the 64-bit integer range .* after 300 rows' \
  -- generate table --schema "$TMP/ints.json" --rows 301 --seed 5 -o "$TMP/ints2.csv"
schema step '{"tables": [{"name": "t", "rows": 3, "columns": [{"name": "id", "type": "id", "step": -9223372036854775808}]}]}'
expect_error "step -2^63" 'the id sequence from 1 in steps of -9223372036854775808 leaves the 64-bit integer range' \
  -- generate table --schema "$TMP/step.json" --seed 1 -o "$TMP/step.csv"
schema wide '{"tables": [{"name": "t", "rows": 1, "columns": [{"name": "a", "type": "integer", "min": 0, "max": 9223372036854775808}]}]}'
expect_error "max 2^63" 'tables\[0\]\.columns\[0\]\.max: must be between -9223372036854775808 and 9223372036854775807' \
  -- generate table --schema "$TMP/wide.json" --seed 1 -o "$TMP/wide.csv"

# Draws that would overflow a double are refused up front; weights of 1e308 stay proportional.
schema lognormal '{"tables": [{"name": "t", "rows": 10, "columns": [{"name": "a", "type": "float", "distribution": "lognormal", "mu": 700, "sigma": 2}]}]}'
expect_error "lognormal Infinity" 'tables\[0\]\.columns\[0\]: a lognormal column without "max" needs mu \+ 13 \* sigma <= 709' \
  -- generate table --schema "$TMP/lognormal.json" --seed 1 -o "$TMP/ln.csv"
cat >"$TMP/floats.json" <<'EOF'
{"tables": [{"name": "t", "rows": 3000, "columns": [
  {"name": "ln", "type": "float", "distribution": "lognormal", "mu": 0, "sigma": 54},
  {"name": "wide", "type": "float", "min": -1.7e308, "max": 1.7e308},
  {"name": "c", "type": "categorical", "values": ["x", "y"], "weights": [1e308, 1e308]}]}]}
EOF
run_rc 0 "finite floats" generate table -q --schema "$TMP/floats.json" --seed 2 --format jsonl -o "$TMP/floats.jsonl"
$PY - "$TMP/floats.jsonl" <<'PYEOF' || fail "floats: non-finite values or weights not proportional"
import json, math, sys
text = open(sys.argv[1]).read()
assert "Infinity" not in text and "NaN" not in text
rows = [json.loads(line) for line in text.splitlines()]
assert all(math.isfinite(r["ln"]) and math.isfinite(r["wide"]) for r in rows)
x = sum(r["c"] == "x" for r in rows)
assert 1350 < x < 1650, f"{x} of 3000 picked x with equal weights"
PYEOF

finish hostile_tables_test
