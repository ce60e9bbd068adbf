#!/usr/bin/env bash
# schemas/hyv-table-schema.json agrees with the hyv parser: every example is valid for both (Ajv is
# the independent JSON Schema validator), mistakes the JSON Schema can express are rejected by
# both, and both know the same column types.
# Usage (from the repo root): bash tests/cli/table_schema_test.sh build/hyv
set -uo pipefail
source "$(dirname "$0")/lib.sh" "$@"
CHECK=tests/cli/table_schema_check.mjs

node $CHECK expect-valid examples/*.json || fail "an example does not match the JSON Schema"

i=0
while IFS= read -r json; do
  i=$((i + 1))
  echo "$json" >"$TMP/bad$i.json"
  node $CHECK expect-invalid "$TMP/bad$i.json" || fail "JSON Schema accepts bad$i: $json"
  "$HYV" generate table -q --schema "$TMP/bad$i.json" --rows 1 --seed 1 -o "$TMP/out$i.csv" 2>/dev/null &&
    fail "hyv accepts bad$i: $json"
done <<'CASES'
{"tables": []}
{"tables": [{"name": "t", "columns": [{"name": "a", "type": "intger"}]}]}
{"tables": [{"name": "t", "columns": [{"name": "a", "type": "integer", "min": 0, "max": 3, "nul_rate": 0.1}]}]}
{"tables": [{"name": "t", "columns": [{"name": "a", "type": "date", "min": "2020-01-01"}]}]}
{"tables": [{"name": "t", "columns": [{"name": "a", "type": "boolean", "probability": 2}]}]}
{"tables": [{"name": "t", "columns": [{"name": "a", "type": "id", "format": "serial"}]}]}
{"tables": [{"name": "t", "columns": [{"name": "a", "type": "iban", "country": "US"}]}]}
{"tables": [{"name": "t", "rows_per_parent": {"min": 1}, "columns": [{"name": "a", "type": "id"}]}]}
{"tables": [{"name": "t", "columns": [{"name": "a", "type": "id"}], "constraints": [{"type": "compare", "left": "a", "op": "=<", "right": 1}]}]}
{"tables": [{"name": "t", "columns": [{"name": "a", "type": "id"}], "constraints": [{"type": "range", "column": "a"}]}]}
{"tables": [{"name": "t", "columns": [{"name": "a", "type": "generated_text"}]}]}
{"tables": [{"name": "t", "columns": [{"name": "a", "type": "generated_text", "prompt": "x", "max_tokens": 0}]}]}
{"tables": [{"name": "t", "columns": [{"name": "a", "type": "generated_text", "prompt": "x", "unique": true}]}]}
CASES

# Same column types on both sides (hyv lists its own in the unknown-type error).
echo '{"tables": [{"name": "t", "columns": [{"name": "a", "type": "?"}]}]}' >"$TMP/types.json"
"$HYV" generate table --schema "$TMP/types.json" --rows 1 -o "$TMP/t.csv" 2>&1 |
  sed -n 's/.*expected one of: \(.*\))$/\1/p' | tr ',' '\n' | tr -d ' ' | sort >"$TMP/hyv_types"
node $CHECK types >"$TMP/schema_types"
[ -s "$TMP/hyv_types" ] || fail "could not read hyv's type list"
diff "$TMP/hyv_types" "$TMP/schema_types" >/dev/null || fail "column types differ: $(diff "$TMP/hyv_types" "$TMP/schema_types" | tr '\n' ' ')"

finish table_schema_test
