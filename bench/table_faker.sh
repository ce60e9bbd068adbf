#!/usr/bin/env bash
# Schema-driven table generation, hyv beside @faker-js/faker on the same 8 columns, in one run:
#   bench/table_faker.sh
# hyv generates examples/people8.json (full name, e-mail from the name, street address, birth date,
# integer, company, phone, UUID); bench/table_faker.mjs makes the same columns with faker (seeded,
# e-mail from the same first and last name) and writes the same CSV format. Both write a CSV file
# on one thread; rounds are interleaved and the table shows medians. Results: docs/benchmarks.md.
# Environment: BUILD (default build), HYV_ROWS (1000000), FAKER_ROWS (200000), ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
if [ ! -x "$BUILD/hyv" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$BUILD" --target hyv > /dev/null
fi
if [ ! -d node_modules/@faker-js/faker ]; then
  echo "bench/table_faker.sh: node_modules lacks @faker-js/faker; run tools/install-deps.sh" >&2
  exit 1
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
node bench/table_faker.mjs --hyv "$BUILD/hyv" --schema examples/people8.json --dir "$TMP" \
  --hyv-rows "${HYV_ROWS:-1000000}" --faker-rows "${FAKER_ROWS:-200000}" --rounds "${ROUNDS:-3}"
