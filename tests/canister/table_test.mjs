// Table jobs (table_start / table_continue) in the hyv_ai_engine canister, run on the built wasm
// through the test host (ic_host.mjs). The oracle is the native CLI: the concatenated pages of a
// job must be byte for byte the file `hyv generate table` (schema) or `hyv sample` (a copula model
// made by `hyv fit`) writes for the same input, rows, seed and format, whether the job took one
// call or many (the host's performance_counter fixture forces many).
// Usage: node tests/canister/table_test.mjs canister.wasm path/to/hyv
import { IDL } from '@dfinity/candid';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { IcHost, ANONYMOUS } from '../../tools/ic-local/ic_host.mjs';
import { runCases } from './run_cases.mjs';

const [wasmPath, hyvPath] = process.argv.slice(2);
if (!wasmPath || !hyvPath) throw new Error('usage: table_test.mjs canister.wasm hyv');

const TableRequest = IDL.Record({
  source: IDL.Variant({ schema: IDL.Text, copula: IDL.Text }), rows: IDL.Opt(IDL.Nat64),
  seed: IDL.Nat64, format: IDL.Text, table: IDL.Opt(IDL.Text), where: IDL.Vec(IDL.Text),
});
const TablePage = IDL.Record({
  job: IDL.Nat64, table: IDL.Text, data: IDL.Vec(IDL.Nat8), rows: IDL.Nat64, done: IDL.Bool,
  params: IDL.Record({
    source: IDL.Text, spec_sha256: IDL.Text, rows: IDL.Opt(IDL.Nat64), seed: IDL.Nat64,
    format: IDL.Text, table: IDL.Text, where: IDL.Vec(IDL.Text),
  }),
});
const TableResult = IDL.Variant({ Ok: TablePage, Err: IDL.Text });
const METHODS = {
  table_start: [[TableRequest], TableResult],
  table_continue: [[IDL.Nat64], TableResult],
};

const alice = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : 100 + i));
const bob = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : 150 + i));
const BIG = 40_000_000_000n; // the whole update limit: the canister stops after the next batch
const tmp = mkdtempSync(join(tmpdir(), 'hyv-table-test-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const host = new IcHost(wasmPath, { controllers: [] });
host.install(alice);

function call(method, args, caller = alice) {
  const [argTypes, ret] = METHODS[method];
  const r = host.update(method, IDL.encode(argTypes, args), caller);
  if (r.reply === undefined) throw new Error(`${method}: no reply: ${JSON.stringify(r)}`);
  return IDL.decode([ret], r.reply)[0];
}
const show = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}` : x));
const ok = (r) => {
  assert.ok('Ok' in r, `expected Ok, got ${show(r).slice(0, 300)}`);
  return r.Ok;
};
const err = (r, pattern) => {
  assert.ok('Err' in r, `expected Err matching ${pattern}, got ${show(r).slice(0, 300)}`);
  assert.match(r.Err, pattern);
};
const request = (fields) => ({ rows: [], seed: 1n, format: 'csv', table: [], where: [], ...fields });

// Every page of a job, in order.
function run(req, caller = alice) {
  const pages = [ok(call('table_start', [req], caller))];
  while (!pages.at(-1).done) {
    pages.push(ok(call('table_continue', [pages[0].job], caller)));
    assert.ok(pages.length < 1000, 'the job does not end');
  }
  return pages;
}
const bytesOf = (pages) => Buffer.concat(pages.map((p) => Buffer.from(p.data)));
function cli(args) {
  const out = join(tmp, `out-${Math.random().toString(36).slice(2)}`);
  const file = `${out}.${args.format ?? 'csv'}`;
  execFileSync(hyvPath, [...args.argv, '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  return readFileSync(file);
}
const users = readFileSync('examples/users.json', 'utf8');
const shop = readFileSync('examples/shop.json', 'utf8');
const sha = (text) => createHash('sha256').update(text).digest('hex');

const cases = [];
const test = (name, fn) => cases.push([name, fn]);

test('schema: pages over many calls equal `hyv generate table` byte for byte', () => {
  const expected = cli({ argv: ['generate', 'table', '--schema', 'examples/users.json', '--rows', '1500',
    '--seed', '7'] });
  host.performanceCounter = (reads) => (reads >= 2 ? BIG : 0n); // two batches a call
  const pages = run(request({ source: { schema: users }, rows: [1500n], seed: 7n }));
  host.performanceCounter = null;
  assert.ok(pages.length >= 3, `only ${pages.length} calls`);
  assert.ok(bytesOf(pages).equals(expected), 'the CSV differs from the CLI\'s');
  const last = pages.at(-1);
  assert.equal(last.rows, 1500n);
  assert.equal(last.table, 'users');
  assert.deepEqual(last.params, { source: 'schema', spec_sha256: sha(users), rows: [1500n],
    seed: 7n, format: 'csv', table: 'users', where: [] });
  assert.ok(pages.slice(0, -1).every((p) => !p.done));
});

test('schema: json and jsonl in one call each; the schema\'s own row count by default', () => {
  for (const format of ['json', 'jsonl']) {
    const expected = cli({ format, argv: ['generate', 'table', '--schema', 'examples/users.json', '--seed', '3'] });
    const pages = run(request({ source: { schema: users }, seed: 3n, format }));
    assert.equal(pages.length, 1, format);
    assert.ok(bytesOf(pages).equals(expected), `${format} differs from the CLI's`);
    assert.equal(pages[0].rows, 1000n);
  }
});

test('schema with several tables: the one named, as `--table` writes it', () => {
  err(call('table_start', [request({ source: { schema: shop } })]), /has 4 tables: name the one .*products, customers, orders, order_lines/);
  err(call('table_start', [request({ source: { schema: shop }, table: ['nope'] })]), /table "nope": the schema has no such table/);
  const expected = cli({ argv: ['generate', 'table', '--schema', 'examples/shop.json', '--table', 'order_lines',
    '--seed', '11'] });
  host.performanceCounter = (reads) => (reads >= 1 ? BIG : 0n);
  const pages = run(request({ source: { schema: shop }, table: ['order_lines'], seed: 11n }));
  host.performanceCounter = null;
  assert.ok(pages.length > 1);
  assert.ok(bytesOf(pages).equals(expected), 'order_lines differs from the CLI\'s');
});

test('copula model from `hyv fit`: pages equal `hyv sample`, with and without --where', () => {
  const csv = join(tmp, 'train.csv');
  execFileSync(hyvPath, ['generate', 'table', '--schema', 'examples/users.json', '--rows', '400', '--seed', '5',
    '-o', csv], { stdio: 'ignore' });
  const modelPath = join(tmp, 'model.json');
  execFileSync(hyvPath, ['fit', csv, '-o', modelPath, '-q'], { stdio: 'ignore' });
  const model = readFileSync(modelPath, 'utf8');
  const expected = cli({ argv: ['sample', modelPath, '--rows', '1200', '--seed', '9'] });
  host.performanceCounter = (reads) => (reads >= 1 ? BIG : 0n); // one batch of 256 rows a call
  const pages = run(request({ source: { copula: model }, rows: [1200n], seed: 9n }));
  host.performanceCounter = null;
  assert.equal(pages.length, 5);
  assert.ok(bytesOf(pages).equals(expected), 'the sampled CSV differs from `hyv sample`');
  assert.equal(pages.at(-1).rows, 1200n);
  assert.equal(pages.at(-1).params.spec_sha256, sha(model));

  const where = cli({ format: 'jsonl', argv: ['sample', modelPath, '--rows', '300', '--seed', '2',
    '--where', 'plan=pro', '--format', 'jsonl'] });
  const wpages = run(request({ source: { copula: model }, rows: [300n], seed: 2n, format: 'jsonl',
    where: ['plan=pro'] }));
  assert.ok(bytesOf(wpages).equals(where), 'conditioned jsonl differs from `hyv sample --where`');
  err(call('table_start', [request({ source: { copula: model }, rows: [10n], where: ['nope=1'] })]), /nope/);
  err(call('table_start', [request({ source: { copula: model } })]), /rows is required/);
});

test('real counting: a large table comes in pages under 1 MiB and 40B, identical bytes', () => {
  const expected = cli({ argv: ['generate', 'table', '--schema', 'examples/users.json', '--rows', '12000',
    '--seed', '1'] });
  const pages = run(request({ source: { schema: users }, rows: [12000n] }));
  assert.ok(pages.length >= 2, `${expected.length} bytes in ${pages.length} page(s)`);
  assert.ok(pages.every((p) => p.data.length <= (1 << 20) + (64 << 10)), 'a page is too large');
  assert.ok(bytesOf(pages).equals(expected));
  assert.ok(host.lastInstructions < 40_000_000_000n);
});

test('bad requests are Err and start nothing; jobs belong to their caller', () => {
  err(call('table_start', [request({ source: { schema: users }, format: 'xml' })]), /format "xml": expected csv, json or jsonl/);
  err(call('table_start', [request({ source: { schema: '' } })]), /must not be empty/);
  err(call('table_start', [request({ source: { schema: '{"tables": 3}' } })]), /schema/);
  err(call('table_start', [request({ source: { schema: users }, where: ['a=1'] })]), /copula models only/);
  err(call('table_start', [request({ source: { schema: users } })], ANONYMOUS), /anonymous/);
  err(call('table_continue', [999n]), /no open table job 999/);
  host.performanceCounter = () => BIG;
  const page = ok(call('table_start', [request({ source: { schema: users }, rows: [2000n] })]));
  host.performanceCounter = null;
  assert.equal(page.done, false);
  err(call('table_continue', [page.job], bob), /no open table job/);
  const rest = [page];
  while (!rest.at(-1).done) rest.push(ok(call('table_continue', [page.job])));
  err(call('table_continue', [page.job]), /no open table job/);
  const r = host.update('table_start', IDL.encode([IDL.Text], ['x']), alice);
  assert.match(r.reject, /malformed Candid argument/);
});

test('at most 4 open jobs per caller; idle jobs expire after 10 minutes', () => {
  host.performanceCounter = () => BIG;
  const req = request({ source: { schema: users }, rows: [5000n] });
  for (let i = 0; i < 4; ++i) ok(call('table_start', [req]));
  err(call('table_start', [req]), /4 open table jobs/);
  ok(call('table_start', [req], bob));
  host.timeNs += 11n * 60n * 1_000_000_000n;
  ok(call('table_start', [req]));
  host.performanceCounter = null;
});

runCases('table', cases);
