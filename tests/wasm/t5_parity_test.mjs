// T5 in Node's WebAssembly runtime against the native engine and the numpy reference.
//
//   node tests/wasm/t5_parity_test.mjs WASM_MODULE NATIVE_LOGITS_DIR
//
// NATIVE_LOGITS_DIR holds what the native T5 unit test wrote for each fixture case
// (<fixture>.<case>.<q8|f32>.f32, decoded one token per call). q8 must match it bit for bit (the
// verifiable-generation promise); f32 (FMA natively, none in wasm) within 1e-4 of the reference.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [wasmPath, nativeDir] = process.argv.slice(2);
const FIXTURES = ['tiny-t5', 'tiny-t5-gated'];
let failures = 0;
const fail = (message) => {
  console.error(`FAIL: ${message}`);
  failures += 1;
};

const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath)), {});
const wasm = instance.exports;
wasm._initialize();
const bytes = () => new Uint8Array(wasm.memory.buffer);

function copyIn(data) {
  const ptr = wasm.hyv_alloc(data.byteLength);
  bytes().set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), ptr);
  return ptr;
}

function lastError() {
  const ptr = wasm.hyv_error_ptr();
  return Buffer.from(bytes().slice(ptr, ptr + wasm.hyv_error_len())).toString('utf8');
}

function load(dir, quantize) {
  const config = readFileSync(path.join(dir, 'config.json'));
  const weights = readFileSync(path.join(dir, 'model.safetensors'));
  const [c, w] = [copyIn(config), copyIn(weights)];
  const handle = wasm.hyv_t5_load(c, config.length, w, weights.length, quantize);
  wasm.hyv_free(c);
  wasm.hyv_free(w);
  if (handle < 0) throw new Error(`loading ${dir}: ${lastError()}`);
  return handle;
}

// Runs fn(sourcePtr, n, targetPtr, outPtr) with the ids copied in and outFloats of room.
function withIds(source, target, outInts, fn) {
  const s = copyIn(Int32Array.from(source));
  const t = copyIn(Int32Array.from(target));
  const out = wasm.hyv_alloc(outInts * 4);
  const n = fn(s, t, out);
  const result = n < 0 ? null : new Uint8Array(bytes().slice(out, out + outInts * 4)).buffer;
  [s, t, out].forEach((p) => wasm.hyv_free(p));
  if (n < 0) throw new Error(lastError());
  return result;
}

for (const name of FIXTURES) {
  const dir = path.join('tests/fixtures', name);
  const index = JSON.parse(readFileSync(path.join(dir, 'reference/index.json'), 'utf8'));
  const vocab = index.vocab_size;
  for (const [label, quantize] of [
    ['f32', 0],
    ['q8', 1],
  ]) {
    const handle = load(dir, quantize);
    index.cases.forEach((c, i) => {
      const what = `${name} ${label} source of ${c.source.length}`;
      const logits = new Float32Array(
        withIds(c.source, c.target, c.target.length * vocab, (s, t, out) =>
          wasm.hyv_t5_logits(handle, s, c.source.length, t, c.target.length, out),
        ),
      );
      const native = readFileSync(path.join(nativeDir, `${name}.${i}.${label}.f32`));
      if (label === 'q8') {
        if (Buffer.compare(Buffer.from(logits.buffer), native) !== 0) {
          fail(`${what}: wasm q8 logits differ from the native build's bits`);
        }
      } else {
        const raw = readFileSync(path.join(dir, 'reference', c.logits));
        const ref = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
        let worst = 0;
        ref.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - logits[j]))));
        if (!(worst <= 1e-4)) fail(`${what}: wasm f32 logits are ${worst} from the reference`);
      }
      const greedy = Array.from(
        new Int32Array(
          withIds(c.source, [0], c.greedy.length, (s, _t, out) =>
            wasm.hyv_t5_greedy(handle, s, c.source.length, c.greedy.length, out),
          ),
        ),
      );
      if (JSON.stringify(greedy) !== JSON.stringify(c.greedy)) {
        fail(`${what}: greedy ${JSON.stringify(greedy)}, reference ${JSON.stringify(c.greedy)}`);
      }
    });
    console.log(`ok ${name} ${label}: ${index.cases.length} cases`);
  }
}
process.exit(failures === 0 ? 0 : 1);
