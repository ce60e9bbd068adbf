#!/usr/bin/env bash
# The learned-table core built for wasm32 fits the same model file and samples the same bytes as
# the native hyv (tests/synth/copula_wasm_parity.mjs). Builds its own small module from
# tests/synth/wasm with the project's wasm toolchain, next to the hyv binary (<dir>/synth-wasm).
# Usage (from the repo root): bash tests/synth/copula_wasm_parity_test.sh path/to/hyv
set -euo pipefail
HYV=$(realpath "${1:?usage: copula_wasm_parity_test.sh path/to/hyv}")
BUILD="$(dirname "$HYV")/synth-wasm"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cmake -S tests/synth/wasm -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$BUILD" --target hyv_synth_test > "$T/build.log" 2>&1 || { cat "$T/build.log" >&2; exit 1; }
/usr/bin/python3 bench/make_mixed_table.py 3000 "$T/train.csv"
# A customer table whose name, e-mail, phone and city columns are semantic (sampled from the
# locale data, one unique); the last name has gaps.
cat > "$T/people.json" <<'JSON'
{"tables": [{"name": "people", "rows": 400, "columns": [
  {"name": "customer_id", "type": "id", "start": 1},
  {"name": "first_name", "type": "first_name"},
  {"name": "last_name", "type": "last_name", "null_rate": 0.1},
  {"name": "email", "type": "email", "unique": true},
  {"name": "phone", "type": "phone"},
  {"name": "city", "type": "city"},
  {"name": "age", "type": "integer", "min": 18, "max": 90},
  {"name": "plan", "type": "categorical", "values": ["free", "pro", "team"]}]}]}
JSON
"$HYV" generate table --schema "$T/people.json" --seed 3 -o "$T/people.csv" > /dev/null 2>&1
node tests/synth/copula_wasm_parity.mjs "$HYV" "$BUILD/hyv_synth_test.wasm" "$T/train.csv" "$T" "$T/people.csv"
