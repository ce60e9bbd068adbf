#!/usr/bin/env bash
# `hyv validate` / `hyv score --schema`: generated data is valid in every format, corruptions are
# counted with their line, --json matches the text report, and bad files fail with where.
# Usage (from the repo root): bash tests/cli/validate_test.sh build/hyv
set -uo pipefail
source "$(dirname "$0")/lib.sh" "$@"

S=examples/shop.json
"$HYV" generate table -q --schema $S --seed 4 -o "$TMP/csv/" || fail "generate csv"
"$HYV" generate table -q --schema $S --seed 4 --format jsonl -o "$TMP/jsonl/" || fail "generate jsonl"
"$HYV" generate table -q --schema $S --seed 4 --format json -o "$TMP/json/" || fail "generate json"
for fmt in csv jsonl json; do
  run_rc 0 "valid $fmt" validate --schema $S --data "$TMP/$fmt"
  grep -q '^VALID: every row meets all [0-9]* rules' "$TMP/out" || fail "$fmt: no VALID line"
done
for schema in examples/*.json; do
  "$HYV" generate table -q --schema "$schema" --rows 300 --seed 2 -o "$TMP/ex/$(basename "$schema" .json)/" ||
    fail "generate $schema"
  run_rc 0 "valid $schema" validate --schema "$schema" --data "$TMP/ex/$(basename "$schema" .json)"
done

# Corruptions: an e-mail not made from the row's name (data line 3 = CSV line 4), a dangling
# customer id, a card number with a wrong check digit.
cp -r "$TMP/csv" "$TMP/bad"
$PY - "$TMP/bad" <<'PYEOF'
import csv, sys
d = sys.argv[1]
def edit(table, fn):
    rows = list(csv.reader(open(f"{d}/{table}.csv", newline="")))
    fn(rows)
    with open(f"{d}/{table}.csv", "w", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
def customers(rows):
    h = rows[0]
    rows[3][h.index("email")] = "nobody.here@example.com"
    for r in rows[1:]:
        card = r[h.index("card")]
        if card:
            r[h.index("card")] = card[:-1] + str((int(card[-1]) + 1) % 10)
            break
def orders(rows):
    rows[5][rows[0].index("customer_id")] = "424242"
edit("customers", customers)
edit("orders", orders)
PYEOF
run_rc 2 "corrupted" validate --schema $S --data "$TMP/bad"
grep -qE "email +made from the row's name +1000 +1 +line 4: nobody.here@example.com" "$TMP/out" ||
  fail "e-mail corruption not reported with its line: $(grep email "$TMP/out")"
grep -qE "card +card number with a valid Luhn digit +[0-9]+ +1 " "$TMP/out" || fail "card corruption"
grep -qE "customer_id +refers to an existing customers.customer_id +[0-9]+ +1 +line 6: 424242" "$TMP/out" ||
  fail "dangling key: $(grep refers "$TMP/out")"
grep -q '^INVALID: ' "$TMP/out" || fail "no INVALID line"

# --json carries the same counts.
run_rc 2 "corrupted --json" validate --schema $S --data "$TMP/bad" --json
$PY - "$TMP/out" <<'PYEOF' || fail "--json report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["valid"] is False and r["violations"] >= 3, r["violations"]
checks = {(t["table"], c["column"], c["rule"]): c for t in r["tables"] for c in t["checks"]}
c = checks[("customers", "email", "made from the row's name")]
assert c["violations"] == 1 and c["example"] == {"line": 4, "value": "nobody.here@example.com"}, c
assert sum(c["violations"] for c in checks.values()) == r["violations"]
PYEOF

# One file: its table from the file name, or --table.
run_rc 0 "single file" validate --schema $S --data "$TMP/csv/customers.csv"
cp "$TMP/csv/products.csv" "$TMP/p.csv"
run_rc 1 "unnamed file" validate --schema $S --data "$TMP/p.csv"
grep -q "cannot tell which table it holds" "$TMP/err" || fail "unnamed file message"
run_rc 0 "--table" validate --schema $S --data "$TMP/p.csv" --table products
grep -q "references not checked (customers not given)" <("$HYV" validate --schema $S --data "$TMP/csv/orders.csv") ||
  fail "missing parent not noted"

# hyv score --schema gives the same report (when the score command exists).
if "$HYV" score --help 2>/dev/null | grep -q -- --schema; then
  run_rc 0 "score --schema" score --schema $S --synthetic "$TMP/csv/customers.csv"
  grep -q '^VALID' "$TMP/out" || fail "score --schema: no VALID line"
  run_rc 2 "score --schema corrupted" score --schema $S --synthetic "$TMP/bad/customers.csv" --json
fi

# Awkward but acceptable files: BOM + CRLF, header only.
U=examples/users.json
"$HYV" generate table -q --schema $U --rows 20 --seed 1 -o "$TMP/users.csv"
mkdir -p "$TMP/bom" "$TMP/h"
printf '\xef\xbb\xbf' | cat - "$TMP/users.csv" >"$TMP/bom/users.csv"
run_rc 0 "BOM" validate --schema $U --data "$TMP/bom/users.csv"
head -1 "$TMP/users.csv" >"$TMP/h/users.csv"
run_rc 0 "header only" validate --schema $U --data "$TMP/h/users.csv"
grep -q "users (.*): 0 rows" "$TMP/out" || fail "header-only: 0 rows"

mkdir -p "$TMP/lf"
tr -d '\r' <"$TMP/users.csv" >"$TMP/lf/users.csv"
run_rc 0 "LF line ends" validate --schema $U --data "$TMP/lf/users.csv"

# Bad files fail (exit 1) and say where.
mkdir -p "$TMP/x"
: >"$TMP/x/users.csv"
run_rc 1 "empty file" validate --schema $U --data "$TMP/x/users.csv"
grep -q "users.csv: the file is empty" "$TMP/err" || fail "empty file message: $(cat "$TMP/err")"
{ head -3 "$TMP/users.csv"; echo "1,2,3"; } >"$TMP/x/users.csv"
run_rc 1 "ragged row" validate --schema $U --data "$TMP/x/users.csv"
grep -qE "users.csv: .*line 4" "$TMP/err" || fail "ragged row message: $(cat "$TMP/err")"
{ head -2 "$TMP/users.csv"; printf 'caf\xe9\r\n'; } >"$TMP/x/users.csv"
run_rc 1 "not UTF-8" validate --schema $U --data "$TMP/x/users.csv"
grep -qiE "utf-8" "$TMP/err" || fail "non-UTF-8 message: $(cat "$TMP/err")"
{ head -2 "$TMP/users.csv"; printf '1,ab"c,x\r\n'; } >"$TMP/x/users.csv"
run_rc 1 "bad quoting" validate --schema $U --data "$TMP/x/users.csv"
grep -qE "users.csv: .*line 3" "$TMP/err" || fail "bad quoting message: $(cat "$TMP/err")"
echo '{"id": 1}' >"$TMP/x/users.jsonl"
echo '{"id": ' >>"$TMP/x/users.jsonl"
run_rc 1 "bad JSON line" validate --schema $U --data "$TMP/x/users.jsonl"
grep -q "users.jsonl: line 2" "$TMP/err" || fail "bad JSON line message: $(cat "$TMP/err")"

finish validate_test
