#!/usr/bin/env bash
# hyv fit / sample / score end to end: inferred types shown, byte-identical samples per seed,
# conditions honoured (checked by Python's csv module, an independent reader), CSV/JSON/JSONL
# output that Python parses, quality scores, bad input rejected with file/line/column, and the
# Python syntax check against CPython's own ast.parse.
# Usage: bash tests/cli/fit_sample_score_test.sh path/to/hyv   (from the repository root)
set -euo pipefail
HYV=$(realpath "$1")
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_error() {  # expect_error "text in message" cmd...
  local want=$1; shift
  if "$@" > "$T/out" 2> "$T/err"; then fail "expected an error from: $*"; fi
  grep -qF -- "$want" "$T/err" || { cat "$T/err" >&2; fail "message lacks '$want': $*"; }
}

$PY bench/make_mixed_table.py 3000 "$T/train.csv"
$PY bench/make_mixed_table.py 6000 "$T/all.csv"
tail -n 3000 "$T/all.csv" | sed '1i customer_id,signup_date,age,income,credit_score,balance,purchases,last_purchase,country,segment,is_active,churn_risk,channel,rating,email_domain' > "$T/holdout.csv"

# --- fit: types printed, metadata written and accepted back ---
"$HYV" fit "$T/train.csv" -o "$T/model.json" --metadata-out "$T/meta.json" > "$T/types.txt"
for want in "customer_id *id" "signup_date *datetime" "age *numerical" "balance *numerical .*thousands" \
            "country *categorical" "is_active *boolean" "channel *categorical *[0-9.]+%"; do
  grep -qE "$want" "$T/types.txt" || { cat "$T/types.txt"; fail "fit output lacks /$want/"; }
done
grep -q '"format": "hyv-gaussian-copula"' "$T/model.json" || fail "model format"
$PY - "$T/meta.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["columns"]["rating"] = {"sdtype": "categorical"}
json.dump(m, open(sys.argv[1], "w"))
EOF
"$HYV" fit "$T/train.csv" -o "$T/model2.json" --metadata "$T/meta.json" > "$T/types2.txt"
grep -A1 -E "^rating *categorical" "$T/types2.txt" | grep -q "set by the metadata" ||
  fail "metadata override not used"

# --- sample: determinism and formats ---
"$HYV" sample "$T/model.json" --rows 2000 --seed 7 -o "$T/a.csv" 2> /dev/null
"$HYV" sample "$T/model.json" --rows 2000 --seed 7 -o "$T/b.csv" 2> /dev/null
cmp -s "$T/a.csv" "$T/b.csv" || fail "same seed gave different bytes"
"$HYV" sample "$T/model.json" --rows 2000 --seed 8 -o "$T/c.csv" 2> /dev/null
cmp -s "$T/a.csv" "$T/c.csv" && fail "different seeds gave the same bytes"
"$HYV" sample "$T/model.json" --rows 300 --seed 7 -o "$T/a.jsonl" 2> /dev/null
"$HYV" sample "$T/model.json" --rows 300 --seed 7 --format json -o "$T/a.json" 2> /dev/null
"$HYV" sample "$T/model.json" --rows 5 --seed 7 -o - > "$T/stdout.csv" 2> /dev/null
$PY - "$T" <<'EOF'
import csv, json, sys
t = sys.argv[1]
rows = list(csv.DictReader(open(f"{t}/a.csv", newline="")))
assert len(rows) == 2000, len(rows)
lines = [json.loads(l) for l in open(f"{t}/a.jsonl")]
arr = json.load(open(f"{t}/a.json"))
assert len(lines) == 300 and arr == lines, "json and jsonl differ"
# JSON gets typed values: booleans as true/false, numbers without thousands separators.
assert all(isinstance(j["is_active"], bool) for j in lines)
assert all(isinstance(j["balance"], (int, float)) and isinstance(j["age"], int) for j in lines)
# The same rows whatever the format.
for r, j in zip(rows[:300], lines):
    assert str(j["age"]) == r["age"] and j["country"] == r["country"], (r, j)
    assert j["is_active"] == (r["is_active"] == "True")
    assert abs(j["balance"] - float(r["balance"].replace(",", ""))) < 1e-9
assert len(set(r["customer_id"] for r in rows)) == 2000, "ids repeat"
assert all(r["balance"] == "" or "," in r["balance"] or float(r["balance"]) < 1000 for r in rows)
stdout_rows = list(csv.DictReader(open(f"{t}/stdout.csv", newline="")))
assert [r["age"] for r in stdout_rows] == [r["age"] for r in rows[:5]]
EOF

# --- conditions ---
"$HYV" sample "$T/model.json" --rows 500 --seed 1 --where segment=gold --where 'age>=60' \
  --where 'signup_date<2020-01-01' -o "$T/cond.csv" 2> /dev/null
$PY - "$T/cond.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 500
assert all(r["segment"] == "gold" for r in rows)
assert all(int(r["age"]) >= 60 for r in rows)
assert all(r["signup_date"] < "2020-01-01" for r in rows)
EOF
expect_error 'never takes the value "diamond"' "$HYV" sample "$T/model.json" --rows 5 --seed 1 --where segment=diamond -o "$T/x.csv"
expect_error 'impossible' "$HYV" sample "$T/model.json" --rows 5 --seed 1 --where 'age>200' -o "$T/x.csv"
expect_error 'no column "nope"' "$HYV" sample "$T/model.json" --rows 5 --seed 1 --where nope=1 -o "$T/x.csv"
[ ! -e "$T/x.csv" ] || fail "a failed sample left an output file"

# --- score ---
"$HYV" sample "$T/model.json" --rows 3000 --seed 3 -o "$T/syn.csv" 2> /dev/null
"$HYV" score --real "$T/train.csv" --synthetic "$T/syn.csv" > "$T/score.txt"
grep -q "Quality (SDMetrics definitions)" "$T/score.txt" || fail "score text"
"$HYV" score --real "$T/train.csv" --synthetic "$T/syn.csv" --holdout "$T/holdout.csv" --json > "$T/score.json"
$PY - "$T/score.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
q = r["quality"]
assert q["score"] >= 0.85, q["score"]
assert len(q["column_shapes"]) == 14 and len(q["column_pair_trends"]) == 91
assert abs(q["score"] - (q["properties"]["Column Shapes"] + q["properties"]["Column Pair Trends"]) / 2) < 1e-12
assert r["diagnostic"]["properties"]["Data Structure"] == 1.0
p = r["privacy"]
assert 0 <= p["DCRBaselineProtection"]["score"] <= 1
assert p["DCROverfittingProtection"]["score"] > 0.8, p["DCROverfittingProtection"]
assert p["NewRowSynthesis"]["score"] > 0.95
EOF
# JSON Lines synthetic data scores like the same rows in CSV (booleans compare by meaning).
"$HYV" sample "$T/model.json" --rows 3000 --seed 3 -o "$T/syn.jsonl" 2> /dev/null
"$HYV" score --real "$T/train.csv" --synthetic "$T/syn.jsonl" --no-privacy --json > "$T/score_jsonl.json"
$PY - "$T/score.json" "$T/score_jsonl.json" <<'EOF2'
import json, sys
a, b = (json.load(open(p))["quality"] for p in sys.argv[1:3])
assert abs(a["score"] - b["score"]) < 1e-9, (a["score"], b["score"])
EOF2
# The training data scored against itself: perfect quality, no new rows.
"$HYV" score --real "$T/train.csv" --synthetic "$T/train.csv" --json > "$T/self.json"
$PY -c "import json,sys; r=json.load(open('$T/self.json')); assert r['quality']['score']==1.0 and r['privacy']['NewRowSynthesis']['score']==0.0, r['quality']['score']"

# --- bad input: file, line and column in the message ---
printf 'a,b,c\n1,2,3\n4,5\n' > "$T/ragged.csv"
expect_error "ragged.csv: line 3" "$HYV" fit "$T/ragged.csv" -o "$T/m.json"
printf 'a,b\n1,"x"y\n' > "$T/quote.csv"
expect_error "quote.csv: line 2, column 2" "$HYV" fit "$T/quote.csv" -o "$T/m.json"
printf 'a,b\n1,caf\xe9\n' > "$T/latin1.csv"
expect_error "latin1.csv: line 2, column 2" "$HYV" fit "$T/latin1.csv" -o "$T/m.json"
: > "$T/empty.csv"
expect_error "empty.csv: the file is empty" "$HYV" fit "$T/empty.csv" -o "$T/m.json"
printf 'a,b\r\n' > "$T/header.csv"
expect_error "no data rows" "$HYV" fit "$T/header.csv" -o "$T/m.json"
printf 'a,b\n1,x\n' > "$T/one.csv"
printf '{"columns": {"b": {"sdtype": "numerical"}}}' > "$T/badmeta.json"
expect_error 'one.csv: line 2, column 2 ("b")' "$HYV" fit "$T/one.csv" -o "$T/m.json" --metadata "$T/badmeta.json"
printf '\xef\xbb\xbfid,v\r\n1,"a\r\nb"\r\n2,"c ""q"""\r\n' > "$T/bom.csv"
"$HYV" fit "$T/bom.csv" -o "$T/bom.json" > /dev/null 2>&1 || fail "BOM/CRLF/quoted file rejected"
[ ! -e "$T/m.json" ] || fail "a failed fit left a model file"

# --- text and code datasets ---
printf '{"text": "the cat sat"}\n{"text": "the cat sat"}\n{"text": "a dog ran far away"}\n' > "$T/t.jsonl"
"$HYV" score text --input "$T/t.jsonl" --json > "$T/t.json"
$PY -c "import json; r=json.load(open('$T/t.json')); assert r['samples']==3 and abs(r['duplicate_rate']-1/3)<1e-12 and abs(r['distinct_1']-8/11)<1e-12, r"
$PY tests/cli/python_syntax_corpus.py "$T/code.jsonl" "$T/ast.json" > /dev/null
"$HYV" score code --input "$T/code.jsonl" --json --per-sample > "$T/code.json"
$PY - "$T/ast.json" "$T/code.json" <<'EOF'
import json, sys
ast_ok = json.load(open(sys.argv[1]))
ours = json.load(open(sys.argv[2]))["python"]["parses"]
assert len(ours) == len(ast_ok)
agree = sum(a == b for a, b in zip(ast_ok, ours)) / len(ours)
false_reject = sum(a and not b for a, b in zip(ast_ok, ours))
print(f"python syntax check: {agree:.1%} agreement with ast.parse on {len(ours)} samples, "
      f"{false_reject} valid samples rejected")
assert agree >= 0.95 and false_reject == 0
EOF
echo "fit/sample/score: all checks passed"
