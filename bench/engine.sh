#!/usr/bin/env bash
# Engine benchmark, ours beside ONNX Runtime on the same DistilGPT-2-shaped weights, in one run:
#   bench/engine.sh
# Builds gpt2_bench, writes the random checkpoint and its ONNX export when missing, runs the
# memory-bandwidth probe, our engine (fp32 and q8) and ONNX Runtime (fp32) at 1 and 2 threads,
# ROUNDS times in turn, and prints the median of each figure as a table (docs/benchmarks.md).
# Environment: BUILD (build folder, default build), ROUNDS (default 3), THREADS (default "1 2"),
# MODEL (default build/bench-models/distilgpt2-random), PYTHON (Debian's, with torch and numpy).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-1 2}
MODEL=${MODEL:-build/bench-models/distilgpt2-random}
PYTHON=${PYTHON:-/usr/bin/python3}

if [ ! -f "$MODEL/model.safetensors" ]; then
  "$PYTHON" bench/models/make_distilgpt2_random.py --out "$MODEL"
fi
if [ ! -f "$MODEL/onnx/model.onnx" ]; then
  "$PYTHON" bench/models/export_onnx.py --model "$MODEL"
fi
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$BUILD" --target gpt2_bench > /dev/null

# CPU ticks (USER_HZ) the whole machine spent busy, and those this shell's finished children spent:
# their difference over the run is what other processes took from the 2 cores we measure on.
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
child_ticks() { awk '{print $16 + $17}' "/proc/$$/stat"; }

mkdir -p build/bench-results
out="build/bench-results/engine-$(date +%Y%m%d-%H%M%S).jsonl"
echo "engine benchmark: load average $(cut -d' ' -f1-3 /proc/loadavg) before; JSON lines in $out" >&2
{
  printf '{"machine":"%s","cores":%s,"load_before":"%s"}\n' \
    "$(lscpu | sed -n 's/^Model name: *//p')" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  busy0=$(busy_ticks) child0=$(child_ticks) start=$(date +%s.%N)
  for round in $(seq "$ROUNDS"); do
    echo "round $round of $ROUNDS" >&2
    "$BUILD/bench/gpt2_bench" --only bandwidth --threads "$(echo "$THREADS" | tr ' ' ',')"
    # One process per configuration, so that each peak RSS is its own.
    for t in $THREADS; do
      for w in f32 q8; do
        "$BUILD/bench/gpt2_bench" --only model --model "$MODEL" --weights "$w" --threads "$t"
      done
      node bench/ort_gpt2.mjs --model "$MODEL" --threads "$t"
    done
  done
  printf '{"load_after":"%s","others_cores":%s}\n' "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(awk -v b="$(( $(busy_ticks) - busy0 ))" -v c="$(( $(child_ticks) - child0 ))" \
      -v s="$start" -v e="$(date +%s.%N)" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "%.2f", (b - c) / hz / (e - s) }')"
} > "$out"
node bench/engine_table.mjs "$out"
