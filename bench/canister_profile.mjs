// Where the hyv_ai_engine canister spends its instructions: runs the unshrunk module (it keeps
// function names) with `ic-wasm instrument`'s function trace, makes one generate_start call and
// prints the functions with the most instructions of their own (not counting their callees).
//   node bench/canister_profile.mjs --model DIR [--weights q8] [--prompt TEXT] [--tokens N]
// The trace lives in stable memory from page 8192 on (512 MiB in, past any model we upload), and
// only the last call's trace is read. A profiling aid, not a benchmark: the per-function split of
// ic-wasm's instruction costs (docs/benchmarks.md, canister section).
import { IDL } from '@dfinity/candid';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { IcHost } from '../tools/ic-local/ic_host.mjs';
import { wasmMetadata } from '../tools/ic-local/wasm_metadata.mjs';
import { WasmReader } from '../tools/ic-local/wasm_sections.mjs';

const { values: opt } = parseArgs({
  options: {
    wasm: { type: 'string', default: 'build/canisters/raw/hyv_ai_engine.wasm' },
    model: { type: 'string' },
    weights: { type: 'string', default: 'f32' },
    prompt: { type: 'string', default: 'Hello' },
    tokens: { type: 'string', default: '4' },
    top: { type: 'string', default: '25' },
  },
});
if (!opt.model) throw new Error('usage: canister_profile.mjs --model DIR [--weights q8]');

const TRACE_PAGE = 8192;
const TRACE_PAGES = 4096;
const me = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : i + 1));
const host = new IcHost(opt.wasm, {
  controllers: [me], trace: { startPage: TRACE_PAGE, pages: TRACE_PAGES },
});
host.install(me);
host.growStable(TRACE_PAGE + TRACE_PAGES - host.stableBytes().length / 65536);

const Request = IDL.Record({
  model: IDL.Text, prompt: IDL.Text, max_tokens: IDL.Nat32, temperature: IDL.Float32,
  top_k: IDL.Nat32, top_p: IDL.Float32, min_p: IDL.Float32, repetition_penalty: IDL.Float32,
  seed: IDL.Nat64, stop: IDL.Vec(IDL.Text),
});
const Result = (ok) => IDL.Variant({ Ok: ok, Err: IDL.Text });
function call(method, argType, arg, retType) {
  const r = host.update(method, IDL.encode([argType], [arg]), me);
  if (r.reply === undefined) throw new Error(`${method}: ${JSON.stringify(r)}`);
  const v = IDL.decode([Result(retType)], r.reply)[0];
  if ('Err' in v) throw new Error(`${method}: ${v.Err}`);
  return v.Ok;
}
function upload(name, bytes) {
  const sha256 = [...createHash('sha256').update(bytes).digest()];
  const id = call('model_upload_begin', IDL.Record({ name: IDL.Text, total_bytes: IDL.Nat64, sha256: IDL.Vec(IDL.Nat8) }),
    { name, total_bytes: BigInt(bytes.length), sha256 }, IDL.Nat64);
  for (let at = 0; at < bytes.length; at += 2 << 20) {
    call('model_upload_chunk', IDL.Record({ id: IDL.Nat64, offset: IDL.Nat64, bytes: IDL.Vec(IDL.Nat8) }),
      { id, offset: BigInt(at), bytes: bytes.subarray(at, at + (2 << 20)) }, IDL.Nat64);
  }
  call('model_upload_finish', IDL.Nat64, id, IDL.Reserved);
}
const files = ['config.json', 'model.safetensors'];
files.push(...(existsSync(`${opt.model}/vocab.json`) ? ['vocab.json', 'merges.txt'] : ['tokenizer.json']));
for (const f of files) upload(`m.${f}`, readFileSync(`${opt.model}/${f}`));
if (host.stableBytes().length > (TRACE_PAGE + TRACE_PAGES) * 65536) {
  throw new Error('the model reaches the trace');
}
call('model_load', IDL.Record({ name: IDL.Text, quantize: IDL.Opt(IDL.Text) }),
  { name: 'm', quantize: opt.weights === 'q8' ? ['q8'] : [] }, IDL.Reserved);
{
  const s = host.stableBytes();
  s.fill(0, TRACE_PAGE * 65536);
}
call('generate_start', Request, {
  model: 'm', prompt: opt.prompt, max_tokens: Number(opt.tokens), temperature: 0, top_k: 0,
  top_p: 1, min_p: 0, repetition_penalty: 1, seed: 1n, stop: [],
}, IDL.Reserved);
const total = host.lastInstructions;

// Trace entries: i32 function index (+ on entry, - on exit), i64 counter at that moment.
const stable = host.stableBytes();
const view = new DataView(stable.buffer, stable.byteOffset + TRACE_PAGE * 65536 + 24);
const own = new Map();
const stack = [];
let entries = 0;
for (let at = 0; at + 12 <= (TRACE_PAGES - 1) * 65536; at += 12) {
  const f = view.getInt32(at, true);
  const c = view.getBigInt64(at + 4, true);
  if (f === 0 && c === 0n) break;
  entries += 1;
  if (stack.length > 0) {
    const top = stack.at(-1);
    own.set(top.f, (own.get(top.f) ?? 0n) + c - top.since);
  }
  if (f > 0) {
    stack.push({ f, since: c });
  } else {
    stack.pop();
    if (stack.length > 0) stack.at(-1).since = c;
  }
}

const names = functionNames(host.moduleBytes);
if (names.size === 0) console.log('(no function names in the module)');
const rows = [...own.entries()].sort((a, b) => (a[1] < b[1] ? 1 : -1)).slice(0, Number(opt.top));
const traced = [...own.values()].reduce((a, b) => a + b, 0n);
console.log(`call: ${total} instructions; ${entries} trace entries covering ${traced}`);
for (const [f, n] of rows) {
  console.log(`${(Number(n) / Number(traced) * 100).toFixed(1).padStart(5)}%  ${String(n).padStart(12)}  ${names.get(f) ?? `func ${f}`}`);
}

// instrument turns the name section into a public "icp:public name" section holding Candid
// `vec record { nat16; text }` (function index, name), as its __get_profiling clients expect.
function functionNames(wasm) {
  const names = new Map();
  const section = wasmMetadata(wasm).get('name')?.content;
  const header = '4449444c026d016c02007a0171010';
  if (!section || !Buffer.from(section.subarray(0, 15)).toString('hex').startsWith(header)) {
    return names;
  }
  const r = new WasmReader(section, 15);
  for (let n = r.u32(); n > 0; n--) {
    const idx = section[r.at] | (section[r.at + 1] << 8);
    r.at += 2;
    names.set(idx, r.name());
  }
  return names;
}
