#!/usr/bin/env bash
# Runs every benchmark; see docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in build/bench/*_bench; do [ -x "$b" ] && "$b"; done
