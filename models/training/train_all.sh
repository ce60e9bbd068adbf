#!/usr/bin/env bash
# Rebuilds the bundled models from scratch: corpus -> BPE vocabulary (hyv tokenizer train) ->
# token ids (hyv tokenize) -> GPT-2 training (train_gpt2.py) -> Hugging Face folder.
#
#   models/training/train_all.sh [text|code]...     (default: both)
#
# Results go to models/cache/<kind>/model; copy them over models/text-small and models/code-small
# to update the bundled ones (COPY=1 does it). Scratch files stay in models/cache (gitignored).
# Not part of `make test`: it takes about half an hour per model on one core.
#
# Environment: BUILD (the build folder for hyv, default build), HYV (an hyv binary to use instead of
# building one), THREADS (torch threads per run,
# default 1), PARALLEL=1 trains the models at the same time, MAX_MINUTES (a wall-clock guard per
# model; the step count below is what reproduces the bundled weights when the guard is not hit).
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
THREADS=${THREADS:-1}
MAX_MINUTES=${MAX_MINUTES:-0}
CACHE=models/cache
PY=/usr/bin/python3
KINDS=("$@")
[ ${#KINDS[@]} -eq 0 ] && KINDS=(text code)

# Debian packages: the corpora (Python's HTML docs, fortunes) and torch.
need=()
for p in python3.11-doc fortunes fortunes-min python3-torch python3-numpy; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# Debian's torch calls the system BLAS, which is the slow reference one unless OpenBLAS is
# installed. Unpacking OpenBLAS here and pointing only these runs at it (7x faster matmuls on one
# core) leaves the system's BLAS choice alone.
OPENBLAS="$PWD/$CACHE/openblas/usr/lib/x86_64-linux-gnu/openblas-serial"
if [ ! -f "$OPENBLAS/libblas.so.3" ]; then
  mkdir -p "$CACHE/openblas"
  (cd "$CACHE/openblas" && apt-get download libopenblas0-serial && dpkg -x libopenblas0-serial_*.deb .)
fi
export LD_LIBRARY_PATH="$OPENBLAS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

if [ -z "${HYV:-}" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$BUILD" --target hyv
  HYV="$BUILD/hyv"
fi

# Per model: vocabulary size, then train_gpt2.py's shape and schedule.
declare -A VOCAB=([text]=4096 [code]=4096)
declare -A TRAIN_ARGS=(
  [text]="--n-layer 4 --n-head 4 --n-embd 256 --n-positions 256 --batch 8 --steps 1500 --lr 2e-3 --warmup 100 --seed 1234"
  [code]="--n-layer 4 --n-head 4 --n-embd 256 --n-positions 256 --batch 8 --steps 1500 --lr 2e-3 --warmup 100 --seed 1234"
)
declare -A TARGET=([text]=models/text-small [code]=models/code-small)

prepare() {
  local kind=$1 dir=$CACHE/$1
  "$PY" models/training/build_corpus.py "$kind" "$dir"
  "$HYV" tokenizer train --vocab-size "${VOCAB[$kind]}" -o "$dir/tokenizer" "$dir/train.txt"
  local eot
  eot=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["<|endoftext|>"])' "$dir/tokenizer/vocab.json")
  for split in train heldout; do
    "$HYV" tokenize --tokenizer "$dir/tokenizer" < "$dir/$split.eot.txt" |
      "$PY" models/training/ids_to_u16.py "$dir/$split.u16" "$eot"
  done
}

train() {
  local kind=$1 dir=$CACHE/$1
  local heldout_bytes
  heldout_bytes=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["heldout"]["bytes"])' "$dir/corpus.json")
  # shellcheck disable=SC2086
  "$PY" models/training/train_gpt2.py --train "$dir/train.u16" --heldout "$dir/heldout.u16" \
    --heldout-bytes "$heldout_bytes" --tokenizer "$dir/tokenizer" --out "$dir/model" \
    --threads "$THREADS" --max-minutes "$MAX_MINUTES" ${TRAIN_ARGS[$kind]} 2>&1 | tee "$dir/train.log"
  "$PY" models/training/write_card.py "$kind" "$dir/model" "$dir"
  if [ "${COPY:-0}" = 1 ]; then
    mkdir -p "${TARGET[$kind]}"
    cp "$dir"/model/{config.json,model.safetensors,vocab.json,merges.txt,tokenizer.json,tokenizer_config.json,training.json,README.md} "${TARGET[$kind]}/"
  fi
}

for kind in "${KINDS[@]}"; do prepare "$kind"; done
if [ "${PARALLEL:-0}" = 1 ]; then
  pids=()
  for kind in "${KINDS[@]}"; do train "$kind" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid"; done
else
  for kind in "${KINDS[@]}"; do train "$kind"; done
fi
