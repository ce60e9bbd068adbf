// T5Session in Node's WebAssembly runtime against the native CLI, on a folder in
// Salesforce/codet5-small's layout (tests/fixtures/tiny-codet5): the same tokens for sampling
// and beam search, q8 and f32, with the wasm session serialised and restored after every token.
//
//   node tests/wasm/t5_session_parity_test.mjs WASM_MODULE HYV
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const [wasmPath, hyv] = process.argv.slice(2);
const DIR = "tests/fixtures/tiny-codet5";
const TEXT_FILES = [
  "config.json",
  "vocab.json",
  "merges.txt",
  "added_tokens.json",
  "special_tokens_map.json",
  "tokenizer_config.json",
];
const PROMPTS = [
  "Return the sum of a and b.",
  "Sort the list in place",
  "déf 数据 😀 (x)",
];
const RUNS = [
  { beams: 1, temperature: 0, seed: 1, lengthPenalty: 1 },
  { beams: 1, temperature: 0.8, seed: 5, lengthPenalty: 1 },
  { beams: 3, temperature: 0.8, seed: 1, lengthPenalty: 1 },
  { beams: 4, temperature: 0.8, seed: 1, lengthPenalty: 0.6 },
];
const MAX_TOKENS = 20;
let failures = 0;
let compared = 0;

const instance = new WebAssembly.Instance(
  new WebAssembly.Module(readFileSync(wasmPath)),
  {},
);
const wasm = instance.exports;
wasm._initialize();
const bytes = () => new Uint8Array(wasm.memory.buffer);

function copyIn(data) {
  const ptr = wasm.hyv_alloc(Math.max(1, data.byteLength));
  bytes().set(
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    ptr,
  );
  return ptr;
}

function lastError() {
  const ptr = wasm.hyv_error_ptr();
  return Buffer.from(bytes().slice(ptr, ptr + wasm.hyv_error_len())).toString(
    "utf8",
  );
}

function load(quantize) {
  const parts = TEXT_FILES.map((f) => readFileSync(path.join(DIR, f)));
  const text = Buffer.concat(
    parts.flatMap((p, i) => (i ? [Buffer.from([0]), p] : [p])),
  );
  const weights = readFileSync(path.join(DIR, "model.safetensors"));
  const [t, w] = [copyIn(text), copyIn(weights)];
  const rc = wasm.hyv_t5_folder_load(
    t,
    text.length,
    w,
    weights.length,
    quantize,
  );
  [t, w].forEach((p) => wasm.hyv_free(p));
  if (rc < 0) throw new Error(`loading ${DIR}: ${lastError()}`);
}

function wasmTokens(prompt, run) {
  const p = copyIn(Buffer.from(prompt, "utf8"));
  const out = wasm.hyv_alloc(MAX_TOKENS * 4);
  const n = wasm.hyv_t5_folder_generate(
    p,
    Buffer.byteLength(prompt, "utf8"),
    run.beams,
    run.lengthPenalty,
    run.temperature,
    run.seed,
    MAX_TOKENS,
    out,
  );
  const ids =
    n < 0
      ? null
      : Array.from(new Int32Array(bytes().slice(out, out + n * 4).buffer));
  [p, out].forEach((ptr) => wasm.hyv_free(ptr));
  if (n < 0) throw new Error(lastError());
  return ids;
}

function nativeTokens(prompt, run, quantize) {
  const args = [
    "generate",
    "code",
    "--model",
    DIR,
    "--prompt",
    prompt,
    "--raw",
    "--json",
  ];
  args.push(
    "--max-tokens",
    String(MAX_TOKENS),
    "--temperature",
    String(run.temperature),
  );
  args.push("--seed", String(run.seed), "--beams", String(run.beams));
  args.push(
    "--length-penalty",
    String(run.lengthPenalty),
    "--quantize",
    quantize ? "q8" : "none",
  );
  return JSON.parse(execFileSync(hyv, args, { encoding: "utf8" })).tokens;
}

for (const quantize of [1, 0]) {
  load(quantize);
  for (const prompt of PROMPTS) {
    for (const run of RUNS) {
      const what = `${quantize ? "q8" : "f32"} beams ${run.beams} t ${run.temperature} "${prompt}"`;
      const [a, b] = [
        wasmTokens(prompt, run),
        nativeTokens(prompt, run, quantize),
      ];
      compared += 1;
      if (a.length === 0 || JSON.stringify(a) !== JSON.stringify(b)) {
        console.error(
          `FAIL: ${what}: wasm ${JSON.stringify(a)} native ${JSON.stringify(b)}`,
        );
        failures += 1;
      }
    }
  }
}
if (failures > 0) process.exit(1);
console.log(
  `t5_session_parity_test: ${compared} runs, the same tokens in wasm and natively`,
);
