// Instruction counts of the hyv_ai_engine canister, run on the built wasm in the test host
// (tools/ic-local/ic_host.mjs, which counts instructions with `ic-wasm instrument`):
//   node bench/canister.mjs --wasm build/canisters/hyv_ai_engine.wasm --model DIR --weights q8
// Uploads the model folder, loads it, and prints one JSON line with:
//   load_instructions, heap_bytes (wasm memory after the load),
//   prompt_instructions_per_token: (a long prompt's call - a 1-token prompt's call) / extra tokens,
//     both with max_tokens 1, so tokenizing, the batched prefill and the first token's logits;
//   decode_instructions_per_token: (a call making 1 + N tokens - a call making 1) / N;
//   tokens_per_call: new tokens of one generate_start with no token limit but the context's, and
//     that call's instructions (the canister stops when another forward pass might not fit 40B);
//   tokens_per_query: the same for generate_query (5B);
//   after_last_pass_instructions: what that call ran after the canister's last counter read.
// --no-full-call skips the last (it runs ~40B instructions, tens of seconds in Node).
// --costs ic counts with the replica's cost table instead of ic-wasm's (tools/ic-local/ic_costs.mjs).
import { IDL } from '@dfinity/candid';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { IcHost } from '../tools/ic-local/ic_host.mjs';

const { values: opt } = parseArgs({
  options: {
    wasm: { type: 'string', default: 'build/canisters/hyv_ai_engine.wasm' },
    model: { type: 'string' },
    weights: { type: 'string', default: 'f32' },
    label: { type: 'string' },
    'prompt-tokens': { type: 'string', default: '128' },
    'decode-tokens': { type: 'string', default: '32' },
    'no-full-call': { type: 'boolean', default: false },
    costs: { type: 'string', default: 'ic-wasm' },
  },
});
if (!opt.model) throw new Error('usage: canister.mjs --model DIR [--weights f32|q8] [--wasm W]');

const Request = IDL.Record({
  model: IDL.Text, prompt: IDL.Text, max_tokens: IDL.Nat32, temperature: IDL.Float32,
  top_k: IDL.Nat32, top_p: IDL.Float32, min_p: IDL.Float32, repetition_penalty: IDL.Float32,
  seed: IDL.Nat64, stop: IDL.Vec(IDL.Text),
});
const Reply = IDL.Record({
  session: IDL.Nat64, text: IDL.Text, tokens: IDL.Vec(IDL.Nat32), done: IDL.Bool,
  finish_reason: IDL.Text, prompt_tokens: IDL.Nat32, generated_tokens: IDL.Nat32,
  model_sha256: IDL.Text, weights: IDL.Text, request: Request,
});
const Result = (ok) => IDL.Variant({ Ok: ok, Err: IDL.Text });
const METHODS = {
  model_upload_begin: [IDL.Record({ name: IDL.Text, total_bytes: IDL.Nat64, sha256: IDL.Vec(IDL.Nat8) }), Result(IDL.Nat64)],
  model_upload_chunk: [IDL.Record({ id: IDL.Nat64, offset: IDL.Nat64, bytes: IDL.Vec(IDL.Nat8) }), Result(IDL.Nat64)],
  model_upload_finish: [IDL.Nat64, Result(IDL.Reserved)],
  model_load: [IDL.Record({ name: IDL.Text, quantize: IDL.Opt(IDL.Text) }),
    Result(IDL.Record({ name: IDL.Text, sha256: IDL.Text, weights: IDL.Text, parameters: IDL.Nat64 }))],
  generate_start: [Request, Result(Reply)],
  generate_query: [Request, Result(Reply)],
};

const me = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : i + 1));
const host = new IcHost(opt.wasm, { controllers: [me], costs: opt.costs });
host.install(me);

function call(method, arg) {
  const [argType, ret] = METHODS[method];
  const r = host.update(method, IDL.encode([argType], [arg]), me);
  if (r.reply === undefined) throw new Error(`${method}: ${JSON.stringify(r)}`);
  const v = IDL.decode([ret], r.reply)[0];
  if ('Err' in v) throw new Error(`${method}: ${v.Err}`);
  return v.Ok;
}

function upload(name, bytes) {
  const sha256 = [...createHash('sha256').update(bytes).digest()];
  const id = call('model_upload_begin', { name, total_bytes: BigInt(bytes.length), sha256 });
  const chunk = 2 << 20;
  for (let at = 0; at < bytes.length; at += chunk) {
    // A Uint8Array is a blob to @dfinity/candid: no per-byte array for 2 MiB chunks.
    call('model_upload_chunk', { id, offset: BigInt(at), bytes: bytes.subarray(at, at + chunk) });
  }
  call('model_upload_finish', id);
}

const files = ['config.json', 'model.safetensors'];
files.push(...(existsSync(`${opt.model}/vocab.json`) ? ['vocab.json', 'merges.txt'] : ['tokenizer.json']));
for (const f of files) upload(`m.${f}`, readFileSync(`${opt.model}/${f}`));
const loaded = call('model_load', { name: 'm', quantize: opt.weights === 'q8' ? ['q8'] : [] });
const loadInstructions = host.lastInstructions;
const heapBytes = host.heapBytes();
const context = JSON.parse(readFileSync(`${opt.model}/config.json`, 'utf8')).n_positions;

const request = (prompt, maxTokens) => ({
  model: 'm', prompt, max_tokens: maxTokens, temperature: 0, top_k: 0, top_p: 1, min_p: 0,
  repetition_penalty: 1, seed: 1n, stop: [],
});
function start(prompt, maxTokens) {
  const reply = call('generate_start', request(prompt, maxTokens));
  return { reply, instructions: host.lastInstructions };
}

const short = start('Hello', 1);
let longPrompt = '';
const wantPrompt = Number(opt['prompt-tokens']);
while (longPrompt.length < wantPrompt * 2) longPrompt += 'The quick brown fox jumps over the lazy dog. ';
let long = start(longPrompt, 1);
while (long.reply.prompt_tokens < wantPrompt / 2) {
  longPrompt += longPrompt;
  long = start(longPrompt, 1);
}
// Grow or cut the prompt to about the wanted tokens (tokenizers differ in characters per token).
while (long.reply.prompt_tokens > wantPrompt) {
  longPrompt = longPrompt.slice(0, Math.floor(longPrompt.length * wantPrompt / long.reply.prompt_tokens) - 1);
  long = start(longPrompt, 1);
}
const promptPerToken = Number(long.instructions - short.instructions) /
  (long.reply.prompt_tokens - short.reply.prompt_tokens);

const n = Number(opt['decode-tokens']);
const decode = start('Hello', 1 + n);
const made = decode.reply.generated_tokens;
const decodePerToken = Number(decode.instructions - short.instructions) / (made - 1);

const out = {
  label: opt.label ?? opt.model, costs: opt.costs, weights: loaded.weights, parameters: Number(loaded.parameters),
  wasm_bytes: statSync(opt.wasm).size, load_instructions: Number(loadInstructions),
  heap_bytes: heapBytes, context,
  prompt_tokens: long.reply.prompt_tokens, prompt_instructions_per_token: Math.round(promptPerToken),
  decode_tokens: made - 1, decode_instructions_per_token: Math.round(decodePerToken),
  short_call_instructions: Number(short.instructions),
};
{
  const arg = IDL.encode([Request], [request('Hello', Math.min(4096, context - 2))]);
  const r = host.query('generate_query', arg, me);
  if (r.reply === undefined) throw new Error(`generate_query: ${JSON.stringify(r)}`);
  const v = IDL.decode([Result(Reply)], r.reply)[0];
  if ('Err' in v) throw new Error(`generate_query: ${v.Err}`);
  out.tokens_per_query = v.Ok.tokens.length;
  out.query_instructions = Number(host.lastInstructions);
}
if (!opt['no-full-call']) {
  // The counter as the canister last read it (after its last forward pass): what the reply and
  // the rest of the call cost after that is what kReplyReserveInstructions must cover.
  let lastRead = 0n;
  host.performanceCounter = (reads, counted) => {
    lastRead = counted;
    return counted;
  };
  const full = start('Hello', Math.min(4096, context - short.reply.prompt_tokens));
  host.performanceCounter = null;
  out.after_last_pass_instructions = Number(full.instructions - lastRead);
  out.tokens_per_call = full.reply.tokens.length;
  out.full_call_finish = full.reply.finish_reason || 'budget';
  out.full_call_instructions = Number(full.instructions);
}
console.log(JSON.stringify(out));
