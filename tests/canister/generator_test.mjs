// The hyv_generator canister driving a pool of hyv_ai_engine canisters, run on the built wasm
// modules in the test network (ic_network.mjs): jobs are submitted by users and run on timers
// as inter-canister calls to the engines; every dataset must be byte-identical to what
// `hyv dataset` (the CLI, the same GenerationRun as the studio) writes for the same params, also
// when an engine fails mid-job, when the generator is upgraded mid-job, and when replies come
// back late or reordered. Bad input of every kind is an Err that leaves nothing behind.
// Usage: node tests/canister/generator_test.mjs canisters-dir path/to/hyv
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../tools/ic-local/ic_host.mjs';
import { IcNetwork } from '../../tools/ic-local/ic_network.mjs';
import { runCases } from './run_cases.mjs';

const [dir, hyvPath] = process.argv.slice(2);
if (!dir || !hyvPath) throw new Error('usage: generator_test.mjs canisters-dir hyv');
const MODEL = 'models/text-small';

const Job = IDL.Record({
  id: IDL.Text, data_type: IDL.Text, state: IDL.Text, params: IDL.Text, owner: IDL.Principal,
  name: IDL.Text, attempts: IDL.Nat32, created_at_ms: IDL.Int64, updated_at_ms: IDL.Int64,
  finished_at_ms: IDL.Int64, items_done: IDL.Nat64, items_total: IDL.Nat64,
  tokens_done: IDL.Nat64, error: IDL.Text, dataset_id: IDL.Opt(IDL.Text),
});
const Dataset = IDL.Record({
  id: IDL.Text, name: IDL.Text, data_type: IDL.Text, owner: IDL.Principal, model_id: IDL.Text,
  model_sha256: IDL.Text, params: IDL.Text, seed: IDL.Text, created_at_ms: IDL.Int64,
  finished_at_ms: IDL.Int64, size_bytes: IDL.Nat64, item_count: IDL.Nat64,
  quality_score: IDL.Opt(IDL.Float64), quality_report: IDL.Text, tags: IDL.Vec(IDL.Text),
  tables: IDL.Vec(IDL.Record({ name: IDL.Text, columns: IDL.Vec(IDL.Text), rows: IDL.Nat64,
                               size_bytes: IDL.Nat64 })),
  rating_count: IDL.Nat64, rating_mean: IDL.Float64, rank: IDL.Float64,
});
const Engine = IDL.Record({
  engine: IDL.Principal,
  models: IDL.Vec(IDL.Record({ name: IDL.Text, sha256: IDL.Text, weights: IDL.Text })),
  in_flight: IDL.Nat32, calls: IDL.Nat64, failures: IDL.Nat64, last_error: IDL.Text,
});
const Unit = IDL.Variant({ Ok: IDL.Null, Err: IDL.Text });
const TextResult = IDL.Variant({ Ok: IDL.Text, Err: IDL.Text });
const G = {
  job_submit: [[IDL.Record({ data_type: IDL.Text, params: IDL.Text, name: IDL.Opt(IDL.Text),
                              tags: IDL.Vec(IDL.Text) })], TextResult],
  job_get: [[IDL.Text], IDL.Variant({ Ok: Job, Err: IDL.Text })],
  job_events: [[IDL.Text, IDL.Nat64], IDL.Variant({
    Ok: IDL.Record({ job: Job, pieces: IDL.Vec(IDL.Record({ seq: IDL.Nat64, item: IDL.Nat64,
                                                            text: IDL.Text })),
                     next: IDL.Nat64 }),
    Err: IDL.Text })],
  jobs_mine: [[], IDL.Vec(Job)],
  job_cancel: [[IDL.Text], IDL.Variant({ Ok: Job, Err: IDL.Text })],
  job_retry: [[IDL.Text], IDL.Variant({ Ok: Job, Err: IDL.Text })],
  dataset_regenerate: [[IDL.Text], TextResult],
  dataset_get: [[IDL.Text], IDL.Variant({ Ok: Dataset, Err: IDL.Text })],
  dataset_page: [[IDL.Record({ id: IDL.Text, table: IDL.Opt(IDL.Text), format: IDL.Text,
                               offset: IDL.Nat64, max_bytes: IDL.Opt(IDL.Nat64) })],
                 IDL.Variant({ Ok: IDL.Record({ data: IDL.Vec(IDL.Nat8), offset: IDL.Nat64,
                                                done: IDL.Bool,
                                                total_bytes: IDL.Opt(IDL.Nat64) }),
                               Err: IDL.Text })],
  dataset_rate: [[IDL.Text, IDL.Nat8], Unit],
  datasets_list: [[IDL.Record({ data_type: IDL.Opt(IDL.Text), model: IDL.Opt(IDL.Text),
                                tag: IDL.Opt(IDL.Text), min_quality: IDL.Opt(IDL.Float64),
                                offset: IDL.Nat64, limit: IDL.Nat64 })],
                  IDL.Record({ items: IDL.Vec(Dataset), total: IDL.Nat64 })],
  engine_add: [[IDL.Principal], Unit],
  engine_remove: [[IDL.Principal], Unit],
  engine_refresh: [[IDL.Principal], Unit],
  engine_load: [[IDL.Record({ engine: IDL.Principal, model: IDL.Text, quantize: IDL.Opt(IDL.Text) })],
                Unit],
  model_register: [[IDL.Record({ name: IDL.Text, data_type: IDL.Text, sha256: IDL.Text,
                                 is_default: IDL.Bool })], Unit],
  engines_list: [[], IDL.Vec(Engine)],
  metrics: [[], IDL.Record({
    cycles: IDL.Nat, heap_bytes: IDL.Nat64, stable_bytes: IDL.Nat64, jobs_queued: IDL.Nat64,
    jobs_running: IDL.Nat64, jobs_succeeded: IDL.Nat64, jobs_failed: IDL.Nat64,
    jobs_cancelled: IDL.Nat64, jobs_interrupted: IDL.Nat64, tokens_made: IDL.Nat64,
    rows_made: IDL.Nat64, datasets: IDL.Nat64, engines: IDL.Vec(Engine) })],
};
const E = {
  model_upload_begin: [[IDL.Record({ name: IDL.Text, total_bytes: IDL.Nat64,
                                     sha256: IDL.Vec(IDL.Nat8) })],
                       IDL.Variant({ Ok: IDL.Nat64, Err: IDL.Text })],
  model_upload_chunk: [[IDL.Record({ id: IDL.Nat64, offset: IDL.Nat64,
                                     bytes: IDL.Vec(IDL.Nat8) })],
                       IDL.Variant({ Ok: IDL.Nat64, Err: IDL.Text })],
  model_upload_finish: [[IDL.Nat64], IDL.Variant({ Ok: IDL.Reserved, Err: IDL.Text })],
  model_load: [[IDL.Record({ name: IDL.Text, quantize: IDL.Opt(IDL.Text) })],
               IDL.Variant({ Ok: IDL.Reserved, Pending: IDL.Reserved, Err: IDL.Text })],
  generators_add: [[IDL.Principal], Unit],
};

const me = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : i + 1));
const alice = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : 100 + i));
const bob = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : 150 + i));
const sha = (b) => createHash('sha256').update(b).digest();
const show = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}` : x));
const ok = (r) => {
  assert.ok(r && 'Ok' in r, `expected Ok, got ${show(r)}`);
  return r.Ok;
};
const err = (r, pattern) => {
  assert.ok(r && 'Err' in r, `expected Err matching ${pattern}, got ${show(r)}`);
  assert.match(r.Err, pattern);
};

let net;
const decode = (types, r, what) => {
  if (r.reply === undefined) throw new Error(`${what}: no reply: ${show(r)}`);
  return IDL.decode([types[1]], r.reply)[0];
};
const call = (name, table, method, args, caller = me) =>
  decode(table[method], net.update(name, method, IDL.encode(table[method][0], args), caller),
    method);
const gcall = (method, args, caller = me) => call('g', G, method, args, caller);
const gquery = (method, args, caller = me) =>
  decode(G[method], net.query('g', method, IDL.encode(G[method][0], args), caller), method);

function setupEngine(name) {
  net.install(name, `${dir}/hyv_ai_engine.wasm`, { controllers: [me] });
  for (const file of ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt']) {
    const data = readFileSync(`${MODEL}/${file}`);
    const id = ok(call(name, E, 'model_upload_begin',
      [{ name: `text-small.${file}`, total_bytes: BigInt(data.length), sha256: [...sha(data)] }]));
    for (let at = 0; at < data.length; at += 2_000_000) {
      ok(call(name, E, 'model_upload_chunk',
        [{ id, offset: BigInt(at), bytes: data.subarray(at, at + 2_000_000) }]));
    }
    ok(call(name, E, 'model_upload_finish', [id]));
  }
  for (;;) {
    const r = call(name, E, 'model_load', [{ name: 'text-small', quantize: [] }]);
    if ('Ok' in r) break;
    assert.ok('Pending' in r, show(r));
  }
  ok(call(name, E, 'generators_add', [Principal.fromUint8Array(net.id('g'))]));
}

function setup(engines = ['e1', 'e2', 'e3']) {
  net = new IcNetwork();
  net.install('g', `${dir}/hyv_generator.wasm`, { controllers: [me] });
  for (const e of engines) setupEngine(e);
  for (const e of engines) ok(gcall('engine_add', [Principal.fromUint8Array(net.id(e))]));
  const weights = readFileSync(`${MODEL}/model.safetensors`);
  ok(gcall('model_register', [{ name: 'text-small', data_type: 'text',
                                sha256: sha(weights).toString('hex'), is_default: true }]));
}

// Runs the network until the job has ended (timers fire as time passes).
function finish(id, { maxRounds = 2000 } = {}) {
  for (let i = 0; i < maxRounds; i++) {
    const j = ok(gquery('job_get', [id]));
    if (!['queued', 'running'].includes(j.state)) return j;
    net.advance(1_000_000n);
    net.run();
  }
  throw new Error(`job ${id} did not end`);
}

function download(id, format = 'jsonl') {
  const parts = [];
  for (let offset = 0n; ;) {
    const p = ok(gquery('dataset_page', [{ id, table: [], format, offset, max_bytes: [100_000n] }]));
    parts.push(Buffer.from(p.data));
    offset += BigInt(p.data.length);
    if (p.done) return Buffer.concat(parts);
  }
}

const cliCache = new Map();
function cli(type, params, format = 'jsonl') {
  const key = `${type} ${params} ${format}`;
  if (!cliCache.has(key)) {
    const out = mkdtempSync(`${tmpdir()}/hyv-gen-`);
    execFileSync(hyvPath, ['dataset', type, '--params', params, '-o', out, '--format', format],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    const manifest = JSON.parse(readFileSync(`${out}/manifest.json`, 'utf8'));
    const file = readFileSync(`${out}/${manifest.tables[0].name}.${format}`);
    rmSync(out, { recursive: true });
    cliCache.set(key, { bytes: file, manifest });
  }
  return cliCache.get(key);
}

const submit = (type, params, caller = alice) =>
  gcall('job_submit', [{ data_type: type, params, name: [], tags: [] }], caller);
const TEXT = '{"prompts":["Hello",""],"samples":4,"max_tokens":10,"seed":"9"}';
const TABLE = '{"mode":"schema","rows":40,"seed":"3","schema":{"tables":[{"name":"t","columns":' +
  '[{"name":"id","type":"id"},{"name":"x","type":"integer","min":1,"max":9},' +
  '{"name":"who","type":"first_name"}]}]}}';

function expectSameAsCli(jobId, type, params) {
  const j = finish(jobId);
  assert.equal(j.state, 'succeeded', show(j));
  const ds = j.dataset_id[0];
  const want = cli(type, params);
  assert.ok(download(ds).equals(want.bytes), 'the dataset is the CLI\'s bytes');
  assert.ok(download(ds, 'csv').equals(cli(type, params, 'csv').bytes), 'csv too');
  const d = ok(gquery('dataset_get', [ds]));
  assert.equal(d.params, JSON.stringify(want.manifest.params), 'canonical params');
  assert.equal(d.seed, want.manifest.seed);
  assert.equal(d.model_sha256, want.manifest.model.sha256);
  assert.equal(d.size_bytes, BigInt(want.manifest.size_bytes));
  assert.equal(d.quality_score[0], want.manifest.quality.score);
  return { job: j, dataset: d };
}

const cases = [];
const test = (name, fn) => cases.push([name, fn]);

test('a text job through three engines is the CLI\'s bytes, and its live text adds up', () => {
  setup();
  const id = ok(submit('text', TEXT));
  const { dataset } = expectSameAsCli(id, 'text', TEXT);
  assert.equal(dataset.item_count, 4n);
  const ev = ok(gquery('job_events', [id, 0n]));
  const rows = cli('text', TEXT).bytes.toString('utf8').trim().split('\n').map(JSON.parse);
  for (const row of rows) {
    const streamed = ev.pieces.filter((p) => p.item === BigInt(row.index)).map((p) => p.text).join('');
    assert.equal(row.prompt + streamed, row.text, `sample ${row.index}`);
  }
  const engines = gquery('engines_list', []);
  assert.equal(engines.length, 3);
  assert.ok(engines.every((e) => e.models.some((m) => m.name === 'text-small')), show(engines));
  assert.ok(engines.filter((e) => e.calls > 0n).length >= 2, 'the work is spread over the pool');
});

test('a table job runs in the generator and is the CLI\'s bytes', () => {
  expectSameAsCli(ok(submit('table', TABLE)), 'table', TABLE);
});

test('a table learned from a sample CSV runs in the generator and is the CLI\'s bytes', () => {
  const rows = ['age,income,city'];
  for (let i = 0; i < 60; i++) rows.push(`${20 + (i * 7) % 50},${1000 + (i * 137) % 900},${['Oslo', 'Lima', 'Pune'][i % 3]}`);
  const learned = JSON.stringify({ mode: 'learned', sample_csv: rows.join('\n') + '\n', rows: 30,
                                   seed: '2' });
  expectSameAsCli(ok(submit('table', learned)), 'table', learned);
});

test('an engine that traps mid-job: the sample moves to another engine, same bytes', () => {
  net.trapNext('e1', { method: 'generate_start', times: 2 });
  net.trapNext('e2', { method: 'generate_start', times: 1 });
  const { job } = expectSameAsCli(ok(submit('text', TEXT)), 'text', TEXT);
  assert.equal(job.state, 'succeeded');
  const failures = gquery('engines_list', []).reduce((n, e) => n + e.failures, 0n);
  assert.ok(failures >= 1n, 'the failures are counted per engine');
});

test('a stopped engine and a late, reordered reply change nothing', () => {
  net.stop('e3');
  const id = ok(submit('text', TEXT));
  net.advance(1_000_000n);
  for (let i = 0; i < 6; i++) net.step();
  net.reverseResponses();
  expectSameAsCli(id, 'text', TEXT);
  net.start('e3');
});

test('a trap in the generator\'s reply callback: the cleanup frees the sample, same bytes', () => {
  for (const c of net.canisters.values()) c.faults.length = 0; // none left from the tests above
  net.trapNext('g', { kind: 'reply', times: 1 });
  expectSameAsCli(ok(submit('text', TEXT)), 'text', TEXT);
});

test('upgrading the generator and an engine mid-job: the job completes with identical bytes', () => {
  const id = ok(submit('text', TEXT));
  net.advance(1_000_000n);
  for (let i = 0; i < 4; i++) net.step();
  assert.deepEqual(net.upgrade('g'), {});
  assert.deepEqual(net.upgrade('e2'), {});
  // The upgraded engine must load its model again; until then it answers Err and the pool moves on.
  const { job } = expectSameAsCli(id, 'text', TEXT);
  assert.ok(job.attempts >= 1);
  assert.ok(ok(gquery('job_get', [id])).dataset_id.length === 1);
  assert.ok(gquery('datasets_list', [{ data_type: [], model: [], tag: [], min_quality: [],
                                        offset: 0n, limit: 100n }]).total >= 4n,
    'the datasets made before the upgrade are all still there');
  // The upgraded engine's heap is empty: the generator's admin flow loads its model again.
  const e2 = Principal.fromUint8Array(net.id('e2'));
  const loadedOn = () => gquery('engines_list', []).find((e) => e.engine.toText() === e2.toText());
  err(gcall('engine_load', [{ engine: e2, model: 'text-small', quantize: [] }], alice),
    /only controllers/);
  ok(gcall('engine_refresh', [e2]));
  assert.deepEqual(loadedOn().models, [], 'after its upgrade the engine has nothing loaded');
  ok(gcall('engine_load', [{ engine: e2, model: 'text-small', quantize: [] }]));
  net.run();
  assert.deepEqual(loadedOn().models.map((m) => m.name), ['text-small']);
});

test('regenerate gives the same bytes; ratings are one per principal and order the library', () => {
  const list = gquery('datasets_list', [{ data_type: ['text'], model: [], tag: [],
                                          min_quality: [], offset: 0n, limit: 100n }]);
  const first = list.items[0].id;
  const again = finish(ok(gcall('dataset_regenerate', [first], bob)));
  assert.ok(download(again.dataset_id[0]).equals(download(first)));
  ok(gcall('dataset_rate', [first, 5], alice));
  ok(gcall('dataset_rate', [first, 1], alice)); // replaces alice's first rating
  ok(gcall('dataset_rate', [again.dataset_id[0], 5], bob));
  const d = ok(gquery('dataset_get', [first]));
  assert.equal(d.rating_count, 1n);
  assert.equal(d.rating_mean, 1);
  err(gcall('dataset_rate', [first, 6], alice), /stars/);
  err(gcall('dataset_rate', ['ds-999', 3], alice), /ds-999/);
  const ranked = gquery('datasets_list', [{ data_type: ['text'], model: [], tag: [],
                                            min_quality: [], offset: 0n, limit: 100n }]);
  assert.equal(ranked.items[0].id, again.dataset_id[0], 'the 5-star dataset ranks first');
});

test('cancel: the job ends cancelled, its late replies are dropped, nothing is published', () => {
  const before = gquery('metrics', []).datasets;
  const id = ok(submit('text', TEXT));
  // Hold the first reply an engine sends the generator, so the cancel lands mid-job.
  let held = null;
  for (let i = 0; i < 100 && held === null; i++) {
    net.advance(1_000_000n);
    held = net.pending().find((m) => m.kind === 'response' && m.to === 'g') ?? null;
    if (held === null) net.step();
  }
  assert.ok(held, 'an engine answered');
  net.hold(held.id);
  err(gcall('job_cancel', [id], bob), /no job/);
  assert.equal(ok(gcall('job_cancel', [id], alice)).state, 'cancelled');
  net.release(held.id);
  net.run();
  net.advance(1_000_000_000n);
  net.run();
  assert.equal(ok(gquery('job_get', [id])).state, 'cancelled');
  assert.equal(gquery('metrics', []).datasets, before, 'no dataset from a cancelled job');
  const retried = ok(gcall('job_retry', [id], alice));
  assert.equal(retried.state, 'queued');
  assert.equal(finish(id).state, 'succeeded');

  // Cancelled and retried while a reply of the first run is still out: the retry's samples must
  // not take it for theirs.
  const again = ok(submit('text', TEXT));
  held = null;
  for (let i = 0; i < 100 && held === null; i++) {
    net.advance(1_000_000n);
    held = net.pending().find((m) => m.kind === 'response' && m.to === 'g') ?? null;
    if (held === null) net.step();
  }
  net.hold(held.id);
  ok(gcall('job_cancel', [again], alice));
  ok(gcall('job_retry', [again], alice));
  net.advance(1_000_000n);
  for (let i = 0; i < 3; i++) net.step(); // the retry's first calls are out
  net.release(held.id);
  expectSameAsCli(again, 'text', TEXT);
});

test('bad input is an Err naming the field, and leaves no job behind', () => {
  const before = gquery('jobs_mine', [], alice).length;
  err(submit('text', '{"max_tokens":0}'), /params\.max_tokens/);
  err(submit('text', '{"temperature":9}'), /params\.temperature/);
  err(submit('text', '{"model":"nope"}'), /nope/);
  err(submit('text', 'not json'), /params/);
  err(submit('picture', '{}'), /picture/);
  err(submit('table', '{"mode":"schema","schema":{"tables":[{"name":"t","columns":[{"name":"x","type":"nope"}]}]}}'),
    /unknown type "nope"/);
  err(submit('table', JSON.stringify({ mode: 'schema', rows: 3, schema: { tables: [{ name: 't',
    columns: [{ name: 'bio', type: 'generated_text', model: 'text', prompt: 'Bio:',
                max_tokens: 8 }] }] } })), /generated_text columns are not made by the generator/);
  err(submit('text', TEXT, ANONYMOUS), /anonymous/);
  assert.equal(gquery('jobs_mine', [], alice).length, before);
  err(gquery('job_get', ['job-999']), /no job "job-999"/);
  err(gquery('dataset_get', ['nope']), /no dataset/);
  err(gcall('engine_add', [Principal.fromUint8Array(alice)], alice), /only controllers/);
  err(gcall('model_register', [{ name: 'x', data_type: 'text', sha256: 'ab', is_default: false }]),
    /sha256/);
  const malformed = net.update('g', 'job_submit', IDL.encode([IDL.Text], ['x']), alice);
  assert.match(malformed.reject, /malformed Candid argument/);
});

test('quotas: at most 8 open jobs per caller', () => {
  const carol = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : 50 + i));
  for (let i = 0; i < 8; i++) ok(submit('table', TABLE, carol));
  err(submit('table', TABLE, carol), /8 open jobs/);
  ok(submit('table', TABLE, bob)); // others are not limited by carol's jobs
  for (const j of gquery('jobs_mine', [], carol)) finish(j.id);
  ok(submit('table', TABLE, carol)); // finished jobs no longer count
});

test('metrics report jobs, datasets, stable bytes and the pool', () => {
  const m = gquery('metrics', []);
  assert.ok(m.jobs_succeeded >= 6n, show(m));
  assert.ok(m.stable_bytes > 0n && m.heap_bytes > 0n);
  assert.ok(m.tokens_made > 0n && m.rows_made > 0n);
  assert.equal(m.engines.length, 3);
  assert.ok(m.cycles > 0n);
});

runCases('generator', cases);
