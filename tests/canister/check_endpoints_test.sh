#!/usr/bin/env bash
# The built canisters (hyv_ai_engine, hyv_generator) match their interfaces and import only the IC
# system API:
# - `ic-wasm check-endpoints` against hosts/canister/hyv_ai_engine.did passes, and (negative
#   control) fails for an interface missing a method, so the check has teeth;
# - the embedded `candid:service` metadata is exactly that .did file;
# - every import of the module is from "ic0" (anything else makes the IC refuse to install it).
# Usage (from the repo root): bash tests/canister/check_endpoints_test.sh path/to/hyv
# The canister comes from `make canisters`, next to the binary: <dir of hyv>/canisters/ (build/...
# for build/hyv). This script builds nothing.
set -euo pipefail

hyv="${1:?usage: check_endpoints_test.sh path/to/hyv}"
dir="$(dirname "$hyv")/canisters"
ic_wasm=node_modules/@icp-sdk/ic-wasm-linux-x64/bin/ic-wasm
export RUST_BACKTRACE=0

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# check NAME CONTROL_METHOD [EXPORT...]: one canister; the negative control drops CONTROL_METHOD
# from its .did; EXPORTs are further IC entry points it has (canister_global_timer).
check() {
local name="$1" control="$2"
shift 2
local wasm="$dir/$name.wasm"
local raw="$dir/raw/$name.wasm"  # the same module before ic-wasm embedded the interface
local did="hosts/canister/$name.did"
for f in "$wasm" "$raw"; do
  if [ ! -f "$f" ]; then
    echo "FAIL: $f is missing; build it with 'make canisters' (the test does not build it)" >&2
    exit 1
  fi
done

# Exports that are not Candid methods: the IC's entry points, the reactor's _initialize and the
# WASI shim's output buffer (hosts/wasm/wasi_shim.cpp), which the IC ignores.
printf '%s\n' canister_init canister_pre_upgrade canister_post_upgrade _initialize hyv_output_ptr \
  hyv_output_len "$@" > "$tmp/hidden.txt"

"$ic_wasm" "$wasm" check-endpoints --candid "$did" --hidden "$tmp/hidden.txt"

# With metadata embedded, ic-wasm checks against that, so the control uses the module without it.
grep -v "$control" "$did" > "$tmp/missing_method.did"
if "$ic_wasm" "$raw" check-endpoints --candid "$tmp/missing_method.did" \
     --hidden "$tmp/hidden.txt" > "$tmp/control.log" 2>&1; then
  echo "FAIL: check-endpoints accepted an interface without $control" >&2
  exit 1
fi
grep -q "$control" "$tmp/control.log" || { cat "$tmp/control.log" >&2; exit 1; }
"$ic_wasm" "$raw" check-endpoints --candid "$did" --hidden "$tmp/hidden.txt" > /dev/null

"$ic_wasm" "$wasm" metadata candid:service > "$tmp/embedded.did"
# (ic-wasm prints the metadata with one more line end; trailing line ends are not compared.)
if [ "$(cat "$did")" != "$(cat "$tmp/embedded.did")" ]; then
  echo "FAIL: candid:service metadata differs from $did" >&2
  diff "$did" "$tmp/embedded.did" >&2 || true
  exit 1
fi
"$ic_wasm" "$wasm" metadata | grep -q 'icp:public candid:service' ||
  { echo "FAIL: candid:service is not public metadata" >&2; exit 1; }

node --input-type=module - "$wasm" <<'JS'
import { readFileSync } from 'node:fs';
const module = new WebAssembly.Module(readFileSync(process.argv[2]));
const imports = WebAssembly.Module.imports(module);
const foreign = imports.filter((i) => i.module !== 'ic0');
if (foreign.length > 0) {
  console.error('FAIL: imports outside ic0:', foreign.map((i) => `${i.module}.${i.name}`).join(', '));
  process.exit(1);
}
if (imports.length === 0) {
  console.error('FAIL: no ic0 imports at all; is this the canister module?');
  process.exit(1);
}
console.log(`imports: ${imports.map((i) => i.name).join(', ')}`);
JS
echo "$name: ok"
}

check hyv_ai_engine model_delete
check hyv_generator job_cancel canister_global_timer
echo "check_endpoints: ok"
