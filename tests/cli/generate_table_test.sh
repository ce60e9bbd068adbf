#!/usr/bin/env bash
# `hyv generate table`: the example schemas, byte-identical reruns, CSV/JSON/JSONL read back by
# Python's csv and json modules (independent parsers) with equal values, --table and --rows, memory
# that does not grow with the row count, and clear failures for bad input.
# Usage (from the repo root): bash tests/cli/generate_table_test.sh build/hyv
set -uo pipefail
source "$(dirname "$0")/lib.sh" "$@"

gen() { "$HYV" generate table -q "$@"; }

# Every example generates; several tables go to a directory, one file each.
for schema in examples/*.json; do
  name=$(basename "$schema" .json)
  gen --schema "$schema" --rows 50 --seed 1 -o "$TMP/$name/" || fail "$schema did not generate"
done
for t in products customers orders order_lines; do
  [ -s "$TMP/shop/$t.csv" ] || fail "shop: $t.csv missing"
done
[ -s "$TMP/users/users.csv" ] || fail "-o DIR/ with one table: users.csv missing"

# Same seed, same bytes (twice, and with another output format's run in between); other seed differs.
gen --schema examples/shop.json --seed 9 -o "$TMP/s1" || fail "shop seed 9"
gen --schema examples/shop.json --seed 9 --format jsonl -o "$TMP/s1j" || fail "shop seed 9 jsonl"
gen --schema examples/shop.json --seed 9 -o "$TMP/s2" || fail "shop seed 9 again"
gen --schema examples/shop.json --seed 10 -o "$TMP/s3" || fail "shop seed 10"
for t in products customers orders order_lines; do
  cmp -s "$TMP/s1/$t.csv" "$TMP/s2/$t.csv" || fail "seed 9 gave different $t.csv"
done
cmp -s "$TMP/s1/orders.csv" "$TMP/s3/orders.csv" && fail "seeds 9 and 10 gave the same orders"

# --table writes one table, byte-identical to the same table of the full run.
gen --schema examples/shop.json --seed 9 --table orders -o "$TMP/orders_only.csv" || fail "--table"
cmp -s "$TMP/orders_only.csv" "$TMP/s1/orders.csv" || fail "--table orders differs from the full run"

# Foreign keys and cardinality, checked by Python on the CSV files.
$PY - "$TMP/s1" <<'PYEOF' || fail "shop foreign keys / cardinality"
import csv, sys, collections
d = sys.argv[1]
rows = {t: list(csv.DictReader(open(f"{d}/{t}.csv", newline=""))) for t in
        ["products", "customers", "orders", "order_lines"]}
assert len(rows["customers"]) == 1000 and len(rows["products"]) == 200
cust = {r["customer_id"]: r for r in rows["customers"]}
per = collections.Counter(r["customer_id"] for r in rows["orders"])
assert set(per) == set(cust), "every customer has orders"
assert all(1 <= n <= 5 for n in per.values()), per.most_common(1)
orders = {r["order_id"]: r for r in rows["orders"]}
assert len(orders) == len(rows["orders"]), "order ids unique"
for o in rows["orders"]:
    assert o["ordered"] >= cust[o["customer_id"]]["joined"]
    if o["shipped"]:
        assert o["ordered"] < o["shipped"]
lines = collections.Counter(r["order_id"] for r in rows["order_lines"])
assert set(lines) == set(orders) and all(1 <= n <= 4 for n in lines.values())
products = {r["product_id"] for r in rows["products"]}
for l in rows["order_lines"]:
    assert l["product_id"] in products
    want = round(int(l["quantity"]) * float(l["unit_price"]) * (1 - float(l["discount"])), 2)
    assert abs(float(l["line_total"]) - want) < 0.011, (l, want)
PYEOF

# Awkward strings: CSV (RFC 4180 quoting), JSON and JSON Lines of one seed hold the same values.
cat >"$TMP/awkward_schema.json" <<'JSON'
{"tables": [{"name": "t", "columns": [
  {"name": "id", "type": "id"},
  {"name": "text", "type": "pattern", "pattern": "[a\",;\\n\\t\\\\é]{0,12}"},
  {"name": "maybe", "type": "pattern", "pattern": "(x|,)", "null_rate": 0.3},
  {"name": "n", "type": "float", "distribution": "normal", "mean": 0, "stddev": 1e6},
  {"name": "flag", "type": "boolean"}]}]}
JSON
for fmt in csv json jsonl; do
  gen --schema "$TMP/awkward_schema.json" --rows 2000 --seed 3 -o "$TMP/awkward.$fmt" || fail "awkward $fmt"
done
$PY - "$TMP" <<'PYEOF' || fail "CSV / JSON / JSONL disagree"
import csv, json, sys
d = sys.argv[1]
raw = open(f"{d}/awkward.csv", "rb").read()
assert raw.startswith(b"id,text,maybe,n,flag\r\n") and raw.endswith(b"\r\n")
rows = list(csv.DictReader(open(f"{d}/awkward.csv", newline="", encoding="utf-8")))
arr = json.load(open(f"{d}/awkward.json", encoding="utf-8"))
lines = [json.loads(l) for l in open(f"{d}/awkward.jsonl", encoding="utf-8")]
assert len(rows) == len(arr) == len(lines) == 2000
assert arr == lines
nulls = 0
for c, j in zip(rows, arr):
    assert c["text"] == j["text"], (c["text"], j["text"])
    assert float(c["n"]) == j["n"] and isinstance(j["n"], float)
    assert c["flag"] == ("true" if j["flag"] else "false")
    assert int(c["id"]) == j["id"]
    if j["maybe"] is None:
        nulls += 1
        assert c["maybe"] == ""
    else:
        assert c["maybe"] == j["maybe"]
assert 450 < nulls < 750, nulls
assert any('"' in r["text"] and "\n" in r["text"] for r in rows)
PYEOF

# Row counts: --rows TABLE=N for one table, the schema's own "rows" otherwise.
gen --schema examples/sensors.json --rows devices=3 --seed 1 -o "$TMP/sensors3" || fail "--rows devices=3"
[ "$(($(wc -l <"$TMP/sensors3/devices.csv") - 1))" -eq 3 ] || fail "--rows devices=3 gave $(wc -l <"$TMP/sensors3/devices.csv") lines"
gen --schema examples/users.json --seed 1 --table users -o "$TMP/u.jsonl" || fail "users default rows"
[ "$(wc -l <"$TMP/u.jsonl")" -eq 1000 ] || fail "users: expected the schema's 1000 rows"
gen --schema examples/users.json --rows 5 --seed 1 --format json >"$TMP/stdout.json" || fail "stdout"
$PY -c "import json,sys; assert len(json.load(open(sys.argv[1]))) == 5" "$TMP/stdout.json" || fail "stdout JSON"

# Memory does not grow with the row count (streaming): 2M rows cost about what 100k rows do.
rss() {
  /usr/bin/time -f %M "$HYV" generate table -q --schema examples/people8.json --rows "$1" --seed 1 \
    -o - 2>&1 >/dev/null | tail -1
}
small=$(rss 100000)
big=$(rss 2000000)
[ "$big" -lt $((small + 8192)) ] || fail "peak RSS grew from ${small} KB (100k rows) to ${big} KB (2M rows)"

# A device is written in place, never renamed over.
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/from_fifo" &
gen --schema examples/people8.json --rows 10 --seed 1 --format csv -o "$TMP/fifo" || fail "write to a FIFO"
wait
[ -p "$TMP/fifo" ] || fail "the FIFO was replaced by a file"
[ "$(wc -l <"$TMP/from_fifo")" -eq 11 ] || fail "FIFO reader got $(wc -l <"$TMP/from_fifo") lines"

# A failed run leaves no file behind under the final name.
cat >"$TMP/never.json" <<'JSON'
{"tables": [{"name": "t", "rows": 100, "columns": [
  {"name": "a", "type": "float", "min": 0, "max": 1},
  {"name": "b", "type": "float", "min": 0, "max": 1}],
  "constraints": [{"type": "compare", "left": "a", "op": "<", "right": "b"},
                  {"type": "compare", "left": "b", "op": "<", "right": "a"}]}]}
JSON
expect_error "unsatisfiable" 'tables\[0\]\.constraints\[1\] \("b < a"\) was not met in any of 1000 attempts' -- \
  generate table --schema "$TMP/never.json" --seed 1 -o "$TMP/never.csv"
[ -e "$TMP/never.csv" ] && fail "a failed run left never.csv"
ls "$TMP" | grep -q 'never.csv.tmp' && fail "a failed run left its temporary file"

# Bad input: each fails with exit 1 and says where.
echo '{"tables": [{"name": "t", "columns": [{"name": "a", "type": "integr"}]}]}' >"$TMP/bad.json"
expect_error "bad type" 'bad\.json: tables\[0\]\.columns\[0\]\.type: unknown type "integr"' -- \
  generate table --schema "$TMP/bad.json" --rows 1 -o "$TMP/x.csv"
echo '{"tables": [' >"$TMP/broken.json"
expect_error "broken JSON" 'JSON syntax error at byte offset' -- \
  generate table --schema "$TMP/broken.json" --rows 1 -o "$TMP/x.csv"
expect_error "missing schema" 'nope\.json: cannot open' -- \
  generate table --schema "$TMP/nope.json" --rows 1 -o "$TMP/x.csv"
expect_error "unknown extension" 'cannot tell the format from the extension' -- \
  generate table --schema examples/users.json --rows 1 -o "$TMP/x.parquet"
expect_error "several tables to one file" 'give -o DIR' -- \
  generate table --schema examples/shop.json --rows 1 -o -
expect_error "unknown table" '--table nope: the schema has no such table \(tables: products, customers, orders, order_lines\)' -- \
  generate table --schema examples/shop.json --table nope -o "$TMP/x.csv"
expect_error "bad rows" '--rows ten: expected a whole number' -- \
  generate table --schema examples/users.json --rows ten -o "$TMP/x.csv"
expect_error "no row count" '^hyv: --rows: table "people" has no row count: give rows \(or "rows" in tables\[0\]\)' -- \
  generate table --schema examples/people8.json -o "$TMP/x.csv"
expect_error "child rows" '^hyv: --rows: rows for table "orders": a child table'"'"'s rows come from rows_per_parent' -- \
  generate table --schema examples/shop.json --rows orders=5 -o "$TMP/d"
expect_error "text kind still checked" 'the kind must be text or code' -- generate

finish generate_table_test
