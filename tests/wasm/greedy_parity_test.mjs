// Greedy generation in Node's WebAssembly runtime must give the same token ids as the native `hyv`.
//
//   node tests/wasm/greedy_parity_test.mjs HYV_BINARY WASM_MODULE MODEL_DIR
//
// The module is the engine core built for wasm32-wasi (hosts/wasm, `make wasm`). It is instantiated
// with an empty import object: a canister may import only ic0.*, so the module must import nothing.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [hyvBinary, wasmPath, modelDir] = process.argv.slice(2);
const MAX_TOKENS = 24;
const PROMPTS = ['The', 'Hello, world! This is', 'def main():\n    return', '  numbers 12345 and émoji 🙂'];

let failures = 0;
function fail(message) {
  console.error(`FAIL: ${message}`);
  failures += 1;
}

const module = new WebAssembly.Module(readFileSync(wasmPath));
const imports = WebAssembly.Module.imports(module);
if (imports.length !== 0) {
  const names = imports.map((i) => `${i.module}.${i.name} (${i.kind})`).join(', ');
  fail(`the module imports ${imports.length} item(s), a canister can provide none of them: ${names}`);
  process.exit(1);
}
const instance = new WebAssembly.Instance(module, {});
const wasm = instance.exports;
wasm._initialize();

// Views must be made after each call: memory.grow detaches the old ArrayBuffer.
const bytes = () => new Uint8Array(wasm.memory.buffer);
const ints = () => new Int32Array(wasm.memory.buffer);

function copyIn(data) {
  const ptr = wasm.hyv_alloc(data.length);
  bytes().set(data, ptr);
  return [ptr, data.length];
}

function lastError() {
  const ptr = wasm.hyv_error_ptr();
  return Buffer.from(bytes().slice(ptr, ptr + wasm.hyv_error_len())).toString('utf8');
}

function loadModel(files, quantize) {
  const args = files.flatMap(copyIn);
  const handle = wasm.hyv_model_load(...args, quantize);
  for (let i = 0; i < args.length; i += 2) wasm.hyv_free(args[i]);
  return handle;
}

function generateGreedy(handle, prompt, stepTokens) {
  const [promptPtr, promptLen] = copyIn(Buffer.from(prompt, 'utf8'));
  const capacity = MAX_TOKENS;
  const out = wasm.hyv_alloc(capacity * 4);
  const n = wasm.hyv_generate_greedy(handle, promptPtr, promptLen, MAX_TOKENS, stepTokens, out,
                                     capacity);
  const ids = n < 0 ? null : Array.from(ints().slice(out / 4, out / 4 + Math.min(n, capacity)));
  wasm.hyv_free(promptPtr);
  wasm.hyv_free(out);
  if (n < 0) throw new Error(`wasm generation failed for ${JSON.stringify(prompt)}: ${lastError()}`);
  return ids;
}

function promptLength(handle, prompt) {
  const [promptPtr, promptLen] = copyIn(Buffer.from(prompt, 'utf8'));
  const n = wasm.hyv_encode(handle, promptPtr, promptLen, 0, 0);
  wasm.hyv_free(promptPtr);
  return n;
}

function nativeRun(prompt, quantize) {
  const args = ['generate', 'text', '--model', modelDir, '--prompt', prompt, '--temperature', '0',
                '--max-tokens', String(MAX_TOKENS), '--json'];
  if (quantize) args.push('--quantize', 'q8');
  const stdout = execFileSync(hyvBinary, args, { encoding: 'utf8' });
  const result = JSON.parse(stdout);
  if (!Array.isArray(result.tokens)) {
    throw new Error(`native --json output has no "tokens" array: ${stdout.slice(0, 300)}`);
  }
  return result;
}

const files = ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt'].map(
    (name) => readFileSync(path.join(modelDir, name)));

for (const [label, quantize] of [['fp32', 0], ['q8', 1]]) {
  const handle = loadModel(files, quantize);
  if (handle < 0) {
    fail(`${label}: loading ${modelDir} in wasm failed: ${lastError()}`);
    continue;
  }
  for (const prompt of PROMPTS) {
    // Steps of 5 tokens with serialize/restore between them, as across canister calls.
    const wasmIds = generateGreedy(handle, prompt, 5);
    const native = nativeRun(prompt, quantize === 1);
    const nativeIds = native.tokens;
    const wasmPromptTokens = promptLength(handle, prompt);
    if (wasmPromptTokens !== native.prompt_tokens) {
      fail(`${label} ${JSON.stringify(prompt)}: the prompt is ${wasmPromptTokens} tokens in wasm, ` +
           `${native.prompt_tokens} natively`);
    }
    if (JSON.stringify(wasmIds) !== JSON.stringify(nativeIds)) {
      fail(`${label} ${JSON.stringify(prompt)}:\n  wasm   ${JSON.stringify(wasmIds)}\n` +
           `  native ${JSON.stringify(nativeIds)}`);
    } else {
      console.log(`ok ${label} ${JSON.stringify(prompt)}: ${wasmIds.length} tokens`);
    }
  }
  // One step for the whole generation must give what many small resumed steps gave.
  const whole = generateGreedy(handle, PROMPTS[1], MAX_TOKENS);
  const pieces = generateGreedy(handle, PROMPTS[1], 1);
  if (JSON.stringify(whole) !== JSON.stringify(pieces)) {
    fail(`${label}: one step gave ${JSON.stringify(whole)}, single-token steps gave ` +
         `${JSON.stringify(pieces)}`);
  }
}

// A corrupt model file is an error the host can report, not a trap.
const truncated = files.slice();
truncated[1] = files[1].subarray(0, Math.floor(files[1].length / 2));
if (loadModel(truncated, 0) >= 0) {
  fail('a truncated model.safetensors loaded without error');
} else if (lastError().length === 0) {
  fail('a truncated model.safetensors failed without a message');
} else {
  console.log(`ok truncated model.safetensors is rejected: ${lastError()}`);
}

console.log(`module: ${path.basename(wasmPath)}, ${readFileSync(wasmPath).length} bytes, no imports`);
process.exit(failures === 0 ? 0 : 1);
