#!/usr/bin/env bash
# Installs everything Hyv needs on a fresh Debian 12 machine: Debian packages (apt) and the npm
# packages in package.json (test and benchmark oracles). Skips what is already there.
#   tools/install-deps.sh          what building, running and testing need
#   tools/install-deps.sh --dev    also torch and wrk, for benchmarks, model training and fixture
#                                  scripts
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  rapidjson-dev libcli11-dev libssl-dev libcpp-httplib-dev libsqlite3-dev libgtest-dev libgmock-dev
  libbenchmark-dev
  clang lld llvm wasi-libc libc++-dev-wasm32 libclang-rt-dev-wasm32
  libclang-rt-14-dev  # libFuzzer and clang's sanitizer runtimes, for make fuzz (only recommended by clang)
  python3 python3-numpy  # numpy: the independent reference of the T5 shape test
  python3-sentencepiece  # the oracle of the T5 (SentencePiece unigram) tokenizer's tests
  python3-regex  # \p{L} for the independent CodeT5 byte-level BPE encoder (tools/reference/bpe_reference.py)
  chromium  # the studio's end-to-end tests drive it through playwright-core
)
# Node.js may come from elsewhere than Debian (its npm then conflicts with Debian's): only install
# Debian's when there is no node or npm at all.
command -v node > /dev/null && command -v npm > /dev/null || APT_PACKAGES+=(nodejs npm)
if [ "${1:-}" = "--dev" ]; then
  APT_PACKAGES+=(python3-torch wrk)
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "hyv: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages: only when package-lock.json changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "hyv: installing npm packages"
  ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci --no-audit --no-fund --loglevel=error
fi

# The web app's npm packages (web/package-lock.json), the same way.
if [ -f web/package-lock.json ] && { [ ! -f web/node_modules/.package-lock.json ] ||
  [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; }; then
  echo "hyv: installing the web app's npm packages"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
