#!/usr/bin/env bash
# `hyv generate table` with generated_text columns and the bundled text model: byte-identical output
# for a seed (also with --threads), CSV and JSON Lines that Python's csv and json modules (independent
# parsers) read back with equal values, text with quotes, commas and line breaks among them, prompts
# filled from the row, a model folder given by path, and clear errors.
# Usage (from the repo root): bash tests/cli/generate_table_text_test.sh build/hyv
set -uo pipefail
source "$(dirname "$0")/lib.sh" "$@"
gen() { "$HYV" generate table -q "$@"; }

gen --schema examples/reviews.json --rows 30 --seed 5 -o "$TMP/a.csv" || fail "reviews csv"
gen --schema examples/reviews.json --rows 30 --seed 5 -o "$TMP/b.csv" --threads 2 || fail "--threads 2"
gen --schema examples/reviews.json --rows 30 --seed 5 -o "$TMP/a.jsonl" || fail "reviews jsonl"
gen --schema examples/reviews.json --rows 30 --seed 6 -o "$TMP/c.csv" || fail "reviews seed 6"
cmp -s "$TMP/a.csv" "$TMP/b.csv" || fail "same seed, different bytes (--threads 2)"
cmp -s "$TMP/a.csv" "$TMP/c.csv" && fail "seeds 5 and 6 gave the same bytes"

# A schema whose prompt repeats the row's values verbatim and whose text is forced to hold commas,
# quotes and line breaks (no stop strings, the last draw runs on).
cat >"$TMP/echo.json" <<'EOF'
{"tables": [{"name": "t", "rows": 40, "columns": [
  {"name": "product", "type": "categorical", "values": ["kettle, \"steel\"", "lamp"]},
  {"name": "n", "type": "integer", "min": 1, "max": 5},
  {"name": "said", "type": "generated_text", "prompt": "He said \"{product}\" {n} times,\n",
   "min_tokens": 10, "max_tokens": 40, "stop": ["@@@@"], "temperature": 1.2},
  {"name": "empty", "type": "generated_text", "prompt": "{{{product}}}", "max_tokens": 2, "null_rate": 0.5}
]}]}
EOF
gen --schema "$TMP/echo.json" --seed 1 -o "$TMP/e.csv" || fail "echo csv"
gen --schema "$TMP/echo.json" --seed 1 -o "$TMP/e.jsonl" || fail "echo jsonl"
gen --schema "$TMP/echo.json" --seed 1 -o "$TMP/e.json" || fail "echo json"

$PY - "$TMP" <<'EOF' || fail "CSV/JSON read back"
import csv, json, sys
d = sys.argv[1]
def read_csv(p):
    with open(p, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, strict=True))
def read_jsonl(p):
    with open(p, encoding="utf-8") as f:
        return [json.loads(line) for line in f]
ok = True
def check(cond, what):
    global ok
    if not cond:
        print("  " + what, file=sys.stderr)
        ok = False

for name in ["a", "e"]:
    c, j = read_csv(f"{d}/{name}.csv"), read_jsonl(f"{d}/{name}.jsonl")
    check(len(c) == len(j) and len(c) > 0, f"{name}: {len(c)} CSV rows, {len(j)} JSONL rows")
    for rc, rj in zip(c, j):
        for k, v in rj.items():
            want = "" if v is None else (str(v) if not isinstance(v, bool) else str(v).lower())
            check(rc[k] == want, f"{name}: {k}: CSV {rc[k]!r} != JSONL {want!r}")
check(json.load(open(f"{d}/e.json", encoding="utf-8")) == read_jsonl(f"{d}/e.jsonl"),
      "JSON array != JSON Lines")

reviews = read_jsonl(f"{d}/a.jsonl")
check(all(r["title"] for r in reviews), "a review title is empty")
nulls = sum(r["review"] is None for r in reviews)
check(0 < nulls < 12, f"review null_rate 0.1 gave {nulls} nulls in 30 rows")
check(all("\n" not in (r["title"] or "") for r in reviews), "a title holds a line break (stop: \\n)")

e = read_jsonl(f"{d}/e.jsonl")
texts = [r["said"] for r in e]
special = sum(any(ch in t for ch in ",\"\n") for t in texts)
check(special >= 5, f"only {special} of {len(texts)} texts hold a comma, quote or line break")
check(all(t == t.strip() for t in texts), "a text has leading or trailing spaces")
check(0 < sum(r["empty"] is None for r in e) < 40, "null_rate 0.5 gave all or no nulls")
sys.exit(0 if ok else 1)
EOF

# The prompt really is the row: with greedy decoding, a column whose prompt is written out
# literally gives the same text as one filled from the row, row by row.
cat >"$TMP/fill.json" <<'EOF'
{"tables": [{"name": "t", "rows": 12, "columns": [
  {"name": "product", "type": "categorical", "values": ["desk lamp", "kettle"]},
  {"name": "filled", "type": "generated_text", "prompt": "Review of the {product}:", "temperature": 0, "min_tokens": 3, "max_tokens": 16},
  {"name": "lamp", "type": "generated_text", "prompt": "Review of the desk lamp:", "temperature": 0, "min_tokens": 3, "max_tokens": 16},
  {"name": "kettle", "type": "generated_text", "prompt": "Review of the kettle:", "temperature": 0, "min_tokens": 3, "max_tokens": 16}
]}]}
EOF
gen --schema "$TMP/fill.json" --seed 3 -o "$TMP/f.jsonl" || fail "fill"
$PY - "$TMP/f.jsonl" <<'EOF' || fail "prompts not filled from the row"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
kinds = {r["product"] for r in rows}
bad = [r for r in rows if r["filled"] != r["lamp" if r["product"] == "desk lamp" else "kettle"]]
sys.exit(1 if bad or len(kinds) != 2 or rows[0]["lamp"] == rows[0]["kettle"] else 0)
EOF

# A model folder by path, relative to the schema file: the same text as the bundled kind.
mkdir -p "$TMP/dir"
ln -s "$(realpath models/text-small)" "$TMP/dir/mymodel"
sed 's/"model": "text"/"model": "mymodel"/' examples/reviews.json >"$TMP/dir/reviews.json"
gen --schema "$TMP/dir/reviews.json" --rows 30 --seed 5 -o "$TMP/p.csv" || fail "model by path"
cmp -s "$TMP/a.csv" "$TMP/p.csv" || fail "model folder by path differs from the bundled text model"
gen --schema examples/reviews.json --rows 5 --seed 5 --quantize q8 -o "$TMP/q.csv" || fail "--quantize q8"

# Errors: a missing model folder names the column; bad --quantize.
sed 's/"model": "text"/"model": "no-such-folder"/' examples/reviews.json >"$TMP/missing.json"
if "$HYV" generate table -q --schema "$TMP/missing.json" --rows 1 -o "$TMP/x.csv" 2>"$TMP/err"; then
  fail "a missing model folder was accepted"
elif ! grep -q 'columns\[4\].model: no-such-folder' "$TMP/err"; then
  fail "missing model: $(cat "$TMP/err")"
fi
"$HYV" generate table -q --schema examples/reviews.json --rows 1 --quantize q4 -o "$TMP/x.csv" \
  2>/dev/null && fail "--quantize q4 accepted"

# Rows per second with the example's two text columns (reported, not asserted).
start=$(date +%s%N)
gen --schema examples/reviews.json --rows 100 --seed 1 -o "$TMP/speed.csv" || fail "speed run"
end=$(date +%s%N)
echo "reviews.json: 100 rows in $(((end - start) / 1000000)) ms"

finish generate_table_text_test
