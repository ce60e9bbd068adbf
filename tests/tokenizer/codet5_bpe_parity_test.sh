#!/usr/bin/env bash
# CodeT5 byte-level BPE parity: BpeTokenizer, reading a folder in Salesforce/codet5-small's layout
# (vocab.json, merges.txt, added_tokens.json, special_tokens_map.json, tokenizer_config.json; 32,000
# tokens + 100 sentinels, trained here), must give the ids of the independent Python encoder
# tools/reference/bpe_reference.py on thousands of texts. tests/tokenizer/codet5_bpe_parity.py
# writes the cases; the gtest CodeT5BpeParity.LiveOracle (tests/bpe_added_tokens_test) compares.
# Usage (from the repository root): bash tests/tokenizer/codet5_bpe_parity_test.sh path/to/hyv
set -euo pipefail
HYV="$(realpath "${1:?usage: codet5_bpe_parity_test.sh path/to/hyv}")"
cd "$(dirname "$0")/../.."

TEST_BIN="$(dirname "$HYV")/tests/bpe_added_tokens_test"
if [ ! -x "$TEST_BIN" ]; then
  echo "codet5_bpe_parity_test: $TEST_BIN is not built" >&2
  exit 1
fi
if ! /usr/bin/python3 -c 'import regex' 2>/dev/null; then
  echo "codet5_bpe_parity_test: /usr/bin/python3 lacks regex; install python3-regex" >&2
  exit 1
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

/usr/bin/python3 tests/tokenizer/codet5_bpe_parity.py "$TMP" --hyv "$HYV"
# A skipped LiveOracle (the variable not reaching it) must not pass: require the OK line.
HYV_CODET5_PARITY_DIR="$TMP" "$TEST_BIN" --gtest_filter=CodeT5BpeParity.LiveOracle | tee "$TMP/log"
grep -q '^\[       OK \] CodeT5BpeParity.LiveOracle' "$TMP/log"
