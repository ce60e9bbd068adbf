// Model upload into the hyv_ai_engine canister's stable memory, run on the built wasm through the
// test host (ic_host.mjs). Arguments are encoded and replies decoded with npm @dfinity/candid, and
// digests computed with Node's crypto, so neither side is our own code.
// Usage: node tests/canister/model_upload_test.mjs path/to/hyv_ai_engine.wasm path/to/model-file
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { IcHost, ANONYMOUS } from '../../tools/ic-local/ic_host.mjs';
import { runCases } from './run_cases.mjs';

const [wasmPath, modelPath] = process.argv.slice(2);
if (!wasmPath || !modelPath) throw new Error('usage: model_upload_test.mjs canister.wasm model');

const ModelInfo = IDL.Record({
  name: IDL.Text, id: IDL.Nat64, total_bytes: IDL.Nat64, received: IDL.Nat64,
  complete: IDL.Bool, sha256: IDL.Vec(IDL.Nat8),
});
const ResultNat64 = IDL.Variant({ Ok: IDL.Nat64, Err: IDL.Text });
const METHODS = {
  model_upload_begin: [[IDL.Record({ name: IDL.Text, total_bytes: IDL.Nat64, sha256: IDL.Vec(IDL.Nat8) })], ResultNat64],
  model_upload_chunk: [[IDL.Record({ id: IDL.Nat64, offset: IDL.Nat64, bytes: IDL.Vec(IDL.Nat8) })], ResultNat64],
  model_upload_finish: [[IDL.Nat64], IDL.Variant({ Ok: ModelInfo, Err: IDL.Text })],
  model_delete: [[IDL.Text], IDL.Variant({ Ok: IDL.Null, Err: IDL.Text })],
  models_list: [[], IDL.Vec(ModelInfo)],
  uploaders_add: [[IDL.Principal], IDL.Variant({ Ok: IDL.Null, Err: IDL.Text })],
  uploaders_remove: [[IDL.Principal], IDL.Variant({ Ok: IDL.Null, Err: IDL.Text })],
  uploaders_list: [[], IDL.Vec(IDL.Principal)],
};
const QUERIES = new Set(['models_list', 'uploaders_list']);

const controller = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : i + 1));
const stranger = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : 100 + i));
const sha = (b) => createHash('sha256').update(b).digest();

let host;
function call(method, args, caller = controller) {
  const [argTypes, ret] = METHODS[method];
  const bytes = IDL.encode(argTypes, args);
  const r = QUERIES.has(method) ? host.query(method, bytes, caller) : host.update(method, bytes, caller);
  if (r.reply === undefined) throw new Error(`${method}: no reply: ${JSON.stringify(r)}`);
  return IDL.decode([ret], r.reply)[0];
}
const ok = (r) => {
  assert.ok('Ok' in r, `expected Ok, got ${JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return r.Ok;
};
const err = (r, pattern) => {
  assert.ok('Err' in r, `expected Err matching ${pattern}, got Ok`);
  assert.match(r.Err, pattern);
};

function upload(name, data, chunkBytes, digest = sha(data)) {
  const id = ok(call('model_upload_begin', [{ name, total_bytes: BigInt(data.length), sha256: [...digest] }]));
  for (let at = 0; at < data.length; at += chunkBytes) {
    const piece = data.subarray(at, Math.min(at + chunkBytes, data.length));
    ok(call('model_upload_chunk', [{ id, offset: BigInt(at), bytes: [...piece] }]));
  }
  return id;
}
const list = (caller = controller) => call('models_list', [], caller);
const cases = [];
const test = (name, fn) => cases.push([name, fn]);

const model = readFileSync(modelPath);
// Above 2 MiB, so the largest allowed chunk is exercised; content pseudo-random.
const big = Buffer.alloc((2 << 20) + 300_000);
for (let i = 0, x = 1; i < big.length; ++i) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  big[i] = x >>> 24;
}

test('fresh canister lists no models', () => {
  assert.deepEqual(list(), []);
});

test('upload in chunks with a resent chunk, then finish verifies sha256', () => {
  const digest = sha(model);
  const id = ok(call('model_upload_begin', [{ name: 'tiny-gpt2', total_bytes: BigInt(model.length), sha256: [...digest] }]));
  const chunk = 100_000;
  const send = (at) => call('model_upload_chunk', [{ id, offset: BigInt(at), bytes: [...model.subarray(at, at + chunk)] }]);
  assert.equal(ok(send(0)), BigInt(chunk));
  assert.equal(ok(send(chunk)), BigInt(2 * chunk));
  assert.equal(ok(send(chunk)), BigInt(2 * chunk), 'a resent chunk changes nothing');
  assert.equal(ok(send(0)), BigInt(2 * chunk), 'an older chunk resent changes nothing');
  err(send(4 * chunk), /gap.*expected is at 200000/);
  // Overlapping resend that also carries new bytes: only the new part counts.
  assert.equal(ok(call('model_upload_chunk', [{ id, offset: 150_000n, bytes: [...model.subarray(150_000, 350_000)] }])), 350_000n);
  err(call('model_upload_finish', [id]), /has 350000 of 594144 bytes|has 350000 of/);
  const [info] = list();
  assert.equal(info.complete, false);
  assert.equal(info.received, 350_000n);
  for (let at = 350_000; at < model.length; at += chunk) {
    ok(call('model_upload_chunk', [{ id, offset: BigInt(at), bytes: [...model.subarray(at, at + chunk)] }]));
  }
  const done = ok(call('model_upload_finish', [id]));
  assert.equal(done.name, 'tiny-gpt2');
  assert.equal(done.complete, true);
  assert.equal(done.total_bytes, BigInt(model.length));
  assert.deepEqual(Buffer.from(done.sha256), digest);
  assert.deepEqual(ok(call('model_upload_finish', [id])), done, 'finishing twice is harmless');
  err(call('model_upload_chunk', [{ id, offset: 0n, bytes: [1] }]), /finished already/);
  assert.ok(Buffer.from(host.stableBytes()).indexOf(model) >= 131072, 'the bytes are in stable memory');
});

test('2 MiB chunks are accepted, larger ones and bytes past the end are not', () => {
  const digest = sha(big);
  const id = ok(call('model_upload_begin', [{ name: 'big', total_bytes: BigInt(big.length), sha256: [...digest] }]));
  err(call('model_upload_chunk', [{ id, offset: 0n, bytes: [...big.subarray(0, (2 << 20) + 1)] }]), /1 to 2097152 bytes/);
  assert.equal(ok(call('model_upload_chunk', [{ id, offset: 0n, bytes: [...big.subarray(0, 2 << 20)] }])), BigInt(2 << 20));
  err(call('model_upload_chunk', [{ id, offset: BigInt(2 << 20), bytes: [...big.subarray(2 << 20), 0] }]), /past total_bytes/);
  err(call('model_upload_chunk', [{ id, offset: 0n, bytes: [] }]), /1 to 2097152 bytes/);
  ok(call('model_upload_chunk', [{ id, offset: BigInt(2 << 20), bytes: [...big.subarray(2 << 20)] }]));
  assert.equal(ok(call('model_upload_finish', [id])).complete, true);
});

test('a wrong sha256 is rejected at finish and the model stays unfinished', () => {
  const wrong = sha(Buffer.from('something else'));
  const id = upload('bad-sha', model.subarray(0, 5000), 1000, wrong);
  err(call('model_upload_finish', [id]), new RegExp(`sha256 mismatch: the bytes received hash to ${sha(model.subarray(0, 5000)).toString('hex')}`));
  const entry = list().find((m) => m.name === 'bad-sha');
  assert.equal(entry.complete, false);
  ok(call('model_delete', ['bad-sha']));
});

test('bad begin arguments', () => {
  const begin = (name, total, digest) => call('model_upload_begin', [{ name, total_bytes: total, sha256: [...digest] }]);
  err(begin('tiny-gpt2', 10n, sha(model)), /exists; delete it first/);
  err(begin('', 10n, sha(model)), /name: must be 1 to 64 bytes/);
  err(begin('x'.repeat(65), 10n, sha(model)), /name: must be 1 to 64 bytes/);
  err(begin('a/b', 10n, sha(model)), /only letters, digits/);
  err(begin('zero', 0n, sha(model)), /total_bytes: must be 1 to/);
  err(begin('short-sha', 10n, sha(model).subarray(0, 31)), /sha256: must be 32 bytes, got 31/);
  const id = ok(begin('pending', 10n, sha(model)));
  err(begin('pending', 10n, sha(model)), new RegExp(`is being uploaded \\(id ${id}\\)`));
  err(call('model_upload_chunk', [{ id: 999n, offset: 0n, bytes: [1] }]), /no upload with id 999/);
  err(call('model_upload_finish', [999n]), /no upload with id 999/);
  ok(call('model_delete', ['pending']));
});

test('only controllers, never the anonymous principal, may upload or delete', () => {
  const before = list();
  const begin = [{ name: 'intruder', total_bytes: 10n, sha256: [...sha(model)] }];
  err(call('model_upload_begin', begin, stranger), /only controllers/);
  err(call('model_delete', ['tiny-gpt2'], stranger), /only controllers/);
  err(call('model_upload_chunk', [{ id: 1n, offset: 0n, bytes: [1] }], stranger), /only controllers/);
  err(call('model_upload_finish', [1n], stranger), /only controllers/);
  host.controllers.push(ANONYMOUS); // even when listed as a controller
  err(call('model_upload_begin', begin, ANONYMOUS), /anonymous principal may not/);
  err(call('model_delete', ['tiny-gpt2'], ANONYMOUS), /anonymous principal may not/);
  host.controllers.pop();
  assert.deepEqual(list(stranger), before, 'anyone may list; nothing changed');
  assert.deepEqual(call('models_list', [], ANONYMOUS), before);
});

test('controllers authorise uploaders, who may then upload and delete; they survive upgrades', () => {
  const p = Principal.fromUint8Array(stranger);
  const uploaders = () => call('uploaders_list', [], stranger).map((x) => x.toText());
  assert.deepEqual(uploaders(), []);
  err(call('uploaders_add', [p], stranger), /only controllers of this canister may manage uploaders/);
  err(call('uploaders_add', [Principal.anonymous()]), /anonymous principal cannot be an uploader/);
  err(call('uploaders_remove', [p]), new RegExp(`${p.toText()} is not an uploader`));
  ok(call('uploaders_add', [p]));
  err(call('uploaders_add', [p]), /is an uploader already/);
  assert.deepEqual(uploaders(), [p.toText()]);
  assert.equal(host.upgrade(controller).trap, undefined);
  assert.deepEqual(uploaders(), [p.toText()]);

  const data = model.subarray(0, 4000);
  const id = ok(call('model_upload_begin', [{ name: 'by-uploader', total_bytes: 4000n, sha256: [...sha(data)] }], stranger));
  ok(call('model_upload_chunk', [{ id, offset: 0n, bytes: [...data] }], stranger));
  assert.equal(ok(call('model_upload_finish', [id], stranger)).complete, true);
  err(call('uploaders_remove', [p], stranger), /only controllers/);
  ok(call('model_delete', ['by-uploader'], stranger));

  ok(call('uploaders_remove', [p]));
  assert.deepEqual(uploaders(), []);
  err(call('model_upload_begin', [{ name: 'x', total_bytes: 1n, sha256: [...sha(data)] }], stranger), /only controllers/);
  for (let i = 0; i < 16; ++i) ok(call('uploaders_add', [Principal.fromUint8Array(Uint8Array.of(7, i))]));
  err(call('uploaders_add', [p]), /16 uploaders already/);
  for (let i = 0; i < 16; ++i) ok(call('uploaders_remove', [Principal.fromUint8Array(Uint8Array.of(7, i))]));
});

test('a model larger than the stable memory left is an Err that leaves nothing behind', () => {
  const before = list();
  const pages = host.stableBytes().length;
  host.maxStablePages = BigInt(pages / 65536 + 100); // 6.25 MiB more
  err(call('model_upload_begin', [{ name: 'huge', total_bytes: 8n << 20n, sha256: [...sha(model)] }]),
    /stable memory: cannot grow/);
  assert.deepEqual(list(), before);
  assert.equal(host.stableBytes().length, pages);
  const id = upload('fits', Buffer.concat([big, big]), 2 << 20); // 4.6 MiB still fits
  ok(call('model_upload_finish', [id]));
  ok(call('model_delete', ['fits']));
  host.maxStablePages = 1n << 20n;
});

test('malformed Candid is rejected with a message and changes nothing', () => {
  const before = Buffer.from(host.stableBytes().slice());
  let r = host.update('model_upload_begin', Buffer.from('DIDL garbage'), controller);
  assert.match(r.reject, /malformed Candid argument/);
  r = host.update('model_upload_begin', IDL.encode([IDL.Text], ['tiny']), controller);
  assert.match(r.reject, /malformed Candid argument/);
  r = host.update('model_delete', new Uint8Array(0), controller);
  assert.match(r.reject, /malformed Candid argument/);
  assert.ok(before.equals(Buffer.from(host.stableBytes().slice())));
});

test('an upgrade keeps every model, complete or in progress, and uploads continue', () => {
  const id = ok(call('model_upload_begin', [{ name: 'half', total_bytes: 3000n, sha256: [...sha(model.subarray(0, 3000))] }]));
  ok(call('model_upload_chunk', [{ id, offset: 0n, bytes: [...model.subarray(0, 1000)] }]));
  const before = list();
  const r = host.upgrade(controller);
  assert.equal(r.trap, undefined, `post_upgrade trapped: ${r.trap}`);
  assert.deepEqual(list(), before);
  ok(call('model_upload_chunk', [{ id, offset: 1000n, bytes: [...model.subarray(1000, 3000)] }]));
  assert.equal(ok(call('model_upload_finish', [id])).complete, true);
  ok(call('model_delete', ['half']));
});

test('delete frees the name and the space, which the next upload reuses', () => {
  const pages = host.stableBytes().length;
  err(call('model_delete', ['nope']), /no model named 'nope'/);
  ok(call('model_delete', ['big']));
  assert.deepEqual(list().map((m) => m.name), ['tiny-gpt2']);
  err(call('model_delete', ['big']), /no model named 'big'/);
  const id = upload('big', big, 2 << 20);
  assert.equal(ok(call('model_upload_finish', [id])).complete, true);
  assert.equal(host.stableBytes().length, pages, 'stable memory did not grow: the freed region was reused');
  assert.deepEqual(list().map((m) => m.name), ['big', 'tiny-gpt2']);
});

test('a fresh install starts empty', () => {
  host.install(controller);
  assert.deepEqual(list(), []);
});

host = new IcHost(wasmPath, { controllers: [controller] });
host.install(controller);
runCases('model_upload', cases);
