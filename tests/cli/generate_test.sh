#!/usr/bin/env bash
# `hyv generate` against the tiny fixture model: reproducible by seed, --json fields, streamed
# output equal to the JSON text, and clear failures (exit 1 and a message) for bad input.
# Usage (from the repo root): bash tests/cli/generate_test.sh build/hyv
set -uo pipefail
source "$(dirname "$0")/lib.sh" "$@"
MODEL=tests/fixtures/tiny-gpt2

gen() { "$HYV" generate text --model "$MODEL" --prompt "the dog ran" --max-tokens 30 "$@"; }

# Same seed, same bytes; another seed, other bytes.
gen --seed 7 >"$TMP/a" 2>/dev/null || fail "generate --seed 7 failed"
gen --seed 7 >"$TMP/b" 2>/dev/null || fail "second generate --seed 7 failed"
gen --seed 8 >"$TMP/c" 2>/dev/null || fail "generate --seed 8 failed"
cmp -s "$TMP/a" "$TMP/b" || fail "same seed gave different text"
cmp -s "$TMP/a" "$TMP/c" && fail "seeds 7 and 8 gave the same text"

# Threads split the work but must not change the result.
gen --seed 7 --threads 2 >"$TMP/t2" 2>/dev/null || fail "generate --threads 2 failed"
cmp -s "$TMP/a" "$TMP/t2" || fail "--threads 2 changed the text"

# --json: one object with the documented fields; its text is what streaming printed.
gen --seed 7 --json >"$TMP/json" 2>"$TMP/err" || fail "generate --json failed: $(cat "$TMP/err")"
$PY - "$TMP/json" "$TMP/a" "$MODEL" <<'EOF' || fail "--json check"
import hashlib, json, sys
obj = json.load(open(sys.argv[1], encoding="utf-8"))
streamed = open(sys.argv[2], "rb").read()
model = sys.argv[3]
def check(cond, what):
    if not cond:
        print("json: " + what, file=sys.stderr)
        sys.exit(1)
for key in ["text", "tokens", "prompt_tokens", "generated_tokens", "finish_reason", "timing",
            "model", "params"]:
    check(key in obj, "missing " + key)
check(streamed == obj["text"].encode("utf-8") + b"\n", "streamed output != json text + newline")
check(obj["generated_tokens"] == len(obj["tokens"]) <= 30, "token count")
check(obj["finish_reason"] in ("max_tokens", "eos"), "finish_reason " + obj["finish_reason"])
check(obj["finish_reason"] != "max_tokens" or len(obj["tokens"]) == 30, "max_tokens not reached")
check(obj["prompt_tokens"] > 0, "prompt_tokens")
for key in ["load_ms", "prefill_ms", "decode_ms", "decode_tokens_per_s"]:
    check(key in obj["timing"], "timing." + key)
sha = hashlib.sha256(open(model + "/model.safetensors", "rb").read()).hexdigest()
check(obj["model"]["sha256"] == sha, "model.sha256 differs from sha256sum")
check(obj["model"]["path"] == model, "model.path")
p = obj["params"]
check(p["seed"] == 7 and p["max_tokens"] == 30 and p["temperature"] == 0.8, "params " + str(p))
for key in ["top_k", "top_p", "min_p", "repetition_penalty", "stop", "threads"]:
    check(key in p, "params." + key)
EOF

# No --seed: a fresh seed, reported in --json, reproduces the text.
gen --json >"$TMP/j1" 2>/dev/null || fail "generate without --seed failed"
seed=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["params"]["seed"])' "$TMP/j1")
gen --json --seed "$seed" >"$TMP/j2" 2>/dev/null
$PY -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); sys.exit(a["text"]!=b["text"])' \
  "$TMP/j1" "$TMP/j2" || fail "the reported seed does not reproduce the text"

# --stop: the text ends before the first occurrence of the stop string.
stop=$($PY -c 'import json,sys; t=json.load(open(sys.argv[1]))["text"]; print(t[5:8])' "$TMP/json")
gen --seed 7 --json --stop "$stop" >"$TMP/stopped" 2>/dev/null || fail "generate --stop failed"
$PY - "$TMP/json" "$TMP/stopped" "$stop" <<'EOF' || fail "--stop check"
import json, sys
full = json.load(open(sys.argv[1]))["text"]
got = json.load(open(sys.argv[2]))
stop = sys.argv[3]
if got["finish_reason"] != "stop_string" or got["text"] != full[: full.find(stop)]:
    print("stop: got %r (%s), want %r" % (got["text"], got["finish_reason"], full[: full.find(stop)]),
          file=sys.stderr)
    sys.exit(1)
EOF

# --prompt-file, also from stdin, is the same prompt as --prompt.
printf 'the dog ran' >"$TMP/prompt-ok.txt"
gen_file() { "$HYV" generate text --model "$MODEL" --max-tokens 30 --seed 7 "$@"; }
gen_file --prompt-file "$TMP/prompt-ok.txt" >"$TMP/pf" 2>/dev/null || fail "--prompt-file failed"
gen_file --prompt-file - <"$TMP/prompt-ok.txt" >"$TMP/pstdin" 2>/dev/null || fail "--prompt-file - failed"
cmp -s "$TMP/a" "$TMP/pf" || fail "--prompt-file gave other text than --prompt"
cmp -s "$TMP/a" "$TMP/pstdin" || fail "--prompt-file - gave other text than --prompt"

# Greedy (--temperature 0) is reproducible without a seed; q8 loads and generates.
gen --temperature 0 >"$TMP/g1" 2>/dev/null || fail "greedy failed"
gen --temperature 0 --seed 99 >"$TMP/g2" 2>/dev/null
cmp -s "$TMP/g1" "$TMP/g2" || fail "greedy output depends on the seed"
gen --seed 1 --quantize q8 >/dev/null 2>"$TMP/err" || fail "--quantize q8 failed: $(cat "$TMP/err")"

# Without --model: the bundled model for the kind, found under $HYV_MODELS_DIR.
mkdir -p "$TMP/models" && cp -r "$MODEL" "$TMP/models/code-small"
# --raw: code output is otherwise cut at its first complete block, which text is not.
HYV_MODELS_DIR=$TMP/models "$HYV" generate code --prompt "the dog ran" --max-tokens 30 --seed 7 --raw \
  >"$TMP/bundled" 2>"$TMP/err" || fail "default code model: $(cat "$TMP/err")"
cmp -s "$TMP/a" "$TMP/bundled" || fail "the default code model gave other text than --model"
HYV_MODELS_DIR=$TMP/models "$HYV" models list >"$TMP/list" 2>"$TMP/err" || fail "models list failed"
sha=$(sha256sum "$MODEL/model.safetensors" | cut -d' ' -f1)
grep -qE "^code-small +code +127296 +$sha" "$TMP/list" || fail "models list: $(cat "$TMP/list")"
HYV_MODELS_DIR=$TMP/models expect_error "missing bundled model" \
  "text-small was not found.*HYV_MODELS_DIR" -- generate text --prompt hi

# Errors.
expect_error "missing model folder" "no such model folder" -- \
  generate text --model "$TMP/nowhere" --prompt hi
mkdir -p "$TMP/trunc"
cp "$MODEL"/config.json "$MODEL"/vocab.json "$MODEL"/merges.txt "$TMP/trunc/"
head -c 100000 "$MODEL/model.safetensors" >"$TMP/trunc/model.safetensors"
expect_error "truncated safetensors" "model.safetensors" -- \
  generate text --model "$TMP/trunc" --prompt hi
mkdir -p "$TMP/nocfg" && cp "$MODEL/model.safetensors" "$TMP/nocfg/"
expect_error "missing config.json" "config.json" -- generate text --model "$TMP/nocfg" --prompt hi
expect_error "non-UTF-8 prompt" "not valid UTF-8 \(at byte 3\)" -- \
  generate text --model "$MODEL" --prompt $'abc\xff'
printf 'ok \xc3' >"$TMP/prompt.txt"
expect_error "non-UTF-8 prompt file" "not valid UTF-8 \(at byte 3\)" -- \
  generate text --model "$MODEL" --prompt-file "$TMP/prompt.txt"
long=$(printf 'x %.0s' $(seq 200))
expect_error "prompt longer than the context" "context holds 128" -- \
  generate text --model "$MODEL" --prompt "$long"
expect_error "bad temperature" "^--temperature: params.temperature must be 0..2 \(got -1\)" -- \
  generate text --model "$MODEL" --prompt hi --temperature -1
expect_error "bad top-p" "^--top-p: params.top_p must be 0..1 \(got 1.5\)" -- generate text --model "$MODEL" --prompt hi --top-p 1.5
expect_error "bad min-p" "^--min-p: params.min_p must be 0..1 \(got 2\)" -- generate text --model "$MODEL" --prompt hi --min-p 2
expect_error "bad repeat penalty" "^--repetition-penalty: params.repetition_penalty must be 1..2 \(got 0\)" -- \
  generate text --model "$MODEL" --prompt hi --repeat-penalty 0
expect_error "bad max tokens" "^--max-tokens: params.max_tokens must be 1..4096 \(got 0\)" -- \
  generate text --model "$MODEL" --prompt hi --max-tokens 0
expect_error "max tokens past 4096" "^--max-tokens: params.max_tokens must be 1..4096 \(got 4097\)" -- \
  generate text --model "$MODEL" --prompt hi --max-tokens 4097
expect_error "empty stop" '^hyv: --stop: params\.stop\[0\] must be 1\.\.256 bytes \(got 0\)' -- \
  generate text --model "$MODEL" --prompt hi --stop ""
# Defaults are the request model's, the same in the studio: 128 tokens for code, min_p 0.05.
"$HYV" generate code --model "$MODEL" --prompt hi --seed 1 --json >"$TMP/code.json" 2>/dev/null ||
  fail "generate code failed"
$PY -c 'import json,sys; p=json.load(open(sys.argv[1]))["params"]; sys.exit(not (p["max_tokens"] == 128 and p["min_p"] == 0.05 and p["top_k"] == 40))' \
  "$TMP/code.json" || fail "code defaults: $(cat "$TMP/code.json")"
expect_error "bad quantize" "--quantize" -- generate text --model "$MODEL" --prompt hi --quantize q4
expect_error "bad kind" "text or code" -- generate poetry --model "$MODEL" --prompt hi
expect_error "no prompt" "--prompt" -- generate text --model "$MODEL"
expect_error "not a number" "temperature" -- \
  generate text --model "$MODEL" --prompt hi --temperature warm

finish generate_test
