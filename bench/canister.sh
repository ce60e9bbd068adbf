#!/usr/bin/env bash
# Canister benchmark: counted instructions of the built hyv_ai_engine canister in the test host
# (tools/ic-local/ic_host.mjs), for the bundled model and the DistilGPT-2-shaped random checkpoint,
# f32 and q8, each counted twice: with the replica's cost table (tools/ic-local/ic_costs.mjs) and
# with `ic-wasm instrument`'s (what the tests use):
#   bench/canister.sh
# Writes the random checkpoint when missing (bench/models/make_distilgpt2_random.py, as
# bench/engine.sh does), builds nothing else: run `make canisters` first. Prints one JSON line per
# configuration (bench/canister.mjs says what each figure is) and a table (docs/benchmarks.md).
# Instruction counts do not depend on the machine or its load; only the wall time does.
# Environment: WASM (default build/canisters/hyv_ai_engine.wasm), MODEL (default
# build/bench-models/distilgpt2-random), PYTHON (Debian's, with numpy).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM=${WASM:-build/canisters/hyv_ai_engine.wasm}
MODEL=${MODEL:-build/bench-models/distilgpt2-random}
PYTHON=${PYTHON:-/usr/bin/python3}

if [ ! -f "$WASM" ]; then
  echo "bench/canister.sh: $WASM is missing; run 'make canisters' first" >&2
  exit 1
fi
if [ ! -f "$MODEL/model.safetensors" ]; then
  "$PYTHON" bench/models/make_distilgpt2_random.py --out "$MODEL"
fi

mkdir -p build/bench-results
out="build/bench-results/canister-$(date +%Y%m%d-%H%M%S).jsonl"
for config in "models/text-small text-small" "$MODEL distilgpt2-shape"; do
  set -- $config
  for weights in f32 q8; do
    for costs in ic ic-wasm; do
      echo "canister benchmark: $2 $weights, $costs costs" >&2
      node bench/canister.mjs --wasm "$WASM" --model "$1" --weights "$weights" --label "$2" \
        --costs "$costs"
    done
  done
done | tee "$out"

node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
const b = (n) => (n / 1e9).toFixed(3);
const m = (n) => (n / 1e6).toFixed(1);
console.log("\n| model | weights | costs | prompt, B instr./token | generated, B instr./token | tokens per update call | tokens per query | model_load, B instr. | heap after load, MiB |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  const perCall = r.full_call_finish === "budget" ? `${r.tokens_per_call}` :
    `${r.tokens_per_call} (all the context allows: ${r.full_call_finish}, ${b(r.full_call_instructions)}B)`;
  console.log(`| ${r.label} | ${r.weights} | ${r.costs} | ${b(r.prompt_instructions_per_token)} | ${b(r.decode_instructions_per_token)} | ${perCall} | ${r.tokens_per_query} | ${b(r.load_instructions)} | ${m(r.heap_bytes / 1.048576)} |`);
}
console.log(`\nwasm: ${rows[0].wasm_bytes} bytes; JSON lines in ${process.argv[1]}`);
' "$out"
