// Model setup (model_load) and generation (generate_start / generate_continue) in the
// hyv_ai_engine canister, run on the built wasm through the test host (ic_host.mjs). The oracle
// for every generated token is the native CLI (`hyv generate text ... --json`) on the same model
// folder; arguments and replies go through npm @dfinity/candid and digests through Node's crypto.
// The host counts instructions (ic-wasm instrument); some tests replace the count with a fixture
// (see ic_host.mjs) that reports the whole 40B limit after a few reads, which forces a generation,
// and a long prompt's prefill, across several calls.
// Usage: node tests/canister/generate_test.mjs canister.wasm path/to/hyv model-folder
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { IcHost, ANONYMOUS } from '../../tools/ic-local/ic_host.mjs';
import { runCases } from './run_cases.mjs';

const [wasmPath, hyvPath, folder] = process.argv.slice(2);
if (!wasmPath || !hyvPath || !folder) {
  throw new Error('usage: generate_test.mjs canister.wasm hyv model-folder');
}

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
const GenerateResult = IDL.Variant({ Ok: Reply, Err: IDL.Text });
const METHODS = {
  model_upload_begin: [[IDL.Record({ name: IDL.Text, total_bytes: IDL.Nat64, sha256: IDL.Vec(IDL.Nat8) })],
    IDL.Variant({ Ok: IDL.Nat64, Err: IDL.Text })],
  model_upload_chunk: [[IDL.Record({ id: IDL.Nat64, offset: IDL.Nat64, bytes: IDL.Vec(IDL.Nat8) })],
    IDL.Variant({ Ok: IDL.Nat64, Err: IDL.Text })],
  model_upload_finish: [[IDL.Nat64], IDL.Variant({ Ok: IDL.Reserved, Err: IDL.Text })],
  uploaders_add: [[IDL.Principal], IDL.Variant({ Ok: IDL.Null, Err: IDL.Text })],
  uploaders_remove: [[IDL.Principal], IDL.Variant({ Ok: IDL.Null, Err: IDL.Text })],
  model_load: [[IDL.Record({ name: IDL.Text, quantize: IDL.Opt(IDL.Text) })],
    IDL.Variant({
      Ok: IDL.Record({ name: IDL.Text, sha256: IDL.Text, weights: IDL.Text, parameters: IDL.Nat64 }),
      Pending: IDL.Record({
        done_bytes: IDL.Nat64, total_bytes: IDL.Nat64, done_steps: IDL.Nat64, total_steps: IDL.Nat64,
      }),
      Err: IDL.Text,
    })],
  generate_start: [[Request], GenerateResult],
  generate_continue: [[IDL.Nat64], GenerateResult],
  generate_query: [[Request], GenerateResult],
  model_delete: [[IDL.Text], IDL.Variant({ Ok: IDL.Null, Err: IDL.Text })],
  generators_add: [[IDL.Principal], IDL.Variant({ Ok: IDL.Null, Err: IDL.Text })],
  generators_remove: [[IDL.Principal], IDL.Variant({ Ok: IDL.Null, Err: IDL.Text })],
  generators_list: [[], IDL.Vec(IDL.Principal)],
  models_loaded: [[], IDL.Vec(IDL.Record({
    name: IDL.Text, sha256: IDL.Text, weights: IDL.Text, parameters: IDL.Nat64,
  }))],
};

const controller = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : i + 1));
const alice = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : 100 + i));
const bob = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : 150 + i));
const sha = (b) => createHash('sha256').update(b).digest();
// The whole update limit: the canister stops after the forward pass that reads it.
const BIG = 40_000_000_000n;

let host;
function call(method, args, caller = controller) {
  const [argTypes, ret] = METHODS[method];
  const r = host.update(method, IDL.encode(argTypes, args), caller);
  if (r.reply === undefined) throw new Error(`${method}: no reply: ${JSON.stringify(r)}`);
  return IDL.decode([ret], r.reply)[0];
}
function query(method, args, caller = controller) {
  const [argTypes, ret] = METHODS[method];
  const r = host.query(method, IDL.encode(argTypes, args), caller);
  if (r.reply === undefined) throw new Error(`${method}: no reply: ${JSON.stringify(r)}`);
  return IDL.decode([ret], r.reply)[0];
}
const show = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}` : x));
const ok = (r) => {
  assert.ok('Ok' in r, `expected Ok, got ${show(r)}`);
  return r.Ok;
};
const err = (r, pattern) => {
  assert.ok('Err' in r, `expected Err matching ${pattern}, got ${show(r)}`);
  assert.match(r.Err, pattern);
};

function uploadFolder(model) {
  for (const file of ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt']) {
    const data = readFileSync(`${folder}/${file}`);
    const name = `${model}.${file}`;
    const id = ok(call('model_upload_begin', [{ name, total_bytes: BigInt(data.length), sha256: [...sha(data)] }]));
    for (let at = 0; at < data.length; at += 200_000) {
      ok(call('model_upload_chunk', [{ id, offset: BigInt(at), bytes: [...data.subarray(at, at + 200_000)] }]));
    }
    ok(call('model_upload_finish', [id]));
  }
}

function cli(prompt, { maxTokens = 24, temperature = 0, seed = 1, repeatPenalty = 1.1, quantize = 'none' } = {}) {
  const out = execFileSync(hyvPath, [
    'generate', 'text', '--model', folder, '--prompt', prompt, '--temperature', `${temperature}`,
    '--max-tokens', `${maxTokens}`, '--seed', `${seed}`, '--repeat-penalty', `${repeatPenalty}`,
    '--top-k', '40', '--top-p', '0.95', '--min-p', '0.05', '--quantize', quantize, '--json',
  ]);
  return JSON.parse(out.toString('utf8'));
}

const request = (over = {}) => ({
  model: 'tiny', prompt: 'Hello world, this is', max_tokens: 24, temperature: 0, top_k: 40,
  top_p: 0.95, min_p: 0.05, repetition_penalty: 1.1, seed: 1n, stop: [], ...over,
});

// Runs a generation to its end; returns every reply.
// Every call's reply; callInstructions gets each call's counted instructions.
function generate(req, caller = controller, callInstructions = []) {
  const replies = [ok(call('generate_start', [req], caller))];
  callInstructions.push(host.lastInstructions);
  while (!replies.at(-1).done) {
    replies.push(ok(call('generate_continue', [replies[0].session], caller)));
    callInstructions.push(host.lastInstructions);
    assert.ok(replies.length < 500, 'generation does not end');
  }
  return replies;
}
const tokensOf = (replies) => replies.flatMap((r) => [...r.tokens]);

const cases = [];
const test = (name, fn) => cases.push([name, fn]);

test('model_load: only controllers and uploaders; unknown model and bad quantize are Err', () => {
  err(call('model_load', [{ name: 'tiny', quantize: [] }], alice), /only controllers/);
  err(call('model_load', [{ name: 'tiny', quantize: [] }], ANONYMOUS), /anonymous/);
  err(call('model_load', [{ name: 'nope', quantize: [] }]), /no upload named 'nope.model.safetensors'/);
  err(call('model_load', [{ name: 'tiny', quantize: ['q4'] }]), /quantize must be/);
  err(call('generate_start', [request()], alice), /not loaded/);
  // An authorised uploader may load; once removed, no longer.
  ok(call('uploaders_add', [Principal.fromUint8Array(alice)]));
  ok(call('model_load', [{ name: 'tiny', quantize: [] }], alice));
  ok(call('uploaders_remove', [Principal.fromUint8Array(alice)]));
  err(call('model_load', [{ name: 'tiny', quantize: [] }], alice), /only controllers/);
});

test('model_load parses the uploaded folder and returns the safetensors sha256', () => {
  const m = ok(call('model_load', [{ name: 'tiny', quantize: [] }]));
  assert.equal(m.sha256, sha(readFileSync(`${folder}/model.safetensors`)).toString('hex'));
  assert.equal(m.weights, 'f32');
  assert.equal(m.parameters, BigInt(cli('a', { maxTokens: 1 }).model.parameters));
});

test('a model too large for the heap is an Err before anything is loaded', () => {
  // A safetensors header that claims 2 billion f32 weights (8 GB; 4 GB as q8) over no data.
  const header = Buffer.from(JSON.stringify({
    'transformer.wte.weight': { dtype: 'F32', shape: [2000000000], data_offsets: [0, 8000000000] },
  }));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  const files = {
    'config.json': readFileSync(`${folder}/config.json`), 'model.safetensors': Buffer.concat([length, header]),
    'vocab.json': readFileSync(`${folder}/vocab.json`), 'merges.txt': readFileSync(`${folder}/merges.txt`),
  };
  for (const [file, data] of Object.entries(files)) {
    const id = ok(call('model_upload_begin', [{ name: `huge.${file}`, total_bytes: BigInt(data.length), sha256: [...sha(data)] }]));
    ok(call('model_upload_chunk', [{ id, offset: 0n, bytes: [...data] }]));
    ok(call('model_upload_finish', [id]));
  }
  const heap = host.heapBytes();
  err(call('model_load', [{ name: 'huge', quantize: [] }]), /model 'huge' needs about 76\d\d MiB of heap to load and \d+ MiB are left of the canister's 3072 MiB: load it with quantize = "q8", or a smaller model/);
  err(call('model_load', [{ name: 'huge', quantize: ['q8'] }]), /needs about 38\d\d MiB/);
  assert.equal(host.heapBytes(), heap, 'the refused load allocated nothing');
  for (const file of Object.keys(files)) ok(call('model_delete', [`huge.${file}`]));
});

test('greedy generation across several calls equals the native CLI token for token', () => {
  const expected = cli('Hello world, this is');
  host.performanceCounter = (reads) => (reads >= 2 ? BIG : 0n);
  const replies = generate(request(), alice);
  host.performanceCounter = null;
  assert.ok(replies.length >= 4, `only ${replies.length} calls`);
  assert.deepEqual(tokensOf(replies), expected.tokens);
  assert.equal(replies.map((r) => r.text).join(''), expected.text);
  const last = replies.at(-1);
  assert.equal(last.generated_tokens, 24);
  assert.equal(last.prompt_tokens, expected.prompt_tokens);
  assert.equal(last.finish_reason, 'max_tokens');
  assert.equal(last.model_sha256, expected.model.sha256);
  // float32 fields come back as the float32 nearest to what was sent.
  const f32 = Object.fromEntries(['temperature', 'top_p', 'min_p', 'repetition_penalty'].map((k) => [k, Math.fround(request()[k])]));
  assert.deepEqual(last.request, { ...request(), ...f32 });
  assert.ok(replies.slice(0, -1).every((r) => !r.done && r.finish_reason === ''));
});

test('a long prompt is prefilled over several calls; the output is unchanged', () => {
  const prompt = 'The quick brown fox jumps over the lazy dog. '.repeat(2) + 'Once upon a time';
  const expected = cli(prompt, { maxTokens: 8 });
  assert.ok(expected.prompt_tokens > 64, `prompt has only ${expected.prompt_tokens} tokens`);
  host.performanceCounter = () => BIG; // one forward pass per call
  const replies = generate(request({ prompt, max_tokens: 8 }), alice);
  host.performanceCounter = null;
  assert.deepEqual([...replies[0].tokens], [], 'the first call only prefills');
  assert.deepEqual(tokensOf(replies), expected.tokens);
});

test('sampling with a seed equals the CLI with that seed, in one call or many', () => {
  const opts = { temperature: 0.9, seed: 42, repeatPenalty: 1.0 };
  const expected = cli('Hello', opts);
  const req = request({ prompt: 'Hello', temperature: 0.9, seed: 42n, repetition_penalty: 1.0 });
  assert.deepEqual(tokensOf(generate(req, alice)), expected.tokens);
  host.performanceCounter = (reads) => (reads >= 1 ? BIG : 0n);
  assert.deepEqual(tokensOf(generate(req, alice)), expected.tokens);
  host.performanceCounter = null;
});

test('q8 weights at load: the same tokens as the CLI with --quantize q8', () => {
  const m = ok(call('model_load', [{ name: 'tiny', quantize: ['q8'] }]));
  assert.equal(m.weights, 'q8');
  const replies = generate(request(), alice);
  assert.equal(replies.at(-1).weights, 'q8');
  assert.deepEqual(tokensOf(replies), cli('Hello world, this is', { quantize: 'q8' }).tokens);
  ok(call('model_load', [{ name: 'tiny', quantize: ['none'] }]));
});

const FILES = ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt'];
const folderBytes = () => FILES.reduce((n, f) => n + BigInt(readFileSync(`${folder}/${f}`).length), 0n);

// Calls model_load until it is no longer Pending; returns every reply.
function loadAll(name, quantize) {
  const replies = [call('model_load', [{ name, quantize }])];
  while ('Pending' in replies.at(-1)) {
    replies.push(call('model_load', [{ name, quantize }]));
    assert.ok(replies.length < 100, 'the load does not end');
  }
  return replies;
}

test('model_load over several calls, copy then parse step by step: progress grows, the pending model cannot generate, then it equals the CLI', () => {
  uploadFolder('multi');
  // Each call copies one chunk, then finds its budget spent.
  host.performanceCounter = (reads) => (reads >= 1 ? BIG : 0n);
  const first = call('model_load', [{ name: 'multi', quantize: ['q8'] }]);
  assert.ok('Pending' in first, `expected Pending, got ${show(first)}`);
  err(call('generate_start', [request({ model: 'multi' })], alice),
    /model 'multi' is being loaded \(\d+ of \d+ bytes read\): call model_load again until it returns Ok/);
  err(query('generate_query', [request({ model: 'multi' })]), /model 'multi' is being loaded/);
  const replies = [first, ...loadAll('multi', ['q8'])];
  host.performanceCounter = null;
  const pending = replies.slice(0, -1).map((r) => r.Pending);
  for (const p of pending) assert.equal(p.total_bytes, folderBytes());
  // The copy: one call per file at least, bytes growing with every call, no parse step yet.
  const copy = pending.filter((p) => p.total_steps === 0n);
  assert.ok(copy.length >= FILES.length, `only ${copy.length} copying calls`);
  for (let i = 1; i < copy.length; ++i) {
    assert.ok(copy[i].done_bytes > copy[i - 1].done_bytes, `progress ${show(copy)}`);
  }
  assert.equal(copy.at(-1).done_bytes, folderBytes(), 'the parse waits for a call of its own');
  // The parse: one step a call (config and tokenizer, then each weight matrix), the last in the
  // call that returns Ok.
  const parse = pending.slice(copy.length);
  const nLayer = JSON.parse(readFileSync(`${folder}/config.json`, 'utf8')).n_layer;
  const steps = BigInt(1 + 2 + 4 * nLayer);
  assert.equal(parse.length, Number(steps) - 1, `parse replies ${show(parse)}`);
  parse.forEach((p, i) => {
    assert.equal(p.done_bytes, folderBytes());
    assert.equal(p.total_steps, steps);
    assert.equal(p.done_steps, BigInt(i + 1));
  });
  const m = ok(replies.at(-1));
  assert.equal(m.weights, 'q8');
  assert.equal(m.sha256, sha(readFileSync(`${folder}/model.safetensors`)).toString('hex'));
  assert.deepEqual(tokensOf(generate(request({ model: 'multi' }), alice)),
    cli('Hello world, this is', { quantize: 'q8' }).tokens);
  const opts = { temperature: 0.9, seed: 42, repeatPenalty: 1.0, quantize: 'q8' };
  const req = request({ model: 'multi', prompt: 'Hello', temperature: 0.9, seed: 42n, repetition_penalty: 1.0 });
  assert.deepEqual(tokensOf(generate(req, alice)), cli('Hello', opts).tokens);
});

test('a pending load is dropped by a delete or new upload of its files, or restarted by another quantize', () => {
  uploadFolder('multi2');
  host.performanceCounter = (reads) => (reads >= 1 ? BIG : 0n);
  const configBytes = BigInt(readFileSync(`${folder}/config.json`).length);
  const a = call('model_load', [{ name: 'multi2', quantize: [] }]).Pending;
  const b = call('model_load', [{ name: 'multi2', quantize: [] }]).Pending;
  assert.ok(a.done_bytes === configBytes && b.done_bytes > a.done_bytes, show([a, b]));
  // Another quantize starts again from the first file.
  assert.equal(call('model_load', [{ name: 'multi2', quantize: ['q8'] }]).Pending.done_bytes, configBytes);
  ok(call('model_delete', ['multi2.merges.txt']));
  err(call('generate_start', [request({ model: 'multi2' })], alice), /model 'multi2' is not loaded: call model_load first/);
  const merges = readFileSync(`${folder}/merges.txt`);
  const id = ok(call('model_upload_begin', [{ name: 'multi2.merges.txt', total_bytes: BigInt(merges.length), sha256: [...sha(merges)] }]));
  ok(call('model_upload_chunk', [{ id, offset: 0n, bytes: [...merges] }]));
  ok(call('model_upload_finish', [id]));
  // Started afresh, not continued from before the delete.
  assert.equal(call('model_load', [{ name: 'multi2', quantize: ['q8'] }]).Pending.done_bytes, configBytes);
  // A new upload that the pending load would read (a tokenizer.json it had not) drops it too.
  const tok = Buffer.from('{}');
  ok(call('model_upload_begin', [{ name: 'multi2.tokenizer.json', total_bytes: 2n, sha256: [...sha(tok)] }]));
  err(call('generate_start', [request({ model: 'multi2' })], alice), /is not loaded: call model_load first/);
  ok(call('model_delete', ['multi2.tokenizer.json']));
  const done = loadAll('multi2', ['q8']);
  host.performanceCounter = null;
  assert.equal(done[0].Pending.done_bytes, configBytes);
  ok(done.at(-1));
  // A load that fails at the parse is an Err that leaves nothing pending or loaded.
  ok(call('model_delete', ['multi2.vocab.json']));
  err(call('model_load', [{ name: 'multi2', quantize: [] }]), /model 'multi2'/);
});

test('counted instructions: a short generation fits one call; near the limit a call stops early', () => {
  const expected = cli('Hello world, this is');
  const one = generate(request(), alice);
  assert.equal(one.length, 1, 'the tiny model makes all 24 tokens in one call');
  assert.deepEqual(tokensOf(one), expected.tokens);
  const perCall = host.lastInstructions;
  assert.ok(perCall > 1_000_000n, `a generation call counted only ${perCall} instructions`);
  // As if each call started with only ~6 forward passes (by the first call's average) left
  // below the limit: the canister must stop early and never overrun, and lose no token.
  const headroom = 200_000_000n + 6n * (perCall / 25n);
  host.performanceCounter = (reads, counted) => counted + 40_000_000_000n - headroom;
  const counted = [];
  const replies = generate(request(), alice, counted);
  host.performanceCounter = null;
  assert.ok(replies.length >= 3, `${replies.length} calls`);
  assert.ok(replies.some((r) => r.tokens.length >= 3), 'calls use the headroom they have');
  assert.ok(counted.every((n) => n <= headroom),
    `a call ran past the limit: ${counted} instructions, ${headroom} left in each`);
  assert.deepEqual(tokensOf(replies), expected.tokens);
});

test('generate_query: a short generation in one query equals the CLI; it keeps nothing', () => {
  const expected = cli('Hello world, this is');
  const r = ok(query('generate_query', [request()], ANONYMOUS)); // anyone may query
  assert.deepEqual([...r.tokens], expected.tokens);
  assert.equal(r.text, expected.text);
  assert.equal(r.session, 0n);
  assert.ok(r.done);
  assert.equal(r.finish_reason, 'max_tokens');
  assert.equal(r.model_sha256, expected.model.sha256);
  assert.ok(host.lastInstructions < 5_000_000_000n);
  // When the budget runs out (the counter reads the whole 5B after a few passes) the query stops
  // with what it has: a prefix of the full output.
  host.performanceCounter = (reads) => (reads >= 6 ? 5_000_000_000n : 0n);
  const short = ok(query('generate_query', [request()], alice));
  host.performanceCounter = null;
  assert.equal(short.done, false);
  assert.equal(short.finish_reason, 'query_budget');
  assert.ok(short.tokens.length >= 1 && short.tokens.length < 24, `${short.tokens.length} tokens`);
  assert.deepEqual([...short.tokens], expected.tokens.slice(0, short.tokens.length));
  err(query('generate_query', [request({ model: 'nope' })]), /model 'nope' is not loaded/);
  err(query('generate_query', [request({ max_tokens: 0 })]), /params\.max_tokens must be 1\.\.4096/);
  assert.match(host.query('generate_query', IDL.encode([IDL.Text], ['x']), alice).reject,
    /malformed Candid argument/);
});

test('sessions: unknown, finished or another caller\'s session is Err; anonymous may not start', () => {
  err(call('generate_continue', [12345n], alice), /no open session 12345/);
  const done = generate(request({ max_tokens: 2 }), alice);
  err(call('generate_continue', [done[0].session], alice), /no open session/);
  host.performanceCounter = () => BIG;
  const s = ok(call('generate_start', [request()], alice));
  host.performanceCounter = null;
  assert.equal(s.done, false);
  err(call('generate_continue', [s.session], bob), /no open session/);
  assert.ok(ok(call('generate_continue', [s.session], alice)).done);
  err(call('generate_start', [request()], ANONYMOUS), /anonymous/);
});

test('an empty prompt starts from <|endoftext|>, as in the studio and the generator', () => {
  host.performanceCounter = null;
  const r = ok(call('generate_start', [request({ prompt: '', max_tokens: 2 })], alice));
  assert.equal(r.prompt_tokens, 1);
  assert.equal(r.done, true);
});

test('bad parameters are Err', () => {
  err(call('generate_start', [request({ model: 'nope' })], alice), /model 'nope' is not loaded/);
  err(call('generate_start', [request({ max_tokens: 0 })], alice), /params\.max_tokens must be 1\.\.4096/);
  err(call('generate_start', [request({ max_tokens: 5000 })], alice), /max_tokens/);
  err(call('generate_start', [request({ temperature: -1 })], alice), /temperature/);
  err(call('generate_start', [request({ top_p: 2 })], alice), /top_p/);
  err(call('generate_start', [request({ stop: [''] })], alice), /params\.stop\[0\]/);
  for (const method of ['generate_start', 'generate_continue', 'model_load']) {
    const r = host.update(method, IDL.encode([IDL.Text], ['x']), controller);
    assert.match(r.reject, /malformed Candid argument/, method);
  }
});

test('at most 4 open sessions per caller; idle sessions expire after 10 minutes', () => {
  host.performanceCounter = () => BIG;
  const open = [];
  for (let i = 0; i < 4; ++i) open.push(ok(call('generate_start', [request()], alice)).session);
  err(call('generate_start', [request()], alice), /4 open sessions/);
  const other = ok(call('generate_start', [request()], bob)).session; // others are not limited
  host.timeNs += 11n * 60n * 1_000_000_000n;
  for (const s of open) err(call('generate_continue', [s], alice), /no open session/);
  err(call('generate_continue', [other], bob), /no open session/);
  ok(call('generate_start', [request()], alice)); // the expired ones no longer count
  host.performanceCounter = null;
});

test('a generator the controllers name may keep 64 sessions open, one per job', () => {
  const generator = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : 200 + i));
  const p = Principal.fromUint8Array(generator);
  err(call('generators_add', [p], alice), /only controllers of this canister/);
  ok(call('generators_add', [p], controller));
  err(call('generators_add', [p], controller), /is a generator already/);
  assert.deepEqual(query('generators_list', [], alice).map((x) => x.toText()), [p.toText()]);
  host.performanceCounter = () => BIG;
  const open = [];
  for (let i = 0; i < 6; ++i) open.push(ok(call('generate_start', [request()], generator)).session);
  host.performanceCounter = null;
  for (const s of open) while (!ok(call('generate_continue', [s], generator)).done);
  ok(call('generators_remove', [p], controller));
  err(call('generators_remove', [p], controller), /is not a generator/);
});

test('models_loaded lists the models ready to generate', () => {
  const models = query('models_loaded', [], ANONYMOUS);
  assert.ok(models.some((m) => m.name === 'tiny' && m.sha256.length === 64), models.map((m) => m.name).join());
});

test('after an upgrade models must be loaded again; the uploaded files survive', () => {
  assert.equal(host.upgrade(controller).trap, undefined);
  err(call('generate_start', [request()], alice), /not loaded: call model_load first/);
  ok(call('model_load', [{ name: 'tiny', quantize: [] }]));
  assert.deepEqual(tokensOf(generate(request(), alice)), cli('Hello world, this is').tokens);
});

test('open sessions survive an upgrade and continue once their model is loaded again', () => {
  const expected = cli('Hello world, this is');
  const expectedQ8 = cli('Hello world, this is', { quantize: 'q8' });
  host.performanceCounter = (reads) => (reads >= 3 ? BIG : 0n); // three passes a call
  const first = ok(call('generate_start', [request()], alice));
  const bobs = ok(call('generate_start', [request({ prompt: 'Hello' })], bob));
  ok(loadAll('tiny', ['q8']).at(-1)); // the lowered budget spreads the load too
  const q8 = ok(call('generate_start', [request()], alice));
  host.performanceCounter = null;
  assert.ok(!first.done && !q8.done && !bobs.done);
  assert.equal(host.upgrade(controller).trap, undefined);

  err(call('generate_continue', [first.session], alice),
    /session \d+ was saved at an upgrade and waits for model 'tiny' .*weights f32.*model_load/);
  err(call('generate_continue', [first.session], bob), /no open session/);
  ok(call('model_load', [{ name: 'tiny', quantize: [] }]));
  err(call('generate_continue', [q8.session], alice), /waits for model 'tiny' .*weights q8/);
  const rest = [ok(call('generate_continue', [first.session], alice))];
  while (!rest.at(-1).done) rest.push(ok(call('generate_continue', [first.session], alice)));
  assert.deepEqual([...first.tokens, ...tokensOf(rest)], expected.tokens,
    'no token repeated or lost across the upgrade');
  assert.equal(rest.map((r) => r.text).join(''), expected.text.slice(first.text.length));
  assert.equal(rest.at(-1).generated_tokens, 24);

  // A new session after the upgrade gets a fresh id, never a saved one's.
  const fresh = ok(call('generate_start', [request({ max_tokens: 1 })], alice));
  assert.ok(fresh.session > q8.session, `id ${fresh.session} reused`);
  ok(call('model_load', [{ name: 'tiny', quantize: ['q8'] }]));
  const q8rest = [ok(call('generate_continue', [q8.session], alice))];
  while (!q8rest.at(-1).done) q8rest.push(ok(call('generate_continue', [q8.session], alice)));
  assert.deepEqual([...q8.tokens, ...tokensOf(q8rest)], expectedQ8.tokens);
  ok(call('model_load', [{ name: 'tiny', quantize: [] }]));

  // Saved sessions still expire when idle, and an upgrade with nothing open keeps nothing.
  host.timeNs += 11n * 60n * 1_000_000_000n;
  err(call('generate_continue', [bobs.session], bob), /no open session/);
  assert.equal(host.upgrade(controller).trap, undefined);
});

host = new IcHost(wasmPath, { controllers: [controller] });
host.install(controller);
uploadFolder('tiny');
runCases('generate', cases);
