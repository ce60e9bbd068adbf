#!/usr/bin/env bash
# T5 at Salesforce/codet5-small's exact shape (d_model 512, 6 + 6 layers, 8 heads, d_ff 2048,
# vocab 32,100) against the independent numpy reference: f32 logits within 1e-4, q8 within 5e-3
# of the same int8 weights, the reference's greedy tokens. The random checkpoint (240 MB) is made
# here by tools/reference/make_tiny_t5.py --codet5-small-shape, then T5Test's
# MatchesReferenceAtCodeT5SmallShape checks the engine on it.
# Usage (from the repo root): bash tests/engine/t5_codet5_shape_test.sh path/to/hyv
set -euo pipefail

hyv="${1:?usage: t5_codet5_shape_test.sh path/to/hyv}"
native="$(dirname "$hyv")/tests/t5_test"
[ -x "$native" ] || { echo "FAIL: $native is missing; build it with 'make build'" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 tools/reference/make_tiny_t5.py --codet5-small-shape "$TMP/codet5-small-shape"
HYV_T5_CODET5_DIR="$TMP/codet5-small-shape" "$native" \
  --gtest_filter=T5Test.MatchesReferenceAtCodeT5SmallShape | tee "$TMP/log"
# A skipped test would pass silently: it must have run.
grep -q "codet5-small shape f32" "$TMP/log" || { echo "FAIL: the check did not run" >&2; exit 1; }
