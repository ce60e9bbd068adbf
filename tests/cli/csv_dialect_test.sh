#!/usr/bin/env bash
# CSV dialects (issue 15 item 1) through `hyv fit`, `hyv score` and `hyv validate`: each fixture in
# tests/fixtures/csv is sniffed as Python's csv.Sniffer (an independent sniffer) reads it, its
# cells are the ones Python's csv module reads, the dialect is printed and in --json, the
# --delimiter / --quote / --no-header overrides win, and broken files fail naming file, line and
# column.
# Usage (from the repo root): bash tests/cli/csv_dialect_test.sh build/hyv
set -uo pipefail
source "$(dirname "$0")/lib.sh" "$@"

F=tests/fixtures/csv
GOOD="semicolon_decimal_comma.csv quoted_headers.tsv pipe.csv bom_crlf.csv no_header.csv"

# --- the line on stderr ---
run_rc 0 "fit semicolon" fit $F/semicolon_decimal_comma.csv -o "$TMP/m.json"
grep -qxF "hyv: read $F/semicolon_decimal_comma.csv as delimiter ';', quote '\"', header row, CRLF line ends, decimal commas in 1 column" "$TMP/err" ||
  fail "semicolon dialect line: $(cat "$TMP/err")"
grep -qE '^price +numerical .*1234\.50' "$TMP/out" || fail "decimal-comma price not numerical: $(cat "$TMP/out")"
run_rc 0 "fit tsv" fit $F/quoted_headers.tsv -o "$TMP/m.json"
grep -qxF "hyv: read $F/quoted_headers.tsv as delimiter TAB, quote \"'\", header row, LF line ends" "$TMP/err" ||
  fail "tsv dialect line: $(cat "$TMP/err")"
for want in "^age +numerical" "^income +numerical" "^city +categorical"; do
  grep -qE "$want" "$TMP/out" || fail "tsv fit lacks /$want/: $(cat "$TMP/out")"
done
run_rc 0 "fit no header" fit $F/no_header.csv -o "$TMP/m.json"
grep -qF "no header row, LF line ends" "$TMP/err" || fail "no header not sniffed: $(cat "$TMP/err")"
grep -qE '^column2 +numerical' "$TMP/out" || fail "headerless columns not named column1..: $(cat "$TMP/out")"

# --- against Python: the sniffed dialect and every cell ---
for f in $GOOD; do
  run_rc 0 "score $f" score --real $F/$f --synthetic $F/$f --no-privacy --json
  cp "$TMP/out" "$TMP/$f.score.json"
  grep -qF "hyv: read $F/$f as " "$TMP/err" || fail "$f: no dialect line: $(cat "$TMP/err")"
done
$PY - $F "$TMP" $GOOD <<'PYEOF' || fail "dialects or cells differ from Python's csv module"
import csv, json, re, sys
fixtures, tmp, names = sys.argv[1], sys.argv[2], sys.argv[3:]
for name in names:
    text = open(f"{fixtures}/{name}", encoding="utf-8-sig", newline="").read()
    py = csv.Sniffer().sniff(text)
    header = csv.Sniffer().has_header(text)
    got = json.load(open(f"{tmp}/{name}.score.json"))["csv_dialects"]
    assert set(got) == {"real", "synthetic"}, got
    d = got["real"]
    assert (d["delimiter"], d["quote"], d["header"]) == (py.delimiter, py.quotechar, header), (name, d)
    assert d["bom"] == (open(f"{fixtures}/{name}", "rb").read(3) == b"\xef\xbb\xbf"), (name, d)
    assert d["line_end"] == ("crlf" if "\r\n" in text else "lf"), (name, d)
    # The same cells as a plain comma CSV (decimal commas as points, where hyv found them).
    rows = list(csv.reader(text.splitlines(), delimiter=py.delimiter, quotechar=py.quotechar,
                           doublequote=True))
    if not header:
        rows.insert(0, [f"column{i + 1}" for i in range(len(rows[0]))])
    for c in d["decimal_comma_columns"]:
        for r in rows[1:]:
            if r[c]:
                r[c] = r[c].replace(".", "").replace(",", ".")
    with open(f"{tmp}/{name}.plain.csv", "w", newline="") as out:
        csv.writer(out).writerows(rows)
PYEOF
for f in $GOOD; do
  # A table scores 1.0 only against the very same values in the very same columns.
  run_rc 0 "score $f vs plain" score --real $F/$f --synthetic "$TMP/$f.plain.csv" --no-privacy --json
  $PY -c "import json,sys; r=json.load(open('$TMP/out')); assert r['quality']['score']==1.0, r['quality']" ||
    fail "$f: not read as Python's csv reads it"
done
# JSON inputs have no dialect: no member at all.
printf '[{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]' > "$TMP/t.json"
run_rc 0 "score json" score --real "$TMP/t.json" --synthetic "$TMP/t.json" --no-privacy --json
grep -q csv_dialects "$TMP/out" && fail "JSON input reported a CSV dialect"

# --- overrides ---
run_rc 0 "no-header given" fit $F/bom_crlf.csv -o "$TMP/m.json" --no-header
grep -qF "no header row (given)" "$TMP/err" || fail "--no-header not reported: $(cat "$TMP/err")"
grep -qE '^column1 ' "$TMP/out" || fail "--no-header: columns not column1..: $(cat "$TMP/out")"
run_rc 0 "header given" fit $F/no_header.csv -o "$TMP/m.json" --header
grep -qF "header row (given)" "$TMP/err" || fail "--header not reported: $(cat "$TMP/err")"
grep -qE '^34 +numerical' "$TMP/out" || fail "--header: first row not the names: $(cat "$TMP/out")"
expect_error "header and no-header" 'excludes' -- fit $F/no_header.csv -o "$TMP/m.json" --header --no-header
run_rc 0 "quote given" fit $F/quoted_headers.tsv -o "$TMP/m.json" --delimiter tab --quote '"'
grep -qF "delimiter TAB (given), quote '\"' (given)" "$TMP/err" || fail "given quote: $(cat "$TMP/err")"
grep -qF "'age'" "$TMP/out" || fail "--quote '\"' still stripped apostrophes: $(cat "$TMP/out")"
run_rc 0 "delimiter given" fit $F/no_header.csv -o "$TMP/m.json" --delimiter semicolon
grep -qF "delimiter ';' (given)" "$TMP/err" || fail "given delimiter: $(cat "$TMP/err")"
grep -qE '^1,34,52000 ' "$TMP/out" || fail "--delimiter ';' did not keep the commas: $(cat "$TMP/out")"
expect_error "bad delimiter" '^--delimiter: ":" is not a delimiter' -- fit $F/pipe.csv -o "$TMP/m.json" --delimiter :
expect_error "bad quote" '^--quote: "x" is not a quote character' -- score --real $F/pipe.csv --synthetic $F/pipe.csv --quote x

# --- broken files: file, line and column, for every command ---
printf 'customer_id;name\n1;Ann\n2\n' > "$TMP/customers.csv"
for cmd in "fit -o $TMP/m.json" "score --synthetic $F/pipe.csv --real" "validate --schema examples/shop.json --table products --data"; do
  # shellcheck disable=SC2086
  expect_error "ragged ($cmd)" "ragged_semicolon.csv: line 3, column 3 \(byte 15\): 2 fields, but the first record has 3.*split at ';'" -- $cmd $F/ragged_semicolon.csv
  # shellcheck disable=SC2086
  expect_error "unbalanced ($cmd)" "unbalanced_quote.tsv: line 2, column 1 \(byte 4\): this quoted field is never closed" -- $cmd $F/unbalanced_quote.tsv
  # shellcheck disable=SC2086
  expect_error "latin1 ($cmd)" "latin1.csv: line 2, column 2 \(byte 15\): not UTF-8" -- $cmd $F/latin1.csv
done
expect_error "ragged validate" "customers.csv: line 3, column 2 \(byte 24\): 1 field, but" -- validate --schema examples/shop.json --data "$TMP/customers.csv"
printf 'a,b\n1,2,3\n' > "$TMP/extra.csv"
expect_error "extra field" 'extra.csv: line 2, column 3 \(byte 8\): more fields than the 2 of the first record' -- fit "$TMP/extra.csv" -o "$TMP/m.json"
[ ! -e "$TMP/m.json.tmp" ] || fail "a failed fit left a temporary file"

# --- validate: semicolon exports with decimal commas, tab-separated, headerless ---
S=examples/shop.json
"$HYV" generate table -q --schema $S --seed 4 --rows 60 -o "$TMP/csv/" || fail "generate csv"
$PY - "$TMP" <<'PYEOF' || fail "convert"
import csv, os, re, sys
tmp = sys.argv[1]
for d in ("semi", "tab", "nohead"):
    os.makedirs(f"{tmp}/{d}", exist_ok=True)
for name in os.listdir(f"{tmp}/csv"):
    rows = list(csv.reader(open(f"{tmp}/csv/{name}", newline="")))
    stem = name[:-4]
    semi = [[re.sub(r"^(-?\d+)\.(\d+)$", r"\1,\2", c) for c in r] for r in rows]
    with open(f"{tmp}/semi/{name}", "w", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\r\n").writerows(semi)
    with open(f"{tmp}/tab/{stem}.tsv", "w", newline="") as f:
        csv.writer(f, delimiter="\t", quotechar="'", quoting=csv.QUOTE_ALL).writerows(rows)
    with open(f"{tmp}/nohead/{name}", "w", newline="") as f:
        csv.writer(f).writerows(rows[1:])
PYEOF
run_rc 0 "validate semicolon" validate --schema $S --data "$TMP/semi" --json
grep -qF "hyv: read $TMP/semi/order_lines.csv as delimiter ';', quote '\"', header row, CRLF line ends, decimal commas in" "$TMP/err" ||
  fail "semicolon order_lines: $(cat "$TMP/err")"
$PY -c "
import json; r = json.load(open('$TMP/out'))
d = r['csv_dialects']
assert len(d) == 4 and all(v['delimiter'] == ';' for v in d.values()), d
assert d['$TMP/semi/order_lines.csv']['decimal_comma_columns'], d
" || fail "validate --json csv_dialects"
run_rc 0 "validate tsv" validate --schema $S --data "$TMP/tab"
grep -qF "delimiter TAB, quote \"'\"" "$TMP/err" || fail "tsv: $(cat "$TMP/err")"
grep -q '^VALID' "$TMP/out" || fail "tsv not valid: $(cat "$TMP/out")"
run_rc 0 "validate no header" validate --schema $S --data "$TMP/nohead/products.csv" --no-header
grep -q '^VALID' "$TMP/out" || fail "headerless products not valid: $(cat "$TMP/out")"
run_rc 0 "score --schema semicolon" score --schema $S --synthetic "$TMP/semi" --delimiter semicolon
grep -qF "delimiter ';' (given)" "$TMP/err" || fail "score --schema ignored --delimiter: $(cat "$TMP/err")"
# A corruption in a semicolon file is still found: an e-mail not made from the row's name.
sed -i '3s/;[^;]*@[^;]*;/;nobody.here@example.com;/' "$TMP/semi/customers.csv"
run_rc 2 "validate corrupted semicolon" validate --schema $S --data "$TMP/semi"
grep -q '^INVALID' "$TMP/out" || fail "corruption in a semicolon file not found: $(cat "$TMP/out")"

finish csv_dialect
