#!/usr/bin/env bash
# Runs every benchmark, each beside its peer, in one go (`make bench`); see docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
for script in engine tokenizer table_faker tables_learned server; do
  echo "== bench/$script.sh"
  "bench/$script.sh"
done
