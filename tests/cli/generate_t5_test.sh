#!/usr/bin/env bash
# `hyv generate code --model DIR` on a folder in Salesforce/codet5-small's layout
# (tests/fixtures/tiny-codet5: random weights, the real file formats), used unchanged: either
# weights file, sampling and beam search, span infilling, the first-block cut and its errors.
set -uo pipefail
source "$(dirname "$0")/lib.sh" "$@"
MODEL="$(dirname "$0")/../fixtures/tiny-codet5"
GPT2="$(dirname "$0")/../fixtures/tiny-gpt2"
PROMPT="Return the sum of a and b."
field() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

gen() { "$HYV" generate code --model "$1" --prompt "$PROMPT" --max-tokens 24 "${@:2}"; }

gen "$MODEL" --temperature 0 --json >"$TMP/g.json" 2>"$TMP/err" || fail "greedy: $(cat "$TMP/err")"
$PY - "$TMP/g.json" <<'PY' || fail "greedy JSON: $(cat "$TMP/g.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["model"]["architecture"] == "t5", d["model"]
assert d["prompt_tokens"] >= 3 and d["generated_tokens"] >= 1, d
assert d["finish_reason"] in ("eos", "max_tokens", "code_block"), d["finish_reason"]
assert all(0 <= t < 1100 for t in d["tokens"]), d["tokens"]
PY

# The same folder with only pytorch_model.bin (codet5-small's hub folder has no safetensors).
mkdir -p "$TMP/bin" && cp "$MODEL"/* "$TMP/bin/" && rm "$TMP/bin/model.safetensors"
gen "$TMP/bin" --temperature 0 --json >"$TMP/b.json" 2>"$TMP/err" || fail "bin: $(cat "$TMP/err")"
[ "$(field "$TMP/g.json" tokens)" = "$(field "$TMP/b.json" tokens)" ] ||
  fail "pytorch_model.bin gave other tokens than model.safetensors"

# Sampling is reproducible by seed, beam search by itself.
gen "$MODEL" --seed 5 --raw >"$TMP/s1" 2>/dev/null || fail "sampling failed"
gen "$MODEL" --seed 5 --raw >"$TMP/s2" 2>/dev/null
cmp -s "$TMP/s1" "$TMP/s2" || fail "the same seed gave other text"
gen "$MODEL" --beams 3 --length-penalty 0.8 --json >"$TMP/beam1.json" 2>"$TMP/err" ||
  fail "beams: $(cat "$TMP/err")"
gen "$MODEL" --beams 3 --length-penalty 0.8 --seed 9 --json >"$TMP/beam2.json" 2>/dev/null
[ "$(field "$TMP/beam1.json" tokens)" = "$(field "$TMP/beam2.json" tokens)" ] ||
  fail "beam search depends on the seed"

# Code is cut at its first complete block; --raw keeps it all, so the cut text starts the raw one.
gen "$MODEL" --temperature 0 >"$TMP/cut" 2>/dev/null || fail "cut failed"
gen "$MODEL" --temperature 0 --raw >"$TMP/raw" 2>/dev/null || fail "raw failed"
$PY - "$TMP/cut" "$TMP/raw" <<'PY' || fail "the cut text is not the start of the raw text"
import sys
cut, raw = (open(p, encoding="utf-8").read().rstrip("\n") for p in sys.argv[1:])
assert raw.lstrip("\n").startswith(cut.lstrip("\n")), (cut, raw)
PY

# Span infilling: a sentinel in the prompt asks for that span.
"$HYV" generate code --model "$MODEL" --prompt "def add(a, b):<extra_id_0>" --max-tokens 8 \
  --temperature 0 --json >"$TMP/fill.json" 2>"$TMP/err" || fail "infill: $(cat "$TMP/err")"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "<extra_id" not in d["text"], d' \
  "$TMP/fill.json" || fail "infill output holds a sentinel: $(cat "$TMP/fill.json")"

expect_error "beams on GPT-2" "T5-family" -- \
  generate code --model "$GPT2" --prompt hi --beams 2
expect_error "too many beams" "--beams" -- generate code --model "$MODEL" --prompt hi --beams 17
mkdir -p "$TMP/noweights" && cp "$MODEL"/*.json "$MODEL"/merges.txt "$TMP/noweights/"
expect_error "no weights" "model.safetensors.*pytorch_model.bin" -- \
  generate code --model "$TMP/noweights" --prompt hi
cp "$MODEL"/* "$TMP/noweights/" && rm "$TMP/noweights/model.safetensors" && \
  head -c 3000 "$MODEL/pytorch_model.bin" >"$TMP/noweights/pytorch_model.bin"
expect_error "cut pytorch_model.bin" "pytorch_model.bin" -- \
  generate code --model "$TMP/noweights" --prompt hi

finish generate_t5_test
