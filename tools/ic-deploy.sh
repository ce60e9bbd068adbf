#!/usr/bin/env bash
# Deploys the Hyv dapp with icp-cli (npm @icp-sdk/icp-cli, pinned in package.json) to an
# environment of icp.yaml: creates and installs the engines and the generator (and the frontend,
# which needs the network to fetch DFINITY's asset-canister recipe), uploads the bundled models
# (models/text-small, models/code-small) to every engine in 2 MiB chunks, loads them, makes each
# engine trust the generator, and registers engines and models with the generator.
#   tools/ic-deploy.sh local       a local network (icp network start -d first)
#   tools/ic-deploy.sh ic          mainnet: needs an identity with cycles
# Environment: ENGINES="hyv_ai_engine hyv_ai_engine_2" (icp.yaml names), QUANTIZE=q8|none (q8),
# FRONTEND=0 to skip the asset canister. Not run against a real network by our tests (no network
# here); each step it takes is a documented icp-cli command.
set -euo pipefail
cd "$(dirname "$0")/.."

env_name="${1:?usage: tools/ic-deploy.sh ENVIRONMENT (local or ic)}"
engines=(${ENGINES:-hyv_ai_engine hyv_ai_engine_2})
quantize="${QUANTIZE:-q8}"
icp=node_modules/@icp-sdk/icp-cli-linux-x64/bin/icp
[ -x "$icp" ] || icp=icp
chunk=$((2 * 1024 * 1024))
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

call() {  # canister method candid-args
  "$icp" canister call -e "$env_name" "$1" "$2" "$3"
}
call_file() {  # canister method file
  "$icp" canister call -e "$env_name" "$1" "$2" --args-file "$3" --args-format bin
}
canister_id() {
  "$icp" canister status -e "$env_name" -i "$1" | tail -1
}
ok_nat() {  # the nat64 of an `(variant { Ok = N : nat64 })` reply, or fail with the reply
  local out="$1"
  if ! grep -q 'Ok' <<< "$out"; then echo "hyv: $out" >&2; exit 1; fi
  grep -o 'Ok = [0-9_]*' <<< "$out" | head -1 | tr -dc '0-9'
}

make canisters web
canisters=("${engines[@]}" hyv_generator)
[ "${FRONTEND:-1}" = 1 ] && canisters+=(hyv_frontend)
"$icp" deploy -e "$env_name" "${canisters[@]}"
generator="$(canister_id hyv_generator)"

upload_model() {  # engine model-name folder
  local engine="$1" model="$2" dir="$3"
  for file in config.json model.safetensors vocab.json merges.txt; do
    local path="$dir/$file" size offset=0 id
    size=$(stat -c %s "$path")
    node tools/ic_call_args.mjs upload-begin "$model.$file" "$path" "$tmp/begin"
    id=$(ok_nat "$(call_file "$engine" model_upload_begin "$tmp/begin")")
    while [ "$offset" -lt "$size" ]; do
      node tools/ic_call_args.mjs upload-chunk "$id" "$path" "$offset" "$tmp/chunk"
      ok_nat "$(call_file "$engine" model_upload_chunk "$tmp/chunk")" > /dev/null
      offset=$((offset + chunk))
      echo "hyv: $engine: $model.$file $((offset < size ? offset : size))/$size bytes"
    done
    call "$engine" model_upload_finish "($id : nat64)" | grep -q Ok
  done
  until call "$engine" model_load "(record { name = \"$model\"; quantize = opt \"$quantize\" })" |
      tee "$tmp/load" | grep -q 'Ok'; do
    grep -q Pending "$tmp/load" || { cat "$tmp/load" >&2; exit 1; }
  done
}

for engine in "${engines[@]}"; do
  upload_model "$engine" text-small models/text-small
  upload_model "$engine" code-small models/code-small
  call "$engine" generators_add "(principal \"$generator\")"
  call hyv_generator engine_add "(principal \"$(canister_id "$engine")\")"
done
for m in text:text-small code:code-small; do
  type="${m%%:*}" name="${m#*:}"
  sha=$(node tools/ic_call_args.mjs sha256 "models/$name/model.safetensors")
  call hyv_generator model_register \
    "(record { name = \"$name\"; data_type = \"$type\"; sha256 = \"$sha\"; is_default = true })"
done
call hyv_generator engines_list '()'
echo "hyv: deployed to $env_name; the generator is $generator"
